#!/usr/bin/env bash
# EPP domains (RFC 5731) with Debian's Net::EPP against idregd: two
# registrars, each with contacts and hosts (rows inserted here with sqlite3,
# a sponsor set, since contact and host create are EPP commands of their
# own), under the TLD example (periods 1-10, the label nic reserved) and the
# TLD 中国 (IDN table zh-cn; the second-level Chinese reference LGR in its
# [idn.ZONE] policy, variants reserved for the registrant) and the TLD 台湾
# (the same LGR, allocatable variants activated, one at most); a name that
# looks like another's (UTS #39 skeleton) is flagged, not refused.
#
#  - check before and after: available, "Reserved", "Not served here", "In
#    use", "Variant of a held name";
#  - create: ASCII and Chinese names; exists (2302), reserved (2306), TLD not
#    served (2306), period out of range (2004), a host or contact that does
#    not exist (2303), no registrant (2003), an IDN table the TLD does not
#    list (2306); creData's dates, exDate = crDate + the period (computed
#    here with python);
#  - variants (RFC 4713 simplified/traditional, per the LGR XML: 中国's
#    variants are 中國 allocatable, 中囯 and 中圀 blocked): registrar A's
#    中国.中国 reserves 中國.中国 for its registrant; registrar B's create of
#    中國.中国 fails 2302 naming 中国.中国; the blocked 中囯.中国 is refused
#    for everyone, A included; A's create of 中國.中国 for the same
#    registrant takes the reserved variant as a domain of its own; under
#    台湾, whose policy activates variants, 中国.台湾's 中國.台湾 is activated;
#  - B's scope.example, then A's Cyrillic ѕсоре.example (its skeleton is
#    "scope"): accepted and logged as flagged;
#  - info by the sponsor (authInfo, hosts all/del/sub/none), by another
#    registrar (no authInfo; a wrong authInfo 2202, the right one shows
#    it), of a name not held (2303); the variants in cdn-1.0, the IDN table
#    in idn-1.0, the add grace period in rgp-1.0;
#  - renew: a wrong curExpDate (2004), more than 10 years ahead (2004), by
#    another registrar (2201), then the right one (exDate a year later);
#    clientRenewProhibited, serverRenewProhibited, pendingTransfer,
#    pendingDelete and a redemption period running (set with sqlite3): 2304;
#  - the store after all this, read with sqlite3: sponsors, grace periods,
#    variant rows, history lines (create, the renew's before and after) with
#    the change set's svTRID and clTRID, and no authInfo password anywhere
#    in the history.
# Every frame the server sent is valid against the EPP schemas.
set -euo pipefail
source "$(dirname "$0")/harness_daemon.sh"
source "$HERE/harness_epp.sh"

epp_certs
chinese="$SHARED/data/lgr/second-level-reference-lgr/lgr-second-level-chinese-language-31may22-en.xml"
[ -f "$chinese" ] || fail "no Chinese LGR at $chinese"
zh_tld=$(python3 -c 'print("中国".encode("idna").decode())')
cyr=$(python3 -c 'print("ѕсоре.example".encode("idna").decode())')
tw_tld=$(python3 -c 'print("台湾".encode("idna").decode())')
conf="$WORK/idreg.conf"
printf '[idn]\nconfusables = flag\n[idn.%s]\nlgr = %s\n[idn.%s]\nlgr = %s\nvariants = activate\nmax_activated = 1\n' \
  "$zh_tld" "$chinese" "$tw_tld" "$chinese" >"$conf"

DB="$WORK/reg.db"
idreg_ok --db "$DB" init
idreg_ok --db "$DB" tld add example
idreg_ok --db "$DB" tld add 中国 --idn-tables zh-cn
idreg_ok --db "$DB" tld add 台湾
idreg_ok --db "$DB" tld reserve example nic --reason "registry operations"
epp_registrar "$DB" clientA pass-A-123
epp_registrar "$DB" clientB pass-B-123
# Contacts and hosts of each registrar, as their create commands would leave them.
sqlite3 "$DB" "
INSERT INTO entity (id, handle, kind, fn, personal, changed_at, sponsor, creator, created, status)
  VALUES (1001, 'A-REG', 'org', 'Alpha Ltd', '', '2026-01-01T00:00:00Z', 'clientA', 'clientA', '2026-01-01T00:00:00Z', 'ok'),
         (1002, 'A-TECH', 'individual', 'Ann Tech', '', '2026-01-01T00:00:00Z', 'clientA', 'clientA', '2026-01-01T00:00:00Z', 'ok'),
         (1003, 'B-REG', 'org', 'Beta Ltd', '', '2026-01-01T00:00:00Z', 'clientB', 'clientB', '2026-01-01T00:00:00Z', 'ok');
