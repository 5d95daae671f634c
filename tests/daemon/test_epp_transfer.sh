#!/usr/bin/env bash
# EPP transfers, poll and the registry's clock against idregd, with two
# registrars driving Debian's Net::EPP (harness_epp.sh): a transfer request
# with a wrong authInfo (2202), then the right one (1001, pendingTransfer),
# queried by both registrars; rejected by the sponsor; requested again and
# approved (the sponsor, expiry and authInfo change); another requested and
# cancelled; poll req/ack on both sides with the counts of the messages
# each transform queued; then `idreg epp tick --now` days ahead
# approves a pending transfer (serverApproved, both told), renews an
# expired domain into autoRenewPeriod, turns a redemptionPeriod into
# pendingDelete and, later, purges the domain; RDAP after SIGHUP no longer
# knows the purged name and gives the renewed expiry.  idregd runs with
# epp.clock_interval_s=0, so that only the ticks asked for happen; at the
# end, with 1, its own clock renews a domain that expired.  A
# contact changes hands too.  Every frame is validated against the EPP
# schemas.  The domains to transfer and the contact are created over EPP;
# the two the clock renews and purges come from `idreg import domains` and
# are put in their state (sponsor, expiry, deletion) with SQL.
set -euo pipefail
source "$(dirname "$0")/harness_daemon.sh"
source "$HERE/harness_epp.sh"

command -v sqlite3 >/dev/null || fail "sqlite3 is missing (Debian package sqlite3)"
epp_certs

# Days from today at midnight UTC, and a year after such a day, as GNU date
# computes them (29 February is avoided: calendars differ on its year after).
day() {
  local d
  d=$(date -u -d "today $1 days" +%Y-%m-%d)
  [ "${d#*-}" != 02-29 ] || d=$(date -u -d "$d + 1 day" +%Y-%m-%d)
  echo "${d}T00:00:00Z"
}
year_after() { date -u -d "${1%T*} + 1 year" +%Y-%m-%dT00:00:00Z; }

