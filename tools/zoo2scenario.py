#!/usr/bin/env python3
"""Write a runnable msgsim scenario skeleton for an Internet Topology Zoo GraphML file.

    tools/zoo2scenario.py scenarios/topologies/Abilene.graphml -o scenarios/abilene.json

The scenario imports the file (its path written relative to the output file, as msgsim
resolves it), puts two servers at the two best-connected routers, attaches two phones to
other routers, and gives the users a Poisson chat. Router ids follow msgsim's import rules
(scenarios/topologies/README.md), so the skeleton can be edited by hand: move a server to
another router, add phones, change the traffic. Standard library only.
"""

import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"
# The characters C's isspace() accepts: what msgsim turns into '-' in a label.
SPACE = re.compile(r"[ \t\n\v\f\r]+")


def tag(element):
    """An element's tag without the GraphML namespace (files with and without it)."""
    return element.tag[len(GRAPHML_NS):] if element.tag.startswith(GRAPHML_NS) else element.tag


def read_graph(path):
    """(labels, edges, network name): node labels (or None) in order of first appearance,
    edges as index pairs in document order, and the graph's Network attribute."""
    root = ET.parse(path).getroot()
    keys = {k.get("id"): k.get("attr.name") for k in root if tag(k) == "key"}
    graph = next((g for g in root if tag(g) == "graph"), None)
    if graph is None:
        raise ValueError("no <graph> element")
    index, labels, edges, network = {}, [], [], None

    def node_index(node_id):
        if node_id not in index:
            index[node_id] = len(labels)
            labels.append(None)
        return index[node_id]

    for element in graph:
        kind = tag(element)
        if kind == "data" and keys.get(element.get("key")) == "Network":
            network = element.text
        elif kind == "node":
            i = node_index(element.get("id"))
            for data in element:
                if tag(data) == "data" and keys.get(data.get("key")) == "label":
                    labels[i] = data.text or ""
        elif kind == "edge":
            edges.append((node_index(element.get("source")), node_index(element.get("target"))))
    return labels, edges, network


def router_ids(labels):
    """msgsim's import ids: whitespace runs -> '-', repeats get -2, -3, ...; no label: n<k>."""
    taken, ids = set(), []
    for k, label in enumerate(labels):
        base = "-".join(part for part in SPACE.split(label or "") if part) or f"n{k}"
        candidate, suffix = base, 2
        while candidate in taken:
            candidate, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(candidate)
        ids.append(candidate)
    return ids


def largest_component(n, links):
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[find(a)] = find(b)
    members = {}
    for v in range(n):
        members.setdefault(find(v), []).append(v)
    # The biggest; among equals, the one holding the lowest node (deterministic).
    return max(members.values(), key=lambda m: (len(m), -m[0]))


def skeleton(graphml, out_dir, name):
    labels, edges, network = read_graph(graphml)
    if not labels:
        raise ValueError("the graph has no nodes")
    ids = router_ids(labels)
    # As msgsim imports: parallel edges merged, self-loops dropped.
    links = sorted({(min(a, b), max(a, b)) for a, b in edges if a != b})
    degree = [0] * len(ids)
    for a, b in links:
        degree[a] += 1
        degree[b] += 1
    # Servers and phones in one component, so every phone reaches a server.
    component = largest_component(len(ids), links)
    by_degree = sorted(component, key=lambda v: (-degree[v], v))
    server_at = by_degree[:2]
    others = [v for v in component if v not in server_at] or server_at
    phone_at = [others[0], others[-1]]

    taken = set(ids)

    def fresh(base):
        candidate, suffix = base, 2
        while candidate in taken:
            candidate, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(candidate)
        return candidate

    nodes, scenario_links = [], []
    for v in server_at:
        sid = fresh("srv-" + ids[v])
        nodes.append({"id": sid, "kind": "server", "workers": 2,
                      "service_time": {"dist": "exponential", "mean": "300us"}})
        scenario_links.append({"from": sid, "to": ids[v], "latency": "200us",
                               "bandwidth": "10Gbps"})
    users = []
    for n, (v, access) in enumerate(zip(phone_at, ["wifi", "lte"])):
        user = f"user{n + 1}"
        pid = fresh(f"{user}-phone")
        nodes.append({"id": pid, "kind": "phone", "user": user, "access": access})
        scenario_links.append({"from": pid, "to": ids[v]})
        users.append(user)

    file_ref = os.path.relpath(os.path.abspath(graphml), os.path.abspath(out_dir))
    return {
        "name": name,
        "description": f"Skeleton for {network or os.path.basename(graphml)} "
                       f"({len(ids)} routers, {len(links)} links), written by "
                       "tools/zoo2scenario.py: servers at the two best-connected routers, "
                       "two phones, a Poisson chat. Edit freely.",
        "seed": 1,
        "duration": "60s",
        "import": {"format": "graphml", "file": file_ref.replace(os.sep, "/")},
        "nodes": nodes,
        "links": scenario_links,
        "traffic": [{"pattern": "poisson", "users": "all", "rate": "6/min", "to": "random",
                     "size": {"dist": "lognormal", "median": "120B", "sigma": 1.0},
                     "start": "0s", "stop": "50s"}],
        "output": {"trace": "messages"},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("graphml", help="a Topology Zoo .graphml file")
    parser.add_argument("-o", "--output",
                        help="scenario file to write (default: standard output; the import "
                             "path is then relative to the current directory)")
    parser.add_argument("--name", help="scenario name (default: from the file name)")
    args = parser.parse_args(argv)
    out_dir = os.path.dirname(args.output) if args.output else os.getcwd()
    stem = os.path.splitext(os.path.basename(args.graphml))[0]
    name = args.name or re.sub(r"[^a-z0-9-]+", "-", stem.lower()).strip("-") or "zoo"
    try:
        doc = skeleton(args.graphml, out_dir or ".", name)
    except (OSError, ET.ParseError, ValueError) as e:
        print(f"zoo2scenario: {args.graphml}: {e}", file=sys.stderr)
        return 2
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
