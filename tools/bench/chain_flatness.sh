#!/usr/bin/env bash
# Issue 8's flatness figure without ns-3: msgsim on the chain workload (chain_scenario.py N
# --size 230B, 100,000 datagrams) for N = 100 and N = 10,000 phones per side, and the ratio.
#   usage: tools/bench/chain_flatness.sh MSGSIM_BINARY [--reps 5] [--sizes "100 10000"] [--decompose]
# Each scenario runs REPS times (interleaved); the best of each counts, since a shared
# machine only ever adds time. Printed per N:
#   loop     packets per CPU second of the event loop: 100,000 / the loop's CPU time, which
#            `msgsim run --stats` measures around the loop itself
#   process  packets per CPU second and per wall second of the whole `msgsim run` (reading
#            the scenario, building the model and writing the outputs included)
# and the ratios N=10,000 / N=100 (issue 8 asks the loop's to be at least 0.80).
# --decompose adds three runs of the largest N that keep part of the workload few (K = the
# smallest N, chain_scenario.py --hosts/--receivers): "hot senders" (the sources on K
# phones per side), "hot receivers" (sending to K phones per side) and both. What each
# gains over the plain run is what the cold senders, receivers or sources cost. And one run
# of the smallest N with Poisson sources (--poisson): traffic as bursty as that of many
# random-phase sources, on a model that stays in cache.
set -euo pipefail

[ $# -ge 1 ] || { sed -n '4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
msgsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
reps=5
sizes="100 10000"
decompose=0
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) reps=$2; shift 2 ;;
        --sizes) sizes=$2; shift 2 ;;
        --decompose) decompose=1; shift ;;
        *) echo "chain_flatness.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
configs=""
for n in $sizes; do
    python3 "$here/chain_scenario.py" "$n" --size 230B -o "$work/chain-$n.json"
    configs="$configs $n"
done
if [ "$decompose" = 1 ]; then
    set -- $sizes
    k=$1
    shift $(($# - 1))
    big=$1
    for v in "hot-senders --hosts $k" "hot-receivers --receivers $k" \
             "hot-both --hosts $k --receivers $k"; do
        set -- $v
        name=$1
        shift
        python3 "$here/chain_scenario.py" "$big" --size 230B "$@" -o "$work/chain-$big-$name.json"
        configs="$configs $big-$name"
    done
    python3 "$here/chain_scenario.py" "$k" --size 230B --poisson -o "$work/chain-$k-poisson.json"
    configs="$configs $k-poisson"
fi

python3 - "$msgsim" "$work" "$reps" "$sizes" $configs <<'PY'
import json, os, re, subprocess, sys, time
msgsim, work, reps, sizes = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
configs = sys.argv[5:]

def run(n):
    start = time.perf_counter()
    p = subprocess.Popen([msgsim, "run", f"{work}/chain-{n}.json", "-o", f"{work}/out-{n}",
                          "--quiet", "--no-progress", "--stats"], stdout=subprocess.PIPE,
                         text=True)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"chain_flatness.sh: msgsim run failed for N={n}")
    loop = re.search(r"\(([0-9.]+) s CPU", out)
    if not loop:
        sys.exit("chain_flatness.sh: `msgsim run --stats` printed no event-loop time")
    return float(loop.group(1)), usage.ru_utime + usage.ru_stime, time.perf_counter() - start

best = {}
for _ in range(reps):  # interleaved, so that a busy spell hits every configuration alike
    for n in configs:
        old = best.get(n, (float("inf"),) * 3)
        best[n] = tuple(min(a, b) for a, b in zip(old, run(n)))

print(f"chain, 100,000 datagrams, best of {reps}; CPU = user + system")
print(f"{'N':>20} {'loop cpu s':>10} {'process cpu s':>13} {'loop pkt/cpu-s':>15} "
      f"{'process pkt/cpu-s':>18} {'process pkt/wall-s':>19}")
rates = {}
for n in configs:
    loop, cpu, wall = best[n]
    sent = json.load(open(f"{work}/out-{n}/summary.json"))["datagrams"]["sent"]
    rates[n] = (sent / max(loop, 1e-9), sent / cpu, sent / wall)
    print(f"{n:>20} {loop:10.3f} {cpu:13.3f} {rates[n][0]:15,.0f} {rates[n][1]:18,.0f} "
          f"{rates[n][2]:19,.0f}")
if len(sizes) >= 2:
    a, b = rates[sizes[0]], rates[sizes[-1]]
    print(f"ratio N={sizes[-1]} / N={sizes[0]}: loop {b[0] / a[0]:.2f} (target >= 0.80), "
          f"process per CPU second {b[1] / a[1]:.2f}, per wall second {b[2] / a[2]:.2f}")
PY
