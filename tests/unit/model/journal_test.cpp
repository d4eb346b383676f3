// The journal (sim/model/journal): the end of a journey is recorded once per (message, device).
#include "sim/model/journal.hpp"

#include <gtest/gtest.h>

#include "sim/core/check.hpp"

using namespace sim;
using namespace sim::model;

// A device hands each message to its user once; a second end of the same journey means the
// message reached the application twice, and stops the run.
TEST(Journal, FinishingADeliveryTwiceThrowsInvariantError) {
    Delivery d;
    d.device = 4;
    d.received = true;
    const Time t{std::chrono::milliseconds(7)};
    finish_delivery(d, 12, t);
    EXPECT_TRUE(d.done);
    EXPECT_EQ(d.done_at, t);
    EXPECT_EQ(d.status(), Delivery::Status::Delivered);
    try {
        finish_delivery(d, 12, t + std::chrono::milliseconds(1));
        FAIL() << "a second delivery was accepted";
    } catch (const InvariantError& e) {
        EXPECT_NE(std::string(e.what()).find("message 12 delivered twice to device 4"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(d.done_at, t);  // the first delivery stands
}
