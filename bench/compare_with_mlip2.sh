#!/usr/bin/env bash
# Side-by-side checks of mtpc against an existing MLIP-2 `mlp` binary (built elsewhere; nothing
# of MLIP-2 lives in this repository).
#
#   bench/compare_with_mlip2.sh /path/to/mlp [--mtpc PATH] [--work DIR] [--repeats N]
#                               [--train-iters A,B] [--no-training]
#
#  1. interop:   `mtpc init-mtp` potentials of levels 8, 14, 20 (4 species, 1.9-5.0 A) are loaded
#                and trained by `mlp train --max-iter=2 --skip-preinit` on 10 configurations.
#  2. exactness: `mtpc train` fits level 10 on 20 configurations of nbmotaw/train_tiny.cfg, once
#                with radial-full and once with radial-mf rank 3; both exported .mtp files are
#                evaluated on nbmotaw/valid.cfg by `mlp calc-efs` and `mtpc calc-efs`, and the
#                largest |dE|, |dF|, |dStress| are printed (bench/mlip2_compare_cfg.py).  A
#                standard MLIP-2 build rounds forces to 6 and stresses to 5 decimals in its
#                output; build it with -DMLIP_LOSSLESS_CFG to compare all digits.
#  3. speed:     whole-process `calc-efs` of mlp vs mtpc (1 and 2 threads), interleaved, median
#                of N repeats, on reference/mlip2/tacrvw_l20 (input repeated 5x) and on
#                nbmotaw/valid.cfg with reference/mlip2/nbmotaw_l14/pot.mtp; then the cost of one
#                BFGS iteration of training (level 14, 4 species, 1.9-5.0 A, train_tiny.cfg,
#                weights energy 1 / force 0.01 / stress 0) as the time difference of an A- and a
#                B-iteration run (default 5 and 25), mlp vs mtpc with 1 and 2 threads.
#                MLIP-2 runs with --skip-preinit (its 75 pre-training iterations would only add
#                the same constant to both runs); mtpc runs with all tolerances 0 so that it
#                does exactly the requested number of iterations.
#
# Timings are wall and CPU (user+sys) of whole processes; the load average is printed before and
# after because other jobs on the machine distort wall times (CPU times less so).
# Everything is written under --work (default: a new directory in ${TMPDIR:-/tmp}); the summary
# is printed and saved as summary.txt there.
#
# Skips (exit status 0, one line naming what is missing) when the mlp binary, the mtpc binary,
# python3 or the shared reference data (MTPC_SHARED_DIR, default ../shared beside the checkout)
# is absent.  Any failing step stops the script with a non-zero status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

usage() { sed -n '5,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
skip() { echo "compare_with_mlip2: skipped: $*"; exit 0; }

[[ $# -ge 1 ]] || { usage >&2; exit 64; }
case "$1" in -h|--help) usage; exit 0 ;; esac
mlp_arg="$1"; shift
mtpc="${MTPC:-$repo/build/bin/mtpc}"
work=""
repeats=3
train_iters="5,25"
do_training=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --mtpc) mtpc="$2"; shift 2 ;;
        --work) work="$2"; shift 2 ;;
        --repeats) repeats="$2"; shift 2 ;;
        --train-iters) train_iters="$2"; shift 2 ;;
        --no-training) do_training=0; shift ;;
        *) echo "compare_with_mlip2: unknown option '$1'" >&2; usage >&2; exit 64 ;;
    esac
done

shared="${MTPC_SHARED_DIR:-$repo/../shared}"
[[ -x "$mlp_arg" ]] || skip "no executable mlp binary at '$mlp_arg'"
[[ -x "$mtpc" ]] || skip "no mtpc binary at '$mtpc' (build it or pass --mtpc PATH)"
command -v python3 >/dev/null || skip "python3 not found"
nb="$shared/data/nbmotaw"
tac="$shared/reference/mlip2/tacrvw_l20"
nbpot="$shared/reference/mlip2/nbmotaw_l14/pot.mtp"
for f in "$nb/train_tiny.cfg" "$nb/valid.cfg" "$tac/pot.mtp" "$tac/input.cfg" "$nbpot"; do
    [[ -f "$f" ]] || skip "reference data missing: $f"
done
mlp="$(cd "$(dirname "$mlp_arg")" && pwd)/$(basename "$mlp_arg")"
mtpc="$(cd "$(dirname "$mtpc")" && pwd)/$(basename "$mtpc")"
shared="$(cd "$shared" && pwd)"; nb="$shared/data/nbmotaw"
"$mlp" help 2>&1 | grep -q 'mlp' || { echo "compare_with_mlip2: '$mlp' does not look like MLIP-2's mlp ('mlp help' printed no usage)" >&2; exit 1; }

if [[ -z "$work" ]]; then work="$(mktemp -d "${TMPDIR:-/tmp}/compare_with_mlip2.XXXXXX")"; fi
mkdir -p "$work"; work="$(cd "$work" && pwd)"; cd "$work"
summary="$work/summary.txt"; : > "$summary"
say() { echo "$*" | tee -a "$summary"; }
timings="$work/timings.tsv"; : > "$timings"

