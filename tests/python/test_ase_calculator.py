"""mtpc.ase.MTPCalculator: equals `mtpc calc-efs` (periodic and open structures), its forces and
stress equal ASE's finite differences, ASE's BFGS with a cell filter and VelocityVerlet run with
it, results do not depend on threads, the GIL is released, and bad input raises InputError."""
import os
import tempfile
import threading
import time
import unittest

import numpy as np
from ase.build import bulk
from ase.calculators.calculator import PropertyNotImplementedError
from ase.constraints import UnitCellFilter  # ASE 3.22 (Debian 12); ase.filters in later versions
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
from ase.md.verlet import VelocityVerlet
from ase.optimize import BFGS
from ase import units

import mtpc
import mtpc_test_support as s
from mtpc.ase import MTPCalculator, read_cfg, write_cfg


def random_alloy(repeat, a=3.2, seed=1, rattle=0.05, strain=0.02):
    """A rattled, strained bcc cell (2·repeat³ atoms) of random Nb/Mo/Ta/W."""
    rng = np.random.default_rng(seed)
    atoms = bulk("W", "bcc", a=a, cubic=True).repeat(repeat)
    atoms.set_chemical_symbols(rng.choice(s.SPECIES, len(atoms)))
    atoms.rattle(rattle, seed=seed)
    e = rng.uniform(-strain, strain, (3, 3))
    atoms.set_cell(atoms.cell @ (np.eye(3) + (e + e.T) / 2), scale_atoms=True)
    return atoms


def open_cluster(seed=2):
    """A rattled 15-atom W-Mo cluster (no periodicity)."""
    atoms = bulk("W", "bcc", a=3.16, cubic=True).repeat(3)
    centre = atoms.positions.mean(axis=0)
    atoms = atoms[np.linalg.norm(atoms.positions - centre, axis=1) < 3.0]
    atoms.pbc = False
    atoms.cell = None
    atoms.symbols[::2] = "Mo"
    atoms.rattle(0.05, seed=seed)
    return atoms


class CalculatorTest(unittest.TestCase):
    def setUp(self):
        self.pot, self.cfg = s.require_shared(self, s.NBMOTAW_POT, s.NBMOTAW_CFG)
        self.calc = MTPCalculator(self.pot, species=s.SPECIES)

    def test_equals_calc_efs_for_periodic_and_open_structures(self):
        structures = read_cfg(self.cfg, s.SPECIES) + [open_cluster()]
        for atoms in structures:
            atoms.calc = None  # the file's DFT values must not be written as input
        with tempfile.TemporaryDirectory() as d:
            inp, out = os.path.join(d, "in.cfg"), os.path.join(d, "out.cfg")
            write_cfg(inp, structures, s.SPECIES)
            status, text = s.run_mtpc("calc-efs", self.pot, inp, out)
            self.assertEqual(status, 0, text)
            expected = read_cfg(out, s.SPECIES)
        self.assertEqual(len(expected), len(structures))
        for k, (atoms, ref) in enumerate(zip(structures, expected)):
            with self.subTest(configuration=k + 1):
                atoms.calc = self.calc
                energy = atoms.get_potential_energy()
                self.assertEqual(energy, ref.get_potential_energy())
                self.assertEqual(atoms.get_potential_energy(force_consistent=True), energy)  # free_energy
                np.testing.assert_array_equal(atoms.get_forces(), ref.get_forces())
                self.assertAlmostEqual(atoms.get_potential_energies().sum(), energy, delta=1e-10 * abs(energy))
                if atoms.pbc.all():
                    np.testing.assert_array_equal(atoms.get_stress(), ref.get_stress())
                else:
                    with self.assertRaises(PropertyNotImplementedError):
                        atoms.get_stress()

    def test_stress_and_forces_equal_finite_differences(self):
        for atoms in (random_alloy(2, seed=3), random_alloy(1, a=3.3, seed=4, strain=0.05)):
            atoms.calc = self.calc
            stress = atoms.get_stress()
            numerical = self.calc.calculate_numerical_stress(atoms, d=1e-5)
            self.assertGreater(np.abs(stress).max(), 1e-3)  # a real test: the cell is far from equilibrium
            np.testing.assert_allclose(stress, numerical, rtol=0, atol=1e-7)
            forces = atoms.get_forces()
            np.testing.assert_allclose(forces, self.calc.calculate_numerical_forces(atoms, d=1e-5), rtol=0, atol=1e-6)
        cluster = open_cluster()
        cluster.calc = self.calc
        np.testing.assert_allclose(cluster.get_forces(), self.calc.calculate_numerical_forces(cluster, d=1e-5),
                                   rtol=0, atol=1e-6)

    def test_bfgs_with_a_cell_filter_relaxes_forces_and_stress(self):
        atoms = random_alloy(2, a=3.25, seed=5, rattle=0.1)
        atoms.calc = self.calc
        e0 = atoms.get_potential_energy()
        filtered = UnitCellFilter(atoms)
        self.assertTrue(BFGS(filtered, logfile=None).run(fmax=1e-3, steps=1000))
        self.assertLess(atoms.get_potential_energy(), e0)
        self.assertLessEqual(np.linalg.norm(atoms.get_forces(), axis=1).max(), 1e-3)
        # UnitCellFilter's cell "forces" are virial / N: |sigma| V / N <= fmax.
        self.assertLessEqual(np.abs(atoms.get_stress()).max() * atoms.get_volume() / len(atoms), 1e-3 * 1.0001)

    def test_velocity_verlet_conserves_energy(self):
        atoms = bulk("W", "bcc", a=3.17, cubic=True).repeat(3)
        atoms.calc = self.calc
        MaxwellBoltzmannDistribution(atoms, temperature_K=600, rng=np.random.default_rng(6))
        start = atoms.positions.copy()
        total = []
        dyn = VelocityVerlet(atoms, 1.0 * units.fs, logfile=None)
        dyn.attach(lambda: total.append(atoms.get_total_energy()), interval=1)
        dyn.run(100)
        self.assertEqual(len(total), 101)
        self.assertGreater(np.abs(atoms.positions - start).max(), 0.05)  # the atoms did move
        self.assertLess((max(total) - min(total)) / len(atoms), 1e-4)  # eV/atom

    def test_results_do_not_depend_on_threads(self):
        atoms = random_alloy(4, seed=7)
        atoms.calc = self.calc
        one = (atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress())
        atoms.calc = MTPCalculator(self.pot, species=s.SPECIES, threads=2)
        two = (atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress())
        self.assertEqual(one[0], two[0])
        np.testing.assert_array_equal(one[1], two[1])
        np.testing.assert_array_equal(one[2], two[2])

    def test_releases_the_gil_while_computing(self):
        # A Python thread counts while the calculator works: with the GIL held it could count only
        # at the call's edges, so it would reach a small fraction of what it counts meanwhile asleep.
        pot = mtpc.Potential(self.pot)
        atoms = random_alloy(12, seed=8)  # 3,456 atoms
        types = np.array([s.SPECIES.index(x) for x in atoms.get_chemical_symbols()], dtype=np.intc)
        count, stop = [0], threading.Event()

        def counter():
            while not stop.is_set():
                count[0] += 1

        thread = threading.Thread(target=counter)
        thread.start()
        try:
            before = count[0]
            t0 = time.perf_counter()
            pot.compute(types, atoms.positions, np.array(atoms.cell))
            seconds = time.perf_counter() - t0
            during = count[0] - before
            before = count[0]
            time.sleep(seconds)
            asleep = count[0] - before
        finally:
            stop.set()
            thread.join()
        self.assertGreater(during, 0.25 * asleep, f"{seconds:.3f} s compute; counted {during} vs {asleep} asleep")


