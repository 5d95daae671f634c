#!/usr/bin/env bash
# EPP domain update, delete and restore (RFC 5731, 5910, 3915) with a real
# client, Debian's Net::EPP (epp_client.pl), against idregd: nameservers,
# contacts, statuses and authInfo changed (1000) and each refusal with its
# code -- a host or contact that does not exist (2303), a status of the
# registry's (2304), one already there or absent (2306), nothing to change
# (2003), too many nameservers (2306), a domain not held (2303), one
# imported or another registrar's (2201), clientUpdateProhibited (2304 but
# for its own removal); DS records added and removed (secDNS-1.1) with
# digest lengths (2005), keyData (2306) and maxSigLife (2102) refused, then
# info's <secDNS:infData> and RDAP's secureDNS after SIGHUP; delete within
# the add grace period (gone at once with its IDN variants -- 中国.中国 under
# the Chinese LGR -- each name available again), after it
# (pendingDelete 1001, redemptionPeriod, no more updates), with
# subordinate hosts in use (2305) and with clientDeleteProhibited (2304);
# restore request and report (rgp-1.0) back to ok, and restore refused when
# not in redemption (2304); server locks of `idreg domain lock` refusing a
# registrar's update and delete (2304) until `unlock`.  Every frame valid
# against the EPP schemas; expected values are written here from the
# commands sent, the database read with sqlite3.
set -euo pipefail
source "$(dirname "$0")/harness_daemon.sh"
source "$HERE/harness_epp.sh"

epp_certs
DB="$WORK/reg.db"
idreg_ok --db "$DB" init
# Hosts and contacts to link (imported with a domain of the registry's own);
# ns1.sub.example is named by other.example, so that sub.example (created
# below) has a subordinate host in use.
cat >"$WORK/seed.jsonl" <<'JSONL'
{"name":"seed.example","nameservers":[{"name":"ns1.dns.test"},{"name":"ns2.dns.test"},{"name":"ns3.dns.test"}],"entities":[{"handle":"C-REG","roles":["registrant"],"kind":"individual","fn":"Reg One"},{"handle":"C-TECH","roles":["technical"],"kind":"org","fn":"Tech Ltd"}]}
{"name":"other.example","nameservers":[{"name":"ns1.sub.example","addresses":["192.0.2.53"]}],"entities":[{"handle":"C-REG","roles":["registrant"]}]}
JSONL
idreg_ok --db "$DB" import domains "$WORK/seed.jsonl"
idreg_ok --db "$DB" tld add example
idreg_ok --db "$DB" tld add test --add-grace 0s
# 中国 with the Chinese second-level LGR: 中国.中国 reserves its variant 中國.中国.
chinese="$SHARED/data/lgr/second-level-reference-lgr/lgr-second-level-chinese-language-31may22-en.xml"
[ -f "$chinese" ] || fail "no Chinese LGR at $chinese"
zh_tld=$(python3 -c 'print("中国".encode("idna").decode())')
zh_trad=$(python3 -c 'print("中國.中国".encode("idna").decode())')
printf '[idn.%s]\nlgr = %s\n' "$zh_tld" "$chinese" >"$WORK/idreg.conf"
idreg_ok --db "$DB" tld add 中国
epp_registrar "$DB" clientA pass-A-123
epp_registrar "$DB" clientB pass-B-123
epp_start -c "$WORK/idreg.conf"