# First N configurations of a .cfg file.
head_cfgs() { awk -v n="$2" '/BEGIN_CFG/{k++} k<=n{print} /END_CFG/&&k==n{exit}' "$1"; }
# Runs a command with output to a log; records "kind case tool size repeat wall cpu" in timings.
timed() {
    local kind="$1" case="$2" tool="$3" size="$4" rep="$5" log="$6"; shift 6
    local t0 t1 c0 c1
    # bash's `time` keyword gives wall, user and sys seconds of the whole child process.
    local TIMEFORMAT='%R %U %S' out
    out="$( { time "$@" >"$log" 2>&1; } 2>&1 )" || { echo "failed ($kind $case $tool): $* (see $log)" >&2; tail -5 "$log" >&2; exit 1; }
    read -r t0 c0 c1 <<<"$out"
    t1="$(python3 -c "print($c0 + $c1)")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$case" "$tool" "$size" "$rep" "$t0" "$t1" >>"$timings"
}
count_atoms() { awk '/BEGIN_CFG/{getline; getline; s+=$1} END{print s}' "$1"; }

say "compare_with_mlip2 $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "  mlp:  $mlp"
say "  mtpc: $mtpc ($("$mtpc" --version 2>/dev/null | head -1); git $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'))"
say "  data: $shared   work: $work   cores: $(nproc)   load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------
say ""; say "== 1. interop: mtpc init-mtp -> mlp train --max-iter=2 --skip-preinit (10 cfgs) =="
mkdir -p interop
head_cfgs "$nb/train_tiny.cfg" 10 > interop/small.cfg
for L in 8 14 20; do
    "$mtpc" init-mtp --level "$L" --species 4 --min-dist 1.9 --max-dist 5.0 "interop/l$L.mtp" > /dev/null
    if "$mlp" train "interop/l$L.mtp" interop/small.cfg --max-iter=2 --skip-preinit \
            --trained-pot-name="interop/trained$L.mtp" > "interop/train$L.log" 2>&1 \
        && [[ -s "interop/trained$L.mtp" ]] && grep -q '^BFGS iter 1:' "interop/train$L.log"; then
        say "  level $L: mlp trained from it ($(grep -c '^BFGS iter [0-9]*:' "interop/train$L.log") BFGS iterations, loss $(grep '^BFGS iter [0-9]*:' "interop/train$L.log" | head -1 | grep -o 'f=.*') -> $(grep '^BFGS iter [0-9]*:' "interop/train$L.log" | tail -1 | grep -o 'f=.*'))"
    else
        say "  level $L: FAILED, see $work/interop/train$L.log"; exit 1
    fi
done

# ---------------------------------------------------------------------------------------------
say ""; say "== 2. exactness: potentials trained by mtpc, evaluated by mlp and mtpc on valid.cfg =="
mkdir -p exact
head_cfgs "$nb/train_tiny.cfg" 20 > exact/train20.cfg
cat > exact/fit.json <<EOF
{
  "species": ["Nb", "Mo", "Ta", "W"],
  "data": {"train": "$work/exact/train20.cfg"},
  "model": {"level": 10, "min_dist": 1.9, "max_dist": 5.0, "radial_basis_size": 8},
  "loss": {"energy_weight": 1.0, "force_weight": 0.01, "stress_weight": 0.001},
  "steps": [{"optimizer": "bfgs", "options": {"max_iterations": 100}}],
  "variants": [
    {"name": "radial-full", "set": {"radial.plugin": "radial-full"}},
    {"name": "radial-mf-r3", "set": {"radial.plugin": "radial-mf", "radial.options": {"rank": 3}}}
  ],
  "seeds": [1],
  "threads": 2,
  "output": {"directory": "$work/exact/runs", "validate_every": 0}
}
EOF
"$mtpc" train exact/fit.json --plain > exact/train.log 2>&1 || { tail -5 exact/train.log >&2; exit 1; }
for v in radial-full radial-mf-r3; do
    pot="exact/runs/$v/seed-1/potential.mtp"
    "$mlp" calc-efs "$pot" "$nb/valid.cfg" "exact/mlp_$v.cfg" > "exact/mlp_$v.log" 2>&1
    "$mtpc" calc-efs "$pot" "$nb/valid.cfg" "exact/mtpc_$v.cfg" > "exact/mtpc_$v.log" 2>&1
    say "  $(python3 "$here/mlip2_compare_cfg.py" "exact/mlp_$v.cfg" "exact/mtpc_$v.cfg" --label "$v:")"
done
say "  (a standard MLIP-2 build writes forces with 6 and stresses with 5 decimals: |dF| <= 5e-7 and"
say "   |dS| <= 5e-6 are that rounding; build mlp with -DMLIP_LOSSLESS_CFG for all digits)"

