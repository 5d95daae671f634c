#!/usr/bin/env bash
# EPP hosts (RFC 5732) with a real client, Debian's Net::EPP, against idregd:
# two registrars; the TLD "test" served (a row of table tld) and domains
# imported, then given sponsors with sqlite3 (example.test to clientA,
# other.test to clientB, imported.test the registry's, with a nameserver of
# its own).  <host:check>; <host:create> of an external host and of a
# subordinate one, and each refusal with its code: an external host with
# addresses (2306), a subordinate one without (2003), under a domain that
# does not exist (2303) or is another registrar's (2201), a name that exists
# (2302), loopback, multicast and link-local addresses (2306), an address
# given twice (2306), a U-label (2005), an address not of its ip kind
# (2005); <host:info> by the sponsor and by the other registrar;
# <host:update> adding and removing addresses and statuses, a status only
# the registry sets (2306), clientDeleteProhibited stopping a delete
# (2304), serverUpdateProhibited (set with `idreg host lock`) stopping an
# update (2304) and kept, a pending action (set with sqlite3) stopping both
# (2304), the
# last address of a subordinate host (2003), renames (to a
# subordinate name without and with addresses, onto a name that exists
# 2302, under the other registrar's domain 2201); the other registrar and
# the imported host (2201); a host named by a domain (a domain_host row)
# "linked" and not deleted (2305, with the count); delete, then 2303.
# Expected values come from the commands sent and from sqlite3, not from
# idreg: RDAP /nameserver/NAME after SIGHUP shows the host and its
# addresses; every transform that succeeded has its history line in a change
# set naming the svTRID of its answer, and the refused ones none.  Every
# frame is valid against the EPP schemas.
set -euo pipefail
source "$(dirname "$0")/harness_daemon.sh"
source "$HERE/harness_epp.sh"

