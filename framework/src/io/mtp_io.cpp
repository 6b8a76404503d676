// MLIP-2 `.mtp` (version 1.1.0) reader, writer and consistency check.
//
// The reader accepts the keys in any order (MLIP-2 writes a fixed order), lists spread over
// several lines; an unknown key is an error (as in MLIP-2).  Every inconsistency is reported as
// "FILE:LINE: message" with the line of the key concerned.  The writer prints doubles with 17
// significant digits ("%.16e"), so write -> read gives back bit-identical numbers.
#include "mtpc/io/mtp_io.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <algorithm>
#include <map>
#include <ostream>
#include <string_view>

#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"
#include "text_scan.hpp"

namespace mtpc {
namespace {

using io_detail::LineScanner;

/// Line of a key in the file being checked (0 when unknown, e.g. for an in-memory potential).
using LineOf = std::function<long(const std::string& key)>;

/// Bounds on the sizes a file can declare, far above any practical MTP (N_T ≤ 10, N_b ≤ 20,
/// N_f ≤ 10 in published fits) but low enough that what they size fits in memory.
constexpr int kMaxSpecies = 256;
constexpr int kMaxRadialBasisSize = 1000;
constexpr int kMaxRadialFuncs = 1000;
constexpr double kMaxRadialCoefficients = 1e8;  // N_T² N_f N_b doubles: 800 MB

template <class Fail>
void check_size_bounds(const MtpPotential& pot, const Fail& fail) {
    const auto bound = [&](const char* key, int value, int limit) {
        if (value > limit)
            fail(key, std::string(key) + " " + std::to_string(value) + " exceeds the supported " + std::to_string(limit));
    };
    bound("species_count", pot.species_count, kMaxSpecies);
    bound("radial_basis_size", pot.radial_basis_size, kMaxRadialBasisSize);
    bound("radial_funcs_count", pot.radial_funcs_count, kMaxRadialFuncs);
    const double radial = double(pot.species_count) * pot.species_count * pot.radial_funcs_count * pot.radial_basis_size;
    if (radial > kMaxRadialCoefficients)
        fail("radial_basis_size", "species_count^2 * radial_funcs_count * radial_basis_size = " +
                                      std::to_string(static_cast<long long>(radial)) + " radial coefficients exceed the supported 1e8");
}

void validate(const MtpPotential& pot, const std::string& name, const LineOf& line_of) {
    const auto fail = [&](const std::string& key, const std::string& msg) {
        throw InputError(name, line_of(key), msg);
    };
    const auto all_finite = [](const std::vector<double>& v) {
        for (const double x : v)
            if (!std::isfinite(x)) return false;
        return true;
    };
    if (pot.version != "1.1.0") fail("version", "unsupported version '" + pot.version + "' (need 1.1.0)");
    if (pot.radial_basis_type != "RBChebyshev")
        fail("radial_basis_type", "unsupported radial_basis_type '" + pot.radial_basis_type + "' (need RBChebyshev)");
    if (!std::isfinite(pot.scaling)) fail("scaling", "scaling is not a finite number");
    if (pot.species_count <= 0) fail("species_count", "species_count must be positive");
    if (!std::isfinite(pot.min_dist) || !std::isfinite(pot.max_dist)) fail("max_dist", "min_dist/max_dist not finite");
    if (!(pot.min_dist < pot.max_dist)) fail("max_dist", "max_dist must be larger than min_dist");
    if (pot.radial_basis_size <= 0) fail("radial_basis_size", "radial_basis_size must be positive");
    if (pot.radial_funcs_count <= 0) fail("radial_funcs_count", "radial_funcs_count must be positive");
    if (pot.alpha_moments_count <= 0) fail("alpha_moments_count", "alpha_moments_count must be positive");
    check_size_bounds(pot, fail);

    const int basic = static_cast<int>(pot.alpha_index_basic.size());
    const int moments = pot.alpha_moments_count;
    if (basic == 0) fail("alpha_index_basic", "alpha_index_basic is empty");
    if (basic > moments)
        fail("alpha_index_basic", "alpha_index_basic has " + std::to_string(basic) + " entries, more than alpha_moments_count " +
                                      std::to_string(moments));
    for (std::size_t k = 0; k < pot.alpha_index_basic.size(); ++k) {
        const auto& b = pot.alpha_index_basic[k];
        if (b[0] < 0 || b[0] >= pot.radial_funcs_count)
            fail("alpha_index_basic", "alpha_index_basic entry " + std::to_string(k) + ": radial function " +
                                          std::to_string(b[0]) + " not below radial_funcs_count " +
                                          std::to_string(pot.radial_funcs_count));
        if (b[1] < 0 || b[2] < 0 || b[3] < 0)
            fail("alpha_index_basic", "alpha_index_basic entry " + std::to_string(k) + ": negative power");
    }
    // Every moment past the basic ones is the product of two others, so there are at most as many
    // as products: this bounds the count by the file's own contents before anything is sized by it.
    if (std::size_t(moments) > std::size_t(basic) + pot.alpha_index_times.size())
        fail("alpha_moments_count", "alpha_moments_count " + std::to_string(moments) + " is more than the " +
                                        std::to_string(basic) + " basic moments plus the " +
                                        std::to_string(pot.alpha_index_times.size()) + " products that define the others");
    std::vector<char> defined(std::size_t(moments), 0);
    std::fill(defined.begin(), defined.begin() + basic, 1);
    for (std::size_t k = 0; k < pot.alpha_index_times.size(); ++k) {
        const auto& t = pot.alpha_index_times[k];
        const std::string entry = "alpha_index_times entry " + std::to_string(k) + ": ";
        if (t[0] < 0 || t[0] >= moments || t[1] < 0 || t[1] >= moments)
            fail("alpha_index_times", entry + "factor index not below alpha_moments_count " + std::to_string(moments));
        if (t[3] < basic || t[3] >= moments)
            fail("alpha_index_times", entry + "target " + std::to_string(t[3]) + " must be in [" + std::to_string(basic) +
                                          ", " + std::to_string(moments) + ") (non-basic moments only)");
        defined[std::size_t(t[3])] = 1;
    }
    for (int k = basic; k < moments; ++k)
        if (!defined[std::size_t(k)])
            fail("alpha_moments_count", "moment " + std::to_string(k) + " is below alpha_moments_count " +
                                            std::to_string(moments) + " but no alpha_index_times entry computes it");
    if (pot.alpha_moment_mapping.empty()) fail("alpha_moment_mapping", "alpha_moment_mapping is empty");
    for (const int m : pot.alpha_moment_mapping)
        if (m < 0 || m >= moments)
            fail("alpha_moment_mapping", "alpha_moment_mapping index " + std::to_string(m) +
                                             " not below alpha_moments_count " + std::to_string(moments));

    const std::size_t nt = static_cast<std::size_t>(pot.species_count);
    const std::size_t radial = nt * nt * static_cast<std::size_t>(pot.radial_funcs_count) *
                               static_cast<std::size_t>(pot.radial_basis_size);
    if (!pot.radial_coeffs.empty() && pot.radial_coeffs.size() != radial)
        fail("radial_coeffs", "radial_coeffs has " + std::to_string(pot.radial_coeffs.size()) +
                                  " numbers, need species_count^2 * radial_funcs_count * radial_basis_size = " +
                                  std::to_string(radial));
    if (!all_finite(pot.radial_coeffs)) fail("radial_coeffs", "radial_coeffs holds a non-finite number");
    if (pot.species_coeffs.empty() != pot.moment_coeffs.empty())
        fail(pot.species_coeffs.empty() ? "moment_coeffs" : "species_coeffs",
             "species_coeffs and moment_coeffs must be given together");
    if (!pot.species_coeffs.empty() && pot.species_coeffs.size() != nt)
        fail("species_coeffs", "species_coeffs has " + std::to_string(pot.species_coeffs.size()) +
                                   " numbers, need species_count = " + std::to_string(nt));
    if (!pot.moment_coeffs.empty() && pot.moment_coeffs.size() != pot.alpha_moment_mapping.size())
        fail("moment_coeffs", "moment_coeffs has " + std::to_string(pot.moment_coeffs.size()) +
                                  " numbers, need alpha_scalar_moments = " +
                                  std::to_string(pot.alpha_moment_mapping.size()));
    if (pot.trained() && pot.radial_coeffs.empty()) fail("moment_coeffs", "trained potential without radial_coeffs");
    if (!all_finite(pot.species_coeffs)) fail("species_coeffs", "species_coeffs holds a non-finite number");
    if (!all_finite(pot.moment_coeffs)) fail("moment_coeffs", "moment_coeffs holds a non-finite number");
}

/// Walks through a `{...}` list text.
class ListCursor {
public:
    explicit ListCursor(std::string_view text) : s_(text) {}

