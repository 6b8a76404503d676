"""mtpc.ase.read_cfg / write_cfg: ase.Atoms <-> .cfg keep positions, cell, species, energies,
forces, stresses (ASE's sign: sigma = -PlusStress / V), features and energy weights; unknown
symbols are InputErrors.  Needs nothing from ../shared."""
import os
import tempfile
import unittest

import numpy as np
from ase import Atoms
from ase.build import bulk
from ase.calculators.singlepoint import SinglePointCalculator

import mtpc
import mtpc_test_support as s
from mtpc.ase import read_cfg, write_cfg

SPECIES = ["Ni", "Cu", "Pd"]


def labelled_structures():
    rng = np.random.default_rng(11)
    periodic = bulk("Cu", "fcc", a=3.6, cubic=True).repeat(2)
    periodic.set_chemical_symbols(rng.choice(SPECIES, len(periodic)))
    periodic.rattle(0.05, seed=1)
    periodic.set_cell(periodic.cell @ np.array([[1, 0.02, 0], [0, 1, 0.01], [0, 0, 0.98]]), scale_atoms=True)
    periodic.calc = SinglePointCalculator(periodic, energy=-123.456789, forces=rng.normal(size=(len(periodic), 3)),
                                          stress=rng.normal(size=6) * 1e-2)
    periodic.info["features"] = {"source": "EMT md 300K", "EFS_by": "test"}
    periodic.info["energy_weight"] = 0.5
    molecule = Atoms("NiCuPd", positions=[[0, 0, 0], [2.4, 0, 0], [1.2, 2.0, 0.3]])
    molecule.calc = SinglePointCalculator(molecule, energy=-7.25, forces=rng.normal(size=(3, 3)))
    bare = Atoms("CuCu", positions=[[0, 0, 0], [0, 0, 2.5]], cell=np.eye(3) * 8, pbc=True)
    return [periodic, molecule, bare]


class CfgConversionTest(unittest.TestCase):
    def test_round_trip_keeps_everything(self):
        images = labelled_structures()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "set.cfg")
            write_cfg(path, images, SPECIES)
            back = read_cfg(path, SPECIES)
            # The raw dicts: PlusStress is the virial, -sigma V, in ASE's Voigt order.
            raw = mtpc.read_cfg_dicts(path)
        self.assertEqual(len(back), len(images))
        for k, (a, b) in enumerate(zip(images, back)):
            with self.subTest(configuration=k + 1):
                self.assertEqual(a.get_chemical_symbols(), b.get_chemical_symbols())
                np.testing.assert_array_equal(a.positions, b.positions)
                self.assertEqual(a.pbc.all(), b.pbc.all())
                if a.pbc.all():
                    np.testing.assert_array_equal(np.array(a.cell), np.array(b.cell))
                results = a.calc.results if a.calc else {}
                if "energy" in results:
                    self.assertEqual(b.get_potential_energy(), results["energy"])
                    np.testing.assert_array_equal(b.get_forces(), results["forces"])
                else:
                    self.assertIsNone(b.calc)
                if "stress" in results:
                    np.testing.assert_allclose(b.get_stress(), results["stress"], rtol=1e-14, atol=0)
                    np.testing.assert_allclose(raw[k]["plus_stress"], -results["stress"] * a.get_volume(), rtol=1e-14)
                self.assertEqual(b.info.get("features"), a.info.get("features"))
                self.assertEqual(b.info.get("energy_weight"), a.info.get("energy_weight"))
        self.assertIsNone(raw[1]["cell"])  # the molecule stays open

    def test_symbols_outside_the_species_list(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.cfg")
            with self.assertRaisesRegex(mtpc.InputError, "has Au atoms, but the potential's species are Ni, Cu, Pd"):
                write_cfg(path, Atoms("CuAu", positions=[[0, 0, 0], [2.5, 0, 0]]), SPECIES)
            self.assertFalse(os.path.exists(path))
            write_cfg(path, labelled_structures()[:1], SPECIES)
            with self.assertRaisesRegex(mtpc.InputError, "type 2 has no symbol"):
                read_cfg(path, ["Ni", "Cu"])
            with self.assertRaisesRegex(mtpc.InputError, "'Qq' is not a chemical symbol"):
                read_cfg(path, ["Ni", "Cu", "Qq"])
            with self.assertRaisesRegex(mtpc.InputError, "missing.cfg"):
                read_cfg(os.path.join(d, "missing.cfg"), SPECIES)


if __name__ == "__main__":
    s.main()
