#!/usr/bin/python3
"""Makes every plot that applies to one or more msgsim run directories.

usage: plots/plot_all.py OUTDIR [OUTDIR2 ...] [-o PLOTDIR]

Writes PNG and SVG files into PLOTDIR (default OUTDIR/plots/ of the first OUTDIR):

  latency_cdf          latency CDF per (message, device), every run overlaid
  stages_mean          mean ms per journey stage (summary.json stages_ms), one bar per run
  [RUN_]stages_per_message   per (message, device) stage breakdown (trace.json)
  [RUN_]timeline       send vs delivery time of users with stored messages, offline shaded
  [RUN_]links          link utilization, queueing delay and drops (summary.json links[])
  [RUN_]link_timeseries  queue occupancy and utilization over time (timeseries.jsonl when
                         the run has one, else packets.jsonl)
  [RUN_]server_timeseries  per server: queue, busy workers, stored messages over time
                         (timeseries.jsonl)
  [RUN_]map            nodes and the paths messages took (topology.json, trace.json)

RUN_ is the run directory's name, added when several OUTDIRs are given. A plot whose
input file is missing is skipped with a note. Uses Debian's python3-matplotlib (run with
/usr/bin/python3). Exit status: 0 success, 2 bad usage or unreadable run, 1 other failure.
"""

import argparse
import collections
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402,F401
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

import msgsim_data as md  # noqa: E402

plt.rcParams.update({
    "figure.dpi": 100, "savefig.dpi": 150, "font.size": 10, "axes.titlesize": 12,
    "axes.titleweight": "bold", "axes.spines.top": False, "axes.spines.right": False,
    "legend.frameon": False, "svg.hashsalt": "msgsim", "svg.fonttype": "path",
})

RUN_COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]
KIND_STYLE = {  # marker, colour, size, legend label
    "phone": ("o", "#1f77b4", 60, "phone / device"),
    "router": ("s", "#555555", 55, "router"),
    "server": ("D", "#d62728", 80, "server"),
}


def save(fig, plotdir, name, written):
    os.makedirs(plotdir, exist_ok=True)
    for ext in ("png", "svg"):
        path = os.path.join(plotdir, f"{name}.{ext}")
        fig.savefig(path, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None)
        written.append(path)
    plt.close(fig)


def fmt_ms(v):
    if v >= 1000:
        return f"{v / 1000:.2f} s"
    if v >= 1:
        return f"{v:.1f} ms"
    return f"{v * 1000:.0f} µs"


# ---------------------------------------------------------------------------------------
def plot_latency_cdf(runs, plotdir, written):
    series = [(r, sorted(r.latencies_ms())) for r in runs]
    series = [(r, v) for r, v in series if v]
    if not series:
        return "latency_cdf: no delivered messages in trace.json"
    lo = min(v[0] for _, v in series)
    hi = max(v[-1] for _, v in series)
    logx = lo > 0 and hi / lo > 50
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for i, (r, v) in enumerate(series):
        n = len(v)
        xs = [v[0]] + v
        ys = [0.0] + [(k + 1) / n for k in range(n)]
        ax.step(xs, ys, where="post", color=RUN_COLORS[i % len(RUN_COLORS)], lw=1.8,
                label=f"{r.display}  (n={n}, p50 {fmt_ms(_quantile(v, .5))}, "
                      f"p99 {fmt_ms(_quantile(v, .99))})")
    if logx:
        ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("latency per (message, device): send → displayed and notified [ms]"
                  + ("  (log scale)" if logx else ""))
    ax.set_ylabel("fraction of deliveries ≤ x")
    ax.set_title("Message latency CDF")
    ax.grid(True, which="major", alpha=0.3)
    if logx:
        ax.grid(True, which="minor", alpha=0.1)
    ax.legend(loc="lower right", fontsize=8)
    save(fig, plotdir, "latency_cdf", written)


def _quantile(sorted_v, q):
    if not sorted_v:
        return float("nan")
    pos = (len(sorted_v) - 1) * q
    i = int(math.floor(pos))
    j = min(i + 1, len(sorted_v) - 1)
    return sorted_v[i] + (sorted_v[j] - sorted_v[i]) * (pos - i)


