"""`cmake --install` puts a working Python package under <prefix>/lib/python3.X/dist-packages: it
imports from there (not from the build tree), finds the installed plugins, and computes."""
import os
import subprocess
import sys
import tempfile
import unittest

import mtpc_test_support as s

BUILD = os.environ.get("MTPC_BUILD_DIR", "")
CMAKE = os.environ.get("MTPC_CMAKE", "cmake")


class InstallTest(unittest.TestCase):
    def test_installed_package_imports_and_finds_its_plugins(self):
        if not BUILD:
            self.skipTest("MTPC_BUILD_DIR not set (ctest sets it)")
        with tempfile.TemporaryDirectory() as prefix:
            subprocess.run([CMAKE, "--install", BUILD, "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
            site = os.path.join(prefix, "lib", f"python{sys.version_info.major}.{sys.version_info.minor}",
                                "dist-packages")
            script = ("import mtpc, mtpc.ase, os, numpy as np\n"
                      "print(os.path.dirname(mtpc.__file__))\n"
                      "print(mtpc.PLUGIN_DIR)\n"
                      "print(sorted(f for f in os.listdir(mtpc.PLUGIN_DIR) if f.startswith('libmtpc_')))\n")
            env = dict(os.environ, PYTHONPATH=site)
            out = subprocess.run([sys.executable, "-c", script], env=env, check=True, stdout=subprocess.PIPE,
                                 text=True, cwd=prefix).stdout.splitlines()
            self.assertEqual(out[0], os.path.join(site, "mtpc"))
            self.assertEqual(out[1], os.path.join(prefix, "lib", "mtpc", "plugins"))
            self.assertIn("libmtpc_radial_mf.so", out[2])


if __name__ == "__main__":
    s.main()
