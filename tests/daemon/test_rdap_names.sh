#!/usr/bin/env bash
# Domains, nameservers and entities over RDAP and WHOIS: a registry built
# with the real idreg from a generated file (bench/gen_domains, 3000
# domains, fixed seed, a fifth of them internationalized) and a small
# hand-written one (Chinese and German IDNs, a name written as A-labels,
# contacts with and without personal fields, DS records, nameservers with
# IPv4 and IPv6), served by the real idregd on loopback.  Everything
# expected comes from those two files (rdap_names_check.py reads them and
# answers every search by brute force), never from idreg's output:
#   1. domain/ by U-label, A-label, as written, upper case, full width, with
#      a trailing dot and as raw UTF-8: one answer; names mixing A-labels
#      and U-labels: 400; names not held: 404; nameserver/ and entity/ alike;
#   2. the bodies: ldhName/unicodeName, status (RFC 8056 names), events,
#      nameservers, secureDNS (delegationSigned, dsData), entities with
#      roles and their jCards;
#   3. redaction (RFC 9537): with the default privacy.redact, personal
#      fields are left out (fn emptied) and each is listed under "redacted"
#      with a method and a path ("redacted" in rdapConformance); with an
#      empty policy everything shows and nothing is listed, and the paths
#      the first daemon gave are evaluated against the unredacted answers;
#      WHOIS leaves the same fields out and says so;
#   4. the RFC 9082 searches (name prefixes in ASCII and Unicode, P*.SUFFIX,
#      nsLdhName, nsIp, nameservers by name and address, entities by fn and
#      handle) give the brute-force sets, cut at rdap.search_max_results
#      (100, 25, 5, 1000) with a truncation notice; bad patterns: 422;
#   5. every body, and every element of a search answer, validates with
#      validate_rdap.py against rdap_domain/nameserver/entity/error.json.
# Daemon bugs found are listed below (same rules as KNOWN_BUGS, whose
# entries this test also honours).
source "$(dirname "$0")/harness_daemon.sh"
: "${GEN_DOMAINS:?GEN_DOMAINS must name the gen_domains binary}"

# This test's known daemon bugs, "ID description" (a check that finds one
# fixed fails and asks for its line to be removed).
cat >"$WORK/names_known_bugs" <<'EOF'
SCHEMA_REDACTED_MEMBER validation (not idregd): RFC 9537's top-level "redacted" member (correct, listed as "redacted" in rdapConformance) is refused by rdap_domain.json and rdap_entity.json (additionalProperties: false) because validate_rdap.py takes only "<extension>_<name>" members out as extension members, not a member named by the identifier itself
EOF

NPY=$(jcard_python)

