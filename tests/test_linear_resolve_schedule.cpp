// LinearResolveSchedule: where an optimiser re-solves the linear coefficients.
#include <gtest/gtest.h>

#include <vector>

#include "mtpc/sdk/linear_resolve_schedule.hpp"

namespace {

std::vector<int> points_up_to(const mtpc::sdk::LinearResolveSchedule& s, int last) {
    std::vector<int> points;
    for (int done = 1; done <= last; ++done)
        if (s.resolves_after(done)) points.push_back(done);
    return points;
}

}  // namespace

TEST(LinearResolveSchedule, IntervalsDoubleFromTheFirstToThePeriod) {
    const mtpc::sdk::LinearResolveSchedule s(50, 500);
    EXPECT_EQ(points_up_to(s, 3000), (std::vector<int>{50, 150, 350, 750, 1250, 1750, 2250, 2750}));
}

TEST(LinearResolveSchedule, NextAfterAgreesWithResolvesAfter) {
    const mtpc::sdk::LinearResolveSchedule s(3, 20);  // 3, 9, 21, 41, 61, ...
    EXPECT_EQ(points_up_to(s, 70), (std::vector<int>{3, 9, 21, 41, 61}));
    for (int done = 0; done < 200; ++done) {
        const int next = s.next_after(done);
        EXPECT_GT(next, done);
        EXPECT_TRUE(s.resolves_after(next)) << next;
        for (int k = done + 1; k < next; ++k) EXPECT_FALSE(s.resolves_after(k)) << k;
    }
}

TEST(LinearResolveSchedule, AFirstIntervalThatIsNotShorterGivesTheFixedPeriod) {
    for (const int first : {0, -5, 10, 25}) {
        const mtpc::sdk::LinearResolveSchedule s(first, 10);
        EXPECT_EQ(points_up_to(s, 45), (std::vector<int>{10, 20, 30, 40})) << first;
    }
}

TEST(LinearResolveSchedule, PeriodZeroNeverResolves) {
    const mtpc::sdk::LinearResolveSchedule s(50, 0);
    EXPECT_FALSE(s.enabled());
    EXPECT_TRUE(points_up_to(s, 1000).empty());
}

TEST(LinearResolveSchedule, LargeIterationCountsAreOneStep) {
    // Far into a long fit the next point is computed, not walked to (10^8 iterations is the cap).
    const mtpc::sdk::LinearResolveSchedule s(1, 2);
    EXPECT_EQ(s.next_after(99999998), 99999999);  // 1, 3, 5, ...: the odd numbers
    EXPECT_EQ(s.next_after(99999999), 100000001);
}
