#!/usr/bin/env bash
# End-to-end browser test of the trace viewer (tools/viewer).
#   usage: tests/viewer/run.sh MSGSIM_BINARY [SCREENSHOT.png]
# Installs Debian's chromium (as root) and the npm dev dependencies (playwright-core, from
# package-lock.json) when missing, runs scenarios/quickstart.json with --trace packets into a
# temporary directory, serves it with tools/viewer/serve.py on a free port, and drives the
# page in headless chromium (tests/viewer/viewer.test.js). The screenshot defaults to
# $TMPDIR/msgsim-viewer.png. Exit status: 0 pass, 1 failure, 2 bad usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 MSGSIM_BINARY [SCREENSHOT.png]" >&2
    exit 2
fi
msgsim="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shot="${2:-${TMPDIR:-/tmp}/msgsim-viewer.png}"

# What the test needs beyond the build: Debian's chromium, node and npm. Installed here (as
# root) rather than by tools/setup.sh, so that only those who run this test pay for them;
# without root and without them, the test is skipped (exit 77, CTest's SKIP_RETURN_CODE).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "run.sh: skipped: needs ${missing[*]} (as root: apt-get install -y ${missing[*]})" >&2
        exit 77
    fi
    echo "run.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
    echo "run.sh: installing npm dependencies (npm ci)"
    # A machine that cannot reach the npm registry cannot run this test: skip, saying so.
    if ! (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts); then
        echo "run.sh: skipped: could not install playwright-core from the npm registry" >&2
        exit 77
    fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/msgsim-viewer-test.XXXXXX")"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$msgsim" run "$root/scenarios/quickstart.json" -o "$work/run" --trace packets --quiet --no-progress

python3 "$root/tools/viewer/serve.py" "$work/run" >"$work/serve.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/serve.log" | head -n1 || true)"
    [ -n "$url" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "run.sh: serve.py exited:" >&2
        cat "$work/serve.log" >&2
        exit 1
    fi
    sleep 0.1
done
[ -n "$url" ] || { echo "run.sh: serve.py printed no URL" >&2; cat "$work/serve.log" >&2; exit 1; }
echo "run.sh: viewer at $url"

mkdir -p "$(dirname "$shot")"
node "$here/viewer.test.js" "$url" "$shot"
