#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) into ${MTPC_FUZZ_BUILD_DIR:-build-fuzz} and runs
# each for SECONDS (default 600) on 1 core, seeded from ../shared's .cfg and .mtp files and the
# example manifests.  A finding stops that target and leaves crash-* in fuzz-out/TARGET/.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: cfg mtp extxyz manifest checkpoint plugin_file)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(cfg mtp extxyz manifest checkpoint plugin_file)
build=${MTPC_FUZZ_BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMTPC_BUILD_FUZZERS=ON \
  -DMTPC_SANITIZE=address,undefined -DMTPC_BUILD_TESTS=OFF -DMTPC_BUILD_BENCH=OFF -DMTPC_BUILD_PYTHON=OFF -DMTPC_BUILD_KIM=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")
shared=$(cd .. && pwd)/shared
seed_corpus() {  # copies small example inputs as the starting corpus
  local target=$1 dir=$2
  mkdir -p "$dir"
  case $target in
    cfg) for f in "$shared"/data/*/*.cfg; do  # the first two configurations of every data file
           [[ -f $f ]] && awk '{print} /^END_CFG/ && ++n == 2 {exit}' "$f" > "$dir/$(echo "$f" | md5sum | cut -c1-8).cfg"
         done ;;
    mtp) find "$shared/reference" -name '*.mtp' 2>/dev/null | head -20 | while read -r f; do cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-8).mtp"; done ;;
    extxyz) find tests examples -name '*.xyz' -o -name '*.extxyz' 2>/dev/null | head -20 | xargs -r cp -t "$dir" ;;
    manifest) find examples bench -name '*.json' 2>/dev/null | head -20 | while read -r f; do cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-8).json"; done ;;
    checkpoint) cp fuzz/seeds/checkpoint.json "$dir/" ;;  # matches the target's expectations
    plugin_file) find build "$build" -name 'libmtpc_radial_full.so' 2>/dev/null | head -1 | xargs -r cp -t "$dir" || true ;;
  esac
}
for t in "${targets[@]}"; do
  out=fuzz-out/$t
  mkdir -p "$out/corpus"
  seed_corpus "$t" "$out/seeds"
  echo "== fuzz_$t for ${seconds}s"
  # -rss_limit_mb: a size read from a file must never make the process this large.
  "$build/bin/fuzz_$t" "$out/corpus" "$out/seeds" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -artifact_prefix="$out/" -print_final_stats=1 2>&1 | tee "$out/log.txt" | grep -E '^(#[0-9]+ +DONE|stat::|==|.*ERROR|SUMMARY)' || true
done
