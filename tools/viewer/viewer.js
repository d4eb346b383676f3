// msgsim trace viewer: animates packets of one run over its topology.
// Loads run/topology.json, run/trace.json and run/packets.jsonl (msgsim run --trace packets)
// from the same server (tools/viewer/serve.py). Plain JS, no build step.
"use strict";

const NS = "http://www.w3.org/2000/svg";
const STAGES = ["encode", "compress", "encrypt", "access", "queueing", "network", "retransmit",
  "server", "offline_wait", "reassembly", "decrypt", "display", "notify"];
const MAX_DRAWN = 600;                 // packets drawn per frame at most
const $ = (id) => document.getElementById(id);

const S = {
  topo: null, trace: null, recs: [], nodes: new Map(), links: [], linkLat: new Map(),
  flights: [], losses: [], ports: new Map(), pos: new Map(), tEnd: 0, t: 0, evIdx: -1,
  playing: false, speed: 0.01, selected: null, msgById: new Map(), lastFrame: null,
};

// ---------------------------------------------------------------------------- loading
async function fetchJSON(url, optional) {
  const r = await fetch(url);
  if (!r.ok) { if (optional) return null; throw new Error(`${url}: HTTP ${r.status}`); }
  return r.json();
}

async function fetchJSONL(url) {
  const r = await fetch(url);
  if (!r.ok) return null;
  const text = await r.text();
  const out = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end > start) out.push(JSON.parse(text.slice(start, end)));
    start = end + 1;
  }
  return out;
}

function setStatus(text, state) {
  const s = $("status");
  s.textContent = text;
  s.dataset.state = state;
}

async function load() {
  try {
    const [topo, trace, recs] = await Promise.all([
      fetchJSON("run/topology.json"), fetchJSON("run/trace.json", true), fetchJSONL("run/packets.jsonl")]);
    S.topo = topo; S.trace = trace || { messages: [] }; S.recs = recs || [];
    $("run-name").textContent = `${topo.scenario || ""}${trace && trace.seed != null ? "  seed " + trace.seed : ""}`;
    prepare();
    layout();
    drawTopology();
    buildMessageList();
    setTime(0, -1);
    setStatus(`${S.topo.nodes.length} nodes, ${S.topo.links.length} links, ${S.trace.messages.length} messages, `
      + (recs ? `${S.recs.length} packet events` : "no packets.jsonl (run with --trace packets)"), "ready");
    document.body.dataset.ready = "1";
  } catch (e) {
    setStatus(`could not load the run: ${e.message}`, "error");
    console.error(e);
  }
}

// ---------------------------------------------------------------------------- derived data
const lkey = (a, b) => `${a}\u0000${b}`;
const pkey = (r) => `${r.kind}|${r.message}|${r.seq}|${r.copy}|${r.src}|${r.dst}`;

