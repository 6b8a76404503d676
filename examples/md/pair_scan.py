#!/usr/bin/python3
"""Short-range check of MTPs before MD: in the first 20 KCl + 4 ThCl4 cell of train.cfg, take the
closest Cl-Cl, K-Cl and Th-Cl pair, move the second atom along the pair axis to distance d (all
other atoms fixed) and print E(d) - E(3.2 A) for each potential (mtpc calc-efs).  A fit whose
energy falls as a pair closes below the data's closest distance (Cl-Cl 2.96, K-Cl 2.52, Th-Cl
2.37 A in train.cfg) has a hole that MD finds.  1.8 A is below min_dist (1.9 A): extrapolated.

usage: pair_scan.py MTPC train.cfg WORKDIR NAME=POTENTIAL.mtp ...
"""
import subprocess
import sys

import numpy as np

SPECIES = ["Cl", "K", "Th"]  # .cfg types 0, 1, 2
PAIRS = [(0, 0), (1, 0), (2, 0)]  # Cl-Cl, K-Cl, Th-Cl
DISTANCES = [3.2, 2.8, 2.6, 2.4, 2.2, 2.0, 1.9, 1.8]  # A; the first is the reference


def start_cell(path):
    """Cell and atoms (type, position) of the first 36 Cl + 20 K + 4 Th configuration."""
    for block in open(path).read().split("BEGIN_CFG")[1:]:
        lines = block.split("\n")
        n = int(lines[lines.index(" Size") + 1])
        start = next(k for k, l in enumerate(lines) if "AtomData" in l) + 1
        atoms = [l.split() for l in lines[start:start + n]]
        types = np.array([int(a[1]) for a in atoms])
        if [int(np.sum(types == t)) for t in range(3)] == [36, 20, 4]:
            cell = np.array([[float(x) for x in lines[lines.index(" Supercell") + 1 + k].split()] for k in range(3)])
            return cell, types, np.array([[float(x) for x in a[2:5]] for a in atoms])
    sys.exit("pair_scan: no 36 Cl + 20 K + 4 Th cell in " + path)


def closest_pair(cell, types, pos, ti, tj):
    """Indices and minimum-image vector of the closest pair of types ti, tj."""
    inv = np.linalg.inv(cell)
    best = None
    for i in np.where(types == ti)[0]:
        for j in np.where(types == tj)[0]:
            if i == j:
                continue
            frac = (pos[j] - pos[i]) @ inv
            v = (frac - np.round(frac)) @ cell
            if best is None or np.linalg.norm(v) < np.linalg.norm(best[2]):
                best = (i, j, v)
    return best


def main():
    mtpc, train, work = sys.argv[1:4]
    potentials = [a.split("=", 1) for a in sys.argv[4:]]
    cell, types, pos = start_cell(train)
    configs = []
    for ti, tj in PAIRS:
        i, j, v = closest_pair(cell, types, pos, ti, tj)
        for d in DISTANCES:
            p = pos.copy()
            p[j] = pos[i] + v / np.linalg.norm(v) * d
            configs.append(p)
    with open(f"{work}/scan.cfg", "w") as f:
        for p in configs:
            f.write(f"BEGIN_CFG\n Size\n {len(types)}\n Supercell\n")
            for row in cell:
                f.write(" " + " ".join(repr(x) for x in row) + "\n")
            f.write(" AtomData: id type cartes_x cartes_y cartes_z\n")
            for k, (t, x) in enumerate(zip(types, p)):
                f.write(f" {k + 1} {t} {x[0]!r} {x[1]!r} {x[2]!r}\n")
            f.write("END_CFG\n\n")
    energies = {}
    for name, pot in potentials:
        # (calc-efs warns that 1.8 A is below min_dist 1.9 A: the row shows the extrapolation)
        subprocess.run([mtpc, "calc-efs", pot, f"{work}/scan.cfg", f"{work}/scan_{name}.cfg"], check=True,
                       stderr=subprocess.DEVNULL)
        lines = open(f"{work}/scan_{name}.cfg").read().split("\n")
        energies[name] = [float(lines[k + 1]) for k, l in enumerate(lines) if l.strip() == "Energy"]
    print("pair scan: E(d) - E(3.2 A) in eV, one pair of the 20 KCl + 4 ThCl4 cell moved to distance d")
    print(f"{'pair':6} {'d A':>5} " + " ".join(f"{name:>12}" for name, _ in potentials))
    for k, (ti, tj) in enumerate(PAIRS):
        for m, d in enumerate(DISTANCES[1:], 1):
            row = [energies[name][k * len(DISTANCES) + m] - energies[name][k * len(DISTANCES)] for name, _ in potentials]
            pair = f"{SPECIES[ti]}-{SPECIES[tj]}"
            print(f"{pair:6} {d:5.2f} " + " ".join(f"{e:12.3f}" for e in row))


if __name__ == "__main__":
    main()
