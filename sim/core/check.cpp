#include "sim/core/check.hpp"

namespace sim {

void fail_check(const char* expr, const char* file, int line, const std::string& msg) {
    throw InvariantError(std::string("invariant violated: ") + msg + " (" + expr + " at " + file +
                         ":" + std::to_string(line) + ")");
}

}  // namespace sim
