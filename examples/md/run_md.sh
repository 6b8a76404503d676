#!/usr/bin/env bash
# NPT molecular dynamics of molten KCl-ThCl4 in LAMMPS with two potentials trained here by mtpc:
# a base MTP and an MF-compressed one (the low-rank paper's Table III check, with KCl-ThCl4 for
# its FLiNaK).  Steps: fit both on a subset of ../shared/data/kclthcl4, export them as KIM models
# (installed into a KIM collection under $OUT/kim-home, not your own), run NPT at $TEMP K and 1
# bar, then an NVE segment; print each mean density with its standard error and the NVE drift.
#
# Pressure: the DFT cells of this data set are under tension (their virial pressure is about
# −50 kbar; SCAN's melt is denser than the cells the AIMD ran in).  At 1 bar the melt would
# compress beyond every training configuration and short fits extrapolate (atoms collapse).  So by
# default the barostat targets the training data's own mean pressure (virial + N k T / V at
# $TEMP), computed here from train.cfg: the MD then samples the densities the potentials were
# fitted on, which is what a base-versus-compressed comparison needs.  PRESS=1 asks for 1 bar.
#
#   examples/md/run_md.sh                 # ~minutes on 2 cores (MTPC=..., OUT=..., NP=2 for mpirun -np 2)
#   EQUIL=500 PROD=1000 NVE=500 ITER=50 examples/md/run_md.sh   # a quick smoke run
set -euo pipefail
cd "$(dirname "$0")/../.."
here=examples/md
MTPC=${MTPC:-build/bin/mtpc}
DATA=${DATA:-../shared/data/kclthcl4}
OUT=${OUT:-md-out}
NP=${NP:-1}
TEMP=${TEMP:-1100}
ITER=${ITER:-200}     # BFGS iterations per fit
EQUIL=${EQUIL:-2000}  # NPT steps of 1 fs before sampling
PROD=${PROD:-4000}    # NPT steps sampled
NVE=${NVE:-2000}      # NVE steps

[[ -f $DATA/train.cfg ]] || { echo "run_md: $DATA/train.cfg not found (set DATA=...)" >&2; exit 1; }
[[ -x $MTPC ]] || { echo "run_md: $MTPC not found (build first: scripts/build.sh)" >&2; exit 1; }
MTPC=$(realpath "$MTPC")
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
export HOME_KIM="$OUT/kim-home"
mkdir -p "$HOME_KIM"
kim_env() { env -u KIM_API_MODEL_DRIVERS_DIR -u KIM_API_PORTABLE_MODELS_DIR HOME="$HOME_KIM" "$@"; }

# 1. Data: the isolated atoms and every 5th melt configuration for training, every 2nd test
#    configuration for validation.
/usr/bin/python3 - "$DATA" "$OUT" "$TEMP" <<'PY'
import sys
data, out = sys.argv[1], sys.argv[2]
def blocks(path):
    text = open(path).read().split("BEGIN_CFG")[1:]
    return ["BEGIN_CFG" + b for b in text]
def size(block):
    return int(block.split("Size")[1].split()[0])
def keep(path, every, dest):
    # Every isolated atom (they fix each species' energy, so the melt is bound: without them a
    # short fit may find the gas lower in energy), and every `every`-th cell of the melt.
    cfgs = blocks(path)
    chosen = [b for b in cfgs if size(b) == 1] + [b for b in cfgs if size(b) > 1][::every]
    open(dest, "w").write("".join(chosen))
    return chosen
train = keep(f"{data}/train.cfg", 5, f"{out}/train.cfg")
keep(f"{data}/test.cfg", 2, f"{out}/valid.cfg")
# The training data's mean pressure in bar (PlusStress is the virial in eV; 1 eV/A^3 = 1602176.5 bar).
k_b, temp = 8.617333262e-5, float(sys.argv[3])
pressures = []
for b in (b for b in train if size(b) > 1):
    l = b.split("\n")
    n = int(l[l.index(" Size") + 1])
    c = [list(map(float, l[l.index(" Supercell") + 1 + k].split())) for k in range(3)]
    vol = abs(c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1]) - c[0][1] * (c[1][0] * c[2][2] - c[1][2] * c[2][0])
              + c[0][2] * (c[1][0] * c[2][1] - c[1][1] * c[2][0]))
    ps = l[next(k for k, x in enumerate(l) if "PlusStress" in x) + 1].split()
    pressures.append(1602176.5 * ((float(ps[0]) + float(ps[1]) + float(ps[2])) / 3 + n * k_b * temp) / vol)
