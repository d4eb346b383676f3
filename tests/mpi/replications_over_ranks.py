#!/usr/bin/env python3
"""compare and sweep under `mpirun -np N` write the same bytes as one process.

Usage: replications_over_ranks.py MSGSIM MPIRUN SOURCE_DIR

Runs `msgsim compare` (2 policies x 3 replications) in one process with --jobs 2, then
under mpirun -np 1, 2 and 3 with --jobs 1, and checks that compare.json is byte-identical
and stdout identical but for the wall time; the same for a small sweep over 2 ranks. Then
checks that failures end every rank and are reported once: a bad policy (found by every
rank) and an output directory only rank 0 fails to create. Exits 77 (skipped) without
mpirun.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mpi_support import SKIP, arguments, mpi_env, msgsim_lines  # noqa: E402


def main():
    msgsim, mpirun, source = arguments(sys.argv)
    if not mpirun:
        return SKIP
    env = mpi_env()
    scenario = os.path.join(source, "scenarios", "congestion-reroute.json")
    compare = ["compare", scenario, "--policy", "shortest-path", "--policy",
               "congestion-aware", "-n", "3", "--until", "10s", "-o", "out"]
    sweep = ["sweep", scenario, "--set", "links.0.latency=1ms,3ms", "-n", "2", "--until",
             "10s", "-o", "out"]
    failures = []
    work = tempfile.mkdtemp(prefix="msgsim-mpi-")

    def run(name, launcher, args, expect_rc=0):
        """Runs in its own directory (so `-o out` prints the same path); returns
        (stdout with the wall time masked, the output file's bytes or None, stderr)."""
        cwd = os.path.join(work, name)
        os.makedirs(cwd)
        try:
            p = subprocess.run(launcher + [msgsim] + args, cwd=cwd, env=env, timeout=300,
                               capture_output=True, text=True)
        except subprocess.TimeoutExpired:
            failures.append(f"{name}: still running after 300 s (a rank waiting forever?)")
            return "", None, ""
        if p.returncode != expect_rc:
            failures.append(f"{name}: exit {p.returncode}, expected {expect_rc}\n{p.stderr}")
        out = None
        for f in ("compare.json", "sweep.json"):
            path = os.path.join(cwd, "out", f)
            if os.path.exists(path):
                with open(path, "rb") as fh:
                    out = fh.read()
        return re.sub(r"[0-9.]+ s wall", "X s wall", p.stdout), out, msgsim_lines(p.stderr)

    def mpi(n):
        return [mpirun, "-np", str(n), "--oversubscribe"]

    plain_stdout, plain_json, _ = run("plain", [], compare + ["--jobs", "2"])
    if plain_json is None or "congestion-aware" not in plain_stdout:
        failures.append("the one-process compare wrote no compare.json or no table")
    for n in (1, 2, 3):
        stdout, js, err = run(f"np{n}", mpi(n), compare + ["--jobs", "1"])
        if js != plain_json:
            failures.append(f"-np {n}: compare.json differs from the one-process run")
        if stdout != plain_stdout:
            failures.append(f"-np {n}: stdout differs:\n{stdout}\nvs\n{plain_stdout}")
        if err:
            failures.append(f"-np {n}: unexpected stderr:\n{err}")

    plain_stdout, plain_json, _ = run("sweep-plain", [], sweep + ["--jobs", "1"])
    stdout, js, _ = run("sweep-np2", mpi(2), sweep + ["--jobs", "1"])
    if plain_json is None or js != plain_json or stdout != plain_stdout:
        failures.append("-np 2: sweep.json or stdout differs from the one-process sweep")

    # Every rank finds the bad policy: exit 2, one message, nobody left waiting.
    bad = ["compare", scenario, "--policy", "shortest-path", "--policy", "no-such-policy",
           "-n", "3", "-o", "out"]
    _, _, err = run("bad-policy", mpi(3), bad, expect_rc=2)
    if err.count("msgsim: error:") != 1 or "no-such-policy" not in err:
        failures.append(f"bad policy: expected one error message, got:\n{err}")
    # Only rank 0 creates the output directory: ranks 1 and 2 must not wait for it forever.
    _, _, err = run("bad-dir", mpi(3), compare[:-1] + ["/dev/null/out"], expect_rc=1)
    if err.count("cannot create output directory") != 1:
        failures.append(f"bad directory: expected one error message, got:\n{err}")

    if failures:
        print("\n".join(failures))
        print(f"(outputs kept in {work})")
        return 1
    shutil.rmtree(work)
    print("compare and sweep over 1, 2 and 3 ranks: byte-identical to one process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