INSERT INTO host (id, ldh_name, unicode_name, changed_at, sponsor, creator, created, status)
  VALUES (1001, 'ns1.dns-a.net', 'ns1.dns-a.net', '2026-01-01T00:00:00Z', 'clientA', 'clientA', '2026-01-01T00:00:00Z', 'ok'),
         (1002, 'ns1.alpha.example', 'ns1.alpha.example', '2026-01-01T00:00:00Z', 'clientA', 'clientA', '2026-01-01T00:00:00Z', 'ok'),
         (1003, 'ns1.dns-b.net', 'ns1.dns-b.net', '2026-01-01T00:00:00Z', 'clientB', 'clientB', '2026-01-01T00:00:00Z', 'ok');
UPDATE id_counter SET next_id = 2000 WHERE name IN ('entity', 'host');" || fail "contacts and hosts"

# ---- commands ----
D="xmlns:domain=\"$EPP_DOMAIN_NS\""
cmd() { # NAME TRID BODY [EXTENSION]
  epp_xml "$1" "<command>$3${4:+<extension>$4</extension>}<clTRID>$2</clTRID></command>"
}
check() { # NAME TRID DOMAINS...
  local name=$1 trid=$2 body="" d
  shift 2
  for d in "$@"; do body+="<domain:name>$d</domain:name>"; done
  cmd "$name" "$trid" "<check><domain:check $D>$body</domain:check></check>"
}
create() { # NAME TRID DOMAIN INNER [EXTENSION]
  cmd "$1" "$2" "<create><domain:create $D><domain:name>$3</domain:name>$4</domain:create></create>" "${5:-}"
}
info() { # NAME TRID DOMAIN [HOSTS] [PW]
  cmd "$1" "$2" "<info><domain:info $D><domain:name${4:+ hosts=\"$4\"}>$3</domain:name>${5:+<domain:authInfo><domain:pw>$5</domain:pw></domain:authInfo>}</domain:info></info>"
}
renew() { # NAME TRID DOMAIN CUREXPDATE [PERIOD]
  cmd "$1" "$2" "<renew><domain:renew $D><domain:name>$3</domain:name><domain:curExpDate>$4</domain:curExpDate>${5:+<domain:period unit=\"y\">$5</domain:period>}</domain:renew></renew>"
}
auth='<domain:authInfo><domain:pw>alpha-secret-1</domain:pw></domain:authInfo>'
a_reg='<domain:registrant>A-REG</domain:registrant>'
idn='<idn:data xmlns:idn="urn:ietf:params:xml:ns:idn-1.0"><idn:table>zh-cn</idn:table></idn:data>'
epp_login login-A clientA pass-A-123 A-00
epp_login login-B clientB pass-B-123 B-00
echo "$EPP_HEAD<command><logout/><clTRID>Z-99</clTRID></command></epp>" >"$EPP_XML/logout"

check check-before A-01 alpha.example nic.example alpha.nosuch 中国.中国
create alpha A-02 alpha.example "<domain:period unit=\"y\">2</domain:period><domain:ns><domain:hostObj>ns1.dns-a.net</domain:hostObj></domain:ns>$a_reg<domain:contact type=\"admin\">A-REG</domain:contact><domain:contact type=\"tech\">A-TECH</domain:contact>$auth"
create alpha-again A-03 alpha.example "$a_reg$auth"
create reserved A-04 nic.example "$a_reg$auth"
create unserved A-05 beta.nosuch "$a_reg$auth"
create too-long A-06 gamma.example "<domain:period unit=\"y\">11</domain:period>$a_reg$auth"
create no-host A-07 gamma.example "<domain:ns><domain:hostObj>ns9.nowhere.net</domain:hostObj></domain:ns>$a_reg$auth"
create no-registrant A-08 gamma.example "$auth"
create no-contact A-09 gamma.example "<domain:registrant>NOBODY</domain:registrant>$auth"
create zh A-10 中国.中国 "$a_reg$auth" "$idn"
create zh-table A-11 台湾.中国 "$a_reg$auth" '<idn:data xmlns:idn="urn:ietf:params:xml:ns:idn-1.0"><idn:table>xx</idn:table></idn:data>'
info info-owner A-12 alpha.example
info info-del A-13 alpha.example del
info info-sub A-14 alpha.example sub
info info-none A-15 alpha.example none
info info-zh A-16 中国.中国
check check-after A-17 alpha.example 中國.中国 中囯.中国 free.example
printf '%s\n' "send $EPP_XML/login-A" "send $EPP_XML/check-before" "send $EPP_XML/alpha" \
  "send $EPP_XML/alpha-again" "send $EPP_XML/reserved" "send $EPP_XML/unserved" "send $EPP_XML/too-long" \
  "send $EPP_XML/no-host" "send $EPP_XML/no-registrant" "send $EPP_XML/no-contact" "send $EPP_XML/zh" \
  "send $EPP_XML/zh-table" "send $EPP_XML/info-owner" "send $EPP_XML/info-del" "send $EPP_XML/info-sub" \
  "send $EPP_XML/info-none" "send $EPP_XML/info-zh" "send $EPP_XML/check-after" \
  "send $EPP_XML/logout" >"$WORK/steps-A"