function prepare() {
  for (const n of S.topo.nodes) S.nodes.set(n.id, n);
  S.links = S.topo.links.filter((l) => S.nodes.has(l.from) && S.nodes.has(l.to));
  for (const l of S.links) {
    S.linkLat.set(lkey(l.from, l.to), l.latency_ms * 1e6);
    S.linkLat.set(lkey(l.to, l.from), l.latency_ms * 1e6);
  }
  const neighbours = new Map();
  for (const l of S.links) {
    (neighbours.get(l.from) || neighbours.set(l.from, []).get(l.from)).push(l.to);
    (neighbours.get(l.to) || neighbours.set(l.to, []).get(l.to)).push(l.from);
  }
  // next hop by (node, src, dst), learned from "sent" records, for "lost" records (no `next`)
  const nextHop = new Map();
  for (const r of S.recs) if (r.what === "sent" && r.next) nextHop.set(`${r.at}|${r.src}|${r.dst}`, r.next);
  const arrivals = new Map();          // node|packet -> arrival t_ns
  const busy = new Map();              // port -> [busy period start, last tx end]
  for (let i = 0; i < S.recs.length; i++) {
    const r = S.recs[i];
    S.tEnd = Math.max(S.tEnd, r.t_ns);
    if (r.what === "arrived") {
      arrivals.set(`${r.at}|${pkey(r)}`, r.t_ns);
    } else if (r.what === "sent" && r.next) {
      const lat = S.linkLat.get(lkey(r.at, r.next)) || 0;
      const start = r.tx_start_ns != null ? r.tx_start_ns : r.t_ns;
      S.flights.push({ i, from: r.at, to: r.next, t0: start, t1: r.t_ns + lat, kind: r.kind, msg: r.message });
      S.tEnd = Math.max(S.tEnd, r.t_ns + lat);
      // queue: enqueued at arrival (forwarded) or at the start of the port's busy period (originated)
      const port = lkey(r.at, r.next);
      let bp = busy.get(port);
      bp = !bp || start > bp[1] ? [start, r.t_ns] : [bp[0], r.t_ns];
      busy.set(port, bp);
      const ak = `${r.at}|${pkey(r)}`;
      let enq = arrivals.has(ak) ? arrivals.get(ak) : bp[0];
      arrivals.delete(ak);
      enq = Math.min(enq, start);
      let p = S.ports.get(port);
      if (!p) S.ports.set(port, p = { from: r.at, to: r.next, enq: [], start: [] });
      if (start > enq) { p.enq.push(enq); p.start.push(start); }
    } else if (r.what === "lost" || r.what.startsWith("dropped")) {
      let to = r.next || nextHop.get(`${r.at}|${r.src}|${r.dst}`);
      const nb = neighbours.get(r.at) || [];
      if (!to && nb.length === 1) to = nb[0];
      const lat = to ? S.linkLat.get(lkey(r.at, to)) || 0 : 0;
      S.losses.push({ i, at: r.at, to, t0: r.t_ns, t1: r.t_ns + Math.max(lat, 2e6), kind: r.kind, msg: r.message, what: r.what });
    }
  }
  for (const p of S.ports.values()) { p.enq.sort((a, b) => a - b); p.start.sort((a, b) => a - b); }
  for (const m of S.trace.messages) {
    S.msgById.set(m.id, m);
    for (const d of m.deliveries || []) {
      if (d.delivered_at_ms != null) S.tEnd = Math.max(S.tEnd, d.delivered_at_ms * 1e6);
    }
    S.tEnd = Math.max(S.tEnd, m.sent_at_ms * 1e6);
  }
  S.flights.sort((a, b) => a.t0 - b.t0);
  S.flightT0 = S.flights.map((f) => f.t0);
  S.recTimes = S.recs.map((r) => r.t_ns);
  S.maxFlight = S.flights.reduce((m, f) => Math.max(m, f.t1 - f.t0), 0);
}

// count of sorted values <= x
function upper(arr, x) {
  let lo = 0, hi = arr.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (arr[m] <= x) lo = m + 1; else hi = m; }
  return lo;
}

// ---------------------------------------------------------------------------- layout
function layout() {
  const svg = $("map");
  const W = svg.clientWidth || 800, H = svg.clientHeight || 500;
  // room for the node labels, which sit beside the nodes
  const longest = Math.max(4, ...S.topo.nodes.map((n) => String(n.id).length));
  const padX = Math.min(40 + 6.5 * longest, W / 4), padY = 50;
  const nodes = S.topo.nodes;
  const geo = nodes.length > 0 && nodes.every((n) => typeof n.lat === "number" && typeof n.lon === "number");
  let pts = new Map();
  if (geo) {
    // equirectangular projection, x scaled by cos(mean latitude), fitted to the bounding box
    const lats = nodes.map((n) => n.lat), lons = nodes.map((n) => n.lon);
    const k = Math.cos(((Math.min(...lats) + Math.max(...lats)) / 2) * Math.PI / 180);
    for (const n of nodes) pts.set(n.id, [n.lon * k, -n.lat]);
    S.layoutKind = "geo";
  } else {
    pts = forceLayout(nodes.map((n) => n.id), S.links);
    S.layoutKind = "force";
  }
  const xs = [...pts.values()].map((p) => p[0]), ys = [...pts.values()].map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const sc = Math.min((W - 2 * padX) / Math.max(x1 - x0, 1e-9), (H - 2 * padY) / Math.max(y1 - y0, 1e-9));
  const ox = (W - sc * (x1 - x0)) / 2, oy = (H - sc * (y1 - y0)) / 2;
  for (const [id, p] of pts) S.pos.set(id, [ox + (p[0] - x0) * sc, oy + (p[1] - y0) * sc]);
  // nodes at the same place (a phone and its city's router) are spread on a small circle
  const groups = new Map();
  for (const [id, p] of S.pos) {
    const g = `${Math.round(p[0] / 4)},${Math.round(p[1] / 4)}`;
    (groups.get(g) || groups.set(g, []).get(g)).push(id);
  }
  for (const ids of groups.values()) {
    if (ids.length < 2) continue;
    const [cx, cy] = S.pos.get(ids[0]);
    ids.forEach((id, j) => {
      const a = -Math.PI / 2 + 2 * Math.PI * j / ids.length;
      S.pos.set(id, [cx + 26 * Math.cos(a), cy + 26 * Math.sin(a)]);
    });
  }
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
}

