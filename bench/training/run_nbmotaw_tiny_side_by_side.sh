#!/usr/bin/env bash
# Side by side with MLIP-2's own recipe on train_tiny.cfg (149 configurations; level 14,
# 1.9-5.0 A, weights 1 / 0.01 / 0): MLIP-2's fit (../shared/reference/mlip2_fits/, evaluated here
# by mtpc, which reproduces MLIP-2's numbers exactly) against mtpc's default recipe for the base
# model, MF rank 6 (~56% of the radial parameters) trained by BFGS and by R-MF (Riemannian BFGS)
# and MFRA up to rank 6, per `Feature source`
# of test.cfg.  Then the base fit at 250, 500, 1000 and 2000 BFGS iterations (convergence rule
# off): longer fits must not blow up outside the training data.
#
# Usage: bench/training/run_nbmotaw_tiny_side_by_side.sh [BUILD_DIR]   (~10 min on 2 cores)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
shared=$(cd "$root/.." && pwd)/shared
mlip2="$shared/reference/mlip2_fits/nbmotaw_train_tiny_l14.mtp"
for f in "$shared/data/nbmotaw/train_tiny.cfg" "$shared/data/nbmotaw/test.cfg" "$mlip2"; do
  if [[ ! -f "$f" ]]; then echo "skipped: $f is absent"; exit 0; fi
done
test_cfg="$shared/data/nbmotaw/test.cfg"
out="$root/bench-out"
rm -rf "$out/nbmotaw_tiny_side_by_side" "$out/nbmotaw_tiny_fit_length"

"$build/bin/mtpc" train "$here/nbmotaw_tiny_side_by_side.json" --plain
s="$out/nbmotaw_tiny_side_by_side"
echo
echo "## test.cfg per source: MLIP-2's recipe against mtpc's defaults"
"$here/per_source_table.py" "$build/bin/mtpc" "$test_cfg" "MLIP-2=$mlip2" "base=$s/base/seed-1/potential.mtp" \
  "MF-r6=$s/MF-r6/seed-1/potential.mtp" "RMF-r6=$s/RMF-r6/seed-1/potential.mtp" \
  "MFRA-r6=$s/MFRA-r6/seed-1/potential.mtp" --json "$s/test_by_source.json"
/usr/bin/python3 - "$s/test_by_source.json" "$s/summary.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
runs = {r["variant"]: r for r in json.load(open(sys.argv[2]))["runs"]}
print()
for name, r in runs.items():
    v = r["validation"]
    print("%-8s %4d iterations (%s); radial parameters %d; valid %.2f meV/atom / %.3f eV/A"
          % (name, r["iterations"], "; ".join(r.get("stop_reasons", [])), r["counts"]["radial_parameters"],
             1e3 * v["energy_per_atom_eV"]["rmse"], v["forces_eV_per_A"]["rmse"]))
ref = t["MLIP-2"]
worse = [(g, k) for g in ref for k in ("energy_meV", "force") if t["base"][g][k] > ref[g][k]]
print("base worse than MLIP-2 in:", ", ".join("%s %s" % w for w in worse) or "nothing")
for name in ("MF-r6", "RMF-r6", "MFRA-r6"):
    bad = [(g, k) for g in ref for k in ("energy_meV", "force") if t[name][g][k] > 2 * t["base"][g][k]]
    print("%s worse than 2x base in:" % name, ", ".join("%s %s" % w for w in bad) or "nothing")
PY

"$build/bin/mtpc" train "$here/nbmotaw_tiny_fit_length.json" --plain
f="$out/nbmotaw_tiny_fit_length"
echo
echo "## base fit length (convergence rule off): test.cfg per source"
args=()
for n in 250 500 1000 2000; do
  args+=("$n-it=$f/steps_0_.options.max_iterations_$n/seed-1/potential.mtp")
done
"$here/per_source_table.py" "$build/bin/mtpc" "$test_cfg" "MLIP-2=$mlip2" "${args[@]}"
