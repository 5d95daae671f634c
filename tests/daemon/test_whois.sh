#!/usr/bin/env bash
# WHOIS (RFC 3912) with the real Debian whois client: addresses, prefixes
# and AS numbers of records sampled from every file, each answer checked
# line by line against what awk computes from the files; help, a domain,
# an entity handle, garbage; holders (the files' opaque ids) with their
# resources.  Then raw connections: CRLF line ends, a query of over 255
# bytes, a client that sends nothing (dropped after whois.timeout_ms, the
# daemon serving on), one that sends slowly, all worker threads held by
# idle clients, and SIGTERM with a client connected.
source "$(dirname "$0")/harness_daemon.sh"

DB="$WORK/reg.db"
build_registry "$DB"
timeout_ms=500
cap=9 # results listed for a holder: small, so that many hold more
start_daemon whois -o ratelimit.per_second=0 -o whois.timeout_ms=$timeout_ms -o rdap.search_max_results=$cap
files=("${DATA_FILES[@]}" "$IANA_FILE")
terms=$("$IDREGD" --check-config | awk -F' = ' '$1 == "terms_of_use" { print $2 }')

step "sweep"
sweep_records "$WORK/swept" "${files[@]}"
sample_swept "$WORK/swept" 8 >"$WORK/sample"

# Queries (the record's first address or AS number, and its prefix) and the
# expected "key: value" lines.  cidr lines are numbered (cidr.0, cidr.1...).
awk -F'\t' -f "$HERE/ipv6.awk" -e '
  function out(q, k, v) { print q "\t" k "\t" v >expected }
  function answer(q, r, h, parent, cidrs,   n, c, i, date) {
    print q
    out(q, r[3] == "asn" ? "aut-num" : r[3] == "ipv4" ? "inetnum" : "inet6num", h)
    out(q, "status", toupper(r[7]))
    if (r[2] == "") out(q, "country", "<absent>")
    else if (r[2] != "ZZ") out(q, "country", r[2])
    out(q, "org", holder == "" ? "<absent>" : holder)
    out(q, "parent", parent == "-" ? "<absent>" : parent)
    date = r[6]
    out(q, "created", date ~ /^[0-9]{8}$/ && date != "00000000" ? substr(date, 1, 4) "-" substr(date, 5, 2) "-" substr(date, 7, 2) : "<absent>")
    out(q, "source", r[1])
    out(q, "_error", "<absent>")
    n = split(cidrs, c, " ")
    for (i = 1; i <= n && i <= 8; i++) out(q, "cidr." (i - 1), c[i])
    out(q, "cidr." (n < 8 ? n : 8), "<absent>")
  }
  $8 == "ok" && $9 == "yes" {
    split($6, r, "|"); holder = r[8]
    if (r[3] == "asn") { answer("AS" r[4], r, $5, $7, ""); next }
    if (r[3] == "ipv4") cidrs = v4cidrs(strtonum("0x" $2), strtonum("0x" $3))
    else cidrs = r[4] "/" r[5]
    answer(r[4], r, $5, $7, cidrs)
    if (!index(cidrs, " ") && (r[3] == "ipv4" || v6first($2, r[5]) == $2)) answer(cidrs, r, $5, $7, cidrs)
  }' expected="$WORK/expected" "$WORK/sample" | LC_ALL=C sort -u >"$WORK/queries"
queries=$(wc -l <"$WORK/queries")
[ "$queries" -ge 60 ] || fail "only $queries WHOIS queries could be sampled"

step "whois client queries"
# Each query with the whois client; its reply as "query<TAB>key<TAB>value".
while read -r q; do
  whois -h 127.0.0.1 -p "$WHOIS_PORT" "$q" >"$WORK/reply" 2>&1 || fail "whois $q exited $?: $(cat "$WORK/reply")"
  awk -v q="$q" '
    /^%ERROR/ { print q "\t_error\t" $0; next }
    /^%/ || !/^[a-z0-9-]+: / { next }
    { key = $1; sub(/:$/, "", key); value = $0; sub(/^[a-z0-9-]+: +/, "", value); sub(/\r$/, "", value)
      if (key == "cidr") key = "cidr." ncidr++
      if (!(key in seen)) { seen[key] = 1; print q "\t" key "\t" value } }' "$WORK/reply"
done <"$WORK/queries" >"$WORK/actual"
compare_tsv "$WORK/expected" "$WORK/actual" "$queries sampled WHOIS queries"

# whois_query QUERY: the reply of the Debian whois client.
whois_query() {
  REPLY_TEXT=$(whois -h 127.0.0.1 -p "$WHOIS_PORT" "$@" 2>&1) || fail "whois $* exited $?"
}
whois_query help
expect_match "$REPLY_TEXT" "^% Queries" "help"
expect_no_match "$REPLY_TEXT" "^%ERROR" "help is no error"
expect_match "$REPLY_TEXT" "^% ${terms:0:40}" "terms of use header"
whois_query example.com
expect_match "$REPLY_TEXT" "^%ERROR:404: " "a domain the registry does not hold"
holder=$(first_record "$RIR/current/delegated-lacnic-extended-latest" '$8 != ""' | cut -d'|' -f8)
whois_query "H-$holder"
expect_match "$REPLY_TEXT" "^%ERROR:404: " "an entity handle the registry does not hold"
for garbage in 'garbage here' 'a/b' '1.2.3.4/8' '999.1.1.1/8' 'AS1 AS2'; do
  whois_query "$garbage"
  expect_match "$REPLY_TEXT" "^%ERROR:400: " "garbage '$garbage'"
