#include "sim/core/scheduler.hpp"

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
    MSGSIM_CHECK(e.id() == entities_.size(), "entity ids must be dense and added in id order");
    e.scheduler_ = this;
    entities_.push_back(&e);
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
    MSGSIM_CHECK(e.src < entities_.size(), "event from unknown entity");
    MSGSIM_CHECK(e.when >= now_, "event injected in the past");
    Entity& src = *entities_[e.src];
    push(src, e.dst, e.when, e.kind, e.payload, e.slot, 0, 0);
}

std::uint64_t Scheduler::run(Time until, const std::function<void(Time)>& progress,
                             std::uint64_t progress_every) {
    return std::visit([&](auto& q) { return run_on(q, until, progress, progress_every); }, queue_);
}

namespace {
/// How many events ahead the loop prefetches a target entity (when the queue can tell).
constexpr std::size_t kPrefetchDistance = 4;
}  // namespace

template <class Queue>
std::uint64_t Scheduler::run_on(Queue& queue, Time until, const std::function<void(Time)>& progress,
                                std::uint64_t progress_every) {
    std::uint64_t count = 0;
    std::uint64_t next_report = progress_every;
    while (!queue.empty() && !stop_requested_) {
        if (queue.top().when > until) break;
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
        target.on_event(ev);
        ++count;
        if (progress && count >= next_report) {
            progress(now_);
            next_report += progress_every;
        }
    }
    if (!stop_requested_ && now_ < until && until != kTimeMax) now_ = until;
    executed_ += count;
    return count;
}

std::uint64_t Scheduler::fingerprint() const {
    std::uint64_t h = 0;
    for (const Entity* e : entities_)
        h = mix64(h ^ e->hash_);
    return h;
}

}  // namespace sim