    void skip_ws() {
        while (i_ < s_.size() && io_detail::is_space(s_[i_])) ++i_;
    }
    bool consume(char c) {
        skip_ws();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    /// Text up to the next ',', '{', '}' (trimmed).
    std::string_view atom() {
        skip_ws();
        const std::size_t start = i_;
        while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '{' && s_[i_] != '}') ++i_;
        return io_detail::trim(s_.substr(start, i_ - start));
    }
    bool at_end() {
        skip_ws();
        return i_ >= s_.size();
    }
    /// A few characters from the current position, for error messages.
    [[nodiscard]] std::string near() const {
        const std::string_view rest = s_.substr(std::min(i_, s_.size()));
        return rest.empty() ? std::string("end of list") : "'" + std::string(rest.substr(0, 24)) + "'";
    }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

constexpr const char* kKnownKeys[] = {"version", "potential_name", "scaling", "species_count", "potential_tag",
                                      "radial_basis_type", "min_dist", "max_dist", "radial_basis_size",
                                      "radial_funcs_count", "radial_coeffs", "alpha_moments_count",
                                      "alpha_index_basic_count", "alpha_index_basic", "alpha_index_times_count",
                                      "alpha_index_times", "alpha_scalar_moments", "alpha_moment_mapping",
                                      "species_coeffs", "moment_coeffs"};

/// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

class MtpReader {
public:
    MtpReader(std::string_view text, std::string name) : scan_(text, std::move(name)) {}

