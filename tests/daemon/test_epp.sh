#!/usr/bin/env bash
# EPP over TLS (RFC 5730, 5734) with a real client, Debian's Net::EPP
# (epp_client.pl), against idregd with certificates made here by openssl:
# the greeting on connect and on <hello>; a command before login (2002); a
# wrong password, a disabled registrar, an address off the allow-list and a
# missing or wrong pinned certificate (2200 each; the third failure in a
# session 2501 and closed); login (1000) and a second
# login (2002); <host:check> (1000: hosts are docs/epp.md's "Hosts" and test_epp_host); an unknown
# command (2000); XML that is not well-formed (2001); logout (1500, then
# the server closes); <domain:check> answered from the domains held (under
# the TLD example, served) and the
# IDN policy (held names, in any case or as A-labels, "In use"; a name
# IDNA2008 refuses; free names available), other object commands 2101;
# frames over the size limit and shorter than 5 bytes
# (2500, then closed); the per-registrar session limit (2502, closed, and
# the count given back on logout); the idle timeout; a session that goes on
# answering through all of this; RDAP still served; with client certificates
# required, no session without one.  Every clTRID is
# echoed, every svTRID differs, and every frame the server sent is valid
# against the EPP schemas of $SHARED/data/epp-xsd (xmllint).
set -euo pipefail
source "$(dirname "$0")/harness_daemon.sh"
source "$HERE/harness_epp.sh"

epp_certs
tls="$EPP_TLS"
pin=$(openssl x509 -in "$tls/client.pem" -noout -fingerprint -sha256 | sed 's/.*=//')

# ---- registrars, and two domains held ----
DB="$WORK/reg.db"
idreg_ok --db "$DB" init
cat >"$WORK/held.jsonl" <<'JSONL'
{"name":"taken.example","entities":[{"handle":"R-ONE","roles":["registrant"],"kind":"org","fn":"One Ltd"}]}
{"name":"bücher.example","entities":[{"handle":"R-ONE","roles":["registrant"]}]}
JSONL
idreg_ok --db "$DB" import domains "$WORK/held.jsonl"
idreg_ok --db "$DB" tld add example
add() { epp_registrar "$DB" "$@"; }
add clientA pass-A-123
add clientB pass-B-123
add clientC pass-C-123 --allow 192.0.2.0/24
add clientD pass-D-123 --cert-sha256 "$pin"
add clientE pass-E-123
idreg_ok --db "$DB" registrar disable clientB

# ---- configuration refused: values, a certificate without its key, a missing file ----
step "configuration"
refused() { # WHAT REGEX IDREGD-ARGS...
  local what=$1 re=$2 status=0
  shift 2
  "$IDREGD" --db "$DB" "$@" >/dev/null 2>"$WORK/refused.err" || status=$?
  expect_eq "$status" 1 "$what: exit status"
  expect_match "$(cat "$WORK/refused.err")" "$re" "$what: message"
  check_stderr "$WORK/refused.err" "$what"
}
refused "client_cert value" "epp.client_cert: 'maybe' is not one of the allowed values" \
  -o epp.client_cert=maybe --check-config
refused "frame size" "epp.max_frame_bytes.*not an integer in 1024..16777216" \
  -o epp.max_frame_bytes=100 --check-config
read -r p1 p2 p3 < <(free_ports 3)
refused "certificate without key" "epp.cert is set: set epp.key too" --rdap "127.0.0.1:$p1" \
  --whois "127.0.0.1:$p2" --epp "127.0.0.1:$p3" -o epp.cert="$tls/server.pem"
refused "missing certificate" "$WORK/none.pem: cannot use as TLS certificate" --rdap "127.0.0.1:$p1" \
  --whois "127.0.0.1:$p2" --epp "127.0.0.1:$p3" -o epp.cert="$WORK/none.pem" -o epp.key="$tls/server.key"
refused "client certificates without CAs" "set epp.ca" --rdap "127.0.0.1:$p1" --whois "127.0.0.1:$p2" \
  --epp "127.0.0.1:$p3" -o epp.cert="$tls/server.pem" -o epp.key="$tls/server.key" -o epp.client_cert=required

