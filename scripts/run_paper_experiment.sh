#!/usr/bin/env bash
# The low-rank MTP paper's experiment (examples/paper/README.md): trains every manifest of
# examples/paper/ (base, MF, TF, R-MF, MFRA; rank sweep; 3 seeds each), then writes the ~50% table
# Markdown and the Figure 2 plot.
#
#   scripts/run_paper_experiment.sh            the full experiment into paper-out/
#   scripts/run_paper_experiment.sh --quick    1 seed, at most 25 iterations per step, one rank per
#                                              method, into paper-out/quick/ (checks the pipeline)
#
# Environment: MTPC (the mtpc executable; default build/bin/mtpc), PAPER_OUT (output directory),
# PAPER_TRAIN (a training file instead of the manifests' train_tiny.cfg, e.g. the absolute path
# of ../shared/data/nbmotaw/train_small.cfg; use it with its own PAPER_OUT).
# Interrupted runs continue where they stopped (`mtpc train --resume`; finished runs are reused).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mtpc="${MTPC:-$root/build/bin/mtpc}"
[[ -x "$mtpc" ]] || { echo "run_paper_experiment.sh: no mtpc executable at $mtpc (set MTPC)" >&2; exit 1; }
methods=(base mf tf rmf mfra)

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
if [[ $quick == 1 ]]; then
  out="${PAPER_OUT:-$root/paper-out/quick}"
else
  out="${PAPER_OUT:-$root/paper-out}"
fi
mkdir -p "$out/manifests"

# Manifests as run: copies of examples/paper/*.json with data paths made absolute and the output
# directed into $out (and, for --quick, the reduced budget).  The copies are kept beside the
# results, so every summary.json names the exact manifest it came from.
/usr/bin/python3 - "$root/examples/paper" "$out" "$quick" "${PAPER_TRAIN:-}" "${methods[@]}" <<'EOF'
import json, os, sys
src, out, quick, train, methods = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4], sys.argv[5:]
for name in methods:
    with open(os.path.join(src, name + ".json")) as f:
        doc = json.load(f)
    for key in ("train", "validation", "test"):
        if key in doc["data"]:
            doc["data"][key] = os.path.normpath(os.path.join(src, doc["data"][key]))
    if train:
        doc["data"]["train"] = os.path.abspath(train)
    doc["output"]["directory"] = os.path.join(out, name)
    if quick:
        doc["seeds"] = doc["seeds"][:1]
        for step in doc["steps"]:
            step["options"]["max_iterations"] = max(5, min(25, step["options"]["max_iterations"] // 10))
            if "augment_every" in step["options"]:
                step["options"]["augment_every"] = max(2, step["options"]["augment_every"] // 10)
        # one variant per method: the ~50% one
        half = [v for v in doc.get("variants", []) if v["name"].endswith(("6", "(4,8,4)"))][:1]
        if half:
            doc["variants"] = half
    with open(os.path.join(out, "manifests", name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
EOF

summaries=()
for m in "${methods[@]}"; do
  manifest="$out/manifests/$m.json"
  "$mtpc" describe "$manifest"
  echo "== $(date +%T) training $m"
  "$mtpc" train --plain --resume "$manifest" > "$out/$m.log" 2>&1 || { echo "training $m failed, see $out/$m.log" >&2; tail -5 "$out/$m.log" >&2; exit 1; }
  tail -n +1 "$out/$m.log" | sed -n '/^variant/,$p'
  summaries+=("$out/$m/summary.json")
done

echo "== $(date +%T) table and plot"
/usr/bin/python3 scripts/paper_table.py --check-loss "$mtpc" "$out/table.md" "$out/figure2.dat" "${summaries[@]}"
gnuplot -e "datafile='$out/figure2.dat'; outfile='$out/figure2.png'" scripts/paper_plot.gp
cat "$out/table.md"
echo "wrote $out/table.md, $out/figure2.dat and the plot ($out/figure2.png or .svg)"