    MtpPotential read() {
        read_header();
        while (const auto line = scan_.next()) {
            if (io_detail::is_blank(*line)) continue;
            const std::string_view trimmed = io_detail::trim(*line);
            const std::size_t eq = trimmed.find('=');
            const std::string key(io_detail::trim(trimmed.substr(0, eq)));
            const std::string_view value = eq == std::string_view::npos ? std::string_view() : io_detail::trim(trimmed.substr(eq + 1));
            if (!dispatch(key, value, eq != std::string_view::npos)) reject_unknown(key, eq != std::string_view::npos);
        }
        finish();
        return std::move(pot_);
    }

private:
    void read_header() {
        std::optional<std::string_view> line;
        do {
            line = scan_.next();
            if (!line) throw scan_.error_at(0, "empty file, not an MTP potential");
        } while (io_detail::is_blank(*line));
        if (io_detail::trim(*line) != "MTP")
            throw scan_.error("first line must be 'MTP', found '" + std::string(io_detail::trim(*line)) + "'");
    }

    /// An unknown key is an error, as in MLIP-2: ignoring a misspelt `scaling` would silently
    /// evaluate a different potential.
    [[noreturn]] void reject_unknown(const std::string& key, bool has_eq) {
        if (!has_eq) throw scan_.error("unexpected line '" + key + "' (not 'key = value')");
        std::string hint;
        for (const char* known : kKnownKeys)
            if (edit_distance(key, known) <= 2) hint = " (did you mean '" + std::string(known) + "'?)";
        throw scan_.error("unknown key '" + key + "'" + hint);
    }

