#!/usr/bin/env bash
# Every RDAP error path answers with the status RFC 7480/9082 give it and an
# RFC 9083 section 6 error body (JSON, errorCode = the status, a title and
# a description; never HTML), with the RDAP headers, each body validated
# against rdap_error.json: 400 (bad address, bad AS number, unknown path,
# trailing junk, host bits set, control characters, over-long path, too
# many arguments), 404 (nothing covers it; domains, nameservers and
# entities this registry does not hold), 405 (other methods, with Allow),
# 501 (a method HTTP does not know), 422 (unsupported searches, two '*');
# searches that find nothing answer 200 with an empty result set.  Then
# what the HTTP layer refuses before a request is read whole: 414, 431,
# 505, malformed request lines and headers.
source "$(dirname "$0")/harness_daemon.sh"

DB="$WORK/reg.db"
build_registry "$DB"
start_daemon errors -o ratelimit.per_second=0 --log-level debug
files=("${DATA_FILES[@]}" "$IANA_FILE")

# Addresses and AS numbers that no record of any file covers, chosen from
# candidates by awk over the files.
uncovered() { # TYPE CANDIDATE...: the candidates no record of TYPE covers
  local type=$1
  shift
  for f in "${files[@]}"; do records_of "$f"; done | awk -F'|' -v type="$type" -v list="$*" -f "$HERE/ipv6.awk" -e '
    BEGIN { n = split(list, cand, " ")
            for (i = 1; i <= n; i++) key[i] = type == "ipv6" ? expand6(cand[i]) : type == "ipv4" ? sprintf("%08x", ip2int(cand[i])) : sprintf("%08x", cand[i]) }
    $3 == type { if (type == "ipv6") { s = expand6($4); e = v6last(s, $5) }
                 else { a = type == "ipv4" ? ip2int($4) : $4; s = sprintf("%08x", a); e = sprintf("%08x", a + $5 - 1) }
                 for (i = 1; i <= n; i++) if (key[i] "" >= s "" && key[i] "" <= e "") covered[i] = 1 }
    END { for (i = 1; i <= n; i++) if (!covered[i]) print cand[i] }'
}
v4_free=$(uncovered ipv4 10.1.2.3 127.0.0.1 192.168.7.7 240.0.0.1 | awk 'NR <= 2')
v6_free=$(uncovered ipv6 fd00::1 2001:db8::1 3fff::1 | awk 'NR <= 2')
as_free=$(uncovered asn 4200000000 4294967294 65535 | awk 'NR <= 2')
[ "$(wc -w <<<"$v4_free $v6_free $as_free")" -ge 4 ] || fail "too few uncovered resources: $v4_free $v6_free $as_free"
net_of_v4() { awk -F. '{ print $1 "." $2 ".0.0/16" }' <<<"$1"; }

