#!/usr/bin/env python3
"""`mpirun -np N msgsim run` splits the model into N parts and writes the bytes a
one-process run writes.

Usage: run_over_ranks.py MSGSIM MPIRUN SOURCE_DIR

For each scenario below, runs `msgsim run` in one process, then under mpirun -np 1, 2 and
3 (oversubscribed: CI has 2 cores), and checks that trace.json and topology.json are
byte-identical and summary.json too once its one wall-clock field is masked. The scenarios
cover messages crossing regions with receipts and sync copies (global-regions), a
population with presence churn and read receipts (world.json cut to 20,000 users),
network-layer datagrams (the chain of tools/bench), and adaptive routing with a link
failure (the routing controller replicated on every rank). Then checks the refusals: a cut link
of zero latency (no lookahead) and a region that must be split. Exits 77 without mpirun.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mpi_support import SKIP, arguments, mpi_env  # noqa: E402


def main():
    msgsim, mpirun, source = arguments(sys.argv)
    if not mpirun:
        return SKIP
    env = mpi_env()
    work = tempfile.mkdtemp(prefix="msgsim-mpi-run-")
    failures = []

    def run(launcher, args, expect_rc=0):
        p = subprocess.run(launcher + [msgsim, "run"] + args, env=env, timeout=600,
                           capture_output=True, text=True)
        if p.returncode != expect_rc:
            failures.append(f"{' '.join(launcher + args)}: exit {p.returncode}, expected "
                            f"{expect_rc}\n{p.stderr}")
        return p

    def outputs(d):
        files = {}
        for f in ("summary.json", "trace.json", "topology.json"):
            with open(os.path.join(d, f), "rb") as fh:
                data = fh.read()
            if f == "summary.json":  # the one field that may differ: wall-clock time
                data = re.sub(rb'"wall_time_s": [0-9.e+-]+', b'"wall_time_s": X', data)
            files[f] = data
        return files

    chain = os.path.join(work, "chain.json")
    subprocess.run([sys.executable, os.path.join(source, "tools/bench/chain_scenario.py"),
                    "20", "-o", chain, "--size", "230B"], check=True)
    cases = {
        "global-regions": [os.path.join(source, "scenarios/global-regions.json")],
        "world-20k": [os.path.join(source, "scenarios/world.json"), "--set",
                      "population.users=20000", "--until", "10min", "--trace", "messages"],
        "chain": [chain, "--until", "3s"],
        # The routing controller, replicated on every rank: adaptive routes and a failure.
        "adaptive-failure": [os.path.join(source, "scenarios/global-regions.json"), "--set",
                             "routing.policy=congestion-aware", "--set",
                             "routing.update_interval=100ms", "--set",
                             'faults=[{"link":["london-router","new-york-router"],'
                             '"at":"2s","down_for":"3s"}]'],
    }
    for name, args in cases.items():
        base = os.path.join(work, name + "-1proc")
        run([], args + ["-o", base, "--quiet"])
        if failures:
            break
        ref = outputs(base)
        if name != "chain" and b'"messages": []' in ref["trace.json"]:
            failures.append(f"{name}: no messages in the trace; the case tests nothing")
        for n in (1, 2, 3):
            d = os.path.join(work, f"{name}-np{n}")
            p = run([mpirun, "-np", str(n)], args + ["-o", d, "--quiet", "--stats"])
            if p.returncode != 0:
                continue
            got = outputs(d)
            for f, data in ref.items():
                if got[f] != data:
                    failures.append(f"{name}: {f} under -np {n} differs from one process")
            if n > 1:
                m = re.search(r"(\d+) events crossed between parts", p.stdout)
                if not m or int(m.group(1)) == 0:
                    failures.append(f"{name} -np {n}: nothing crossed between parts "
                                    f"(is the model split at all?)\n{p.stdout}")
            elif "one process" not in p.stdout:  # one rank runs unsplit, and --stats says so
                failures.append(f"{name} -np 1: unexpected output\n{p.stdout}")
        print(f"{name}: one process and -np 1, 2, 3 compared")

    # No lookahead: two regions joined by a zero-latency link cannot run as two parts.
    with open(os.path.join(source, "scenarios/global-regions.json")) as fh:
        s = json.load(fh)
    backbone = [i for i, l in enumerate(s["links"])
                if "router" in l["from"] and "router" in l["to"]]
    zero = os.path.join(work, "zero.json")
    for i in backbone:
        s["links"][i]["latency"] = "0ms"
    with open(zero, "w") as fh:
        json.dump(s, fh)
    run([], [zero, "-o", os.path.join(work, "zero-1proc"), "--quiet"])
    p = run([mpirun, "-np", "2"], [zero, "-o", os.path.join(work, "zero-np2"), "--quiet"], 2)
    if "zero latency" not in p.stderr or "/links/" not in p.stderr:
        failures.append(f"zero-latency cut: unclear refusal:\n{p.stderr}")
    if p.stderr.count("msgsim: error") != 1:
        failures.append(f"zero-latency cut: reported {p.stderr.count('msgsim: error')} times")
    if os.path.exists(os.path.join(work, "zero-np2", "summary.json")):
        failures.append("zero-latency cut: outputs written although refused")

    # One server region cannot be split over two ranks (a device shares its server's part).
    p = run([mpirun, "-np", "2"], [os.path.join(source, "scenarios/quickstart.json"), "-o",
                                   os.path.join(work, "quick-np2"), "--quiet"], 2)
    if "server regions" not in p.stderr:
        failures.append(f"quickstart over 2 ranks: unclear refusal:\n{p.stderr}")

    shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
