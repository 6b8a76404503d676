#!/usr/bin/python3
"""Tables and plot data of the low-rank MTP paper's experiment from `mtpc train` summaries.

Reads the summary.json files written by `mtpc train` for the manifests of examples/paper/ and
writes
  * a Markdown file with the ~50% table (the ~50%-of-radial-parameters models next to the
    uncompressed base) and the whole rank sweep: method, radial parameters, validation loss,
    validation energy and force RMSE, each as mean ± σ over the seeds (σ with n − 1, as the
    trainer's own "aggregate");
  * a whitespace-separated data file for scripts/paper_plot.gp (the paper's Figure 2): one block
    per method (blocks separated by two blank lines, so gnuplot's `index` selects a method).

The method of a run is the first word of its variant name ("MF r=6" -> MF; a manifest without
variants gives "base").  Ranks are read back from each run's parameters.json (its final
"radial_options"), so MFRA rows show the rank the optimiser actually reached.

"Radial parameters" is the number of free parameters of the radial part, as `mtpc describe`
shows, except for R-MF: there the paper counts the dimension of the fixed-rank manifold,
r(m + n − r) with m = N_T² and n = N_f·N_b, which is smaller than the r(m + n) factor entries θ
that mtpc stores (the factorisation U Vᵀ has an r×r gauge freedom).  Both are shown.

Optional cross-check (--check-loss MTPC): for every run, evaluate its exported potential.mtp on
the validation set with `MTPC calc-efs` and recompute the validation loss here from the manifest's
weights, independently of the trainer -- per configuration with N atoms,
    w_e/N (E − E_ref)² + w_f Σ_i |f_i − f_i^ref|² + w_s/N Σ_ab (σ_ab − σ_ab^ref)²
("vibrations" weighting, MLIP-2's default; off-diagonal virial entries counted twice; or eq. (8)
exactly for "weighting": "eq8": no 1/N, the 6 stress components once) -- and
report the largest relative difference from the trainer's "validation_loss".

Usage: paper_table.py [--check-loss MTPC] OUT.md OUT.dat SUMMARY.json...
Standard library and numpy only.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

# The order methods appear in, in the tables and the plot.
METHOD_ORDER = ["base", "MF", "TF", "R-MF", "MFRA"]
# The ~50% table (the paper's Figs. 5/6 at level 14; the paper's Table II is glycine) keeps the compressed models with this share of the full radial tensor (the paper's
# "~50%": MF r=6 is 56%, TF (4,5,5) 46% and (4,8,4) 59%, R-MF r=6 49%).
HALF_FRACTION = (0.40, 0.60)


def fail(msg):
    sys.exit(f"paper_table.py: {msg}")


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        fail(f"{path}: {e}")


def method_of(variant):
    return variant.split()[0] if variant.split() else variant


def radial_description(opts):
    """(rank label, radial parameters in the paper's convention, θ count) from radial_options."""
    nt, nf, nb = opts["n_species"], opts["n_funcs"], opts["n_basis"]
    m, n = nt * nt, nf * nb
    if "ranks" in opts:  # tensor train, cores (z_i, z_j, μ, β)
        r1, r2, r3 = opts["ranks"]
        theta = r1 * nt + r1 * nt * r2 + r2 * nf * r3 + r3 * nb
        return f"({r1},{r2},{r3})", theta, theta
    if "rank" in opts:  # matrix factorisation U Vᵀ of the m×n reshaped tensor
        r = opts["rank"]
        return f"{r}", r * (m + n), r * (m + n)
    full = m * n
    return "full", full, full


def read_cfg_targets(path):
    """Per configuration: atom count, energy, forces (N×3 or None), PlusStress (6 or None)."""
    out = []
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() != "BEGIN_CFG":
            i += 1
            continue
        n, energy, forces, stress = 0, None, None, None
        i += 1
        while lines[i].strip() != "END_CFG":
            s = lines[i].strip()
            if s == "Size":
                n = int(lines[i + 1])
                i += 2
                continue
            if s.startswith("AtomData:"):
                cols = s.split()[1:]
                rows = np.array([[float(v) for v in lines[i + 1 + k].split()] for k in range(n)]).reshape(n, -1)
                if "fx" in cols:
                    forces = rows[:, [cols.index("fx"), cols.index("fy"), cols.index("fz")]]
                i += 1 + n
                continue
            if s == "Energy":
                energy = float(lines[i + 1])
                i += 2
                continue
            if s.startswith("PlusStress:"):
                stress = np.array([float(v) for v in lines[i + 1].split()])
                i += 2
                continue
            i += 1
        out.append((n, energy, forces, stress))
        i += 1
    return out


def recomputed_validation_loss(mtpc, potential, valid_cfg, weights, weighting="vibrations"):
    """The validation loss for the "vibrations" weighting (w_e/N, w_f, w_s/N, 3×3 virial) or
    eq. (8) of the paper ("eq8": w_e, w_f, w_s, the 6 stress components once)."""
    w_e, w_f, w_s = weights
    with tempfile.TemporaryDirectory() as tmp:
        efs = os.path.join(tmp, "efs.cfg")
        subprocess.run([mtpc, "calc-efs", potential, valid_cfg, efs, "--threads", "2"], check=True,
                       stdout=subprocess.DEVNULL)
        pred = read_cfg_targets(efs)
    ref = read_cfg_targets(valid_cfg)
    if len(pred) != len(ref):
        fail(f"{potential}: calc-efs returned {len(pred)} configurations for {len(ref)}")
    loss = 0.0
    eq8 = weighting == "eq8"
    component_count = np.array([1, 1, 1, 1, 1, 1]) if eq8 else np.array([1, 1, 1, 2, 2, 2])
    for (n, e, f, s), (_, e_ref, f_ref, s_ref) in zip(pred, ref):
        per = 1.0 if eq8 else 1.0 / n
        loss += w_e * per * (e - e_ref) ** 2
        if w_f > 0 and f_ref is not None:
            loss += w_f * float(np.sum((f - f_ref) ** 2))
        if w_s > 0 and s_ref is not None:
            loss += w_s * per * float(np.sum(component_count * (s - s_ref) ** 2))
    return loss


def collect(summary_paths, check_mtpc):
    """Rows (one per variant, summary order within METHOD_ORDER) with per-seed values."""
    rows = []
    worst = 0.0
    for path in summary_paths:
        summary = load_json(path)
        manifest = load_json(summary["manifest"]) if check_mtpc else None
        by_variant = {}
        for run in summary.get("runs", []):
            if "validation" not in run:
                fail(f"{path}: run {run.get('variant')} seed {run.get('seed')} has no validation errors")
            params = load_json(os.path.join(run["directory"], "parameters.json"))
            label, paper_count, theta_count = radial_description(params["radial_options"])
            method = method_of(run["variant"])
            if method == "R-MF":
                r = params["radial_options"]["rank"]
                nt, nf, nb = (params["radial_options"][k] for k in ("n_species", "n_funcs", "n_basis"))
                paper_count = r * (nt * nt + nf * nb - r)
            v = by_variant.setdefault(run["variant"], {
                "variant": run["variant"], "method": method, "labels": [], "paper_count": [], "theta_count": [],
                "radial_full": run["counts"]["radial_full"], "seeds": [], "loss": [], "energy": [], "force": [],
                "train_loss": [], "seconds": [], "iterations": []})
            v["labels"].append(label)
            v["paper_count"].append(paper_count)
            v["theta_count"].append(theta_count)
            v["seeds"].append(run["seed"])
            v["loss"].append(run["validation_loss"])
            v["energy"].append(run["validation"]["energy_per_atom_eV"]["rmse"] * 1e3)
            v["force"].append(run["validation"]["forces_eV_per_A"]["rmse"])
            v["train_loss"].append(run["final_loss"])
            v["seconds"].append(run["seconds"])
            v["iterations"].append(run["iterations"])
            if check_mtpc:
                lw = manifest["loss"]
                if lw.get("weighting", "vibrations") not in ("vibrations", "eq8"):
                    fail(f"{summary['manifest']}: --check-loss implements the 'vibrations' and 'eq8' weightings only")
                valid = os.path.join(os.path.dirname(summary["manifest"]), manifest["data"]["validation"])
                mine = recomputed_validation_loss(check_mtpc, os.path.join(run["directory"], "potential.mtp"), valid,
                                                  (lw.get("energy_weight", 1.0), lw.get("force_weight", 0.01),
                                                   lw.get("stress_weight", 0.0)), lw.get("weighting", "vibrations"))
                rel = abs(mine - run["validation_loss"]) / max(abs(run["validation_loss"]), 1e-300)
                worst = max(worst, rel)
                print(f"check-loss {run['variant']:<16} seed {run['seed']}: trainer {run['validation_loss']:.8e} "
                      f"recomputed {mine:.8e} (rel. diff {rel:.1e})")
        rows.extend(by_variant.values())
    rank = {m: i for i, m in enumerate(METHOD_ORDER)}
    rows.sort(key=lambda r: (rank.get(r["method"], len(METHOD_ORDER)), np.mean(r["paper_count"])))
    return rows, worst


def mean_std(values):
    a = np.asarray(values, dtype=float)
    return float(a.mean()), float(a.std(ddof=1)) if a.size > 1 else 0.0


def pm(values):
    """mean ± σ, both rounded to σ's second significant digit (to 3 significant digits of the
    mean when σ is 0, e.g. a single seed)."""
    m, s = mean_std(values)
    scale = s if s > 0 else abs(m) / 10
    decimals = max(0, 1 - int(np.floor(np.log10(scale)))) if scale > 0 else 0
    return f"{m:.{decimals}f} ± {s:.{decimals}f}"


def counts_text(row):
    """'288' or, for R-MF, '252 (θ 288)'; MFRA ranks that differ between seeds give a range."""
    lo, hi = min(row["paper_count"]), max(row["paper_count"])
    text = f"{lo}" if lo == hi else f"{lo}–{hi}"
    if row["method"] == "R-MF":
        text += f" (θ {row['theta_count'][0]})"
    return text


def rank_text(row):
    labels = sorted(set(row["labels"]), key=row["labels"].index)
    return ", ".join(labels)


def markdown(rows, base):
    def table(selected):
        out = ["| method | rank | radial parameters | % of full | validation loss | vs base | "
               "E RMSE (meV/atom) | F RMSE (eV/Å) | training loss | seeds |",
               "|---|---|---|---|---|---|---|---|---|---|"]
        for r in selected:
            loss_mean = mean_std(r["loss"])[0]
            rel = f"{100 * (loss_mean / base - 1):+.1f}%" if base else "–"
            frac = 100 * np.mean(r["paper_count"]) / r["radial_full"]
            out.append(f"| {r['method']} | {rank_text(r)} | {counts_text(r)} | {frac:.0f}% | {pm(r['loss'])} | "
                       f"{rel} | {pm(r['energy'])} | {pm(r['force'])} | {pm(r['train_loss'])} | {len(r['seeds'])} |")
        return "\n".join(out)

    lo, hi = HALF_FRACTION
    half = [r for r in rows if r["method"] == "base" or lo <= np.mean(r["paper_count"]) / r["radial_full"] <= hi]
    text = ["# Low-rank MTP experiment (Nb-Mo-Ta-W, level 14)", "",
            "Validation loss: the training loss function (same weights) summed over the validation set, "
            "as `mtpc train` reports it; errors: validation RMSE; training loss: the final loss on the training set.  Mean ± σ over seeds (σ with n − 1).  "
            "'vs base': relative difference of the mean validation loss from the uncompressed model's.  "
            "R-MF: radial parameters = dimension of the rank-r manifold (θ = stored factor entries).", "",
            f"## ~50% compression: models with {100 * lo:.0f}–{100 * hi:.0f}% of the radial parameters", "",
            table(half), "", "## Rank sweep (Figure 2)", "", table(rows), "",
            "## Cost", "", "| variant | iterations (mean) | wall time per run (s, mean) |", "|---|---|---|"]
    for r in rows:
        text.append(f"| {r['variant']} | {np.mean(r['iterations']):.0f} | {np.mean(r['seconds']):.1f} |")
    return "\n".join(text) + "\n"


def plot_data(rows, base_row):
    lines = ["# Figure 2 data: one block per method (gnuplot index 0, 1, ...), base first.",
             "# columns: radial_parameters validation_loss_mean validation_loss_std energy_rmse_meV_mean "
             "energy_rmse_meV_std force_rmse_mean force_rmse_std rank"]
    for method in METHOD_ORDER + sorted({r["method"] for r in rows} - set(METHOD_ORDER)):
        block = [r for r in rows if r["method"] == method]
        if not block:
            continue
        lines.append(f'"{method}"')  # column header: gnuplot's title columnheader(1)
        for r in block:
            lm, ls = mean_std(r["loss"])
            em, es = mean_std(r["energy"])
            fm, fs = mean_std(r["force"])
            lines.append(f"{np.mean(r['paper_count']):.1f} {lm:.8e} {ls:.8e} {em:.6f} {es:.6f} {fm:.6f} {fs:.6f} "
                         f"\"{rank_text(r)}\"")
        lines += ["", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check-loss", metavar="MTPC", help="recompute validation losses with MTPC calc-efs")
    ap.add_argument("markdown")
    ap.add_argument("data")
    ap.add_argument("summaries", nargs="+")
    a = ap.parse_args()
    rows, worst = collect(a.summaries, a.check_loss)
    if not rows:
        fail("no runs in " + ", ".join(a.summaries))
    base_rows = [r for r in rows if r["method"] == "base"]
    base = mean_std(base_rows[0]["loss"])[0] if base_rows else None
    with open(a.markdown, "w") as f:
        f.write(markdown(rows, base))
    with open(a.data, "w") as f:
        f.write(plot_data(rows, base_rows[0] if base_rows else None))
    if a.check_loss:
        print(f"check-loss: largest relative difference {worst:.1e}")
        if worst > 1e-6:
            fail(f"recomputed validation losses differ from the trainer's by up to {worst:.1e}")


if __name__ == "__main__":
    main()