x="$EPP_XML"
D="xmlns:domain=\"$EPP_DOMAIN_NS\""
SEC='xmlns:secDNS="urn:ietf:params:xml:ns:secDNS-1.1"'
RGP='xmlns:rgp="urn:ietf:params:xml:ns:rgp-1.0"'
# SHA-256 digests of 32 bytes and a SHA-1 one of 20.
DIG1=$(printf 'A1%.0s' $(seq 32))
DIG2=$(printf 'B2%.0s' $(seq 32))
DIG3=$(printf 'C3%.0s' $(seq 20))
ds() { echo "<secDNS:dsData><secDNS:keyTag>$1</secDNS:keyTag><secDNS:alg>$2</secDNS:alg><secDNS:digestType>$3</secDNS:digestType><secDNS:digest>$4</secDNS:digest></secDNS:dsData>"; }
cmd() { # FILE TRID BODY [EXTENSION]
  epp_xml "$1" "<command>$3${4:+<extension>$4</extension>}<clTRID>$2</clTRID></command>"
}
create() { # FILE TRID NAME [EXTENSION]
  cmd "$1" "$2" "<create><domain:create $D><domain:name>$3</domain:name><domain:period unit=\"y\">1</domain:period><domain:ns><domain:hostObj>ns1.dns.test</domain:hostObj></domain:ns><domain:registrant>C-REG</domain:registrant><domain:contact type=\"admin\">C-REG</domain:contact><domain:contact type=\"tech\">C-TECH</domain:contact><domain:authInfo><domain:pw>2fooBAR</domain:pw></domain:authInfo></domain:create></create>" "${4:-}"
}
update() { # FILE TRID NAME BODY [EXTENSION]
  cmd "$1" "$2" "<update><domain:update $D><domain:name>$3</domain:name>$4</domain:update></update>" "${5:-}"
}
delete() { cmd "$1" "$2" "<delete><domain:delete $D><domain:name>$3</domain:name></domain:delete></delete>"; }
info() { cmd "$1" "$2" "<info><domain:info $D><domain:name>$3</domain:name></domain:info></info>"; }
check() { cmd "$1" "$2" "<check><domain:check $D><domain:name>$3</domain:name></domain:check></check>"; }
restore() { update "$1" "$2" "$3" "<domain:chg/>" "<rgp:update $RGP><rgp:restore op=\"$4\">${5:-}</rgp:restore></rgp:update>"; }
ns_add() { echo "<domain:add><domain:ns><domain:hostObj>$1</domain:hostObj></domain:ns></domain:add>"; }
status_add() { echo "<domain:add><domain:status s=\"$1\"/></domain:add>"; }
status_rem() { echo "<domain:rem><domain:status s=\"$1\"/></domain:rem>"; }
report="<rgp:report><rgp:preData>before</rgp:preData><rgp:postData>after</rgp:postData><rgp:delTime>2026-01-01T00:00:00Z</rgp:delTime><rgp:resTime>2026-01-02T00:00:00Z</rgp:resTime><rgp:resReason>deleted in error</rgp:resReason><rgp:statement>the report is true</rgp:statement></rgp:report>"

