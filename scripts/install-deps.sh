#!/usr/bin/env bash
# Installs the Debian 12 packages mtpc needs (only those missing).  Run as root (or with sudo).
set -euo pipefail
packages=(build-essential cmake g++ libeigen3-dev libceres-dev libboost-dev libboost-filesystem-dev
          nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev libspdlog-dev libfmt-dev
          gnuplot-nox python3-ase python3-numpy python3-dev pybind11-dev clang
          lammps libkim-api-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
