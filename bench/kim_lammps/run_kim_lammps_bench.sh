#!/usr/bin/env bash
# LAMMPS + KIM with an mtpc potential: CPU time per atom per MD step, next to bench_mtp_efs's
# kernel time for the same potential (MLIP-2's cu_l16: level 16, 1 species, fcc Cu, 5 Å cutoff),
# and the speed-up of 2 MPI ranks over 1.
#
#   bench/kim_lammps/run_kim_lammps_bench.sh [BUILD_DIR]      (STEPS=200 CELLS=6 by default)
#
# CPU times (user + system of every process) stay meaningful on a loaded machine; the start-up
# (KIM model creation, neighbour lists, MPI) is removed by subtracting a `run 0` of the same input.
# Wall-clock speed-up needs an otherwise idle machine: it is printed with the CPU figures.
# The driver is installed into a temporary KIM collection (HOME), never your own.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
SHARED=${MTPC_SHARED_DIR:-../shared}
STEPS=${STEPS:-200}
CELLS=${CELLS:-6}
pot="$SHARED/reference/mlip2/cu_l16/pot.mtp"
[[ -f $pot ]] || { echo "skipped: reference data missing: $pot"; exit 0; }
for exe in "$BUILD/bin/mtpc" "$BUILD/bin/bench_mtp_efs"; do
  [[ -x $exe ]] || { echo "run_kim_lammps_bench: $exe not built" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kim_env() { env -u KIM_API_MODEL_DRIVERS_DIR -u KIM_API_PORTABLE_MODELS_DIR HOME="$tmp/home" "$@"; }
kim_env "$BUILD/bin/mtpc" export-kim "$pot" --species Cu --name mtpc_bench_cu "$tmp/kim" --install user \
  > "$tmp/export.log" 2>&1 || { cat "$tmp/export.log"; exit 1; }

atoms=$((4 * CELLS * CELLS * CELLS))
write_input() {  # $1 = steps
  cat <<LMP
units metal
atom_style atomic
boundary p p p
kim init mtpc_bench_cu metal
lattice fcc 3.615
region box block 0 $CELLS 0 $CELLS 0 $CELLS
create_box 1 box
create_atoms 1 box
kim interactions Cu
mass 1 63.546
velocity all create 300 87287 mom yes rot yes
fix 1 all nve
timestep 0.001
thermo 100
run $1
LMP
}
write_input "$STEPS" > "$tmp/md.in"
write_input 0 > "$tmp/zero.in"

cpu_seconds() {  # runs "$@", prints user+system CPU seconds of it and its children
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" > "$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
  awk '{print $1 + $2}' "$tmp/time"
}
loop_wall() { sed -n 's/^Loop time of \([0-9.e+-]*\) .*/\1/p' "$tmp/out" | tail -1; }

declare -A cpu wall
for ranks in 1 2; do
  cmd=(lmp)
  ((ranks > 1)) && cmd=(mpirun --allow-run-as-root --oversubscribe -np "$ranks" lmp)
  c_md=$(cd "$tmp" && cpu_seconds env HOME="$tmp/home" "${cmd[@]}" -in md.in -log none)
  wall[$ranks]=$(loop_wall)
  c_zero=$(cd "$tmp" && cpu_seconds env HOME="$tmp/home" "${cmd[@]}" -in zero.in -log none)
  cpu[$ranks]=$(awk -v a="$c_md" -v b="$c_zero" 'BEGIN {print a - b}')
done

kernel_ms=$("$BUILD/bin/bench_mtp_efs" --benchmark_filter='^efs/cu_l16/1/' --benchmark_format=json 2>/dev/null |
  /usr/bin/python3 -c 'import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print(b["cpu_time"] if b["time_unit"]=="ms" else None)')
# bench_mtp_efs's cu_l16 set is 3200 atoms (100 fcc cells of 32): CPU µs per atom per evaluation.
per_atom() { awk -v c="$1" -v n="$atoms" -v s="$STEPS" 'BEGIN {printf "%.2f", 1e6 * c / (n * s)}'; }
kernel=$(awk -v ms="$kernel_ms" 'BEGIN {printf "%.2f", 1e3 * ms / 3200}')
echo "cu_l16 (level 16, 1 species), fcc Cu $atoms atoms, $STEPS NVE steps of 1 fs"
printf '%-42s %12s\n' "what" "CPU us/atom"
printf '%-42s %12s\n' "bench_mtp_efs kernel (E+F+virial, 1 thread)" "$kernel"
printf '%-42s %12s   (x%.2f of the kernel)\n' "LAMMPS + KIM, 1 rank, per MD step" "$(per_atom "${cpu[1]}")" \
  "$(awk -v a="$(per_atom "${cpu[1]}")" -v b="$kernel" 'BEGIN {print a / b}')"
printf '%-42s %12s\n' "LAMMPS + KIM, 2 ranks, per MD step (both)" "$(per_atom "${cpu[2]}")"
printf 'wall loop time: 1 rank %s s, 2 ranks %s s: speed-up %.2f (needs an idle machine)\n' "${wall[1]}" "${wall[2]}" \
  "$(awk -v a="${wall[1]}" -v b="${wall[2]}" 'BEGIN {print a / b}')"
