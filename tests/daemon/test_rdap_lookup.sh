#!/usr/bin/env bash
# RDAP lookups (RFC 9082/9083) against idregd serving the real RIR files:
# ip/ADDRESS, ip/PREFIX and autnum/N for records sampled from each file,
# every answer checked member by member against what awk computes from the
# files (addresses, country, type, status, registration date, holder,
# cidr0_cidrs -- also for IPv4 counts that are not powers of two -- the
# parent, such as IANA's /8 above an RIR record, and the self link), and
# validated against ICANN's schemas.  Holders (the files' opaque ids) as
# entities with their resources.  Then help, the RDAP headers, HEAD, and
# rdapConformance at the top level only.
source "$(dirname "$0")/harness_daemon.sh"

DB="$WORK/reg.db"
build_registry "$DB"
# A small result cap, so that many holders have more resources than it lists.
cap=20
start_daemon lookup -o ratelimit.per_second=0 -o rdap.search_max_results=$cap
files=("${DATA_FILES[@]}" "$IANA_FILE")
terms=$("$IDREGD" --check-config | awk -F' = ' '$1 == "terms_of_use" { print $2 }')
[ -n "$terms" ] || fail "idregd --check-config names no terms_of_use"

sweep_records "$WORK/swept" "${files[@]}"

# The sample: every file's first and last record, about 60 more from each,
# and every IPv4 record whose count is not a power of two.
{
  sample_swept "$WORK/swept" 60
  awk -F'\t' -f "$HERE/ipv6.awk" -e '{ split($6, r, "|") } r[3] == "ipv4" && log2exact(r[5]) < 0' "$WORK/swept"
} | LC_ALL=C sort -u >"$WORK/sample"

# Requests and expected answers.  Expected lines: "request<TAB>member<TAB>value".
awk -F'\t' -v base="$BASE" -v terms="$terms" -f "$HERE/ipv6.awk" -e '
  function out(q, k, v) { print q "\t" k "\t" v >expected }
  function common(q, r, holder, parent,   date) {
    out(q, "_status", "200"); out(q, "_valid", "ok")
    out(q, "_content_type", "application/rdap+json"); out(q, "_cors", "*")
    out(q, "type", toupper(r[7]))
    out(q, "status.0", (r[7] == "allocated" || r[7] == "assigned") ? "active" : "inactive")
    out(q, "country", (r[2] == "" || r[2] == "ZZ") ? "<absent>" : r[2])
    date = r[6]
    if (date ~ /^[0-9]{8}$/ && date != "00000000") {
      out(q, "events.0.eventAction", "registration")
      out(q, "events.0.eventDate", substr(date, 1, 4) "-" substr(date, 5, 2) "-" substr(date, 7, 2) "T00:00:00Z")
    } else out(q, "events.0.eventAction", "<not>registration")
    if (holder != "") { out(q, "entities.0.objectClassName", "entity")
      out(q, "entities.0.handle", holder); out(q, "entities.0.roles.0", "registrant")
      if (holder ~ /^[A-Za-z0-9._~-]+$/) out(q, "entities.0.links.0.href", base "/entity/" holder) }
    else out(q, "entities.0.handle", "<absent>")
    out(q, "links.0.rel", "self"); out(q, "links.0.value", base "/" q)
    out(q, "rdapConformance.0", "rdap_level_0")
    out(q, "notices.0.title", "Terms of Use"); out(q, "notices.0.description.0", terms)
  }
  function network(q, r, h, sk, ek, v6, holder, parent, cidrs,   n, c, i, p) {
    common(q, r, holder, parent)
    out(q, "objectClassName", "ip network"); out(q, "handle", h)
    out(q, "ipVersion", v6 ? "v6" : "v4")
    out(q, "startAddress", v6 ? sk : int2ip(strtonum("0x" sk)))
    out(q, "endAddress", v6 ? ek : int2ip(strtonum("0x" ek)))
    out(q, "parentHandle", parent == "-" ? "<absent>" : parent)
    out(q, "rdapConformance.1", "cidr0")
    n = split(cidrs, c, " ")
    for (i = 1; i <= n; i++) { split(c[i], p, "/")
      out(q, "cidr0_cidrs." (i - 1) "." (v6 ? "v6prefix" : "v4prefix"), p[1])
      out(q, "cidr0_cidrs." (i - 1) ".length", p[2]) }
    out(q, "cidr0_cidrs." n ".length", "<absent>")
    if (!v6) out(q, "links.0.href", base "/ip/" (n == 1 ? c[1] : int2ip(strtonum("0x" sk))))
  }
  { n = split($6, r, "|"); holder = (n >= 8) ? r[8] : ""
    parent = $7; ok = ($8 == "ok"); smallest = ($9 == "yes")
    if (!ok) next
    if (r[3] == "asn") {
      if (!smallest) next
      q = "autnum/" r[4]; print q
      common(q, r, holder, parent)
      out(q, "objectClassName", "autnum"); out(q, "handle", $5)
      out(q, "startAutnum", r[4]); out(q, "endAutnum", r[4] + r[5] - 1)
      out(q, "links.0.href", base "/autnum/" r[4])
      next
    }
    v6 = (r[3] == "ipv6")
    if (v6) cidrs = r[4] "/" r[5]
    else cidrs = v4cidrs(strtonum("0x" $2), strtonum("0x" $3))
    if (v6) prefix = v6first($2, r[5]) == $2 ? r[4] "/" r[5] : ""
    else prefix = index(cidrs, " ") ? "" : cidrs
    if (smallest) { q = "ip/" r[4]; print q; network(q, r, $5, $2, $3, v6, holder, parent, cidrs) }
    if (prefix != "") { q = "ip/" prefix; print q; network(q, r, $5, $2, $3, v6, holder, parent, cidrs) }
  }' expected="$WORK/expected" "$WORK/sample" | LC_ALL=C sort -u >"$WORK/requests"

