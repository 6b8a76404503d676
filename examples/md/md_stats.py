#!/usr/bin/python3
"""Mean density with its standard error (block averages) and NVE energy drift from LAMMPS's
fix ave/time files, for examples/md/run_md.sh.

usage: md_stats.py density.txt energy.txt N_ATOMS   ->  prints "rho se_rho drift_meV_per_atom_ps max_dev_meV_per_atom"
"""
import sys

import numpy as np


def series(path):
    """Columns of a fix ave/time file: step, value."""
    rows = [line.split() for line in open(path) if line.strip() and not line.startswith("#")]
    return np.array([[float(x) for x in r[:2]] for r in rows])


def block_standard_error(x, blocks=10):
    """Standard error of the mean from `blocks` block means: samples 10 steps apart are
    correlated, block means (hundreds of steps) much less so."""
    n = len(x) // blocks
    means = np.array([x[i * n:(i + 1) * n].mean() for i in range(blocks)])
    return means.std(ddof=1) / np.sqrt(blocks)


def main():
    density, energy, n_atoms = series(sys.argv[1]), series(sys.argv[2]), int(sys.argv[3])
    rho = density[:, 1]
    steps, etot = energy[:, 0], energy[:, 1]
    time_ps = (steps - steps[0]) * float(sys.argv[4]) if len(sys.argv) > 4 else (steps - steps[0]) * 1e-3
    slope = np.polyfit(time_ps, etot, 1)[0]  # eV/ps
    max_dev = np.max(np.abs(etot - etot[0]))
    print(f"{rho.mean():.4f} {block_standard_error(rho):.4f} {1e3 * slope / n_atoms:.4f} {1e3 * max_dev / n_atoms:.4f}")


if __name__ == "__main__":
    main()