# ---------------------------------------------------------------------------------------
def _stage_legend(ax, stages_used, **kw):
    handles = [Patch(color=md.STAGE_COLORS[s], label=s) for s in stages_used]
    ax.legend(handles=handles, title="stage", fontsize=8, title_fontsize=8, **kw)


def plot_stages_mean(runs, plotdir, written):
    rows = [(r, (r.summary or {}).get("stages_ms")) for r in runs]
    rows = [(r, s) for r, s in rows if s]
    if not rows:
        return "stages_mean: no stages_ms in summary.json"
    used = [s for s in md.STAGES if any(st.get(s, 0) > 0 for _, st in rows)]
    extra = sorted({k for _, st in rows for k in st} - set(md.STAGES))
    used += [k for k in extra if any(st.get(k, 0) > 0 for _, st in rows)]
    fig, axes = plt.subplots(2, 1, figsize=(9, 1.6 + 1.1 * len(rows) * 2 + 0.6),
                             gridspec_kw={"hspace": 0.55})
    labels = [r.display for r, _ in rows]
    for ax, share in zip(axes, (False, True)):
        for y, (r, st) in enumerate(rows):
            total = sum(st.get(s, 0) for s in used) or 1.0
            left = 0.0
            for s in used:
                v = st.get(s, 0)
                w = 100 * v / total if share else v
                ax.barh(y, w, left=left, color=md.STAGE_COLORS.get(s, "#999999"),
                        edgecolor="white", linewidth=0.5, height=0.6)
                # label the segment when it is wide enough to hold the text
                frac = v / total
                if frac > 0.08:
                    ax.text(left + w / 2, y, f"{s}\n{fmt_ms(v)}", ha="center", va="center",
                            fontsize=7)
                left += w
            if not share:
                ax.text(left, y, f"  {fmt_ms(total)}", va="center", fontsize=8)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(labels, fontsize=8)
        ax.invert_yaxis()
        if share:
            ax.set_xlim(0, 100)
            ax.set_xlabel("share of mean latency [%]")
            ax.set_title("Share of each stage")
        else:
            ax.set_xlabel("mean time per delivered (message, device) [ms]")
            ax.set_title("Where the time goes: mean latency by journey stage")
            ax.margins(x=0.12)
    _stage_legend(axes[0], used, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    save(fig, plotdir, "stages_mean", written)


def plot_stages_per_message(run, plotdir, name, written, max_bars=60):
    rows = [(m, d) for m, d in run.deliveries() if d.get("stages_ms")]
    if not rows:
        return f"{name}: no per-delivery stages_ms in trace.json"
    note = ""
    if len(rows) > max_bars:
        # keep the slowest deliveries: they are the ones worth explaining
        rows = sorted(rows, key=lambda md_: -md_[1]["latency_ms"])[:max_bars]
        note = f" ({max_bars} slowest of {sum(1 for _ in run.deliveries())})"
    rows.sort(key=lambda md_: (md_[0]["sent_at_ms"], md_[0]["id"], md_[1]["device"]))
    used = [s for s in md.STAGES if any(d["stages_ms"].get(s, 0) > 0 for _, d in rows)]
    n = len(rows)
    fig, axes = plt.subplots(2, 1, figsize=(max(7.5, 0.28 * n + 3), 7.5), sharex=True,
                             gridspec_kw={"hspace": 0.12})
    xs = list(range(n))
    for ax, share in zip(axes, (False, True)):
        bottom = [0.0] * n
        for s in used:
            vals = []
            for (m, d), b in zip(rows, bottom):
                v = d["stages_ms"].get(s, 0)
                vals.append(100 * v / d["latency_ms"] if share and d["latency_ms"] > 0 else v)
            ax.bar(xs, vals, bottom=bottom, color=md.STAGE_COLORS.get(s, "#999999"),
                   width=0.8, linewidth=0)
            bottom = [b + v for b, v in zip(bottom, vals)]
        ax.grid(True, axis="y", alpha=0.3)
    axes[0].set_ylabel("time [ms]")
    if max(d["latency_ms"] for _, d in rows) / max(1e-9, min(d["latency_ms"] for _, d in rows)) > 100:
        axes[0].set_yscale("log")
        axes[0].set_ylabel("time [ms] (log scale: segments not to scale)")
        axes[0].set_ylim(bottom=max(0.01, min(d["latency_ms"] for _, d in rows) / 3))
    axes[1].set_ylabel("share of latency [%]")
    axes[1].set_ylim(0, 100)
    axes[0].set_title(f"{run.display}: stage breakdown per delivered message{note}")
    devices = sorted({d["device"] for _, d in rows})
    ticks = [f"#{m['id']}" + (f" → {d['device']}" if len(devices) > 1 else "") for m, d in rows]
    axes[1].set_xticks(xs)
    axes[1].set_xticklabels(ticks, rotation=90 if len(devices) > 1 or n > 25 else 0, fontsize=7)
    axes[1].set_xlabel("message id" + (" → device" if len(devices) > 1 else "")
                       + ", in send order")
    axes[1].set_xlim(-0.6, n - 0.4)
    _stage_legend(axes[0], used, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    save(fig, plotdir, name, written)


# ---------------------------------------------------------------------------------------
def plot_timeline(run, plotdir, name, written):
    stored = run.stored_deliveries()
    if not stored:
        return f"{name}: no message was stored for an offline device"
    users = sorted({m["to"] for m, _ in stored if m.get("to")}) or ["?"]
    per_user = []
    for u in users:
        rows = [(m, d) for m, d in run.deliveries() if m.get("to") == u]
        rows.sort(key=lambda x: (x[0]["sent_at_ms"], x[0]["id"], x[1]["device"]))
        per_user.append((u, rows))
    heights = [max(2.2, 0.22 * len({m["id"] for m, _ in rows}) + 1.2) for _, rows in per_user]
    fig, axes = plt.subplots(len(per_user), 1, figsize=(10, sum(heights) + 0.8),
                             gridspec_kw={"height_ratios": heights, "hspace": 0.45},
                             squeeze=False)
    for ax, (u, rows) in zip(axes[:, 0], per_user):
        devices = sorted({d["device"] for _, d in rows})
        dcol = {dev: RUN_COLORS[i % len(RUN_COLORS)] for i, dev in enumerate(devices)}
        ids = []
        for m, _ in rows:
            if m["id"] not in ids:
                ids.append(m["id"])
        ypos = {mid: i for i, mid in enumerate(ids)}
        off = {dev: (i - (len(devices) - 1) / 2) * 0.25 for i, dev in enumerate(devices)}
        for dev in devices:
            for a, b in run.offline_spans(dev):
                ax.axvspan(a / 1000, b / 1000, color=dcol[dev], alpha=0.12, lw=0)
                ax.text((a + b) / 2000, 1.0, f"{dev} offline", transform=ax.get_xaxis_transform(),
                        ha="center", va="bottom", fontsize=8, color=dcol[dev])
        for m, d in rows:
            y = ypos[m["id"]] + off[d["device"]]
            s, e = m["sent_at_ms"] / 1000, d["delivered_at_ms"] / 1000
            stored_ = (d.get("stored_ms") or 0) > 0
            ax.plot([s, e], [y, y], color=dcol[d["device"]], lw=1.6,
                    ls="--" if stored_ else "-", alpha=0.9)
            ax.plot([s], [y], "o", color=dcol[d["device"]], ms=3.5)
            ax.plot([e], [y], ">", color=dcol[d["device"]], ms=5)
        ax.set_yticks(range(len(ids)))
        ax.set_yticklabels([f"#{i}" for i in ids], fontsize=7)
        ax.set_ylim(len(ids) - 0.5, -0.5)
        ax.set_ylabel("message (send order)")
        ax.set_xlabel("simulated time [s]")
        ax.grid(True, axis="x", alpha=0.3)
        ax.set_title(f"{run.display}: messages to {u} — sent (●) and delivered (▶) per device",
                     pad=16)
        handles = [Line2D([], [], color=dcol[d], lw=1.6, label=d) for d in devices]
        handles += [Line2D([], [], color="black", ls="--", lw=1.2, label="held on server (stored)"),
                    Patch(color="#888888", alpha=0.25, label="device offline")]
        ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    save(fig, plotdir, name, written)


# ---------------------------------------------------------------------------------------
def plot_links(run, plotdir, name, written, max_links=30):
    links = (run.summary or {}).get("links") or []
    if not links:
        return f"{name}: no links[] in summary.json"
    links = sorted(links, key=lambda lk: (-lk.get("utilization", 0), lk["from"], lk["to"]))
    note = ""
    if len(links) > max_links:
        note = f" (busiest {max_links} of {len(links)})"
        links = links[:max_links]
    labels = [f"{lk['from']} → {lk['to']}" for lk in links]
    util = [100 * lk.get("utilization", 0) for lk in links]
    qd = [lk.get("mean_queue_delay_ms", 0) for lk in links]
    drops = [lk.get("drops", 0) for lk in links]
    ys = list(range(len(links)))
    fig, axes = plt.subplots(1, 3, figsize=(13, 1.2 + 0.3 * len(links)), sharey=True,
                             gridspec_kw={"width_ratios": [1.4, 1, 0.8], "wspace": 0.08})
    for ax, vals, color, xlabel, title, fmt in (
            (axes[0], util, "#1f77b4", "utilization [% of simulated time busy]",
             "Utilization", lambda v: f"{v:.3g} %"),
            (axes[1], qd, "#ff7f0e", "mean wait before transmission [ms]",
             "Queueing delay", lambda v: f"{v:.3g} ms"),
            (axes[2], drops, "#d62728", "packets dropped", "Drops", lambda v: f"{v:g}")):
        ax.barh(ys, vals, color=color, height=0.65)
        top = max(vals) if vals and max(vals) > 0 else 1
        ax.set_xlim(0, top * 1.35)
        for y, v in zip(ys, vals):
            ax.text(v + top * 0.02, y, fmt(v), va="center", fontsize=7)
        ax.set_xlabel(xlabel, fontsize=9)
        ax.set_title(title)
        ax.grid(True, axis="x", alpha=0.3)
    axes[0].set_yticks(ys)
    axes[0].set_yticklabels(labels, fontsize=8)
    axes[0].invert_yaxis()
    fig.suptitle(f"{run.display}: links per direction{note}", fontweight="bold", y=1.0)
    save(fig, plotdir, name, written)


def plot_link_timeseries(run, plotdir, name, written, max_ports=6):
    ts = md.port_timeseries(run)
    if ts is None:
        return f"{name}: no timeseries.jsonl or packets.jsonl (run with --timeseries 100ms)"
    ports = ts["ports"]
    ranked = sorted(ports, key=lambda p: (-max(ports[p]["queue_bytes"]), -sum(ports[p]["util"]), p))
    ranked = [p for p in ranked if max(ports[p]["queue_bytes"]) > 0 or sum(ports[p]["util"]) > 0]
    ranked = ranked[:max_ports] or list(ports)[:1]
    sampled = ts.get("source") == "timeseries"
    t = ts["t_s"]
    edges = t + [t[-1] + ts["bin_s"]]
    fig, axes = plt.subplots(len(ranked), 1, figsize=(10, 1.2 + 1.45 * len(ranked)), sharex=True,
                             squeeze=False, gridspec_kw={"hspace": 0.45})
    for ax, p in zip(axes[:, 0], ranked):
        q = [v / 1000 for v in ports[p]["queue_bytes"]]
        ax.stairs(q, edges, fill=True, color="#ff7f0e", alpha=0.55, lw=0)
        ax.set_ylim(0, max(q) * 1.15 if max(q) > 0 else 1)
        ax.set_ylabel("queue [kB]", fontsize=8, color="#c25e00")
        ax.tick_params(labelsize=8)
        ax2 = ax.twinx()
        ax2.stairs([100 * u for u in ports[p]["util"]], edges, color="#1f77b4", lw=1.2)
        ax2.set_ylim(0, 105)
        ax2.set_ylabel("util. [%]", fontsize=8, color="#1f77b4")
        ax2.tick_params(labelsize=8)
        ax2.spines["right"].set_visible(True)
        sent = "" if ports[p]["sent"] is None else f", {ports[p]['sent']} packets sent"
        ax.set_title(f"{p[0]} → {p[1]}   (peak queue {max(q):.1f} kB{sent})", fontsize=9,
                     loc="left", fontweight="normal")
        ax.grid(True, axis="x", alpha=0.3)
    axes[-1, 0].set_xlabel("simulated time [s]")
    axes[-1, 0].set_xlim(edges[0], edges[-1])
    axes[0, 0].legend(handles=[
        Patch(color="#ff7f0e", alpha=0.55,
              label="queue: bytes waiting at the end of the bin" if sampled
              else "queue: max bytes waiting in the bin"),
        Line2D([], [], color="#1f77b4", label="utilization: share of the bin transmitting")],
        loc="lower left", bbox_to_anchor=(0.0, 1.18), fontsize=8, ncol=2)
    source = "sampled, timeseries.jsonl" if sampled else "from packets.jsonl"
    fig.suptitle(f"{run.display}: link queues and utilization over time "
                 f"(bins of {ts['bin_s']:g} s, {source})", fontweight="bold", fontsize=11, y=1.0)
    save(fig, plotdir, name, written)


def plot_server_timeseries(run, plotdir, name, written, max_servers=6):
    ts = md.server_timeseries(run)
    if ts is None:
        return f"{name}: no timeseries.jsonl (run with --timeseries 100ms)"
    servers = ts["servers"]
    ranked = sorted(servers, key=lambda s: (-max(servers[s]["queue"]), -sum(servers[s]["busy"]), s))
    ranked = ranked[:max_servers]
    t = ts["t_s"]
    fig, axes = plt.subplots(len(ranked), 1, figsize=(10, 1.2 + 1.45 * len(ranked)), sharex=True,
                             squeeze=False, gridspec_kw={"hspace": 0.45})
    for ax, s in zip(axes[:, 0], ranked):
        d = servers[s]
        ax.step(t, d["queue"], where="post", color="#e6550d", lw=1.2)
        ax.set_ylabel("queue [msgs]", fontsize=8, color="#e6550d")
        ax.set_ylim(0, max(d["queue"]) * 1.15 if max(d["queue"]) > 0 else 1)
        ax.tick_params(labelsize=8)
        ax2 = ax.twinx()
        ax2.step(t, d["busy"], where="post", color="#1f77b4", lw=1.0)
        if max(d["stored"]) > 0:
            ax2.step(t, d["stored"], where="post", color="#756bb1", lw=1.0, ls="--")
        top = max([d["workers"]] + d["stored"])
        ax2.set_ylim(0, top * 1.15)
        ax2.set_ylabel("workers / stored", fontsize=8, color="#1f77b4")
        ax2.tick_params(labelsize=8)
        ax2.spines["right"].set_visible(True)
        ax.set_title(f"{s}   ({d['workers']} workers, peak queue {max(d['queue'])})", fontsize=9,
                     loc="left", fontweight="normal")
        ax.grid(True, axis="x", alpha=0.3)
    axes[-1, 0].set_xlabel("simulated time [s]")
    axes[-1, 0].legend(handles=[
        Line2D([], [], color="#e6550d", label="messages waiting for a worker"),
        Line2D([], [], color="#1f77b4", label="busy workers"),
        Line2D([], [], color="#756bb1", ls="--", label="stored for offline devices")],
        loc="upper left", bbox_to_anchor=(0.0, -0.32), fontsize=8, ncol=3)
    fig.suptitle(f"{run.display}: servers over time (sampled, timeseries.jsonl)",
                 fontweight="bold", fontsize=11, y=1.0)
    save(fig, plotdir, name, written)


# ---------------------------------------------------------------------------------------
def _layout(run):
    """node id -> (x, y) and whether it is geographic (x = lon, y = lat)."""
    nodes = run.nodes
    located = {n["id"]: (float(n["lon"]), float(n["lat"])) for n in nodes
               if isinstance(n.get("lat"), (int, float)) and isinstance(n.get("lon"), (int, float))}
    if nodes and len(located) >= 0.8 * len(nodes):
        # A few nodes without a location (Topology Zoo stubs) sit at the mean position of
        # their located neighbours, so the map stays geographic.
        pos = dict(located)
        neighbours = collections.defaultdict(list)
        for lk in run.links:
            neighbours[lk["from"]].append(lk["to"])
            neighbours[lk["to"]].append(lk["from"])
        missing = [n["id"] for n in nodes if n["id"] not in pos]
        for _ in range(len(missing) + 1):
            for nid in [m for m in missing if m not in pos]:
                near = [pos[o] for o in neighbours[nid] if o in pos]
                if near:
                    pos[nid] = (sum(p[0] for p in near) / len(near),
                                sum(p[1] for p in near) / len(near))
        for nid in missing:
            pos.setdefault(nid, (sum(p[0] for p in located.values()) / len(located),
                                 sum(p[1] for p in located.values()) / len(located)))
        # spread co-located nodes (a phone and its router share a city) on a small circle
        groups = collections.defaultdict(list)
        for n in nodes:
            x, y = pos[n["id"]]
            groups[(round(x, 3), round(y, 3))].append(n["id"])
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        r = max(0.05, 0.02 * max(max(xs) - min(xs), max(ys) - min(ys)))
        spread = False
        for (x, y), ids in groups.items():
            if len(ids) > 1:
                spread = True
                for k, nid in enumerate(ids):
                    a = math.pi / 2 + 2 * math.pi * k / len(ids)
                    pos[nid] = (x + r * math.cos(a) / math.cos(math.radians(y)), y + r * math.sin(a))
        return pos, True, spread
    ids = [n["id"] for n in nodes]
    edges = [(lk["from"], lk["to"]) for lk in run.links]
    return md.spring_layout(ids, edges), False, False


def _place_labels(fig, ax, pos, names, fontsize=8):
    """Greedy label placement: try 8 offsets, keep the first that overlaps nothing."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    placed = []
    pts = [ax.transData.transform(pos[n]) for n in names]
    pt_boxes = [(x - 6, y - 6, x + 6, y + 6) for x, y in pts]
    offsets = [(8, 6), (8, -12), (-8, 6), (-8, -12), (0, 10), (0, -16), (12, -3), (-12, -3)]

    frame = ax.get_window_extent(renderer)

    def overlaps(b):
        if b[0] < frame.x0 or b[2] > frame.x1 or b[1] < frame.y0 or b[3] > frame.y1:
            return True
        for o in placed + pt_boxes:
            if b[0] < o[2] and b[2] > o[0] and b[1] < o[3] and b[3] > o[1]:
                return True
        return False

    def put(n, dx, dy):
        ha = "left" if dx > 0 else "right" if dx < 0 else "center"
        t = ax.annotate(n, pos[n], xytext=(dx, dy), textcoords="offset points", ha=ha,
                        va="bottom", fontsize=fontsize, zorder=6,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75))
        bb = t.get_window_extent(renderer)
        return t, (bb.x0, bb.y0, bb.x1, bb.y1)

    for n in names:
        for dx, dy in offsets:
            t, box = put(n, dx, dy)
            if not overlaps(box):
                break
            t.remove()
        else:  # every position overlaps something: keep the first one
            t, box = put(n, *offsets[0])
        placed.append(box)


def plot_map(run, plotdir, name, written):
    if not run.nodes:
        return f"{name}: no topology.json"
    pos, geo, spread = _layout(run)
    kind = {n["id"]: n.get("kind", "router") for n in run.nodes}
    # how many (message, device) deliveries crossed each link (either direction)
    use = collections.Counter()
    for _, d in run.deliveries():
        p = d.get("path") or []
        for a, b in zip(p, p[1:]):
            if a != b:
                use[tuple(sorted((a, b)))] += 1
    fig, ax = plt.subplots(figsize=(9, 6.5))
    for lk in run.links:
        a, b = lk["from"], lk["to"]
        if a in pos and b in pos:
            ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="#cccccc", lw=1.2,
                    zorder=1, solid_capstyle="round")
    if use:
        lo, top = min(use.values()), max(use.values())
        norm = matplotlib.colors.LogNorm(min(lo, top / 2), top)
        cmap = plt.get_cmap("viridis_r")
        for (a, b), c in sorted(use.items(), key=lambda x: x[1]):
            if a in pos and b in pos:
                f = float(norm(c))
                ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color=cmap(0.15 + 0.8 * f),
                        lw=1.5 + 5 * f, alpha=0.85, zorder=2, solid_capstyle="round")
        sm = plt.cm.ScalarMappable(cmap=matplotlib.colors.ListedColormap(
            cmap([0.15 + 0.8 * i / 255 for i in range(256)])), norm=norm)
        cb = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.02)
        ticks = sorted({lo, int(round(math.sqrt(lo * top))), top})
        cb.set_ticks(ticks)
        cb.ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        cb.ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        cb.set_label("deliveries whose path used the link")
    for k, (mk, col, size, lab) in KIND_STYLE.items():
        ids = [n for n in pos if kind.get(n) == k]
        if ids:
            ax.scatter([pos[n][0] for n in ids], [pos[n][1] for n in ids], marker=mk, s=size,
                       color=col, edgecolor="white", linewidth=1, zorder=4, label=lab)
    others = [n for n in pos if kind.get(n) not in KIND_STYLE]
    if others:
        ax.scatter([pos[n][0] for n in others], [pos[n][1] for n in others], marker="^", s=50,
                   color="#2ca02c", zorder=4, label="other")
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    if geo:
        padx = max(1.0, 0.12 * (max(xs) - min(xs)))
        pady = max(1.0, 0.12 * (max(ys) - min(ys)))
        ax.set_xlim(min(xs) - padx, max(xs) + padx)
        ax.set_ylim(min(ys) - pady, max(ys) + pady)
        mid = (min(ys) + max(ys)) / 2
        ax.set_aspect(1 / max(0.2, math.cos(math.radians(mid))))
        ax.set_xlabel("longitude [°E]")
        ax.set_ylabel("latitude [°N]")
        ax.grid(True, color="#dddddd", lw=0.6, zorder=0)
        title = f"{run.display}: nodes and message paths"
    else:
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(-0.05, 1.05)
        ax.set_xticks([])
        ax.set_yticks([])
        for s in ax.spines.values():
            s.set_visible(False)
        title = f"{run.display}: nodes and message paths (no locations: spring layout)"
    ax.set_title(title)
    label_ids = list(pos)
    if len(label_ids) > 40:
        label_ids = [n for n in pos if kind.get(n) != "phone"]
    _place_labels(fig, ax, pos, label_ids, fontsize=8 if len(label_ids) < 25 else 7)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.1 if geo else -0.02), ncol=4, fontsize=8)
    if spread:
        fig.text(0.99, 0.01, "Nodes at the same place are drawn slightly apart.", fontsize=7,
                 color="#666666", ha="right")
    save(fig, plotdir, name, written)


# ---------------------------------------------------------------------------------------
def make_all(dirs, plotdir=None, log=print):
    runs = md.load_runs(dirs)
    plotdir = plotdir or os.path.join(dirs[0], "plots")
    written, skipped = [], []

    def run_step(fn, *args):
        note = fn(*args)
        if note:
            skipped.append(note)

    run_step(plot_latency_cdf, runs, plotdir, written)
    run_step(plot_stages_mean, runs, plotdir, written)
    for r in runs:
        prefix = "" if len(runs) == 1 else os.path.basename(os.path.normpath(r.dir)) + "_"
        run_step(plot_stages_per_message, r, plotdir, prefix + "stages_per_message", written)
        run_step(plot_timeline, r, plotdir, prefix + "timeline", written)
        run_step(plot_links, r, plotdir, prefix + "links", written)
        run_step(plot_link_timeseries, r, plotdir, prefix + "link_timeseries", written)
        run_step(plot_server_timeseries, r, plotdir, prefix + "server_timeseries", written)
        run_step(plot_map, r, plotdir, prefix + "map", written)
    for note in skipped:
        log(f"plot_all: skipped {note}")
    log(f"plot_all: wrote {len(written)} files to {plotdir}")
    return written, skipped


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdirs", nargs="+", metavar="OUTDIR", help="msgsim run directory")
    ap.add_argument("-o", "--output", metavar="PLOTDIR",
                    help="where to write the plots (default: OUTDIR/plots of the first OUTDIR)")
    a = ap.parse_args(argv)
    try:
        make_all(a.outdirs, a.output)
    except md.RunError as e:
        print(f"plot_all: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