done
whois_query 1.2.3.4/8
known_bug WHOIS_HOST_BITS_REASON "$(grep -q 'host bits' <<<"$REPLY_TEXT" && echo true || echo false)" \
  "WHOIS 1.2.3.4/8: the reason should say the host bits are set: $(grep '^%ERROR' <<<"$REPLY_TEXT")"

step "holders"
# Holders (the files' opaque ids): the holder, its registry, how many AS
# blocks and networks it holds, then the ones listed under the cap
# (rdap.search_max_results, as over RDAP), each as the object an address or
# AS number query prints, in the order sample_holders computes from the
# files.  Numeric ids (LACNIC's) read as AS numbers: "entity ID" asks for
# the holder.
sample_holders "$WORK/swept" "$cap" 2 >"$WORK/holders"
awk -F'\t' '
  function out(k, v) { print q "\t" k "\t" v >expected }
  $1 == "H" { q = ($3 ~ /^[0-9]+$/ ? "entity " : "") $3; print q
    out("handle", $3); out("source", $2); out("_error", "<absent>")
    out("held", $4 " AS number blocks and " $5 " networks are held" ($6 + $7 < $4 + $5 ? "; " $6 + $7 " are listed." : "."))
    out("object." $6 + $7, "<absent>"); n = 0 }
  $1 == "R" { out("object." n, $6); out("org." n, $3); n++ }' expected="$WORK/holder_expected" "$WORK/holders" >"$WORK/holder_queries"
holders=$(wc -l <"$WORK/holder_queries")
[ "$holders" -ge 10 ] || fail "only $holders holders could be sampled"
grep -q '^entity ' "$WORK/holder_queries" || fail "no numeric holder id sampled"
grep -q 'are listed\.$' "$WORK/holder_expected" || fail "no sampled holder holds more than the cap ($cap)"
while read -r q; do
  whois -h 127.0.0.1 -p "$WHOIS_PORT" "$q" >"$WORK/reply" 2>&1 || fail "whois $q exited $?: $(cat "$WORK/reply")"
  awk -v q="$q" '
    { sub(/\r$/, "") }
    /^%ERROR/ { print q "\t_error\t" $0; next }
    /^% .* are held/ { sub(/^% /, ""); print q "\theld\t" $0; next }
    /^%/ || !/^[a-z0-9-]+: / { next }
    { key = $1; sub(/:$/, "", key); value = $0; sub(/^[a-z0-9-]+: +/, "", value) }
    key == "aut-num" || key == "inetnum" || key == "inet6num" { print q "\tobject." n + 0 "\t" value; n++; next }
    key == "org" { print q "\torg." n - 1 "\t" value; next }
    n == 0 && (key == "handle" || key == "source") { print q "\t" key "\t" value }' "$WORK/reply"
done <"$WORK/holder_queries" >"$WORK/holder_actual"
compare_tsv "$WORK/holder_expected" "$WORK/holder_actual" "$holders holders over WHOIS"
numeric=$(sed -n 's/^entity //p' "$WORK/holder_queries" | head -n 1)
whois_query "$numeric"
expect_no_match "$REPLY_TEXT" "^handle:" "a bare number is an AS number, not the holder $numeric"
for garbage in 'entity a b' 'entity a/b'; do
  whois_query "$garbage"
  expect_match "$REPLY_TEXT" "^%ERROR:400: 'entity' takes one handle" "'$garbage'"
done

step "raw connections"
# Raw connections: CRLF line ends, long queries, silence.
"$PY" - "$WHOIS_PORT" "$HERE" "$timeout_ms" >"$WORK/raw" <<'EOF' || fail "raw WHOIS: $(cat "$WORK/raw")"
import re, socket, sys, threading, time
port, here, timeout_ms = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
sys.path.insert(0, here)
import httpraw
bad = 0

def report(ok, what):
    global bad
    print("%s: %s" % ("ok" if ok else "WRONG", what))
    bad += not ok

def crlf_only(reply):
    return reply.endswith(b"\r\n") and re.search(rb"(?<!\r)\n", reply) is None and b"\r\r" not in reply

for query in [b"1.1.1.1\r\n", b"AS4608\n", b"help\r\n", b"example.com\r\n", b"garbage here\r\n", b"\r\n"]:
    reply, err = httpraw.whois(port, query)
    report(bool(reply) and crlf_only(reply), "%r: CRLF line ends only (%d bytes%s)" % (query, len(reply), err and ", " + err))

