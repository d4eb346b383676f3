#include "sim/cli/progress.hpp"

namespace sim::cli {

void ProgressBar::update(Time now) {
    if (!enabled_) return;
    const auto wall = Clock::now();
    // Quiet for the first second, then at most ten redraws a second.
    if (wall - start_ < std::chrono::seconds(1)) return;
    if (drawn_ && wall - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = wall;
    drawn_ = true;
    const double fraction = total_.count() > 0
                                ? static_cast<double>(now.time_since_epoch().count()) /
                                      static_cast<double>(total_.count())
                                : 1.0;
    const double elapsed = std::chrono::duration<double>(wall - start_).count();
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    char bar[kWidth + 1];
    for (int i = 0; i < kWidth; ++i)
        bar[i] = i < filled ? '#' : '.';
    bar[kWidth] = '\0';
    std::fprintf(stderr, "\r[%s] %5.1f%%  sim %.2f/%.2f s  elapsed %.0f s  eta %.0f s ", bar,
                 fraction * 100, to_seconds(now.time_since_epoch()), to_seconds(total_), elapsed,
                 eta);
    std::fflush(stderr);
}

void ProgressBar::finish() {
    if (drawn_) {
        std::fprintf(stderr, "\r%80s\r", "");
        std::fflush(stderr);
    }
}

}  // namespace sim::cli