    /// Records that `key` appears at the current line; a key given twice is an error.
    void note(const std::string& key) {
        if (!line_of_.emplace(key, scan_.line_no()).second)
            throw scan_.error(key + " given twice (first at line " + std::to_string(line_of_[key]) + ")");
    }

    int int_value(const std::string& key, std::string_view value) {
        int v = 0;
        if (!io_detail::parse_int(value, v)) throw scan_.error(key + ": '" + std::string(value) + "' is not an integer");
        return v;
    }
    double double_value(const std::string& key, std::string_view value) {
        double v = 0;
        if (!io_detail::parse_double(value, v))
            throw scan_.error(key + ": '" + std::string(value) + "' is not a finite number");
        return v;
    }

    /// The list text of `key`: its value plus following lines while braces are unbalanced.
    std::string list_text(const std::string& key, std::string_view value) {
        std::string text(value);
        long depth = 0;
        const auto count = [&depth](std::string_view s) {
            for (const char c : s) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        };
        count(value);
        const long start = scan_.line_no();
        while (depth > 0) {
            const auto more = scan_.next();
            if (!more) throw scan_.error_at(start, key + ": list not closed with '}' (end of file)");
            text += ' ';
            text += *more;
            count(*more);
        }
        return text;
    }

    template <class T, class Parse>
    std::vector<T> flat_list(const std::string& key, std::string_view text, Parse parse, const char* what) {
        ListCursor cur(text);
        std::vector<T> out;
        const auto bad = [&](const std::string& msg) { return scan_.error_at(line_of_[key], key + ": " + msg); };
        if (!cur.consume('{')) throw bad("expected a list '{...}'");
        if (!cur.consume('}')) {
            for (;;) {
                const std::string_view tok = cur.atom();
                T v{};
                if (!parse(tok, v)) throw bad("'" + std::string(tok) + "' is not " + what);
                out.push_back(v);
                if (cur.consume(',')) continue;
                if (cur.consume('}')) break;
                throw bad("expected ',' or '}' near " + cur.near());
            }
        }
        if (!cur.at_end()) throw bad("unexpected text after the list near " + cur.near());
        return out;
    }

    std::vector<std::array<int, 4>> quad_list(const std::string& key, std::string_view text) {
        ListCursor cur(text);
        std::vector<std::array<int, 4>> out;
        const auto bad = [&](const std::string& msg) { return scan_.error_at(line_of_[key], key + ": " + msg); };
        if (!cur.consume('{')) throw bad("expected a list '{{...}, ...}'");
        if (!cur.consume('}')) {
            for (;;) {
                if (!cur.consume('{')) throw bad("expected '{' near " + cur.near());
                std::array<int, 4> q{};
                for (int k = 0; k < 4; ++k) {
                    const std::string_view tok = cur.atom();
                    if (!io_detail::parse_int(tok, q[static_cast<std::size_t>(k)]))
                        throw bad("'" + std::string(tok) + "' is not an integer (entry " + std::to_string(out.size()) + ")");
                    if (k < 3 && !cur.consume(','))
                        throw bad("entry " + std::to_string(out.size()) + " must have four integers, near " + cur.near());
                }
                if (!cur.consume('}'))
                    throw bad("entry " + std::to_string(out.size()) + " must have four integers, near " + cur.near());
                out.push_back(q);
                if (cur.consume(',')) continue;
                if (cur.consume('}')) break;
                throw bad("expected ',' or '}' near " + cur.near());
            }
        }
        if (!cur.at_end()) throw bad("unexpected text after the list near " + cur.near());
        return out;
    }

    std::vector<double> double_list(const std::string& key, std::string_view value) {
        return flat_list<double>(key, list_text(key, value), io_detail::parse_double, "a finite number");
    }

