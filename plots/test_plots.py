#!/usr/bin/python3
"""Unit tests of plots/: a tiny synthetic run directory in a temp dir, every plot produced.

Run: /usr/bin/python3 plots/test_plots.py   (or python3 -m unittest from plots/)
"""

import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import msgsim_data  # noqa: E402
import plot_all  # noqa: E402
import plot_compare  # noqa: E402

STAGES0 = {s: 0.0 for s in msgsim_data.STAGES}


def stages(**kw):
    d = dict(STAGES0)
    d.update(kw)
    return d


def write_run(d, with_locations=True):
    """Two users, one server; bob's phone is offline from 2 s to 5 s (message 1 is stored)."""
    os.makedirs(d, exist_ok=True)
    nodes = [
        {"id": "a-phone", "kind": "phone", "user": "alice", "lat": 48.85, "lon": 2.35},
        {"id": "b-phone", "kind": "phone", "user": "bob", "lat": 52.52, "lon": 13.40},
        {"id": "r1", "kind": "router", "lat": 48.85, "lon": 2.35},
        {"id": "srv", "kind": "server", "lat": 50.11, "lon": 8.68},
    ]
    if not with_locations:
        for n in nodes:
            del n["lat"], n["lon"]
    links = [{"from": "a-phone", "to": "r1", "latency_ms": 5.0, "bandwidth_bps": 50e6},
             {"from": "r1", "to": "srv", "latency_ms": 2.0, "bandwidth_bps": 1e9},
             {"from": "srv", "to": "b-phone", "latency_ms": 20.0, "bandwidth_bps": 20e6}]
    path = ["a-phone", "r1", "srv", "b-phone"]
    msgs = [
        {"id": 0, "from": "alice", "to": "bob", "sent_at_ms": 1000.0, "size_bytes": 20, "packets": 1,
         "server": "srv", "deliveries": [{"device": "b-phone", "status": "delivered",
          "delivered_at_ms": 1030.0, "displayed_at_ms": 1035.0, "latency_ms": 135.0, "path": path,
          "retransmissions": 0, "stored_ms": 0.0,
          "stages_ms": stages(access=25.0, network=5.0, display=5.0, notify=100.0)}]},
        {"id": 1, "from": "alice", "to": "bob", "sent_at_ms": 3000.0, "size_bytes": 30, "packets": 1,
         "server": "srv", "deliveries": [{"device": "b-phone", "status": "delivered",
          "delivered_at_ms": 5020.0, "displayed_at_ms": 5025.0, "latency_ms": 2125.0, "path": path,
          "retransmissions": 0, "stored_ms": 1990.0,
          "stages_ms": stages(access=25.0, network=5.0, offline_wait=1990.0, display=5.0,
                              notify=100.0)}]},
    ]
    summary = {"scenario": "tiny", "seed": 1, "policy": "shortest-path", "sim_time_s": 6.0,
               "messages": {"sent": 2, "delivered": 2},
               "latency_ms": {"count": 2, "mean": 1130.0},
               "stages_ms": stages(access=25.0, network=5.0, offline_wait=995.0, display=5.0,
                                   notify=100.0),
               "links": [{"from": a, "to": b, "utilization": u, "mean_queue_delay_ms": q,
                          "max_queue_bytes": 0, "drops": 0}
                         for a, b, u, q in (("a-phone", "r1", 0.01, 0.1), ("r1", "srv", 0.001, 0.0),
                                            ("srv", "b-phone", 0.02, 0.3))]}
    pk = []
    t = 1_000_000_000
    for a, b, lat in (("a-phone", "r1", 5e6), ("r1", "srv", 2e6), ("srv", "b-phone", 20e6)):
        base = {"kind": "data", "message": 0, "seq": 0, "count": 1, "copy": 0, "bytes": 100,
                "src": "a-phone", "dst": "srv"}
        pk.append(dict(base, t_ns=t + 1000, what="sent", at=a, next=b, tx_start_ns=t))
        pk.append(dict(base, t_ns=int(t + 1000 + lat), what="arrived", at=b))
        t = int(t + 1000 + lat)
    with open(os.path.join(d, "topology.json"), "w") as f:
        json.dump({"scenario": "tiny", "nodes": nodes, "links": links}, f)
    with open(os.path.join(d, "trace.json"), "w") as f:
        json.dump({"scenario": "tiny", "seed": 1, "messages": msgs}, f)
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump(summary, f)
    with open(os.path.join(d, "packets.jsonl"), "w") as f:
        f.write("".join(json.dumps(r) + "\n" for r in pk))


class PlotAllTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_every_plot_of_one_run(self):
        run = os.path.join(self.tmp.name, "tiny")
        write_run(run)
        written, skipped = plot_all.make_all([run], log=lambda *_: None)
        # Without timeseries.jsonl only the server plot is skipped, and it says why.
        self.assertEqual(len(skipped), 1)
        self.assertTrue(skipped[0].startswith("server_timeseries: no timeseries.jsonl"))
        for name in ("latency_cdf", "stages_mean", "stages_per_message", "timeline", "links",
                     "link_timeseries", "map"):
            for ext in ("png", "svg"):
                p = os.path.join(run, "plots", f"{name}.{ext}")
                self.assertTrue(os.path.getsize(p) > 1000, p)

    def test_link_timeseries_prefers_timeseries_jsonl(self):
        run = os.path.join(self.tmp.name, "sampled")
        write_run(run)
        header = {"timeseries": 1, "scenario": "tiny", "seed": 1, "interval_ms": 500.0,
                  "links": [{"from": "r1", "to": "srv"}, {"from": "srv", "to": "r1"}],
                  "servers": [{"id": "srv", "workers": 1}]}
        rows = [{"t_ms": 500.0 * k, "queue_bytes": [100 * k, 0], "queue_packets": [k, 0],
                 "utilization": [0.0 if k == 0 else 0.25, 0.0], "link_up": [1, 1],
                 "server_queue": [k], "server_busy": [min(k, 1)], "server_stored": [0]}
                for k in range(5)]
        with open(os.path.join(run, "timeseries.jsonl"), "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in [header] + rows))
        ts = msgsim_data.port_timeseries(msgsim_data.Run(run))
        self.assertEqual(ts["source"], "timeseries")
        self.assertEqual(ts["bin_s"], 0.5)
        self.assertEqual(ts["t_s"], [0.0, 0.5, 1.0, 1.5])
        self.assertEqual(ts["ports"][("r1", "srv")]["queue_bytes"], [100, 200, 300, 400])
        self.assertEqual(ts["ports"][("r1", "srv")]["util"], [0.25] * 4)
        srv = msgsim_data.server_timeseries(msgsim_data.Run(run))
        self.assertEqual(srv["t_s"], [0.0, 0.5, 1.0, 1.5, 2.0])
        self.assertEqual(srv["servers"]["srv"]["queue"], [0, 1, 2, 3, 4])
        self.assertEqual(srv["servers"]["srv"]["busy"], [0, 1, 1, 1, 1])
        os.remove(os.path.join(run, "packets.jsonl"))   # the plot needs no packet trace now
        written, skipped = plot_all.make_all([run], log=lambda *_: None)
        self.assertEqual(skipped, [])
        for name in ("link_timeseries", "server_timeseries"):
            self.assertTrue(os.path.getsize(os.path.join(run, "plots", f"{name}.png")) > 1000)

    def test_two_runs_without_locations_and_offline_inference(self):
        a, b = os.path.join(self.tmp.name, "a"), os.path.join(self.tmp.name, "b")
        write_run(a)
        write_run(b, with_locations=False)          # map falls back to a spring layout
        out = os.path.join(self.tmp.name, "plots")
        self.assertEqual(plot_all.main([a, b, "-o", out]), 0)
        for name in ("latency_cdf.png", "stages_mean.svg", "a_map.png", "b_map.png", "b_timeline.png"):
            self.assertTrue(os.path.exists(os.path.join(out, name)), name)
        spans = msgsim_data.Run(b).offline_spans("b-phone")
        self.assertEqual(len(spans), 1)
        self.assertAlmostEqual(spans[0][1], 5000.0, delta=30)   # reconnect at 5 s
        self.assertEqual(plot_all.main([os.path.join(self.tmp.name, "missing")]), 2)


class PlotCompareTest(unittest.TestCase):
    def test_compare_and_sweep(self):
        with tempfile.TemporaryDirectory() as d:
            row = {"delivered_ratio": 0.99, "retransmissions": 3, "drops": 1,
                   "latency_ms": {"mean": 100, "mean_ci95": [90, 110], "p50": 80, "p99": 300,
                                  "p99_ci95": [250, 350]}}
            cmp_ = {"scenario": "tiny", "replications": 5,
                    "policies": [dict(row, policy="shortest-path"), dict(row, policy="min-hop")]}
            sweep = {"scenario": "tiny", "replications": 5,
                     "rows": [dict(row, values={"links.0.bandwidth": v}) for v in ("1Mbps", "10Mbps")]}
            for name, doc in (("compare.json", cmp_), ("sweep.json", sweep)):
                with open(os.path.join(d, name), "w") as f:
                    json.dump(doc, f)
                self.assertEqual(plot_compare.main([os.path.join(d, name)]), 0)
            for name in ("compare.png", "compare.svg", "sweep.png", "sweep.svg"):
                self.assertTrue(os.path.getsize(os.path.join(d, name)) > 1000, name)


if __name__ == "__main__":
    unittest.main()
