"""Loading msgsim run directories, shared by the plotting scripts.

A run directory (``msgsim run ... -o DIR``) holds ``summary.json``, ``trace.json``,
``topology.json`` and, with ``--trace packets``, ``packets.jsonl``. Every file is
optional here: a plot that needs a missing file is skipped, never guessed.

Only the standard library and numpy are used, so this module also serves tests and
tools that do not plot.
"""

import json
import math
import os

# The journey stages in the order a message meets them (SPEC.md, stages_ms).
STAGES = [
    "encode", "compress", "encrypt", "access", "queueing", "network", "retransmit",
    "server", "offline_wait", "push", "reassembly", "decrypt", "display", "notify",
]

# One fixed colour per stage so that every plot uses the same legend.
STAGE_COLORS = {
    "encode": "#c6dbef", "compress": "#9ecae1", "encrypt": "#4292c6",
    "access": "#fdae6b", "queueing": "#e6550d", "network": "#a1d99b",
    "retransmit": "#d62728", "server": "#756bb1", "offline_wait": "#bdbdbd", "push": "#8c6d31",
    "reassembly": "#8c564b", "decrypt": "#17becf", "display": "#e377c2",
    "notify": "#7f7f7f",
}


class RunError(Exception):
    """A run directory that cannot be read (missing or malformed file)."""


def _load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise RunError(f"{path}: {e}") from e


