#!/usr/bin/python3
"""Mean density with its standard error and NVE energy drift from LAMMPS's fix ave/time files,
for examples/md/run_md.sh.

usage: md_stats.py density.txt energy.txt N_ATOMS
  prints "rho se_rho drift_meV_per_atom_ps max_dev_meV_per_atom"

The standard error is Flyvbjerg-Petersen block averaging: samples 10 fs apart are correlated
(the barostat's period is ~1 ps), so the naive sigma/sqrt(n) is too small.  The series is halved
into blocks of 2, 4, 8, ... samples; the standard error of the block means grows with the block
length until the blocks are longer than the correlation time, then levels off.  We report the
largest value over block lengths that leave at least 8 blocks (conservative when it has not
levelled off yet).
"""
import sys

import numpy as np


def series(path):
    """Columns of a fix ave/time file: step, value."""
    rows = [line.split() for line in open(path) if line.strip() and not line.startswith("#")]
    return np.array([[float(x) for x in r[:2]] for r in rows])


def blocking_standard_error(x, min_blocks=8):
    x = np.asarray(x, dtype=float)
    best = x.std(ddof=1) / np.sqrt(len(x))
    while len(x) >= 2 * min_blocks:
        x = 0.5 * (x[0:len(x) // 2 * 2:2] + x[1:len(x) // 2 * 2:2])
        best = max(best, x.std(ddof=1) / np.sqrt(len(x)))
    return best


def main():
    density, energy, n_atoms = series(sys.argv[1]), series(sys.argv[2]), int(sys.argv[3])
    rho = density[:, 1]
    time_ps = (energy[:, 0] - energy[0, 0]) * 1e-3  # 1 fs steps
    etot = energy[:, 1]
    slope = np.polyfit(time_ps, etot, 1)[0]  # eV/ps, least-squares line
    max_dev = np.max(np.abs(etot - etot[0]))
    print(f"{rho.mean():.4f} {blocking_standard_error(rho):.4f} {1e3 * slope / n_atoms:.2e} {1e3 * max_dev / n_atoms:.2e}")


if __name__ == "__main__":
    main()
