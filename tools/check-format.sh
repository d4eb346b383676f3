#!/usr/bin/env bash
# Checks that C++ sources follow .clang-format without changing them; exits 1 and lists
# the files that need `clang-format -i`. Usage: tools/check-format.sh [FILE...]
# (default: every tracked *.cpp and *.hpp).
set -euo pipefail

if [ $# -gt 0 ]; then
    files=("$@")
else
    cd "$(dirname "${BASH_SOURCE[0]}")/.."
    mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
fi
[ ${#files[@]} -gt 0 ] || exit 0

bad=()
for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
    printf 'check-format: needs clang-format -i: %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files OK"
