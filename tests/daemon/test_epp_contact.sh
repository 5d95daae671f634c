#!/usr/bin/env bash
# EPP contacts (RFC 5733) with a real client, Debian's Net::EPP, against
# idregd: two registrars (clientA, clientB) and a registry holding one
# imported domain whose registrant IMP-1 has no sponsor.
#   check before and after creates (ids held answered "In use", in any case);
#   create with int and loc postal forms, an internationalized email, a
#   voice number with extension; a duplicate create (2302); a bad email
#   (2005, with the reason); non-ASCII in the int form (2005);
#   info by the sponsor (authInfo shown), by the other registrar (hidden;
#   shown with the right authInfo, 2202 with a wrong one); info of the
#   imported contact (clID "registry", no authInfo);
#   update by the other registrar (2201), of the imported contact (2201);
#   update adding client statuses and changing email, voice, authInfo;
#   a server status asked by a registrar (2304); an update under
#   clientUpdateProhibited (2304) and one that removes it (1000);
#   delete under clientDeleteProhibited (2304); server locks set with
#   `idreg contact lock` stopping update and delete (2304) and kept;
#   delete of a contact linked
#   to a domain (2305: the link is a domain_entity row inserted with
#   sqlite3, as no domain:create exists here to make one); delete, then
#   info (2303) and check (available);
#   RDAP /entity/ after SIGHUP: the default disclosure withholds fn and
#   email (listed under "redacted"), a contact that disclosed them shows
#   them, the deleted contact is 404; WHOIS likewise;
#   history rows (object_type entity) name the svTRIDs the responses gave,
#   and never the authInfo passwords.
# Every frame is validated against the EPP schemas.
set -euo pipefail
source "$(dirname "$0")/harness_daemon.sh"
source "$HERE/harness_epp.sh"

epp_certs
DB="$WORK/reg.db"
idreg_ok --db "$DB" init
cat >"$WORK/held.jsonl" <<'JSONL'
{"name":"held.example","entities":[{"handle":"IMP-1","roles":["registrant"],"kind":"org","fn":"Imported Org","email":"hostmaster@held.example","street":["1 Long Road"],"locality":"Nairobi","country":"KE"}]}
JSONL
idreg_ok --db "$DB" import domains "$WORK/held.jsonl"
epp_registrar "$DB" clientA pass-A-123
epp_registrar "$DB" clientB pass-B-123

C="xmlns:contact=\"$EPP_CONTACT_NS\""
cmd() { # NAME TRID BODY
  epp_xml "$1" "<command>$3<clTRID>$2</clTRID></command>"
}
ids() { local i; for i in "$@"; do printf '<contact:id>%s</contact:id>' "$i"; done; }
addr() { # CITY CC [STREET]
  printf '<contact:addr>%s<contact:city>%s</contact:city><contact:cc>%s</contact:cc></contact:addr>' \
    "${3:+<contact:street>$3</contact:street>}" "$1" "$2"
}
auth() { printf '<contact:authInfo><contact:pw>%s</contact:pw></contact:authInfo>' "$1"; }
create() { # NAME TRID ID POSTAL EMAIL PW [EXTRA AFTER EMAIL]
  cmd "$1" "$2" "<create><contact:create $C><contact:id>$3</contact:id>$4<contact:email>$5</contact:email>$(auth "$6")${7:-}</contact:create></create>"
}
info() { cmd "$1" "$2" "<info><contact:info $C><contact:id>$3</contact:id>${4:-}</contact:info></info>"; }
update() { cmd "$1" "$2" "<update><contact:update $C><contact:id>$3</contact:id>$4</contact:update></update>"; }
delete() { cmd "$1" "$2" "<delete><contact:delete $C><contact:id>$3</contact:id></contact:delete></delete>"; }
check() { local name=$1 trid=$2; shift 2; cmd "$name" "$trid" "<check><contact:check $C>$(ids "$@")</contact:check></check>"; }

epp_login login-A clientA pass-A-123 A-LOGIN
epp_login login-B clientB pass-B-123 B-LOGIN
echo "$EPP_HEAD<command><logout/><clTRID>LOGOUT</clTRID></command></epp>" >"$EPP_XML/logout"

