#!/usr/bin/env bash
# `make test`: build with AddressSanitizer and UndefinedBehaviorSanitizer
# (no recovery: the first report fails the test), run every test, check that
# the optimized build `make run` uses compiles without warnings, run each
# libFuzzer target briefly, and end with "N passed, N failed".
set -uo pipefail

BUILD=${BUILD:-build-test}
RUN_BUILD=${RUN_BUILD:-build}
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

# The build `make run` uses (optimized, -Werror): the optimizer warns where
# -O0 does not (a variable it cannot prove is set), and such a warning would
# stop `make run`.
if [ ! -f "$RUN_BUILD/build.ninja" ]; then
  meson setup "$RUN_BUILD" --buildtype=debugoptimized -Dwerror=true >/dev/null || exit 1
fi
if ninja -C "$RUN_BUILD" >"$RUN_BUILD/test-build.log" 2>&1; then
  echo "optimized build (make run's): pass"
  passed=$((passed + 1))
else
  grep -E -B2 -A6 'error' "$RUN_BUILD/test-build.log" | head -n 40
  echo "optimized build (make run's): FAIL"
  failed=$((failed + 1))
fi

# Fuzz targets: each runs for a short while from its seed corpus.
if FUZZ_BUILD="$FUZZ_BUILD" FUZZ_SECONDS="$FUZZ_SECONDS" bash scripts/fuzz.sh; then
  passed=$((passed + $(cat "$FUZZ_BUILD/fuzz-passed" 2>/dev/null || echo 0)))
  failed=$((failed + $(cat "$FUZZ_BUILD/fuzz-failed" 2>/dev/null || echo 0)))
else
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