expired=$(day -30)
redemption_end=$(day +1)
# A time plus one year, as Python's calendar computes it.
year_after_time() { "$PY" -c 'import sys, datetime as d; t = d.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ"); print(t.replace(year=t.year + 1).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1"; }

DB="$WORK/reg.db"
idreg_ok --db "$DB" init
idreg_ok --db "$DB" tld add example
{
  printf '{"name":"expired.example","registered":"2020-01-01T00:00:00Z","expires":"%s"}\n' "$expired"
  printf '{"name":"doomed.example","registered":"2020-01-01T00:00:00Z","expires":"%s"}\n' "$(day +200)"
} >"$WORK/domains.jsonl"
idreg_ok --db "$DB" import domains "$WORK/domains.jsonl"
epp_registrar "$DB" clientA pass-A-123
epp_registrar "$DB" clientB pass-B-123
step "imported domains sponsored, one deleted"
sqlite3 "$DB" "UPDATE domain SET sponsor = 'clientA', auth_info = 'pw-' || ldh_name;
  INSERT INTO domain_grace (domain_id, period, ends)
    SELECT id, 'redemptionPeriod', '$redemption_end' FROM domain WHERE ldh_name = 'doomed.example';
  UPDATE domain SET status = 'pendingDelete' WHERE ldh_name = 'doomed.example';" ||
  fail "setting sponsors"
pass
sql() { sqlite3 "$DB" "$1"; }

epp_start -o epp.clock_interval_s=0
x="$EPP_XML"
D="xmlns:domain=\"$EPP_DOMAIN_NS\""
transfer() { # FILE OP NAME PW TRID [PERIOD]
  local auth=""
  [ -z "$4" ] || auth="<domain:authInfo><domain:pw>$4</domain:pw></domain:authInfo>"
  epp_xml "$1" "<command><transfer op=\"$2\"><domain:transfer $D><domain:name>$3</domain:name>${6:-}$auth</domain:transfer></transfer><clTRID>$5</clTRID></command>"
}
poll_req() { epp_xml "$1" "<command><poll op=\"req\"/><clTRID>$2</clTRID></command>"; }
poll_ack() { epp_xml "$1" "<command><poll op=\"ack\" msgID=\"$2\"/><clTRID>$3</clTRID></command>"; }
epp_login login-A clientA pass-A-123 A-LOGIN
epp_login login-B clientB pass-B-123 B-LOGIN
epp_xml logout "<command><logout/><clTRID>LOGOUT</clTRID></command>"
one_year='<domain:period unit="y">1</domain:period>'
session() { # NAME LOGIN FILE...
  local name=$1 login=$2
  shift 2
  { echo "send $x/$login"; for f in "$@"; do echo "send $x/$f"; done; echo "send $x/logout"; } |
    epp_session "$name"
}
field() { epp_xpath "$(epp_answer "$1" "$2")" "string(//*[local-name()='$3'])"; }
msgq() { epp_xpath "$(epp_answer "$1" "$2")" "string(//*[local-name()='msgQ']/@$3)"; }

# ---- clientA creates a contact and the domains to transfer ----
C="xmlns:contact=\"$EPP_CONTACT_NS\""
contact_create() { # FILE TRID ID PW
  epp_xml "$1" "<command><create><contact:create $C><contact:id>$3</contact:id><contact:postalInfo type=\"int\"><contact:name>Alpha Ltd</contact:name><contact:addr><contact:city>Nairobi</contact:city><contact:cc>KE</contact:cc></contact:addr></contact:postalInfo><contact:email>ops@alpha.example</contact:email><contact:authInfo><contact:pw>$4</contact:pw></contact:authInfo></contact:create></create><clTRID>$2</clTRID></command>"
}
domain_create() { # FILE TRID NAME
  epp_xml "$1" "<command><create><domain:create $D><domain:name>$3</domain:name><domain:registrant>A-REG</domain:registrant><domain:authInfo><domain:pw>pw-$3</domain:pw></domain:authInfo></domain:create></create><clTRID>$2</clTRID></command>"
}
contact_create c-reg C-01 A-REG pw-contact-1
contact_create c-move C-02 C-MOVE pw-contact-2
domain_create d-moving C-03 moving.example
domain_create d-second C-04 second.example
domain_create d-third C-05 third.example
session a0 login-A c-reg c-move d-moving d-second d-third
epp_expect_answers a0 "1000 A-LOGIN" "1000 C-01" "1000 C-02" "1000 C-03" "1000 C-04" "1000 C-05" \
  "1500 LOGOUT"
moving_expires=$(field a0 4 exDate)
expect_eq "$(sql "SELECT expires FROM domain WHERE ldh_name = 'moving.example'")" "$moving_expires" \
  "created: the exDate answered"

# ---- request: wrong, then right authInfo; queried by both ----
transfer b-wrong request moving.example wrong-pw B-01
transfer b-right request moving.example pw-moving.example B-02 "$one_year"
transfer b-query query moving.example "" B-03
session b1 login-B b-wrong b-right b-query
epp_expect_answers b1 "1000 B-LOGIN" "2202 B-01" "1001 B-02" "1000 B-03" "1500 LOGOUT"
expect_eq "$(field b1 3 trStatus)/$(field b1 3 reID)/$(field b1 3 acID)" "pending/clientB/clientA" \
  "request: trnData"
expect_eq "$(field b1 3 exDate)" "$(year_after_time "$moving_expires")" "request: exDate a year later"
# Created without nameservers: inactive (RFC 5731), and now pendingTransfer.
expect_eq "$(sql "SELECT status FROM domain WHERE ldh_name = 'moving.example'")" \
  "inactive pendingTransfer" "request: pendingTransfer"

transfer a-query query moving.example "" A-01
poll_req a-poll A-02
session a1 login-A a-query a-poll
epp_expect_answers a1 "1000 A-LOGIN" "1000 A-01" "1301 A-02" "1500 LOGOUT"
expect_eq "$(field a1 2 trStatus)" pending "query by the sponsor"
expect_eq "$(msgq a1 3 count)/$(field a1 3 trStatus)/$(field a1 3 name)" "1/pending/moving.example" \
  "the sponsor's poll: the request"
msg=$(msgq a1 3 id)

# ---- ack, reject; the requester hears of it ----
poll_ack a-ack "$msg" A-03
transfer a-reject reject moving.example "" A-04
poll_req a-poll2 A-05
session a2 login-A a-ack a-reject a-poll2
epp_expect_answers a2 "1000 A-LOGIN" "1000 A-03" "1000 A-04" "1300 A-05" "1500 LOGOUT"
expect_eq "$(msgq a2 2 count)" 0 "ack: none left"
expect_eq "$(sql "SELECT status FROM domain WHERE ldh_name = 'moving.example'")" inactive \
  "rejected: no longer pendingTransfer"

poll_req b-poll B-04
session b2 login-B b-poll
epp_expect_answers b2 "1000 B-LOGIN" "1301 B-04" "1500 LOGOUT"
expect_eq "$(msgq b2 2 count)/$(field b2 2 trStatus)" "1/clientRejected" "the requester's poll: rejected"

# ---- requested again, another requested and cancelled, a third left pending ----
poll_ack b-ack "$(msgq b2 2 id)" B-05
transfer b-again request moving.example pw-moving.example B-06
transfer b-second request second.example pw-second.example B-07
transfer b-cancel cancel second.example "" B-08
transfer b-cancel2 cancel second.example "" B-09
transfer b-third request third.example pw-third.example B-10
session b3 login-B b-ack b-again b-second b-cancel b-cancel2 b-third
epp_expect_answers b3 "1000 B-LOGIN" "1000 B-05" "1001 B-06" "1001 B-07" "1000 B-08" "2301 B-09" \
  "1001 B-10" "1500 LOGOUT"
expect_eq "$(field b3 5 trStatus)" clientCancelled "cancel: trnData"

# ---- approved: sponsor, expiry, authInfo change ----
transfer a-approve approve moving.example "" A-06
transfer a-approve2 approve moving.example "" A-07
transfer a-wrong-cancel cancel third.example "" A-08
poll_req a-poll3 A-09
session a3 login-A a-approve a-approve2 a-wrong-cancel a-poll3
epp_expect_answers a3 "1000 A-LOGIN" "1000 A-06" "2301 A-07" "2201 A-08" "1301 A-09" "1500 LOGOUT"
# clientA's queue: the second request of moving, the request and the
# cancellation of second, the request of third.
expect_eq "$(msgq a3 5 count)/$(field a3 5 name)" "4/moving.example" "the sponsor's poll: 4 waiting"
expect_eq "$(sql "SELECT sponsor || ' ' || status || ' ' || expires FROM domain WHERE ldh_name = 'moving.example'")" \
  "clientB inactive $(year_after_time "$moving_expires")" "approved: new sponsor, a year more"
expect_no_match "$(sql "SELECT auth_info FROM domain WHERE ldh_name = 'moving.example'")" \
  '^pw-moving\.example$' "approved: a new authInfo"
expect_eq "$(sql "SELECT COUNT(*) FROM domain_grace g JOIN domain d ON d.id = g.domain_id
  WHERE d.ldh_name = 'moving.example' AND g.period = 'transferPeriod'")" 1 "approved: transferPeriod"
expect_eq "$(sql "SELECT COUNT(*) FROM history WHERE after_text LIKE '%pw-%' OR before_text LIKE '%pw-%'")" \
  0 "history: no authInfo"

transfer b-query2 query moving.example "" B-11
transfer a-query2 query moving.example "" A-10
poll_req b-poll3 B-12
session b4 login-B b-query2 b-poll3
session a4 login-A a-query2
epp_expect_answers b4 "1000 B-LOGIN" "1000 B-11" "1301 B-12" "1500 LOGOUT"
epp_expect_answers a4 "1000 A-LOGIN" "1000 A-10" "1500 LOGOUT"
expect_eq "$(field b4 2 trStatus)/$(field a4 2 trStatus)" "clientApproved/clientApproved" \
  "query by both after approval"
expect_eq "$(msgq b4 3 count)/$(field b4 3 trStatus)" "1/clientApproved" "the requester's poll: approved"

# ---- the clock, six days ahead: third approved, expired renewed, redemption over ----
step "tick +6 days"
"$IDREG" --db "$DB" epp tick --now "$(day +6)" >"$WORK/tick1" 2>"$WORK/tick1.err" ||
  fail "epp tick: $(cat "$WORK/tick1.err")"
pass
expect_eq "$(grep -E '^(transfers approved|domains renewed|redemptions ended|domains purged)' "$WORK/tick1")" \
  "$(printf 'transfers approved\t1\nredemptions ended\t1\ndomains purged\t0\ndomains renewed\t1')" "tick +6 days: counts"
expect_eq "$(sql "SELECT sponsor || ' ' || status FROM domain WHERE ldh_name = 'third.example'")" \
  "clientB inactive" "server approved: new sponsor"
expect_eq "$(sql "SELECT t.status FROM object_transfer t JOIN domain d ON d.id = t.object_id
  WHERE d.ldh_name = 'third.example'")" serverApproved "server approved: trStatus"
expect_eq "$(sql "SELECT expires FROM domain WHERE ldh_name = 'expired.example'")" \
  "$(year_after "$expired")" "auto-renewed a year"
expect_eq "$(sql "SELECT g.ends FROM domain_grace g JOIN domain d ON d.id = g.domain_id
  WHERE d.ldh_name = 'expired.example' AND g.period = 'autoRenewPeriod'")" "$(day +51)" "autoRenewPeriod of 45 days"
expect_eq "$(sql "SELECT status FROM domain WHERE ldh_name = 'doomed.example'")" pendingDelete \
  "redemption over: pendingDelete"
expect_eq "$(sql "SELECT DISTINCT c.actor FROM change_set c JOIN history h ON h.change_set = c.id
  WHERE h.before_text LIKE '%third.example%' AND h.after_text LIKE '%\"sponsor\":\"clientB\"%'")" registry \
  "the clock's history: actor registry"

poll_req a-poll4 A-11
poll_req b-poll4 B-13
session a5 login-A a-poll4
session b5 login-B b-poll4
epp_expect_answers a5 "1000 A-LOGIN" "1301 A-11" "1500 LOGOUT"
epp_expect_answers b5 "1000 B-LOGIN" "1301 B-13" "1500 LOGOUT"
# clientA: 4 as before, third's approval, expired's renewal; clientB:
# moving's approval, third's.
expect_eq "$(msgq a5 2 count)" 6 "the losing registrar's poll after the tick"
expect_eq "$(msgq b5 2 count)" 2 "the gaining registrar's poll after the tick"
expect_eq "$(sql "SELECT COUNT(*) FROM poll_message WHERE registrar = 'clientA' AND resdata LIKE
  '%<domain:renData%<domain:name>expired.example</domain:name>%'")" 1 "the renewal's message"

# ---- twelve days ahead: purged ----
step "tick +12 days"
"$IDREG" --db "$DB" epp tick --now "$(day +12)" >"$WORK/tick2" 2>"$WORK/tick2.err" ||
  fail "epp tick: $(cat "$WORK/tick2.err")"
pass
expect_eq "$(grep '^domains purged' "$WORK/tick2")" "$(printf 'domains purged\t1')" "tick +12 days: purged"
expect_eq "$(sql "SELECT COUNT(*) FROM domain WHERE ldh_name = 'doomed.example'")" 0 "purged: gone"
session a6 login-A a-poll4
epp_expect_answers a6 "1000 A-LOGIN" "1301 A-11" "1500 LOGOUT"
expect_eq "$(msgq a6 2 count)" 7 "the purge's message"

# ---- a contact changes hands ----
epp_xml b-contact "<command><transfer op=\"request\"><contact:transfer $C><contact:id>C-MOVE</contact:id><contact:authInfo><contact:pw>pw-contact-2</contact:pw></contact:authInfo></contact:transfer></transfer><clTRID>B-14</clTRID></command>"
epp_xml a-contact "<command><transfer op=\"approve\"><contact:transfer $C><contact:id>C-MOVE</contact:id></contact:transfer></transfer><clTRID>A-12</clTRID></command>"
session b6 login-B b-contact
session a7 login-A a-contact
session b7 login-B b-poll4
epp_expect_answers b6 "1000 B-LOGIN" "1001 B-14" "1500 LOGOUT"
epp_expect_answers a7 "1000 A-LOGIN" "1000 A-12" "1500 LOGOUT"
epp_expect_answers b7 "1000 B-LOGIN" "1301 B-13" "1500 LOGOUT"
expect_eq "$(field b6 2 trStatus)/$(field a7 2 trStatus)" "pending/clientApproved" "contact: trnData"
expect_eq "$(sql "SELECT sponsor FROM entity WHERE handle = 'C-MOVE'")" clientB "contact: new sponsor"
expect_eq "$(msgq b7 2 count)" 3 "contact: the requester told"

# ---- RDAP after SIGHUP ----
kill -HUP "$DPID"
step "RDAP after SIGHUP"
for _ in $(seq 100); do
  rdap domain/doomed.example
  [ "$STATUS" != 200 ] && break
  sleep 0.1
done
expect_rdap 404 rdap_error.json "domain/doomed.example after the purge"
rdap domain/expired.example
expect_rdap 200 rdap_domain.json "domain/expired.example"
expect_match "$BODY" "\"eventAction\":\"expiration\",\"eventDate\":\"$(year_after "$expired")\"" \
  "RDAP: the renewed expiry"
validate_bodies
stop_daemon

# ---- idregd's own clock: a domain expired an hour ago is renewed within seconds ----
sql "UPDATE domain SET expires = '$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)' WHERE ldh_name = 'second.example'"
renewed=$(year_after_time "$(sql "SELECT expires FROM domain WHERE ldh_name = 'second.example'")")
epp_start -o epp.clock_interval_s=1
step "idregd's clock"
for _ in $(seq 100); do
  [ "$(sql "SELECT expires FROM domain WHERE ldh_name = 'second.example'")" = "$renewed" ] && break
  sleep 0.1
done
pass
expect_eq "$(sql "SELECT expires FROM domain WHERE ldh_name = 'second.example'")" "$renewed" \
  "idregd's clock: auto-renewed"
stop_daemon

epp_validate_frames 40
done_checks
