#!/bin/sh
# Table-1-style experiment (Shapeev 2016 §5.2): number of basis functions vs validation force
# RMSE vs µs/atom for level-20 MTPs pruned by l0 selection, full lower levels, and a level-20 MTP
# with an MF-compressed radial part (pruned too).  Needs ../shared beside the checkout and a
# Release build in build/ (bench_mtp_efs included).  Run from the repository root:
#   sh examples/basis-selection/run.sh
# Outputs go to basis-selection-out/; the table and plot to examples/basis-selection/.
set -eu
MTPC=${MTPC:-build/bin/mtpc}
BENCH=${BENCH:-build/bin/bench_mtp_efs}
DATA=${MTPC_SHARED_DIR:-../shared}/data/nbmotaw
OUT=basis-selection-out
HERE=examples/basis-selection
mkdir -p "$OUT/pruned" "$OUT/errors"

# 1. Fits: 120 BFGS iterations on train_tiny, then the linear step with 16-fold CV of γ.
if [ ! -f "$OUT/fits/summary.json" ]; then
  (cd "$HERE" && "../../$MTPC" train fit_levels.json)
fi
fit() { echo "$OUT/fits/$1/seed-1/potential.mtp"; }

# 2. l0 pruning of the level-20 fits to the sizes of the full lower levels (29 = level 12,
#    52 = level 14, 92 = level 16, 163 = level 18), on the same training set and loss weights.
prune() {  # name source keep
  if [ ! -f "$OUT/pruned/$1.mtp" ]; then
    /usr/bin/time -f "$1: %e s wall, %U s user" \
      "$MTPC" prune-basis "$2" "$DATA/train_tiny.cfg" --keep "$3" --threads 2 -o "$OUT/pruned/$1.mtp" \
      --path "$OUT/pruned/$1_path.csv" | tee "$OUT/pruned/$1.log"
  fi
}
prune L20-l0-163 "$(fit L20)" 163
prune L20-l0-92 "$(fit L20)" 92
prune L20-l0-52 "$(fit L20)" 52
prune L20-l0-29 "$(fit L20)" 29
prune L20-MF3-l0-92 "$(fit L20-MF3)" 92

# 2b. Two pruned potentials refitted whole (radial functions too): 100 BFGS iterations, then
#     the linear step again.
if [ ! -f "$OUT/refits/summary.json" ]; then
  (cd "$HERE" && "../../$MTPC" train refit_pruned.json)
fi

# 3. Validation errors (valid.cfg, 528 configurations).
POTS=""
for p in L12 L14 L16 L18 L20 L20-MF3; do POTS="$POTS $p=$(fit $p)"; done
for p in L20-l0-163 L20-l0-92 L20-l0-52 L20-l0-29 L20-MF3-l0-92; do POTS="$POTS $p=$OUT/pruned/$p.mtp"; done
for p in L20-l0-163-refit L20-l0-92-refit; do POTS="$POTS $p=$OUT/refits/$p/seed-1/potential.mtp"; done
for item in $POTS; do
  name=${item%%=*}; pot=${item#*=}
  "$MTPC" calc-errors "$pot" "$DATA/valid.cfg" --threads 2 --json > "$OUT/errors/$name.json"
done

# 4. Speed: every potential in ONE benchmark run, one thread, energy+forces+virial over valid.cfg.
LIST=$(echo $POTS | tr ' ' ',')
MTPC_BENCH_CFG="$DATA/valid.cfg" MTPC_BENCH_POTENTIALS="$LIST" \
  "$BENCH" --benchmark_filter='efs_file/' --benchmark_min_time=2 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json > "$OUT/bench.json"

# 5. Table and plot.
/usr/bin/python3 "$HERE/make_table.py" "$OUT" "$HERE"
