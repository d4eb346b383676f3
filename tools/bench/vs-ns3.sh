#!/usr/bin/env bash
# msgsim side by side with ns-3 (Debian's libns3-dev): PHOLD A, B, C on both bare kernels
# (ns-3's default MapScheduler and its HeapScheduler), and the "chain" packet workload.
# Runs one benchmark at a time and prints one table with the ratios msgsim / ns-3.
#   usage: tools/bench/vs-ns3.sh MSGSIM_BUILD_DIR [--events N] [--chain "100 1000 10000"]
#          [--chain-limit SIM_SECONDS] [--chain-reps 3] [--queue ladder|compact-heap|heap]
#          [--no-phold] [--no-install]
# --queue picks msgsim's future event set for PHOLD and the chain (default: msgsim's own).
# MSGSIM_BUILD_DIR is a Release build with tests/bench/msgsim_bench_kernel built. PHOLD
# rates are per CPU second of the process (steady on a shared machine); the chain table
# says what each column measures. Everything is in MSGSIM_BUILD_DIR/vs-ns3/results.jsonl.
set -euo pipefail

usage() { sed -n '5,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
case "$1" in -h | --help) usage ;; esac
build=$(cd "$1" && pwd)
shift
events=10000000
chain_sizes="100 1000 10000"
chain_limit=""
chain_reps=3
run_phold=1
install=1
queue=ladder
while [ $# -gt 0 ]; do
    case "$1" in
        --events) events=$2; shift 2 ;;
        --chain) chain_sizes=$2; shift 2 ;;
        --chain-limit) chain_limit=$2; shift 2 ;;
        --chain-reps) chain_reps=$2; shift 2 ;;
        --queue) queue=$2; shift 2 ;;
        --no-phold) run_phold=0; shift ;;
        --no-install) install=0; shift ;;
        *) echo "vs-ns3.sh: unknown option '$1'" >&2; usage ;;
    esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bench="$build/tests/bench/msgsim_bench_kernel"
out="$build/vs-ns3"
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"

# 1. ns-3 from Debian (bookworm: libns3-dev 3.37).
if ! dpkg-query -W -f='${db:Status-Abbrev}' libns3-dev 2>/dev/null | grep -q '^ii'; then
    [ "$install" = 1 ] || { echo "vs-ns3.sh: libns3-dev is not installed" >&2; exit 1; }
    if ! apt-cache policy libns3-dev | grep -q 'Candidate: [0-9]'; then
        echo "vs-ns3.sh: no libns3-dev candidate; try: apt-cache search ns3" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y libns3-dev
fi
ns3_version=$(dpkg-query -W -f='${Version}' libns3-dev)

# 2. Build the ns-3 programs. ns-3.37's headers do not compile as C++20 (Singleton<T>
# constructors), so they are C++17; msgsim's Rng and Distribution, which the PHOLD
# program shares with tests/bench/phold.hpp, are compiled as C++20 objects beside them.
# Debian's ns3-*.pc files carry a broken -I, so the libraries are named directly.
cxx=${CXX:-g++}
flags=(-O2 -DNDEBUG -Wall -Wextra -Wpedantic)
ns3_libs=(-lns3-core -lns3-network -lns3-internet -lns3-point-to-point -lns3-applications
          -lns3-traffic-control)
echo "vs-ns3.sh: building ns-3 programs in $out" >&2
"$cxx" -std=c++20 "${flags[@]}" -I"$repo" -c "$repo/sim/core/rng.cpp" -o "$out/rng.o"
"$cxx" -std=c++20 "${flags[@]}" -I"$repo" -c "$repo/sim/core/distribution.cpp" \
    -o "$out/distribution.o"
"$cxx" -std=c++17 "${flags[@]}" -I"$repo" "$here/ns3/phold_ns3.cc" "$out/rng.o" \
    "$out/distribution.o" -lns3-core -o "$out/phold_ns3"
"$cxx" -std=c++17 "${flags[@]}" "$here/ns3/chain_ns3.cc" "${ns3_libs[@]}" -o "$out/chain_ns3"

