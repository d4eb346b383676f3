// The kernel: entities, the event loop, cancellable timers and the run fingerprint.
// Entities act only by scheduling events; the scheduler delivers them in Event order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <variant>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "sim/core/mix.hpp"
#include "sim/core/time.hpp"

namespace sim {

class Scheduler;

/// Turns an event's payload into bytes when the event leaves for another part, and back
/// on arrival. The model's payloads are indices into pools that only exist in one process
/// (packets); an event whose payload is a plain value needs no bytes.
class PayloadCodec {
public:
    virtual ~PayloadCodec() = default;
    /// Appends what `e.payload` refers to (nothing for a plain value) and releases the
    /// local copy: the event now lives in the other part.
    virtual void encode(const Event& e, std::vector<std::byte>& out) = 0;
    /// Rebuilds the payload from `bytes` (as written by encode) and returns the new value.
    virtual std::uint64_t decode(const Event& e, std::span<const std::byte> bytes) = 0;
};

/// A handle on a pending timer. Cancelling is O(1): the slot's generation is bumped and
/// the stale event is skipped when it reaches the top of the queue (lazy deletion).
struct TimerHandle {
    std::uint32_t slot = 0;  ///< slot + 1; 0 means "no timer"
    std::uint32_t gen = 0;
    bool armed() const { return slot != 0; }
};

/// Something that receives events. Ids are stable and dense: 0 .. entity_count - 1.
class Entity {
public:
    explicit Entity(EntityId id) : id_(id) {}
    virtual ~Entity() = default;
    Entity(const Entity&) = delete;
    Entity& operator=(const Entity&) = delete;

    /// Called by the kernel for each event addressed to this entity, in Event order.
    virtual void on_event(const Event& ev) = 0;

    EntityId id() const { return id_; }

protected:
    Time now() const;
    /// Schedules `kind` at `dst` after `delay` (>= 0).
    void send(EntityId dst, Duration delay, EventKind kind, std::uint64_t payload = 0,
              std::uint32_t slot = 0);
    /// Starts a timer on this entity; it delivers `kind` unless cancelled first.
    TimerHandle start_timer(Duration delay, EventKind kind, std::uint64_t payload = 0,
                            std::uint32_t slot = 0);
    /// Cancels a pending timer; harmless on a fired, cancelled or empty handle. Resets it.
    void cancel_timer(TimerHandle& t);
    /// Folds an observation into this entity's part of the run fingerprint.
    void fingerprint(std::uint64_t value);
    /// The event this entity is handling now (its (when, src, seq) key orders what it
    /// creates the same way in every partition of the model).
    const Event& current_event() const;

private:
    friend class Scheduler;

    /// Turns an event's payload into bytes when the event leaves for another part, and back
    /// on arrival. The model's payloads are indices into pools that only exist in one process
    /// (packets); an event whose payload is a plain value needs no bytes.
    class PayloadCodec {
    public:
        virtual ~PayloadCodec() = default;
        /// Appends what `e.payload` refers to (nothing for a plain value) and releases the
        /// local copy: the event now lives in the other part.
        virtual void encode(const Event& e, std::vector<std::byte>& out) = 0;
        /// Rebuilds the payload from `bytes` (as written by encode) and returns the new value.
        virtual std::uint64_t decode(const Event& e, std::span<const std::byte> bytes) = 0;
    };
    EntityId id_;
    std::uint64_t next_seq_ = 0;
    std::uint64_t hash_ = 0x9e3779b97f4a7c15ULL;
    Scheduler* scheduler_ = nullptr;
};

class Scheduler {
public:
    /// `queue` picks the future event set; every kind gives the same run, event for event.
    explicit Scheduler(QueueKind queue = kDefaultQueue);
    QueueKind queue_kind() const { return static_cast<QueueKind>(queue_.index()); }

    /// Registers an entity; its id must equal the number of entities registered before.
    void add(Entity& e);
    std::size_t entity_count() const { return entities_.size(); }

    Time now() const { return now_; }
    /// Runs events with time <= until. Returns the number of events executed by this call.
    /// `progress` (may be empty) is called about every `progress_every` events.
    std::uint64_t run(Time until, const std::function<void(Time)>& progress = {},
                      std::uint64_t progress_every = 1 << 16);
    /// Requests the loop to stop after the current event (e.g. on Ctrl-C).
    void stop() { stop_requested_ = true; }
    bool stopped() const { return stop_requested_; }

