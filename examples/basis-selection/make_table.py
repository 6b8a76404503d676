#!/usr/bin/python3
"""Table (Markdown) and plot (gnuplot PNG) of examples/basis-selection/run.sh's results.

Usage: make_table.py OUT_DIR EXAMPLE_DIR.  Reads OUT_DIR/errors/*.json (mtpc calc-errors --json),
OUT_DIR/bench.json (bench_mtp_efs, one run), the potentials' headers and the level fits' metrics;
writes EXAMPLE_DIR/results.md, results.dat and results.png.
"""
import json
import os
import re
import subprocess
import sys

out, here = sys.argv[1], sys.argv[2]
rows = []
bench = json.load(open(os.path.join(out, "bench.json")))
cpu_us = {}
atoms = {}
for b in bench["benchmarks"]:
    if b.get("aggregate_name") != "mean":
        continue
    name = b["run_name"].split("/")[1]
    # cpu_time is in ms per pass over valid.cfg (process CPU, one thread).
    cpu_us[name] = b["cpu_time"] * 1e3 / b["atoms"]
    atoms[name] = b["atoms"]


def header(path):
    text = open(path).read()
    get = lambda key: int(re.search(r"^\s*%s\s*=\s*(\d+)" % key, text, re.M).group(1))
    return get("alpha_scalar_moments"), get("alpha_moments_count"), get("alpha_index_times_count")


def run_dir(name):
    for group in ("fits", "refits"):
        d = os.path.join(out, group, name, "seed-1")
        if os.path.isdir(d):
            return d
    return None


def potential_of(name):
    pruned = os.path.join(out, "pruned", name + ".mtp")
    return pruned if os.path.exists(pruned) else os.path.join(run_dir(name), "potential.mtp")


def cv_gamma(name):
    if run_dir(name) is None:
        return "l0 subset, refitted (γ = 0)"
    m = os.path.join(run_dir(name), "metrics.json")
    reasons = json.load(open(m)).get("stop_reasons", [])
    found = [re.search(r"l2 (\S+)", r) for r in reasons]
    return "γ = %s (CV)" % found[-1].group(1) if found and found[-1] else ""


for name in cpu_us:
    err = json.load(open(os.path.join(out, "errors", name + ".json")))
    basis, moments, products = header(potential_of(name))
    rows.append(dict(name=name, basis=basis, moments=moments, products=products,
                     e=err["energy_per_atom_eV"]["rmse"] * 1e3, f=err["forces_eV_per_A"]["rmse"],
                     us=cpu_us[name], linear=cv_gamma(name)))
rows.sort(key=lambda r: r["us"])

with open(os.path.join(here, "results.md"), "w") as t:
    t.write("| potential | basis functions | moments | products | linear coefficients | valid E RMSE meV/atom "
            "| valid F RMSE eV/Å | CPU µs/atom (1 thread) |\n|---|---|---|---|---|---|---|---|\n")
    for r in rows:
        t.write("| %s | %d | %d | %d | %s | %.2f | %.4f | %.1f |\n" % (
            r["name"], r["basis"], r["moments"], r["products"], r["linear"], r["e"], r["f"], r["us"]))
with open(os.path.join(here, "results.dat"), "w") as d:
    d.write("# name basis us_per_atom force_rmse energy_rmse_meV\n")
    for r in rows:
        d.write("%s %d %.3f %.5f %.3f\n" % (r["name"], r["basis"], r["us"], r["f"], r["e"]))
plot = """
set terminal pngcairo size 900,600
set output '%s'
set xlabel 'CPU time, µs/atom (1 thread, energy+forces+virial)'
set ylabel 'validation force RMSE, eV/Å'
set logscale x
set grid
set key off
set title 'Nb-Mo-Ta-W: l0-pruned level 20 vs full levels (valid.cfg)'
plot '%s' using 3:4 with points pt 7 ps 1.5, '' using 3:4:1 with labels offset 0,1 font ',9'
""" % (os.path.join(here, "results.png"), os.path.join(here, "results.dat"))
subprocess.run(["gnuplot"], input=plot.encode(), check=True)
print(open(os.path.join(here, "results.md")).read())