alpha_int="<contact:postalInfo type=\"int\"><contact:name>Zoe Mueller</contact:name><contact:org>Example AG</contact:org>$(addr Zurich CH 'Bahnhofstrasse 1')</contact:postalInfo>"
alpha_loc="<contact:postalInfo type=\"loc\"><contact:name>Zoë Müller</contact:name><contact:org>Example AG</contact:org>$(addr Zürich CH 'Bahnhofstraße 1')</contact:postalInfo>"
check check-1 A-01 C-ALPHA C-BETA imp-1
create create-alpha A-02 C-ALPHA "$alpha_int$alpha_loc" "zoë@bücher.example" alpha-secret-1
# <contact:voice> comes before <contact:email>: written into the postal argument's end.
create create-beta A-03 C-BETA "<contact:postalInfo type=\"int\"><contact:name>Beta Ltd</contact:name><contact:org>Beta Ltd</contact:org>$(addr Mombasa KE)</contact:postalInfo><contact:voice x=\"12\">+254.201234567</contact:voice>" \
  "info@beta.example" beta-pass-22 "<contact:disclose flag=\"1\"><contact:name type=\"int\"/><contact:email/></contact:disclose>"
create create-gamma A-04 C-GAMMA "<contact:postalInfo type=\"loc\"><contact:name>Gamma Person</contact:name>$(addr Kisumu KE)</contact:postalInfo>" \
  "gamma@gamma.example" gamma-pass-3
create create-dup B-01 c-alpha "<contact:postalInfo type=\"int\"><contact:name>Other</contact:name>$(addr Paris FR)</contact:postalInfo>" \
  "o@other.example" other-pass-1
create create-bad-email A-05 C-BAD1 "<contact:postalInfo type=\"int\"><contact:name>Bad</contact:name>$(addr Paris FR)</contact:postalInfo>" \
  "bad..dots@example.org" bad-pass-11
create create-int-utf8 A-06 C-BAD2 "<contact:postalInfo type=\"int\"><contact:name>Bad</contact:name>$(addr Zürich CH)</contact:postalInfo>" \
  "bad@example.org" bad-pass-11
check check-2 A-07 C-ALPHA C-BETA C-BAD1
info info-alpha-A A-08 C-ALPHA
info info-alpha-B B-02 C-ALPHA
info info-alpha-B-auth B-03 C-ALPHA "$(auth alpha-secret-1)"
info info-alpha-B-wrong B-04 C-ALPHA "$(auth wrong-secret-1)"
info info-imp A-09 IMP-1
update update-alpha-B B-05 C-ALPHA "<contact:chg><contact:email>b@b.example</contact:email></contact:chg>"
update update-imp A-10 IMP-1 "<contact:chg><contact:email>a@a.example</contact:email></contact:chg>"
update update-alpha-1 A-11 C-ALPHA "<contact:add><contact:status s=\"clientDeleteProhibited\"/><contact:status s=\"clientUpdateProhibited\"/></contact:add><contact:chg><contact:voice>+41.441234567</contact:voice><contact:email>zoe@example.ch</contact:email>$(auth alpha-secret-2)</contact:chg>"
update update-server A-12 C-ALPHA "<contact:add><contact:status s=\"serverDeleteProhibited\"/></contact:add>"
update update-locked A-13 C-ALPHA "<contact:chg><contact:email>x@example.ch</contact:email></contact:chg>"
update update-unlock A-14 C-ALPHA "<contact:rem><contact:status s=\"clientUpdateProhibited\"/></contact:rem><contact:chg><contact:postalInfo type=\"loc\">$(addr Genève CH 'Rue du Rhône 2')</contact:postalInfo></contact:chg>"
info info-alpha-A2 A-15 C-ALPHA
delete delete-alpha-locked A-16 C-ALPHA
delete delete-imp A-17 IMP-1
info info-beta A-18 C-BETA
delete delete-beta-linked A-19 C-BETA
update update-alpha-2 A-20 C-ALPHA "<contact:rem><contact:status s=\"clientDeleteProhibited\"/></contact:rem>"
delete delete-alpha A-21 C-ALPHA
info info-alpha-gone A-22 C-ALPHA
check check-3 A-23 C-ALPHA
transfer_body="<transfer op=\"query\"><contact:transfer $C><contact:id>C-BETA</contact:id></contact:transfer></transfer>"
cmd transfer A-24 "$transfer_body"
update update-gamma-locked A-25 C-GAMMA "<contact:chg><contact:email>new@gamma.example</contact:email></contact:chg>"
delete delete-gamma-locked A-26 C-GAMMA
info info-gamma A-27 C-GAMMA

epp_start
x="$EPP_XML"
sends() { local f; for f in "$@"; do echo "send $x/$f"; done; }

sends login-A check-1 create-alpha create-beta create-gamma create-bad-email create-int-utf8 \
  check-2 info-alpha-A info-imp | epp_session a1
