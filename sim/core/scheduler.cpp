#include "sim/core/scheduler.hpp"

#include <cstring>
#include <string>

#include "sim/core/check.hpp"

namespace sim {

Time Entity::now() const {
    return scheduler_->now_;
}

void Entity::send(EntityId dst, Duration delay, EventKind kind, std::uint64_t payload,
                  std::uint32_t slot) {
    MSGSIM_CHECK(delay.count() >= 0,
                 "event scheduled in the past by entity " + std::to_string(id_));
    scheduler_->push(*this, dst, scheduler_->now_ + delay, kind, payload, slot, 0, 0);
}

TimerHandle Entity::start_timer(Duration delay, EventKind kind, std::uint64_t payload,
                                std::uint32_t slot) {
    MSGSIM_CHECK(delay.count() >= 0, "timer set in the past by entity " + std::to_string(id_));
    Scheduler& s = *scheduler_;
    std::uint32_t index;
    if (!s.free_timers_.empty()) {
        index = s.free_timers_.back();
        s.free_timers_.pop_back();
    } else {
        index = static_cast<std::uint32_t>(s.timer_gen_.size());
        s.timer_gen_.push_back(0);
    }
    const std::uint32_t gen = s.timer_gen_[index];
    s.push(*this, id_, s.now_ + delay, kind, payload, slot, index + 1, gen);
    return TimerHandle{index + 1, gen};
}

void Entity::cancel_timer(TimerHandle& t) {
    if (t.armed()) {
        Scheduler& s = *scheduler_;
        const std::uint32_t index = t.slot - 1;
        if (s.timer_gen_[index] == t.gen) {
            ++s.timer_gen_[index];  // the queued event is now stale
            s.free_timers_.push_back(index);
        }
    }
    t = TimerHandle{};
}

const Event& Entity::current_event() const {
    return scheduler_->current_;
}

void Entity::fingerprint(std::uint64_t value) {
    hash_ = mix64(hash_ ^ value);
}

Scheduler::Scheduler(QueueKind queue) {
    switch (queue) {
        case QueueKind::Heap:
            queue_.emplace<HeapQueue>();
            break;
        case QueueKind::CompactHeap:
            queue_.emplace<CompactHeapQueue>();
            break;
        case QueueKind::Ladder:
            queue_.emplace<LadderQueue>();
            break;
    }
}

void Scheduler::add(Entity& e) {
    e.scheduler_ = this;
    if (partitioned()) {
        MSGSIM_CHECK(e.id() < part_of_.size() &&
                         (part_of_[e.id()] == part_ || part_of_[e.id()] == kEveryPart),
                     "entity " + std::to_string(e.id()) + " added to the wrong part");
        entities_[e.id()] = &e;
        return;
    }
    MSGSIM_CHECK(e.id() == entities_.size(), "entity ids must be dense and added in id order");
    entities_.push_back(&e);
}

void Scheduler::partition(std::vector<std::uint32_t> part_of, std::uint32_t mine,
                          PayloadCodec* codec) {
    MSGSIM_CHECK(entities_.empty(), "partition() must come before add()");
    std::uint32_t parts = mine + 1;
    for (const std::uint32_t p : part_of) {
        if (p != kEveryPart) parts = std::max(parts, p + 1);
    }
    entities_.assign(part_of.size(), nullptr);
    part_of_ = std::move(part_of);
    part_ = mine;
    codec_ = codec;
    outbox_.assign(parts, {});
}

void Scheduler::push(Entity& src, EntityId dst, Time when, EventKind kind, std::uint64_t payload,
                     std::uint32_t slot, std::uint32_t timer, std::uint32_t gen) {
    MSGSIM_CHECK(dst < entities_.size(), "event sent to unknown entity " + std::to_string(dst));
    const Event e{.when = when,
                  .seq = src.next_seq_++,
                  .src = src.id_,
                  .dst = dst,
                  .slot = slot,
                  .timer = timer,
                  .gen = gen,
                  .kind = kind,
                  .payload = payload};
    if (!part_of_.empty() && part_of_[dst] != part_) {
        if (part_of_[dst] != kEveryPart) {
            push_remote(e);
            return;
        }
        // A replicated entity: every copy must see what others send it.
        if (dst != e.src) {
            for (std::uint32_t p = 0; p < outbox_.size(); ++p) {
                if (p != part_) push_remote_to(p, e);
            }
        }
    }
    push_event(e);
}

void Scheduler::push_remote(const Event& e) {
    push_remote_to(part_of_[e.dst], e);
}

void Scheduler::push_remote_to(std::uint32_t part, const Event& e) {
    MSGSIM_CHECK(e.timer == 0, "a timer must stay with its entity");
    MSGSIM_CHECK(e.when >= window_end_,
                 "entity " + std::to_string(e.src) + " scheduled an event for entity " +
                     std::to_string(e.dst) + " of another part inside the lookahead window");
    // Batch format, per event: the Event record, then the codec's bytes with their length.
    std::vector<std::byte>& out = outbox_[part];
    outbox_min_ = std::min(outbox_min_, e.when);
    const std::size_t at = out.size();
    out.resize(at + sizeof(Event) + sizeof(std::uint32_t));
    std::memcpy(out.data() + at, &e, sizeof(Event));
    const std::size_t body = out.size();
    if (codec_ != nullptr) codec_->encode(e, out);
    const auto n = static_cast<std::uint32_t>(out.size() - body);
    std::memcpy(out.data() + at + sizeof(Event), &n, sizeof n);
}

std::uint64_t Scheduler::deliver(std::span<const std::byte> batch) {
    std::uint64_t count = 0;
    while (!batch.empty()) {
        MSGSIM_CHECK(batch.size() >= sizeof(Event) + sizeof(std::uint32_t), "truncated batch");
        Event e;
        std::uint32_t n;
        std::memcpy(&e, batch.data(), sizeof(Event));
        std::memcpy(&n, batch.data() + sizeof(Event), sizeof n);
        batch = batch.subspan(sizeof(Event) + sizeof n);
        MSGSIM_CHECK(batch.size() >= n && local(e.dst), "malformed batch");
        if (codec_ != nullptr) e.payload = codec_->decode(e, batch.first(n));
        batch = batch.subspan(n);
        MSGSIM_CHECK(e.when >= now_, "an event from another part arrived in the past");
        push_event(e);
        ++count;
    }
    return count;
}

std::vector<std::vector<std::byte>> Scheduler::take_outboxes() {
    std::vector<std::vector<std::byte>> out(outbox_.size());
    out.swap(outbox_);
    outbox_min_ = kTimeMax;
    return out;
}

Time Scheduler::next_time() const {
    return std::visit([](const auto& q) { return q.empty() ? kTimeMax : q.top().when; }, queue_);
}

std::uint64_t Scheduler::run_window(Time end, Time until) {
    window_end_ = end;
    const std::uint64_t n = std::visit(
        [&](auto& q) { return run_on(q, until, end, std::function<void(Time)>{}, UINT64_MAX); },
        queue_);
    window_end_ = kTimeMax;
    return n;
}

void Scheduler::advance_to(Time t) {
    MSGSIM_CHECK(t >= now_, "advance_to: time went backwards");
    now_ = t;
}

void Scheduler::push_event(const Event& e) {
    switch (queue_.index()) {
        case 0:
            std::get<0>(queue_).push(e);
            break;
        case 1:
            std::get<1>(queue_).push(e);
            break;
        default:
            std::get<2>(queue_).push(e);
            break;
    }
}

void Scheduler::schedule(const Event& e) {
    MSGSIM_CHECK(local(e.src), "event from an unknown entity (or one of another part)");
    MSGSIM_CHECK(e.when >= now_, "event injected in the past");
    Entity& src = *entities_[e.src];
    push(src, e.dst, e.when, e.kind, e.payload, e.slot, 0, 0);
}

std::uint64_t Scheduler::run(Time until, const std::function<void(Time)>& progress,
                             std::uint64_t progress_every) {
    return std::visit([&](auto& q) { return run_on(q, until, kTimeMax, progress, progress_every); },
                      queue_);
}

namespace {
/// How many events ahead the loop prefetches a target entity (when the queue can tell).
constexpr std::size_t kPrefetchDistance = 4;
}  // namespace

template <class Queue>
std::uint64_t Scheduler::run_on(Queue& queue, Time until, Time end,
                                const std::function<void(Time)>& progress,
                                std::uint64_t progress_every) {
    std::uint64_t count = 0;
    std::uint64_t next_report = progress_every;
    while (!queue.empty() && !stop_requested_) {
        if (queue.top().when > until || queue.top().when >= end) break;
        const Event ev = queue.pop();
        // The targets of the next events are cache misses in large models: start loading
        // them now, while this event runs. One event ahead is too late to hide a miss to
        // memory; a few events ahead, the first two lines of the target (where the model
        // keeps the members every event reads) have time to arrive.
        if (!queue.empty()) __builtin_prefetch(entities_[queue.top().dst]);
        if (const Event* later = queue.ahead(kPrefetchDistance)) {
            const char* target = reinterpret_cast<const char*>(entities_[later->dst]);
            __builtin_prefetch(target);
            __builtin_prefetch(target + 64);
        }
        if (ev.timer != 0) {
            const std::uint32_t index = ev.timer - 1;
            if (timer_gen_[index] != ev.gen) continue;  // cancelled
            ++timer_gen_[index];
            free_timers_.push_back(index);
        }
        MSGSIM_CHECK(ev.when >= now_, "time went backwards");
        now_ = ev.when;
        Entity& target = *entities_[ev.dst];
        target.hash_ =
            mix64(target.hash_ ^ static_cast<std::uint64_t>(ev.when.time_since_epoch().count()) ^
                  (std::uint64_t{ev.kind} << 48));
        if (hook_) hook_(hook_context_, ev);
        current_ = ev;
        if (!part_of_.empty() && part_of_[ev.dst] == kEveryPart) ++replicated_executed_;
        target.on_event(ev);
        ++count;
        if (progress && count >= next_report) {
            progress(now_);
            next_report += progress_every;
        }
    }
    if (end == kTimeMax && !stop_requested_ && now_ < until && until != kTimeMax) now_ = until;
    executed_ += count;
    return count;
}

std::uint64_t Scheduler::fingerprint() const {
    MSGSIM_CHECK(!partitioned(), "a part has no whole fingerprint: combine entity_hash()");
    std::uint64_t h = 0;
    for (const Entity* e : entities_)
        h = mix64(h ^ e->hash_);
    return h;
}

}  // namespace sim