function forceLayout(ids, links) {
  // Fruchterman-Reingold with a fixed seed: the same run always looks the same
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const P = ids.map(() => [rnd(), rnd()]);
  const idx = new Map(ids.map((id, i) => [id, i]));
  const E = links.map((l) => [idx.get(l.from), idx.get(l.to)]);
  const k = Math.sqrt(1 / Math.max(ids.length, 1));
  let temp = 0.1;
  for (let it = 0; it < 300; it++) {
    const D = ids.map(() => [0, 0]);
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const dx = P[i][0] - P[j][0], dy = P[i][1] - P[j][1];
        const d = Math.max(Math.hypot(dx, dy), 1e-3), f = k * k / d / d;
        D[i][0] += dx * f; D[i][1] += dy * f; D[j][0] -= dx * f; D[j][1] -= dy * f;
      }
    }
    for (const [a, b] of E) {
      const dx = P[a][0] - P[b][0], dy = P[a][1] - P[b][1], d = Math.max(Math.hypot(dx, dy), 1e-3), f = d / k;
      D[a][0] -= dx * f; D[a][1] -= dy * f; D[b][0] += dx * f; D[b][1] += dy * f;
    }
    for (let i = 0; i < ids.length; i++) {
      const l = Math.max(Math.hypot(D[i][0], D[i][1]), 1e-9), s = Math.min(l, temp) / l;
      P[i][0] += D[i][0] * s; P[i][1] += D[i][1] * s;
    }
    temp = Math.max(temp * 0.985, 0.002);
  }
  return new Map(ids.map((id, i) => [id, P[i]]));
}

// ---------------------------------------------------------------------------- drawing
function el(tag, attrs, parent) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function drawTopology() {
  const gl = $("layer-links"), gn = $("layer-nodes");
  gl.replaceChildren(); gn.replaceChildren();
  for (const l of S.links) {
    const [x1, y1] = S.pos.get(l.from), [x2, y2] = S.pos.get(l.to);
    const line = el("line", { x1, y1, x2, y2, class: "link", "data-from": l.from, "data-to": l.to }, gl);
    const t = el("title", {}, line);
    t.textContent = `${l.from} — ${l.to}: ${l.latency_ms} ms, ${fmtBps(l.bandwidth_bps)}`;
  }
  const cx = [...S.pos.values()].reduce((s, p) => s + p[0], 0) / Math.max(S.pos.size, 1);
  for (const n of S.topo.nodes) {
    const [x, y] = S.pos.get(n.id);
    const kind = ["phone", "router", "server"].includes(n.kind) ? n.kind : "router";
    const g = el("g", { class: `node ${kind}`, "data-id": n.id, transform: `translate(${x},${y})` }, gn);
    if (kind === "phone") el("circle", { r: 8 }, g);
    else if (kind === "router") el("rect", { x: -7, y: -7, width: 14, height: 14, rx: 2 }, g);
    else el("path", { d: "M0,-11 L11,0 L0,11 L-11,0 Z" }, g);
    const left = x < cx;
    const label = el("text", { x: left ? -13 : 13, y: 4, "text-anchor": left ? "end" : "start" }, g);
    label.textContent = n.id;
    const tt = el("title", {}, g);
    tt.textContent = `${n.id} (${n.kind}${n.user ? ", user " + n.user : ""}${n.lat != null ? `, ${n.lat}°, ${n.lon}°` : ""})`;
  }
}

function fmtBps(b) {
  if (b == null) return "?";
  for (const [u, s] of [["Gbps", 1e9], ["Mbps", 1e6], ["kbps", 1e3]]) if (b >= s) return `${+(b / s).toFixed(3)} ${u}`;
  return `${b} bps`;
}

