#!/usr/bin/python3
"""The pcap export read back by Wireshark's tshark and checked against the run's own records.

usage: tests/exports/pcap_test.py MSGSIM_BINARY
Runs two scenarios with --trace packets and two captures each (a router and a link), reads
each file with tshark and asserts that records are in time order and that every record's
time, IPv4 addresses, lengths, header checksum, UDP port and msgsim fields are those of the
matching packets.jsonl lines. Exit status: 0 pass, 1 failure, 2 bad usage, 77 skipped (no
tshark; tools/setup.sh installs it).
"""

import decimal
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KINDS = {"data": 0, "ack": 1, "busy": 2, "datagram": 3}
PORT_BASE = 5300
CAPTURED = 28 + 32  # IPv4 + UDP headers, msgsim's fields

# (scenario, extra flags, captures: (name, node) or (name, (from, to))). The second one
# queues at its routers, so transmissions there end out of the order they started.
RUNS = [("scenarios/quickstart.json", [],
         [("paris-router", "paris-router"),
          ("paris-router-eu-central", ("paris-router", "eu-central"))]),
        ("scenarios/congestion-reroute.json", ["--until", "3s"],
         [("west", "west"), ("west-short-hop", ("west", "short-hop"))])]


def address(index):
    n = index + 1
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def ns(text):
    return int(decimal.Decimal(text) * 1_000_000_000)


def tshark(path):
    fields = ["frame.time_epoch", "frame.time_relative", "ip.src", "ip.dst", "ip.len",
              "frame.len", "frame.cap_len", "ip.checksum.status", "udp.srcport", "udp.dstport",
              "data.data"]
    cmd = ["tshark", "-r", path, "-o", "ip.check_checksum:TRUE", "-T", "fields",
           "-E", "separator=;"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [dict(zip(fields, line.split(";"))) for line in out.splitlines() if line]


def check_run(out, captures, check):
    nodes = [n["id"] for n in json.load(open(os.path.join(out, "topology.json")))["nodes"]]
    index = {n: i for i, n in enumerate(nodes)}
    records = [json.loads(line) for line in open(os.path.join(out, "packets.jsonl"))]

    def expected(rec, t_ns):
        return (t_ns, address(index[rec["src"]]), address(index[rec["dst"]]),
                max(rec["bytes"], CAPTURED), PORT_BASE + KINDS[rec["kind"]],
                rec["message"], rec["seq"], rec["copy"])

    for name, target in captures:
        if isinstance(target, str):  # a node: what it transmits and what reaches it
            expect = sorted(
                [expected(r, r["tx_start_ns"]) for r in records
                 if r["what"] == "sent" and r["at"] == target] +
                [expected(r, r["t_ns"]) for r in records
                 if r["what"] == "arrived" and r["at"] == target])
        else:  # a link: both directions
            link = {target, target[::-1]}
            expect = sorted(expected(r, r["tx_start_ns"]) for r in records
                            if r["what"] == "sent" and (r["at"], r.get("next")) in link)
        rows = tshark(os.path.join(out, "pcap", name + ".pcap"))
        check(len(expect) > 100, f"{name}: only {len(expect)} packets expected")
        times = [ns(r["frame.time_epoch"]) for r in rows]
        check(times == sorted(times), f"{name}: records are not in time order")
        first = min(times) if rows else 0
        got = []
        for r, t in zip(rows, times):
            check(ns(r["frame.time_relative"]) == t - first, f"{name}: time_relative {r}")
            check(r["ip.checksum.status"] == "1", f"{name}: IPv4 checksum not good: {r}")
            check(int(r["frame.cap_len"]) == CAPTURED, f"{name}: caplen {r}")
            check(r["ip.len"] == r["frame.len"], f"{name}: ip.len != frame.len {r}")
            check(r["udp.srcport"] == r["udp.dstport"], f"{name}: ports {r}")
            payload = bytes.fromhex(r["data.data"])
            check(payload[:3] == b"MS\x01", f"{name}: payload tag {payload[:3]!r}")
            check(int.from_bytes(payload[20:24], "big") <= int(r["frame.len"]),
                  f"{name}: simulated size {r}")
            check(address(int.from_bytes(payload[24:28], "big")) == r["ip.src"] and
                  address(int.from_bytes(payload[28:32], "big")) == r["ip.dst"],
                  f"{name}: sender and recipient {r}")
            got.append((t, r["ip.src"], r["ip.dst"], int(r["frame.len"]),
                        int(r["udp.dstport"]), int.from_bytes(payload[8:12], "big"),
                        int.from_bytes(payload[12:16], "big"),
                        int.from_bytes(payload[6:8], "big")))
        got.sort()
        check(got == expect, f"{name}: {len(got)} records read, {len(expect)} expected; "
              f"first difference: {next(((g, e) for g, e in zip(got, expect) if g != e), None)}")
    hosts = open(os.path.join(out, "pcap", "hosts")).read().split("\n")
    check(all(hosts[i] == f"{address(i)}\t{n}" for i, n in enumerate(nodes)), "hosts file")


def main(argv):
    if len(argv) != 2 or not os.access(argv[1], os.X_OK):
        print(__doc__, file=sys.stderr)
        return 2
    if shutil.which("tshark") is None:
        print("pcap_test: skipped: tshark is not installed (tools/setup.sh installs it)",
              file=sys.stderr)
        return 77
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    for scenario, flags, captures in RUNS:
        with tempfile.TemporaryDirectory(prefix="msgsim-pcap-") as out:
            cmd = [argv[1], "run", os.path.join(ROOT, scenario), "--quiet", "--trace", "packets",
                   "-o", out] + flags
            for name, _ in captures:
                cmd += ["--pcap", name]
            subprocess.run(cmd, check=True)
            check_run(out, captures, check)
    for f in failures[:20]:
        print("pcap_test: FAIL:", f, file=sys.stderr)
    if not failures:
        print("pcap_test: ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
