#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, built into
# ${MTPC_SANITIZE_BUILD_DIR:-build-asan} (any report fails the test that triggered it).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${MTPC_SANITIZE_BUILD_DIR:-build-asan}
# -O1 -g1 (line tables): what the ASan documentation recommends, and half the compile time of -O2 -g
# (checkpoint.cpp: 20 s against 43 s of CPU), which keeps CI under its 30 minutes.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DMTPC_SANITIZE=address,undefined -DMTPC_BUILD_BENCH=OFF \
  -DMTPC_BUILD_PYTHON=OFF -DMTPC_BUILD_KIM=OFF  # ASan code cannot load into python3 or lmp built without it
cmake --build "$build" -j "$(nproc)"
# detect_leaks=0: plugins stay loaded until exit by design (the deleter keeps the library alive).
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"