    /// Handles one `key = value` line; false when the key is not one of ours (kept verbatim).
    bool dispatch(const std::string& key, std::string_view value, bool has_eq) {
        if (!has_eq) {
            if (key != "radial_coeffs") return false;
            note(key);
            read_radial_coeffs();
            return true;
        }
        if (key == "version") {
            note(key);
            if (value != "1.1.0") throw scan_.error("unsupported version '" + std::string(value) + "' (need 1.1.0)");
            pot_.version = std::string(value);
        } else if (key == "potential_name") {
            note(key);
            pot_.potential_name = std::string(value);
        } else if (key == "scaling") {
            note(key);
            pot_.scaling = double_value(key, value);
        } else if (key == "species_count") {
            note(key);
            pot_.species_count = int_value(key, value);
            if (pot_.species_count <= 0) throw scan_.error("species_count must be positive");
        } else if (key == "potential_tag") {
            note(key);
            pot_.potential_tag = std::string(value);
        } else if (key == "radial_basis_type") {
            note(key);
            if (value != "RBChebyshev")
                throw scan_.error("unsupported radial_basis_type '" + std::string(value) + "' (need RBChebyshev)");
            pot_.radial_basis_type = std::string(value);
        } else if (key == "min_dist") {
            note(key);
            pot_.min_dist = double_value(key, value);
        } else if (key == "max_dist") {
            note(key);
            pot_.max_dist = double_value(key, value);
        } else if (key == "radial_basis_size") {
            note(key);
            pot_.radial_basis_size = int_value(key, value);
            if (pot_.radial_basis_size <= 0) throw scan_.error("radial_basis_size must be positive");
        } else if (key == "radial_funcs_count") {
            note(key);
            pot_.radial_funcs_count = int_value(key, value);
            if (pot_.radial_funcs_count <= 0) throw scan_.error("radial_funcs_count must be positive");
        } else if (key == "alpha_moments_count") {
            note(key);
            pot_.alpha_moments_count = int_value(key, value);
        } else if (key == "alpha_index_basic_count") {
            note(key);
            basic_count_ = int_value(key, value);
        } else if (key == "alpha_index_times_count") {
            note(key);
            times_count_ = int_value(key, value);
        } else if (key == "alpha_scalar_moments") {
            note(key);
            scalar_count_ = int_value(key, value);
        } else if (key == "alpha_index_basic") {
            note(key);
            pot_.alpha_index_basic = quad_list(key, list_text(key, value));
        } else if (key == "alpha_index_times") {
            note(key);
            pot_.alpha_index_times = quad_list(key, list_text(key, value));
        } else if (key == "alpha_moment_mapping") {
            note(key);
            pot_.alpha_moment_mapping = flat_list<int>(key, list_text(key, value), io_detail::parse_int, "an integer");
        } else if (key == "species_coeffs") {
            note(key);
            pot_.species_coeffs = double_list(key, value);
        } else if (key == "moment_coeffs") {
            note(key);
            pot_.moment_coeffs = double_list(key, value);
        } else {
            return false;
        }
        return true;
    }

