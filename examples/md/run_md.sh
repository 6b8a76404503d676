#!/usr/bin/env bash
# NPT molecular dynamics of molten KCl-ThCl4 in LAMMPS with two potentials trained here by mtpc:
# a base MTP and an MF-compressed one (the low-rank paper's Table III check, with KCl-ThCl4 for
# its FLiNaK).  Steps: fit the base on ../shared/data/kclthcl4, compress it and fine-tune (or reuse
# the fits of an earlier run with the same recipe), scan short pair distances, export them as KIM models into a KIM collection under $OUT/kim-home (not
# your own), run NPT at $TEMP K and $PRESS bar, then an NVE segment; print each mean density with
# its standard error and the NVE energy drift.  Why the recipe is what it is: README.md.
#
#   examples/md/run_md.sh          # see README.md for its run time (fits and MD) on 2 shared cores
#   EQUIL=500 PROD=1000 NVE=500 ITER=50 FT=20 examples/md/run_md.sh   # a smoke run (fits this short may not be MD-stable)
set -euo pipefail
cd "$(dirname "$0")/../.."
here=examples/md
MTPC=${MTPC:-build/bin/mtpc}
DATA=${DATA:-../shared/data/kclthcl4}
OUT=${OUT:-md-out}
NP=${NP:-1}
TEMP=${TEMP:-1100}
PRESS=${PRESS:-1}       # bar
ITER=${ITER:-400}       # BFGS iterations of the base fit
RANK=${RANK:-3}         # MF rank
FT=${FT:-200}           # BFGS iterations fine-tuning the compressed base
EQUIL=${EQUIL:-2000}    # NPT steps of 1 fs before sampling
PROD=${PROD:-10000}     # NPT steps sampled
NVE=${NVE:-2000}        # NVE steps

[[ -f $DATA/train.cfg && -f $DATA/test.cfg ]] ||
  { echo "run_md: $DATA/train.cfg and test.cfg not found (they live in ../shared; set DATA=...)" >&2; exit 1; }
[[ -x $MTPC ]] || { echo "run_md: $MTPC not found (build first: scripts/build.sh)" >&2; exit 1; }
MTPC=$(realpath "$MTPC")
DATA=$(realpath "$DATA")
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
HOME_KIM="$OUT/kim-home"
mkdir -p "$HOME_KIM"
kim_env() { env -u KIM_API_MODEL_DRIVERS_DIR -u KIM_API_PORTABLE_MODELS_DIR HOME="$HOME_KIM" "$@"; }
SECONDS=0

# 1. The start: the first training cell of the 20 KCl + 4 ThCl4 melt (x(ThCl4) = 0.17; 36 Cl,
#    20 K, 4 Th) as LAMMPS data (types 1 Cl, 2 K, 3 Th: the .cfg's 0, 1, 2), and the density of
#    the DFT cells of that composition, to compare with.
/usr/bin/python3 - "$DATA/train.cfg" "$OUT" <<'PY'
import sys
path, out = sys.argv[1], sys.argv[2]
for block in open(path).read().split("BEGIN_CFG")[1:]:
    lines = block.split("\n")
    n = int(lines[lines.index(" Size") + 1])
    start = next(k for k, l in enumerate(lines) if "AtomData" in l) + 1
    atoms = [l.split() for l in lines[start:start + n]]
    types = [int(a[1]) for a in atoms]
    if [types.count(t) for t in range(3)] == [36, 20, 4]:
        break
cell = [list(map(float, lines[lines.index(" Supercell") + 1 + k].split())) for k in range(3)]
assert all(abs(cell[a][b]) < 1e-9 for a in range(3) for b in range(3) if a != b), "cubic start cell expected"
mass = 36 * 35.453 + 20 * 39.098 + 4 * 232.038  # g/mol
density = mass / 0.602214076 / (cell[0][0] * cell[1][1] * cell[2][2])  # g/cm^3
with open(f"{out}/start.lmp", "w") as f:
    f.write(f"KCl-ThCl4 cell from {path}\n\n{n} atoms\n3 atom types\n\n")
    for a, name in enumerate("xyz"):
        f.write(f"0 {cell[a][a]!r} {name}lo {name}hi\n")
    f.write("\nAtoms # atomic\n\n")
    for a in atoms:
        f.write(f"{a[0]} {int(a[1]) + 1} {a[2]} {a[3]} {a[4]}\n")
open(f"{out}/cell_density.txt", "w").write(f"{density:.4f}\n")
PY

# 2. Fit the base MTP on all of train.cfg (validation: test.cfg).  min_dist 1.9 A, below every
#    training pair (Th-Cl >= 2.37 A): the radial basis is a polynomial that blows up below
#    min_dist, and a melt at 1100 K reaches Th-Cl distances shorter than any training pair within
#    tens of fs.  A fit is reused when its manifest is unchanged (and, for MF, the base too).
fit() {  # fit $OUT/$1.json.new into $OUT/runs-$1 unless the previous run used the same manifest
  if cmp -s "$OUT/$1.json.new" "$OUT/$1.json" && [[ -f $OUT/runs-$1/summary.json ]]; then
    echo "run_md: reusing $OUT/runs-$1 (same $1.json)"; rm "$OUT/$1.json.new"
  else
    mv "$OUT/$1.json.new" "$OUT/$1.json"; rm -rf "$OUT/runs-$1"
    "$MTPC" train "$OUT/$1.json"
  fi
}
cat > "$OUT/fit_base.json.new" <<JSON
{
  "species": ["Cl", "K", "Th"],
  "data": {"train": "$DATA/train.cfg", "validation": "$DATA/test.cfg"},
  "model": {"level": 10, "min_dist": 1.9, "max_dist": 5.5, "radial_basis_size": 8},
  "radial": {"plugin": "radial-full"},
  "loss": {"energy_weight": 1.0, "force_weight": 0.01, "stress_weight": 0.0},
  "steps": [{"optimizer": "bfgs", "options": {"max_iterations": $ITER, "linear_every": 0}}],
  "variants": [{"name": "base", "set": {}}],
  "seeds": [1],
  "threads": 2,
  "output": {"directory": "$OUT/runs-fit_base", "validate_every": 0}
}
JSON
cmp -s "$OUT/fit_base.json.new" "$OUT/fit_base.json" || rm -f "$OUT/fit_mf.json"  # new base: new MF
fit fit_base
base_pot="$OUT/runs-fit_base/base/seed-1/potential.mtp"