DB="$WORK/reg.db"
step "generate and import"
"$GEN_DOMAINS" 3000 7 >"$WORK/gen.jsonl"
# The hand-written domains (one a line): A-labels are derived by the checker.
cat >"$WORK/known.jsonl" <<'EOF'
{"name":"中国网络.tst","handle":"NM-CN-1","status":["clientTransferProhibited","serverUpdateProhibited"],"registered":"2010-03-04T05:06:07Z","expires":"2030-03-04T05:06:07Z","last_changed":"2024-01-02T03:04:05.678Z","nameservers":[{"name":"ns1.中国网络.tst","handle":"NS-CN-1","addresses":["2001:db8:53::53","192.0.2.53"]},{"name":"ns.hoster-names.tst","addresses":["198.51.100.7","2001:db8:100::7"]}],"ds":[{"key_tag":2371,"algorithm":13,"digest_type":2,"digest":"3490a6806d47f17a34c29e2ce80e8a999ffbe4be8c7b1a7d3c5ab0f3c6e4a1b2"}],"entities":[{"handle":"PERS-CN","roles":["registrant"],"kind":"individual","fn":"王小明","email":"wang@names.example","voice":"+86.1012345678","fax":"+86.1012345679","street":["东城区 1号"],"locality":"北京","postal_code":"100010","country":"cn","personal":["fn","email","voice","street","postal_code"]},{"handle":"ORG-NM","roles":["administrative","technical"],"kind":"org","fn":"Names Test Hosting AG","org":"Names Test Hosting AG","email":"hostmaster@names.example","voice":"+41.445551234","fax":"+41.445551235","street":["Bahnhofstrasse 1","Postfach"],"locality":"Zürich","region":"ZH","postal_code":"8001","country":"CH"},{"handle":"R3-REG","roles":["registrar"]}]}
{"name":"straße.tst","handle":"NM-DE-1","status":["ok"],"registered":"2015-06-07T08:09:10Z","expires":"2026-06-07T08:09:10Z","nameservers":[{"name":"ns.hoster-names.tst"}],"entities":[{"handle":"PERS-DE","roles":["registrant","billing"],"kind":"individual","fn":"Jürgen Groß","org":"Großbäckerei Jürgen","email":"juergen@names.example","voice":"+49.301234567","fax":"+49.301234568","street":["Hauptstraße 5","Hinterhaus","3. OG"],"locality":"Köln","region":"NRW","postal_code":"50667","country":"DE","personal":["fn","org","email","voice","fax","street","locality","region","postal_code","country"]},{"handle":"nm-Mixed-7","roles":["technical","abuse"],"kind":"individual","fn":"Max Mustermann","email":"max@names.example","voice":"+49.891234567","locality":"München","country":"DE"}]}
{"name":"xn--bcher-kva.tst","status":["clientHold","pendingDelete","redemptionPeriod"],"registered":"2001-02-03T04:05:06Z","expires":"2031-02-03T04:05:06Z","last_changed":"2023-12-24T18:00:00Z","nameservers":[{"name":"ns1.example-shop.tst","handle":"NS1-SHOP","addresses":["192.0.2.1","2001:db8::1"]},{"name":"ns2.example-shop.tst","addresses":["192.0.2.2"]}],"ds":[{"key_tag":12345,"algorithm":8,"digest_type":1,"digest":"2BB183AF5F22588179A53B0A98631FAD1A292118"},{"key_tag":65535,"algorithm":14,"digest_type":4,"digest":"72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0563a9b5f4d288405c3008a946df983d6"}],"entities":[{"handle":"PERS-DE","roles":["administrative"]},{"handle":"MIN-1","roles":["abuse"],"kind":"application","fn":"Minimal Bot"}]}
{"name":"example-shop.tst","handle":"NM-SHOP","status":["clientDeleteProhibited","clientTransferProhibited","clientUpdateProhibited","clientRenewProhibited"],"registered":"2019-01-01T00:00:00Z","nameservers":[{"name":"ns1.example-shop.tst"},{"name":"ns2.example-shop.tst"},{"name":"ns.hoster-names.tst"}],"entities":[{"handle":"ORG-NM","roles":["registrant"]},{"handle":"PERS-CN","roles":["technical"]}]}
{"name":"测试.中国","status":["addPeriod"],"nameservers":[],"entities":[{"handle":"PERS-CN","roles":["registrant"]}]}
{"name":"Müller-Bäckerei.TST","handle":"NM-DE-2","status":["inactive"],"expires":"2027-12-31T23:59:59Z","nameservers":[{"name":"ns.müller-bäckerei.tst","addresses":["2001:db8:beef::1"]}],"entities":[{"handle":"nm-Mixed-7","roles":["registrant"]}]}
{"name":"tel-test.tst","nameservers":[],"entities":[{"handle":"ORG-TEL","roles":["technical"],"kind":"org","fn":"Tel Test Inc","voice":"+1.555 0100199 x42","fax":"+1.(555) 010-0198"}]}
EOF
idreg_ok --db "$DB" init
idreg_ok --db "$DB" import domains "$WORK/gen.jsonl" "$WORK/known.jsonl"
expect_match "$(cat "$WORK/idreg.out")" "gen\.jsonl: 3000 domains \(3000 new" "import of the generated domains"
expect_match "$(cat "$WORK/idreg.out")" "known\.jsonl: $(grep -c . "$WORK/known.jsonl") domains \($(grep -c . "$WORK/known.jsonl") new" \
  "import of the hand-written domains"

# The default privacy policy, as idregd's configuration states it.
policy=$("$IDREGD" --check-config | awk -F' = ' '$1 == "redact" { print $2 }')
expect_match "$policy" '(^| )fn( |$)' "the default privacy.redact withholds fn"

# names_check PHASE MAX POLICY: rdap_names_check.py against the running daemon.
names_check() {
  local phase=$1 max=$2 pol=$3 out status=0 n
  step "names check $phase"
  out=$("$NPY" "$HERE/rdap_names_check.py" --port "$RDAP_PORT" --whois-port "$WHOIS_PORT" \
    --phase "$phase" --max "$max" --policy "$pol" --work "$WORK" --schemas "$SCHEMAS" \
    --known-bugs "$WORK/names_known_bugs" --shared-known-bugs "$HERE/KNOWN_BUGS" \
    --known-names "$WORK/known.jsonl" "$WORK/gen.jsonl" "$WORK/known.jsonl" 2>&1) || status=$?
  grep -E '^(KNOWN BUG|[a-z]+: [0-9]+ requests)' <<<"$out" | sed "s/^/[$phase] /" >&2 || true
  [ "$status" -eq 0 ] || fail "names check $phase: $(grep -v '^KNOWN BUG' <<<"$out" | head -n 40)"
  n=$(sed -n 's/^checks \([0-9]*\)$/\1/p' <<<"$out")
  [ -n "$n" ] || fail "names check $phase printed no count: $out"
  CHECKS=$((CHECKS + n))
}

start_daemon names -o ratelimit.per_second=0
names_check redacted 100 "$policy"
stop_daemon

start_daemon names-open -o ratelimit.per_second=0 -o privacy.redact= -o rdap.search_max_results=25
names_check open 25 ""
stop_daemon

start_daemon names-cap5 -o ratelimit.per_second=0 -o rdap.search_max_results=5
names_check cap 5 "$policy"
stop_daemon

start_daemon names-cap1000 -o ratelimit.per_second=0 -o rdap.search_max_results=1000
names_check bigcap 1000 "$policy"
stop_daemon

# Every bug of this test's list was looked for, and is still there.
step "known bugs"
while read -r id _; do
  grep -qx "checked $id" "$WORK/names-known-ledger" || fail "known bug $id: no check looked for it"
  grep -qx "seen $id" "$WORK/names-known-ledger" ||
    fail "known bug $id: no check finds it any more; remove it from test_rdap_names.sh"
  pass
done <"$WORK/names_known_bugs"

done_checks