epp_login login-A clientA pass-A-123 U-00
epp_login login-B clientB pass-B-123 U-B0
create cr-upd U-01 upd.example "<secDNS:create $SEC>$(ds 11111 13 2 "$DIG1")</secDNS:create>"
create cr-del U-02 del.example
create cr-sub U-03 sub.example
create cr-late U-04 late.test
create cr-keep U-05 keep.example
create cr-zh U-06 中国.中国
update up-ok U-10 upd.example "<domain:add><domain:ns><domain:hostObj>ns2.dns.test</domain:hostObj></domain:ns><domain:contact type=\"billing\">C-TECH</domain:contact><domain:status s=\"clientHold\"/></domain:add><domain:rem><domain:contact type=\"admin\">C-REG</domain:contact></domain:rem><domain:chg><domain:authInfo><domain:pw>new-Pw-456</domain:pw></domain:authInfo></domain:chg>"
update up-nohost U-11 upd.example "$(ns_add nohost.dns.test)"
update up-nocontact U-12 upd.example "<domain:add><domain:contact type=\"tech\">C-NONE</domain:contact></domain:add>"
update up-server U-13 upd.example "$(status_add serverHold)"
update up-again U-14 upd.example "$(status_add clientHold)"
update up-absent U-15 upd.example "$(status_rem clientRenewProhibited)"
update up-empty U-16 upd.example ""
many=""
for i in $(seq 14); do many+="<domain:hostObj>ns$i.dns.test</domain:hostObj>"; done
update up-many U-17 upd.example "<domain:add><domain:ns>$many</domain:ns></domain:add>"
update up-nodomain U-18 nothere.example "$(status_add clientHold)"
update up-imported U-19 seed.example "$(status_add clientHold)"
update up-ns-dup U-20 upd.example "$(ns_add ns1.dns.test)"
update up-ds U-21 upd.example "" "<secDNS:update $SEC><secDNS:rem>$(ds 11111 13 2 "$DIG1")</secDNS:rem><secDNS:add>$(ds 22222 8 2 "$DIG2")$(ds 33333 8 1 "$DIG3")</secDNS:add></secDNS:update>"
update up-ds-len U-22 upd.example "" "<secDNS:update $SEC><secDNS:add>$(ds 44444 8 2 "$DIG3")</secDNS:add></secDNS:update>"
update up-ds-key U-23 upd.example "" "<secDNS:update $SEC><secDNS:add><secDNS:keyData><secDNS:flags>257</secDNS:flags><secDNS:protocol>3</secDNS:protocol><secDNS:alg>8</secDNS:alg><secDNS:pubKey>AwEAAQ==</secDNS:pubKey></secDNS:keyData></secDNS:add></secDNS:update>"
update up-ds-life U-24 upd.example "" "<secDNS:update $SEC><secDNS:chg><secDNS:maxSigLife>604800</secDNS:maxSigLife></secDNS:chg></secDNS:update>"
update up-ds-gone U-25 upd.example "" "<secDNS:update $SEC><secDNS:rem>$(ds 11111 13 2 "$DIG1")</secDNS:rem></secDNS:update>"
info info-upd U-26 upd.example
update up-lock U-27 upd.example "$(status_add clientUpdateProhibited)"
update up-locked U-28 upd.example "$(ns_add ns3.dns.test)"
update up-locked-mixed U-29 upd.example "<domain:add><domain:ns><domain:hostObj>ns3.dns.test</domain:hostObj></domain:ns></domain:add><domain:rem><domain:status s=\"clientUpdateProhibited\"/></domain:rem>"
update up-unlock U-30 upd.example "$(status_rem clientUpdateProhibited)"
delete del-grace U-40 del.example
info info-del U-41 del.example
check check-del U-42 del.example
delete del-zh U-48 中国.中国
check check-zh U-49 中國.中国
delete del-sub U-43 sub.example
delete del-late U-44 late.test
info info-late U-45 late.test
update up-late U-46 late.test "$(status_add clientHold)"
delete del-late-again U-47 late.test
restore rs-keep U-50 keep.example request
restore rs-report-early U-51 late.test report "$report"
restore rs-late U-52 late.test request
info info-restoring U-53 late.test
restore rs-late-again U-54 late.test request
restore rs-report U-55 late.test report "$report"
info info-restored U-56 late.test
update up-keep-lock U-57 keep.example "$(status_add clientDeleteProhibited)"
delete del-keep U-58 keep.example
update up-B U-60 upd.example "$(status_add clientHold)"
delete del-B U-61 upd.example
update up-after-lock U-70 upd.example "$(ns_add ns3.dns.test)"
delete del-after-lock U-71 upd.example
update up-after-unlock U-72 upd.example "$(ns_add ns3.dns.test)"
echo "$EPP_HEAD<command><logout/><clTRID>U-99</clTRID></command></epp>" >"$x/logout"

steps() { for f in "$@"; do echo "send $x/$f"; done; }
steps login-A cr-upd cr-del cr-sub cr-late cr-keep cr-zh up-ok up-nohost up-nocontact up-server up-again \
  up-absent up-empty up-many up-nodomain up-imported up-ns-dup up-ds up-ds-len up-ds-key up-ds-life \
  up-ds-gone info-upd up-lock up-locked up-locked-mixed up-unlock del-grace info-del check-del del-sub \
  del-late info-late up-late del-late-again rs-keep rs-report-early rs-late info-restoring rs-late-again \
  rs-report info-restored up-keep-lock del-keep del-zh check-zh logout | epp_session main
epp_expect_answers main "1000 U-00" "1000 U-01" "1000 U-02" "1000 U-03" "1000 U-04" "1000 U-05" "1000 U-06" \
  "1000 U-10" "2303 U-11" "2303 U-12" "2304 U-13" "2306 U-14" "2306 U-15" "2003 U-16" "2306 U-17" \
  "2303 U-18" "2201 U-19" "2306 U-20" "1000 U-21" "2005 U-22" "2306 U-23" "2102 U-24" "2306 U-25" \
  "1000 U-26" "1000 U-27" "2304 U-28" "2304 U-29" "1000 U-30" "1000 U-40" "2303 U-41" "1000 U-42" \
  "2305 U-43" "1001 U-44" "1000 U-45" "2304 U-46" "2304 U-47" "2304 U-50" "2304 U-51" "1000 U-52" \
  "1000 U-53" "2304 U-54" "1000 U-55" "1000 U-56" "1000 U-57" "2304 U-58" "1000 U-48" "1000 U-49" "1500 U-99"

