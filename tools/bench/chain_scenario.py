#!/usr/bin/env python3
"""Writes msgsim's side of the "chain" workload (tools/bench/ns3/chain_ns3.cc) as a scenario.

usage: tools/bench/chain_scenario.py N [-o FILE] [--seed S] [--size 200B] [--hosts K]
                                       [--receivers K] [--poisson]

8 routers in a line (10 Mbps, 5 ms, drop-tail 100 packets per port), N phones on each end
(100 Mbps, 1 ms access links, 100 packets per port). Left phone i and right phone i send
each other network-layer datagrams ("layer": "network", constant bit rate) at 8,000
packets/s in total, 100,000 packets in all: each of the 2N senders sends 100,000 / 2N
packets every 2N / 8,000 s, starting at a uniformly random phase within one interval.

Diagnostics (not part of the ns-3 comparison): --hosts K puts the 2N sources on only the
first K phones of each side (source i on phone i mod K), so the sending phones stay few and
cache-resident while the sources, their timers and the receivers stay as many as before;
--receivers K likewise sends to only the first K phones of each side; --poisson makes every
source Poisson at the same mean rate (from its start, to the same count and stop), which is
what the superposition of many random-phase sources looks like.

Size: ns-3 sends 200 B of UDP payload, 230 B on the wire (+8 UDP, +20 IPv4, +2 PPP). Pass
--size 230B if msgsim's "size" is the size on the wire, so both serialize the same bytes.
"""

import argparse
import json
import random
import sys

ROUTERS = 8
TOTAL_PACKETS = 100_000
TOTAL_RATE = 8_000  # packets/s, all senders together


def fmt_rate(per_s: float) -> str:
    return f"{per_s:.12g}/s"


def fmt_ns(ns: int) -> str:
    return f"{ns}ns"


def chain(n: int, seed: int, size: str, hosts: int = 0, receivers: int = 0,
          poisson: bool = False) -> dict:
    if n <= 0 or TOTAL_PACKETS % (2 * n) != 0:
        raise ValueError(f"N must be positive and divide {TOTAL_PACKETS // 2}")
    per_sender = TOTAL_PACKETS // (2 * n)
    interval_ns = 2 * n * 1_000_000_000 // TOTAL_RATE  # exact for the N we use
    rate = TOTAL_RATE / (2 * n)
    rng = random.Random(seed)

    routers = [f"r{k}" for k in range(ROUTERS)]
    left = [f"left-{i}" for i in range(n)]
    right = [f"right-{i}" for i in range(n)]
    nodes = [{"id": r, "kind": "router"} for r in routers]
    # Every phone belongs to a user of its own (datagrams need none, the format does).
    nodes += [{"id": p, "kind": "phone", "user": "u-" + p} for p in left + right]

    backbone = {"latency": "5ms", "bandwidth": "10Mbps", "queue": "100pkt"}
    access = {"latency": "1ms", "bandwidth": "100Mbps", "queue": "100pkt"}
    links = [{"from": a, "to": b, **backbone} for a, b in zip(routers, routers[1:])]
    links += [{"from": p, "to": routers[0], **access} for p in left]
    links += [{"from": p, "to": routers[-1], **access} for p in right]
    # msgsim scenarios always have a messaging server; this one carries no traffic.
    nodes.append({"id": "server", "kind": "server"})
    links.append({"from": "server", "to": routers[ROUTERS // 2], "latency": "1ms",
                  "bandwidth": "1Gbps"})

    hosts = hosts or n
    receivers = receivers or n
    if not (0 < hosts <= n and 0 < receivers <= n):
        raise ValueError("--hosts and --receivers must be between 1 and N")
    traffic = []
    last_ns = 0
    for i in range(n):
        a, b = f"left-{i % hosts}", f"right-{i % hosts}"
        to_a, to_b = f"left-{i % receivers}", f"right-{i % receivers}"
        for src, dst in ((a, to_b), (b, to_a)):
            phase = rng.randrange(interval_ns)
            stop = phase + per_sender * interval_ns  # after the last packet, before the next
            last_ns = max(last_ns, stop)
            traffic.append({
                "layer": "network",
                "pattern": "poisson" if poisson else "cbr",
                "from": src,
                "to": dst,
                "rate": fmt_rate(rate),
                "size": size,
                "start": fmt_ns(phase),
                "stop": fmt_ns(stop),
                "count": per_sender,
            })

    return {
        "name": f"chain-{n}",
        "description": (f"Benchmark against ns-3 (tools/bench/vs-ns3.sh): {ROUTERS} routers in a "
                        f"line, {n} phones per side, {TOTAL_PACKETS} datagrams at "
                        f"{TOTAL_RATE}/s in total."),
        "seed": seed,
        "duration": fmt_ns(last_ns + 1_000_000_000),  # the last packet needs < 1 s
        "nodes": nodes,
        "links": links,
        "traffic": traffic,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="phones on each end (100, 1000, 10000)")
    parser.add_argument("-o", "--output", help="scenario file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=1, help="scenario seed and phase seed")
    parser.add_argument("--size", default="200B", help="datagram size (default 200B)")
    parser.add_argument("--hosts", type=int, default=0,
                        help="phones per side that host the sources (default N)")
    parser.add_argument("--receivers", type=int, default=0,
                        help="phones per side that receive (default N)")
    parser.add_argument("--poisson", action="store_true",
                        help="Poisson sources instead of constant bit rate")
    args = parser.parse_args()
    try:
        scenario = chain(args.n, args.seed, args.size, args.hosts, args.receivers, args.poisson)
    except ValueError as e:
        print(f"chain_scenario.py: {e}", file=sys.stderr)
        return 2
    text = json.dumps(scenario, indent=1) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
