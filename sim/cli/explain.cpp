// msgsim explain: runs a scenario and narrates one message's journey in plain sentences
// with simulated timestamps, from the stage records the model wrote (nothing re-derived).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "sim/cli/commands.hpp"
#include "sim/cli/load.hpp"
#include "sim/model/simulation.hpp"

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

/// One leg of the journey (uplink or downlink): where its time went, along the packet
/// that completed reassembly. Prints the arrival line and returns the leg's duration.
Duration narrate_leg(Time start, const char* indent, const std::string& who, const model::Stages& s,
                     const std::vector<net::NodeIndex>& path, std::uint32_t resends,
                     const model::ModelSpec& spec) {
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
    t += narrate_leg(t, "", "The server " + spec.nodes[m.server].id, up, m.uplink_path,
                     m.uplink_retransmissions, spec);
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
            case model::Delivery::Status::Pending:
                std::printf("  The delivery to %s was still under way when the run ended.\n",
                            dev.c_str());
                continue;
            case model::Delivery::Status::Delivered:
                break;
        }
        const auto& s = d.stages;
        Time u = at_server_done;
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
        u += narrate_leg(u, "  ", dev, s, d.path, d.retransmissions, spec);
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
