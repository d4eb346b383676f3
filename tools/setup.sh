#!/usr/bin/env bash
# Installs what msgsim needs to build, test, benchmark and plot on Debian 12 (bookworm).
# Idempotent: asks dpkg first and runs apt only for what is missing. Run as root.
#   usage: tools/setup.sh [--no-plots] [--no-mpi] [--fuzz]
#   --no-plots skips python3-matplotlib; --no-mpi skips Open MPI and METIS (parallel runs);
#   --fuzz adds clang and libFuzzer (tools/fuzz.sh)
set -euo pipefail

packages=(
    g++                 # the compiler (C++20: GCC 12 in bookworm)
    make                # the CMake generator we use
    cmake               # >= 3.25 (bookworm has 3.25)
    libboost-graph-dev  # routing tables (sim/net)
    nlohmann-json3-dev  # scenario files and outputs
    libcli11-dev        # command line
    libgtest-dev        # tests
    libbenchmark-dev    # tests/bench
    python3-matplotlib  # `msgsim plot`
    tshark              # reads the pcap exports back in tests (--pcap)
    libopenmpi-dev      # parallel runs: mpirun -np N msgsim ... (optional at build time)
    openmpi-bin         # mpirun
    libmetis-dev        # --partition metis
)

for arg in "$@"; do
    case "$arg" in
        --no-plots) packages=("${packages[@]/python3-matplotlib/}") ;;
        --no-mpi)
            packages=("${packages[@]/libopenmpi-dev/}")
            packages=("${packages[@]/openmpi-bin/}")
            packages=("${packages[@]/libmetis-dev/}")
            ;;
        --fuzz) packages+=(clang libclang-rt-14-dev) ;;  # tests/fuzz: clang 14 is bookworm's
        -h | --help)
            sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "setup.sh: unknown option '$arg' (try --help)" >&2
            exit 2
            ;;
    esac
done

installed() {
    dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'
}

missing=()
for p in "${packages[@]}"; do
    [ -n "$p" ] || continue
    if installed "$p"; then
        echo "setup.sh: $p already installed"
    else
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup.sh: nothing to install"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing packages: ${missing[*]}; run this script as root to install them" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# wireshark-common would ask whether non-root users may capture: we only read files.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
echo "setup.sh: apt-get update"
apt-get update -qq
echo "setup.sh: installing ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup.sh: done"
