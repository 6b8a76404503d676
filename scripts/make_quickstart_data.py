#!/usr/bin/python3
"""Makes the quickstart's training data: a 4-species Ni-Cu-Pd-Pt fcc alloy labelled by ASE's EMT.

Why EMT: it ships with Debian (python3-ase), is deterministic and fast, and gives energies, forces
and stresses of a real many-body potential -- enough to show training and compression end to end
without any data from outside the repository.

Configurations: random occupations of 2x2x2 conventional fcc cells (32 atoms), lattice constants
across the alloy range, random homogeneous strains (±3 %) and thermal-like rattles (0.02-0.12 Å).
Written as MLIP-2 .cfg (types 0..3 = Ni, Cu, Pd, Pt; PlusStress = -stress * volume).

Usage: make_quickstart_data.py OUT_DIR [--train N] [--valid N] [--seed S]
"""
import argparse
import os
import sys

import numpy as np
from ase.build import bulk
from ase.calculators.emt import EMT

SPECIES = ["Ni", "Cu", "Pd", "Pt"]
LATTICE = {"Ni": 3.52, "Cu": 3.61, "Pd": 3.89, "Pt": 3.92}


def make_configuration(rng):
    atoms = bulk("Cu", "fcc", a=3.6, cubic=True).repeat((2, 2, 2))
    symbols = [SPECIES[i] for i in rng.integers(0, len(SPECIES), len(atoms))]
    atoms.set_chemical_symbols(symbols)
    a0 = np.mean([LATTICE[s] for s in symbols])  # Vegard's law
    atoms.set_cell(atoms.cell * (a0 / 3.6), scale_atoms=True)
    strain = np.eye(3) + rng.uniform(-0.03, 0.03, (3, 3))
    strain = 0.5 * (strain + strain.T)
    atoms.set_cell(atoms.cell @ strain, scale_atoms=True)
    atoms.positions += rng.normal(0.0, rng.uniform(0.02, 0.12), atoms.positions.shape)
    atoms.calc = EMT()
    energy = atoms.get_potential_energy()
    forces = atoms.get_forces()
    stress = atoms.get_stress(voigt=True)  # xx yy zz yz xz xy, eV/A^3
    virial = -stress * atoms.get_volume()
    return atoms, energy, forces, virial


def write_cfg(path, items):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        for atoms, energy, forces, virial in items:
            f.write("BEGIN_CFG\n Size\n    %d\n Supercell\n" % len(atoms))
            for row in atoms.cell:
                f.write("    %.12f %.12f %.12f\n" % tuple(row))
            f.write(" AtomData:  id type       cartes_x      cartes_y      cartes_z           fx          fy          fz\n")
            for i, (s, p, fo) in enumerate(zip(atoms.get_chemical_symbols(), atoms.positions, forces)):
                f.write("    %d %d %.12f %.12f %.12f %.12f %.12f %.12f\n" % ((i + 1, SPECIES.index(s)) + tuple(p) + tuple(fo)))
            f.write(" Energy\n    %.12f\n" % energy)
            f.write(" PlusStress:  xx          yy          zz          yz          xz          xy\n")
            f.write("    %.10f %.10f %.10f %.10f %.10f %.10f\n" % tuple(virial))
            f.write(" Feature   EFS_by  ase-emt\nEND_CFG\n\n")
    os.replace(tmp, path)  # never leave a half-written file


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--train", type=int, default=120)
    ap.add_argument("--valid", type=int, default=40)
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    items = [make_configuration(rng) for _ in range(args.train + args.valid)]
    write_cfg(os.path.join(args.out_dir, "train.cfg"), items[: args.train])
    write_cfg(os.path.join(args.out_dir, "valid.cfg"), items[args.train:])
    print("quickstart data: %d training and %d validation configurations of %d atoms in %s"
          % (args.train, args.valid, len(items[0][0]), args.out_dir))


if __name__ == "__main__":
    sys.exit(main())
