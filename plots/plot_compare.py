#!/usr/bin/python3
"""Plots a policy comparison (compare.json) or a parameter sweep (sweep.json).

usage: plots/plot_compare.py compare.json|sweep.json [-o PLOTDIR]

Writes compare.png/.svg (or sweep.png/.svg) beside the JSON file unless -o is given:
mean and p99 latency with their 95 % confidence intervals as error bars, the delivered
ratio, and retransmissions and drops, one group per policy (or per combination of swept
values).

Format (SPEC.md, outputs): {"scenario", "replications", "policies": [{"policy",
"delivered_ratio", "latency_ms": {"mean", "mean_ci95": [lo, hi], "p50", "p99",
"p99_ci95": [lo, hi]}, "retransmissions", "drops"}]}. sweep.json is read the same way;
its rows may sit under "rows", "points", "results", "combinations" or "policies", and
each is named by its "policy", or by its swept values ("values", "set", "params" or
"parameters": {"path": value}). When a sweep varies a single numeric path, the plot uses
a line over that value instead of bars. Missing fields are left out, not invented.
"""

import argparse
import json
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_all import save  # noqa: E402  (shared style and saving)

ROW_KEYS = ("policies", "rows", "points", "results", "combinations")
VALUE_KEYS = ("values", "set", "params", "parameters")
UNIT = re.compile(r"^\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-zµ/%]*)\s*$")
SCALE = {"": 1, "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "min": 60, "h": 3600,
         "bps": 1, "kbps": 1e3, "Mbps": 1e6, "Gbps": 1e9, "B": 1, "KiB": 1024, "kB": 1e3,
         "MB": 1e6, "MiB": 2 ** 20, "%": 0.01}


class CompareError(Exception):
    pass


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise CompareError(f"{path}: {e}") from e
    rows = None
    for k in ROW_KEYS:
        if isinstance(doc.get(k), list):
            rows = doc[k]
            break
    if not rows:
        raise CompareError(f"{path}: no rows (expected a list under one of {', '.join(ROW_KEYS)})")
    return doc, rows


def row_values(row):
    for k in VALUE_KEYS:
        if isinstance(row.get(k), dict):
            return row[k]
    return {}


def row_label(row):
    vals = row_values(row)
    parts = [f"{k}={v}" for k, v in vals.items()]
    if row.get("policy") is not None and (not vals or "policy" not in " ".join(vals)):
        parts.insert(0, str(row["policy"]))
    return "\n".join(parts) or "?"


