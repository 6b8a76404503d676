#!/usr/bin/env bash
# The whole test suite from a fresh machine: install dependencies, build, run ctest; then the same
# suite under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize.sh; without the
# Python and KIM tests, whose hosts are not instrumented).  MTPC_SKIP_SANITIZE=1 skips the second.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build_dir="${MTPC_BUILD_DIR:-build}"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
if [[ "${MTPC_SKIP_SANITIZE:-0}" != 1 ]]; then
  scripts/sanitize.sh
fi