# ---- commands ----
x="$EPP_XML"
EPP="$EPP_HEAD"
login() { epp_login "$@"; }
login login-wrong clientA wrong-pw-1 T-02
login login-A clientA pass-A-123 T-03
login login-A2 clientA pass-A-123 T-04
login login-B clientB pass-B-123 T-20
login login-C clientC pass-C-123 T-21
login login-D clientD pass-D-123 T-22
login login-E clientE pass-E-123 T-40
echo "$EPP<hello/></epp>" >"$x/hello"
echo "$EPP<command><check><domain:check xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\"><domain:name>example.test</domain:name></domain:check></check><clTRID>T-01</clTRID></command></epp>" >"$x/check-early"
check_names=(taken.example TAKEN.Example xn--bcher-kva.example bücher.example free.example a_b.example)
{ printf '%s' "$EPP<command><check><domain:check xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\">"
  printf '<domain:name>%s</domain:name>' "${check_names[@]}"
  echo "</domain:check></check><clTRID>T-05</clTRID></command></epp>"; } >"$x/check"
echo "$EPP<command><check><host:check xmlns:host=\"urn:ietf:params:xml:ns:host-1.0\"><host:name>ns1.example.test</host:name></host:check></check><clTRID>T-09</clTRID></command></epp>" >"$x/check-host"
echo "$EPP<command><frobnicate/><clTRID>T-06</clTRID></command></epp>" >"$x/unknown"
echo "$EPP<command><logout/><clTRID>T-07" >"$x/garbage"
echo "$EPP<command><logout/><clTRID>T-08</clTRID></command></epp>" >"$x/logout"
echo "$EPP<command><logout/><clTRID>T-23</clTRID></command></epp>" >"$x/logout-early"

start_daemon epp -o epp.cert="$tls/server.pem" -o epp.key="$tls/server.key" \
  -o epp.client_cert=optional -o epp.ca="$tls/ca.pem" -o epp.max_frame_bytes=4096 \
  -o epp.max_sessions_per_registrar=2 -o epp.idle_timeout_s=5 -o log.level=info

session() { epp_session "$@"; }
code() { epp_code "$1"; }
expect_answers() { epp_expect_answers "$@"; }

# A session that stays logged in and keeps talking while the others run.
step "long session"
{ echo "send $x/login-E"; for _ in $(seq 12); do echo "sleep 1"; echo "send $x/hello"; done; echo "send $x/logout"; } |
  session long &
long_pid=$!

printf '%s\n' "send $x/check-early" "send $x/hello" "send $x/login-wrong" "send $x/login-A" \
  "send $x/login-A2" "send $x/check" "send $x/check-host" "send $x/unknown" "send $x/garbage" \
  "send $x/logout" "eof" | session main
expect_answers main "2002 T-01" greeting "2200 T-02" "1000 T-03" "2002 T-04" "1000 T-05" \
  "1000 T-09" "2000 T-06" 2001 "1500 T-08" eof