long_path="ip/$(printf '1%.0s' $(seq 1100))"
long_name="entity/$(printf 'H%.0s' $(seq 300))"
many_args="ip/1.1.1.1?$(for i in $(seq 9); do printf 'a%d=1&' "$i"; done)"
# STATUS<TAB>METHOD<TAB>TARGET (the path after the base URL, sent as written;
# \xNN is a raw byte).
{
  # 400: not an address or AS number
  printf '400\tGET\t%s\n' ip/999.1.1.1 ip/1.1.1 ip/1.1.1.1.1 ip/1.1.1.01 ip/0x1.1.1.1 'ip/::g' 'ip/1::2::3' \
    ip/1.1.1.0/33 'ip/1.1.1.0/-1' 'ip/2001:db8::/129' ip/example.com 'ip/1.1.1.1-1.1.1.5' \
    autnum/AS1 autnum/4294967296 autnum/-1 autnum/+1 autnum/1.5 autnum/abc autnum/0x10 \
    autnum/99999999999999999999999999999999999999999999 autnum/%20 'autnum/4608%20'
  # 400: unknown or incomplete paths
  printf '400\tGET\t%s\n' '' foo/bar ip ip/ autnum/ domain/ entity/ nameserver/ help/ HELP Help ips/1.1.1.1 \
    IP/1.1.1.1 domain entity nameserver /ip/1.1.1.1 ../help ./help
  # 400: trailing junk after a good query
  printf '400\tGET\t%s\n' ip/1.1.1.1junk ip/1.1.1.1/ 'ip/1.1.1.0/24/' ip/1.1.1.0/24/x autnum/4608/ autnum/4608x \
    autnum/4608/x help/x 'domain/a/b' 'entity/a/b' 'ip/1.1.1.1%20' 'ip/1.1.1.1%20x' 'autnum/4608.'
  # 400: host bits set
  printf '400\tGET\t%s\n' ip/1.2.3.4/8 ip/1.1.1.1/24 'ip/2001:200::1/35' 'ip/1.1.1.128/24'
  # 400: control characters (escaped and raw)
  printf '400\tGET\t%s\n' 'ip/1.1.1.1%0a' 'ip/%01' 'entity/a%7fb' 'domain/a%09b.com' 'nameserver/ns%0d.example' \
    'domains?name=a%0ab' 'entity/x\x7f' 'ip/1.1.1.1\x01'
  # 400: over-long path, name, search value; too many arguments
  printf '400\tGET\t%s\n' "$long_path" "$long_name" "domains?name=$(printf 'a%.0s' $(seq 300))" "$many_args"
  # 400: searches by address with a bad address
  printf '400\tGET\t%s\n' 'nameservers?ip=bad' 'domains?nsIp=1.2.3' 'domains?name='
  # 404: covered by nothing
  for a in $v4_free; do printf '404\tGET\tip/%s\n' "$a"; done
  for a in $v6_free; do printf '404\tGET\tip/%s\n' "$a"; done
  for a in $as_free; do printf '404\tGET\tautnum/%s\n' "$a"; done
  printf '404\tGET\tip/%s\n' "$(net_of_v4 "$(head -n 1 <<<"$v4_free")")"
  # 404: objects this registry does not hold (it holds no names here)
  printf '404\tGET\t%s\n' domain/example.com domain/xn--bcher-kva.example 'domain/%C3%A9t%C3%A9.fr' \
    nameserver/ns1.example.com entity/XYZ-1 entity/ARIN-HOSTMASTER
  # 405: methods other than GET and HEAD
  for m in POST PUT DELETE PATCH OPTIONS TRACE; do printf '405\t%s\t%s\n' "$m" help "$m" ip/1.1.1.1; done
  # 501: a method HTTP does not know
  printf '501\tFOO\t%s\n' help ip/1.1.1.1
  printf '405\tPOST\t%s\n' ip/bad domains?name=x
  # 422: searches that are not supported or not well formed
  printf '422\tGET\t%s\n' 'domains?foo=bar' 'domains' 'nameservers' 'entities' 'entities?name=x' 'nameservers?nsIp=1.2.3.4' \
    'domains?name=a*b*' 'domains?name=*x*.com' 'domains?name=a*b.com' 'entities?fn=**' 'domains?name=a&nsIp=1.2.3.4' \
    'domains?name=a&name=b'
} >"$WORK/cases"
# Searches that find nothing: 200 and an empty result set (RFC 9083 section 8).
printf '%s\n' 'domains?name=exa*' 'domains?name=*.example.com' 'domains?nsLdhName=ns1.example.com' \
  'domains?nsIp=192.0.2.1' 'nameservers?name=ns*.example.com' 'nameservers?ip=2001:db8::53' \
  'entities?fn=Bob*' 'entities?handle=X*' >"$WORK/searches"

cut -f2,3 "$WORK/cases" >"$WORK/requests"
awk -F'\t' '
  BEGIN { title[400] = "Bad Request"; title[404] = "Not Found"; title[405] = "Method Not Allowed"
          title[422] = "Unprocessable Content"; title[501] = "Not Implemented" }
  function out(k, v) { print id "\t" k "\t" v }
  { id = $2 " " $3
    out("_status", $1); out("_content_type", "application/rdap+json"); out("_cors", "*")
    if ($2 == "HEAD") next
    out("_schema", "rdap_error.json"); out("_valid", "ok"); out("errorCode", $1); out("title", title[$1])
    out("description.0", "<not>"); out("objectClassName", "<absent>")
    if ($1 == 405) out("_allow", "GET, HEAD") }' "$WORK/cases" >"$WORK/expected"
awk '{ r = $0 ~ /^domains/ ? "domainSearchResults" : $0 ~ /^nameservers/ ? "nameserverSearchResults" : "entitySearchResults"
       print $0 "\t_status\t200"; print $0 "\t_schema\tsearch"; print $0 "\t_valid\tok"
       print $0 "\t_content_type\tapplication/rdap+json"; print $0 "\t_cors\t*"
       print $0 "\t" r ".0.objectClassName\t<absent>"; print $0 "\terrorCode\t<absent>" }' "$WORK/searches" >>"$WORK/expected"
cat "$WORK/searches" >>"$WORK/requests"
rdap_batch "$RDAP_PORT" <"$WORK/requests" >"$WORK/actual"
compare_tsv "$WORK/expected" "$WORK/actual" "$(wc -l <"$WORK/cases") error answers and $(wc -l <"$WORK/searches") empty searches"
rdap 'domains?name=exa*'
expect_rdap 200 search "domains?name=exa*"
expect_match "$BODY" '^\{"domainSearchResults":\[\],' "empty domain search result set"
echo "error cases: $(cut -f1 "$WORK/cases" | sort | uniq -c | tr -s ' \n' ' ')"