def as_number(v):
    """A swept value as a number in base units ("2Mbps" -> 2e6), or None."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str):
        m = UNIT.match(v)
        if m and m.group(2) in SCALE:
            return float(m.group(1)) * SCALE[m.group(2)]
    return None


def err(stat, ci):
    """matplotlib yerr pair from a value and its [lo, hi] interval (zero when absent)."""
    if stat is None or not (isinstance(ci, list) and len(ci) == 2):
        return [0.0], [0.0]
    return [max(0.0, stat - ci[0])], [max(0.0, ci[1] - stat)]


def plot(path, plotdir=None):
    doc, rows = load(path)
    kind = "sweep" if "sweep" in os.path.basename(path) or any(row_values(r) for r in rows) else "compare"
    plotdir = plotdir or os.path.dirname(os.path.abspath(path))
    labels = [row_label(r) for r in rows]
    # a sweep of one numeric path: x is that value
    xnum = None
    if kind == "sweep":
        keys = {tuple(row_values(r).keys()) for r in rows}
        if len(keys) == 1 and len(next(iter(keys))) == 1:
            p = next(iter(keys))[0]
            xs = [as_number(row_values(r)[p]) for r in rows]
            if all(x is not None for x in xs) and len(set(xs)) == len(xs):
                xnum = (p, xs)
    fig, axes = plt.subplots(1, 3, figsize=(max(11, 1.3 * len(rows) * 3), 4.6),
                             gridspec_kw={"width_ratios": [1.6, 1, 1], "wspace": 0.35})
    idx = list(range(len(rows)))
    if xnum:
        order = sorted(idx, key=lambda i: xnum[1][i])
        xs = [xnum[1][i] for i in order]
    else:
        order = idx
        xs = idx
    rows = [rows[i] for i in order]
    labels = [labels[i] for i in order]

    ax = axes[0]
    width = 0.38
    for j, (stat, ci_key, color, name) in enumerate((
            ("mean", "mean_ci95", "#1f77b4", "mean"), ("p99", "p99_ci95", "#d62728", "p99"))):
        vals, lo, hi = [], [], []
        for r in rows:
            lat = r.get("latency_ms") or {}
            v = lat.get(stat)
            vals.append(v if v is not None else float("nan"))
            a, b = err(v, lat.get(ci_key))
            lo += a
            hi += b
        if xnum:
            ax.errorbar(xs, vals, yerr=[lo, hi], color=color, marker="o", capsize=4, lw=1.5,
                        label=f"{name} ± 95 % CI")
        else:
            pos = [x + (j - 0.5) * width for x in xs]
            ax.bar(pos, vals, width=width, color=color, alpha=0.8, label=f"{name} (95 % CI)")
            ax.errorbar(pos, vals, yerr=[lo, hi], fmt="none", ecolor="black", capsize=4, lw=1.2)
    ax.set_ylabel("latency [ms]")
    ax.set_title("Latency per (message, device)")
    ax.legend(fontsize=8, loc="best")
    ax.grid(True, axis="y", alpha=0.3)

    ax = axes[1]
    dr = [100 * (r.get("delivered_ratio") if r.get("delivered_ratio") is not None else float("nan"))
          for r in rows]
    if xnum:
        ax.plot(xs, dr, marker="o", color="#2ca02c")
    else:
        ax.bar(xs, dr, color="#2ca02c", alpha=0.8, width=0.6)
    finite = [v for v in dr if v == v]
    low = min(finite) if finite else 0
    ax.set_ylim(max(0, low - max(2, (100 - low) * 0.5)), 100.5)
    for x, v in zip(xs, dr):
        if v == v:
            ax.annotate(f"{v:.2f} %", (x, v), xytext=(0, 3), textcoords="offset points",
                        ha="center", fontsize=8)
    ax.set_ylabel("delivered [%]")
    ax.set_title("Delivered ratio")
    ax.grid(True, axis="y", alpha=0.3)

    ax = axes[2]
    for j, (key, color) in enumerate((("retransmissions", "#ff7f0e"), ("drops", "#7f7f7f"))):
        vals = []
        for r in rows:
            v = r.get(key)
            if isinstance(v, dict):      # drops may be broken down by cause
                v = sum(x for x in v.values() if isinstance(x, (int, float)))
            vals.append(v if v is not None else float("nan"))
        if xnum:
            ax.plot(xs, vals, marker="o", color=color, label=key)
        else:
            ax.bar([x + (j - 0.5) * width for x in xs], vals, width=width, color=color,
                   alpha=0.8, label=key)
    ax.set_ylabel("packets (mean per replication)")
    ax.set_title("Retransmissions and drops")
    ax.legend(fontsize=8, loc="best")
    ax.grid(True, axis="y", alpha=0.3)

    for ax in (axes[0], axes[2]):        # headroom so the legend sits above the bars
        ax.set_ylim(0, ax.get_ylim()[1] * 1.25)
    for ax in axes:
        if xnum:
            ax.set_xlabel(xnum[0])
            if max(xs) / max(min(xs), 1e-300) > 50 and min(xs) > 0:
                ax.set_xscale("log")
            ax.set_xticks(xs)
            ax.set_xticklabels([str(row_values(r)[xnum[0]]) for r in rows], fontsize=8)
            ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        else:
            tilt = len(rows) > 4 or max(len(max(lab.split("\n"), key=len)) for lab in labels) > 10
            ax.set_xticks(xs)
            ax.set_xticklabels(labels, fontsize=8, rotation=25 if tilt else 0,
                               ha="right" if tilt else "center", rotation_mode="anchor")
            ax.set_xlabel("policy" if kind == "compare" else "combination")
    reps = doc.get("replications")
    fig.suptitle(f"{doc.get('scenario', '?')}: "
                 f"{'routing policies compared' if kind == 'compare' else 'parameter sweep'}"
                 + (f" ({reps} replications each, common random numbers)" if reps else ""),
                 fontweight="bold", y=1.02)
    written = []
    save(fig, plotdir, kind, written)
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("file", help="compare.json or sweep.json written by msgsim")
    ap.add_argument("-o", "--output", metavar="PLOTDIR", help="output directory")
    a = ap.parse_args(argv)
    try:
        written = plot(a.file, a.output)
    except CompareError as e:
        print(f"plot_compare: {e}", file=sys.stderr)
        return 2
    print(f"plot_compare: wrote {', '.join(written)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