# The check's answers: held names (the same in upper case or as the
# A-label) in use, the name with '_' refused by IDNA2008, the other free.
answer=$(sed -n 7p "$WORK/main.log")
got=$(for i in $(seq "${#check_names[@]}"); do
  cd="(//*[local-name()='cd'])[$i]"
  printf '%s|%s|%s\n' "$(xmllint --xpath "string($cd/*[local-name()='name'])" "$answer")" \
    "$(xmllint --xpath "string($cd/*[local-name()='name']/@avail)" "$answer")" \
    "$(xmllint --xpath "string($cd/*[local-name()='reason'])" "$answer")"
done)
want=$(printf '%s\n' "taken.example|0|In use" "TAKEN.Example|0|In use" "xn--bcher-kva.example|0|In use" \
  "bücher.example|0|In use" "free.example|1|" "a_b.example|0|Not a valid IDNA2008 name")
expect_eq "$got" "$want" "domain:check answers"

printf '%s\n' "send $x/login-B" "send $x/login-C" "send $x/logout-early" \
  "raw 00100000" "read" "eof" | session refusals
expect_answers refusals "2200 T-20" "2200 T-21" "2002 T-23" 2500 eof
expect_match "$(xmllint --xpath 'string(//*[local-name()="msg"])' "$(sed -n 5p "$WORK/refusals.log")")" \
  "1048576 bytes is over the limit of 4096" "frame over the limit: the message says so"
printf '%s\n' "raw 0000000341" "read" "eof" | session short
expect_answers short 2500 eof
# The third failed login of a session: 2501, and closed.
printf '%s\n' "send $x/login-D" "send $x/login-wrong" "send $x/login-wrong" "eof" | session guessing
expect_answers guessing "2200 T-22" "2200 T-02" "2501 T-02" eof
# A certificate of the CA, but not the one pinned, then the pinned one.
printf '%s\n' "send $x/login-D" | session other-cert "$tls/other.pem" "$tls/other.key"
expect_answers other-cert "2200 T-22"
printf '%s\n' "send $x/login-D" "send $x/logout" "eof" | session pinned "$tls/client.pem" "$tls/client.key"
expect_answers pinned "1000 T-22" "1500 T-08" eof

# clientA may have 2 sessions: a third login is 2502 and closed; once the
# two have logged out, a login works again.
step "session limit"
printf '%s\n' "send $x/login-A" "sleep 2.5" "send $x/logout" | session limit1 &
p1=$!
printf '%s\n' "send $x/login-A" "sleep 2.5" "send $x/logout" | session limit2 &
p2=$!
sleep 1.2
printf '%s\n' "send $x/login-A" "eof" | session limit3
wait "$p1" "$p2"
expect_answers limit1 "1000 T-03" "1500 T-08"
expect_answers limit2 "1000 T-03" "1500 T-08"
expect_answers limit3 "2502 T-03" eof
printf '%s\n' "send $x/login-A" "send $x/logout" | session limit4
expect_answers limit4 "1000 T-03" "1500 T-08"

# Silent for longer than epp.idle_timeout_s: closed.
printf '%s\n' "sleep 6.5" "eof" | session idle
expect_answers idle eof

wait "$long_pid"
expect_answers long "1000 T-40" greeting greeting greeting greeting greeting greeting greeting \
  greeting greeting greeting greeting greeting "1500 T-08"

rdap help
expect_eq "$STATUS" 200 "RDAP answers beside EPP"
expect_match "$(cat "$DERR")" "EPP login refused from 127.0.0.1: registrar clientB is disabled" "log: disabled"
expect_match "$(cat "$DERR")" "registrar clientC may not connect from 127.0.0.1" "log: allow-list"
expect_match "$(cat "$DERR")" "registrar clientD presented no client certificate" "log: no certificate"
stop_daemon

# ---- client certificates required: none, no handshake; the CA's, a greeting ----
start_daemon required -o epp.cert="$tls/server.pem" -o epp.key="$tls/server.key" \
  -o epp.client_cert=required -o epp.ca="$tls/ca.pem"
if perl "$EPP_CLIENT" "$EPP_PORT" "$tls/ca.pem" "$EPP_FRAMES/nocert" </dev/null >"$WORK/nocert.log" 2>&1; then
  fail "a client without a certificate got through: $(cat "$WORK/nocert.log")"
fi
pass
# TLS 1.3 ends the handshake on the client's side first: the server's
# refusal shows as the connection closed before a greeting.
expect_match "$(cat "$WORK/nocert.log")" "connection closed|SSL connect attempt failed" "no greeting without a certificate"
[ ! -e "$EPP_FRAMES/nocert-1.xml" ] || fail "a greeting without a certificate"
pass
printf '%s\n' "send $x/login-D" "send $x/logout" "eof" | session required "$tls/client.pem" "$tls/client.key"
expect_answers required "1000 T-22" "1500 T-08" eof
stop_daemon

# ---- every frame: valid EPP; every svTRID different ----
epp_validate_frames 41

done_checks