epp_expect_answers a1 "1000 A-LOGIN" "1000 A-01" "1000 A-02" "1000 A-03" "1000 A-04" "2005 A-05" \
  "2005 A-06" "1000 A-07" "1000 A-08" "1000 A-09"
sends login-B create-dup info-alpha-B info-alpha-B-auth info-alpha-B-wrong update-alpha-B logout |
  epp_session b1
epp_expect_answers b1 "1000 B-LOGIN" "2302 B-01" "1000 B-02" "1000 B-03" "2202 B-04" "2201 B-05" \
  "1500 LOGOUT"
sends login-A update-imp update-alpha-1 update-server update-locked update-unlock info-alpha-A2 \
  delete-alpha-locked delete-imp | epp_session a2
epp_expect_answers a2 "1000 A-LOGIN" "2201 A-10" "1000 A-11" "2304 A-12" "2304 A-13" "1000 A-14" \
  "1000 A-15" "2304 A-16" "2201 A-17"

# C-BETA linked to held.example, as a domain would link it.
sqlite3 "$DB" "INSERT INTO domain_entity (domain_id, position, entity_id, role)
  SELECT d.id, 1, e.id, 'technical' FROM domain d, entity e
  WHERE d.ldh_name = 'held.example' AND e.handle = 'C-BETA'"
sends login-A info-beta delete-beta-linked update-alpha-2 delete-alpha info-alpha-gone check-3 \
  transfer logout | epp_session a3
# The transfer query of the sponsor's own contact, never transferred: 2301
# (transfers: test_epp_transfer).
epp_expect_answers a3 "1000 A-LOGIN" "1000 A-18" "2305 A-19" "1000 A-20" "1000 A-21" "2303 A-22" \
  "1000 A-23" "2301 A-24" "1500 LOGOUT"

# The registry locks C-GAMMA (idreg contact lock) while the daemon runs:
# its sponsor's update and delete are refused and the locks stay.
idreg_ok --db "$DB" contact lock C-GAMMA serverUpdateProhibited serverDeleteProhibited
sends login-A update-gamma-locked delete-gamma-locked info-gamma logout | epp_session a4
epp_expect_answers a4 "1000 A-LOGIN" "2304 A-25" "2304 A-26" "1000 A-27" "1500 LOGOUT"

