#!/usr/bin/python3
"""Per-group test errors of several potentials, side by side.

Usage: per_source_table.py MTPC DATA.cfg NAME=POT.mtp [NAME=POT.mtp ...] [--feature source]
                           [--json OUT.json]

Runs `mtpc calc-errors POT DATA --by-feature FEATURE --json` for every potential and prints one
Markdown table: a row per feature value (and "all"), per potential the energy RMSE (meV/atom) and
the force RMSE (eV/A).  With --json, also writes {name: {group: {"energy_meV", "force"}}}.
"""
import json
import subprocess
import sys


def errors(mtpc, pot, data, feature):
    out = subprocess.run([mtpc, "calc-errors", pot, data, "--by-feature", feature, "--json", "--threads", "2"],
                         check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    rows = {"all": doc}
    for g in doc["by_feature"]["groups"]:
        rows[g["value"]] = g
    return {k: {"energy_meV": 1e3 * v["energy_per_atom_eV"]["rmse"], "force": v["forces_eV_per_A"]["rmse"],
                "force_max": v["forces_eV_per_A"]["max"]} for k, v in rows.items()}


def main(argv):
    feature, json_out, pots = "source", None, []
    args = argv[3:]
    i = 0
    while i < len(args):
        if args[i] == "--feature":
            feature = args[i + 1]
            i += 2
        elif args[i] == "--json":
            json_out = args[i + 1]
            i += 2
        else:
            name, _, pot = args[i].partition("=")
            pots.append((name, pot))
            i += 1
    mtpc, data = argv[1], argv[2]
    table = {name: errors(mtpc, pot, data, feature) for name, pot in pots}
    groups = [g for g in table[pots[0][0]] if g != "all"] + ["all"]
    print("| %s | %s |" % (feature, " | ".join("%s E meV/atom / F eV/A" % n for n, _ in pots)))
    print("|---|" + "---|" * len(pots))
    for g in groups:
        cells = []
        for n, _ in pots:
            e = table[n].get(g)
            cells.append("%.2f / %.3f" % (e["energy_meV"], e["force"]) if e else "-")
        print("| %s | %s |" % (g, " | ".join(cells)))
    if json_out:
        with open(json_out, "w") as f:
            json.dump(table, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv)
