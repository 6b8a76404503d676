#!/usr/bin/python3
"""Why the quaternary test cells are hard: the training data never show a hot mixed environment.

Usage: thermal_mixing_gap.py [--build BUILD] [--data DIR] NAME=POT.mtp [NAME=POT.mtp ...]

Prints two tables.
1. Coverage of train.cfg per `Feature source`: configurations, atoms, species per configuration and
   the thermal disorder of the DFT data, measured by the RMS DFT force (eV/Å; a relaxed or only
   statically distorted cell has a small one, an MD snapshot a large one).  Nb-Mo-Ta-W's training
   set has hot single-species cells (*_AIMD) and cold mixed cells (*_SS), but no hot mixed one.
2. Per Multinary_Test cell (128 atoms, 4 species, MD snapshots): the RMS DFT force and each
   potential's energy error (meV/atom), then the correlation of the error with the RMS force and
   the RMSE of the colder and the hotter half of the cells.

A potential whose quaternary error is a bias growing with the disorder is extrapolating the energy
of thermal displacements in mixed environments, which nothing in the training data fixes.
Needs the `mtpc` Python module (build/python) and ASE (Debian's python3-ase).
"""
import argparse
import os
import sys
from collections import defaultdict

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SPECIES = ["Nb", "Mo", "Ta", "W"]


def source_of(atoms):
    return atoms.info.get("features", {}).get("source", "?")


def rms_force(atoms):
    return float(np.sqrt((atoms.calc.results["forces"] ** 2).mean()))


def coverage_table(train):
    groups = defaultdict(list)
    for a in train:
        groups[source_of(a)].append(a)
    print("| training source | configurations | atoms/cfg | species/cfg | RMS DFT force median / 90% / max (eV/Å) |")
    print("|---|---|---|---|---|")
    for source, cells in sorted(groups.items()):
        f = np.array([rms_force(a) for a in cells])
        species = max(len(set(a.get_chemical_symbols())) for a in cells)
        atoms = np.mean([len(a) for a in cells])
        print("| %s | %d | %.0f | %d | %.2f / %.2f / %.2f |" % (source, len(cells), atoms, species, np.median(f),
                                                            np.quantile(f, 0.9), f.max()))
    hot_mixed = sum(1 for a in train if len(set(a.get_chemical_symbols())) > 1 and rms_force(a) > 0.5)
    print("\nmixed-species configurations with RMS force > 0.5 eV/Å: %d" % hot_mixed)


def error_table(cells, potentials):
    print("\n| Multinary_Test cell | RMS DFT force (eV/Å) | " + " | ".join("%s E error (meV/atom)" % n for n, _ in potentials) + " |")
    print("|---|---|" + "---|" * len(potentials))
    errors, disorder = [], []
    for index, a in enumerate(cells):
        types = np.array([SPECIES.index(s) for s in a.get_chemical_symbols()], dtype=np.int32)
        dft = a.calc.results["energy"]
        row = [(p.compute(types, a.positions, np.array(a.cell), 2)[0] - dft) / len(a) * 1e3 for _, p in potentials]
        errors.append(row)
        disorder.append(rms_force(a))
        print("| %d | %.2f | %s |" % (index, disorder[-1], " | ".join("%.1f" % e for e in row)))
    errors, disorder = np.array(errors), np.array(disorder)
    cold = disorder < np.median(disorder)
    print()
    for k, (name, _) in enumerate(potentials):
        e = errors[:, k]
        print("%-14s corr(error, RMS force) %+.2f; RMSE colder half %.1f, hotter half %.1f, all %.1f meV/atom" % (
            name, np.corrcoef(e, disorder)[0, 1], np.sqrt((e[cold] ** 2).mean()), np.sqrt((e[~cold] ** 2).mean()),
            np.sqrt((e ** 2).mean())))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(REPO, "build"))
    p.add_argument("--data", default=os.path.join(os.path.dirname(REPO), "shared", "data", "nbmotaw"))
    p.add_argument("potentials", nargs="+", metavar="NAME=POT.mtp")
    args = p.parse_args()
    for f in ("train.cfg", "test.cfg"):
        if not os.path.isfile(os.path.join(args.data, f)):
            print("skipped: %s is absent" % os.path.join(args.data, f))
            return
    sys.path.insert(0, os.path.join(args.build, "python"))
    import mtpc
    from mtpc.ase import read_cfg
    potentials = []
    for spec in args.potentials:
        name, sep, path = spec.partition("=")
        if not sep:
            sys.exit("thermal_mixing_gap.py: expected NAME=POT.mtp, got '%s'" % spec)
        potentials.append((name, mtpc.Potential(path)))
    coverage_table(read_cfg(os.path.join(args.data, "train.cfg"), SPECIES))
    test = read_cfg(os.path.join(args.data, "test.cfg"), SPECIES)
    error_table([a for a in test if source_of(a) == "Multinary_Test"], potentials)


if __name__ == "__main__":
    main()