requests=$(wc -l <"$WORK/requests")
[ "$requests" -gt 300 ] || fail "only $requests requests could be sampled"
for f in "${files[@]}"; do
  n=$(awk -F'|' '!/^[ \t]*#/ && NF >= 7 && $6 != "summary" && $1 !~ /^[0-9.]+$/ { print $1; exit }' "$f")
  expect_match "$(cut -f6 "$WORK/sample" | cut -d'|' -f1 | sort -u)" "^$n\$" "the sample holds records of $n"
done
odd=$(awk -F'\t' '$2 ~ /^cidr0_cidrs\.1\./ && $3 != "<absent>"' "$WORK/expected" | cut -f1 | sort -u | wc -l)
[ "$odd" -ge 30 ] || fail "only $odd sampled networks span several CIDR prefixes"
iana_parents=$(records_of "$IANA_FILE" | awk -F'|' -f "$HERE/ipv6.awk" -e '
  $3 == "ipv4" { s = ip2int($4); print int2ip(s) " - " int2ip(s + $5 - 1) }' |
  grep -cFf - <(awk -F'\t' '$2 == "parentHandle"' "$WORK/expected") || true)
[ "$iana_parents" -ge 3 ] || fail "only $iana_parents sampled networks lie under an IANA /8"

rdap_batch "$RDAP_PORT" <"$WORK/requests" >"$WORK/actual"
compare_tsv "$WORK/expected" "$WORK/actual" "sampled lookups ($requests requests)"
echo "sampled: $requests requests, $odd networks of several prefixes, $iana_parents under an IANA /8"

