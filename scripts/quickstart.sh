#!/usr/bin/env bash
# The main job from a fresh machine: install dependencies, build, make a small 4-species training
# set with ASE's EMT (Ni-Cu-Pd-Pt), then train a base MTP and a ~50%-compressed one side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build_dir="${MTPC_BUILD_DIR:-build}"
mkdir -p quickstart-out
if [[ ! -s quickstart-out/data/train.cfg ]]; then
  /usr/bin/python3 scripts/make_quickstart_data.py quickstart-out/data
fi
"$build_dir/bin/mtpc" plugins
"$build_dir/bin/mtpc" describe examples/quickstart/quickstart.json
"$build_dir/bin/mtpc" train examples/quickstart/quickstart.json
