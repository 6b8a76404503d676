#!/usr/bin/env python3
"""Largest differences between the energies, forces and stresses of two MLIP-2 .cfg files.

Usage: mlip2_compare_cfg.py A.cfg B.cfg [--label TEXT]

Both files must hold the same configurations in the same order (e.g. the outputs of
`mlp calc-efs` and `mtpc calc-efs` on one input).  Prints one line:

  <label> cfgs N atoms M  max|dE| eV  max|dE|/atom eV  max|dF| eV/A  max|dS| eV  rel|dF|  rel|dS|

where |dF| is the largest force-component difference, |dS| the largest PlusStress (virial, eV)
component difference, and rel = that difference over the largest magnitude of the quantity in A.
A standard MLIP-2 build writes forces with 6 and stresses with 5 decimals, so differences below
~5e-7 eV/A and ~5e-6 eV are rounding of its output; an MLIP-2 built with -DMLIP_LOSSLESS_CFG
writes all 17 digits.  Exits with status 2 (and a one-line message) when the files do not match
configuration by configuration.
"""
import sys


def read_cfgs(path):
    """Returns a list of dicts (size, energy, forces, stress) in file order."""
    cfgs, cur, section = [], None, None
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            s = line.strip()
            if not s:
                continue
            if s.startswith("BEGIN_CFG"):
                cur, section = {"size": None, "energy": None, "forces": [], "stress": None}, None
                continue
            if cur is None:
                continue
            if s.startswith("END_CFG"):
                cfgs.append(cur)
                cur, section = None, None
                continue
            head = s.split()[0]
            if head == "Size":
                section = "size"
            elif head == "Supercell":
                section = "cell"
            elif head == "AtomData:":
                cols = s.split()[1:]
                try:
                    section = ("atoms", [cols.index(c) for c in ("fx", "fy", "fz")])
                except ValueError:
                    section = ("atoms", None)
            elif head == "Energy":
                section = "energy"
            elif head == "PlusStress:":
                section = "stress"
            elif head == "Feature":
                section = None
            else:
                try:
                    vals = [float(x) for x in s.split()]
                except ValueError:
                    sys.exit(f"{path}:{lineno}: unreadable line in section {section}")
                if section == "size":
                    cur["size"] = int(vals[0])
                elif section == "energy":
                    cur["energy"] = vals[0]
                elif section == "stress":
                    cur["stress"] = vals[:6]
                elif isinstance(section, tuple) and section[1] is not None:
                    cur["forces"].append([vals[i] for i in section[1]])
    return cfgs


def main(argv):
    args = [a for a in argv[1:]]
    label = ""
    if "--label" in args:
        i = args.index("--label")
        label = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    a, b = read_cfgs(args[0]), read_cfgs(args[1])
    if len(a) != len(b):
        print(f"{args[0]}: {len(a)} configurations but {args[1]}: {len(b)}", file=sys.stderr)
        return 2
    de = de_atom = df = ds = fmax = smax = 0.0
    atoms = 0
    for k, (x, y) in enumerate(zip(a, b)):
        if x["size"] != y["size"] or len(x["forces"]) != len(y["forces"]):
            print(f"configuration {k + 1}: sizes {x['size']} and {y['size']} differ", file=sys.stderr)
            return 2
        atoms += x["size"]
        if x["energy"] is not None and y["energy"] is not None:
            d = abs(x["energy"] - y["energy"])
            de, de_atom = max(de, d), max(de_atom, d / x["size"])
        for fx, fy in zip(x["forces"], y["forces"]):
            for u, v in zip(fx, fy):
                df, fmax = max(df, abs(u - v)), max(fmax, abs(u))
        if x["stress"] is not None and y["stress"] is not None:
            for u, v in zip(x["stress"], y["stress"]):
                ds, smax = max(ds, abs(u - v)), max(smax, abs(u))
    rel = lambda d, m: d / m if m > 0 else 0.0
    print(f"{label + ' ' if label else ''}cfgs {len(a)} atoms {atoms}  max|dE| {de:.3e} eV"
          f"  max|dE|/atom {de_atom:.3e} eV  max|dF| {df:.3e} eV/A  max|dS| {ds:.3e} eV"
          f"  rel|dF| {rel(df, fmax):.2e}  rel|dS| {rel(ds, smax):.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
