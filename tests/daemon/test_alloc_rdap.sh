#!/usr/bin/env bash
# Allocations are served: a registry holding AFRINIC's file takes its Kenyan
# IPv6 records as pools and allocates from them; idregd answers RDAP ip/ and
# WHOIS for the allocation (its holder, economy, status, and the AFRINIC
# record above it, found here with python's ipaddress); an allocation made
# while the daemon runs is served after SIGHUP, and a returned one is no
# longer (the AFRINIC record answers instead).
source "$(dirname "$0")/harness_daemon.sh"

DB="$WORK/reg.db"
FILE="$RIR/current/delegated-afrinic-extended-latest"
CONF="$WORK/alloc.conf"
printf '[alloc]\nregistry = kenic\ncc = KE\n' >"$CONF"
idreg_ok -c "$CONF" --db "$DB" init
idreg_ok -c "$CONF" --db "$DB" import rir "$FILE"
idreg_ok -c "$CONF" --db "$DB" alloc pool add --from-registry afrinic --cc KE --type ipv6
idreg_ok -c "$CONF" --db "$DB" alloc pool add 192.0.2.0/24
idreg_ok -c "$CONF" --db "$DB" alloc request --type ipv6 --holder ORG-KE-1 --size /40
prefix=$(cut -f2 "$WORK/idreg.out")
expect_match "$prefix" '^[0-9a-f:]+/40$' "an IPv6 /40 allocated"

# The AFRINIC record the allocation lies in, and the /40's first and last address.
read -r first last parent < <(awk -F'|' '!/^[ \t]*#/ && $2 == "KE" && $3 == "ipv6" { print $4 "/" $5 }' "$FILE" |
  "$PY" -c '
import ipaddress, sys
net = ipaddress.ip_network(sys.argv[1])
for line in sys.stdin:
    rec = ipaddress.ip_network(line.strip())
    if net.subnet_of(rec):
        print(net[0].exploded, net[-1].exploded, rec[0].exploded + " - " + rec[-1].exploded)
        break' "$prefix")
[ -n "$parent" ] || fail "no AFRINIC record holds $prefix"

start_daemon alloc
rdap "ip/$prefix"
expect_rdap 200 rdap_ip_network.json "ip/$prefix"
expect_match "$BODY" '"type":"ALLOCATED"' "allocation status"
expect_match "$BODY" '"country":"KE"' "allocation economy"
expect_match "$BODY" '"handle":"ORG-KE-1","roles":\["registrant"\]' "the holder as registrant"
full() { "$PY" -c 'import ipaddress, sys; print(" - ".join(ipaddress.ip_address(a).exploded for a in sys.argv[1].split(" - ")))' "$1"; }
handle=$(grep -o '"handle":"[^"]*"' <<<"$BODY" | head -1 | cut -d'"' -f4)
expect_eq "$(full "$handle")" "$first - $last" "the allocation's own range"
parent_handle=$(grep -o '"parentHandle":"[^"]*"' <<<"$BODY" | cut -d'"' -f4)
expect_eq "$(full "$parent_handle")" "$parent" "the AFRINIC record above it"
answer=$(whois -h 127.0.0.1 -p "$WHOIS_PORT" "$prefix")
expect_match "$answer" "^org: +ORG-KE-1" "WHOIS: the holder"
expect_match "$answer" "^source: +kenic" "WHOIS: this registry"
expect_match "$answer" "^status: +ALLOCATED" "WHOIS: the status"

# A new allocation while the daemon runs: served after SIGHUP.
idreg_ok -c "$CONF" --db "$DB" alloc request --holder ORG-KE-2 --size /24
expect_eq "$(cut -f2 "$WORK/idreg.out")" "192.0.2.0/24" "an IPv4 /24 allocated"
rdap "ip/192.0.2.0/24"
expect_eq "$STATUS" 404 "not served before the reload"
kill -HUP "$DPID"
for _ in $(seq 300); do
  rdap "ip/192.0.2.0/24"
  [ "$STATUS" = 200 ] && break
  sleep 0.1
done
expect_rdap 200 rdap_ip_network.json "ip/192.0.2.0/24 after SIGHUP"
expect_match "$BODY" '"handle":"ORG-KE-2"' "the new holder"
rdap "entity/ORG-KE-2"
expect_rdap 200 rdap_entity.json "entity/ORG-KE-2"
expect_match "$BODY" '"startAddress":"192\.0\.2\.0","endAddress":"192\.0\.2\.255"' "the holder's entity lists its network"

# Returned: after SIGHUP the AFRINIC record answers for its space.
idreg_ok -c "$CONF" --db "$DB" alloc return "$prefix"
kill -HUP "$DPID"
for _ in $(seq 300); do
  rdap "ip/$prefix"
  grep -q ORG-KE-1 "$BODY_FILE" || break
  sleep 0.1
done
expect_rdap 200 rdap_ip_network.json "ip/$prefix after the return"
handle=$(grep -o '"handle":"[^"]*"' <<<"$BODY" | head -1 | cut -d'"' -f4)
expect_eq "$(full "$handle")" "$parent" "the AFRINIC record answers"

stop_daemon
validate_bodies
echo "ok: $CHECKS checks"
