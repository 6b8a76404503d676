"""mtpc.train runs a manifest from Python and returns the summaries; mtpc.load_run materialises a
compressed (MF) run's parameters through its plugin; the compressed potential works through every
route: the ASE calculator (from load_run and from potential.mtp), `mtpc calc-efs` and `mtpc relax`."""
import json
import os
import tempfile
import unittest

import numpy as np

import mtpc
import mtpc_test_support as s
from mtpc.ase import MTPCalculator, read_cfg, write_cfg


class TrainingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def train_small(self):
        (cfg,) = s.require_shared(self, s.NBMOTAW_CFG)
        images = [a for a in read_cfg(cfg, s.SPECIES) if len(a) == 8][:40]
        write_cfg(os.path.join(self.dir, "train.cfg"), images, s.SPECIES)
        manifest = {
            "species": s.SPECIES,
            "data": {"train": "train.cfg"},
            "model": {"level": 6, "min_dist": 1.9, "max_dist": 4.7, "radial_basis_size": 6},
            "loss": {"energy_weight": 1, "force_weight": 0.01, "stress_weight": 0},
            "steps": [{"optimizer": "bfgs", "options": {"max_iterations": 40}}],
            "variants": [{"name": "base", "set": {"radial.plugin": "radial-full"}},
                         {"name": "mf", "set": {"radial.plugin": "radial-mf", "radial.options": {"rank": 2}}}],
            "seeds": [1], "threads": 1, "output": {"directory": "runs"}}
        path = os.path.join(self.dir, "fit.json")
        with open(path, "w") as f:
            json.dump(manifest, f)
        return path, images

    def test_train_load_run_and_every_route_of_a_compressed_potential(self):
        manifest, images = self.train_small()
        runs = mtpc.train(manifest)
        self.assertEqual([r["variant"] for r in runs], ["base", "mf"])
        for r in runs:
            self.assertTrue(np.isfinite(r["final_loss"]))
            self.assertTrue(os.path.isfile(os.path.join(r["directory"], "potential.mtp")))
        base, mf = runs
        self.assertLess(mf["counts"]["radial_parameters"], base["counts"]["radial_parameters"])

        # The compressed parameters, materialised by radial-mf, are the run's potential.mtp exactly.
        pot, info = mtpc.load_run(mf["directory"])
        self.assertEqual(info["radial_plugin"], "radial-mf")
        self.assertEqual(info["species"], s.SPECIES)
        self.assertEqual(len(info["theta"]), mf["counts"]["radial_parameters"])
        mtp_file = os.path.join(mf["directory"], "potential.mtp")
        from_run = MTPCalculator(pot, species=info["species"])
        from_file = MTPCalculator(mtp_file, species=s.SPECIES)
        structures = [a.copy() for a in images[:10]]
        inp, out = os.path.join(self.dir, "in.cfg"), os.path.join(self.dir, "out.cfg")
        write_cfg(inp, structures, s.SPECIES)
        status, text = s.run_mtpc("calc-efs", mtp_file, inp, out)
        self.assertEqual(status, 0, text)
        for atoms, ref in zip(structures, read_cfg(out, s.SPECIES)):
            atoms.calc = from_run
            e, f, sigma = atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress()
            atoms.calc = from_file
            self.assertEqual(e, atoms.get_potential_energy())
            np.testing.assert_array_equal(f, atoms.get_forces())
            self.assertEqual(e, ref.get_potential_energy())
            np.testing.assert_array_equal(sigma, ref.get_stress())

        # `mtpc relax` with the compressed potential reaches its tolerance.
        relaxed_path = os.path.join(self.dir, "relaxed.cfg")
        status, text = s.run_mtpc("relax", mtp_file, inp, relaxed_path, "--force-tolerance", "1e-3",
                                  "--max-iterations", "2000")
        self.assertEqual(status, 0, text)
        relaxed = read_cfg(relaxed_path, s.SPECIES)
        self.assertEqual(len(relaxed), len(structures))
        for k, atoms in enumerate(relaxed):
            with self.subTest(configuration=k + 1):
                self.assertEqual(atoms.info["features"]["relax_converged"], "true", text)
                atoms.calc = from_run
                self.assertLessEqual(np.linalg.norm(atoms.get_forces(), axis=1).max(), 1e-3)

    def test_load_run_bad_input(self):
        with self.assertRaisesRegex(mtpc.InputError, "parameters.json: cannot open"):
            mtpc.load_run(self.dir)
        path = os.path.join(self.dir, "parameters.json")
        with open(path, "w") as f:
            json.dump({"format": "mtpc-parameters-1"}, f)
        with self.assertRaisesRegex(mtpc.InputError, "potential: missing"):
            mtpc.load_run(path)
        os.remove(path)


if __name__ == "__main__":
    s.main()