function fmtT(ns) { return `${(ns / 1e9).toFixed(6)} s`; }
function fmtMs(ms) { return ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${ms.toFixed(3)} ms`; }

function along(a, b, f, side = 4, px = null) {
  const [x1, y1] = S.pos.get(a), [x2, y2] = S.pos.get(b);
  // packets travel on the right-hand side of the link so the two directions do not overlap;
  // px, when given, is a distance in pixels from a instead of the fraction f
  const dx = x2 - x1, dy = y2 - y1, len = Math.max(Math.hypot(dx, dy), 1e-9);
  if (px != null) f = Math.min(px / len, 0.5);
  const ox = -dy / len * side, oy = dx / len * side;
  return [x1 + dx * f + ox, y1 + dy * f + oy];
}

function render() {
  const t = S.t, gp = $("layer-packets"), gq = $("layer-queues");
  const only = $("only-selected").checked && S.selected != null;
  const frag = document.createDocumentFragment();
  // flights whose window contains t: t0 <= t < t1; flights are sorted by t0
  const hi = upper(S.flightT0, t);
  let drawn = 0;
  for (let i = hi - 1; i >= 0 && drawn < MAX_DRAWN; i--) {
    const f = S.flights[i];
    if (t - f.t0 > S.maxFlight) break;
    if (t >= f.t1) continue;
    const sel = S.selected != null && f.msg === S.selected;
    if (only && !sel) continue;
    const [x, y] = along(f.from, f.to, Math.min(1, Math.max(0, (t - f.t0) / Math.max(f.t1 - f.t0, 1))));
    const cls = `pkt ${f.kind}${sel ? " sel" : ""}${S.selected != null && !sel && !only ? " faded" : ""}`;
    el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: sel ? 5 : 3.5, class: cls, "data-msg": f.msg }, frag);
    drawn++;
  }
  let lostNow = 0;
  for (const L of S.losses) {
    if (t < L.t0 || t >= L.t1 || !S.pos.has(L.at)) continue;
    if (only && L.msg !== S.selected) continue;
    const [x, y] = L.to && S.pos.has(L.to) ? along(L.at, L.to, 0.5) : S.pos.get(L.at);
    el("circle", { cx: x, cy: y, r: 6, class: "lost-mark", "data-msg": L.msg }, frag);
    el("circle", { cx: x, cy: y, r: 11, class: "lost-ring" }, frag);
    lostNow++;
  }
  gp.replaceChildren(frag);
  gp.dataset.count = drawn;
  gp.dataset.lost = lostNow;
  // queues: packets enqueued but not yet started on each link direction
  const qf = document.createDocumentFragment();
  for (const p of S.ports.values()) {
    const q = upper(p.enq, t) - upper(p.start, t);
    if (q <= 0 || !S.pos.has(p.from) || !S.pos.has(p.to)) continue;
    // a badge beside the sending end of the link direction, on its right-hand side
    const [x, y] = along(p.from, p.to, 0, 16, 34);
    const g = el("g", { class: "queue", "data-port": `${p.from}>${p.to}`, "data-q": q }, qf);
    const w = 8 + 7 * String(q).length;
    el("rect", { x: x - w / 2, y: y - 6, width: w, height: 12, rx: 2 }, g);
    const tx = el("text", { x: x, y: y + 3.5, "text-anchor": "middle" }, g);
    tx.textContent = `${q}`;
    el("title", {}, g).textContent = `${q} packet(s) queued on ${p.from} → ${p.to}`;
  }
  gq.replaceChildren(qf);
  $("clock").textContent = `t = ${fmtT(t)}`;
  $("scrubber").value = Math.round(100000 * t / Math.max(S.tEnd, 1));
  updateEventInfo();
  updateJourneyCursor();
}

// ---------------------------------------------------------------------------- time control
function setTime(t, idx) {
  S.t = Math.max(0, Math.min(t, S.tEnd));
  S.evIdx = idx != null ? idx : upper(S.recTimes, S.t) - 1;
  render();
}

function updateEventInfo() {
  const info = $("event-info");
  info.dataset.index = S.evIdx;
  if (S.evIdx < 0 || !S.recs.length) { info.textContent = `event 0 / ${S.recs.length}`; return; }
  const r = S.recs[S.evIdx];
  info.textContent = `event ${S.evIdx + 1} / ${S.recs.length}: ${fmtT(r.t_ns)}  ${r.what} ${r.kind} `
    + `msg #${r.message} pkt ${r.seq + 1}/${r.count}${r.copy ? " (resend " + r.copy + ")" : ""} `
    + `at ${r.at}${r.next ? " → " + r.next : ""}  (${r.src} → ${r.dst}, ${r.bytes} B)`;
}

function step(dir) {
  pause();
  if (!S.recs.length) return;
  const i = Math.max(0, Math.min(S.recs.length - 1, S.evIdx + dir));
  setTime(S.recs[i].t_ns, i);
}

