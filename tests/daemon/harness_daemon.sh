# shellcheck shell=bash
# Shared helpers for the daemon tests: each test script sources this, builds
# a registry with the real idreg CLI ($IDREG) from the real RIR files
# ($SHARED/data/rir), starts the real idregd ($IDREGD) on free loopback
# ports, talks to it with real clients (curl, whois) and small Python
# clients (127.0.0.1 only), and always stops it at the end, checking that
# it exits 0 on SIGTERM and that its stderr holds no sanitizer report.
# Expectations come from the data files (awk), never copied in.
set -euo pipefail

: "${IDREG:?IDREG must name the idreg binary}"
: "${IDREGD:?IDREGD must name the idregd binary}"
: "${SHARED:?SHARED must name the shared/ data directory}"
export SHARED
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIR="$SHARED/data/rir"
SCHEMAS="$SHARED/data/rdap-json-schema"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/idregd-test.XXXXXX")
CHECKS=0
DAEMON_PIDS=()
BODY_COUNT=0
: >"$WORK/manifest"

# A Python 3 with jsonschema: the one on PATH, else Debian's.
PY=""
for candidate in "${PYTHON:-}" python3 /usr/bin/python3; do
  if [ -n "$candidate" ] && "$candidate" -c 'import jsonschema' 2>/dev/null; then
    PY=$candidate
    break
  fi
done
[ -n "$PY" ] || { echo "FAIL: no python3 with jsonschema (python3-jsonschema)" >&2; exit 1; }
export PYTHONDONTWRITEBYTECODE=1

# jcard_python: a Python whose jsonschema lets validate_rdap.py validate
# jCards (it cannot with jsonschema 4.18 and later: see rdap_names_check.py
# --self-test); fails the test when there is none.
jcard_python() {
  local candidate
  for candidate in "$PY" /usr/bin/python3 python3; do
    if "$candidate" "$HERE/rdap_names_check.py" --self-test --schemas "$SCHEMAS" >"$WORK/selftest.out" 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  fail "no python3 whose jsonschema lets validate_rdap.py validate a jCard: $(cat "$WORK/selftest.out")"
}

SANITIZER_RE='Sanitizer|runtime error|Segmentation fault|Aborted|stack-buffer|heap-buffer'