# 3. The MF potential: not trained from random (that fit is attractive for Cl-Cl between 1.9 A and
#    the data's closest Cl-Cl pair, 2.96 A, and collapses in MD; README.md), but the truncated SVD
#    of the base's radial tensor (rank $RANK), which inherits the base's short-range repulsion, then
#    fine-tuned for $FT BFGS iterations.  "mf-svd" is the SVD alone (0 iterations), for the scan.
cat > "$OUT/fit_mf.json.new" <<JSON
{
  "species": ["Cl", "K", "Th"],
  "data": {"train": "$DATA/train.cfg", "validation": "$DATA/test.cfg"},
  "model": {"init_from": "$base_pot"},
  "radial": {"plugin": "radial-mf", "init": "compress", "options": {"rank": $RANK}},
  "loss": {"energy_weight": 1.0, "force_weight": 0.01, "stress_weight": 0.0},
  "steps": [{"optimizer": "bfgs", "options": {"max_iterations": $FT, "linear_every": 0}}],
  "variants": [
    {"name": "mf-svd", "set": {"steps": [{"optimizer": "bfgs", "options": {"max_iterations": 0, "linear_every": 0}}]}},
    {"name": "mf", "set": {}}
  ],
  "seeds": [1],
  "threads": 2,
  "output": {"directory": "$OUT/runs-fit_mf", "validate_every": 0}
}
JSON
fit fit_mf

# Cheap check before MD: energy of a Cl-Cl, K-Cl and Th-Cl pair moved closer in a training cell.
/usr/bin/python3 "$here/pair_scan.py" "$MTPC" "$DATA/train.cfg" "$OUT" base="$base_pot" \
  mf-svd="$OUT/runs-fit_mf/mf-svd/seed-1/potential.mtp" mf="$OUT/runs-fit_mf/mf/seed-1/potential.mtp"

# 4. Export both as KIM models (MF from its parameters.json) and run LAMMPS.
lmp_cmd=(lmp)
if ((NP > 1)); then lmp_cmd=(mpirun --allow-run-as-root --oversubscribe -np "$NP" lmp); fi
md_in=$(realpath "$here/md.in")
n_atoms=$(( $(sed -n 3p "$OUT/start.lmp" | cut -d' ' -f1) * 8 ))
mkdir -p "$OUT/kim"
declare -A result
for variant in base mf; do
  run="$OUT/runs-fit_$variant/$variant/seed-1"
  pot="$run/potential.mtp"
  [[ $variant == mf ]] && pot="$run/parameters.json"
  kim_env "$MTPC" export-kim "$pot" --species Cl,K,Th --name "mtpc_kclthcl4_$variant" "$OUT/kim/$variant" \
    --install user > "$OUT/kim/export_$variant.log" 2>&1 || { cat "$OUT/kim/export_$variant.log"; exit 1; }
  md="$OUT/md_$variant"
  rm -rf "$md"
  mkdir -p "$md"
  cp "$OUT/start.lmp" "$md/"
  echo "run_md: LAMMPS with $variant ($md)"
  (cd "$md" && kim_env "${lmp_cmd[@]}" -in "$md_in" -log log.lammps \
     -var model "mtpc_kclthcl4_$variant" -var temp "$TEMP" -var press "$PRESS" -var seed 4928459 \
     -var equil "$EQUIL" -var prod "$PROD" -var nve "$NVE" > stdout.txt) ||
    { tail -5 "$md/stdout.txt"; echo "run_md: LAMMPS failed for $variant (see $md/log.lammps)" >&2; exit 1; }
  result[$variant]=$(/usr/bin/python3 "$here/md_stats.py" "$md/density.txt" "$md/energy.txt" "$n_atoms")
done

# 5. Side by side.
params() { /usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(len(m['theta']))" "$1"; }
printf '\nKCl-ThCl4 (36 Cl, 20 K, 4 Th per cell), %d atoms, NPT %s K / %s bar: %d + %d steps of 1 fs; NVE %d steps\n' \
  "$n_atoms" "$TEMP" "$PRESS" "$EQUIL" "$PROD" "$NVE"
printf 'density of the DFT cells of this composition: %s g/cm3\n' "$(cat "$OUT/cell_density.txt")"
printf '%-6s %14s %24s %24s %24s\n' model "radial params" "density g/cm3 (± s.e.)" "NVE drift meV/atom/ps" "NVE max |E-E0| meV/atom"
for variant in base mf; do
  read -r rho se drift dev <<< "${result[$variant]}"
  printf '%-6s %14s %15s ± %-6s %24s %24s\n' "$variant" "$(params "$OUT/runs-fit_$variant/$variant/seed-1/parameters.json")" \
    "$rho" "$se" "$drift" "$dev"
done
echo "run_md: $SECONDS s"