# a TRID: the file of the main session's answer to the command with that clTRID.
a() {
  local f
  while read -r f; do
    [ "$f" != eof ] && [ "$(epp_cltrid "$f")" = "$1" ] && { echo "$f"; return; }
  done <"$WORK/main.log"
  fail "no answer with clTRID $1"
}
msg() { epp_xpath "$(a "$1")" 'string(//*[local-name()="msg"])'; }
expect_match "$(msg U-11)" "host nohost\.dns\.test does not exist" "2303 names the host"
expect_match "$(msg U-13)" "serverHold is the registry's" "2304 names the status"
expect_match "$(msg U-43)" "ns1\.sub\.example is named by 1 other domain" "2305 names the host in use"

# The database after the first update: what the command asked for.
q() { sqlite3 "$DB" "$1"; }
id_upd=$(q "SELECT id FROM domain WHERE ldh_name = 'upd.example'")
expect_eq "$(q "SELECT group_concat(h.ldh_name, ' ') FROM domain_host dh JOIN host h ON h.id = dh.host_id WHERE dh.domain_id = $id_upd ORDER BY dh.position")" \
  "ns1.dns.test ns2.dns.test" "nameservers after update"
expect_eq "$(q "SELECT group_concat(e.handle || ':' || de.role, ' ') FROM (SELECT * FROM domain_entity WHERE domain_id = $id_upd ORDER BY entity_id, role) de JOIN entity e ON e.id = de.entity_id")" \
  "C-REG:registrant C-TECH:billing C-TECH:technical" "contacts after update"

# info: the statuses, the DS records left (22222 SHA-256, 33333 SHA-1), no authInfo leak in history.
f=$(a U-26)
expect_eq "$(epp_xpath "$f" 'string(//*[local-name()="infData"]/*[local-name()="status"]/@s)')" "clientHold" "info: clientHold, not ok"
expect_eq "$(epp_xpath "$f" 'count(//*[local-name()="status"][@s="ok"])')" 0 "info: no ok beside clientHold"
expect_eq "$(epp_xpath "$f" 'concat(//*[local-name()="dsData"][1]/*[local-name()="keyTag"], " ", //*[local-name()="dsData"][2]/*[local-name()="keyTag"], " ", count(//*[local-name()="dsData"]))')" \
  "22222 33333 2" "info: secDNS:infData"
expect_eq "$(epp_xpath "$f" 'string(//*[local-name()="dsData"][1]/*[local-name()="digest"])')" "$DIG2" "info: the digest"
expect_eq "$(q "SELECT count(*) FROM history WHERE object_type = 'domain' AND first_id = $id_upd AND (after_text LIKE '%new-Pw-456%' OR before_text LIKE '%2fooBAR%')")" 0 \
  "no authInfo password in the history"
expect_eq "$(q "SELECT count(*) FROM history h JOIN change_set c ON c.id = h.change_set WHERE h.first_id = $id_upd AND h.object_type = 'domain' AND h.action = 'update' AND c.actor = 'clientA'")" \
  4 "a history line per update of upd.example (U-10, U-21, U-27, U-30)"

# delete in the add grace period: gone, and the name is free.
expect_eq "$(q "SELECT count(*) FROM domain WHERE ldh_name = 'del.example'")" 0 "del.example removed"
expect_eq "$(epp_xpath "$(a U-42)" 'string(//*[local-name()="name"]/@avail)')" "1" "del.example available again"
expect_eq "$(q "SELECT count(*) FROM history WHERE object_type = 'domain' AND action = 'delete' AND before_text LIKE '%del.example%'")" 1 "the delete in the history"
# ... with its variants: 中国.中国's reserved 中國.中国 is free again.
expect_eq "$(q "SELECT count(*) FROM history WHERE object_type = 'domain' AND action = 'delete' AND before_text LIKE '%$zh_trad%'")" 1 "the deleted domain had its variant"
expect_eq "$(q "SELECT count(*) FROM domain_variant") $(q "SELECT count(*) FROM domain WHERE ldh_name = '$zh_tld.$zh_tld'")" "0 0" "中国.中国 and its variant rows gone"
expect_eq "$(epp_xpath "$(a U-49)" 'string(//*[local-name()="name"]/@avail)')" "1" "中國.中国 available again"