epp_start -c "$conf" -o log.level=info
epp_session A <"$WORK/steps-A"
epp_expect_answers A "1000 A-00" "1000 A-01" "1000 A-02" "2302 A-03" "2306 A-04" "2306 A-05" \
  "2004 A-06" "2303 A-07" "2003 A-08" "2303 A-09" "1000 A-10" "2306 A-11" "1000 A-12" "1000 A-13" \
  "1000 A-14" "1000 A-15" "1000 A-16" "1000 A-17" "1500 Z-99"
ans() { epp_answer A "$1"; }
msg() { xmllint --xpath 'string(//*[local-name()="msg"])' "$1"; }
xp() { xmllint --xpath "$2" "$1"; }

# check before: name|avail|reason
cds() { # FILE
  local f=$1 i n
  n=$(xp "$f" 'count(//*[local-name()="cd"])')
  for i in $(seq "$n"); do
    printf '%s|%s|%s\n' "$(xp "$f" "string((//*[local-name()='cd'])[$i]/*[local-name()='name'])")" \
      "$(xp "$f" "string((//*[local-name()='cd'])[$i]/*[local-name()='name']/@avail)")" \
      "$(xp "$f" "string((//*[local-name()='cd'])[$i]/*[local-name()='reason'])")"
  done
}
expect_eq "$(cds "$(ans 2)")" "alpha.example|1|
nic.example|0|Reserved
alpha.nosuch|0|Not served here
中国.中国|1|" "check before"

# create: creData, exDate two years after crDate.
f=$(ans 3)
cr=$(xp "$f" 'string(//*[local-name()="crDate"])')
ex=$(xp "$f" 'string(//*[local-name()="exDate"])')
expect_eq "$(xp "$f" 'string(//*[local-name()="creData"]/*[local-name()="name"])')" alpha.example "creData name"
want_ex=$(python3 -c 'import sys; c = sys.argv[1]; print(str(int(c[:4]) + 2) + c[4:])' "$cr")
expect_eq "$ex" "$want_ex" "exDate = crDate + 2 years"
expect_match "$(msg "$(ans 4)")" "alpha.example exists" "2302 says the name exists"
expect_match "$(msg "$(ans 5)")" "nic.example is reserved: registry operations" "2306 gives the reservation's reason"
expect_match "$(msg "$(ans 6)")" "beta.nosuch is not under a TLD served here" "2306 for a TLD not served"
expect_match "$(msg "$(ans 7)")" "outside 1 to 10 years" "2004 names the range"
expect_match "$(msg "$(ans 8)")" "host ns9.nowhere.net does not exist" "2303 names the host"
expect_match "$(msg "$(ans 9)")" "registrant" "2003 names the registrant"
expect_match "$(msg "$(ans 10)")" "contact NOBODY does not exist" "2303 names the contact"
expect_match "$(msg "$(ans 12)")" "IDN table xx is not one of 中国's \\(zh-cn\\)" "2306 names the tables"

# info by the sponsor: everything, the subordinate host, the authInfo.
f=$(ans 13)
id_alpha=$(sqlite3 "$DB" "SELECT id FROM domain WHERE ldh_name = 'alpha.example'")
expect_eq "$(xp "$f" 'string(//*[local-name()="roid"])')" "D$id_alpha-IDREG" "roid"
expect_eq "$(xp "$f" 'string(//*[local-name()="status"]/@s)')" ok "status ok"
expect_eq "$(xp "$f" 'string(//*[local-name()="registrant"])')" A-REG "registrant"
expect_eq "$(xp "$f" 'string(//*[local-name()="contact"][@type="tech"])')" A-TECH "tech contact"
expect_eq "$(xp "$f" 'string(//*[local-name()="contact"][@type="admin"])')" A-REG "admin contact"
expect_eq "$(xp "$f" 'string(//*[local-name()="hostObj"])')" ns1.dns-a.net "ns"
expect_eq "$(xp "$f" 'string(//*[local-name()="infData"]/*[local-name()="host"])')" ns1.alpha.example "subordinate host"
expect_eq "$(xp "$f" 'string(//*[local-name()="clID"])')|$(xp "$f" 'string(//*[local-name()="crID"])')" "clientA|clientA" "clID and crID"
expect_eq "$(xp "$f" 'string(//*[local-name()="crDate"])')|$(xp "$f" 'string(//*[local-name()="exDate"])')" "$cr|$ex" "info dates"
expect_eq "$(xp "$f" 'string(//*[local-name()="pw"])')" alpha-secret-1 "the sponsor sees the authInfo"
expect_eq "$(xp "$f" 'string(//*[local-name()="rgpStatus"]/@s)')" addPeriod "add grace period (rgp-1.0)"
expect_eq "$(xp "$(ans 14)" 'count(//*[local-name()="hostObj"])')|$(xp "$(ans 14)" 'count(//*[local-name()="infData"]/*[local-name()="host"])')" "1|0" "hosts=del"
expect_eq "$(xp "$(ans 15)" 'count(//*[local-name()="hostObj"])')|$(xp "$(ans 15)" 'count(//*[local-name()="infData"]/*[local-name()="host"])')" "0|1" "hosts=sub"
expect_eq "$(xp "$(ans 16)" 'count(//*[local-name()="hostObj"])')|$(xp "$(ans 16)" 'count(//*[local-name()="infData"]/*[local-name()="host"])')" "0|0" "hosts=none"
# info of the Chinese name: the IDN table and the variant the registrant may use.
f=$(ans 17)
expect_eq "$(xp "$f" 'string(//*[local-name()="table"])')|$(xp "$f" 'string(//*[local-name()="uname"])')" "zh-cn|中国.中国" "idn-1.0 data"
zh_trad=$(python3 -c 'print("中國.中国".encode("idna").decode())')
expect_eq "$(xp "$f" 'string(//*[local-name()="VCDN"])')|$(xp "$f" 'string(//*[local-name()="VCDNPunycode"])')" "中國.中国|$zh_trad" "cdn-1.0 variants: the allocatable one"
expect_eq "$(xp "$f" 'count(//*[local-name()="VCDN"])')" 1 "blocked variants are not the registrant's to use"
expect_eq "$(xp "$f" 'string(//*[local-name()="status"]/@s)')" inactive "no nameservers: inactive"
expect_eq "$(cds "$(ans 18)")" "alpha.example|0|In use
中國.中国|0|Variant of a held name
中囯.中国|0|Variant of a held name
free.example|1|" "check after"

# ---- registrar B ----
exdate=${ex:0:10}
info b-info B-01 alpha.example
info b-info-wrong B-02 alpha.example all wrong-secret
info b-info-right B-03 alpha.example all alpha-secret-1
create b-trad B-04 中國.中国 "<domain:registrant>B-REG</domain:registrant>$auth"
create b-blocked B-05 中囯.中国 "<domain:registrant>B-REG</domain:registrant>$auth"
renew b-renew B-06 alpha.example "$exdate"
info b-none B-07 nosuch.example
create b-scope B-08 scope.example "<domain:registrant>B-REG</domain:registrant>$auth"
printf '%s\n' "send $EPP_XML/login-B" "send $EPP_XML/b-info" "send $EPP_XML/b-info-wrong" \
  "send $EPP_XML/b-info-right" "send $EPP_XML/b-trad" "send $EPP_XML/b-blocked" "send $EPP_XML/b-renew" \
  "send $EPP_XML/b-none" "send $EPP_XML/b-scope" "send $EPP_XML/logout" | epp_session B
epp_expect_answers B "1000 B-00" "1000 B-01" "2202 B-02" "1000 B-03" "2302 B-04" "2302 B-05" \
  "2201 B-06" "2303 B-07" "1000 B-08" "1500 Z-99"
f=$(epp_answer B 2)
expect_eq "$(xp "$f" 'count(//*[local-name()="authInfo"])')" 0 "another registrar sees no authInfo"
expect_eq "$(xp "$f" 'string(//*[local-name()="clID"])')" clientA "another registrar sees the sponsor"
expect_eq "$(xp "$(epp_answer B 4)" 'string(//*[local-name()="pw"])')" alpha-secret-1 "the right authInfo shows it"
expect_match "$(msg "$(epp_answer B 5)")" "中國.中国 is a reserved variant of 中国.中国" "B's 中國 names 中国"
expect_match "$(msg "$(epp_answer B 6)")" "中囯.中国 is a blocked variant of 中国.中国" "the blocked variant, for B"
expect_match "$(msg "$(epp_answer B 7)")" "alpha.example is not sponsored by clientB" "renew by another registrar"

# ---- registrar A again: renew, the blocked and the reserved variant ----
next_ex=$(python3 -c 'import sys; c = sys.argv[1]; print(str(int(c[:4]) + 1) + c[4:])' "$ex")
renew renew-wrong A-20 alpha.example 2001-01-01
renew renew-far A-21 alpha.example "$exdate" 9
renew renew-ok A-22 alpha.example "$exdate" 1
create a-blocked A-23 中囯.中国 "$a_reg$auth"
create a-trad A-24 中國.中国 "$a_reg$auth"
info a-zh-after A-25 中国.中国
create a-tw A-26 中国.台湾 "$a_reg$auth"
info a-tw-info A-27 中国.台湾
create a-cyr A-28 ѕсоре.example "$a_reg$auth"
printf '%s\n' "send $EPP_XML/login-A" "send $EPP_XML/renew-wrong" "send $EPP_XML/renew-far" \
  "send $EPP_XML/renew-ok" "send $EPP_XML/a-blocked" "send $EPP_XML/a-trad" "send $EPP_XML/a-zh-after" \
  "send $EPP_XML/a-tw" "send $EPP_XML/a-tw-info" "send $EPP_XML/a-cyr" "send $EPP_XML/logout" |
  epp_session A2
epp_expect_answers A2 "1000 A-00" "2004 A-20" "2004 A-21" "1000 A-22" "2302 A-23" "1000 A-24" \
  "1000 A-25" "1000 A-26" "1000 A-27" "1000 A-28" "1500 Z-99"
expect_match "$(cat "$DERR")" "EPP domain:create ѕсоре.example by clientA flagged: .*scope.example" "the confusable create is logged as flagged"
expect_match "$(msg "$(epp_answer A2 2)")" "not alpha.example's expiry date \\($exdate\\)" "wrong curExpDate"
expect_match "$(msg "$(epp_answer A2 3)")" "more than 10 years from now" "renew too far ahead"
expect_eq "$(xp "$(epp_answer A2 4)" 'string(//*[local-name()="exDate"])')" "$next_ex" "renData exDate a year later"
expect_match "$(msg "$(epp_answer A2 5)")" "中囯.中国 is a blocked variant of 中国.中国" "the blocked variant, for A too"
expect_eq "$(xp "$(epp_answer A2 7)" 'count(//*[local-name()="VCDN"])')" 0 "中國 is no longer 中国's variant"
expect_eq "$(xp "$(epp_answer A2 9)" 'string(//*[local-name()="VCDN"])')" "中國.台湾" "the activated variant in cdn-1.0"

# ---- statuses that forbid a renew (set in the store, as a lock or a pending action would) ----
exdate=${next_ex:0:10}
renew renew-locked A-30 alpha.example "$exdate"
printf '%s\n' "send $EPP_XML/login-A" "send $EPP_XML/renew-locked" "send $EPP_XML/logout" >"$WORK/steps-locked"
for status in clientRenewProhibited serverRenewProhibited pendingTransfer pendingDelete; do
  sqlite3 "$DB" "UPDATE domain SET status = '$status' WHERE ldh_name = 'alpha.example'"
  epp_session "locked-$status" <"$WORK/steps-locked"
  epp_expect_answers "locked-$status" "1000 A-00" "2304 A-30" "1500 Z-99"
  expect_match "$(msg "$(epp_answer "locked-$status" 2)")" "alpha.example has status $status" "renew refused for $status"
done
sqlite3 "$DB" "UPDATE domain SET status = 'ok' WHERE ldh_name = 'alpha.example';
  INSERT INTO domain_grace (domain_id, period, ends) VALUES ($id_alpha, 'redemptionPeriod', '2999-01-01T00:00:00Z')"
epp_session locked-redemption <"$WORK/steps-locked"
epp_expect_answers locked-redemption "1000 A-00" "2304 A-30" "1500 Z-99"
expect_match "$(msg "$(epp_answer locked-redemption 2)")" "has status pendingDelete" "renew refused in the redemption period"
sqlite3 "$DB" "DELETE FROM domain_grace WHERE period = 'redemptionPeriod'"

# ---- the store ----
step "store"
q() { sqlite3 -separator '|' "$DB" "$1"; }
expect_eq "$(q "SELECT ldh_name, sponsor, creator, auth_info, coalesce(idn_table, '-') FROM domain ORDER BY id")" \
"alpha.example|clientA|clientA|alpha-secret-1|-
$zh_tld.$zh_tld|clientA|clientA|alpha-secret-1|zh-cn
scope.example|clientB|clientB|alpha-secret-1|-
$zh_trad|clientA|clientA|alpha-secret-1|-
$zh_tld.$tw_tld|clientA|clientA|alpha-secret-1|-
$cyr|clientA|clientA|alpha-secret-1|-" "domains"
tw_id=$(q "SELECT id FROM domain WHERE ldh_name = '$zh_tld.$tw_tld'")
expect_eq "$(q "SELECT unicode_name, state FROM domain_variant WHERE domain_id = $tw_id ORDER BY state, unicode_name")" \
"中國.台湾|activated
中囯.台湾|blocked
中圀.台湾|blocked" "under 台湾 the allocatable variant is activated"
expect_eq "$(q "SELECT expires FROM domain WHERE ldh_name = 'alpha.example'")" "$next_ex" "expiry after the renew"
zh_id=$(q "SELECT id FROM domain WHERE ldh_name = '$zh_tld.$zh_tld'")
want=$(python3 - "$zh_tld" <<'PY'
import sys
tld = sys.argv[1]
for label, state in (("中囯", "blocked"), ("中圀", "blocked")):
    print("%s.%s|%s.中国|%s" % (label.encode("idna").decode(), tld, label, state))
PY
)
expect_eq "$(q "SELECT ldh_name, unicode_name, state FROM domain_variant WHERE domain_id = $zh_id ORDER BY ldh_name")" \
  "$(sort <<<"$want")" "中国's variant rows: the blocked ones"
expect_eq "$(q "SELECT count(*) FROM domain_variant WHERE domain_id NOT IN ($zh_id, $tw_id)")" 0 "中國 took no variant rows of its own"
grace=$(q "SELECT d.ldh_name, g.period, (strftime('%s', g.ends) - strftime('%s', d.registered)) / 86400 FROM domain_grace g JOIN domain d ON d.id = g.domain_id WHERE g.period = 'addPeriod' ORDER BY d.id")
expect_eq "$grace" "alpha.example|addPeriod|5
$zh_tld.$zh_tld|addPeriod|5
scope.example|addPeriod|5
$zh_trad|addPeriod|5
$zh_tld.$tw_tld|addPeriod|5
$cyr|addPeriod|5" "add grace periods of 5 days"
expect_eq "$(q "SELECT count(*) FROM domain_grace WHERE period = 'renewPeriod' AND domain_id = $id_alpha")" 1 "renew grace period"
hist=$(q "SELECT h.object_type, h.action, c.actor, c.sv_trid IS NOT NULL, c.cl_trid FROM history h JOIN change_set c ON c.id = h.change_set WHERE h.object_type = 'domain' ORDER BY h.id")
expect_eq "$hist" "domain|create|clientA|1|A-02
domain|create|clientA|1|A-10
domain|create|clientB|1|B-08
domain|update|clientA|1|A-22
domain|update|clientA|1|A-24
domain|create|clientA|1|A-24
domain|create|clientA|1|A-26
domain|create|clientA|1|A-28" "history lines: the creates, the renew, the variant taken"
renew_line=$(q "SELECT before_text || ' => ' || after_text FROM history h JOIN change_set c ON c.id = h.change_set WHERE c.cl_trid = 'A-22'")
expect_match "$renew_line" "\"expires\":\"$ex\".*=> .*\"expires\":\"$next_ex\"" "the renew's before and after"
expect_match "$renew_line" '"auth_info_tag":"[0-9a-f]{8}"' "the authInfo as a tag"
if sqlite3 "$DB" "SELECT before_text, after_text FROM history" | grep -q alpha-secret-1; then
  fail "an authInfo password is in the history"
fi
pass

epp_validate_frames 30
stop_daemon
echo "ok: $CHECKS checks"
