#!/usr/bin/env bash
# RDAP and WHOIS show each EPP transform at once: one Net::EPP session kept
# open (a coprocess), each command's answer read, and the very next query
# (curl, the whois client) must show the change.
#   before: entity/C-LIVE is 404;
#   create C-LIVE: RDAP 200 with its name and email, its "last changed"
#   event the time of the change set that carries the answer's svTRID
#   (read with sqlite3), WHOIS shows it;
#   C-LIVE linked to the imported held.example with sqlite3 (no domain
#   create here yet), then an update of its email: entity/C-LIVE and
#   domain/held.example (which embeds it) show the new email at once, the
#   answers kept before the update are not served again;
#   create then delete C-GONE: 200, then 404 over RDAP and WHOIS;
#   queries while writing: client threads ask for C-LIVE, held.example and
#   the contacts being created while C-N1..C-N8 are created, one answer
#   checked after each; the eighth makes 12 objects changed since the
#   load (held.example, its two contacts, C-GONE and the eight), past
#   service.reload_after_changes (11): the daemon loads the data whole
#   again in the background; every answer stays right, none goes back (a
#   contact seen once is seen after), and the handle search (which reads
#   the whole load only) lists all eight after it; an update after the
#   load and one after a SIGHUP show at once too;
#   domains: a create (its registration event the change set's time, its
#   registrant, WHOIS), an update adding clientHold, a delete (a 404, or
#   pending delete, as the store holds it) show at once; a create under
#   中国 (Chinese LGR) shows its reserved and blocked variants as RDAP
#   "variants" at once, as its domain_variant rows say.
# RDAP bodies valid against the RDAP JSON schemas, EPP frames against the
# EPP schemas; the daemon runs under the sanitizers of the build.
set -euo pipefail
source "$(dirname "$0")/harness_daemon.sh"
source "$HERE/harness_epp.sh"

PY=$(jcard_python)
epp_certs
DB="$WORK/reg.db"
idreg_ok --db "$DB" init
cat >"$WORK/held.jsonl" <<'JSONL'
{"name":"held.example","entities":[{"handle":"IMP-1","roles":["registrant"],"kind":"org","fn":"Imported Org","email":"hostmaster@held.example","country":"KE"}]}
JSONL
idreg_ok --db "$DB" import domains "$WORK/held.jsonl"
idreg_ok --db "$DB" tld add example
# 中国 with the Chinese reference LGR: a create reserves and blocks variants.
chinese="$SHARED/data/lgr/second-level-reference-lgr/lgr-second-level-chinese-language-31may22-en.xml"
[ -f "$chinese" ] || fail "no Chinese LGR at $chinese"
zh_tld=$("$PY" -c 'print("中国".encode("idna").decode())')
printf '[idn.%s]\nlgr = %s\n' "$zh_tld" "$chinese" >"$WORK/idreg.conf"
idreg_ok --db "$DB" tld add 中国 --idn-tables zh-cn
epp_registrar "$DB" clientA pass-A-123

C="xmlns:contact=\"$EPP_CONTACT_NS\""
cmd() { epp_xml "$1" "<command>$3<clTRID>$2</clTRID></command>"; }
# create NAME TRID ID FN EMAIL: everything disclosed
create() {
  cmd "$1" "$2" "<create><contact:create $C><contact:id>$3</contact:id><contact:postalInfo type=\"int\"><contact:name>$4</contact:name><contact:addr><contact:city>Nairobi</contact:city><contact:cc>KE</contact:cc></contact:addr></contact:postalInfo><contact:email>$5</contact:email><contact:authInfo><contact:pw>live-pass-1</contact:pw></contact:authInfo><contact:disclose flag=\"1\"><contact:name type=\"int\"/><contact:addr type=\"int\"/><contact:email/></contact:disclose></contact:create></create>"
}
update_email() { # NAME TRID ID EMAIL
  cmd "$1" "$2" "<update><contact:update $C><contact:id>$3</contact:id><contact:chg><contact:email>$4</contact:email></contact:chg></contact:update></update>"
}
delete() { cmd "$1" "$2" "<delete><contact:delete $C><contact:id>$3</contact:id></contact:delete></delete>"; }
epp_login login clientA pass-A-123 LOGIN
echo "$EPP_HEAD<command><logout/><clTRID>LOGOUT</clTRID></command></epp>" >"$EPP_XML/logout"
create create-live L-01 C-LIVE "Live Person" live@live.example
update_email update-live L-02 C-LIVE changed@live.example
create create-gone L-03 C-GONE "Gone Soon" gone@live.example
delete delete-gone L-04 C-GONE
for i in 1 2 3 4 5 6 7 8; do
  create "create-n$i" "N-0$i" "C-N$i" "Number $i" "n$i@live.example"
