// A progress bar on stderr for runs that last more than a second on a terminal.
#pragma once

#include <chrono>
#include <cstdio>

#include "sim/core/time.hpp"

namespace sim::cli {

class ProgressBar {
public:
    /// `enabled`: draw at all (a terminal, not --quiet, or --progress).
    ProgressBar(bool enabled, Duration total) : enabled_(enabled), total_(total) {}
    void update(Time now);
    /// Clears the bar if one was drawn.
    void finish();

private:
    using Clock = std::chrono::steady_clock;
    bool enabled_;
    Duration total_;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_draw_{};
    bool drawn_ = false;
};

}  // namespace sim::cli
