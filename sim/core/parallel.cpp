#include "sim/core/parallel.hpp"

#include <chrono>

#include "sim/core/check.hpp"
#include "sim/core/ranks.hpp"

namespace sim {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}
Time window_end(Time t0, Duration lookahead) {
    return t0 > kTimeMax - lookahead ? kTimeMax : t0 + lookahead;
}
}  // namespace

ParallelStats run_over_ranks(Scheduler& sched, Duration lookahead, Time until,
                             const WindowHooks& hooks) {
    MSGSIM_CHECK(lookahead > Duration{0}, "a partitioned run needs a positive lookahead");
    ParallelStats st;
    st.parts = static_cast<std::uint32_t>(ranks::size());
    st.lookahead = lookahead;
    auto asked_to_stop = [&] { return hooks.stop != nullptr && hooks.stop->load(); };
    // The first window starts at the earliest event of any part; after that, each window's
    // exchange also tells every part where the next one starts (the least of each part's
    // earliest pending or just-sent event), so a window costs one collective.
    auto t = Clock::now();
    std::int64_t v[2] = {sched.next_time().time_since_epoch().count(), asked_to_stop() ? 0 : 1};
    ranks::allreduce_min(v);
    st.wait_s += seconds_since(t);
    Time t0{Duration{v[0]}};
    bool stopped = v[1] == 0;
    while (!stopped && t0 <= until && t0 != kTimeMax) {
        const Time end = window_end(t0, lookahead);
        t = Clock::now();
        st.events += sched.run_window(end, until);
        st.busy_s += seconds_since(t);
        t = Clock::now();
        const Time next = std::min(sched.next_time(), sched.outbox_min_time());
        const auto ex = ranks::exchange_window(sched.take_outboxes(),
                                               next.time_since_epoch().count(), asked_to_stop());
        for (const auto& batch : ex.in) {
            st.remote_bytes += batch.size();
            st.remote_events += sched.deliver(batch);
        }
        st.wait_s += seconds_since(t);
        ++st.windows;
        if (hooks.progress) hooks.progress(std::min(end, until));
        t0 = Time{Duration{ex.next}};
        stopped = ex.stop;
    }
    if (stopped) {
        sched.stop();
    } else if (until != kTimeMax && sched.now() < until) {
        sched.advance_to(until);
    }
    return st;
}

ParallelStats run_parts_in_process(std::span<Scheduler* const> parts, Duration lookahead,
                                   Time until) {
    MSGSIM_CHECK(lookahead > Duration{0}, "a partitioned run needs a positive lookahead");
    ParallelStats st;
    st.parts = static_cast<std::uint32_t>(parts.size());
    st.lookahead = lookahead;
    for (;;) {
        Time t0 = kTimeMax;
        for (const Scheduler* s : parts)
            t0 = std::min(t0, s->next_time());
        if (t0 > until || t0 == kTimeMax) break;
        const Time end = window_end(t0, lookahead);
        for (Scheduler* s : parts)
            st.events += s->run_window(end, until);
        // Every part's outboxes, delivered after all parts have run: as over MPI.
        std::vector<std::vector<std::vector<std::byte>>> out;
        for (Scheduler* s : parts)
            out.push_back(s->take_outboxes());
        for (std::size_t from = 0; from < parts.size(); ++from) {
            for (std::size_t to = 0; to < out[from].size(); ++to) {
                st.remote_bytes += out[from][to].size();
                st.remote_events += parts[to]->deliver(out[from][to]);
            }
        }
        ++st.windows;
    }
    for (Scheduler* s : parts) {
        if (until != kTimeMax && s->now() < until) s->advance_to(until);
    }
    return st;
}

std::uint64_t combine_fingerprint(std::span<const std::uint64_t> hashes_by_id) {
    std::uint64_t h = 0;
    for (const std::uint64_t x : hashes_by_id)
        h = mix64(h ^ x);
    return h;
}

}  // namespace sim