# Holders: an opaque id of the extended files is an entity (RFC 9083 5.1)
# with the holder's networks and autnums, listed up to the search cap
# (rdap.search_max_results, $cap).  Each sampled holder's answer is checked
# against its records in the files (sample_holders): which are listed, how
# many are held, its registry and status; and against rdap_entity.json.
# The largest holders are asked for in lower case too.
step "holders"
sample_holders "$WORK/swept" "$cap" 15 >"$WORK/holders"
awk -F'\t' -v base="$BASE" -v terms="$terms" -v same="$WORK/holder_same" '
  function out(q, k, v) { print q "\t" k "\t" v >expected }
  function expect(q,   total, listed) {
    print q
    out(q, "_status", "200"); out(q, "_valid", "ok"); out(q, "_schema", "rdap_entity.json")
    out(q, "objectClassName", "entity"); out(q, "handle", id)
    out(q, "roles.0", "registrant"); out(q, "roles.1", "<absent>")
    out(q, "status.0", active ? "active" : "<absent>")
    out(q, "remarks.0.title", "Source registry"); out(q, "remarks.0.description.0", reg)
    out(q, "events.0.eventAction", "last changed")
    out(q, "events.1.eventAction", "last update of RDAP database")
    out(q, "links.0.rel", "self"); out(q, "links.0.value", base "/" q)
    out(q, "links.0.href", base "/entity/" id)
    out(q, "autnums." la ".handle", "<absent>"); out(q, "networks." ln ".handle", "<absent>")
    out(q, "rdapConformance.0", "rdap_level_0")
    out(q, "rdapConformance.1", ln > 0 ? "cidr0" : "<absent>")
    out(q, "notices.0.title", "Terms of Use"); out(q, "notices.0.description.0", terms)
    total = a + nn; listed = la + ln
    if (listed < total) {
      out(q, "notices.1.title", "Resources truncated")
      out(q, "notices.1.description.0", total " networks and autnums are held; " listed " are listed.")
    } else out(q, "notices.1.title", "<absent>")
  }
  function resource(q) {
    out(q, kd "." i ".objectClassName", kd == "autnums" ? "autnum" : "ip network")
    out(q, kd "." i ".handle", h)
    out(q, kd "." i ".entities.0.handle", id)
  }
  $1 == "H" { reg = $2; id = $3; a = $4; nn = $5; la = $6; ln = $7; active = $8; largest = $9
    q = "entity/" id; lower = "entity/" tolower(id); expect(q)
    if (largest && lower != q) expect(lower) }
  $1 == "R" { kd = $4; i = $5; h = $6
    resource(q); if (largest && lower != q) resource(lower)
    # For the largest holders, the first listed network and AS block that
    # their own lookups find, to compare with those.
    if (largest && $8 && !(kd in compared)) { compared[kd] = 1
      print q "\t" kd "\t" i "\t" (kd == "autnums" ? "autnum/" : "ip/") $7 >same } }
  $1 == "H" { delete compared }' expected="$WORK/holder_expected" "$WORK/holders" >"$WORK/holder_requests"
holders=$(wc -l <"$WORK/holder_requests")
[ "$holders" -ge 60 ] || fail "only $holders holder requests could be sampled"
truncated=$(awk -F'\t' '$1 == "H" && $6 + $7 < $4 + $5' "$WORK/holders" | wc -l)
[ "$truncated" -ge 5 ] || fail "only $truncated sampled holders hold more than the cap ($cap)"
both=$(awk -F'\t' '$1 == "H" && $6 > 0 && $7 > 0' "$WORK/holders" | wc -l)
[ "$both" -ge 3 ] || fail "only $both sampled holders hold both AS blocks and networks"
inactive=$(awk -F'\t' '$1 == "H" && !$8' "$WORK/holders" | wc -l)
[ "$inactive" -ge 1 ] || fail "no sampled holder without an allocated or assigned record"
rdap_batch "$RDAP_PORT" <"$WORK/holder_requests" >"$WORK/holder_actual"
compare_tsv "$WORK/holder_expected" "$WORK/holder_actual" "holders ($holders requests)"
echo "holders: $holders requests, $truncated over the cap of $cap, $both with AS blocks and networks, $inactive inactive"

