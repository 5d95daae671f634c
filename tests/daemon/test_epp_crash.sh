#!/usr/bin/env bash
# A crash under load: six EPP sessions (bench/epp_load.c over TLS) create
# domains as fast as they can, each logging every create answered 1000
# before it sends its next command; idregd is killed with SIGKILL in the
# middle of it and started again.  Then, read with sqlite3 from the file:
# the store passes PRAGMA integrity_check and foreign_key_check; every
# acknowledged create is there; at most one create per session (the one in
# flight when the daemon died) is there without an acknowledgement; every
# domain created over EPP has its history line in a change set of the
# registrar with its svTRID and clTRID, and every change set of the load
# holds exactly one domain create whose domain exists, with its registrant
# link (no half-written transform); the authInfo password is in no history
# line.  Over EPP again, the last create each session saw acknowledged
# answers <info> with 1000 and its name, and every frame is valid against
# the EPP schemas.  The registrant is created over EPP first.
set -euo pipefail
source "$(dirname "$0")/harness_daemon.sh"
source "$HERE/harness_epp.sh"
: "${EPP_LOAD:?EPP_LOAD must name bench/epp_load}"
command -v sqlite3 >/dev/null || fail "sqlite3 is missing (Debian package sqlite3)"

SESSIONS=6
mkdir -p "$WORK/acked"
MIN_ACKED=300  # acknowledged creates before the kill

epp_certs
DB="$WORK/reg.db"
idreg_ok --db "$DB" init
epp_registrar "$DB" clientA pass-A-123

idreg_ok --db "$DB" tld add example
cat >"$WORK/create.xml" <<XML
$EPP_HEAD<command><create><domain:create xmlns:domain="$EPP_DOMAIN_NS"><domain:name>{NAME}.example</domain:name><domain:registrant>HOLDER-1</domain:registrant><domain:authInfo><domain:pw>Crash-pw-77</domain:pw></domain:authInfo></domain:create></create><clTRID>{TRID}</clTRID></command></epp>
XML
epp_xml holder "<command><create><contact:create xmlns:contact=\"$EPP_CONTACT_NS\"><contact:id>HOLDER-1</contact:id><contact:postalInfo type=\"int\"><contact:name>Holder One</contact:name><contact:addr><contact:street>1 Rue de la Paix</contact:street><contact:city>Paris</contact:city><contact:cc>FR</contact:cc></contact:addr></contact:postalInfo><contact:email>holder@example.net</contact:email><contact:authInfo><contact:pw>Holder-pw-1</contact:pw></contact:authInfo></contact:create></create><clTRID>SETUP1</clTRID></command>"
epp_login login clientA pass-A-123 LOGIN1

# Enough worker threads that every session's create can wait for a commit at once.
epp_start -o service.threads=$((SESSIONS + 2))
epp_session setup <<<"send $EPP_XML/login
send $EPP_XML/holder"
epp_expect_answers setup "1000 LOGIN1" "1000 SETUP1"
step "load"
"$EPP_LOAD" -p "$EPP_PORT" -c "$EPP_TLS/ca.pem" -u clientA -w pass-A-123 -C "$WORK/create.xml" \
  -s "$SESSIONS" -d 120 -x k -l "$WORK/acked/s" >"$WORK/load.out" 2>"$WORK/load.err" &
LOAD_PID=$!
acked() { cat "$WORK"/acked/s.* 2>/dev/null | wc -l; }
for _ in $(seq 600); do
  [ "$(acked)" -ge "$MIN_ACKED" ] && break
  kill -0 "$LOAD_PID" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$LOAD_PID" 2>/dev/null || fail "the load ended early: $(cat "$WORK/load.out" "$WORK/load.err")"
[ "$(acked)" -ge "$MIN_ACKED" ] || fail "only $(acked) creates acknowledged in 60 s"
step "kill -9"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null || true
wait "$LOAD_PID" || fail "epp_load failed: $(cat "$WORK/load.err")"
pass
expect_match "$(cat "$WORK/load.out")" "^BROKEN $SESSIONS$" "every session saw the daemon die"
expect_eq "$(grep -c '^RESULT create' "$WORK/load.out")" 1 "the load's report"
failed=$(awk '$1 == "RESULT" && $2 == "create" { print $4 }' "$WORK/load.out")
expect_eq "$failed" 0 "creates answered other than 1000"