answer() { epp_answer "$1" "$2"; }
xp() { xmllint --xpath "$2" "$(answer "${1%:*}" "${1#*:}")"; }
avail() { # SESSION:N: "id avail reason" per line
  local file n i
  file=$(answer "${1%:*}" "${1#*:}")
  n=$(xmllint --xpath 'count(//*[local-name()="cd"])' "$file")
  for i in $(seq "$n"); do
    xmllint --xpath "concat(string((//*[local-name()='cd'])[$i]/*[local-name()='id']), ' ', string((//*[local-name()='cd'])[$i]/*[local-name()='id']/@avail), ' ', string((//*[local-name()='cd'])[$i]/*[local-name()='reason']))" "$file"
  done
}
msg() { xp "$1" 'string(//*[local-name()="msg"])'; }
field() { xp "$1" "string(//*[local-name()='$2'])"; }
statuses() { xp "$1" '//*[local-name()="status"]/@s' | tr -d ' "' | sed 's/^s=//' | sort | paste -sd ' '; }

step "check"
expect_eq "$(avail a1:2)" "C-ALPHA 1 
C-BETA 1 
imp-1 0 In use" "check before the creates (the imported IMP-1 in any case)"
expect_eq "$(avail a1:8)" "C-ALPHA 0 In use
C-BETA 0 In use
C-BAD1 1 " "check after"
expect_eq "$(avail a3:7)" "C-ALPHA 1 " "check after the delete"

step "create"
expect_eq "$(field a1:3 id)" C-ALPHA "creData id"
expect_match "$(field a1:3 crDate)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "creData crDate"
expect_match "$(msg b1:2)" "contact c-alpha exists" "duplicate, in another case: 2302"
expect_match "$(msg a1:6)" "<contact:email> is not an address: .*dot" "bad email: the reason"
expect_match "$(msg a1:7)" "<contact:city> of the int postal form holds a character outside ASCII" "non-ASCII int form"

step "info"
expect_eq "$(field a1:9 pw)" alpha-secret-1 "the sponsor sees the authInfo"
expect_eq "$(xp a1:9 'string(//*[local-name()="postalInfo"][@type="int"]/*[local-name()="name"])')" "Zoe Mueller" "int name"
expect_eq "$(xp a1:9 'string(//*[local-name()="postalInfo"][@type="loc"]//*[local-name()="city"])')" "Zürich" "loc city"
expect_eq "$(field a1:9 email)" "zoë@bücher.example" "internationalized email kept"
expect_eq "$(field a1:9 clID) $(field a1:9 crID)" "clientA clientA" "clID, crID"
expect_eq "$(statuses a1:9)" "ok" "status ok"
expect_eq "$(xp a1:9 'count(//*[local-name()="disclose"][@flag="0"]/*[local-name()="email"])')" 1 "default: email not disclosed"
expect_eq "$(xp a1:9 'count(//*[local-name()="disclose"]/*[local-name()="org"])')" 0 "default: org disclosed"
expect_eq "$(xp b1:3 'count(//*[local-name()="authInfo"])')" 0 "another registrar: no authInfo"
expect_eq "$(field b1:3 email)" "zoë@bücher.example" "another registrar: the rest"
expect_eq "$(field b1:4 pw)" alpha-secret-1 "another registrar with the authInfo: shown"
expect_eq "$(field a1:10 clID) $(field a1:10 crID)" "registry registry" "imported: the registry's"
expect_eq "$(xp a1:10 'count(//*[local-name()="authInfo"])')" 0 "imported: no authInfo"
expect_eq "$(field a1:10 email) $(field a1:10 city)" "hostmaster@held.example Nairobi" "imported: its data"
expect_match "$(msg a2:2)" "IMP-1 belongs to the registry" "imported: no update"
expect_match "$(msg b1:6)" "sponsored by another registrar" "update by the other: 2201"

step "update"
expect_match "$(msg a2:4)" "serverDeleteProhibited is set and removed by the registry alone" "server status: 2304"
expect_match "$(msg a2:5)" "clientUpdateProhibited" "locked: 2304"
expect_eq "$(statuses a2:7)" "clientDeleteProhibited" "statuses after add and rem"
expect_eq "$(field a2:7 email)" "zoe@example.ch" "email changed"
expect_eq "$(field a2:7 pw)" alpha-secret-2 "authInfo changed"
expect_eq "$(field a2:7 voice)" "+41.441234567" "voice changed"
expect_eq "$(xp a2:7 'string(//*[local-name()="postalInfo"][@type="loc"]//*[local-name()="city"])')" "Genève" "loc address changed"
expect_eq "$(xp a2:7 'string(//*[local-name()="postalInfo"][@type="loc"]/*[local-name()="name"])')" "Zoë Müller" "loc name kept"
expect_eq "$(field a2:7 upID)" clientA "upID"
expect_match "$(field a2:7 upDate)" '^[0-9]{4}-' "upDate"
expect_match "$(msg a2:8)" "C-ALPHA has status clientDeleteProhibited" "delete under clientDeleteProhibited: 2304"
expect_match "$(msg a2:9)" "IMP-1 belongs to the registry" "imported: no delete"

step "server locks"
expect_match "$(msg a4:2)" "C-GAMMA has status serverUpdateProhibited" "update under a server lock: 2304"
expect_match "$(msg a4:3)" "C-GAMMA has status serverDeleteProhibited" "delete under a server lock: 2304"
expect_eq "$(statuses a4:4)" "serverDeleteProhibited serverUpdateProhibited" "info shows the server locks"
expect_eq "$(sqlite3 "$DB" "SELECT status || ' ' || email FROM entity WHERE handle = 'C-GAMMA'")" \
  "serverDeleteProhibited serverUpdateProhibited gamma@gamma.example" "the locks and the contact kept"
expect_eq "$(sqlite3 "$DB" "SELECT c.actor FROM history h JOIN change_set c ON c.id = h.change_set
  WHERE h.object_type = 'entity' ORDER BY h.id DESC LIMIT 1")" \
  "idreg contact lock C-GAMMA serverUpdateProhibited serverDeleteProhibited" "the lock's history line"

step "linked"
expect_eq "$(statuses a3:2)" "linked ok" "linked computed"
expect_eq "$(field a3:2 voice) $(xp a3:2 'string(//*[local-name()="voice"]/@x)')" "+254.201234567 12" "voice with extension"
expect_match "$(msg a3:3)" "C-BETA is linked to 1 domain" "delete of a linked contact: 2305"
expect_match "$(msg a3:6)" "C-ALPHA does not exist" "info after delete: 2303"

# ---- RDAP after a reload ----
kill -HUP "$DPID"
for _ in $(seq 300); do
  rdap entity/C-GAMMA
  [ "$STATUS" = 200 ] && break
  sleep 0.1
done
# (The bodies' schema, RFC 9537 "redacted" member included, is test_rdap_names's.)
expect_eq "$STATUS" 200 "entity/C-GAMMA after SIGHUP"
vcard() { # PROPERTY: the values of the jCard's PROPERTY
  "$PY" -c 'import json,sys; b=json.load(open(sys.argv[1])); print(" ".join(str(p[3]) for p in b["vcardArray"][1] if p[0]==sys.argv[2]))' "$BODY_FILE" "$1"
}
redacted() {
  "$PY" -c 'import json,sys; b=json.load(open(sys.argv[1])); print(" ".join(sorted(r.get("prePath", r.get("postPath","")) for r in b.get("redacted",[]))))' "$BODY_FILE"
}
expect_eq "$(vcard email)" "" "C-GAMMA: email withheld"
expect_match "$(redacted)" "\[\?\(@\[0\]=='email'\)\]" "C-GAMMA: email listed as redacted"
expect_match "$(redacted)" "\[\?\(@\[0\]=='fn'\)\]\[3\]" "C-GAMMA: fn listed as redacted"
rdap entity/C-BETA
expect_eq "$STATUS" 200 "entity/C-BETA"
expect_eq "$(vcard email)" "info@beta.example" "C-BETA disclosed its email"
expect_eq "$(vcard fn)" "Beta Ltd" "C-BETA disclosed its name"
expect_eq "$(vcard kind)" "org" "C-BETA: an organization (its name is its org)"
expect_no_match "$(redacted)" "email|'fn'" "C-BETA: nothing disclosed is redacted"
rdap entity/C-ALPHA
expect_eq "$STATUS" 404 "entity/C-ALPHA deleted"
step "WHOIS"
answer=$(whois -h 127.0.0.1 -p "$WHOIS_PORT" "entity C-GAMMA")
expect_match "$answer" "withheld by the registry's privacy policy" "WHOIS C-GAMMA: personal data withheld"
expect_no_match "$answer" "gamma@gamma\.example|Gamma Person" "WHOIS C-GAMMA: no name or email"
expect_match "$answer" "^country: +KE" "WHOIS C-GAMMA: the country shown (not in privacy.redact)"
answer=$(whois -h 127.0.0.1 -p "$WHOIS_PORT" "entity C-BETA")
expect_match "$answer" "^e-mail: +info@beta\.example" "WHOIS C-BETA: the email it disclosed"
expect_no_match "$answer" "^phone:" "WHOIS C-BETA: its voice number, not disclosed, withheld"

# ---- history ----
step "history"
svtrid() { xp "$1" 'string(//*[local-name()="svTRID"])'; }
want=$(printf '%s\n' "create|C-ALPHA|$(svtrid a1:3)" "create|C-BETA|$(svtrid a1:4)" \
  "create|C-GAMMA|$(svtrid a1:5)" "update|C-ALPHA|$(svtrid a2:3)" "update|C-ALPHA|$(svtrid a2:6)" \
  "update|C-ALPHA|$(svtrid a3:4)" "delete|C-ALPHA|$(svtrid a3:5)")
got=$(sqlite3 "$DB" "SELECT h.action, json_extract(coalesce(h.after_text, h.before_text), '\$.entity.handle'), c.sv_trid
  FROM history h JOIN change_set c ON c.id = h.change_set WHERE h.object_type = 'entity' AND c.sv_trid IS NOT NULL
  ORDER BY h.id")
expect_eq "$got" "$want" "one history line per transform, with its svTRID"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM history WHERE before_text LIKE '%secret%' OR after_text LIKE '%secret%' OR after_text LIKE '%-pass-%'")" 0 "no authInfo in history"
expect_eq "$(sqlite3 "$DB" "SELECT json_extract(after_text, '\$.authInfo') FROM history h JOIN change_set c ON c.id = h.change_set WHERE c.sv_trid = '$(svtrid a2:3)'")" changed "the authInfo change is noted"
expect_eq "$(sqlite3 "$DB" "SELECT json_extract(before_text, '\$.status') || '>' || json_extract(after_text, '\$.status') FROM history h JOIN change_set c ON c.id = h.change_set WHERE c.sv_trid = '$(svtrid a2:3)'")" \
  ">clientDeleteProhibited clientUpdateProhibited" "the status change is in the history"
stop_daemon

epp_validate_frames 39
done_checks
