#!/usr/bin/env bash
# `make test`: build with AddressSanitizer and UndefinedBehaviorSanitizer
# (no recovery: the first report fails the test), run every test, run each
# libFuzzer target briefly, and end with "N passed, N failed".
set -uo pipefail

BUILD=${BUILD:-build-test}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
cd "$(dirname "$0")/.."

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" --buildtype=debug -Dwerror=true -Dbench=false \
    -Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=all || exit 1
fi
ninja -C "$BUILD" || exit 1

meson test -C "$BUILD" --print-errorlogs --num-processes 2
log="$BUILD/meson-logs/testlog.json"
passed=$(grep -c '"result": "OK"' "$log" || true)
failed=$(grep -Ec '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)

# Fuzz targets: each runs for a short while from its seed corpus.
if FUZZ_BUILD="$FUZZ_BUILD" FUZZ_SECONDS="$FUZZ_SECONDS" bash scripts/fuzz.sh; then
  passed=$((passed + $(cat "$FUZZ_BUILD/fuzz-passed" 2>/dev/null || echo 0)))
  failed=$((failed + $(cat "$FUZZ_BUILD/fuzz-failed" 2>/dev/null || echo 0)))
else
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