done
update_email update-after-load L-05 C-LIVE after-load@live.example
update_email update-after-hup L-06 C-LIVE after-hup@live.example
D="xmlns:domain=\"$EPP_DOMAIN_NS\""
cmd create-domain L-07 "<create><domain:create $D><domain:name>live.example</domain:name><domain:registrant>C-LIVE</domain:registrant><domain:authInfo><domain:pw>dom-pass-1</domain:pw></domain:authInfo></domain:create></create>"
cmd update-domain L-08 "<update><domain:update $D><domain:name>live.example</domain:name><domain:add><domain:status s=\"clientHold\"/></domain:add></domain:update></update>"
cmd delete-domain L-09 "<delete><domain:delete $D><domain:name>live.example</domain:name></domain:delete></delete>"
epp_xml create-idn "<command><create><domain:create $D><domain:name>中国.中国</domain:name><domain:registrant>C-LIVE</domain:registrant><domain:authInfo><domain:pw>dom-pass-2</domain:pw></domain:authInfo></domain:create></create><extension><idn:data xmlns:idn=\"urn:ietf:params:xml:ns:idn-1.0\"><idn:table>zh-cn</idn:table></idn:data></extension><clTRID>L-10</clTRID></command>"

epp_start -c "$WORK/idreg.conf" --log-level info -o privacy.redact= -o ratelimit.per_second=0 \
  -o service.reload_after_changes=11

# The session: one command at a time, the answer read before anything else.
coproc EPPC { perl "$EPP_CLIENT" "$EPP_PORT" "$EPP_TLS/ca.pem" "$EPP_FRAMES/live" 2>"$WORK/live.client-err"; }
EPP_CLIENT_PID=$EPPC_PID # bash unsets EPPC_PID once the client exits
# (The client prints the greeting's file with the first answer's.)
echo "send $EPP_XML/login" >&"${EPPC[1]}"
read -r ANSWER <&"${EPPC[0]}" || fail "no greeting: $(cat "$WORK/live.client-err")"
expect_eq "$(epp_is_greeting "$ANSWER")" 1 "the greeting"
read -r ANSWER <&"${EPPC[0]}" || fail "no answer to login: $(cat "$WORK/live.client-err")"
expect_eq "$(epp_code "$ANSWER") $(epp_cltrid "$ANSWER")" "1000 LOGIN" "login"
epp_step() { # NAME CODE TRID: send $EPP_XML/NAME, expect the answer CODE TRID
  echo "send $EPP_XML/$1" >&"${EPPC[1]}"
  read -r ANSWER <&"${EPPC[0]}" || fail "$1: the EPP client stopped: $(cat "$WORK/live.client-err")"
  expect_eq "$(epp_code "$ANSWER") $(epp_cltrid "$ANSWER")" "$2 $3" "$1: answer"
}
# The time of the change set that carries the last answer's svTRID.
change_time() {
  sqlite3 "$DB" "SELECT at FROM change_set WHERE sv_trid = '$(epp_xpath "$ANSWER" 'string(//*[local-name()="svTRID"])')'"
}
# json EXPR: a Python expression over the last RDAP body (b).
json() { "$PY" -c "import json,sys; b=json.load(open(sys.argv[1])); print($1)" "$BODY_FILE"; }
vcard() { # PROPERTY: the values of the last entity body's jCard PROPERTY
  json "' '.join(str(p[3]) for p in b['vcardArray'][1] if p[0]=='$1')"
}
event() { json "' '.join(e['eventDate'] for e in b.get('events', []) if e['eventAction']=='$1')"; }
whois_q() { whois -h 127.0.0.1 -p "$WHOIS_PORT" "$1" | tr -d '\r'; }

step "before"
rdap entity/C-LIVE
expect_rdap 404 rdap_error.json "entity/C-LIVE before its create"

step "create"
epp_step create-live 1000 L-01
rdap entity/C-LIVE
expect_rdap 200 rdap_entity.json "entity/C-LIVE right after its create"
expect_eq "$(vcard fn) / $(vcard email)" "Live Person / live@live.example" "the created contact"
expect_eq "$(event 'last changed')" "$(change_time)" "last changed: the create's change set"
expect_match "$(whois_q C-LIVE)" "Live Person" "WHOIS right after the create"

step "update shows in the domain that embeds the contact"
sqlite3 "$DB" "INSERT INTO domain_entity (domain_id, position, entity_id, role)
  SELECT d.id, 1, e.id, 'technical' FROM domain d, entity e
  WHERE d.ldh_name = 'held.example' AND e.handle = 'C-LIVE'"