    /// `radial_coeffs` then, per ordered species pair, a line `i-j` and N_f lines of N_b numbers.
    void read_radial_coeffs() {
        const long block_line = scan_.line_no();
        if (pot_.species_count <= 0 || pot_.radial_basis_size <= 0 || pot_.radial_funcs_count <= 0)
            throw scan_.error("radial_coeffs before species_count, radial_basis_size and radial_funcs_count");
        check_size_bounds(pot_, [&](const std::string& key, const std::string& msg) {
            throw scan_.error_at(line_of_[key], msg);
        });
        const int nt = pot_.species_count, nf = pot_.radial_funcs_count, nb = pot_.radial_basis_size;
        pot_.radial_coeffs.assign(static_cast<std::size_t>(nt) * nt * nf * nb, 0.0);
        std::vector<char> seen(static_cast<std::size_t>(nt) * nt, 0);
        for (;;) {
            const auto line = scan_.next();
            if (!line) break;
            const std::string_view t = io_detail::trim(*line);
            if (t.empty()) continue;
            const std::size_t dash = t.find('-');
            int i = 0, j = 0;
            if (dash == std::string_view::npos || dash == 0 || !io_detail::parse_int(t.substr(0, dash), i) ||
                !io_detail::parse_int(t.substr(dash + 1), j)) {
                if (t.front() == '{')
                    throw scan_.error("radial_coeffs: more than radial_funcs_count = " + std::to_string(nf) +
                                      " lines for one pair");
                scan_.unread(*line);  // not a pair header: the block is over
                break;
            }
            if (i < 0 || i >= nt || j < 0 || j >= nt)
                throw scan_.error("radial_coeffs: pair " + std::string(t) + " outside species_count " + std::to_string(nt));
            const std::size_t pair = static_cast<std::size_t>(i) * nt + j;
            if (seen[pair]) throw scan_.error("radial_coeffs: pair " + std::string(t) + " given twice");
            seen[pair] = 1;
            for (int mu = 0; mu < nf; ++mu) {
                const auto row = scan_.next();
                if (!row || io_detail::trim(*row).substr(0, 1) != "{")
                    throw scan_.error("radial_coeffs: pair " + std::string(t) + " needs radial_funcs_count = " +
                                      std::to_string(nf) + " lines '{...}', found " + std::to_string(mu));
                line_of_["radial_coeffs row"] = scan_.line_no();
                const std::vector<double> c =
                    flat_list<double>("radial_coeffs row", *row, io_detail::parse_double, "a finite number");
                if (static_cast<int>(c.size()) != nb)
                    throw scan_.error("radial_coeffs: pair " + std::string(t) + " has a line of " + std::to_string(c.size()) +
                                      " numbers, need radial_basis_size = " + std::to_string(nb));
                std::copy(c.begin(), c.end(), pot_.radial_coeffs.begin() + static_cast<std::ptrdiff_t>((pair * nf + mu) * nb));
            }
        }
        for (int i = 0; i < nt; ++i)
            for (int j = 0; j < nt; ++j)
                if (!seen[static_cast<std::size_t>(i) * nt + j])
                    throw scan_.error_at(block_line, "radial_coeffs: pair " + std::to_string(i) + "-" + std::to_string(j) +
                                                         " missing");
    }

    void finish() {
        for (const char* key : {"version", "species_count", "radial_basis_type", "min_dist", "max_dist",
                                "radial_basis_size", "radial_funcs_count", "alpha_moments_count",
                                "alpha_index_basic_count", "alpha_index_basic", "alpha_index_times_count",
                                "alpha_index_times", "alpha_scalar_moments", "alpha_moment_mapping"})
            if (!line_of_.count(key)) throw scan_.error_at(0, std::string("missing ") + key);
        const auto check_count = [&](const char* count_key, int declared, const char* list_key, std::size_t actual) {
            if (declared != static_cast<int>(actual))
                throw scan_.error_at(line_of_[list_key], std::string(list_key) + " has " + std::to_string(actual) +
                                                             " entries but " + count_key + " (line " +
                                                             std::to_string(line_of_[count_key]) + ") is " +
                                                             std::to_string(declared));
        };
        check_count("alpha_index_basic_count", basic_count_, "alpha_index_basic", pot_.alpha_index_basic.size());
        check_count("alpha_index_times_count", times_count_, "alpha_index_times", pot_.alpha_index_times.size());
        check_count("alpha_scalar_moments", scalar_count_, "alpha_moment_mapping", pot_.alpha_moment_mapping.size());
        validate(pot_, scan_.name(), [this](const std::string& key) {
            const auto it = line_of_.find(key);
            return it == line_of_.end() ? 0L : it->second;
        });
    }

