#!/usr/bin/env bash
# `make fuzz` (and the fuzz step of `make test`): build the libFuzzer targets
# of tests/fuzz with clang, ASan and UBSan, then run each target for
# $FUZZ_SECONDS seconds from a working copy of its seed corpus.  Prints one
# line per target (name, pass/fail, executions), writes the numbers of
# targets that passed and failed to $FUZZ_BUILD/fuzz-passed and
# $FUZZ_BUILD/fuzz-failed, keeps any crash file and exits non-zero if a
# target failed.
set -euo pipefail

FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
cd "$(dirname "$0")/.."

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The count files must not survive from an earlier run if this one stops early.
mkdir -p "$FUZZ_BUILD"
rm -f "$FUZZ_BUILD/fuzz-passed" "$FUZZ_BUILD/fuzz-failed"

if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
  CC=clang meson setup "$FUZZ_BUILD" -Dfuzz=true -Dtests=false -Dbench=false \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all'
fi
ninja -C "$FUZZ_BUILD"

targets=()
for src in tests/fuzz/fuzz_*.c; do
  targets+=("$(basename "$src" .c)")
done
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz: no targets in tests/fuzz" >&2
  exit 1
fi

passed=0
failed=0
for t in "${targets[@]}"; do
  bin="$FUZZ_BUILD/tests/fuzz/$t"
  work="$FUZZ_BUILD/corpus-$t"
  artifacts="$FUZZ_BUILD/artifacts-$t"
  log="$FUZZ_BUILD/fuzz-$t.log"
  # A fresh working corpus each run: the repository's seeds are only read.
  rm -rf "$work"
  mkdir -p "$work" "$artifacts"
  # Crash files of earlier runs stay; this run's are the ones newer than the stamp.
  touch "$artifacts/.started"
  if [ -d "tests/fuzz/corpus/$t" ]; then
    cp -R "tests/fuzz/corpus/$t/." "$work/"
  fi
  if [ ! -x "$bin" ]; then
    failed=$((failed + 1))
    printf '%-16s FAIL  0 executions (not built: %s; the fuzz build needs CC=clang)\n' "$t" "$bin"
    continue
  fi
  status=0
  "$bin" -max_total_time="$FUZZ_SECONDS" -max_len=4096 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ -z "$execs" ]; then
    # No final stats (a crash): the last status line's #N is the count so far.
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#' || true)
  fi
  execs=${execs:-0}
  crash=$(find "$artifacts" -type f ! -name .started -newer "$artifacts/.started" | head -n 1)
  if [ "$status" -eq 0 ] && [ -z "$crash" ]; then
    passed=$((passed + 1))
    printf '%-16s pass  %s executions\n' "$t" "$execs"
  else
    failed=$((failed + 1))
    printf '%-16s FAIL  %s executions (exit %s, log %s)\n' "$t" "$execs" "$status" "$log"
    if [ -n "$crash" ]; then
      echo "  crash file: $crash"
      echo "  reproduce:  $bin $crash"
    fi
    grep -m 1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log" |
      sed 's/^/  /' || true
  fi
done

echo "$passed" >"$FUZZ_BUILD/fuzz-passed"
echo "$failed" >"$FUZZ_BUILD/fuzz-failed"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