rdap domain/held.example
expect_rdap 200 rdap_domain.json "domain/held.example before the update"
epp_step update-live 1000 L-02
rdap entity/C-LIVE
expect_rdap 200 rdap_entity.json "entity/C-LIVE right after its update"
expect_eq "$(vcard email)" "changed@live.example" "the new email at once"
expect_eq "$(event 'last changed')" "$(change_time)" "last changed: the update's change set"
rdap domain/held.example
expect_rdap 200 rdap_domain.json "domain/held.example right after the update"
domain_email() { # HANDLE: the email of a contact embedded in the last domain body
  json "' '.join(p[3] for e in b['entities'] if e['handle']=='$1' for p in e['vcardArray'][1] if p[0]=='email')"
}
expect_eq "$(domain_email C-LIVE)" "changed@live.example" "the domain embeds the updated contact"
expect_eq "$(domain_email IMP-1)" "hostmaster@held.example" "and its other contact as it was"
expect_match "$(whois_q held.example)" "changed@live.example" "WHOIS of the domain right after the update"

step "delete"
epp_step create-gone 1000 L-03
rdap entity/C-GONE
expect_rdap 200 rdap_entity.json "entity/C-GONE after its create"
epp_step delete-gone 1000 L-04
rdap entity/C-GONE
expect_rdap 404 rdap_error.json "entity/C-GONE right after its delete"
expect_match "$(whois_q C-GONE)" "^%ERROR:404" "WHOIS right after the delete"

