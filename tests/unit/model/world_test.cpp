// Presence schedules, the packet pool and stage sums.
#include "sim/model/world.hpp"

#include <gtest/gtest.h>

#include "sim/core/check.hpp"

using namespace sim;
using namespace sim::model;
using std::chrono::seconds;

namespace {
ModelSpec two_devices() {
    ModelSpec s;
    s.nodes.resize(2);
    s.nodes[0].kind = net::NodeKind::Phone;
    s.nodes[1].kind = net::NodeKind::Router;
    s.presence.push_back(PresenceSpec{0,
                                      {{kTimeZero + seconds(10), kTimeZero + seconds(20)},
                                       {kTimeZero + seconds(30), kTimeZero + seconds(40)}}});
    return s;
}
World make(const ModelSpec& s) {
    return World(s, std::make_shared<net::Routing>(
                        std::vector<net::NodeKind>{net::NodeKind::Phone, net::NodeKind::Router},
                        std::vector<net::LinkSpec>{}, net::make_routing_policy("shortest-path"),
                        net::LinkState::all_up(0)));
}
}  // namespace

TEST(World, DeviceIsOfflineExactlyInsideItsHalfOpenIntervals) {
    const ModelSpec s = two_devices();
    const World w = make(s);
    EXPECT_TRUE(w.online(0, kTimeZero + seconds(9)));
    EXPECT_FALSE(w.online(0, kTimeZero + seconds(10)));
    EXPECT_FALSE(w.online(0, kTimeZero + seconds(19)));
    EXPECT_TRUE(w.online(0, kTimeZero + seconds(20)));
    EXPECT_FALSE(w.online(0, kTimeZero + seconds(35)));
    EXPECT_TRUE(w.online(1, kTimeZero + seconds(15)));  // no schedule: always online
}

TEST(World, NextOnlineIsTheEndOfTheCurrentOfflineInterval) {
    const ModelSpec s = two_devices();
    const World w = make(s);
    EXPECT_EQ(w.next_online(0, kTimeZero + seconds(5)), kTimeZero + seconds(5));
    EXPECT_EQ(w.next_online(0, kTimeZero + seconds(12)), kTimeZero + seconds(20));
    EXPECT_EQ(w.next_online(0, kTimeZero + seconds(30)), kTimeZero + seconds(40));
}

TEST(PacketPool, ReusesReleasedSlotsAndClearsThem) {
    PacketPool pool;
    const auto a = pool.make();
    pool[a].seq = 42;
    pool[a].path = {1, 2, 3};
    pool.release(a);
    const auto b = pool.make();
    EXPECT_EQ(a, b);
    EXPECT_EQ(pool[b].seq, 0u);
    EXPECT_TRUE(pool[b].path.empty());
    EXPECT_EQ(pool.live(), 1u);
    pool.release(b);
    EXPECT_THROW(pool.release(b), InvariantError);
}

TEST(Stages, TotalIsTheExactSumOfAllStages) {
    Stages s;
    s[Stage::Access] = Duration{3};
    s[Stage::Notify] = Duration{4};
    Stages t;
    t[Stage::Access] = Duration{5};
    s += t;
    EXPECT_EQ(s.total(), Duration{12});
    EXPECT_EQ(stage_name(Stage::OfflineWait), "offline_wait");
}

TEST(Delivery, StatusFollowsWhatTheDeviceAndServerRecorded) {
    Delivery d;
    EXPECT_EQ(d.status(), Delivery::Status::Pending);
    d.stored = true;
    EXPECT_EQ(d.status(), Delivery::Status::Stored);
    d.stored = false;
    d.expired = true;
    EXPECT_EQ(d.status(), Delivery::Status::Expired);
    d.expired = false;
    d.received = true;
    EXPECT_EQ(d.status(), Delivery::Status::Pending);  // on the device, not yet shown
    d.done = true;
    EXPECT_EQ(d.status(), Delivery::Status::Delivered);
}