# A listed network or AS block is the object its own lookup answers with
# (but for the self link's context, and the top-level members).
[ "$(wc -l <"$WORK/holder_same")" -ge 4 ] || fail "too few listed resources to compare with their lookups"
while IFS=$'\t' read -r q kd i lookup; do
  rdap "$q"
  expect_rdap 200 rdap_entity.json "$q"
  listed_body=$BODY_FILE
  rdap "$lookup"
  expect_rdap 200 "$([ "$kd" = autnums ] && echo rdap_autnum.json || echo rdap_ip_network.json)" "$lookup"
  "$PY" - "$listed_body" "$kd" "$i" "$BODY_FILE" <<'EOF' || fail "$q: $kd[$i] differs from $lookup"
import json, sys
listed = json.load(open(sys.argv[1]))[sys.argv[2]][int(sys.argv[3])]
alone = json.load(open(sys.argv[4]))
for doc in (listed, alone):
    for member in ("rdapConformance", "notices"):
        doc.pop(member, None)
    for link in doc.get("links", []):
        link.pop("value", None)
if listed != alone:
    print("listed: %s\nalone:  %s" % (json.dumps(listed)[:600], json.dumps(alone)[:600]))
    sys.exit(1)
EOF
  pass
done <"$WORK/holder_same"

# The holder of a network links to its entity; an unknown handle is a 404.
holder=$(first_record "$RIR/current/delegated-afrinic-extended-latest" '$3 == "ipv4" && $8 != ""')
rdap "ip/$(cut -d'|' -f4 <<<"$holder")"
expect_match "$BODY" "\"entities\":\[\{\"objectClassName\":\"entity\",\"handle\":\"$(cut -d'|' -f8 <<<"$holder")\",\"roles\":\[\"registrant\"\],\"links\":\[\{\"value\":\"$BASE/entity/$(cut -d'|' -f8 <<<"$holder")\",\"rel\":\"self\"" \
  "a network's holder links to its entity"
rdap "entity/$(cut -d'|' -f8 <<<"$holder")X"
expect_rdap 404 rdap_error.json "an opaque id with one more character"

# An address inside a record (not its first) finds the same record: the
# middle of 1.1.1.0/24 (APNIC), under IANA's 1.0.0.0/8.
apnic_rec=$(records_of "$RIR/current/delegated-apnic-latest" | awk -F'|' '$3 == "ipv4" && $4 == "1.1.1.0"')
iana_rec=$(records_of "$IANA_FILE" | awk -F'|' '$3 == "ipv4" && $4 == "1.0.0.0"')
[ -n "$apnic_rec" ] && [ -n "$iana_rec" ] || fail "1.1.1.0 or 1.0.0.0 missing from the files"
rdap ip/1.1.1.77
expect_rdap 200 rdap_ip_network.json "ip/1.1.1.77"
expect_match "$BODY" '"startAddress":"1\.1\.1\.0","endAddress":"1\.1\.1\.255"' "ip/1.1.1.77 range"
expect_match "$BODY" '"parentHandle":"1\.0\.0\.0 - 1\.255\.255\.255"' "ip/1.1.1.77 parent is IANA's /8"
expect_match "$BODY" "\"links\":\[\{\"value\":\"$BASE/ip/1\.1\.1\.77\",\"rel\":\"self\",\"href\":\"$BASE/ip/1\.1\.1\.0/24\"" "self link"
# A prefix inside the record, and the /8 itself.
rdap ip/1.1.1.128/25
expect_rdap 200 rdap_ip_network.json "ip/1.1.1.128/25"
expect_match "$BODY" '"handle":"1\.1\.1\.0 - 1\.1\.1\.255"' "ip/1.1.1.128/25: most specific covering network"
rdap ip/1.1.0.0/16
expect_rdap 200 rdap_ip_network.json "ip/1.1.0.0/16"
expect_match "$BODY" '"handle":"1\.0\.0\.0 - 1\.255\.255\.255"' "ip/1.1.0.0/16: covered by the /8 only"
expect_match "$BODY" "\"registration\",\"eventDate\":\"$(cut -d'|' -f6 <<<"$iana_rec" | sed -E 's/(....)(..)(..)/\1-\2-\3/')T00:00:00Z\"" "/8 registration date"
expect_no_match "$BODY" '"parentHandle"' "the /8 has no parent"
# The last address of an AS block finds the block.
as_block=$(first_record "$IANA_FILE" '$3 == "asn" && $5 > 100' | awk -F'|' '{ print $4, $4 + $5 - 1 }')
read -r as_first as_last <<<"$as_block"
rdap "autnum/$((as_last))"
expect_rdap 200 rdap_autnum.json "autnum/$as_last"
expect_match "$BODY" "\"endAutnum\":${as_last}[,}]" "autnum/$as_last: its block"
expect_match "$BODY" "\"startAutnum\":${as_first}[,}]" "autnum/$as_last: the block's start (nothing smaller holds $as_last)"