# The reasons quote the client's bytes as printable ASCII only.
expect_no_match "$(awk -F'\t' '$2 == "description.0" { print $3 }' "$WORK/actual" | LC_ALL=C grep -n '[^ -~]' || true)" . \
  "reasons are printable ASCII"

# A NUL (%00) cuts the path short for the parser: what follows is never seen.
rdap 'ip/1.1.1.1%00junk'
known_bug NUL_TRUNCATES_PATH "$([ "$STATUS" = 400 ] && echo true || echo false)" \
  "ip/1.1.1.1%00junk: expected 400 for the trailing junk, got $STATUS"
rdap 'domains?name=a%00*b*'
known_bug NUL_TRUNCATES_PATH "$([ "$STATUS" = 422 ] && echo true || echo false)" \
  "domains?name=a%00*b*: expected 422 for two '*', got $STATUS"

# curl: a POST with a body, and the headers of an error.
rdap -X POST --data 'x=1' help
expect_rdap 405 rdap_error.json "POST help with a body"
expect_eq "$(header Allow)" "GET, HEAD" "405 Allow"
rdap ip/1.2.3.4/8
expect_rdap 400 rdap_error.json "host bits"
expect_match "$BODY" 'host bits|not an IP address or prefix' "host-bits reason"
rdap -I ip/1.2.3.4/8
expect_eq "$STATUS" 400 "HEAD of an error"
expect_eq "$(header Content-Type)" "application/rdap+json" "HEAD of an error: Content-Type"

# What the HTTP layer refuses before it has a whole request: a request line
# or headers over rdap.max_request_bytes, hundreds of header lines, malformed
# request lines and headers, another HTTP version.  Each gets its status
# and an RDAP error body with the RDAP headers, then the connection closes.
"$PY" - "$RDAP_PORT" "$HERE" >"$WORK/refused" <<'EOF'
import sys
sys.path.insert(0, sys.argv[2])
import httpraw
port = int(sys.argv[1])
cases = [
    ("long-url", 414, b"GET /ip/" + b"1" * 20000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    ("long-header", 431, b"GET /help HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\nConnection: close\r\n\r\n"),
    ("many-headers", 431, b"GET /help HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(300)) + b"\r\n"),
    ("no-version", 505, b"GET /help\r\nHost: x\r\n\r\n"),
    ("bad-header", 400, b"GET /help HTTP/1.1\r\nHost: x\r\nno colon here\r\nConnection: close\r\n\r\n"),
    ("http-2.0", 505, b"GET /help HTTP/2.0\r\nHost: x\r\nConnection: close\r\n\r\n"),
    ("empty-method", 501, b" /help HTTP/1.1\r\nHost: x\r\n\r\n"),
]
for name, expected, data in cases:
    r = httpraw.raw(port, data, timeout=5)
    print("%s\t%d\t%d\t%s\t%s\t%s" % (name, expected, r.status, r.header("content-type") or "-",
                                   r.header("access-control-allow-origin") or "-", r.body.decode("latin-1")))
EOF
while IFS=$'\t' read -r name expected status ctype cors body; do
  expect_eq "$status" "$expected" "$name: status"
  expect_eq "$ctype" application/rdap+json "$name: Content-Type"
  expect_eq "$cors" "*" "$name: Access-Control-Allow-Origin"
  printf '%s' "$body" >"$WORK/refused.$name.json"
  echo "rdap_error.json $WORK/refused.$name.json" >>"$WORK/manifest"
  expect_match "$body" "\"errorCode\":$expected," "$name: errorCode"
done <"$WORK/refused"
expect_eq "$(wc -l <"$WORK/refused")" 7 "refused cases answered"
daemon_alive "after the error cases"

# The debug log (text) has one line per message, each "idregd: ...": a
# request's bytes (%0a, %1b) must not start lines of their own or reach a
# terminal as controls.
stray=$(LC_ALL=C grep -cv '^idregd: ' "$DERR" || true)
controls=$(LC_ALL=C grep -c $'[\x01-\x08\x0b-\x1f\x7f]' "$DERR" || true)
known_bug LOG_TEXT_CONTROL_CHARS "$([ "$stray" -eq 0 ] && [ "$controls" -eq 0 ] && echo true || echo false)" \
  "$stray log lines do not start with 'idregd: ' and $controls hold control characters (e.g. $( (LC_ALL=C grep -m 1 -v '^idregd: ' "$DERR" || true) | cat -v))"

stop_daemon
done_checks