cleanup() {
  local status=$? pid
  for pid in "${DAEMON_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ "$status" -ne 0 ]; then
    for f in "$WORK"/*.err; do
      [ -s "$f" ] && { echo "--- $(basename "$f") (last lines)" >&2; tail -n 15 "$f" >&2; }
    done
  fi
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
# A command that fails outside a check says where.
set -E
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/} line $LINENO: \"$BASH_COMMAND\" exited $?" >&2' ERR

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

# expect_no_match TEXT REGEX WHAT
expect_no_match() {
  if grep -Eq -- "$2" <<<"$1"; then
    fail "$3: '$2' found in: $(head -c 600 <<<"$1")"
  fi
  pass
}

# Known daemon bugs (tests/daemon/KNOWN_BUGS): a check that finds one says
# so and goes on; once the bug is fixed the check passes and asks for the
# entry to be removed, so the list stays true.
# known_bug ID OK WHAT: OK is "true" when the behaviour is right.
known_bug() {
  local id=$1 ok=$2 what=$3 listed=no
  grep -q "^$id " "$HERE/KNOWN_BUGS" && listed=yes
  if [ "$ok" = true ]; then
    [ "$listed" = no ] || fail "$what: works now; remove $id from tests/daemon/KNOWN_BUGS"
    pass
  elif [ "$listed" = yes ]; then
    echo "KNOWN BUG $id: $what" >&2
    pass
  else
    fail "$what"
  fi
}

# Record lines of an exchange file (no comments, version or summary lines).
records_of() {
  awk -F'|' '!/^[ \t]*#/ && NF >= 7 && $6 != "summary" && !($1 ~ /^[0-9.]+$/)' "$1"
}

# first_record FILE CONDITION: the first record line of FILE for which the
# awk CONDITION (fields split at '|') holds (read directly: no pipe to
# break when awk stops early).
first_record() {
  awk -F'|' "!/^[ \t]*#/ && NF >= 7 && \$6 != \"summary\" && !(\$1 ~ /^[0-9.]+\$/) && ($2) { print; exit }" "$1"
}

# sweep_records OUT FILE...: every record of the FILEs, one a line in OUT,
# as "type start-key end-key id handle record parent ambiguity smallest"
# (tab-separated): keys are fixed-width hex (so that sort orders them by
# number); the id is FILE-INDEX:RECORD-NUMBER; the handle is the range as
# the daemon names it (IPv6 in full form); parent is the handle of the
# smallest record strictly containing it ("-" for none); ambiguity is
# "ambiguous" for a record that repeats another's range or partly overlaps
# one (no single right answer: tests leave it out), else "ok"; smallest is
# "yes" when no smaller record starts at the same place (so a lookup of its
# first address must find it).
sweep_records() {
  local out=$1 i
  shift
  local files=("$@")
  for i in "${!files[@]}"; do
    records_of "${files[$i]}" | awk -v f="$i" -F'|' -f "$HERE/ipv6.awk" -e '
      { id = f ":" NR
        if ($3 == "ipv4") { s = ip2int($4); e = s + $5 - 1
          sk = sprintf("%08x", s); ek = sprintf("%08x", e); h = int2ip(s) " - " int2ip(e) }
        else if ($3 == "ipv6") { sk = expand6($4); ek = v6last(sk, $5); h = sk " - " ek }
        else { s = $4; e = s + $5 - 1; sk = sprintf("%08x", s); ek = sprintf("%08x", e)
          h = (s == e) ? "AS" s : "AS" s "-AS" e }
        print $3 "\t" sk "\t" ek "\t" id "\t" h "\t" $0 }'
  done >"$WORK/sweep.all"
  # One sweep per type over the records sorted by start, then by end
  # (largest first), with a stack of the ranges open at each start: the
  # top, when it contains the record, is its parent.
  LC_ALL=C sort -t$'\t' -k1,1 -k2,2 -k3,3r "$WORK/sweep.all" | awk -F'\t' '
    function flush() { if (prev != "") print prev "\t" parent[previd] "\t" (amb[previd] ? "ambiguous" : "ok") "\t" smallest }
    {
      s = $2 ""; e = $3 ""   # compare as strings: some hex keys look like numbers
      if ($1 != type) { type = $1; top = 0 }
      while (top > 0 && end[top] < s) top--
      id = $4; parent[id] = "-"
      if (top > 0) {
        if (begin[top] == s && end[top] == e) { amb[id] = 1; amb[ids[top]] = 1 }
        else if (end[top] < e) amb[id] = 1
        else parent[id] = handle[top]
      }
      # The previous record is the smallest at its start unless this one starts there too.
      smallest = (prevtype == $1 && prevstart == s) ? "no" : "yes"
      flush()
      prev = $0; previd = id; prevtype = $1; prevstart = s
      top++; begin[top] = s; end[top] = e; handle[top] = $5; ids[top] = id
    }
    END { smallest = "yes"; flush() }' >"$out"
}

# sample_swept SWEPT PER-FILE: from each file of a sweep, its first and last
# record and about PER-FILE more, evenly spread.
sample_swept() {
  awk -F'\t' -v per="$2" '
    { split($4, p, ":"); f = p[1]; n = p[2]; count[f]++; rec[f, n] = $0 }
    END { for (f in count) { step = int(count[f] / per); if (step < 1) step = 1
            for (n = 1; n <= count[f]; n++)
              if (n == 1 || n == count[f] || n % step == 0) print rec[f, n] } }' "$1" | LC_ALL=C sort
}

# sample_holders SWEPT CAP PER-FILE: holders (registry and opaque id) of a
# sweep and what an entity answer should list of each under a cap of CAP
# results: AS blocks, then networks, each in the files' address order; each
# kind gets half the cap when it has that many, and what one leaves goes to
# the other.  Sampled per file: the largest holder, the one with the most AS
# blocks (that has networks too) and about PER-FILE more, evenly spread;
# opaque ids that are not plain URL path characters are left out.  Lines,
# tab-separated:
#   H registry id autnums networks listed-autnums listed-networks active largest
#     (active: 1 when it holds an allocated or assigned record; largest: 1
#     for its file's largest holder)
#   R registry id kind index handle start usable
#     (one per listed resource: kind "autnums" or "networks", index in that
#     list, handle as the sweep names it, first address or AS number;
#     usable: 1 when its own lookup must find exactly it)
sample_holders() {
  awk -F'\t' -v cap="$2" -v per="$3" '
    function min(a, b) { return a < b ? a : b }
    { n = split($6, r, "|"); if (n < 8 || r[8] !~ /^[A-Za-z0-9._~-]+$/) next
      key = r[1] "\t" r[8]
      if (!(key in count)) { keys[++nkeys] = key; file[key] = substr($4, 1, index($4, ":") - 1) }
      i = ++count[key]
      kind[key, i] = r[3] == "asn" ? "autnums" : "networks"; handle[key, i] = $5
      start[key, i] = r[4]; usable[key, i] = ($8 == "ok" && $9 == "yes") ? 1 : 0
      if (r[3] == "asn") autnums[key]++
      if (r[7] == "allocated" || r[7] == "assigned") active[key] = 1 }
    END {
      for (k = 1; k <= nkeys; k++) {
        key = keys[k]; f = file[key]; holders[f]++
        if (count[key] > count[largest[f]]) largest[f] = key
        if (autnums[key] > autnums[most_as[f]] && autnums[key] < count[key]) most_as[f] = key
      }
      for (k = 1; k <= nkeys; k++) {
        key = keys[k]; f = file[key]; seen[f]++
        step = int(holders[f] / per); if (step < 1) step = 1
        if (key == largest[f] || key == most_as[f] || seen[f] % step == 0) emit(key, key == largest[f])
      }
    }
    function emit(key, is_largest,   a, nn, listed, i, kd, j) {
      a = autnums[key] + 0; nn = count[key] - a
      listed["autnums"] = min(a, (cap - min(nn, cap) > int(cap / 2)) ? cap - min(nn, cap) : int(cap / 2))
      listed["networks"] = min(nn, cap - listed["autnums"])
      print "H\t" key "\t" a "\t" nn "\t" listed["autnums"] "\t" listed["networks"] "\t" (active[key] ? 1 : 0) "\t" (is_largest ? 1 : 0)
      j["autnums"] = j["networks"] = 0
      for (i = 1; i <= count[key]; i++) {
        kd = kind[key, i]
        if (j[kd] < listed[kd]) {
          print "R\t" key "\t" kd "\t" j[kd] "\t" handle[key, i] "\t" start[key, i] "\t" usable[key, i]
          j[kd]++
        }
      }
    }' "$1"
}

# The RIR files every daemon test serves: the current files, the ARIN and
# RIPE NCC fixtures (no complete current copy exists), and IANA's file.
DATA_FILES=("$RIR"/current/* "$RIR"/fixtures-nro-delegated-stats/{arin,ripencc})
IANA_FILE="$RIR/fixtures-nro-delegated-stats/iana"

# idreg_ok ARGS...: the CLI must succeed.
idreg_ok() {
  "$IDREG" "$@" >"$WORK/idreg.out" 2>"$WORK/idreg.err" ||
    fail "idreg $* exited $?: $(cat "$WORK/idreg.err")"
  pass
}

# build_registry DB: a registry with all of DATA_FILES and IANA's file.
build_registry() {
  step "build registry"
  idreg_ok --db "$1" init
  idreg_ok --db "$1" import rir "${DATA_FILES[@]}"
  idreg_ok --db "$1" import rir --ignore-counts "$IANA_FILE"
}

# free_ports N: N loopback TCP ports nobody listens on now (the kernel's
# choice for port 0, all held at once so they differ).
free_ports() {
  "$PY" -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# start_daemon NAME [IDREGD ARGS...]: start idregd on the registry $DB
# (none when DB is empty: the configuration names it) with fresh ports,
# and wait until both
# services answer.  Sets DPID, RDAP_PORT, WHOIS_PORT, EPP_PORT (EPP listens
# there when the ARGS set epp.cert), BASE (the RDAP base URL) and DERR (its
# stderr file, $WORK/NAME.err).  Readiness is probed
# with POST (a 405 that costs no rate-limit token) and a WHOIS connection
# closed at once (no query, so no token either).
start_daemon() {
  local name=$1
  shift
  step "start daemon $name"
  DERR="$WORK/$name.err"
  for _ in 1 2 3; do
    read -r RDAP_PORT WHOIS_PORT EPP_PORT < <(free_ports 3)
    "$IDREGD" ${DB:+--db "$DB"} --rdap "127.0.0.1:$RDAP_PORT" \
      --whois "127.0.0.1:$WHOIS_PORT" --epp "127.0.0.1:$EPP_PORT" "$@" >"$WORK/$name.out" 2>"$DERR" &
    DPID=$!
    DAEMON_PIDS+=("$DPID")
    BASE="http://127.0.0.1:$RDAP_PORT"
    if wait_ready; then
      pass
      return 0
    fi
    if kill -0 "$DPID" 2>/dev/null; then
      fail "idregd $name did not answer within 60 s: $(tail -n 5 "$DERR")"
    fi
    wait "$DPID" 2>/dev/null || true
    # Someone took a port between choosing and binding: choose again.
    grep -q 'Address already in use' "$DERR" || fail "idregd $name exited at start: $(cat "$DERR")"
  done
  fail "idregd $name: no free ports after 3 attempts"
}

wait_ready() {
  local i code
  for i in $(seq 600); do
    kill -0 "$DPID" 2>/dev/null || return 1
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --max-time 2 "$BASE/help" || true)
    if [ "$code" = 405 ] && (exec 3<>"/dev/tcp/127.0.0.1/$WHOIS_PORT") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# check_stderr FILE WHAT: no sanitizer report, no crash.
check_stderr() {
  if grep -Eq "$SANITIZER_RE" "$1"; then
    fail "$2: sanitizer report or crash on stderr: $(grep -Em 3 "$SANITIZER_RE" "$1")"
  fi
  pass
}

# stop_daemon [PID [ERRFILE]]: SIGTERM; it must exit 0 within 30 s with a
# clean stderr.
stop_daemon() {
  local pid=${1:-$DPID} err=${2:-$DERR} status=0 i
  step "stop daemon $pid"
  kill -TERM "$pid" 2>/dev/null || fail "idregd $pid is not running: $(tail -n 5 "$err")"
  for i in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail "idregd $pid still running 30 s after SIGTERM"
  fi
  wait "$pid" || status=$?
  expect_eq "$status" 0 "idregd exit status on SIGTERM"
  check_stderr "$err" "idregd"
}

# daemon_alive WHAT: the daemon still runs and answers RDAP and WHOIS.
daemon_alive() {
  kill -0 "$DPID" 2>/dev/null || fail "$1: idregd died: $(tail -n 20 "$DERR")"
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/ip/1.1.1.1" || true)
  expect_eq "$code" 200 "$1: RDAP still answers"
  expect_match "$(whois -h 127.0.0.1 -p "$WHOIS_PORT" 1.1.1.1)" "^inetnum: +1\.1\.1\.0 - 1\.1\.1\.255" \
    "$1: WHOIS still answers"
}

# rdap [CURL ARGS...] PATH: one request with curl; sets STATUS, HDRS (the
# response headers, CRs removed) and BODY_FILE.
rdap() {
  local path=${*: -1}
  BODY_COUNT=$((BODY_COUNT + 1))
  BODY_FILE="$WORK/body.$BODY_COUNT.json"
  STATUS=$(curl -s --path-as-is --max-time 10 -D "$WORK/headers" -o "$BODY_FILE" \
    -w '%{http_code}' "${@:1:$#-1}" "$BASE/$path") || true
  HDRS=$(tr -d '\r' <"$WORK/headers")
  BODY=$(cat "$BODY_FILE")
}

# header NAME: the value of a header of the last rdap answer.
header() {
  awk -v n="$(tr 'A-Z' 'a-z' <<<"$1")" -F': ' 'tolower($1) == n { sub(/^[^:]*: /, ""); print; exit }' <<<"$HDRS"
}

# expect_rdap STATUS SCHEMA WHAT: the last answer has STATUS, the RDAP
# headers, an RFC 9083 error body (errorCode = STATUS) for a 4xx, and its
# body goes to the batch of bodies validated against SCHEMA.
expect_rdap() {
  local status=$1 schema=$2 what=$3
  expect_eq "$STATUS" "$status" "$what: status"
  expect_eq "$(header Content-Type)" "application/rdap+json" "$what: Content-Type"
  expect_eq "$(header Access-Control-Allow-Origin)" "*" "$what: Access-Control-Allow-Origin"
  if [ "$status" -ge 400 ]; then
    expect_match "$BODY" "\"errorCode\":${status}[,}]" "$what: errorCode in the body"
    expect_match "$BODY" '"description":\["[^"]' "$what: a description"
  fi
  expect_no_match "$BODY" '<html|<HTML' "$what: no HTML"
  echo "$schema $BODY_FILE" >>"$WORK/manifest"
}

# validate_bodies: every body kept by expect_rdap against its schema.
validate_bodies() {
  [ -s "$WORK/manifest" ] || return 0
  local out
  out=$("$PY" "$HERE/validate_rdap.py" --schemas "$SCHEMAS" --manifest "$WORK/manifest" 2>&1) ||
    fail "RDAP bodies that fail their schema: $out"
  pass
}

# rdap_batch PORT < REQUESTS > TSV (see rdap_batch.py)
rdap_batch() {
  step "rdap batch"
  "$PY" "$HERE/rdap_batch.py" --port "$1" --schemas "$SCHEMAS"
}

# compare_tsv EXPECTED ACTUAL WHAT: every "id<TAB>key<TAB>value" line of
# EXPECTED is in ACTUAL ("<absent>": no such key; "<not>X": anything but X).
# IPv6 addresses, prefixes and ranges are compared in full form, so that
# the expectation need not guess how the daemon shortens them.
compare_tsv() {
  local report
  step "compare: $3"
  report=$(awk -F'\t' -f "$HERE/ipv6.awk" -e '
    function norm(key, v,   parts, len) {
      # IPv6 addresses, prefixes and ranges in full form
      if (v ~ /:/ && v ~ /^[0-9a-fA-F:.]+(\/[0-9]+)?$/) {
        len = ""; if (split(v, parts, "/") == 2) len = "/" parts[2]
        return expand6(parts[1]) len
      }
      if (v ~ /:/ && v ~ /^[0-9a-fA-F:.]+ - [0-9a-fA-F:.]+$/ && split(v, parts, " - ") == 2)
        return expand6(parts[1]) " - " expand6(parts[2])
      return v
    }
    NR == FNR { have[$1 SUBSEP $2] = norm($2, $3); next }
    { checks++
      k = $1 SUBSEP $2
      if ($3 ~ /^<not>/) { if ((k in have) && have[k] == substr($3, 6)) { bad++; if (bad <= 15) print $1 ": " $2 " should not be \"" have[k] "\"" } }
      else if ($3 == "<absent>") { if (k in have) { bad++; if (bad <= 15) print $1 ": " $2 " should be absent, is \"" have[k] "\"" } }
      else if (!(k in have)) { bad++; if (bad <= 15) print $1 ": no " $2 " (expected \"" $3 "\")" }
      else if (have[k] != norm($2, $3)) { bad++; if (bad <= 15) print $1 ": " $2 " is \"" have[k] "\", expected \"" $3 "\"" } }
    END { print "checked " checks + 0 ", wrong " bad + 0 }' "$2" "$1")
  if ! grep -q ', wrong 0$' <<<"$report"; then
    fail "$3: $report"
  fi
  CHECKS=$((CHECKS + $(sed -n 's/^checked \([0-9]*\),.*/\1/p' <<<"$report")))
}

# step WHAT: with DAEMON_TEST_TIMING set, the seconds since the start.
STARTED_NS=$(date +%s%N)
step() {
  if [ -n "${DAEMON_TEST_TIMING:-}" ]; then
    echo "[$(( ($(date +%s%N) - STARTED_NS) / 1000000 )) ms] $*" >&2
  fi
}

done_checks() {
  step "done"
  validate_bodies
  echo "ok: $CHECKS checks"
}
