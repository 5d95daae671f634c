#!/usr/bin/env bash
# The server under both protocols (lib/net), over its sockets: keep-alive
# and pipelined HTTP requests answered in order; HTTP/1.0 and
# "Connection: close" end the connection after the answer; the connection
# limits (rdap.max_connections answered 503 with an RDAP body,
# whois.max_connections answered %ERROR:503); the slow-client timeout (part
# of a request, then silence: 408 with an RDAP body; an idle keep-alive
# connection is closed without a word); a client that never reads its
# answers does not stop the others; SIGTERM answers the request in flight
# (with "Connection: close"), refuses new connections and exits 0.
source "$(dirname "$0")/harness_daemon.sh"

DB="$WORK/reg.db"
build_registry "$DB"
start_daemon server -o ratelimit.per_second=0 -o rdap.max_connections=4 \
  -o whois.max_connections=2 -o rdap.idle_timeout_s=2 -o whois.timeout_ms=1500

step "keep-alive, pipelining, limits, timeouts"
"$PY" - "$RDAP_PORT" "$WHOIS_PORT" "$HERE" "$SCHEMAS" >"$WORK/server" 2>&1 <<'EOF' || fail "server checks: $(cat "$WORK/server")"
import json, socket, sys, time
rdap_port, whois_port, here, schemas = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
sys.path.insert(0, here)
import httpraw, validate_rdap
validator = validate_rdap.Validator(schemas)
problems = []

def check(ok, what):
    print(("ok: " if ok else "PROBLEM: ") + what)
    if not ok:
        problems.append(what)

def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s

def read_responses(s, count, timeout=5):
    """Read @count HTTP responses (Content-Length framed) from @s."""
    s.settimeout(timeout)
    data, out = b"", []
    while len(out) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                k, _, v = line.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v)
            if len(data) >= head_end + 4 + length:
                out.append((head, data[head_end + 4:head_end + 4 + length]))
                data = data[head_end + 4 + length:]
                continue
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return out

def closed_by_server(s, timeout):
    s.settimeout(timeout)
    try:
        return s.recv(1) == b""
    except (socket.timeout, ConnectionResetError):
        return False

def status(head):
    return int(head.split(" ", 2)[1])

def rdap_error(head, body, code, what):
    check(status(head) == code, "%s: status %d (want %d)" % (what, status(head), code))
    check("content-type: application/rdap+json" in head.lower(), what + ": RDAP media type")
    doc = json.loads(body)
    check(doc.get("errorCode") == code, what + ": errorCode")
    errs = validator.errors("rdap_error.json", doc)
    check(not errs, what + ": body validates as rdap_error.json %s" % errs[:1])

# Pipelining: three requests in one write, three answers in order.
s = connect(rdap_port)
s.sendall(b"GET /ip/1.1.1.1 HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /help HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /autnum/4608 HTTP/1.1\r\nHost: x\r\n\r\n")
answers = read_responses(s, 3)
check(len(answers) == 3, "pipelined: 3 answers (got %d)" % len(answers))
kinds = [json.loads(b).get("objectClassName", "help") for _, b in answers]
check(kinds == ["ip network", "help", "autnum"], "pipelined: answers in order %s" % kinds)
# Keep-alive: the same connection answers again.
s.sendall(b"HEAD /ip/1.1.1.1 HTTP/1.1\r\nHost: x\r\n\r\n")
head = s.recv(65536).decode("latin-1")
check(head.startswith("HTTP/1.1 200 ") and "\r\nContent-Length: %d\r\n" % len(answers[0][1]) in head,
      "keep-alive: HEAD on the same connection, Content-Length of the GET body")
s.close()