class Run:
    """One msgsim output directory. Attributes are None when the file is absent."""

    def __init__(self, outdir):
        if not os.path.isdir(outdir):
            raise RunError(f"{outdir}: not a directory")
        self.dir = outdir
        self.summary = _load_json(os.path.join(outdir, "summary.json"))
        self.trace = _load_json(os.path.join(outdir, "trace.json"))
        self.topology = _load_json(os.path.join(outdir, "topology.json"))
        self.packets_path = os.path.join(outdir, "packets.jsonl")
        if not os.path.exists(self.packets_path):
            self.packets_path = None
        self.timeseries_path = os.path.join(outdir, "timeseries.jsonl")
        if not os.path.exists(self.timeseries_path):
            self.timeseries_path = None
        if self.summary is None and self.trace is None:
            raise RunError(f"{outdir}: neither summary.json nor trace.json found "
                           "(is this a msgsim run directory?)")

    # ---- names -------------------------------------------------------------------
    @property
    def scenario(self):
        for src in (self.summary, self.trace, self.topology):
            if src and src.get("scenario"):
                return str(src["scenario"])
        return os.path.basename(os.path.normpath(self.dir))

    def label(self):
        """A short legend label: scenario, policy and seed when known."""
        s = self.summary or {}
        parts = [self.scenario]
        if s.get("policy"):
            parts.append(str(s["policy"]))
        if s.get("seed") is not None:
            parts.append(f"seed {s['seed']}")
        return ", ".join(parts)

    # ---- trace.json --------------------------------------------------------------
    @property
    def messages(self):
        return (self.trace or {}).get("messages", [])

    def deliveries(self):
        """Yields (message, delivery) for every delivered (message, device) pair."""
        for m in self.messages:
            for d in m.get("deliveries", []):
                if d.get("latency_ms") is not None and d.get("status", "delivered") == "delivered":
                    yield m, d

    def latencies_ms(self):
        return [d["latency_ms"] for _, d in self.deliveries()]

    def stored_deliveries(self):
        return [(m, d) for m, d in self.deliveries() if (d.get("stored_ms") or 0) > 0]

    def offline_spans(self, device):
        """Spans (start_ms, end_ms) when `device` was offline.

        topology.json carries each phone's presence schedule ("offline"); runs written
        before it did fall back to an estimate derived from the messages stored for the device: each was held from roughly
        its arrival at the server until the device reconnected. Transit time outside
        storage is split evenly before and after it (an estimate within a few ms).
        Overlapping or touching spans are merged. The device was offline at least
        during the returned spans (it may have gone offline earlier).
        """
        for node in self.nodes:
            if node.get("id") == device and "offline" in node:
                return [(a, b) for a, b in node["offline"]]
        spans = []
        for m, d in self.deliveries():
            if d.get("device") != device or (d.get("stored_ms") or 0) <= 0:
                continue
            stages = d.get("stages_ms") or {}
            local = sum(stages.get(k, 0) for k in
                        ("encode", "compress", "encrypt", "decrypt", "display", "notify"))
            transit = max(0.0, d["latency_ms"] - d["stored_ms"] - local)
            end = d["delivered_at_ms"] - transit / 2
            spans.append((end - d["stored_ms"], end))
        spans.sort()
        # Overlapping spans belong to one offline period; everything stored in it is
        # released at the same reconnection, so the smallest end (least transit error) wins.
        groups = []
        for a, b in spans:
            if groups and a <= max(e for _, e in groups[-1]) + 1.0:
                groups[-1].append((a, b))
            else:
                groups.append([(a, b)])
        return [(min(a for a, _ in g), min(b for _, b in g)) for g in groups]

    # ---- topology.json -----------------------------------------------------------
    @property
    def nodes(self):
        return (self.topology or {}).get("nodes", [])

    @property
    def links(self):
        return (self.topology or {}).get("links", [])

    def has_locations(self):
        return bool(self.nodes) and all(
            isinstance(n.get("lat"), (int, float)) and isinstance(n.get("lon"), (int, float))
            for n in self.nodes)

    def user_of(self):
        """device id -> user id, from topology nodes (phones carry `user`)."""
        return {n["id"]: n["user"] for n in self.nodes if n.get("user")}

    # ---- packets.jsonl -----------------------------------------------------------
    def packets(self):
        """Streams the records of packets.jsonl (nothing when it is absent)."""
        if not self.packets_path:
            return
        with open(self.packets_path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    yield json.loads(line)
                except ValueError as e:
                    raise RunError(f"{self.packets_path}:{lineno}: {e}") from e


def load_runs(dirs):
    runs = [Run(d) for d in dirs]
    # Disambiguate identical labels (the same scenario run twice) with the directory.
    labels = [r.label() for r in runs]
    for r, lab in zip(runs, labels):
        r.display = lab if labels.count(lab) == 1 else f"{lab} ({os.path.basename(os.path.normpath(r.dir))})"
    return runs


def packet_key(rec):
    return (rec.get("kind"), rec.get("message"), rec.get("seq"), rec.get("copy"),
            rec.get("src"), rec.get("dst"))


def sampled_port_timeseries(run):
    """Per link direction, from timeseries.jsonl (``--timeseries``): the same shape as
    port_timeseries, one bin per sampling interval; "queue_bytes" is the queue sampled at
    the end of the bin, "util" the share of the bin transmitting, "sent" is None.
    """
    header, samples = None, []
    with open(run.timeseries_path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                raise RunError(f"{run.timeseries_path}:{lineno}: {e}") from e
            if header is None:
                header = rec
            else:
                samples.append(rec)
    if header is None or len(samples) < 2:
        return None
    bin_s = header["interval_ms"] / 1000
    keys = [(lk["from"], lk["to"]) for lk in header["links"]]
    # Sample k (k >= 1) closes the bin that started one interval earlier; the last one may
    # be shorter when the run's end is not a multiple of the interval.
    t_s = [samples[k - 1]["t_ms"] / 1000 for k in range(1, len(samples))]
    ports = {}
    for i, key in enumerate(keys):
        ports[key] = {"util": [s["utilization"][i] for s in samples[1:]],
                      "queue_bytes": [s["queue_bytes"][i] for s in samples[1:]],
                      "sent": None}
    return {"bin_s": bin_s, "t_s": t_s, "ports": ports, "source": "timeseries"}


def server_timeseries(run):
    """Per server, from timeseries.jsonl: {"t_s": [...sample times...], "servers": {id:
    {"workers": n, "queue": [...], "busy": [...], "stored": [...]}}}, or None without it."""
    if not run.timeseries_path:
        return None
    header, samples = None, []
    with open(run.timeseries_path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                raise RunError(f"{run.timeseries_path}:{lineno}: {e}") from e
            if header is None:
                header = rec
            else:
                samples.append(rec)
    if header is None or not header.get("servers") or not samples:
        return None
    servers = {}
    for i, s in enumerate(header["servers"]):
        servers[s["id"]] = {"workers": s["workers"],
                            "queue": [x["server_queue"][i] for x in samples],
                            "busy": [x["server_busy"][i] for x in samples],
                            "stored": [x["server_stored"][i] for x in samples]}
    return {"t_s": [x["t_ms"] / 1000 for x in samples], "servers": servers}


def port_timeseries(run, bin_s=None, nbins=200):
    """Per link direction: utilization and queue occupancy over time, from timeseries.jsonl
    when the run has one (sampled_port_timeseries), otherwise from packets.jsonl.

    Returns {"bin_s": w, "t_s": [...bin starts...], "ports": {(from, to): {"util": [...],
    "queue_bytes": [...max queued bytes in the bin...], "sent": n}}, "source": "packets"}
    or None without either file.

    A packet is queued on port (at -> next) from the moment it joined the queue until its
    transmission started (``tx_start_ns``). For a forwarded packet the joining time is its
    arrival at ``at``; a packet the node originated has no arrival record, so it is taken
    to have joined when the port's current busy period began (exact for a window burst,
    an upper bound otherwise).
    """
    if run.timeseries_path and bin_s is None:
        sampled = sampled_port_timeseries(run)
        if sampled is not None:
            return sampled
    if not run.packets_path:
        return None
    arrivals = {}            # (node, packet key) -> arrival t_ns
    busy = {}                # port -> (busy period start, last tx end)
    deltas = {}              # port -> [(t_ns, +-bytes)]
    tx = {}                  # port -> [(start_ns, end_ns)]
    t_end = 0
    for r in run.packets():
        t = r["t_ns"]
        t_end = max(t_end, t)
        what = r.get("what")
        if what == "arrived":
            arrivals[(r["at"], packet_key(r))] = t
        elif what == "sent" and r.get("next") is not None:
            port = (r["at"], r["next"])
            start = r.get("tx_start_ns", t)
            enq = arrivals.pop((r["at"], packet_key(r)), None)
            bp = busy.get(port)
            if bp is None or start > bp[1]:
                bp = (start, t)
            else:
                bp = (bp[0], t)
            busy[port] = bp
            if enq is None:
                enq = bp[0]
            enq = min(enq, start)
            if start > enq:
                dl = deltas.setdefault(port, [])
                dl.append((enq, r.get("bytes", 0)))
                dl.append((start, -r.get("bytes", 0)))
            else:
                deltas.setdefault(port, [])
            tx.setdefault(port, []).append((start, t))
    if not tx:
        return None
    sim_s = (run.summary or {}).get("sim_time_s") or t_end / 1e9
    t_end_ns = max(t_end, int(sim_s * 1e9))
    if bin_s is None:
        bin_s = _nice_step(t_end_ns / 1e9 / nbins)
    w = int(bin_s * 1e9)
    n = max(1, math.ceil(t_end_ns / w))
    ports = {}
    for port, spans in tx.items():
        util = [0.0] * n
        for a, b in spans:
            # spread [a, b) over the bins it covers
            i = a // w
            while a < b and i < n:
                edge = min(b, (i + 1) * w)
                util[i] += (edge - a) / w
                a = edge
                i += 1
        q = [0] * n
        level = 0
        last = 0                      # bin of the previous change: the level carries over
        for t, dv in sorted(deltas.get(port, []), key=lambda x: (x[0], x[1])):
            i = min(n - 1, t // w)
            for j in range(last + 1, i + 1):
                q[j] = max(q[j], level)
            last = max(last, i)
            level += dv
            if level > q[i]:
                q[i] = level
        ports[port] = {"util": [min(1.0, u) for u in util], "queue_bytes": q, "sent": len(spans)}
    return {"bin_s": bin_s, "t_s": [i * bin_s for i in range(n)], "ports": ports,
            "source": "packets"}


def _nice_step(x):
    """The smallest of 1, 2, 5 x 10^k that is >= x."""
    if x <= 0:
        return 1e-3
    e = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if m * 10 ** e >= x:
            return m * 10 ** e
    return 10 ** (e + 1)


def spring_layout(node_ids, edges, seed=1, iterations=300):
    """Fruchterman-Reingold layout, deterministic; returns {id: (x, y)} in [0, 1]^2."""
    import numpy as np
    n = len(node_ids)
    if n == 0:
        return {}
    if n == 1:
        return {node_ids[0]: (0.5, 0.5)}
    idx = {v: i for i, v in enumerate(node_ids)}
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    adj = np.zeros((n, n))
    for a, b in edges:
        if a in idx and b in idx and a != b:
            adj[idx[a], idx[b]] = adj[idx[b], idx[a]] = 1.0
    k = math.sqrt(1.0 / n)
    temp = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta ** 2).sum(-1))
        np.fill_diagonal(dist, 1.0)
        dist = np.maximum(dist, 1e-3)
        force = k * k / dist ** 2 - adj * dist / k          # repulsion - attraction
        np.fill_diagonal(force, 0.0)
        disp = (delta * force[:, :, None]).sum(1)
        length = np.maximum(np.sqrt((disp ** 2).sum(-1)), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, temp)[:, None]
        temp = max(temp * 0.985, 0.002)
    pos -= pos.min(0)
    span = pos.max(0)
    span[span == 0] = 1.0
    pos = 0.05 + 0.9 * pos / span
    return {v: (float(pos[i, 0]), float(pos[i, 1])) for v, i in idx.items()}
