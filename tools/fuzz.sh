#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang in build-fuzz/ (ASan + UBSan) and runs
# each one for SECONDS (default 30), one after the other, on a corpus seeded from the shipped
# scenarios, the integration and validation scenarios and the bad-input catalogue. The corpus
# grows in build-fuzz/corpus/TARGET across runs; a crash leaves its input in
# build-fuzz/artifacts/ and fails the script (turn it into a bad-input case or a unit test).
#   usage: tools/fuzz.sh [SECONDS]      (needs clang and libclang-rt-14-dev: tools/setup.sh --fuzz)
#   FUZZ_TARGETS="fuzz_units" tools/fuzz.sh 600    runs only the named targets
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-30}"
targets=(${FUZZ_TARGETS:-fuzz_scenario fuzz_units})
build=build-fuzz

CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMSGSIM_FUZZ=ON \
    -DMSGSIM_BUILD_TESTS=OFF -DMSGSIM_BUILD_BENCH=OFF -DMSGSIM_MPI=OFF >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}"

# Seeds, rebuilt every time so they follow the files.
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds/fuzz_scenario" "$seeds/fuzz_units" "$build/artifacts"
for f in scenarios/*.json tests/integration/scenarios/*.json tests/validation/scenarios/*.json \
    tests/bad-input/base.json tests/bad-input/cases/*; do
    [ -f "$f" ] && cp "$f" "$seeds/fuzz_scenario/$(echo "$f" | tr / _)"
done
# fuzz_units: the first byte picks the parser (0 duration, 1 bandwidth, 2 size, 3 rate,
# 4 probability, 5 queue, 6 random duration, 7 random size), the rest is the value.
unit_seed() {  # unit_seed PARSER VALUE
    local name
    name="$seeds/fuzz_units/$1-$(printf '%s' "$2" | cksum | cut -d' ' -f1)"
    { printf "\\x0$1"; printf '%s' "$2"; } >"$name"
}
for v in 250us 5ms 1.5s 2min 1h 30d 10ns 0.000000001s 1e3ms 42; do unit_seed 0 "$v"; done
for v in 64kbps 10Mbps 1Gbps 1Tbps 9600bps 1.5Kbps 3; do unit_seed 1 "$v"; done
for v in 40B 1500B 64KiB 2MB 1.5kB 1TB 7; do unit_seed 2 "$v"; done
for v in 10/s 3/min 0.5/h 2/d 1e-3/s 5; do unit_seed 3 "$v"; done
for v in 0 0.5 1 1e-9; do unit_seed 4 "$v"; done
for v in 100pkt 256KiB 1MB 1500B; do unit_seed 5 "$v"; done
unit_seed 6 '{"dist": "exponential", "mean": "1ms"}'
unit_seed 6 '{"dist": "uniform", "min": "1ms", "max": "3ms"}'
unit_seed 6 '{"dist": "normal", "mean": "5ms", "stddev": "1ms"}'
unit_seed 6 '{"dist": "lognormal", "median": "20ms", "sigma": 1.0}'
unit_seed 6 '{"dist": "pareto", "scale": "1ms", "shape": 1.5}'
unit_seed 7 '{"dist": "lognormal", "median": "120B", "sigma": 1.0}'
unit_seed 7 '{"dist": "exponential", "mean": "10000B"}'
unit_seed 7 '{"dist": "pareto", "scale": "100B", "shape": 0.5}'

status=0
for t in "${targets[@]}"; do
    corpus="$build/corpus/$t"
    mkdir -p "$corpus"
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
    echo "fuzz.sh: $t for ${seconds} s"
    if ! "$build/tests/fuzz/$t" "$corpus" "$seeds/$t" "${dict[@]}" -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" 2>"$build/$t.log"; then
        echo "fuzz.sh: $t FAILED; input and log: $build/artifacts/$t-*, $build/$t.log" >&2
        tail -40 "$build/$t.log" >&2
        status=1
    fi
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/$t.log" || true
done
exit "$status"