# HTTP/1.0 and Connection: close end the connection after the answer.
for req, what in ((b"GET /help HTTP/1.0\r\n\r\n", "HTTP/1.0"),
                  (b"GET /help HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "Connection: close")):
    s = connect(rdap_port)
    s.sendall(req)
    answers = read_responses(s, 1)
    check(len(answers) == 1 and status(answers[0][0]) == 200, what + ": answered")
    check(closed_by_server(s, 3), what + ": then closed")
    s.close()

# rdap.max_connections=4: four connections each holding part of a request
# (a connection is accepted once it has sent something), the fifth is
# answered 503 and closed; once they go, requests are served again.
held = []
for _ in range(4):
    h = connect(rdap_port)
    h.sendall(b"GET /help HTTP/1.1\r\n")
    held.append(h)
time.sleep(0.3)
s = connect(rdap_port)
s.sendall(b"GET /help HTTP/1.1\r\nHost: x\r\n\r\n")
answers = read_responses(s, 1)
check(len(answers) == 1, "over rdap.max_connections: answered")
if answers:
    rdap_error(answers[0][0], answers[0][1], 503, "over rdap.max_connections")
s.close()
# Slow clients: part of a request then silence past rdap.idle_timeout_s=2:
# 408 with an RDAP body, then the connection closes.
answers = read_responses(held[0], 1, timeout=6)
check(len(answers) == 1, "part of a request, then silence: answered")
if answers:
    rdap_error(answers[0][0], answers[0][1], 408, "slow client")
check(closed_by_server(held[0], 3), "slow client: then closed")
for h in held:
    h.close()
time.sleep(0.3)
r = httpraw.request(rdap_port, "GET", "/help")
check(r.status == 200, "served again once the held connections are gone")

# An idle keep-alive connection is closed after the timeout, without a word.
s = connect(rdap_port)
s.sendall(b"GET /help HTTP/1.1\r\nHost: x\r\n\r\n")
read_responses(s, 1)
start = time.time()
s.settimeout(8)
rest = s.recv(65536)
check(rest == b"", "idle keep-alive connection: closed without a word (got %r)" % rest[:60])
check(time.time() - start < 6, "idle keep-alive connection: closed within the timeout")
s.close()

# A client that asks and never reads (a full socket buffer of answers
# waiting) does not hold up another client.
hog = connect(rdap_port)
hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
hog.sendall(b"GET /ip/1.1.1.1 HTTP/1.1\r\nHost: x\r\n\r\n" * 2000)
t = time.time()
r = httpraw.request(rdap_port, "GET", "/autnum/4608")
check(r.status == 200 and time.time() - t < 3, "another client is served while one does not read")
hog.close()

# whois.max_connections=2: two connections holding part of a query, the
# third gets %ERROR:503.
held = []
for _ in range(2):
    h = connect(whois_port)
    h.sendall(b"1.1")
    held.append(h)
time.sleep(0.3)
reply, err = httpraw.whois(whois_port, b"1.1.1.1\r\n")
check(b"%ERROR:503:" in reply, "over whois.max_connections: %%ERROR:503 (got %r)" % reply[-80:])
for h in held:
    h.close()
time.sleep(0.3)
reply, err = httpraw.whois(whois_port, b"1.1.1.1\r\n")
check(b"inetnum:" in reply, "WHOIS served again once the held connections are gone")

sys.exit(1 if problems else 0)
EOF
CHECKS=$((CHECKS + $(grep -c '^ok: ' "$WORK/server")))
sed 's/^/  /' "$WORK/server"

# SIGTERM with a request in flight: it is answered (and the connection
# closed), new connections are refused, the daemon exits 0.
step "drain on SIGTERM"
"$PY" - "$RDAP_PORT" "$DPID" >"$WORK/drain" 2>&1 <<'EOF' || fail "drain: $(cat "$WORK/drain")"
import os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(b"GET /ip/1.1.1.1 HTTP/1.1\r\nHost: x\r\n")
time.sleep(0.3)
os.kill(pid, signal.SIGTERM)
time.sleep(0.3)
try:
    n = socket.create_connection(("127.0.0.1", port), timeout=2)
    n.sendall(b"GET /help HTTP/1.1\r\nHost: x\r\n\r\n")
    n.settimeout(2)
    refused = n.recv(100) == b""
except OSError:
    refused = True
s.sendall(b"\r\n")
s.settimeout(5)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
ok = data.startswith(b"HTTP/1.1 200 ") and b"\r\nConnection: close\r\n" in data
print("in flight: %s; new connection refused: %s" % ("answered, then closed" if ok else repr(data[:80]), refused))
sys.exit(0 if ok and refused else 1)
EOF
sed 's/^/  /' "$WORK/drain"
pass
for _ in $(seq 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
status=0
wait "$DPID" || status=$?
expect_eq "$status" 0 "exit status after SIGTERM"
check_stderr "$DERR" "idregd"
done_checks
