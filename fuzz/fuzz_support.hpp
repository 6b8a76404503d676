// What every fuzz target asserts: bad input ends in mtpc::InputError (the one-line error the CLI
// prints), never in another exception, a crash, or a sanitizer report.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "mtpc/core/configuration.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/mtp/neighbor_list.hpp"

namespace mtpc::fuzz {

template <class F>
void expect_input_errors_only(F&& f) {
    try {
        f();
    } catch (const InputError&) {
        // the expected outcome for bad input
    } catch (const std::exception& e) {
        std::fprintf(stderr, "finding: exception other than InputError: %s\n", e.what());
        std::abort();
    }
}

/// Neighbour lists at a typical MTP cutoff, for geometry the readers accepted.
inline void evaluate(const Configuration& cfg) { const NeighborList nl(cfg, 5.0, "fuzz"); }

}  // namespace mtpc::fuzz
