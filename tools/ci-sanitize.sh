#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer (MSGSIM_SANITIZE, in
# build-asan/, RelWithDebInfo) and runs the test suite under it, benchmarks excluded. Any
# memory error, leak or undefined behaviour fails the test that triggered it. No -Werror here:
# GCC warns differently under -fsanitize (false -Wmaybe-uninitialized), and .ci/run already
# builds with -Werror.
#   usage: tools/ci-sanitize.sh [extra ctest arguments, e.g. -R Journey]
#   MSGSIM_SANITIZE_EXCLUDE='bench|validation' tools/ci-sanitize.sh   skips more labels (the
#   validation label is ~15 min under ASan, and its code paths are the integration tests')
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMSGSIM_SANITIZE=ON \
    -DMSGSIM_BUILD_BENCH=OFF
cmake --build build-asan -j2
# abort_on_error: a finding kills the process, so a test that runs msgsim as a child sees a
# failing exit code too. detect_leaks: LeakSanitizer (on by default on Linux x86-64).
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir build-asan --output-on-failure -j2 -LE "${MSGSIM_SANITIZE_EXCLUDE:-bench}" "$@"
