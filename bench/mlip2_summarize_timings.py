#!/usr/bin/env python3
"""Summarises the timings recorded by compare_with_mlip2.sh.

Usage: mlip2_summarize_timings.py TIMINGS.tsv

TIMINGS.tsv has one measured process per line, tab-separated:
  kind  case  tool  size  repeat  wall_s  cpu_s
kind "efs":   size = atoms in the input; one whole `calc-efs` process (file I/O included).
kind "train": size = BFGS iterations requested; one whole `train` process.

For "efs" the median over repeats of wall and CPU (user+sys) time is printed with µs per atom and
the ratio mlp / tool.  For "train" the cost of one BFGS iteration is the difference between the
runs with the largest and smallest iteration counts divided by the difference of the counts (so
file reading, initialisation and MLIP-2's final rescaling cancel), again with the ratio to mlp.
"""
import statistics
import sys
from collections import defaultdict


def main(path):
    efs = defaultdict(list)    # (case, tool) -> [(wall, cpu)]
    atoms = {}
    train = defaultdict(list)  # (case, tool, iterations) -> [(wall, cpu)]
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            kind, case, tool, size, _rep, wall, cpu = line.rstrip("\n").split("\t")
            if kind == "efs":
                efs[(case, tool)].append((float(wall), float(cpu)))
                atoms[case] = int(size)
            elif kind == "train":
                train[(case, tool, int(size))].append((float(wall), float(cpu)))

    med = lambda xs, i: statistics.median(x[i] for x in xs)
    if efs:
        print("calc-efs (whole process; median of repeats; ratio = mlp time / this tool's time)")
        print(f"  {'case':<14}{'tool':<16}{'runs':>5}{'wall s':>9}{'cpu s':>9}{'wall us/atom':>14}"
              f"{'cpu us/atom':>13}{'wall ratio':>12}{'cpu ratio':>11}")
        for case in sorted({c for c, _ in efs}):
            ref = efs.get((case, "mlp"))
            for (c, tool), xs in sorted(efs.items(), key=lambda kv: (kv[0][1] != "mlp", kv[0][1])):
                if c != case:
                    continue
                w, u = med(xs, 0), med(xs, 1)
                n = atoms[case]
                rw = f"{med(ref, 0) / w:.2f}" if ref and w > 0 else "-"
                ru = f"{med(ref, 1) / u:.2f}" if ref and u > 0 else "-"
                print(f"  {case:<14}{tool:<16}{len(xs):>5}{w:>9.3f}{u:>9.3f}{1e6 * w / n:>14.1f}"
                      f"{1e6 * u / n:>13.1f}{rw:>12}{ru:>11}")
    if train:
        print("train: one BFGS iteration = (t(N_max) - t(N_min)) / (N_max - N_min); ratio = mlp / this tool")
        print(f"  {'case':<14}{'tool':<16}{'iters':>10}{'wall s/it':>11}{'cpu s/it':>10}"
              f"{'wall ratio':>12}{'cpu ratio':>11}")
        per_it = {}
        for case, tool in sorted({(c, t) for c, t, _ in train}):
            counts = sorted(n for c, t, n in train if c == case and t == tool)
            if len(counts) < 2:
                continue
            lo, hi = counts[0], counts[-1]
            a, b = train[(case, tool, lo)], train[(case, tool, hi)]
            per_it[(case, tool)] = ((med(b, 0) - med(a, 0)) / (hi - lo),
                                    (med(b, 1) - med(a, 1)) / (hi - lo), f"{lo}->{hi}")
        for (case, tool), (w, u, span) in sorted(per_it.items(), key=lambda kv: (kv[0][0], kv[0][1] != "mlp", kv[0][1])):
            ref = per_it.get((case, "mlp"))
            rw = f"{ref[0] / w:.1f}" if ref and w > 0 else "-"
            ru = f"{ref[1] / u:.1f}" if ref and u > 0 else "-"
            print(f"  {case:<14}{tool:<16}{span:>10}{w:>11.3f}{u:>10.3f}{rw:>12}{ru:>11}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: mlip2_summarize_timings.py TIMINGS.tsv")
    main(sys.argv[1])