class BadInputTest(unittest.TestCase):
    def setUp(self):
        (self.pot,) = s.require_shared(self, s.NBMOTAW_POT)

    def test_species_that_do_not_fit_the_potential(self):
        with self.assertRaisesRegex(mtpc.InputError, "has 4 species, but species lists 3"):
            MTPCalculator(self.pot, species=["Nb", "Mo", "Ta"])
        with self.assertRaisesRegex(mtpc.InputError, "'Xx' is not a chemical symbol"):
            MTPCalculator(self.pot, species=["Nb", "Mo", "Ta", "Xx"])
        with self.assertRaisesRegex(ValueError, "names a symbol twice"):
            MTPCalculator(self.pot, species=["Nb", "Mo", "W", "W"])

    def test_atoms_the_potential_does_not_know(self):
        calc = MTPCalculator(self.pot, species=s.SPECIES)
        atoms = bulk("Cu", "fcc", a=3.6)
        atoms.calc = calc
        with self.assertRaisesRegex(mtpc.InputError, "has Cu atoms, but the potential's species are Nb, Mo, Ta, W"):
            atoms.get_potential_energy()
        slab = bulk("W", "bcc", a=3.16, cubic=True)
        slab.pbc = [True, True, False]
        slab.calc = calc
        with self.assertRaisesRegex(mtpc.InputError, "periodic in all three directions or in none"):
            slab.get_potential_energy()

    def test_files_and_arrays(self):
        with self.assertRaisesRegex(mtpc.InputError, "no_such.mtp"):
            mtpc.Potential("/nonexistent/no_such.mtp")
        pot = mtpc.Potential(self.pot)
        with self.assertRaisesRegex(mtpc.InputError, "shape"):
            pot.compute(np.zeros(2, dtype=np.intc), np.zeros((2, 2)))
        with self.assertRaisesRegex(mtpc.InputError, "type 4, but the potential has 4 species"):
            pot.compute(np.array([0, 4], dtype=np.intc), np.array([[0, 0, 0], [2.5, 0, 0.0]]))
        with self.assertRaisesRegex(mtpc.InputError, "apart"):  # overlapping atoms
            pot.compute(np.array([0, 1], dtype=np.intc), np.array([[0, 0, 0], [0.01, 0, 0.0]]))


if __name__ == "__main__":
    s.main()
