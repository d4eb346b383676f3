#!/usr/bin/env python3
# Regenerates cases/*.json, base.json and cases.json: one defect per file on top of a valid
# base scenario. Run from this folder after adding a case below; it rewrites all of them.
import copy, json, os
os.chdir(os.path.dirname(os.path.abspath(__file__)))
BASE = {
  "name": "bad-input",
  "nodes": [
    {"id": "a-phone", "kind": "phone", "user": "alice", "access": "wifi"},
    {"id": "b-phone", "kind": "phone", "user": "bob", "access": "lte"},
    {"id": "r1", "kind": "router"},
    {"id": "srv", "kind": "server"}
  ],
  "links": [
    {"from": "a-phone", "to": "r1"},
    {"from": "b-phone", "to": "r1"},
    {"from": "r1", "to": "srv", "latency": "2ms"}
  ],
  "traffic": [{"at": "1s", "from": "alice", "to": "bob", "text": "hi"}]
}
cases = []
def dump(doc):
    # One top-level key per line, one array element per line: small and easy to read.
    out = []
    for k, v in doc.items():
        if isinstance(v, list) and v:
            items = ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in v)
            out.append(f"  {json.dumps(k)}: [\n{items}\n  ]")
        else:
            out.append(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}")
    return "{\n" + ",\n".join(out) + "\n}\n"
def raw(name, data, path, reason):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(f"cases/{name}.json", mode) as f: f.write(data)
    cases.append({"file": f"{name}.json", "path": path, "reason": reason})
def mut(name, fn, path, reason):
    doc = copy.deepcopy(BASE); fn(doc)
    raw(name, dump(doc), path, reason)
def setp(*keys_value):
    *keys, value = keys_value
    def f(doc):
        d = doc
        for k in keys[:-1]: d = d[k]
        d[keys[-1]] = value
    return f
def delp(*keys):
    def f(doc):
        d = doc
        for k in keys[:-1]: d = d[k]
        del d[keys[-1]]
    return f

