// tools/bench/vs-ns3.sh compiles tests/bench/phold.hpp (and with it sim/core/rng.hpp and
// distribution.hpp) as C++17, beside ns-3.37's headers, which do not build as C++20. This
// object is built as C++17 on every build, so a C++20-only include there fails here, not
// in the rarely run comparison with ns-3.
#include "tests/bench/phold.hpp"

static_assert(__cplusplus == 201703L, "this check must be compiled as C++17");