# ---- the store as the crash left it, before anything opens it for writing ----
q() { sqlite3 -batch -noheader "$DB" "$@"; }
expect_eq "$(q 'PRAGMA integrity_check;')" ok "integrity_check"
expect_eq "$(q 'PRAGMA foreign_key_check;')" "" "foreign_key_check"
sort -u "$WORK"/acked/s.* >"$WORK/acked-all"
total_acked=$(wc -l <"$WORK/acked-all")
expect_eq "$(cat "$WORK"/acked/s.* | wc -l)" "$total_acked" "no name acknowledged twice"
q "SELECT ldh_name FROM domain WHERE sponsor = 'clientA';" | sed 's/\.example$//' | sort >"$WORK/present"
missing=$(comm -23 "$WORK/acked-all" "$WORK/present")
expect_eq "$missing" "" "acknowledged creates missing after the crash"
extra=$(comm -13 "$WORK/acked-all" "$WORK/present" | wc -l)
[ "$extra" -le "$SESSIONS" ] || fail "$extra domains present without an acknowledgement (at most $SESSIONS in flight)"
pass
load_sets="actor = 'clientA' AND sv_trid IS NOT NULL AND cl_trid LIKE 'c%'"
expect_eq "$(q "SELECT count(*) FROM change_set WHERE $load_sets;")" "$(wc -l <"$WORK/present")" \
  "one change set per domain present"
expect_eq "$(q "SELECT count(*) FROM change_set c WHERE $load_sets AND
  (SELECT count(*) FROM history h JOIN domain d ON d.id BETWEEN h.first_id AND h.last_id
   JOIN domain_entity de ON de.domain_id = d.id AND de.role = 'registrant'
   JOIN entity e ON e.id = de.entity_id AND e.handle = 'HOLDER-1'
   WHERE h.change_set = c.id AND h.object_type = 'domain' AND h.action = 'create') <> 1;")" 0 \
  "change sets of the load without exactly one created domain and its registrant"
expect_eq "$(q "SELECT count(*) FROM domain d WHERE d.sponsor = 'clientA' AND NOT EXISTS
  (SELECT 1 FROM history h JOIN change_set c ON c.id = h.change_set
   WHERE h.object_type = 'domain' AND d.id BETWEEN h.first_id AND h.last_id
   AND h.action = 'create' AND c.actor = 'clientA');")" 0 "domains without their history line"
expect_eq "$(q "SELECT count(*) FROM history WHERE coalesce(before_text, '') || coalesce(after_text, '')
  LIKE '%Crash-pw-77%';")" 0 "history lines holding the password"

# ---- started again: the last acknowledged create of each session answers info ----
epp_start -o service.threads=4
steps="send $EPP_XML/login"
lasts=()
want=("1000 LOGIN1")
for f in "$WORK"/acked/s.*; do
  [ -s "$f" ] || continue
  last=$(tail -n 1 "$f")
  n=${f##*.}
  epp_xml "info$n" "<command><info><domain:info xmlns:domain=\"$EPP_DOMAIN_NS\"><domain:name>$last.example</domain:name></domain:info></info><clTRID>INFO$n</clTRID></command>"
  steps+=$'\n'"send $EPP_XML/info$n"
  want+=("1000 INFO$n")
  lasts+=("$last")
done
epp_session after <<<"$steps"
epp_expect_answers after "${want[@]}"
for i in "${!lasts[@]}"; do
  expect_eq "$(epp_xpath "$(epp_answer after $((i + 2)))" 'string(//*[local-name()="infData"]/*[local-name()="name"])')" \
    "${lasts[$i]}.example" "info of ${lasts[$i]}.example"
done
epp_validate_frames 5
stop_daemon
expect_eq "$(q 'PRAGMA integrity_check;')" ok "integrity_check after a clean stop"
echo "acknowledged $total_acked creates, $extra more present" >&2
done_checks