open(f"{out}/train_pressure.txt", "w").write(f"{sum(pressures) / len(pressures):.1f}\n")
# The MD starts from the first training cell (cubic, Cl=0 K=1 Th=2), as LAMMPS data.
lines = next(b for b in train if size(b) > 1).split("\n")
size = int(lines[lines.index(" Size") + 1])
cell = [list(map(float, lines[lines.index(" Supercell") + 1 + k].split())) for k in range(3)]
assert all(abs(cell[a][b]) < 1e-9 for a in range(3) for b in range(3) if a != b), "cubic start cell expected"
start = next(k for k, l in enumerate(lines) if "AtomData" in l) + 1
with open(f"{out}/start.lmp", "w") as f:
    f.write(f"KCl-ThCl4 cell from {data}/train.cfg\n\n{size} atoms\n3 atom types\n\n")
    for a, name in enumerate("xyz"):
        f.write(f"0 {cell[a][a]!r} {name}lo {name}hi\n")
    f.write("\nAtoms # atomic\n\n")
    for l in lines[start:start + size]:
        p = l.split()
        f.write(f"{p[0]} {int(p[1]) + 1} {p[2]} {p[3]} {p[4]}\n")
print(f"run_md: {len(train)} training configurations, start cell of {size} atoms")
PY

PRESS=${PRESS:-$(cat "$OUT/train_pressure.txt")}
echo "run_md: NPT at $TEMP K and $PRESS bar"

# 2. Fit the base and the MF-compressed potential (same data, same budget).
cat > "$OUT/fit.json" <<JSON
{
  "species": ["Cl", "K", "Th"],
  "data": {"train": "$OUT/train.cfg", "validation": "$OUT/valid.cfg"},
  "model": {"level": 10, "min_dist": "auto", "max_dist": 5.5, "radial_basis_size": 8},
  "radial": {"plugin": "radial-full"},
  "loss": {"energy_weight": 1.0, "force_weight": 0.01, "stress_weight": 0.0},
  "steps": [{"optimizer": "bfgs", "options": {"max_iterations": $ITER}}],
  "variants": [
    {"name": "base", "set": {}},
    {"name": "mf", "set": {"radial": {"plugin": "radial-mf", "options": {"rank": 3}}}}
  ],
  "seeds": [1],
  "threads": 2,
  "output": {"directory": "$OUT/runs", "validate_every": 0}
}
JSON
"$MTPC" train "$OUT/fit.json"

# 3. Export both as KIM models (MF from its parameters.json) and run LAMMPS.
lmp_cmd=(lmp)
if ((NP > 1)); then lmp_cmd=(mpirun --allow-run-as-root --oversubscribe -np "$NP" lmp); fi
md_in=$(realpath "$here/md.in")
n_atoms=$(( $(sed -n 3p "$OUT/start.lmp" | cut -d' ' -f1) * 8 ))
mkdir -p "$OUT/kim"
declare -A result
for variant in base mf; do
  run="$OUT/runs/$variant/seed-1"
  pot="$run/potential.mtp"
  [[ $variant == mf ]] && pot="$run/parameters.json"
  kim_env "$MTPC" export-kim "$pot" --species Cl,K,Th --name "mtpc_kclthcl4_$variant" "$OUT/kim/$variant" \
    --install user > "$OUT/kim/export_$variant.log" 2>&1 || { cat "$OUT/kim/export_$variant.log"; exit 1; }
  md="$OUT/md_$variant"
  mkdir -p "$md"
  cp "$OUT/start.lmp" "$md/"
  (cd "$md" && kim_env "${lmp_cmd[@]}" -in "$md_in" -log log.lammps \
     -var model "mtpc_kclthcl4_$variant" -var temp "$TEMP" -var press "$PRESS" -var seed 4928459 \
     -var equil "$EQUIL" -var prod "$PROD" -var nve "$NVE" > stdout.txt) ||
    { tail -5 "$md/stdout.txt"; echo "run_md: LAMMPS failed for $variant (see $md/log.lammps)" >&2; exit 1; }
  result[$variant]=$(/usr/bin/python3 "$here/md_stats.py" "$md/density.txt" "$md/energy.txt" "$n_atoms")
done

# 4. Side by side.
params() { /usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(len(m['theta']))" "$1"; }
printf '\nKCl-ThCl4, %d atoms, NPT %s K / %s bar: %d + %d steps of 1 fs; NVE %d steps\n' \
  "$n_atoms" "$TEMP" "$PRESS" "$EQUIL" "$PROD" "$NVE"
printf '%-6s %14s %22s %24s %24s\n' model "radial params" "density g/cm3 (± s.e.)" "NVE drift meV/atom/ps" "NVE max |E-E0| meV/atom"
for variant in base mf; do
  read -r rho se drift dev <<< "${result[$variant]}"
  printf '%-6s %14s %15s ± %-6s %24s %24s\n' "$variant" "$(params "$OUT/runs/$variant/seed-1/parameters.json")" \
    "$rho" "$se" "$drift" "$dev"
done