# 3. PHOLD: msgsim through its Google Benchmark binary, ns-3 through phold_ns3.
if [ "$run_phold" = 1 ]; then
    [ -x "$bench" ] || { echo "vs-ns3.sh: build $bench first" >&2; exit 1; }
    for config in A B C; do
        echo "vs-ns3.sh: PHOLD $config: msgsim ($queue queue)" >&2
        "$bench" "--benchmark_filter=^BM_Phold/$config/$queue/" --phold_events="$events" \
            --benchmark_format=json >"$out/phold_msgsim_$config.json"
        python3 - "$out/phold_msgsim_$config.json" "$config" "$queue" >>"$results" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
if not runs:
    sys.exit(f"vs-ns3.sh: no PHOLD benchmark for queue '{sys.argv[3]}'")
b = runs[0]
to_s = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
wall = b["real_time"] * to_s * b["iterations"]
print(json.dumps({"kernel": "msgsim", "queue": sys.argv[3], "config": sys.argv[2],
                  "events": b["events"],
                  "events_per_cpu_s": b["items_per_second"],
                  "events_per_wall_s": b["events"] / wall,
                  "allocs_per_event": b["allocs_per_event"],
                  "sim_ns_per_event": b["sim_ns_per_event"]}))
PY
        for scheduler in default heap; do
            echo "vs-ns3.sh: PHOLD $config: ns-3 $scheduler" >&2
            "$out/phold_ns3" "$config" "$scheduler" "$events" >>"$results"
        done
    done
fi

# 4. Chain. Both serialize 230 bytes per datagram (ns-3: 200 B of UDP payload + headers).
# msgsim runs each scenario $chain_reps times in full and $chain_reps times stopped at 1 ns
# (set-up and outputs only); the best of each counts (the machine may be shared). The event
# loop's CPU time is the difference: the flatness figure of issue 8 (packets per CPU second
# of the loop, N = 10,000 against N = 100). Whole-process rates include reading the
# scenario (8 MB of JSON at N = 10,000) and writing summary.json (one entry per link).
msgsim="$build/sim/cli/msgsim"
[ -x "$msgsim" ] || msgsim="$build/msgsim"
for n in $chain_sizes; do
    echo "vs-ns3.sh: chain N=$n: ns-3" >&2
    "$out/chain_ns3" "$n" 1 $chain_limit >>"$results"
    scenario="$out/chain-$n.json"
    python3 "$here/chain_scenario.py" "$n" --size 230B -o "$scenario"
    if [ -x "$msgsim" ] && "$msgsim" validate "$scenario" >/dev/null 2>&1; then
        echo "vs-ns3.sh: chain N=$n: msgsim, best of $chain_reps" >&2
        python3 - "$msgsim" "$scenario" "$out/chain-$n" "$queue" "$n" "$chain_reps" >>"$results" <<'PY'
import json, os, subprocess, sys, time
msgsim, scenario, out, queue, n, reps = sys.argv[1:7]
def best(extra):
    wall = cpu = float("inf")
    for _ in range(int(reps)):
        start = time.perf_counter()
        p = subprocess.Popen([msgsim, "run", scenario, "-o", out, "--queue", queue, "--quiet",
                              "--no-progress", *extra], stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        if status != 0:
            sys.exit(f"vs-ns3.sh: msgsim run {scenario} failed")
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, usage.ru_utime + usage.ru_stime)
    return wall, cpu
setup_wall, setup_cpu = best(["--until", "1ns"])
wall, cpu = best([])
summary = json.load(open(os.path.join(out, "summary.json")))
d = summary["datagrams"]
loop_cpu = max(cpu - setup_cpu, 1e-9)
print(json.dumps({"simulator": "msgsim", "phones_per_side": int(n), "sent": d["sent"],
                  "delivered": d["delivered"], "mean_delay_ms": d["delay_ms"]["mean"],
                  "run_wall_s": wall, "run_cpu_s": cpu, "setup_cpu_s": setup_cpu,
                  "packets_per_wall_s": d["sent"] / wall, "packets_per_cpu_s": d["sent"] / cpu,
                  "loop_packets_per_cpu_s": d["sent"] / loop_cpu}))