epp_certs
DB="$WORK/reg.db"
idreg_ok --db "$DB" init
cat >"$WORK/held.jsonl" <<'JSONL'
{"name":"example.test","entities":[{"handle":"R-A","roles":["registrant"],"kind":"org","fn":"A Ltd"}]}
{"name":"other.test","entities":[{"handle":"R-B","roles":["registrant"],"kind":"org","fn":"B Ltd"}]}
{"name":"imported.test","nameservers":[{"name":"ns.imported.test","addresses":["198.51.100.7"]}],"entities":[{"handle":"R-A","roles":["registrant"]}]}
JSONL
idreg_ok --db "$DB" import domains "$WORK/held.jsonl"
sqlite3 "$DB" "UPDATE domain SET sponsor = 'clientA' WHERE ldh_name = 'example.test';
  UPDATE domain SET sponsor = 'clientB' WHERE ldh_name = 'other.test';
  INSERT INTO tld (name, unicode_name, min_years, max_years, default_years, add_grace_s,
    renew_grace_s, autorenew_grace_s, transfer_grace_s, redemption_s, pending_delete_s,
    transfer_wait_s, idn_tables, created_at, changed_at)
  VALUES ('test', 'test', 1, 10, 1, 432000, 432000, 3888000, 432000, 2592000, 432000, 432000, '',
    '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
epp_registrar "$DB" clientA pass-A-123
epp_registrar "$DB" clientB pass-B-123

# ---- commands: one file each, named by its clTRID ----
x="$EPP_XML"
H="xmlns:host=\"$EPP_HOST_NS\""
cmd() { # TRID BODY
  epp_xml "$1" "<command>$2<clTRID>$1</clTRID></command>"
}
addr() { # ADDRESS [v6]
  printf '<host:addr ip="%s">%s</host:addr>' "${2:-v4}" "$1"
}
create() { # TRID NAME [ADDR...]
  local trid=$1 name=$2 a=""
  shift 2
  for ip in "$@"; do
    if [[ $ip == *:* ]]; then a+=$(addr "$ip" v6); else a+=$(addr "$ip"); fi
  done
  cmd "$trid" "<create><host:create $H><host:name>$name</host:name>$a</host:create></create>"
}
update() { # TRID NAME INNER
  cmd "$1" "<update><host:update $H><host:name>$2</host:name>$3</host:update></update>"
}
one() { # TRID VERB NAME
  cmd "$1" "<$2><host:$2 $H><host:name>$3</host:name></host:$2></$2>"
}
epp_login login-A clientA pass-A-123 A-00
epp_login login-B clientB pass-B-123 B-00
epp_xml logout "<command><logout/><clTRID>Z-99</clTRID></command>"

cmd A-01 "<check><host:check $H><host:name>ns1.example.test</host:name><host:name>NS.Imported.test</host:name><host:name>ns1.dns.example.net</host:name></host:check></check>"
create A-02 ns1.dns.example.net
create A-03 ns2.dns.example.net 192.0.2.9
create A-04 ns1.example.test 192.0.2.1 2001:db8::1
create A-05 ns2.example.test
create A-06 ns1.nowhere.test 192.0.2.1
create A-07 ns1.other.test 192.0.2.1
create A-08 ns1.example.test 192.0.2.1
create A-09 ns3.example.test 127.0.0.1
create A-10 ns3.example.test 224.0.0.5
create A-11 ns3.example.test fe80::1
create A-12 ns3.example.test 192.0.2.1 192.0.2.1
create A-13 ns1.bücher.test 192.0.2.1
cmd A-14 "<create><host:create $H><host:name>ns3.example.test</host:name>$(addr 192.0.2.1 v6)</host:create></create>"
cmd A-15 "<check><host:check $H><host:name>ns1.example.test</host:name><host:name>ns1.dns.example.net</host:name><host:name>ns2.dns.example.net</host:name></host:check></check>"
one A-16 info ns1.example.test
update A-17 ns1.example.test "<host:add>$(addr 192.0.2.2)<host:status s=\"clientDeleteProhibited\"/></host:add><host:rem>$(addr 2001:db8::1 v6)</host:rem>"
update A-18 ns1.example.test "<host:add><host:status s=\"serverUpdateProhibited\"/></host:add>"
one A-19 delete ns1.example.test
update A-20 ns1.example.test "<host:rem><host:status s=\"clientDeleteProhibited\"/></host:rem>"
update A-21 ns1.example.test "<host:rem>$(addr 192.0.2.1)$(addr 192.0.2.2)</host:rem>"
update A-22 ns1.dns.example.net "<host:chg><host:name>ns2.example.test</host:name></host:chg>"
update A-23 ns1.dns.example.net "<host:add>$(addr 192.0.2.3)</host:add><host:chg><host:name>ns2.example.test</host:name></host:chg>"
update A-24 ns2.example.test "<host:chg><host:name>ns1.example.test</host:name></host:chg>"
update A-25 ns2.example.test "<host:chg><host:name>ns2.other.test</host:name></host:chg>"
one A-26 info ns2.example.test
one A-27 info ns1.dns.example.net

update B-01 ns1.example.test "<host:add>$(addr 192.0.2.4)</host:add>"
one B-02 delete ns1.example.test
one B-03 info ns1.example.test
update B-04 ns.imported.test "<host:add>$(addr 198.51.100.8)</host:add>"
one B-05 info ns.imported.test

one A-30 delete ns1.example.test
one A-31 info ns1.example.test
update A-32 ns1.example.test "<host:add>$(addr 192.0.2.5)</host:add>"
one A-33 delete ns2.example.test
one A-34 delete ns2.example.test
one A-35 info ns2.example.test
update A-36 ns1.example.test "<host:add><host:status s=\"clientDeleteProhibited\"/></host:add>"

epp_start -o log.level=info

session() { epp_session "$@"; }
expect_answers() { epp_expect_answers "$@"; }
steps() { # TRID... : send each file, then logout
  for t in "$@"; do echo "send $x/$t"; done
  echo "send $x/logout"
}
msg() { xmllint --xpath 'string(//*[local-name()="msg"])' "$(epp_answer "$1" "$2")"; }
host_xpath() { # SESSION N ELEMENT: the text of every such element of answer N, one a line
  xmllint --xpath "//*[local-name()='$3']" "$(epp_answer "$1" "$2")" 2>/dev/null |
    sed -e 's/<[^>]*>/ /g' -e 's/^ *//' -e 's/ *$//' | tr -s ' ' '\n' | grep -v '^$' || true
}

# ---- clientA: checks, creates, info, updates, renames ----
steps login-A A-01 A-02 A-03 A-04 A-05 A-06 A-07 A-08 A-09 A-10 A-11 A-12 A-13 A-14 A-15 A-16 \
  A-17 A-18 A-19 A-20 A-21 A-22 A-23 A-24 A-25 A-26 A-27 | session a
expect_answers a "1000 A-00" "1000 A-01" "1000 A-02" "2306 A-03" "1000 A-04" "2003 A-05" "2303 A-06" \
  "2201 A-07" "2302 A-08" "2306 A-09" "2306 A-10" "2306 A-11" "2306 A-12" "2005 A-13" "2005 A-14" \
  "1000 A-15" "1000 A-16" "1000 A-17" "2306 A-18" "2304 A-19" "1000 A-20" "2003 A-21" "2003 A-22" \
  "1000 A-23" "2302 A-24" "2201 A-25" "1000 A-26" "2303 A-27" "1500 Z-99"

step "check answers"
avail() { # SESSION N: name=avail per <host:cd>
  local f
  f=$(epp_answer "$1" "$2")
  for i in 1 2 3; do
    printf '%s=%s ' "$(xmllint --xpath "string((//*[local-name()='cd'])[$i]/*[local-name()='name'])" "$f")" \
      "$(xmllint --xpath "string((//*[local-name()='cd'])[$i]/*[local-name()='name']/@avail)" "$f")"
  done
}
expect_eq "$(avail a 2)" "ns1.example.test=1 ns.imported.test=0 ns1.dns.example.net=1 " "check before the creates"
expect_eq "$(avail a 16)" "ns1.example.test=0 ns1.dns.example.net=0 ns2.dns.example.net=1 " "check after the creates"

step "refusals say why"
expect_match "$(msg a 4)" "ns2.dns.example.net is external .*takes no addresses" "2306 external with an address"
expect_match "$(msg a 6)" "ns2.example.test is subordinate to example.test: it needs at least one" "2003 no address"
expect_match "$(msg a 7)" "superordinate domain nowhere.test of ns1.nowhere.test does not exist" "2303 no domain"
expect_match "$(msg a 8)" "superordinate domain other.test of ns1.other.test is sponsored by another registrar" "2201 domain of B"
expect_match "$(msg a 9)" "host ns1.example.test exists" "2302"
expect_match "$(msg a 10)" "127.0.0.1 is a loopback address" "2306 loopback"
expect_match "$(msg a 11)" "224.0.0.5 is a multicast address" "2306 multicast"
expect_match "$(msg a 12)" "fe80::1 is a link-local address" "2306 link-local"
expect_match "$(msg a 13)" "192.0.2.1 is given twice" "2306 twice"
expect_match "$(msg a 14)" "U-label form; RFC 5732 asks for the A-label form ns1.xn--bcher-kva.test" "2005 U-label"
expect_match "$(msg a 15)" "192.0.2.1 is not an IPv6 address" "2005 ip kind"
expect_match "$(msg a 19)" "serverUpdateProhibited is set by the registry" "2306 server status"
expect_match "$(msg a 20)" "host ns1.example.test has clientDeleteProhibited" "2304 delete prohibited"
expect_match "$(msg a 25)" "host ns2.example.test exists|host ns1.example.test exists" "2302 rename"
expect_match "$(msg a 26)" "other.test of ns2.other.test is sponsored by another registrar" "2201 rename"

step "info"
info=$(epp_answer a 17)
expect_eq "$(host_xpath a 17 name)" "ns1.example.test" "info: name"
id1=$(sqlite3 "$DB" "SELECT id FROM host WHERE ldh_name = 'ns1.example.test'")
expect_eq "$(host_xpath a 17 roid)" "H$id1-IDREG" "info: roid from the host's id"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="status"]/@s)' "$info")" ok "info: status ok"
expect_eq "$(host_xpath a 17 addr | tr '\n' ' ')" "192.0.2.1 2001:db8::1 " "info: addresses"
expect_eq "$(host_xpath a 17 clID)/$(host_xpath a 17 crID)" clientA/clientA "info: clID, crID"
crdate=$(sqlite3 "$DB" "SELECT c.at FROM history h JOIN change_set c ON c.id = h.change_set
  WHERE h.object_type = 'host' AND h.first_id = $id1 AND h.action = 'create'")
expect_eq "$(host_xpath a 17 crDate)" "$crdate" "info: crDate is the create's change set time"
expect_eq "$(host_xpath a 17 upID)" "" "info: no upID before an update"
# After the updates and the rename: addresses and statuses as changed.
expect_eq "$(host_xpath a 27 addr)" "192.0.2.3" "renamed host: its address"
expect_eq "$(host_xpath a 27 upID)" clientA "renamed host: upID"
expect_eq "$(sqlite3 "$DB" "SELECT address FROM host_address h JOIN host ON host.id = h.host_id
  WHERE ldh_name = 'ns1.example.test' ORDER BY position" | tr '\n' ' ')" "192.0.2.1 192.0.2.2 " \
  "ns1.example.test: 192.0.2.2 added, 2001:db8::1 removed"
expect_eq "$(sqlite3 "$DB" "SELECT status FROM host WHERE ldh_name = 'ns1.example.test'")" "" \
  "ns1.example.test: clientDeleteProhibited added and removed"

# ---- clientB: someone else's host, the registry's host ----
steps login-B B-01 B-02 B-03 B-04 B-05 | session b
expect_answers b "1000 B-00" "2201 B-01" "2201 B-02" "1000 B-03" "2201 B-04" "1000 B-05" "1500 Z-99"
expect_match "$(msg b 2)" "host ns1.example.test is sponsored by another registrar" "2201 B update"
expect_match "$(msg b 5)" "host ns.imported.test is sponsored by the registry" "2201 imported"
expect_eq "$(host_xpath b 6 clID)" registry "imported host: the registry's"
expect_eq "$(host_xpath b 4 clID)" clientA "B sees A's host"

# ---- a host named by a domain: linked; a server lock; deletes ----
sqlite3 "$DB" "INSERT INTO domain_host (domain_id, position, host_id)
  SELECT d.id, 0, h.id FROM domain d, host h WHERE d.ldh_name = 'example.test' AND h.ldh_name = 'ns1.example.test';"
idreg_ok --db "$DB" host lock ns1.example.test serverUpdateProhibited
steps login-A A-30 A-31 A-32 A-33 A-34 A-35 | session a2
expect_answers a2 "1000 A-00" "2305 A-30" "1000 A-31" "2304 A-32" "1000 A-33" "2303 A-34" "2303 A-35" \
  "1500 Z-99"
expect_match "$(msg a2 2)" "host ns1.example.test is linked to 1 domain$" "2305 names the count"
expect_eq "$(xmllint --xpath '//*[local-name()="status"]/@s' "$(epp_answer a2 3)" | tr -d ' \n')" \
  's="serverUpdateProhibited"s="linked"' "info: the server lock and linked"
expect_match "$(msg a2 4)" "host ns1.example.test has serverUpdateProhibited" "2304 server lock"
expect_eq "$(sqlite3 "$DB" "SELECT status FROM host WHERE ldh_name = 'ns1.example.test'")" \
  serverUpdateProhibited "the server lock outlives the registrar's update"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM host WHERE ldh_name = 'ns2.example.test'")" 0 "deleted"
# A pending action stops every transform, whatever else the host allows.
sqlite3 "$DB" "UPDATE host SET status = 'pendingUpdate' WHERE ldh_name = 'ns1.example.test'"
steps login-A A-36 A-30 | session a3
expect_answers a3 "1000 A-00" "2304 A-36" "2304 A-30" "1500 Z-99"
expect_match "$(msg a3 2)" "host ns1.example.test has a pending action" "2304 pending"
sqlite3 "$DB" "UPDATE host SET status = '' WHERE ldh_name = 'ns1.example.test'"

# ---- history: one line per transform, in a change set naming its answer's svTRID ----
step "history"
svtrid() { xmllint --xpath 'string(//*[local-name()="svTRID"])' "$(epp_answer "$1" "$2")"; }
want=$(printf '%s\n' "create clientA $(svtrid a 3)" "create clientA $(svtrid a 5)" \
  "update clientA $(svtrid a 18)" "update clientA $(svtrid a 21)" "update clientA $(svtrid a 24)" \
  "delete clientA $(svtrid a2 5)")
got=$(sqlite3 -separator ' ' "$DB" "SELECT h.action, c.actor, c.sv_trid FROM history h
  JOIN change_set c ON c.id = h.change_set
  WHERE h.object_type = 'host' AND c.sv_trid IS NOT NULL ORDER BY h.rowid")
expect_eq "$got" "$want" "history lines"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM change_set WHERE sv_trid IS NOT NULL")" 6 \
  "refused transforms left no change set"
expect_eq "$(sqlite3 "$DB" "SELECT json_extract(after_text, '\$.status') || ' ' || json_extract(after_text, '\$.sponsor')
  FROM history WHERE object_type = 'host' AND action = 'update' ORDER BY rowid LIMIT 1")" \
  '["clientDeleteProhibited"] clientA' "history text shows statuses and sponsor"
expect_eq "$(sqlite3 "$DB" "SELECT json_extract(after_text, '\$.name') FROM history h
  JOIN change_set c ON c.id = h.change_set
  WHERE object_type = 'host' AND action = 'update' AND c.sv_trid IS NOT NULL ORDER BY h.rowid DESC LIMIT 1")" \
  ns2.example.test "history text of the rename"
expect_eq "$(sqlite3 -separator ' ' "$DB" "SELECT c.actor, json_extract(after_text, '\$.status') FROM history h
  JOIN change_set c ON c.id = h.change_set WHERE object_type = 'host' AND c.actor LIKE 'idreg host %'")" \
  'idreg host lock ns1.example.test serverUpdateProhibited ["serverUpdateProhibited"]' \
  "the server lock's history line"

# ---- RDAP after a reload ----
step "RDAP"
kill -HUP "$DPID"
for _ in $(seq 300); do
  rdap "nameserver/ns1.example.test"
  [ "$STATUS" = 200 ] && break
  sleep 0.1
done
expect_rdap 200 rdap_nameserver.json "nameserver/ns1.example.test after SIGHUP"
field() { "$PY" -c 'import json, sys; print(eval(sys.argv[2], {}, {"j": json.load(open(sys.argv[1]))}))' "$BODY_FILE" "$1"; }
expect_eq "$(field 'j["ldhName"]')" ns1.example.test "RDAP: name"
expect_eq "$(field '" ".join(j["ipAddresses"]["v4"])')" "192.0.2.1 192.0.2.2" "RDAP: addresses"
expect_eq "$(field 'j["handle"]')" "H$id1-IDREG" "RDAP: the handle is the ROID"
rdap "nameserver/ns2.example.test"
expect_rdap 404 rdap_error.json "nameserver/ns2.example.test: deleted"
validate_bodies
stop_daemon

epp_validate_frames 40
done_checks