def error_line(reply):
    m = re.search(rb"^%ERROR:(\d+): [ -~]+\r$", reply, re.M)
    return m.group(1).decode() if m else None

for n in (256, 300, 1000):
    reply, err = httpraw.whois(port, b"a" * n + b"\r\n")
    report(error_line(reply) == "400" and (b"longer than 255" in reply or b"too long" in reply),
           "%d-byte query: %%ERROR:400 (%r%s)" % (n, reply[-70:], err and ", " + err))
reply, err = httpraw.whois(port, b"b" * 300)
report(error_line(reply) == "400", "300 bytes and no line end: %%ERROR:400 (%r)" % reply[-60:])
reply, err = httpraw.whois(port, b"a" * 255 + b"\r\n")
report(error_line(reply) == "404", "255-byte query is not too long: %r" % reply[-60:])

# A client that sends nothing is dropped after whois.timeout_ms.
start = time.monotonic()
reply, err = httpraw.whois(port, b"", shutdown=False, timeout=10)
took = time.monotonic() - start
report(reply == b"" and timeout_ms / 1000 * 0.8 <= took <= timeout_ms / 1000 + 2.5,
       "silent client dropped after %.2f s (timeout %d ms; %r %s)" % (took, timeout_ms, reply[:40], err))

# Every worker held by a silent client: a real query still gets its answer
# once they are dropped.
silent = []
for _ in range(12):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    silent.append(s)
start = time.monotonic()
reply, err = httpraw.whois(port, b"1.1.1.1\r\n", timeout=10)
took = time.monotonic() - start
report(b"inetnum:" in reply and took < timeout_ms / 1000 * 2 + 3,
       "query behind 12 silent clients answered after %.2f s" % took)
for s in silent:
    s.close()
sys.exit(1 if bad else 0)
EOF
sed 's/^/  /' "$WORK/raw"
expect_no_match "$(cat "$WORK/raw")" '^WRONG' "raw WHOIS checks"
CHECKS=$((CHECKS + $(grep -c '^ok:' "$WORK/raw")))

# bash's /dev/tcp as a client: CRLF at the end of every line.
exec 3<>"/dev/tcp/127.0.0.1/$WHOIS_PORT"
printf 'AS4608\r\n' >&3
reply=$(od -An -c <&3 | tr -s ' \n' ' ')
exec 3<&-
expect_match "$reply" '\\r \\n' "CRLF over /dev/tcp"
expect_no_match "$reply" '[^r] \\n' "no bare LF over /dev/tcp"

step "slow client"
# whois.timeout_ms bounds how long a client may take to send its query
# (docs/configuration): one that trickles a byte every 200 ms should be
# dropped within it too, not kept for as long as it keeps sending.
"$PY" - "$WHOIS_PORT" "$timeout_ms" >"$WORK/slow" <<'EOF'
import socket, sys, time
port, timeout_ms = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=5)
start = time.monotonic()
kept = 0.0
try:
    while time.monotonic() - start < 4.0:
        s.send(b"1")
        time.sleep(0.2)
        s.setblocking(False)
        try:
            if s.recv(4096) == b"":
                break
        except BlockingIOError:
            pass
        except OSError:
            break
        finally:
            s.setblocking(True)
        kept = time.monotonic() - start
except OSError:
    pass
print("%.1f" % kept)
EOF
kept=$(cat "$WORK/slow")
known_bug WHOIS_TIMEOUT_PER_READ "$(awk -v k="$kept" -v t="$timeout_ms" 'BEGIN { print (k <= t / 1000 + 1.5) ? "true" : "false" }')" \
  "a client sending a byte every 200 ms was kept for ${kept} s; whois.timeout_ms=$timeout_ms bounds each read, not the query"

# A query cut short by the timeout (no line end, connection still open) is
# not answered as if it were complete: an error says why.
"$PY" - "$WHOIS_PORT" "$HERE" >"$WORK/partial" <<'EOF'
import sys
sys.path.insert(0, sys.argv[2])
import httpraw
reply, err = httpraw.whois(int(sys.argv[1]), b"1.1.1", shutdown=False, timeout=5)
print(reply.decode("latin-1").replace("\r\n", "|")[-120:])
EOF
expect_match "$(cat "$WORK/partial")" '%ERROR:400: query not ended by a line end' \
  "'1.1.1' without a line end, then silence: an error when the timeout strikes"

daemon_alive "after the WHOIS tests"

# SIGTERM with a silent WHOIS client connected: the daemon lets it finish
# (it is dropped after whois.timeout_ms), then exits 0.
exec 4<>"/dev/tcp/127.0.0.1/$WHOIS_PORT"
started=$(date +%s%N)
stop_daemon
took_ms=$(( ($(date +%s%N) - started) / 1000000 ))
exec 4<&-
[ "$took_ms" -lt $((timeout_ms + 10000)) ] || fail "SIGTERM with a silent WHOIS client took $took_ms ms"
echo "  stopped in $took_ms ms with a silent WHOIS client connected"
done_checks