# help, and what every answer carries.
rdap help
expect_rdap 200 rdap_help.json "help"
expect_match "$BODY" '^\{.*"rdapConformance":\["rdap_level_0"\]' "help conformance"
expect_match "$BODY" "\"description\":\[\"$terms\"\]" "help: terms of use notice"
expect_eq "$(header Content-Length)" "$(stat -c %s "$BODY_FILE")" "help: Content-Length"

# rdapConformance and notices once, at the top level (entities carry neither).
rdap "ip/$(first_record "$RIR/current/delegated-lacnic-extended-latest" '$3 == "ipv4" && $8 != ""' | cut -d'|' -f4)"
expect_rdap 200 rdap_ip_network.json "a LACNIC network with a holder"
expect_match "$BODY" '"entities":\[\{"objectClassName":"entity","handle":"[^"]+","roles":\["registrant"\],"links":\[[^]]*\]\}\]' "holder entity"
expect_eq "$(grep -o '"rdapConformance"' <<<"$BODY" | wc -l)" 1 "one rdapConformance"
expect_eq "$(grep -o '"notices"' <<<"$BODY" | wc -l)" 1 "one notices"

# HEAD: the same status and headers as GET, and no body; for answers and errors.
"$PY" - "$RDAP_PORT" "$HERE" <<'EOF' >"$WORK/head" || fail "HEAD checks: $(cat "$WORK/head")"
import sys
sys.path.insert(0, sys.argv[2])
import httpraw
port = int(sys.argv[1])
bad = 0
for path in ["/ip/1.1.1.1", "/autnum/4608", "/help", "/ip/192.0.2.300", "/domain/example.com", "/nope"]:
    get = httpraw.request(port, "GET", path)
    head = httpraw.request(port, "HEAD", path)
    hg = sorted((k, v) for k, v in get.headers if k != "date")
    hh = sorted((k, v) for k, v in head.headers if k != "date")
    problems = []
    if get.status == 0 or head.status != get.status:
        problems.append("status GET %d HEAD %d" % (get.status, head.status))
    if hg != hh:
        problems.append("headers differ: GET %s HEAD %s" % (hg, hh))
    if head.body:
        problems.append("HEAD has a body: %r" % head.body[:80])
    if head.header("content-length") != str(len(get.body)):
        problems.append("HEAD Content-Length %s, GET body %d bytes" % (head.header("content-length"), len(get.body)))
    print("%s: %s" % (path, "; ".join(problems) or "ok"))
    bad += bool(problems)
sys.exit(1 if bad else 0)
EOF
CHECKS=$((CHECKS + $(grep -c ': ok$' "$WORK/head")))

stop_daemon
done_checks