step "queries while writing"
"$PY" - "$RDAP_PORT" "$WORK/stop" >"$WORK/hammer.out" 2>&1 <<'PY' &
import http.client, json, os, sys, threading, time
port, stop = int(sys.argv[1]), sys.argv[2]
wrong, seen, counts = [], {}, {"queries": 0}
lock = threading.Lock()
def run(n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    got = set()
    while not os.path.exists(stop):
        for path in ["entity/C-LIVE", "domain/held.example", "entity/C-GONE"] + \
                    ["entity/C-N%d" % i for i in range(1, 9)]:
            conn.request("GET", "/" + path)
            r = conn.getresponse()
            body = r.read()
            with lock:
                counts["queries"] += 1
            if path.startswith("entity/C-N"):
                if r.status == 200:
                    got.add(path)
                elif r.status != 404 or path in got:
                    wrong.append("%s: %d after it was seen" % (path, r.status))
            elif path == "entity/C-GONE":
                if r.status != 404:
                    wrong.append("%s: %d" % (path, r.status))
            elif r.status != 200:
                wrong.append("%s: %d" % (path, r.status))
            elif path == "entity/C-LIVE" and b"changed@live.example" not in body:
                wrong.append("%s: not the updated contact" % path)
threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
for t in threads: t.start()
for t in threads: t.join()
print("queries %d" % counts["queries"])
for w in wrong[:10]: print("wrong", w)
PY
HAMMER=$!
for i in 1 2 3 4 5 6 7 8; do
  epp_step "create-n$i" 1000 "N-0$i"
  rdap "entity/C-N$i"
  expect_eq "$STATUS" 200 "entity/C-N$i right after its create"
done
for _ in $(seq 600); do
  grep -q "data loaded again" "$DERR" && break
  sleep 0.1
done
expect_match "$(cat "$DERR")" "objects changed since the data was loaded: loading it again" \
  "past service.reload_after_changes the data is loaded again"
expect_match "$(cat "$DERR")" "data loaded again" "the load finished"
touch "$WORK/stop"
wait "$HAMMER" || fail "the querying clients failed: $(cat "$WORK/hammer.out")"
expect_match "$(cat "$WORK/hammer.out")" "^queries [1-9]" "queries ran while writing"
expect_no_match "$(cat "$WORK/hammer.out")" "^wrong" "every answer while writing and loading was right"

step "after the whole load"
rdap "entities?handle=C-N*"
expect_rdap 200 search "the handle search after the load"
expect_eq "$(json "' '.join(sorted(e['handle'] for e in b['entitySearchResults']))")" \
  "C-N1 C-N2 C-N3 C-N4 C-N5 C-N6 C-N7 C-N8" "the search lists every contact created"
for i in 1 2 3 4 5 6 7 8; do
  rdap "entity/C-N$i"
  expect_eq "$(vcard fn)" "Number $i" "entity/C-N$i after the load"
done
rdap entity/C-GONE
expect_eq "$STATUS" 404 "entity/C-GONE after the load"
epp_step update-after-load 1000 L-05
rdap entity/C-LIVE
expect_eq "$(vcard email)" "after-load@live.example" "an update after the load shows at once"
rdap domain/held.example
expect_eq "$(domain_email C-LIVE)" "after-load@live.example" "and in the domain"

step "after a reload"
kill -HUP "$DPID"
for _ in $(seq 600); do
  [ "$(grep -c "reloaded:" "$DERR")" -ge 1 ] && break
  sleep 0.1
done
epp_step update-after-hup 1000 L-06
rdap entity/C-LIVE
expect_rdap 200 rdap_entity.json "entity/C-LIVE after the reload and an update"
expect_eq "$(vcard email)" "after-hup@live.example" "an update after SIGHUP shows at once"
expect_eq "$(event 'last changed')" "$(change_time)" "last changed after SIGHUP"
expect_match "$(whois_q C-LIVE)" "after-hup@live.example" "WHOIS after SIGHUP"

step "domains"
rdap domain/live.example
expect_rdap 404 rdap_error.json "domain/live.example before its create"
epp_step create-domain 1000 L-07
rdap domain/live.example
expect_rdap 200 rdap_domain.json "domain/live.example right after its create"
expect_eq "$(event registration)" "$(change_time)" "registration: the create's change set"
expect_eq "$(json "' '.join(e['handle'] for e in b['entities'] if 'registrant' in e['roles'])")" "C-LIVE" "its registrant"
expect_match "$(whois_q live.example)" "registrant: +C-LIVE" "WHOIS right after the domain create"
expect_match "$(whois_q live.example)" "registrar: +clientA" "WHOIS: the sponsoring registrar"
# The add grace period (RFC 3915) as the store holds it, RDAP "add period" (RFC 8056) while it runs.
add_grace=$(sqlite3 "$DB" "SELECT count(*) FROM domain_grace g JOIN domain d ON d.id = g.domain_id
  WHERE d.ldh_name = 'live.example' AND g.period = 'addPeriod' AND g.ends > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')")
expect_eq "$add_grace" 1 "the store holds a running add grace period"
expect_match "$(json "'|'.join(b['status'])")" "(^|\|)add period(\||$)" "RDAP status: add period"
expect_match "$(whois_q live.example)" "status: +addPeriod" "WHOIS status: addPeriod"
expect_eq "$(json "' '.join(e.get('eventActor', '-') for e in b['events'] if e['eventAction']=='registration')")" \
  clientA "registration: eventActor the registrar that created it"
registrar_entity() { json "' '.join(e['handle'] + '/' + str(p[3]) for e in b['entities'] if 'registrar' in e.get('roles', []) for p in e['vcardArray'][1] if p[0]=='fn')"; }
expect_eq "$(registrar_entity)" "clientA/$(sqlite3 "$DB" "SELECT name FROM registrar WHERE id = 'clientA'")" \
  "the sponsoring registrar as an entity of role registrar, with its name"
epp_step update-domain 1000 L-08
rdap domain/live.example
expect_rdap 200 rdap_domain.json "domain/live.example right after its update"
expect_match "$(json "' '.join(b['status'])")" "client hold" "the status added, at once"
expect_eq "$(event 'last changed')" "$(change_time)" "last changed: the update's change set"
expect_eq "$(json "' '.join(e.get('eventActor', '-') for e in b['events'] if e['eventAction']=='last changed')")" \
  clientA "last changed: eventActor the registrar that updated it"
epp_step delete-domain 1000 L-09
rdap domain/live.example
# Deleted at once inside the add grace period, or kept pending delete (RFC 3915): as the store says.
if [ "$(sqlite3 "$DB" "SELECT count(*) FROM domain WHERE ldh_name = 'live.example'")" = 0 ]; then
  expect_rdap 404 rdap_error.json "domain/live.example right after its delete"
else
  expect_rdap 200 rdap_domain.json "domain/live.example right after its delete"
  expect_match "$(json "' '.join(b['status'])")" "pending delete" "pending delete at once"
fi

step "variants"
epp_step create-idn 1000 L-10
rdap "domain/中国.中国"
expect_rdap 200 rdap_domain.json "domain/中国.中国 right after its create"
# STATE NAME lines: from the store, and from RDAP's relations (reserved and
# blocked are both unregistered, registration restricted; activated registered).
want=$(sqlite3 "$DB" "SELECT v.state, v.ldh_name FROM domain_variant v JOIN domain d ON d.id = v.domain_id
  WHERE d.unicode_name = '中国.中国' AND v.state != 'activated' ORDER BY v.ldh_name" | tr '|' ' ' | awk '{ print "restricted", $2 }')
got=$(json "'\\n'.join(sorted('restricted ' + n['ldhName'] for v in b.get('variants', []) if v['relation'] == ['unregistered', 'registration restricted'] for n in v['variantNames']))")
expect_match "$want" "restricted xn--" "the create reserved or blocked variants"
expect_eq "$got" "$want" "RDAP variants: the reserved and blocked ones, as the store holds them"
expect_eq "$(json "' '.join(sorted(set(v.get('idnTable', '-') for v in b.get('variants', []))))")" "zh-cn" \
  "the variants' IDN table"

epp_step logout 1500 LOGOUT
exec {EPPC[1]}>&-
wait "$EPP_CLIENT_PID" 2>/dev/null || true
stop_daemon
epp_validate_frames 21
done_checks