    LineScanner scan_;
    MtpPotential pot_;
    std::map<std::string, long> line_of_;
    int basic_count_ = -1, times_count_ = -1, scalar_count_ = -1;
};

void append_double(std::string& out, double v) {
    char buf[32];
    out += io_detail::scientific17(v, buf);
}

template <class T, class Append>
void append_list(std::string& out, const std::vector<T>& values, Append append) {
    out += '{';
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (k) out += ", ";
        append(out, values[k]);
    }
    out += '}';
}

void append_quads(std::string& out, const std::vector<std::array<int, 4>>& quads) {
    append_list(out, quads, [](std::string& o, const std::array<int, 4>& q) {
        o += '{';
        for (std::size_t k = 0; k < 4; ++k) {
            if (k) o += ", ";
            o += std::to_string(q[k]);
        }
        o += '}';
    });
}

std::string format_mtp(const MtpPotential& pot) {
    std::string out;
    const auto kv = [&out](const char* indent_key, const std::string& value) {
        out += indent_key;
        out += " = ";
        out += value;
        out += '\n';
    };
    const auto num = [](double v) {
        std::string s;
        append_double(s, v);
        return s;
    };
    out += "MTP\n";
    kv("version", pot.version);
    kv("potential_name", pot.potential_name);
    // MLIP-2's untrained templates have no scaling line; 1 is its default.
    if (pot.scaling != 1.0) kv("scaling", num(pot.scaling));
    kv("species_count", std::to_string(pot.species_count));
    kv("potential_tag", pot.potential_tag);
    kv("radial_basis_type", pot.radial_basis_type);
    kv("\tmin_dist", num(pot.min_dist));
    kv("\tmax_dist", num(pot.max_dist));
    kv("\tradial_basis_size", std::to_string(pot.radial_basis_size));
    kv("\tradial_funcs_count", std::to_string(pot.radial_funcs_count));
    if (!pot.radial_coeffs.empty()) {
        out += "\tradial_coeffs\n";
        const std::size_t nt = static_cast<std::size_t>(pot.species_count);
        const std::size_t nf = static_cast<std::size_t>(pot.radial_funcs_count);
        const std::size_t nb = static_cast<std::size_t>(pot.radial_basis_size);
        for (std::size_t i = 0; i < nt; ++i)
            for (std::size_t j = 0; j < nt; ++j) {
                out += "\t\t" + std::to_string(i) + "-" + std::to_string(j) + "\n";
                for (std::size_t mu = 0; mu < nf; ++mu) {
                    out += "\t\t\t{";
                    for (std::size_t b = 0; b < nb; ++b) {
                        if (b) out += ", ";
                        append_double(out, pot.radial_coeffs[((i * nt + j) * nf + mu) * nb + b]);
                    }
                    out += "}\n";
                }
            }
    }
    kv("alpha_moments_count", std::to_string(pot.alpha_moments_count));
    kv("alpha_index_basic_count", std::to_string(pot.alpha_index_basic.size()));
    out += "alpha_index_basic = ";
    append_quads(out, pot.alpha_index_basic);
    out += '\n';
    kv("alpha_index_times_count", std::to_string(pot.alpha_index_times.size()));
    out += "alpha_index_times = ";
    append_quads(out, pot.alpha_index_times);
    out += '\n';
    kv("alpha_scalar_moments", std::to_string(pot.alpha_moment_mapping.size()));
    out += "alpha_moment_mapping = ";
    append_list(out, pot.alpha_moment_mapping, [](std::string& o, int v) { o += std::to_string(v); });
    out += '\n';
    if (pot.trained()) {
        out += "species_coeffs = ";
        append_list(out, pot.species_coeffs, append_double);
        out += "\nmoment_coeffs = ";
        append_list(out, pot.moment_coeffs, append_double);
        out += '\n';
    }
    return out;
}

}  // namespace

void validate_mtp(const MtpPotential& pot, const std::string& name) {
    validate(pot, name, [](const std::string&) { return 0L; });
}

MtpPotential read_mtp(std::istream& in, const std::string& name) {
    return MtpReader(io_detail::slurp(in, name), name).read();
}

MtpPotential read_mtp(const std::string& path) {
    return MtpReader(io_detail::read_text_file(path), path).read();
}

void write_mtp(std::ostream& out, const MtpPotential& pot) {
    validate_mtp(pot, "write_mtp");
    const std::string text = format_mtp(pot);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void write_mtp(const std::string& path, const MtpPotential& pot) {
    validate_mtp(pot, path);  // before touching the file system: an invalid potential writes nothing
    write_file_atomically(path, [&](std::ostream& out) { write_mtp(out, pot); });
}

}  // namespace mtpc