# ---------------------------------------------------------------------------------------------
say ""; say "== 3a. calc-efs speed (median of $repeats, interleaved) =="
mkdir -p efs
for k in 1 2 3 4 5; do cat "$tac/input.cfg"; done > efs/tacrvw_x5.cfg
declare -A efs_pot=([tacrvw_l20]="$tac/pot.mtp" [nbmotaw_l14]="$nbpot")
declare -A efs_in=([tacrvw_l20]="$work/efs/tacrvw_x5.cfg" [nbmotaw_l14]="$nb/valid.cfg")
for case in tacrvw_l20 nbmotaw_l14; do
    atoms="$(count_atoms "${efs_in[$case]}")"
    for rep in $(seq 1 "$repeats"); do
        timed efs "$case" mlp "$atoms" "$rep" "efs/$case.mlp.log" \
            "$mlp" calc-efs "${efs_pot[$case]}" "${efs_in[$case]}" "efs/$case.mlp.cfg"
        for t in 1 2; do
            timed efs "$case" "mtpc-${t}thr" "$atoms" "$rep" "efs/$case.mtpc$t.log" \
                "$mtpc" calc-efs "${efs_pot[$case]}" "${efs_in[$case]}" "efs/$case.mtpc$t.cfg" --threads "$t"
        done
    done
    say "  $(python3 "$here/mlip2_compare_cfg.py" "efs/$case.mlp.cfg" "efs/$case.mtpc1.cfg" --label "$case agreement:")"
done

# ---------------------------------------------------------------------------------------------
if [[ $do_training == 1 ]]; then
    IFS=, read -r it_lo it_hi <<<"$train_iters"
    say ""; say "== 3b. training: one BFGS iteration, level 14, train_tiny.cfg ($it_lo vs $it_hi iterations) =="
    mkdir -p train
    "$mtpc" init-mtp --level 14 --species 4 --min-dist 1.9 --max-dist 5.0 train/l14.mtp > /dev/null
    for n in "$it_lo" "$it_hi"; do
        timed train l14_tiny mlp "$n" 1 "train/mlp_$n.log" \
            "$mlp" train train/l14.mtp "$nb/train_tiny.cfg" --energy-weight=1 --force-weight=0.01 \
            --stress-weight=0 --max-iter="$n" --skip-preinit --trained-pot-name="train/mlp_$n.mtp"
        done_its="$(grep -c '^BFGS iter [0-9]*:' "train/mlp_$n.log" || true)"
        [[ "$done_its" == "$n" ]] || say "  warning: mlp did $done_its BFGS iterations, not $n (see train/mlp_$n.log)"
        for t in 1 2; do
            cat > "train/mtpc_${n}_$t.json" <<EOF
{
  "species": ["Nb", "Mo", "Ta", "W"],
  "data": {"train": "$nb/train_tiny.cfg"},
  "model": {"level": 14, "min_dist": 1.9, "max_dist": 5.0, "radial_basis_size": 8},
  "loss": {"energy_weight": 1.0, "force_weight": 0.01, "stress_weight": 0.0, "weighting": "vibrations"},
  "steps": [{"optimizer": "bfgs", "options": {"max_iterations": $n, "gradient_tolerance": 0,
             "function_tolerance": 0, "parameter_tolerance": 0}}],
  "seeds": [1],
  "threads": $t,
  "output": {"directory": "$work/train/mtpc_${n}_$t", "validate_every": 0}
}
EOF
            # mtpc's runs take seconds: repeat them (median) to tame the noise of the difference;
            # MLIP-2's take minutes and run once.
            for rep in $(seq 1 "$repeats"); do
                rm -rf "train/mtpc_${n}_$t"
                timed train l14_tiny "mtpc-${t}thr" "$n" "$rep" "train/mtpc_${n}_$t.log" \
                    "$mtpc" train "train/mtpc_${n}_$t.json" --plain
            done
        done
    done
    # Work per iteration differs with the line search: report function evaluations per iteration.
    for t in 1 2; do
        m="train/mtpc_${it_hi}_$t/base/seed-1/metrics.json"
        [[ -f "$m" ]] || m="$(find "train/mtpc_${it_hi}_$t" -name metrics.json | head -1)"
        say "  mtpc ${t}thr, $it_hi iterations: $(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(f\"{d['iterations']} iterations, {d['evaluations']} loss+gradient evaluations, final loss {d['final_loss']:.6g}\")" "$m")"
    done
    say "  mlp, $it_hi iterations: last line $(grep '^BFGS iter [0-9]*:' "train/mlp_$it_hi.log" | tail -1)"
    # A stock mlp does not log its line-search evaluations; a build instrumented to print them
    # after "step limit reached" shows them here.
    mlp_evals="$(grep -h -o 'evaluations: [0-9]*' "train/mlp_$it_lo.log" "train/mlp_$it_hi.log" | paste -sd' ' || true)"
    [[ -z "$mlp_evals" ]] || say "  mlp loss+gradient evaluations ($it_lo, $it_hi iterations): $mlp_evals"
fi

say ""; say "== summary of timings ($work/timings.tsv) =="
python3 "$here/mlip2_summarize_timings.py" "$timings" | tee -a "$summary"
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
