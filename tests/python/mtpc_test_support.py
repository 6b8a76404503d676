"""Helpers of the Python tests (run by ctest with /usr/bin/python3 and PYTHONPATH=<build>/python).

ctest passes MTPC_EXE (the mtpc executable) and MTPC_SHARED_DIR (../shared beside the checkout).
A test that needs ../shared is skipped, naming the missing path; a file whose tests were all
skipped exits with 77, which ctest reports as "skipped".
"""
import os
import subprocess
import sys
import unittest

SHARED = os.environ.get("MTPC_SHARED_DIR", "")
MTPC_EXE = os.environ.get("MTPC_EXE", "mtpc")
SPECIES = ["Nb", "Mo", "Ta", "W"]  # types of the Yin et al. Nb-Mo-Ta-W potential


def shared(relative):
    return os.path.join(SHARED, relative)


def require_shared(test, *relatives):
    """Skips `test` (a TestCase) naming the first reference file that is absent."""
    for r in relatives:
        if not os.path.exists(shared(r)):
            test.skipTest(f"reference data missing: {shared(r)}")
    return [shared(r) for r in relatives]


NBMOTAW_POT = "reference/mlip2/nbmotaw_l14/pot.mtp"
NBMOTAW_CFG = "reference/mlip2/nbmotaw_l14/input.cfg"


def run_mtpc(*args):
    """Runs the mtpc executable; returns (exit status, stdout + stderr)."""
    p = subprocess.run([MTPC_EXE, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def main():
    """unittest.main, but exit 77 (ctest's SKIP_RETURN_CODE) when every test was skipped."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules["__main__"])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun > 0 and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0)
