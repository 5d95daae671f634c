#!/usr/bin/env bash
# Per-client rate limiting (ratelimit.per_second=2, ratelimit.burst=3):
# the 4th rapid RDAP request gets 429 with Retry-After and an RFC 9083
# error body; WHOIS draws on the same bucket (a %ERROR:429 line), both
# ways round; the bucket refills at the configured rate; another client
# address has its own bucket.
source "$(dirname "$0")/harness_daemon.sh"

DB="$WORK/reg.db"
build_registry "$DB"
start_daemon ratelimit -o ratelimit.per_second=2 -o ratelimit.burst=3

# Rapid requests are sent by one Python process, timed: a token comes back
# every 0.5 s, so a round counts only if its first four requests took less
# than 0.4 s (a busy machine retries, after the bucket has refilled).
"$PY" - "$RDAP_PORT" "$WHOIS_PORT" "$HERE" "$SCHEMAS" >"$WORK/rounds" <<'EOF' || fail "rate limit: $(cat "$WORK/rounds")"
import json, socket, sys, time
rdap_port, whois_port, here, schemas = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
sys.path.insert(0, here)
import httpraw, validate_rdap
validator = validate_rdap.Validator(schemas)

def rdap(path="/ip/1.1.1.1", source=None):
    if source is None:
        return httpraw.request(rdap_port, "GET", path)
    # the same request from another loopback address (a different client)
    s = socket.socket()
    s.settimeout(5)
    s.bind((source, 0))
    s.connect(("127.0.0.1", rdap_port))
    s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return httpraw.parse_response(data)

def whois(query="1.1.1.1"):
    reply, err = httpraw.whois(whois_port, query.encode() + b"\r\n")
    return reply.decode("latin-1")

def check_429(r, what):
    problems = []
    if r.status != 429:
        problems.append("status %d" % r.status)
    ra = r.header("retry-after")
    if ra is None or not ra.isdigit() or int(ra) < 1:
        problems.append("Retry-After %r" % ra)
    if r.header("content-type") != "application/rdap+json":
        problems.append("Content-Type %r" % r.header("content-type"))
    if r.header("access-control-allow-origin") != "*":
        problems.append("no CORS header")
    try:
        doc = json.loads(r.body)
        problems += validator.errors("rdap_error.json", doc)
        if doc.get("errorCode") != 429:
            problems.append("errorCode %r" % doc.get("errorCode"))
    except ValueError as e:
        problems.append("body not JSON: %r" % r.body[:80])
    if problems:
        print("%s: %s" % (what, "; ".join(problems)))
        sys.exit(1)
    print("%s: 429, Retry-After %s, error body valid" % (what, r.header("retry-after")))

def rapid_round(first, fourth):
    """Three calls of first() and then fourth(), fast; None if too slow."""
    for attempt in range(5):
        time.sleep(2.0)  # a full bucket: 3 tokens
        start = time.monotonic()
        got = [first() for _ in range(3)]
        last = fourth()
        if time.monotonic() - start < 0.4:
            return got, last
        print("round too slow (%.2f s), again" % (time.monotonic() - start))
    print("no round fast enough in 5 attempts")
    sys.exit(1)

# RDAP only: 200, 200, 200, then 429.
got, last = rapid_round(rdap, rdap)
if [r.status for r in got] != [200, 200, 200]:
    print("first three RDAP requests: %s" % [r.status for r in got]); sys.exit(1)
check_429(last, "4th RDAP request")
# Still limited: WHOIS shares the bucket.
w = whois()
if "%ERROR:429" not in w:
    print("WHOIS right after: no %%ERROR:429 line: %r" % w[-200:]); sys.exit(1)
print("WHOIS right after the RDAP burst: %s" % [l for l in w.split("\r\n") if l.startswith("%ERROR")][0])
# Another client address has a bucket of its own.
other = rdap(source="127.0.0.2")
if other.status != 200:
    print("127.0.0.2 while 127.0.0.1 is limited: %d" % other.status); sys.exit(1)
print("127.0.0.2 while 127.0.0.1 is limited: 200")

# WHOIS first: three answers, then RDAP is refused.
got, last = rapid_round(whois, rdap)
if not all("inetnum:" in g for g in got):
    print("three WHOIS queries: %r" % [g[-80:] for g in got]); sys.exit(1)
check_429(last, "RDAP after three WHOIS queries")
# And WHOIS after three WHOIS queries.
got, last = rapid_round(whois, whois)
if "%ERROR:429" not in last or not last.endswith("\r\n"):
    print("4th WHOIS query: %r" % last[-200:]); sys.exit(1)
print("4th WHOIS query: %ERROR:429")

# Refill: after Retry-After seconds (one token at 2/s), one request passes.
time.sleep(2.0)
for _ in range(3):
    rdap()
r = rdap()
if r.status != 429:
    print("expected a 429 to wait for, got %d" % r.status); sys.exit(1)
time.sleep(int(r.header("retry-after")) + 0.05)
r = rdap()
print("after Retry-After: %d" % r.status)
sys.exit(0 if r.status == 200 else 1)
EOF
sed 's/^/  /' "$WORK/rounds"
CHECKS=$((CHECKS + $(wc -l <"$WORK/rounds")))

# 405s are refused before the limiter: they cost no token (the readiness
# probe relies on that).  Six POSTs and three GETs from a full bucket need
# nine tokens if POSTs cost one: more than 3 + 2/s * elapsed under 2.5 s.
sleep 2
start=$(date +%s%N)
for i in 1 2 3 4 5 6; do rdap -X POST help; expect_eq "$STATUS" 405 "POST $i"; done
codes=""
for i in 1 2 3; do rdap ip/1.1.1.1; codes+="$STATUS "; done
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$elapsed_ms" -lt 2500 ]; then
  expect_eq "$codes" "200 200 200 " "three GETs after six POSTs (${elapsed_ms} ms)"
else
  echo "  (six POSTs and three GETs took ${elapsed_ms} ms: too slow to tell)"
fi

stop_daemon
done_checks