raw("syntax-truncated", '{"name": "x", "nodes": [\n', "", "invalid JSON at line 2")
raw("syntax-trailing-comma", '{\n "name": "x",\n}\n', "", "invalid JSON at line 3, column 1")
raw("empty-file", "", "", "the file is empty")
raw("whitespace-only", " \n\t\n", "", "the file is empty")
raw("binary-garbage", bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0xFF, 0xFE, 0x01, 0x80]), "", "invalid JSON at line 1, column 1")
raw("invalid-utf8-string", b'{"name": "caf\xe9"}\n', "", "invalid JSON at line 1")
raw("number-overflow", '{"name": "x", "seed": 1e400}\n', "", "invalid JSON")
raw("not-an-object", "[1, 2]\n", "", "a scenario is a JSON object")
raw("duplicate-key", dump(BASE).replace('"name": "bad-input"', '"name": "bad-input",\n  "name": "again"'), "/name", "duplicate key")
raw("duplicate-key-nested", dump(BASE).replace('"id": "r1",', '"id": "r1", "id": "r9",'), "/nodes/2/id", "duplicate key")
mut("missing-name", delp("name"), "", 'missing required key "name"')
mut("name-wrong-type", setp("name", 42), "/name", "expected a string, got 42")
mut("name-with-slash", setp("name", "../etc"), "/name", "directory name")
mut("unknown-top-key", setp("sede", 3), "/sede", 'unknown key; did you mean "seed"?')
mut("node-key-typo", lambda d: d["nodes"][2].update({"kindd": "router"}), "/nodes/2/kindd", 'unknown key; did you mean "kind"?')
mut("node-kind-typo", setp("nodes", 2, "kind", "rooter"), "/nodes/2/kind", 'unknown node kind "rooter"; did you mean "router"?')
mut("nodes-not-array", setp("nodes", {}), "/nodes", "expected an array, got an object")
mut("latency-bad-unit", setp("links", 2, "latency", "5 parsecs"), "/links/2/latency", 'expected a duration like "5ms", got "5 parsecs"')
mut("latency-negative", setp("links", 2, "latency", "-5ms"), "/links/2/latency", "must not be negative")
mut("latency-no-unit", setp("links", 2, "latency", "5"), "/links/2/latency", "a string needs a unit")
mut("latency-wrong-type", setp("links", 2, "latency", True), "/links/2/latency", "got true")
mut("duration-huge", setp("duration", "1000000d"), "/duration", "too large")
mut("duration-zero", setp("duration", "0s"), "/duration", "must be positive")
mut("loss-nan-string", setp("links", 2, "loss", "NaN"), "/links/2/loss", 'got "NaN"')
mut("loss-above-one", setp("links", 2, "loss", 1.5), "/links/2/loss", "must be in [0, 1]")
mut("loss-ge-missing-param", setp("links", 2, "loss", {"model": "gilbert-elliott", "p_good_bad": 0.1}), "/links/2/loss", 'missing required key "p_bad_good"')
mut("loss-model-typo", setp("links", 2, "loss", {"model": "gilbert", "p": 0.1}), "/links/2/loss/model", "unknown loss model")
mut("bandwidth-zero", setp("links", 2, "bandwidth", "0Mbps"), "/links/2/bandwidth", "must be positive")
mut("bandwidth-unit-case", setp("links", 2, "bandwidth", "10mbps"), "/links/2/bandwidth", 'did you mean "Mbps"?')
mut("queue-bad", setp("links", 2, "queue", "100 packets"), "/links/2/queue", 'or a packet count like "100pkt", got "100 packets"')
mut("duplicate-node-id", lambda d: d["nodes"].append({"id": "r1", "kind": "router"}), "/nodes/4/id", 'duplicate node id "r1" (first at /nodes/2)')
mut("self-loop", lambda d: d["links"].append({"from": "r1", "to": "r1", "latency": "1ms"}), "/links/3/to", "to itself")
mut("duplicate-link", lambda d: d["links"].append({"from": "srv", "to": "r1", "latency": "1ms"}), "/links/3", 'duplicate link between "srv" and "r1" (first at /links/2)')
mut("unknown-node-ref", setp("links", 2, "to", "srvr"), "/links/2/to", 'unknown node "srvr"; did you mean "srv"?')
mut("link-missing-latency", delp("links", 2, "latency"), "/links/2", 'missing required key "latency"')
mut("auto-latency-no-location", setp("links", 2, "latency", "auto"), "/links/2/latency", '"auto" needs a location on both ends')
mut("unreachable-server", lambda d: (d["nodes"].append({"id": "r2", "kind": "router"}), d["links"].__setitem__(2, {"from": "r2", "to": "srv", "latency": "1ms"})), "/nodes/0", "cannot reach any server")
mut("phone-two-links", lambda d: d["links"].append({"from": "a-phone", "to": "srv", "latency": "1ms"}), "/links/3", "already has its access link at /links/0")
mut("phone-no-link", lambda d: d["nodes"].append({"id": "c-phone", "kind": "phone", "user": "carol", "access": "wifi"}), "/nodes/4", "has no link")
mut("no-server", setp("nodes", 3, "kind", "router"), "/nodes", "no server")
mut("phone-without-user", delp("nodes", 0, "user"), "/nodes/0", "has no user")
mut("device-of-other-user", setp("users", [{"id": "bob", "devices": ["b-phone", "a-phone"]}]), "/users/0/devices/1", 'belongs to user "alice"')
mut("presence-overlap", setp("presence", [{"device": "a-phone", "offline": [["0s", "10s"], ["5s", "20s"]]}]), "/presence/0/offline/1", "overlaps the previous interval")
mut("presence-backwards", setp("presence", [{"device": "a-phone", "offline": [["10s", "5s"]]}]), "/presence/0/offline/0", "must end after it starts")
mut("presence-unsorted", setp("presence", [{"device": "a-phone", "offline": [["10s", "20s"], ["0s", "5s"]]}]), "/presence/0/offline/1", "sorted")
mut("presence-not-phone", setp("presence", [{"device": "r1", "offline": [["0s", "5s"]]}]), "/presence/0/device", '"r1" is a router, not a phone')
mut("dist-name-typo", setp("nodes", 3, "service_time", {"dist": "exponental", "mean": "1ms"}), "/nodes/3/service_time/dist", 'did you mean "exponential"?')
mut("dist-key-typo", setp("nodes", 3, "service_time", {"dist": "exponential", "mena": "1ms"}), "/nodes/3/service_time/mena", 'did you mean "mean"?')
mut("dist-uniform-backwards", setp("nodes", 3, "service_time", {"dist": "uniform", "min": "5ms", "max": "1ms"}), "/nodes/3/service_time/max", "must not be less than")
mut("dist-bad-value", setp("nodes", 3, "service_time", {"dist": "normal", "mean": "1ms", "stddev": "-1ms"}), "/nodes/3/service_time/stddev", "must not be negative")
mut("policy-unknown", setp("routing", {"policy": "dijkstra"}), "/routing/policy", 'unknown policy "dijkstra"')
mut("policy-typo", setp("routing", {"policy": "shortest_path"}), "/routing/policy", 'did you mean "shortest-path"?')
mut("workers-on-router", setp("nodes", 2, "workers", 4), "/nodes/2/workers", "only valid on server nodes")
mut("workers-zero", setp("nodes", 3, "workers", 0), "/nodes/3/workers", "expected a whole number in [1,")
mut("seed-negative", setp("seed", -1), "/seed", "expected a whole number")
mut("seed-string", setp("seed", "7"), "/seed", 'got "7"')
mut("latitude-out-of-range", setp("nodes", 0, "location", {"lat": 91, "lon": 0}), "/nodes/0/location/lat", "latitude must be in [-90, 90]")
mut("traffic-unknown-user", setp("traffic", 0, "to", "bobb"), "/traffic/0/to", 'unknown user "bobb"; did you mean "bob"?')
mut("traffic-to-device", setp("traffic", 0, "to", "b-phone"), "/traffic/0/to", "is a device")
mut("traffic-size-fraction", lambda d: d["traffic"][0].update({"type": "image", "size": 1.5, "text": None}) or d["traffic"][0].pop("text"), "/traffic/0/size", "whole number of bytes")
mut("poisson-rate-unit", lambda d: d["traffic"].append({"pattern": "poisson", "users": "all", "rate": "2/fortnight", "size": "100B"}), "/traffic/1/rate", 'unknown unit "fortnight"')
mut("unknown-profile", setp("nodes", 0, "access", "wi-fi"), "/nodes/0/access", 'did you mean "wifi"?')
mut("fault-unknown-link", setp("faults", [{"at": "1s", "link": ["a-phone", "srv"], "down_for": "1s"}]), "/faults/0/link", 'no link between "a-phone" and "srv"')
mut("population-key-typo", setp("population", {"user": 10}), "/population/user", "did you mean \"users\"")
# 10^8 users at the stated bytes per user and device: far more memory than a CI machine has.
mut("population-too-large", setp("population", {"users": 100000000}), "/population/users", "too large for this machine's memory")
mut("population-shares", setp("population", {"users": 10, "access": {"wifi": 0.5, "lte": 0.6}}), "/population/access", "must sum to 1")
mut("expect-no-bound", setp("expect", [{"metric": "messages.sent"}]), "/expect/0", "at least one of")
mut("mtu-below-header", setp("protocol", {"mtu": "40B", "header": "52B"}), "/protocol/mtu", "must exceed the header")
mut("compression-zero", setp("protocol", {"compression": {"text": 0}}), "/protocol/compression/text", "must be in (0, 1]")
mut("user-no-devices", setp("users", [{"id": "carol", "devices": []}]), "/users/0/devices", "at least one device")
mut("user-without-phone", setp("users", [{"id": "carol"}]), "/users/0", 'user "carol" has no device')
mut("traffic-text-and-size", lambda d: d["traffic"][0].update({"size": "10B"}), "/traffic/0/size", 'either "text" or "size"')
mut("traffic-pattern-typo", setp("traffic", 0, {"patern": "poisson", "users": "all", "rate": "1/s", "size": "1B"}), "/traffic/0/patern", 'did you mean "pattern"?')
mut("poisson-to-sender", lambda d: d["traffic"].append({"pattern": "poisson", "users": "all", "rate": "1/s", "to": "bob", "size": "10B"}), "/traffic/1/to", "also a sender")
mut("fault-link-and-node", setp("faults", [{"at": "1s", "link": ["r1", "srv"], "node": "srv", "down_for": "1s"}]), "/faults/0/node", 'give "link" or "node", not both')
mut("trace-level-typo", setp("output", {"trace": "message"}), "/output/trace", 'did you mean "messages"?')
mut("timeseries-interval-typo", setp("output", {"timeseries": {"intervl": "1s"}}), "/output/timeseries/intervl", 'did you mean "interval"?')
mut("timeseries-interval-zero", setp("output", {"timeseries": {"interval": "0s"}}), "/output/timeseries/interval", "must be positive")
mut("load-balancer-typo", setp("routing", {"load_balancer": "round_robin"}), "/routing/load_balancer", 'did you mean "round-robin"?')
mut("virtual-nodes-without-hash", setp("routing", {"load_balancer": "round-robin", "virtual_nodes": 50}), "/routing/virtual_nodes", 'applies to the "consistent-hash" load balancer only')
mut("virtual-nodes-zero", setp("routing", {"load_balancer": "consistent-hash", "virtual_nodes": 0}), "/routing/virtual_nodes", "expected a whole number in [1, 100000], got 0")
mut("storage-durable-not-bool", setp("nodes", 3, "storage", {"durable": "yes"}), "/nodes/3/storage/durable", "expected true or false")

with open("base.json", "w") as f:
    f.write(dump(BASE))
with open("cases.json", "w") as f:
    f.write("[\n" + ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases) + "\n]\n")
print(len(cases))
