#!/usr/bin/env bash
# Training benchmark against MLIP-2's default recipe (../shared/reference/MLIP2_FIGURES.md):
# level 14, 4 species, min_dist 1.9, max_dist 5.0, w_e 1, w_f 0.01, w_s 0, train_tiny.cfg (149
# configurations), validated on valid.cfg.  MLIP-2 needs 1,888 s wall and reaches validation
# RMSE 29.9 meV/atom and 0.150 eV/Å; one of its BFGS iterations costs ≈1.8 ms per atom.
#
# Usage: bench/training/run_nbmotaw_l14.sh [BUILD_DIR]   (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
shared=$(cd "$root/.." && pwd)/shared
if [[ ! -f "$shared/data/nbmotaw/train_tiny.cfg" ]]; then
  echo "skipped: $shared/data/nbmotaw/train_tiny.cfg is absent"
  exit 0
fi
out="$root/bench-out/nbmotaw_l14"
rm -rf "$out"
start=$(date +%s.%N)
"$build/bin/mtpc" train "$here/nbmotaw_l14.json" --plain
end=$(date +%s.%N)
/usr/bin/python3 - "$out/summary.json" "$start" "$end" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
r = s["runs"][0]
wall = float(sys.argv[3]) - float(sys.argv[2])
atoms = 3030
its = r["iterations"]
evals = r["evaluations"]
print()
print("| | mtpc | MLIP-2 (MLIP2_FIGURES.md) | ratio |")
print("|---|---|---|---|")
print("| wall time, s | %.0f | 1888 | %.1fx faster |" % (wall, 1888 / wall))
print("| BFGS iterations | %d | 75 + 400 | |" % its)
per_it = wall / max(its, 1)
print("| time per BFGS iteration (incl. line search), ms/atom | %.3f | 1.8 | %.0fx faster |" % (1e3 * per_it / atoms, 1.8e-3 / (per_it / atoms)))
print("| objective evaluations | %d | | |" % evals)
v = r["validation"]; t = r["train"]
print("| train RMSE E, meV/atom / F, eV/A | %.2f / %.3f | 5.68 / 0.093 | |" % (1e3 * t["energy_per_atom_eV"]["rmse"], t["forces_eV_per_A"]["rmse"]))
print("| valid RMSE E, meV/atom / F, eV/A | %.2f / %.3f | 29.9 / 0.150 | |" % (1e3 * v["energy_per_atom_eV"]["rmse"], v["forces_eV_per_A"]["rmse"]))
if "test" in r:
    te = r["test"]
    print("| test RMSE E, meV/atom / F, eV/A | %.2f / %.3f | 10.7 / 0.375 | |" % (1e3 * te["energy_per_atom_eV"]["rmse"], te["forces_eV_per_A"]["rmse"]))
PY