function play() {
  if (S.t >= S.tEnd) setTime(0);
  S.playing = true; S.lastFrame = null;
  $("btn-play").textContent = "❚❚ pause";
  $("btn-play").dataset.playing = "1";
  requestAnimationFrame(tick);
}

function pause() {
  S.playing = false;
  $("btn-play").textContent = "▶ play";
  $("btn-play").dataset.playing = "0";
}

function tick(now) {
  if (!S.playing) return;
  const dt = S.lastFrame == null ? 0 : Math.min(now - S.lastFrame, 100);
  S.lastFrame = now;
  let t = S.t + dt * 1e6 * S.speed;        // dt ms of wall time -> sim ns
  if ($("skip-idle").checked) {
    // nothing in flight and the next event more than a second of wall time away: jump
    const next = S.recs[S.evIdx + 1];
    const inFlight = $("layer-packets").childElementCount > 0 || $("layer-queues").childElementCount > 0;
    if (next && !inFlight && next.t_ns - t > 1e9 * S.speed) t = next.t_ns - 0.05e9 * S.speed;
  }
  if (t >= S.tEnd) { setTime(S.tEnd); pause(); return; }
  setTime(t);
  requestAnimationFrame(tick);
}

// ---------------------------------------------------------------------------- messages
function buildMessageList() {
  const ul = $("messages");
  ul.replaceChildren();
  for (const m of S.trace.messages) {
    const li = document.createElement("li");
    li.className = "msg";
    li.dataset.id = m.id;
    const lat = (m.deliveries || []).map((d) => d.latency_ms).filter((x) => x != null);
    li.innerHTML = `<span>#${m.id} ${esc(m.from)} → ${esc(m.to)} <small>${esc(m.content || "")} ${m.size_bytes} B</small></span>`
      + `<span class="lat">${lat.length ? fmtMs(Math.max(...lat)) : "—"}</span>`;
    li.dataset.search = `#${m.id} ${m.id} ${m.from} ${m.to} ${m.from_device || ""} ${(m.deliveries || []).map((d) => d.device).join(" ")}`.toLowerCase();
    li.addEventListener("click", () => selectMessage(m.id));
    ul.appendChild(li);
  }
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function selectMessage(id) {
  const m = S.msgById.get(id);
  if (!m) return;
  S.selected = id;
  for (const li of $("messages").children) li.classList.toggle("selected", +li.dataset.id === id);
  highlightPath();
  // the message's packet events: first packet (and its resends) to follow hop by hop
  S.journey = [];
  S.recs.forEach((r, i) => { if (r.message === id && r.kind !== "ack" && (r.seq === 0 || r.what === "lost")) S.journey.push(i); });
  const d = $("details");
  let html = `<div class="msg-head" data-id="${m.id}"><b>#${m.id}</b> ${esc(m.from)} (${esc(m.from_device || "?")}) → ${esc(m.to)}, `
    + `${esc(m.content || "")} ${m.size_bytes} B → ${m.wire_bytes != null ? m.wire_bytes + " B on the wire, " : ""}${m.packets} packet${m.packets === 1 ? "" : "s"}, `
    + `server ${esc(m.server || "?")}, sent at ${fmtMs(m.sent_at_ms)}</div>`;
  html += `<div class="nav"><button id="j-prev">◀ previous hop</button><button id="j-next">next hop ▶</button><button id="j-start">go to send</button></div>`;
  (m.deliveries || []).forEach((dv, k) => {
    html += `<h3>to ${esc(dv.device)} — ${esc(dv.status || "")} ${dv.latency_ms != null ? "in " + fmtMs(dv.latency_ms) : ""}</h3>`;
    html += `<div class="path" data-device="${esc(dv.device)}">path: ${(dv.path || []).map((h) => `<span class="hop">${esc(h)}</span>`).join(" → ")}</div>`;
    const extra = [];
    if (dv.retransmissions) extra.push(`${dv.retransmissions} retransmission(s)`);
    if (dv.stored_ms) extra.push(`stored ${fmtMs(dv.stored_ms)} while offline`);
    if (dv.delivered_at_ms != null) extra.push(`delivered at ${fmtMs(dv.delivered_at_ms)}`);
    if (dv.read_at_ms != null) extra.push(`read at ${fmtMs(dv.read_at_ms)}`);
    if (extra.length) html += `<div class="extra">${extra.join(", ")}</div>`;
    const st = dv.stages_ms || {};
    const total = STAGES.reduce((s, k2) => s + (st[k2] || 0), 0) || 1;
    html += `<table class="stages" data-delivery="${k}">`;
    let cum = m.sent_at_ms;
    for (const s of STAGES) {
      const v = st[s] || 0;
      html += `<tr class="stage" data-stage="${s}" data-from="${cum}" data-to="${cum + v}"><td>${s}</td><td class="ms">${fmtMs(v)}</td>`
        + `<td class="bar"><div style="width:${(100 * v / total).toFixed(1)}%"></div></td></tr>`;
      cum += v;
    }
    html += `</table>`;
  });
  html += `<h3>hops of packet 1${m.packets > 1 ? " of " + m.packets : ""} (click to jump)</h3><ul class="steps">`;
  for (const i of S.journey) {
    const r = S.recs[i];
    html += `<li data-i="${i}" class="${r.what === "lost" ? "lost" : ""}">${fmtT(r.t_ns)} ${r.what}${r.copy ? " (resend " + r.copy + ")" : ""} at ${esc(r.at)}${r.next ? " → " + esc(r.next) : ""}</li>`;
  }
  if (!S.journey.length) html += `<li>no packet events (run with --trace packets)</li>`;
  html += `</ul>`;
  d.innerHTML = html;
  d.dataset.selected = id;
  for (const li of d.querySelectorAll(".steps li[data-i]")) li.addEventListener("click", () => { pause(); const i = +li.dataset.i; setTime(S.recs[i].t_ns, i); });
  $("j-next").addEventListener("click", () => journeyStep(1));
  $("j-prev").addEventListener("click", () => journeyStep(-1));
  $("j-start").addEventListener("click", () => { pause(); setTime(m.sent_at_ms * 1e6); });
  // follow it: jump to just before its first packet leaves
  pause();
  if (S.journey.length) setTime(S.recs[S.journey[0]].t_ns, S.journey[0]); else setTime(m.sent_at_ms * 1e6);
}

function highlightPath() {
  // highlight the links of every delivery's path of the selected message
  const m = S.msgById.get(S.selected);
  const onPath = new Set();
  for (const d of (m && m.deliveries) || []) {
    const p = d.path || [];
    for (let i = 0; i + 1 < p.length; i++) { onPath.add(lkey(p[i], p[i + 1])); onPath.add(lkey(p[i + 1], p[i])); }
  }
  for (const line of $("layer-links").children) line.classList.toggle("on-path", onPath.has(lkey(line.dataset.from, line.dataset.to)));
}

function journeyStep(dir) {
  pause();
  if (!S.journey || !S.journey.length) return;
  let k = dir > 0 ? S.journey.findIndex((i) => i > S.evIdx) : findLastIndex(S.journey, (i) => i < S.evIdx);
  if (k < 0) k = dir > 0 ? S.journey.length - 1 : 0;
  const i = S.journey[k];
  setTime(S.recs[i].t_ns, i);
}

function findLastIndex(a, f) { for (let i = a.length - 1; i >= 0; i--) if (f(a[i])) return i; return -1; }

function updateJourneyCursor() {
  const d = $("details");
  if (S.selected == null) return;
  for (const li of d.querySelectorAll(".steps li[data-i]")) li.classList.toggle("current", +li.dataset.i === S.evIdx);
  const tms = S.t / 1e6;
  for (const tr of d.querySelectorAll("tr.stage")) {
    tr.classList.toggle("current", +tr.dataset.to > +tr.dataset.from && tms >= +tr.dataset.from && tms < +tr.dataset.to);
  }
}

// ---------------------------------------------------------------------------- wiring
function wire() {
  $("btn-play").addEventListener("click", () => (S.playing ? pause() : play()));
  $("btn-fwd").addEventListener("click", () => step(1));
  $("btn-back").addEventListener("click", () => step(-1));
  $("speed").addEventListener("change", (e) => { S.speed = +e.target.value; });
  $("scrubber").addEventListener("input", (e) => { pause(); setTime(S.tEnd * e.target.value / 100000); });
  $("only-selected").addEventListener("change", () => render());
  $("msg-filter").addEventListener("input", (e) => {
    const q = e.target.value.trim().toLowerCase();
    for (const li of $("messages").children) li.style.display = !q || li.dataset.search.includes(q) ? "" : "none";
  });
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT" && e.target.type !== "range") return;
    if (e.key === " ") { e.preventDefault(); S.playing ? pause() : play(); }
    else if (e.key === "ArrowRight") { e.preventDefault(); step(1); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); step(-1); }
  });
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (S.topo) { layout(); drawTopology(); highlightPath(); render(); } }, 150);
  });
}

wire();
load();