PY
    else
        echo "{\"simulator\": \"msgsim\", \"phones_per_side\": $n, \"pending\": true}" >>"$results"
    fi
done

# 5. One table.
python3 - "$results" "$ns3_version" "$events" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
print(f"# msgsim vs ns-3 {sys.argv[2]} on {open('/proc/cpuinfo').read().count('processor')} "
      f"cores; PHOLD {int(sys.argv[3]):,} events after warm-up; rates per CPU second")
phold = [r for r in rows if "kernel" in r]
if phold:
    print(f"{'PHOLD':6} {'msgsim ev/s':>13} {'ns-3 map ev/s':>14} {'ns-3 heap ev/s':>15} "
          f"{'x map':>7} {'x heap':>7} {'allocs/ev':>9}")
    for c in "ABC":
        get = {r["kernel"]: r for r in phold if r["config"] == c}
        if "msgsim" not in get:
            continue
        m, d, h = (get.get(k, {}).get("events_per_cpu_s", float("nan"))
                   for k in ("msgsim", "ns-3 default", "ns-3 heap"))
        print(f"{c:6} {m:13,.0f} {d:14,.0f} {h:15,.0f} {m / d:7.1f} {h and m / h:7.1f} "
              f"{get['msgsim']['allocs_per_event']:9.3g}")
chain = [r for r in rows if "simulator" in r]
if chain:
    print("chain: whole processes by wall time (set-up and outputs included); msgsim's event "
          "loop per CPU second (best full run minus best run to 1 ns)")
    print(f"{'chain N':8} {'ns-3 pkt/s':>11} {'ns-3 pkt/cpu-s':>15} {'ns-3 delay':>10} "
          f"{'msgsim pkt/s':>13} {'x ns-3':>7} {'msgsim delay':>12} {'msgsim loop pkt/cpu-s':>22}")
    loop = {}
    for n in sorted({r["phones_per_side"] for r in chain}):
        ns3 = next((r for r in chain if r["simulator"] == "ns-3" and r["phones_per_side"] == n), {})
        ms = next((r for r in chain if r["simulator"] == "msgsim" and r["phones_per_side"] == n), {})
        pending = ms.get("pending", not ms)
        mrate = "pending" if pending else f"{ms['packets_per_wall_s']:,.0f}"
        ratio = ("-" if pending or not ns3
                 else f"{ms['packets_per_wall_s'] / ns3['packets_per_wall_s']:.1f}")
        mdelay = "-" if pending else f"{ms['mean_delay_ms']:.3f}"
        mloop = "-" if pending else f"{ms['loop_packets_per_cpu_s']:,.0f}"
        if not pending:
            loop[n] = ms
        print(f"{n:<8} {ns3.get('packets_per_wall_s', 0):11,.0f} "
              f"{ns3.get('packets_per_cpu_s', 0):15,.0f} {ns3.get('mean_delay_ms', 0):10.3f} "
              f"{mrate:>13} {ratio:>7} {mdelay:>12} {mloop:>22}")
    if 100 in loop and 10000 in loop:
        a, b = loop[100], loop[10000]
        print(f"flatness, msgsim N=10000 / N=100: event loop (packets per CPU second) "
              f"{b['loop_packets_per_cpu_s']:,.0f} / {a['loop_packets_per_cpu_s']:,.0f} = "
              f"{b['loop_packets_per_cpu_s'] / a['loop_packets_per_cpu_s']:.2f} (issue 8 asks "
              f">= 0.80); whole process (per wall second) {b['packets_per_wall_s']:,.0f} / "
              f"{a['packets_per_wall_s']:,.0f} = "
              f"{b['packets_per_wall_s'] / a['packets_per_wall_s']:.2f}")
PY
