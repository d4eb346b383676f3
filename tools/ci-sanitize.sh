#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer (MSGSIM_SANITIZE, in
# build-asan/, RelWithDebInfo) and runs the test suite under it, benchmarks and validation
# excluded (validation is ~15 min under ASan, and its code paths are the integration tests'). Any
# memory error, leak or undefined behaviour fails the test that triggered it. No -Werror here:
# GCC warns differently under -fsanitize (false -Wmaybe-uninitialized), and .ci/run already
# builds with -Werror.
#   usage: tools/ci-sanitize.sh [extra ctest arguments, e.g. -R Journey]
#   MSGSIM_SANITIZE_EXCLUDE='bench|validation|browser' tools/ci-sanitize.sh   skips more labels
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The validation label is not run here (below), so it is not built either; -g1 (line tables)
# is enough for the sanitizers' stack traces and compiles faster than full debug info.
# Without MPI: this is also the proof that the plain build and every non-MPI test work
# without it (Open MPI's own allocations would trip LeakSanitizer anyway). The partitioned
# model still runs here, in one process (tests/integration/partition_test.cpp).
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMSGSIM_SANITIZE=ON \
    -DMSGSIM_BUILD_BENCH=OFF -DMSGSIM_BUILD_VALIDATION=OFF -DMSGSIM_MPI=OFF \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
cmake --build build-asan -j2
# abort_on_error: a finding kills the process, so a test that runs msgsim as a child sees a
# failing exit code too. detect_leaks: LeakSanitizer (on by default on Linux x86-64).
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir build-asan --output-on-failure -j2 -LE "${MSGSIM_SANITIZE_EXCLUDE:-bench|validation}" "$@"
