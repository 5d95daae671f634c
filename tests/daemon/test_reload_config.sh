#!/usr/bin/env bash
# Configuration and reload: SIGHUP picks up a newer import made while the
# daemon runs (a modified copy of a real file with a later serial); SIGHUP
# with a broken configuration, or with one whose data cannot be loaded,
# keeps the running configuration and data and logs an error; a fixed one
# then applies.  What the configuration says of the service (base URL,
# port43, terms of use) shows in RDAP and WHOIS.  idregd --check-config on
# good and bad configurations; bad listening addresses and ports already in
# use fail at start with one clear line and exit status 1.
source "$(dirname "$0")/harness_daemon.sh"

db="$WORK/reg.db"
build_registry "$db"
file="$RIR/current/delegated-afrinic-extended-latest"
serial=$(awk -F'|' '!/^[ \t]*#/ && $1 ~ /^[0-9.]+$/ { print $3; exit }' "$file")

# newer_file SERIAL OUT CHANGE-AWK: a copy of the AFRINIC file with SERIAL
# in its version line, edited by CHANGE-AWK (an awk statement run on every
# record line; the summary counts must still hold).
newer_file() {
  awk -F'|' -v OFS='|' -v s="$1" "
    NR == 1 || (\$1 ~ /^[0-9.]+\$/ && \$2 == \"afrinic\") { if (\$1 ~ /^[0-9.]+\$/) { \$3 = s; \$6 = s } print; next }
    !/^[ \\t]*#/ && NF >= 7 && \$6 != \"summary\" { $3 }
    { print }" "$file" >"$2"
  expect_match "$(grep -m 1 '^2' "$2")" "^2\|afrinic\|$1\|" "test file $2 has serial $1"
}
# One ipv4 record changes status, one asn record goes and one comes (so
# the summary lines still hold); all picked from the file by awk.
changed=$(first_record "$file" '$3 == "ipv4" && $7 == "allocated" && ++n == 50')
removed=$(first_record "$file" '$3 == "asn" && ++n == 70')
[ -n "$changed" ] && [ -n "$removed" ] || fail "no records to change in $file"
changed_start=$(cut -d'|' -f4 <<<"$changed")
removed_as=$(cut -d'|' -f4 <<<"$removed")
removed2=$(first_record "$file" '$3 == "asn" && ++n == 71')
removed2_as=$(cut -d'|' -f4 <<<"$removed2")
new_as=4294967000
new_as2=4294967001
for as in $new_as $new_as2; do
  covered=$(for f in "${DATA_FILES[@]}" "$IANA_FILE"; do records_of "$f"; done |
    awk -F'|' -v a="$as" '$3 == "asn" && $4 <= a && a < $4 + $5' | wc -l)
  expect_eq "$covered" 0 "AS$as is in no file"
done
# Later serials: the same day one and two years on (dates stay valid).
s1=$((serial + 10000))
s2=$((serial + 20000))
newer1="$WORK/afrinic-newer1"
newer_file "$s1" "$newer1" \
  "if (\$0 == \"$removed\") \$0 = \"afrinic|MU|asn|$new_as|1|$s1|allocated|F0000001\"; if (\$0 == \"$changed\") \$7 = \"assigned\""
newer2="$WORK/afrinic-newer2"
newer_file "$s2" "$newer2" \
  "if (\$0 == \"$removed\") \$0 = \"afrinic|MU|asn|$new_as|1|$s1|allocated|F0000001\"; if (\$0 == \"$changed\") \$7 = \"assigned\"; if (\$0 == \"$removed2\") \$0 = \"afrinic|SC|asn|$new_as2|1|$s2|assigned|F0000002\""

# The configuration names the database; the ports come from the command line.
conf="$WORK/idregd.conf"
write_conf() { # TERMS [DB]
  cat >"$conf" <<EOF
[store]
path = ${2:-$db}

[rdap]
base_url = https://rdap.example.net/rdap/
port43 = whois.example.net

[service]
terms_of_use = $1
terms_url = https://example.net/terms
EOF
}
write_conf "Terms A: test terms of use."
DB="" start_daemon reload -c "$conf" --log-level info

# The service as the configuration describes it.
rdap ip/1.1.1.1
expect_rdap 200 rdap_ip_network.json "ip/1.1.1.1 with base_url and port43"
expect_match "$BODY" '"href":"https://rdap\.example\.net/rdap/ip/1\.1\.1\.0/24"' "self link on rdap.base_url"
expect_match "$BODY" '"value":"https://rdap\.example\.net/rdap/ip/1\.1\.1\.1"' "link value on rdap.base_url"
expect_match "$BODY" '"port43":"whois\.example\.net"' "port43"
expect_match "$BODY" '"description":\["Terms A: test terms of use\."\],"links":\[\{[^]]*"rel":"terms-of-service","href":"https://example\.net/terms"' "terms of use notice with its link"
loaded_before=$(grep -o '"last update of RDAP database","eventDate":"[^"]*"' <<<"$BODY")
reply=$(whois -h 127.0.0.1 -p "$WHOIS_PORT" help)
expect_match "$reply" '^% Terms A: test terms of use\.' "WHOIS terms of use"
expect_match "$reply" '^% Terms of use: https://example\.net/terms' "WHOIS terms URL"

# A link's "value" is the URL asked for: a URI even when the path holds a
# space or bytes that are not UTF-8.
rdap 'entity/a%20b'
expect_eq "$STATUS" 404 "entity/a%20b"
link_values=$(grep -o '"links":\[[^]]*\]' <<<"$BODY")
rdap 'entity/%FF'
expect_eq "$STATUS" 404 "entity/%FF"
link_values+=" $(grep -o '"links":\[[^]]*\]' <<<"$BODY")"
known_bug LINK_VALUE_NOT_URI \
  "$(grep -q '"value":"https://rdap.example.net/rdap/entity/a%20b"' <<<"$link_values" && grep -q '"value":"https://rdap.example.net/rdap/entity/%FF"' <<<"$link_values" && echo true || echo false)" \
  "the link value is the decoded path, not a URI: $link_values"

# Before the newer import.
rdap "autnum/$new_as"
expect_rdap 404 rdap_error.json "autnum/$new_as before the import"
rdap "autnum/$removed_as"
expect_rdap 200 rdap_autnum.json "autnum/$removed_as before the import"
rdap "ip/$changed_start"
expect_rdap 200 rdap_ip_network.json "ip/$changed_start before the import"
expect_match "$BODY" '"type":"ALLOCATED"' "ip/$changed_start before: ALLOCATED"

# Import the newer file while the daemon runs; HUP; the new data answers.
idreg_ok --db "$db" import rir "$newer1"
expect_match "$(cat "$WORK/idreg.out")" "1 new, 1 changed, 1 removed" "newer import"
rdap "autnum/$new_as"
expect_eq "$STATUS" 404 "autnum/$new_as before the HUP (the running data is a snapshot)"
kill -HUP "$DPID"
for i in $(seq 300); do
  rdap "autnum/$new_as"
  [ "$STATUS" = 200 ] && break
  sleep 0.1
done
expect_rdap 200 rdap_autnum.json "autnum/$new_as after HUP"
expect_match "$BODY" "\"handle\":\"AS$new_as\".*\"country\":\"MU\"" "new record's data"
expect_match "$BODY" "\"eventAction\":\"registration\",\"eventDate\":\"${s1:0:4}-${s1:4:2}-${s1:6:2}T00:00:00Z\"" "new record's registration date"
rdap "autnum/$removed_as"
expect_rdap 404 rdap_error.json "autnum/$removed_as after HUP (removed)"
rdap "ip/$changed_start"
expect_rdap 200 rdap_ip_network.json "ip/$changed_start after HUP"
expect_match "$BODY" '"type":"ASSIGNED"' "ip/$changed_start after: ASSIGNED"
loaded_after=$(grep -o '"last update of RDAP database","eventDate":"[^"]*"' <<<"$BODY")
[[ "$loaded_after" > "$loaded_before" || "$loaded_after" == "$loaded_before" ]] || fail "last update went back: $loaded_before -> $loaded_after"
expect_match "$(whois -h 127.0.0.1 -p "$WHOIS_PORT" "AS$new_as")" "^aut-num: +AS$new_as" "WHOIS sees the new record"
expect_match "$(cat "$DERR")" 'reloaded: [0-9]+ number resources' "reload logged"

# HUP with a broken configuration: the running configuration and data stay,
# an error is logged (even with a newer import waiting).
idreg_ok --db "$db" import rir "$newer2"
errors_before=$(grep -c 'error' "$DERR" || true)
check_reload_kept() { # WHAT LOG-REGEX
  local _
  kill -HUP "$DPID"
  for _ in $(seq 100); do
    [ "$(grep -c 'error' "$DERR" || true)" -gt "$errors_before" ] && break
    sleep 0.1
  done
  errors_before=$(grep -c 'error' "$DERR" || true)
  expect_match "$(tail -n 3 "$DERR")" "$2" "$1: error logged"
  daemon_alive "$1"
  rdap "autnum/$new_as2"
  expect_rdap 404 rdap_error.json "$1: autnum/$new_as2 (old data kept)"
  rdap help
  expect_rdap 200 rdap_help.json "$1: help"
  expect_match "$BODY" '"description":\["Terms A: test terms of use\."\]' "$1: old terms kept"
}
cp "$conf" "$conf.good"
printf '[service]\nthreads = lots\nterms_of_use = Terms B\n' >"$conf"
check_reload_kept "HUP with service.threads = lots" "error: reload: .*threads.*keeping the running configuration"
printf '[service]\nterms_of_use = Terms B\nthis line is no setting\n' >"$conf"
check_reload_kept "HUP with a syntax error" "error: reload: .*idregd\.conf:3: syntax error.*keeping the running configuration"
printf 'not a registry\n' >"$WORK/not-a-db"
write_conf "Terms B: changed terms." "$WORK/not-a-db"
check_reload_kept "HUP with a database that is not a registry" "error: reload: .*keeping the running data"
rm -f "$conf"
check_reload_kept "HUP with the configuration file gone" "error: reload: .*cannot open.*keeping the running configuration"

# A good configuration again: new terms and the newer data.
write_conf "Terms B: changed terms."
kill -HUP "$DPID"
for i in $(seq 300); do
  rdap "autnum/$new_as2"
  [ "$STATUS" = 200 ] && break
  sleep 0.1
done
expect_rdap 200 rdap_autnum.json "autnum/$new_as2 after a good HUP"
expect_match "$BODY" '"description":\["Terms B: changed terms\."\]' "new terms after a good HUP"
expect_match "$(whois -h 127.0.0.1 -p "$WHOIS_PORT" help)" '^% Terms B: changed terms\.' "WHOIS new terms"
rdap "autnum/$removed2_as"
expect_rdap 404 rdap_error.json "autnum/$removed2_as removed by the second import"

# A setting that changes only at a restart: the reload says so and goes on.
printf '[whois]\nmax_connections = 7\n' >>"$conf"
kill -HUP "$DPID"
for _ in $(seq 100); do
  grep -q 'change only at a restart' "$DERR" && break
  sleep 0.1
done
expect_match "$(cat "$DERR")" 'warn.*reload: listening addresses, threads, connection limits, timeouts and request sizes change only at a restart' \
  "HUP with whois.max_connections changed: warned"
rdap help
expect_rdap 200 rdap_help.json "after a restart-only change"
stop_daemon

# --check-config: the effective configuration, or one line and exit 1.
step "check-config"
check_config_ok() { # WHAT ARGS...
  local what=$1 status=0
  shift
  "$IDREGD" "$@" --check-config >"$WORK/cc.out" 2>"$WORK/cc.err" || status=$?
  expect_eq "$status" 0 "--check-config $what: exit status ($(cat "$WORK/cc.err"))"
  check_stderr "$WORK/cc.err" "--check-config $what"
}
check_config_fails() { # WHAT REGEX ARGS...
  local what=$1 regex=$2 status=0
  shift 2
  "$IDREGD" "$@" --check-config >"$WORK/cc.out" 2>"$WORK/cc.err" || status=$?
  expect_eq "$status" 1 "--check-config $what: exit status"
  expect_eq "$(wc -l <"$WORK/cc.err")" 1 "--check-config $what: one line on stderr"
  expect_match "$(cat "$WORK/cc.err")" "^idregd: .*$regex" "--check-config $what: message"
  check_stderr "$WORK/cc.err" "--check-config $what"
}
write_conf "Terms C."
check_config_ok "good file" -c "$conf"
expect_match "$(cat "$WORK/cc.out")" '^terms_of_use = Terms C\.$' "--check-config prints the file's terms"
expect_match "$(cat "$WORK/cc.out")" '^base_url = https://rdap\.example\.net/rdap/$' "--check-config prints base_url"
expect_match "$(cat "$WORK/cc.out")" "^path = $db\$" "--check-config prints store.path"
check_config_ok "overrides" -c "$conf" -o ratelimit.per_second=7 --rdap '[::1]:8080' --whois 127.0.0.1:4343
expect_match "$(cat "$WORK/cc.out")" '^per_second = 7$' "-o wins over the file"
expect_match "$(cat "$WORK/cc.out")" '^listen = \[::1\]:8080$' "--rdap wins over the file"
check_config_ok "no file"
printf '[rdap]\nnope = 1\n' >"$WORK/bad1.conf"
check_config_fails "unknown key" "bad1\.conf:2: unknown key 'nope' in section \[rdap\]" -c "$WORK/bad1.conf"
printf '[whois]\ntimeout_ms = 50\n' >"$WORK/bad2.conf"
check_config_fails "value out of range" "bad2\.conf:2: whois\.timeout_ms: '50' is not an integer in 100\.\.600000" -c "$WORK/bad2.conf"
printf '[log]\nlevel = debug\nno setting here\n' >"$WORK/bad3.conf"
check_config_fails "syntax error" "bad3\.conf:3: syntax error" -c "$WORK/bad3.conf"
# A broken section line followed by settings: the error should be the
# syntax error of line 1, not a complaint about the setting on line 2.
printf '[log\nlevel = debug\n' >"$WORK/bad3b.conf"
status=0
"$IDREGD" -c "$WORK/bad3b.conf" --check-config >/dev/null 2>"$WORK/cc.err" || status=$?
expect_eq "$status" 1 "--check-config with a broken section line"
known_bug CONFIG_SYNTAX_ERROR_MISREPORTED "$(grep -q 'bad3b.conf:1: syntax error' "$WORK/cc.err" && echo true || echo false)" \
  "a broken section line '[log' is reported as: $(cat "$WORK/cc.err")"
printf '[log]\nlevel = loud\n' >"$WORK/bad4.conf"
check_config_fails "bad choice" "log\.level: 'loud' is not one of" -c "$WORK/bad4.conf"
check_config_fails "missing file" "cannot open" -c "$WORK/no-such.conf"
check_config_fails "unknown -o key" "unknown configuration key 'rdap.nope'" -o rdap.nope=1
printf '[rdap]\nlisten = localhost:8080\n' >"$WORK/bad5.conf"
check_config_fails "listen by host name" "listening address|listen" -c "$WORK/bad5.conf"
known_bug CHECK_CONFIG_LISTEN_VAGUE "$(grep -q "rdap.listen: 'localhost:8080'" "$WORK/cc.err" && echo true || echo false)" \
  "--check-config does not say which listening address is wrong: $(cat "$WORK/cc.err")"
for bad in '127.0.0.1' '127.0.0.1:' ':8080' '127.0.0.1:65536' '127.0.0.1:80x' '[::1]8080' '::1]:80' '300.1.1.1:80'; do
  check_config_fails "--rdap '$bad'" "listening address|listen" --rdap "$bad"
done
status=0
"$IDREGD" -o nokeyvalue --check-config >/dev/null 2>"$WORK/cc.err" || status=$?
expect_eq "$status" 2 "-o without '=': usage error"

# At start: bad listening addresses, and ports in use, fail with one line
# and exit status 1 (or, if idregd serves anyway, that is reported).
step "start failures"
start_fails() { # WHAT REGEX ARGS...: idregd must exit 1 within WAIT (20 s) with one line
  local what=$1 regex=$2 status=0 pid i
  shift 2
  "$IDREGD" --db "$db" "$@" >/dev/null 2>"$WORK/sf.err" &
  pid=$!
  for i in $(seq $((${WAIT:-20} * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    STARTED_ANYWAY=$pid
    return 0
  fi
  STARTED_ANYWAY=""
  wait "$pid" || status=$?
  expect_eq "$status" 1 "$what: exit status ($(cat "$WORK/sf.err"))"
  expect_eq "$(wc -l <"$WORK/sf.err")" 1 "$what: one line on stderr ($(cat "$WORK/sf.err"))"
  expect_match "$(cat "$WORK/sf.err")" "^idregd: .*$regex" "$what: message"
  check_stderr "$WORK/sf.err" "$what"
}
read -r p1 p2 p3 < <(free_ports 3)
start_fails "--rdap localhost:$p1" "rdap\.listen: 'localhost:$p1' is not ADDRESS:PORT" --rdap "localhost:$p1" --whois "127.0.0.1:$p2"
start_fails "--whois 127.0.0.1" "whois\.listen: '127\.0\.0\.1' is not ADDRESS:PORT" --rdap "127.0.0.1:$p1" --whois 127.0.0.1
start_fails "--rdap 192.0.2.1:$p1 (not this host's)" "cannot serve RDAP on 192\.0\.2\.1:$p1: " --rdap "192.0.2.1:$p1" --whois "127.0.0.1:$p2"
start_fails "--db of a missing file" "no-such-dir" --db "$WORK/no-such-dir/reg.db" --rdap "127.0.0.1:$p1" --whois "127.0.0.1:$p2"

# Ports held by another program (a plain listening socket).
"$PY" -c '
import socket, sys, time
socks = []
for p in sys.argv[1:]:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(p))); s.listen(5); socks.append(s)
print("ready", flush=True)
time.sleep(60)' "$p1" "$p2" >"$WORK/holder.out" &
holder=$!
DAEMON_PIDS+=("$holder")
for i in $(seq 100); do grep -q ready "$WORK/holder.out" && break; sleep 0.1; done
start_fails "RDAP port in use" "cannot serve RDAP on 127\.0\.0\.1:$p1: Address already in use" --rdap "127.0.0.1:$p1" --whois "127.0.0.1:$p3"
[ -z "$STARTED_ANYWAY" ] || fail "idregd started on an RDAP port another program listens on"
start_fails "WHOIS port in use" "cannot serve WHOIS on 127\.0\.0\.1:$p2: Address already in use" --rdap "127.0.0.1:$p3" --whois "127.0.0.1:$p2"
[ -z "$STARTED_ANYWAY" ] || fail "idregd started on a WHOIS port another program listens on"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true

# A second idregd on the first one's RDAP port.
DB="$db" start_daemon first
first_pid=$DPID first_err=$DERR first_rdap=$RDAP_PORT
read -r p4 < <(free_ports 1)
WAIT=8 start_fails "RDAP port of a running idregd" "cannot serve RDAP on 127\.0\.0\.1:$first_rdap: Address already in use" \
  --rdap "127.0.0.1:$first_rdap" --whois "127.0.0.1:$p4"
if [ -n "$STARTED_ANYWAY" ]; then
  DAEMON_PIDS+=("$STARTED_ANYWAY")
  known_bug RDAP_PORT_SHARED false \
    "a second idregd started on the RDAP port of a running one (both listen; the kernel shares connections between them)"
  stop_daemon "$STARTED_ANYWAY" "$WORK/sf.err"
else
  known_bug RDAP_PORT_SHARED true "a second idregd on a running one's RDAP port"
fi
stop_daemon "$first_pid" "$first_err"

# SIGINT stops it too.
DB="$db" start_daemon int
kill -INT "$DPID"
status=0
for i in $(seq 300); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
wait "$DPID" || status=$?
expect_eq "$status" 0 "exit status on SIGINT"
check_stderr "$DERR" "SIGINT"

done_checks