# delete after it: pendingDelete and the redemption period, 30 days (the TLD's default) from the command.
f=$(a U-45)
expect_eq "$(epp_xpath "$f" 'string(//*[local-name()="infData"]/*[local-name()="status"]/@s)')" "pendingDelete" "late.test pendingDelete"
expect_eq "$(epp_xpath "$f" 'string(//*[local-name()="rgpStatus"]/@s)')" "redemptionPeriod" "late.test in redemption"
# (read from the delete's history line: the restore below removed the rows)
ends=$(q "SELECT h.after_text FROM history h JOIN change_set c ON c.id = h.change_set WHERE c.cl_trid = 'U-44'" |
  sed -n 's/.*"period":"redemptionPeriod","ends":"\([^"]*\)".*/\1/p')
[ -n "$ends" ] || fail "no redemption period in the delete's history line"
expect_eq "$(q "SELECT CAST(round((julianday('$ends') - julianday(at)) * 86400) AS INTEGER) FROM change_set WHERE cl_trid = 'U-44'")" \
  "$((30 * 86400))" "redemption ends 30 days after the delete"

# restore: request answers pendingRestore, the report brings it back.
expect_eq "$(epp_xpath "$(a U-52)" 'string(//*[local-name()="upData"]/*[local-name()="rgpStatus"]/@s)')" "pendingRestore" "restore request: rgp:upData"
expect_eq "$(epp_xpath "$(a U-53)" 'string(//*[local-name()="rgpStatus"]/@s)')" "pendingRestore" "info while restoring"
f=$(a U-56)
expect_eq "$(epp_xpath "$f" 'string(//*[local-name()="infData"]/*[local-name()="status"]/@s)')" "ok" "restored: ok"
expect_eq "$(epp_xpath "$f" 'count(//*[local-name()="rgpStatus"])')" 0 "restored: no grace period"
expect_eq "$(q "SELECT count(*) FROM domain_grace g JOIN domain d ON d.id = g.domain_id WHERE d.ldh_name = 'late.test'")" 0 "restored: no grace rows"

# Another registrar: 2201 for update and delete.
steps login-B up-B del-B logout | epp_session other
epp_expect_answers other "1000 U-B0" "2201 U-60" "2201 U-61" "1500 U-99"

# RDAP after SIGHUP: secureDNS with the DS records the updates left.
kill -HUP "$DPID"
for _ in $(seq 300); do
  rdap "domain/upd.example"
  grep -q 22222 "$BODY_FILE" && break
  sleep 0.1
done
# (test_rdap_names validates domain bodies against the schema, with the Python that can)
expect_eq "$STATUS" 200 "domain/upd.example after SIGHUP"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(str(x["keyTag"]) for x in d["secureDNS"]["dsData"]), d["secureDNS"]["delegationSigned"])' "$BODY_FILE")" \
  "22222 33333 True" "RDAP secureDNS"

# Server locks: the registry's, refused to the sponsor until unlocked.
idreg_ok --db "$DB" domain lock upd.example serverUpdateProhibited serverDeleteProhibited
steps login-A up-after-lock del-after-lock logout | epp_session locked
epp_expect_answers locked "1000 U-00" "2304 U-70" "2304 U-71" "1500 U-99"
expect_match "$(epp_xpath "$(epp_answer locked 2)" 'string(//*[local-name()="msg"])')" "serverUpdateProhibited" "2304 names the lock"
idreg_ok --db "$DB" domain unlock upd.example serverUpdateProhibited serverDeleteProhibited
steps login-A up-after-unlock logout | epp_session unlocked
epp_expect_answers unlocked "1000 U-00" "1000 U-72" "1500 U-99"

epp_validate_frames 60
stop_daemon
done_checks
