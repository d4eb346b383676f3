// MSGSIM_CHECK: invariant checks that stay on in release builds. A failed check throws
// InvariantError, which the command line reports as exit code 1 with what broke.
#pragma once

#include <stdexcept>
#include <string>

namespace sim {

/// An internal invariant was violated: a bug in msgsim, never a user error.
class InvariantError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

[[noreturn]] void fail_check(const char* expr, const char* file, int line, const std::string& msg);

}  // namespace sim

#define MSGSIM_CHECK(cond, msg)                                  \
    do {                                                         \
        if (!(cond)) [[unlikely]]                                \
            ::sim::fail_check(#cond, __FILE__, __LINE__, (msg)); \
    } while (false)
