// The partitioned executor (sim/core/parallel.hpp) in one process: a PHOLD model split into
// K parts must execute exactly the events of the sequential run, entity by entity.
#include "sim/core/parallel.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include "sim/core/check.hpp"
#include "sim/core/rng.hpp"

namespace sim {
namespace {

constexpr Duration kLookahead{100'000};  // 0.1 ms: every hop is at least this long
constexpr std::uint32_t kLps = 64;

/// Per-part storage for payloads that are indices (as the model's packet pool is): the
/// codec must carry the cargo across parts, or the fingerprints differ.
struct CargoPool final : PayloadCodec {
    std::vector<std::uint64_t> cargo;
    std::uint64_t put(std::uint64_t v) {
        cargo.push_back(v);
        return cargo.size() - 1;
    }
    void encode(const Event& e, std::vector<std::byte>& out) override {
        const std::uint64_t v = cargo[e.payload];
        const std::size_t at = out.size();
        out.resize(at + sizeof v);
        std::memcpy(out.data() + at, &v, sizeof v);
    }
    std::uint64_t decode(const Event&, std::span<const std::byte> bytes) override {
        std::uint64_t v;
        EXPECT_EQ(bytes.size(), sizeof v);
        std::memcpy(&v, bytes.data(), sizeof v);
        return put(v);
    }
};

class Lp final : public Entity {
public:
    Lp(EntityId id, CargoPool& pool, Duration min_delay)
        : Entity(id), pool_(pool), rng_(7, id, StreamTag::Traffic), min_delay_(min_delay) {}
    void on_event(const Event& e) override {
        const std::uint64_t cargo = pool_.cargo[e.payload];
        fingerprint(cargo);
        ++executed;
        const auto dst = rng_.uniform01() < 0.9 ? static_cast<EntityId>(rng_.below(kLps)) : id();
        // Coarse delays make equal-time events common: their order must still agree.
        const Duration d =
            min_delay_ + Duration{100'000 * static_cast<std::int64_t>(rng_.below(9))};
        send(dst, d, 1, pool_.put(cargo * 31 + id()));
    }
    void seed(Scheduler& s) {
        s.schedule(Event{.when = kTimeZero + Duration{1'000 * (id() % 5)},
                         .seq = 0,
                         .src = id(),
                         .dst = id(),
                         .kind = 1,
                         .payload = pool_.put(id())});
    }
    std::uint64_t executed = 0;

private:
    CargoPool& pool_;
    Rng rng_;
    Duration min_delay_;
};

struct Outcome {
    std::vector<std::uint64_t> hashes;  // by entity id
    std::vector<std::uint64_t> executed;
    ParallelStats stats;
};

const Time kUntil = kTimeZero + Duration{50'000'000};

Outcome sequential() {
    Scheduler s;
    CargoPool pool;
    std::deque<Lp> lps;
    for (EntityId i = 0; i < kLps; ++i) {
        lps.emplace_back(i, pool, kLookahead);
        s.add(lps.back());
    }
    for (Lp& lp : lps)
        lp.seed(s);
    s.run(kUntil);
    Outcome r;
    for (EntityId i = 0; i < kLps; ++i) {
        r.hashes.push_back(s.entity_hash(i));
        r.executed.push_back(lps[i].executed);
    }
    return r;
}

Outcome partitioned(const std::vector<std::uint32_t>& part_of, std::uint32_t parts,
                    Duration min_delay = kLookahead) {
    std::vector<std::unique_ptr<Scheduler>> scheds;
    std::vector<std::unique_ptr<CargoPool>> pools;
    std::vector<Scheduler*> ptrs;
    for (std::uint32_t p = 0; p < parts; ++p) {
        scheds.push_back(std::make_unique<Scheduler>());
        pools.push_back(std::make_unique<CargoPool>());
        scheds.back()->partition(part_of, p, pools.back().get());
        ptrs.push_back(scheds.back().get());
    }
    std::deque<Lp> lps;
    for (EntityId i = 0; i < kLps; ++i) {
        lps.emplace_back(i, *pools[part_of[i]], min_delay);
        scheds[part_of[i]]->add(lps.back());
    }
    for (Lp& lp : lps)
        lp.seed(*scheds[part_of[lp.id()]]);
    Outcome r;
    r.stats = run_parts_in_process(ptrs, kLookahead, kUntil);
    for (EntityId i = 0; i < kLps; ++i) {
        r.hashes.push_back(scheds[part_of[i]]->entity_hash(i));
        r.executed.push_back(lps[i].executed);
    }
    for (const auto& s : scheds)
        EXPECT_EQ(s->now(), kUntil);
    return r;
}

TEST(PartitionedRun, ExecutesTheSequentialEventsForAnyNumberOfParts) {
    const Outcome seq = sequential();
    std::uint64_t total = 0;
    for (auto n : seq.executed)
        total += n;
    ASSERT_GT(total, 5'000u);
    for (const std::uint32_t parts : {1u, 2u, 3u, 8u}) {
        std::vector<std::uint32_t> round_robin(kLps), blocks(kLps);
        for (std::uint32_t i = 0; i < kLps; ++i) {
            round_robin[i] = i % parts;
            blocks[i] = i * parts / kLps;
        }
        for (const auto& part_of : {round_robin, blocks}) {
            const Outcome par = partitioned(part_of, parts);
            EXPECT_EQ(par.executed, seq.executed) << parts << " parts";
            EXPECT_EQ(par.hashes, seq.hashes) << parts << " parts";
            EXPECT_EQ(combine_fingerprint(par.hashes), combine_fingerprint(seq.hashes));
            EXPECT_GT(par.stats.windows, 100u);
            if (parts > 1) {
                EXPECT_GT(par.stats.remote_events, 1000u);
            }
        }
    }
}

TEST(PartitionedRun, RefusesAnEventForAnotherPartInsideTheWindow) {
    // Hops shorter than the lookahead the run was promised: a conservative run would be
    // wrong, so it must stop instead.
    std::vector<std::uint32_t> part_of(kLps);
    for (std::uint32_t i = 0; i < kLps; ++i)
        part_of[i] = i % 2;
    EXPECT_THROW(partitioned(part_of, 2, Duration{1'000}), InvariantError);
}

TEST(PartitionedRun, RefusesAZeroLookahead) {
    Scheduler s;
    s.partition({0}, 0, nullptr);
    Scheduler* parts[] = {&s};
    EXPECT_THROW(run_parts_in_process(parts, Duration{0}, kUntil), InvariantError);
}

}  // namespace
}  // namespace sim
