// Conformance checks: what every plugin of a kind must satisfy, run on a plugin loaded through
// PluginHost (so on exactly the .so a user built).  `mtpc check-plugin` prints them; the test
// suite runs them on every built-in plugin.
//
// Each check is one line: a stable dotted name ("radial.pull-back"), passed or not, and a detail
// that says what was measured.  The checks compare a plugin against mathematics, not against
// stored outputs:
//   * metadata      name, semver-shaped version, description, options schema is a JSON object;
//   * options       the test options are accepted; an unknown key and a wrongly typed value are
//                   rejected; options_json() is accepted back and reproduces itself;
//   * radial        shape and parameter count, every output entry written and finite,
//                   determinism, pull_back = adjoint of the Jacobian of materialize (central
//                   finite differences of ⟨G, C(θ)⟩), pull_back linear in G, seeded
//                   initialize_random (bit-identical per seed, different across seeds, RMS(C) ~
//                   scale), initialize_from reproduces a representable C;
//   * manifold      sizes, from_ambient/to_ambient round trip, projection idempotent, orthogonal
//                   and of rank dimension(), inner symmetric, retraction lands on the manifold and
//                   is first-order, transport lands in the new tangent space;
//   * optimizer     on a small quadratic objective (C* of rank 1, any parameterization can fit
//                   it): the loss decreases, progress reports are monotone, the result is
//                   deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mtpc/plugin/plugin_host.hpp"

namespace mtpc::conformance {

/// One check's outcome.
struct CheckResult {
    std::string name;    ///< e.g. "radial.pull-back"
    bool passed = false;
    std::string detail;  ///< one line: what was measured (and, on failure, what was wrong)
};

/// What the checks create objects with.
struct CheckSettings {
    /// The radial shape passed to radial-parameterization, manifold and descriptor plugins as
    /// "n_species", "n_funcs", "n_basis" (optimisers get the shape from their objective instead).
    int n_species = 3;
    int n_funcs = 4;
    int n_basis = 8;
    /// The plugin's own options (e.g. {"rank": 2}) as JSON object text, merged over the shape.
    std::string extra_options_json = "{}";
    /// Seed of the checks' random inputs (θ, G, tangent vectors).
    std::uint64_t seed = 20240611;
};

/// The options JSON the checks create plugin `record` with: the shape keys (except for
/// optimisers) overlaid by settings.extra_options_json.  Throws InputError if the extra options
/// are not a JSON object.
std::string test_options(const PluginRecord& record, const CheckSettings& settings);

/// Runs every check for the kind of plugin `name` (already loaded into `host`), in a fixed order.
/// Never throws for a misbehaving plugin: an exception from the plugin fails the check it
/// happened in (and checks that need the object fail with "not run" if it cannot be created).
std::vector<CheckResult> check_plugin(PluginHost& host, const std::string& name, const CheckSettings& settings);

/// True if every result passed (and there is at least one).
bool all_passed(const std::vector<CheckResult>& results);

}  // namespace mtpc::conformance
