"""Relaxes bcc, fcc and hcp Nb, Mo, Ta and W with the published Nb-Mo-Ta-W MTP (Yin et al. 2021,
level 14) and an MF-compressed version of it, side by side, and compares with the reference:

- the DFT (PBE) data set the potentials describe: its equilibrium bcc cell of each element (the
  unstrained cell of the `<element>_Elastic` set, the lowest in energy) gives the DFT bcc
  lattice constant and energy per atom;
- the ground state: all four elements are bcc, so bcc must rank below fcc and hcp (the data set
  has no fcc or hcp cells, so their energies are predictions).

Run from the repository root after scripts/build.sh (needs ../shared beside the checkout):
    /usr/bin/python3 examples/relax/relax_phases.py
It trains the compressed potential first (mtpc.train, about a minute on 2 cores) unless
relax-out/runs already holds it, then relaxes through `mtpc relax --relax-cell`.
"""
import argparse
import os
import subprocess
import sys

import numpy as np
from ase.build import bulk

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
SPECIES = ["Nb", "Mo", "Ta", "W"]
PHASES = ["bcc", "fcc", "hcp"]


def start_structures():
    """One primitive cell per element and phase, at a rough guess of the volume (16-18 A^3/atom)."""
    images = []
    for element in SPECIES:
        for phase, cell in (("bcc", bulk(element, "bcc", a=3.25)), ("fcc", bulk(element, "fcc", a=4.1)),
                            ("hcp", bulk(element, "hcp", a=2.9, c=2.9 * 1.633))):
            cell.info["features"] = {"element": element, "phase": phase}
            images.append(cell)
    return images


def dft_reference(train_cfg, read_cfg):
    """Per element: (energy per atom, bcc lattice constant) of the lowest-energy Elastic cell."""
    best = {}
    for atoms in read_cfg(train_cfg, SPECIES):
        source = atoms.info.get("features", {}).get("source", "")
        element = source.split("_")[0]
        if source.endswith("_Elastic") and len(atoms) == 2:
            e = atoms.get_potential_energy() / len(atoms)
            if element not in best or e < best[element][0]:
                best[element] = (e, (2 * atoms.get_volume() / len(atoms)) ** (1 / 3))
    return best


def compressed_potential(mtpc, retrain):
    """The MF-compressed potential (compress.json), trained from Python unless it exists."""
    runs_dir = os.path.join(ROOT, "relax-out", "runs")
    summary = os.path.join(runs_dir, "summary.json")
    if retrain or not os.path.exists(summary):
        print("training the MF-compressed potential (examples/relax/compress.json) ...", flush=True)
        runs = mtpc.train(os.path.join(HERE, "compress.json"))
        directory = runs[0]["directory"]
    else:
        directory = next(os.path.join(d, s) for d in [os.path.join(runs_dir, v) for v in sorted(os.listdir(runs_dir))]
                         if os.path.isdir(d) for s in sorted(os.listdir(d)) if s.startswith("seed-"))
    pot, info = mtpc.load_run(directory)
    return os.path.join(directory, "potential.mtp"), info


def relax(mtpc_exe, potential, start_cfg, out_cfg):
    subprocess.run([mtpc_exe, "relax", potential, start_cfg, out_cfg, "--relax-cell", "--force-tolerance", "1e-4",
                    "--stress-tolerance", "1e-3", "--threads", "2"], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, os.environ.get("MTPC_BUILD_DIR", "build")))
    parser.add_argument("--retrain", action="store_true", help="train the compressed potential again")
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    import mtpc
    from mtpc.ase import read_cfg, write_cfg

    base = os.path.join(SHARED, "reference", "mlip2", "nbmotaw_l14", "pot.mtp")
    train_cfg = os.path.join(SHARED, "data", "nbmotaw", "train.cfg")  # the whole DFT training set
    for path in (base, train_cfg):
        if not os.path.exists(path):
            sys.exit(f"relax_phases: reference data missing: {path}")
    compressed, info = compressed_potential(mtpc, args.retrain)
    print(f"MF-compressed: radial-mf rank {info['radial_options']['rank']}, "
          f"{len(info['theta'])} radial parameters (base: {4 * 4 * 4 * 8})")

    out = os.path.join(ROOT, "relax-out")
    os.makedirs(out, exist_ok=True)
    start = os.path.join(out, "phases.cfg")
    write_cfg(start, start_structures(), SPECIES)
    relaxed = {}
    for name, potential in (("base", base), ("MF", compressed)):
        path = os.path.join(out, f"phases_relaxed_{name}.cfg")
        relax(os.path.join(args.build, "bin", "mtpc"), potential, start, path)
        relaxed[name] = {(a.info["features"]["element"], a.info["features"]["phase"]): a for a in read_cfg(path, SPECIES)}

    reference = dft_reference(train_cfg, read_cfg)
    print(f"\n{'':4} {'':4} {'E/atom eV':>21}   {'E - E_bcc meV/atom':>19}   {'a_bcc A':>26}")
    print(f"{'':4} {'':4} {'base':>10} {'MF':>10}   {'base':>9} {'MF':>9}   {'base':>8} {'MF':>8} {'DFT':>8}")
    agree = True
    for element in SPECIES:
        e = {name: {p: relaxed[name][element, p].get_potential_energy() / len(relaxed[name][element, p])
                    for p in PHASES} for name in relaxed}
        for p in PHASES:
            row = f"{element:4} {p:4} {e['base'][p]:10.4f} {e['MF'][p]:10.4f}   "
            row += f"{1e3 * (e['base'][p] - e['base']['bcc']):9.1f} {1e3 * (e['MF'][p] - e['MF']['bcc']):9.1f}"
            if p == "bcc":
                a = {n: (2 * relaxed[n][element, p].get_volume()) ** (1 / 3) for n in relaxed}
                row += f"   {a['base']:8.4f} {a['MF']:8.4f} {reference[element][1]:8.4f}"
                row += f"   (DFT E/atom {reference[element][0]:.4f})"
            print(row)
        for name in relaxed:
            order = sorted(PHASES, key=lambda p: e[name][p])
            agree &= order[0] == "bcc"
    bcc_order = {name: sorted(SPECIES, key=lambda x: relaxed[name][x, "bcc"].get_potential_energy()) for name in relaxed}
    dft_order = sorted(SPECIES, key=lambda x: reference[x][0])
    print(f"\nbcc lowest for every element with both potentials (the reference ground state): {agree}")
    print(f"elements by bcc energy per atom: DFT {dft_order}, base {bcc_order['base']}, MF {bcc_order['MF']}")
    unconverged = [(n, k) for n in relaxed for k, a in relaxed[n].items()
                   if a.info["features"]["relax_converged"] != "true"]
    print(f"not converged: {unconverged if unconverged else 'none'}")


if __name__ == "__main__":
    main()
