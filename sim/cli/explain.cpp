// msgsim explain: runs a scenario and narrates one message's journey in plain sentences
// with simulated timestamps, from the stage records the model wrote (nothing re-derived).
#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "sim/cli/commands.hpp"
#include "sim/cli/load.hpp"
#include "sim/model/simulation.hpp"
#include "sim/net/routing_policy.hpp"

namespace sim::cli {

namespace {

using model::Stage;

std::string at(Time t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "[%10.3f ms]", to_ms(t));
    return buf;
}

std::string ms(Duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", to_ms(d));
    return buf;
}

std::string path_text(const model::ModelSpec& spec, const std::vector<net::NodeIndex>& path) {
    std::string s;
    for (net::NodeIndex n : path)
        s += (s.empty() ? "" : " -> ") + spec.nodes[n].id;
    return s;
}

/// Routing as it stood at one instant, rebuilt from the route changes the run published
/// (the costs the controller computed), to say why a leg took its path.
class RouteView {
public:
    RouteView(const model::ModelSpec& spec, const model::RunResult& r, Time at)
        : spec_(spec), policy_(net::make_routing_policy(spec.routing.policy)) {
        cost_.assign(2 * spec.links.size(), -1);
        for (std::size_t i = 0; i < spec.links.size(); ++i) {
            if (phone(spec.links[i].a) || phone(spec.links[i].b)) continue;
            cost_[2 * i] = cost_[2 * i + 1] = policy_->link_cost(spec.links[i], Duration{0});
        }
        for (const model::RouteUpdate& u : r.route_updates) {
            if (u.at > at) break;
            for (const auto& [dir, before, after] : u.changes)
                cost_[dir] = after;
            last_ = &u;
        }
    }
    const net::RoutingPolicy& policy() const { return *policy_; }
    const model::RouteUpdate* last_update() const { return last_; }
    bool phone(net::NodeIndex n) const { return spec_.nodes[n].kind == net::NodeKind::Phone; }
    /// Link direction a -> b, or -1.
    std::int64_t direction(net::NodeIndex a, net::NodeIndex b) const {
        for (std::size_t i = 0; i < spec_.links.size(); ++i) {
            if (spec_.links[i].a == a && spec_.links[i].b == b)
                return static_cast<std::int64_t>(2 * i);
            if (spec_.links[i].b == a && spec_.links[i].a == b)
                return static_cast<std::int64_t>(2 * i + 1);
        }
        return -1;
    }
    std::int64_t cost(std::int64_t dir) const { return dir < 0 ? -1 : cost_[dir]; }
    /// Least cost from every node to `dest` over the directions that are up, and how many
    /// least-cost routes there are (-1: unreachable).
    /// Nodes in `avoid` are never passed through.
    std::pair<std::vector<std::int64_t>, std::vector<std::uint64_t>> to(
        net::NodeIndex dest, const std::vector<net::NodeIndex>& avoid = {}) const {
        const std::size_t n = spec_.nodes.size();
        std::vector<std::int64_t> dist(n, -1);
        std::vector<std::uint64_t> ways(n, 0);
        using Item = std::pair<std::int64_t, net::NodeIndex>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> q;
        dist[dest] = 0;
        ways[dest] = 1;
        q.push({0, dest});
        std::vector<char> done(n, 0);
        while (!q.empty()) {
            const auto [d, v] = q.top();
            q.pop();
            if (done[v]) continue;
            done[v] = 1;
            for (std::size_t i = 0; i < spec_.links.size(); ++i) {
                const net::LinkSpec& l = spec_.links[i];
                // Edges u -> v, relaxed backwards from the destination.
                for (const auto& [u, dir] : {std::pair{l.a, 2 * i}, std::pair{l.b, 2 * i + 1}}) {
                    if ((dir % 2 == 0 ? l.b : l.a) != v || cost_[dir] < 0 || phone(u)) continue;
                    if (std::find(avoid.begin(), avoid.end(), u) != avoid.end()) continue;
                    const std::int64_t nd = d + cost_[dir];
                    if (dist[u] < 0 || nd < dist[u]) {
                        dist[u] = nd;
                        ways[u] = ways[v];
                        q.push({nd, u});
                    } else if (nd == dist[u] && !done[u]) {
                        ways[u] += ways[v];
                    }
                }
            }
        }
        return {dist, ways};
    }
    std::string cost_text(std::int64_t c) const {
        constexpr std::int64_t kHop = std::int64_t{1} << 40;  // as in min_hop_policy.cpp
        if (policy_->name() == "min-hop") {
            return std::to_string(c / kHop) + " hop(s), " + ms(Duration{c % kHop});
        }
        return ms(Duration{c});
    }

private:
    const model::ModelSpec& spec_;
    std::unique_ptr<net::RoutingPolicy> policy_;
    std::vector<std::int64_t> cost_;
    const model::RouteUpdate* last_ = nullptr;
};

/// Why a leg's packets took `path`: the policy, its cost, the best alternative and, for
/// adaptive routing or after a fault, the route change in force.
std::string route_reason(const model::ModelSpec& spec, const model::RunResult& r, Time at,
                         const std::vector<net::NodeIndex>& path) {
    const RouteView view(spec, r, at);
    std::vector<net::NodeIndex> core;
    for (net::NodeIndex n : path) {
        if (!view.phone(n)) core.push_back(n);
    }
    const std::string policy(view.policy().name());
    if (core.size() < 2) return "no routing decision (no router between the ends).";
    std::int64_t taken = 0;
    for (std::size_t i = 0; i + 1 < core.size(); ++i) {
        const std::int64_t c = view.cost(view.direction(core[i], core[i + 1]));
        taken += std::max<std::int64_t>(c, 0);
    }
    const auto [dist, ways] = view.to(core.back());
    std::string via;
    for (std::size_t i = 1; i + 1 < core.size(); ++i)
        via += (via.empty() ? "" : " ") + spec.nodes[core[i]].id;
    if (via.empty()) via = "the direct link";
    // The best route that leaves the one taken at some node (without coming back to it).
    std::optional<std::int64_t> alt;
    net::NodeIndex alt_hop = net::kNoNode, alt_at = net::kNoNode;
    std::int64_t prefix = 0;
    for (std::size_t i = 0; i + 1 < core.size(); ++i) {
        // Leave at core[i] and never come back to the part of the path already travelled.
        const std::vector<net::NodeIndex> travelled(
            core.begin(), core.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        const auto rest = view.to(core.back(), travelled).first;
        for (net::NodeIndex n = 0; n < spec.nodes.size(); ++n) {
            if (n == core[i + 1] || view.phone(n) || rest[n] < 0) continue;
            if (std::find(travelled.begin(), travelled.end(), n) != travelled.end()) continue;
            const std::int64_t c = view.cost(view.direction(core[i], n));
            if (c < 0) continue;
            if (!alt || prefix + c + rest[n] < *alt) {
                alt = prefix + c + rest[n];
                alt_hop = n;
                alt_at = core[i];
            }
        }
        prefix += std::max<std::int64_t>(view.cost(view.direction(core[i], core[i + 1])), 0);
    }
    std::string s = policy + ": ";
    if (policy == "shortest-path") {
        s += "least propagation latency, " + view.cost_text(taken) + " via " + via;
    } else if (policy == "min-hop") {
        s += "fewest hops, " + view.cost_text(taken) + " via " + via;
    } else if (policy == "ecmp") {
        const std::uint64_t k = ways[core.front()];
        s += "least latency, " + view.cost_text(taken) + " via " + via +
             (k > 1 ? "; one of " + std::to_string(k) +
                          " equal-cost paths, chosen by a hash of the flow (its two endpoints)"
                    : "; the only least-latency path");
    } else {
        s += "least latency plus measured queueing, cost " + view.cost_text(taken) + " via " + via;
    }
    if (alt && (policy != "ecmp" || *alt != taken)) {
        s += "; the alternative via " + spec.nodes[alt_hop].id +
             (alt_at == core.front() ? "" : " (turning off at " + spec.nodes[alt_at].id + ")") +
             " would cost " + view.cost_text(*alt);
    } else if (!alt) {
        s += "; there is no other route over the links that are up";
    }
    if (dist[core.front()] >= 0 && taken != dist[core.front()]) {
        s += " (routes changed while it travelled: the best route now costs " +
             view.cost_text(dist[core.front()]) + ")";
    }
    if (const model::RouteUpdate* u = view.last_update()) {
        s += ". Routes last changed at " + ms(u->at - kTimeZero) + " because " + u->reason;
        std::string on_path;
        int shown = 0;
        for (const auto& [dir, before, after] : u->changes) {
            bool on = false;
            for (std::size_t i = 0; i + 1 < core.size(); ++i)
                on = on || view.direction(core[i], core[i + 1]) == dir;
            if (!on && shown >= 2) continue;
            const net::LinkSpec& l = spec.links[dir / 2];
            const bool forward = dir % 2 == 0;
            auto c = [&](std::int64_t x) {
                return x < 0 ? std::string("down") : view.cost_text(x);
            };
            on_path += std::string(on_path.empty() ? ": " : "; ") +
                       spec.nodes[forward ? l.a : l.b].id + "->" +
                       spec.nodes[forward ? l.b : l.a].id + (on ? " (on this path)" : "") +
                       " old cost " + c(before) + ", new cost " + c(after);
            ++shown;
        }
        s += on_path;
    }
    return s + ".";
}

/// One leg of the journey (uplink or downlink): where its time went, along the packet
/// that completed reassembly. Prints the arrival line and returns the leg's duration.
Duration narrate_leg(Time start, const char* indent, const std::string& who, const model::Stages& s,
                     const std::vector<net::NodeIndex>& path, std::uint32_t resends,
                     const model::ModelSpec& spec, const model::RunResult& r) {
    const Duration leg = s[Stage::Access] + s[Stage::Queueing] + s[Stage::Network] +
                         s[Stage::Retransmit] + s[Stage::Reassembly];
    std::printf(
        "%s%s %s has all packets after %s: path %s; access links %s, queueing %s, propagation "
        "and transmission %s, lost to retransmission %s (%u resend(s)), waiting for other "
        "packets %s.\n",
        indent, at(start + leg).c_str(), who.c_str(), ms(leg).c_str(),
        path_text(spec, path).c_str(), ms(s[Stage::Access]).c_str(), ms(s[Stage::Queueing]).c_str(),
        ms(s[Stage::Network]).c_str(), ms(s[Stage::Retransmit]).c_str(), resends,
        ms(s[Stage::Reassembly]).c_str());
    std::printf("%s    Why this path: %s\n", indent, route_reason(spec, r, start, path).c_str());
    return leg;
}

void narrate(const model::ModelSpec& spec, const model::RunResult& r, std::uint32_t id) {
    const model::MessageRecord& m = r.journal[id];
    const auto& up = m.uplink;
    const std::string from = spec.users[m.from].id;
    const std::string to = spec.users[m.to].id;
    Time t = m.sent_at;
    std::printf("Message %u: %s -> %s, %s, %llu bytes of plaintext.\n\n", id, from.c_str(),
                to.c_str(), model::content_name(m.content),
                static_cast<unsigned long long>(m.size_bytes));
    std::printf("%s %s sends it from %s.\n", at(t).c_str(), from.c_str(),
                spec.nodes[m.sender].id.c_str());
    t += up[Stage::Encode];
    std::printf("%s Encoded to bytes (%s).\n", at(t).c_str(), ms(up[Stage::Encode]).c_str());
    t += up[Stage::Compress];
    std::printf("%s Compressed (%s); then encrypted end to end:\n", at(t).c_str(),
                ms(up[Stage::Compress]).c_str());
    t += up[Stage::Encrypt];
    std::printf(
        "%s %llu bytes on the wire after compression and encryption (%s), cut into %u packet(s).\n",
        at(t).c_str(), static_cast<unsigned long long>(m.wire_bytes),
        ms(up[Stage::Encrypt]).c_str(), m.packets);
    if (up[Stage::OfflineWait].count() > 0) {
        t += up[Stage::OfflineWait];
        std::printf(
            "%s The sender's phone was offline; it held the message for %s until it reconnected.\n",
            at(t).c_str(), ms(up[Stage::OfflineWait]).c_str());
    }
    if (!m.at_server) {
        std::printf("%s The upload had not reached the server when the run ended.\n",
                    at(kTimeZero + r.sim_time).c_str());
        return;
    }
    if (m.resets > 0) {
        std::printf(
            "  (A server crashed with this message in its queue or still arriving, before "
            "processing it: %u time(s) the phone learned of the reset connection and sent the "
            "whole message again; that time counts as lost to retransmission.)\n",
            m.resets);
    }
    t += narrate_leg(t, "", "The server " + spec.nodes[m.server].id, up, m.uplink_path,
                     m.uplink_retransmissions, spec, r);
    t += up[Stage::Server];
    std::printf("%s The server has queued and processed it (%s) and looks up %s's %zu device(s).\n",
                at(t).c_str(), ms(up[Stage::Server]).c_str(), to.c_str(), m.deliveries.size());
    const Time at_server_done = t;
    for (const model::Delivery& d : m.deliveries) {
        const std::string dev = spec.nodes[d.device].id;
        std::printf("\n  To %s%s:\n", dev.c_str(),
                    d.sync ? " (a sync copy for the sender's other device)" : "");
        switch (d.status()) {
            case model::Delivery::Status::Stored:
                std::printf(
                    "  %s %s is offline: the message is stored on the server (still there when the "
                    "run ended).\n",
                    at(at_server_done).c_str(), dev.c_str());
                continue;
            case model::Delivery::Status::Expired:
                std::printf(
                    "  %s The stored copy for %s expired (TTL or full storage) and was dropped, "
                    "counted as expired.\n",
                    at(at_server_done).c_str(), dev.c_str());
                continue;
            case model::Delivery::Status::Lost:
                std::printf(
                    "  A server holding the copy for %s crashed, and its storage is not durable: "
                    "the copy was lost, counted as lost.\n",
                    dev.c_str());
                continue;
            case model::Delivery::Status::Pending:
                std::printf("  The delivery to %s was still under way when the run ended.\n",
                            dev.c_str());
                continue;
            case model::Delivery::Status::Delivered:
                break;
        }
        // The device's own leg: its stages without the backbone's share.
        model::Stages s = d.stages;
        for (std::size_t i = 0; i < model::kStageCount; ++i)
            s.d[i] -= d.relay.d[i];
        Time u = at_server_done;
        if (d.relay_server != net::kNoNode) {
            const std::string relay = spec.nodes[d.relay_server].id;
            std::printf("  %s is served by %s, not by %s: the message crosses the backbone.\n",
                        dev.c_str(), relay.c_str(), spec.nodes[m.server].id.c_str());
            u += narrate_leg(u, "  ", "The server " + relay, d.relay, d.relay_path, 0, spec, r);
            u += d.relay[Stage::Server];
            std::printf("  %s %s has queued and processed it (%s).\n", at(u).c_str(), relay.c_str(),
                        ms(d.relay[Stage::Server]).c_str());
        }
        if (s[Stage::Server].count() > 0) {
            u += s[Stage::Server];
            std::printf(
                "  %s The delivering server crashed; the message waited %s for its restart.\n",
                at(u).c_str(), ms(s[Stage::Server]).c_str());
        }
        if (s[Stage::OfflineWait].count() > 0) {
            u += s[Stage::OfflineWait];
            std::printf(
                "  %s %s was offline; the message waited in storage %s in all, then left as it "
                "reconnected.\n",
                at(u).c_str(), dev.c_str(), ms(s[Stage::OfflineWait]).c_str());
        }
        if (s[Stage::Push].count() > 0) {
            u += s[Stage::Push];
            std::printf(
                "  %s A push notification woke the app on %s after %s; it fetches its backlog.\n",
                at(u).c_str(), dev.c_str(), ms(s[Stage::Push]).c_str());
        }
        u += narrate_leg(u, "  ", dev, s, d.path, d.retransmissions, spec, r);
        std::printf("  %s Decrypted (%s): delivered.\n", at(d.delivered_at).c_str(),
                    ms(s[Stage::Decrypt]).c_str());
        std::printf("  %s Displayed (%s).\n", at(d.displayed_at).c_str(),
                    ms(s[Stage::Display]).c_str());
        std::printf("  %s Notified (%s). End of the journey: latency %s.\n", at(d.done_at).c_str(),
                    ms(s[Stage::Notify]).c_str(), ms(d.latency).c_str());
        if (d.read) std::printf("  %s %s reads it.\n", at(d.read_at).c_str(), to.c_str());
    }
    if (!m.receipts.empty())
        std::printf("\n  Receipts, as %s sees them:\n", spec.nodes[m.sender].id.c_str());
    for (const model::ReceiptSeen& r : m.receipts) {
        std::printf("  %s %s receipt from %s arrives (%s after sending).\n", at(r.seen_at).c_str(),
                    r.kind == model::MessageKind::ReadReceipt ? "Read" : "Delivery",
                    spec.nodes[r.device].id.c_str(), ms(r.seen_at - m.sent_at).c_str());
    }
}

/// The first user message whose journey touches the most stages (the default to explain).
std::uint32_t most_eventful(const model::RunResult& r) {
    std::uint32_t best = 0;
    std::size_t best_score = 0;
    const auto& msgs = r.journal.messages();
    for (std::uint32_t i = 0; i < msgs.size(); ++i) {
        const model::MessageRecord& m = msgs[i];
        if (m.kind != model::MessageKind::User) continue;
        std::size_t score = m.receipts.size();
        for (std::size_t s = 0; s < model::kStageCount; ++s) {
            bool touched = m.uplink.d[s].count() > 0;
            for (const model::Delivery& d : m.deliveries)
                touched = touched || d.stages.d[s].count() > 0;
            score += touched;
        }
        if (score > best_score) {
            best_score = score;
            best = i;
        }
    }
    return best;
}

}  // namespace

Action add_explain(CLI::App& app) {
    struct Options {
        std::string file;
        std::optional<std::uint32_t> message;
        std::vector<std::string> sets;
    };
    auto o = std::make_shared<Options>();
    app.add_option("scenario", o->file, "Scenario file (JSON)")->required();
    app.add_option("--message", o->message,
                   "Message id as in trace.json (default: the first one whose journey touches the "
                   "most stages)");
    app.add_option("--set", o->sets, "Override a scenario value: PATH=VALUE");
    return [o] {
        const model::ModelSpec spec = load_checked(o->file, o->sets);
        const model::RunResult r = model::run_simulation(spec);
        const auto& msgs = r.journal.messages();
        if (msgs.empty()) {
            std::fprintf(stderr, "msgsim: %s sends no message before its end\n", o->file.c_str());
            return kExitFailure;
        }
        const std::uint32_t id = o->message.value_or(most_eventful(r));
        if (id >= msgs.size()) {
            std::fprintf(stderr, "msgsim: error: --message %u: the run has messages 0 to %zu\n", id,
                         msgs.size() - 1);
            return kExitBadInput;
        }
        if (msgs[id].kind != model::MessageKind::User) {
            std::fprintf(stderr, "msgsim: error: --message %u is a receipt of message %u\n", id,
                         msgs[id].receipt_for);
            return kExitBadInput;
        }
        narrate(spec, r, id);
        return kExitOk;
    };
}

}  // namespace sim::cli