    std::uint64_t events_executed() const { return executed_; }
    /// Of those, the events of replicated entities (kEveryPart), which every part executes.
    std::uint64_t replicated_events_executed() const { return replicated_executed_; }
    std::size_t pending() const {
        return std::visit([](const auto& q) { return q.size(); }, queue_);
    }
    /// Combines every entity's running hash in id order: partition-independent.
    std::uint64_t fingerprint() const;

    /// Observes every executed event (for event traces); nullptr to stop.
    using EventHook = void (*)(void* context, const Event& e);
    void set_event_hook(EventHook hook, void* context) {
        hook_ = hook;
        hook_context_ = context;
    }

    /// Injects an event from outside any entity (set-up); src is the given entity.
    void schedule(const Event& e);

    // --- Partitioned runs (sim/core/parallel.hpp drives them) ---
    /// Makes this scheduler one part of a partitioned model: `part_of[id]` is the part of
    /// every entity (registered here or not), `mine` this one's. Entities of other parts
    /// are not added; events for them are serialized (with `codec`, may be null) into the
    /// outbox of their part. Call before adding entities.
    void partition(std::vector<std::uint32_t> part_of, std::uint32_t mine, PayloadCodec* codec);
    /// part_of value of an entity replicated in every part (e.g. a control plane that only
    /// listens and publishes): each part holds a copy; an event another entity sends it
    /// reaches every copy, and what a copy schedules for itself stays in its part.
    static constexpr std::uint32_t kEveryPart = UINT32_MAX;
    bool partitioned() const { return !part_of_.empty(); }
    std::uint32_t part() const { return part_; }
    std::uint32_t part_of(EntityId id) const { return part_of_.empty() ? 0 : part_of_[id]; }
    /// True when `id` is registered with this scheduler.
    bool local(EntityId id) const { return id < entities_.size() && entities_[id] != nullptr; }
    /// The time of the earliest pending event, kTimeMax when none.
    Time next_time() const;
    /// Runs the events with time < end and <= until (a window of a conservative run). An
    /// event for another part must be due at or after `end`: the window's lookahead
    /// guarantees it, and a violation stops the run (InvariantError).
    std::uint64_t run_window(Time end, Time until);
    /// The events for each part scheduled since the last call, serialized; cleared.
    std::vector<std::vector<std::byte>> take_outboxes();
    /// The earliest time among the events in the outboxes (kTimeMax when empty).
    Time outbox_min_time() const { return outbox_min_; }
    /// Schedules the events of a batch written by another part's take_outboxes().
    /// Returns the number of events.
    std::uint64_t deliver(std::span<const std::byte> batch);
    /// Moves the clock to `t` (>= now) with nothing run: the end of a partitioned run.
    void advance_to(Time t);
    /// The running hash of a registered entity (fingerprint() combines these in id order).
    std::uint64_t entity_hash(EntityId id) const { return entities_[id]->hash_; }

private:
    friend class Entity;
    void push(Entity& src, EntityId dst, Time when, EventKind kind, std::uint64_t payload,
              std::uint32_t slot, std::uint32_t timer, std::uint32_t gen);

    template <class Queue>
    std::uint64_t run_on(Queue& queue, Time until, Time end,
                         const std::function<void(Time)>& progress, std::uint64_t progress_every);
    void push_event(const Event& e);
    void push_remote(const Event& e);
    void push_remote_to(std::uint32_t part, const Event& e);

    // Alternatives in QueueKind order. Pushes dispatch on the index (a well-predicted
    // branch); run() dispatches once and loops on the concrete queue.
    std::variant<HeapQueue, CompactHeapQueue, LadderQueue> queue_;
    std::vector<Entity*> entities_;
    std::vector<std::uint32_t> timer_gen_;
    std::vector<std::uint32_t> free_timers_;
    Time now_ = kTimeZero;
    Event current_{};
    std::uint64_t executed_ = 0;
    std::uint64_t replicated_executed_ = 0;
    bool stop_requested_ = false;
    EventHook hook_ = nullptr;
    void* hook_context_ = nullptr;
    // Partitioned runs only.
    std::vector<std::uint32_t> part_of_;
    std::uint32_t part_ = 0;
    PayloadCodec* codec_ = nullptr;
    std::vector<std::vector<std::byte>> outbox_;
    Time outbox_min_ = kTimeMax;
    Time window_end_ = kTimeMax;
};

}  // namespace sim
