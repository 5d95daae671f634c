# Shared helpers for the integration tests: each test script sources this,
# runs the real idreg binary ($IDREG) against real data ($SHARED/data), and
# fails on the first broken expectation with a message saying what and where.
set -euo pipefail

: "${IDREG:?IDREG must name the idreg binary}"
: "${SHARED:?SHARED must name the shared/ data directory}"
RIR="$SHARED/data/rir"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/idreg-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CHECKS=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

pass() {
  CHECKS=$((CHECKS + 1))
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
  if [ "$1" != "$2" ]; then
    fail "$3: expected '$2', got '$1'"
  fi
  pass
}

# expect_match TEXT REGEX WHAT
expect_match() {
  if ! grep -Eq -- "$2" <<<"$1"; then
    fail "$3: '$2' not found in: $(head -c 600 <<<"$1")"
  fi
  pass
}

# run_ok ARGS...: idreg must succeed; its stdout is in $OUT, stderr in $ERR.
run_ok() {
  local status=0
  "$IDREG" "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
  if [ "$status" -ne 0 ]; then
    fail "idreg $* exited $status: $ERR"
  fi
  pass
}

# run_fails STATUS ARGS...: idreg must exit with STATUS (any non-zero when "nz").
run_fails() {
  local want=$1 status=0
  shift
  "$IDREG" "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
  if [ "$status" -eq 0 ] || { [ "$want" != nz ] && [ "$status" -ne "$want" ]; }; then
    fail "idreg $* exited $status, expected $want; stderr: $ERR"
  fi
  if [ "$status" -ge 128 ]; then
    fail "idreg $* died of a signal ($status): $ERR"
  fi
  # A failure is one clear line per problem, never a crash report.
  if grep -Eq 'Sanitizer|runtime error|Segmentation|Aborted' <<<"$ERR"; then
    fail "idreg $* crashed: $ERR"
  fi
  pass
}

# Record lines of an exchange file (no comments, version or summary lines).
records_of() {
  awk -F'|' '!/^[ \t]*#/ && NF >= 7 && $6 != "summary" && !($1 ~ /^[0-9.]+$/)' "$1"
}

# "type count" summary lines of an exchange file.
summaries_of() {
  awk -F'|' '!/^[ \t]*#/ && NF == 6 && $6 == "summary" { print $3, $5 }' "$1" | sort
}

done_checks() {
  echo "ok: $CHECKS checks"
}
