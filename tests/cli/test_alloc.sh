#!/usr/bin/env bash
# The allocation commands end to end on a real database: pools (configured
# and taken from a real RIR file), IPv6 sparse positions and IPv4 best fit
# against expectations computed here (python3, awk), the reserve and the
# waiting list, each refusal's message, returns, transfers, assignments and
# utilisation, concurrent requests from several processes (never two
# overlapping blocks, checked with awk over 'export rir' and with sqlite3),
# the history, and the exchange-format export.
source "$(dirname "$0")/harness.sh"

DB="$WORK/alloc.db"
CONF="$WORK/alloc.conf"
printf '[alloc]\nregistry = natreg\ncc = KE\nipv4_longest_prefix = 28\nipv6_shortest_prefix = 32\n' >"$CONF"
A=(-c "$CONF" --db "$DB")
run_ok "${A[@]}" init

# ---- the [alloc] keys are checked ----
printf '[alloc]\ncc = KEN\n' >"$WORK/bad.conf"
run_fails 1 -c "$WORK/bad.conf" --check-config
expect_match "$ERR" "bad.conf:2: alloc.cc" "an economy code of three letters"
printf '[alloc]\nipv6_longest_prefix = 129\n' >"$WORK/bad.conf"
run_fails 1 -c "$WORK/bad.conf" --check-config
expect_match "$ERR" "bad.conf:2: alloc.ipv6_longest_prefix" "a prefix length beyond 128"
printf '[alloc]\nregistry = Nat|Reg\ncc = ke\n' >"$WORK/bad.conf"
run_fails 1 -c "$WORK/bad.conf" --db "$DB" alloc show
expect_match "$ERR" "alloc.registry: 'Nat\|Reg' is not a registry name" "a registry name that the exchange format cannot carry"
printf '[alloc]\ncc = ke\n' >"$WORK/bad.conf"
run_fails 1 -c "$WORK/bad.conf" --db "$DB" alloc show
expect_match "$ERR" "alloc.cc: 'ke' is not an ISO 3166 alpha-2 code in capitals" "economy code in capitals"

# ---- refusals before any pool ----
run_fails 1 "${A[@]}" alloc request --holder H1 --size /24
expect_match "$ERR" "no ipv4 pool \(idreg alloc pool add\)" "no pool"
run_fails 2 "${A[@]}" alloc request --size /24
run_fails 2 "${A[@]}" alloc request --holder H1 --size /33

# ---- pools ----
run_ok "${A[@]}" alloc pool add 192.0.2.0/24 --reserve /27
run_ok "${A[@]}" alloc pool add 2001:db8::/29
run_ok "${A[@]}" alloc pool add AS64496-AS64511
run_fails 1 "${A[@]}" alloc pool add 192.0.2.128/25
expect_match "$ERR" "192\.0\.2\.128/25 overlaps the pool 192\.0\.2\.0/24" "overlapping pool"
run_fails 1 "${A[@]}" alloc pool add 203.0.113.0/24 --reserve 256
expect_match "$ERR" "reserve of 203\.0\.113\.0/24 would keep back all of it" "reserve too large"
run_ok "${A[@]}" alloc pool list
expect_match "$OUT" $'pool\t1\tipv4\t192\\.0\\.2\\.0/24\t32\t256\tconfigured' "pool list: the IPv4 pool, its reserve and free count"
expect_match "$OUT" $'pool\t3\tasn\tAS64496-AS64511\t0\t16\t' "pool list: the AS range"

# ---- policy limits, holder ids ----
run_fails 1 "${A[@]}" alloc request --holder H1 --size /15
expect_match "$ERR" "/15: the policy allows ipv4 blocks from /16 to /28" "ipv4 size limit"
run_fails 1 "${A[@]}" alloc request --type ipv6 --holder H1 --size /30
expect_match "$ERR" "/30: the policy allows ipv6 blocks from /32 to /48" "ipv6 size limit"
run_fails 1 "${A[@]}" alloc request --holder H1 --count 9
expect_match "$ERR" "9 AS numbers: the policy allows 1 to 4" "asn count limit"
run_fails 1 "${A[@]}" alloc request --holder 'no spaces' --size /26
expect_match "$ERR" "an opaque id is 1 to 64 letters" "holder id"
run_fails 1 "${A[@]}" alloc request --holder H1 --size /16
expect_match "$ERR" "no ipv4 pool can hold a /16" "size no pool holds"

# ---- IPv6: sparse.  Expected: the /32s of the /29 in bisection order, lower first ----
mapfile -t want6 < <(python3 -c '
order = [0]
step = 4
while step >= 1:
    order += list(range(step, 8, 2 * step))
    step //= 2
for i in order:
    print("2001:%x::/32" % (0xdb8 + i))')
for i in $(seq 0 7); do
  run_ok "${A[@]}" alloc request --type ipv6 --holder "V$i" --size /32
  expect_eq "$(cut -f2 <<<"$OUT")" "${want6[$i]}" "ipv6 allocation $i goes to the middle of the largest free space"
done
run_fails 1 "${A[@]}" alloc request --type ipv6 --holder V9 --size /48
expect_match "$ERR" "no free /48 left in the ipv6 pools \(largest free: none\)" "ipv6 pool full"

# ---- IPv4: best fit, the reserve (/27 = 32 addresses) and the waiting list ----
run_ok "${A[@]}" alloc request --holder H1 --size /26
expect_eq "$OUT" $'allocated\t192.0.2.0/26\tH1' "first /26 at the start"
# Free now: .64/26 and .128/25: the smallest block that holds a /27 is .64/26.
run_ok "${A[@]}" alloc request --holder H2 --size /27
expect_eq "$(cut -f2 <<<"$OUT")" "192.0.2.64/27" "best fit /27"
run_ok "${A[@]}" alloc request --holder H3 --size /26
expect_eq "$(cut -f2 <<<"$OUT")" "192.0.2.128/26" "best fit /26 in the /25, not after the /27"
run_ok "${A[@]}" alloc request --holder H4 --size /28
expect_eq "$(cut -f2 <<<"$OUT")" "192.0.2.96/28" "best fit /28 in the free /27"
# Free: .112/28 and .192/26 = 80 addresses; a /26 would leave 16 < 32.
run_fails 1 "${A[@]}" alloc request --holder W1 --size /26
expect_eq "$OUT" $'waiting\t1\t1\tW1' "a /26 waits at position 1"
expect_match "$ERR" "a /26 would leave less than the reserve kept back in every ipv4 pool with room; the request waits at position 1" "why it waits"
# A /28 would fit, but W1 came first.
run_fails 1 "${A[@]}" alloc request --holder W2 --size /28
expect_eq "$OUT" $'waiting\t2\t2\tW2' "a /28 waits behind it"
expect_match "$ERR" "1 request for ipv4 waits before it \(first come, first served\)" "first come, first served"
run_fails 1 "${A[@]}" alloc request --holder W3 --size /28 --no-wait
expect_match "$ERR" "2 requests for ipv4 wait before it" "--no-wait refuses"
run_ok "${A[@]}" alloc waiting
expect_eq "$(grep -c '^waiting' <<<"$OUT")" 2 "two requests wait"
expect_match "$OUT" $'waiting\t1\t1\tipv4\t/26\tW1\t' "waiting list: W1 first"
run_ok "${A[@]}" alloc waiting --serve
expect_match "$OUT" "# 0 served" "nothing fits yet"

# ---- returns: the space is free again, and waiting requests are served in order ----
run_fails 1 "${A[@]}" alloc return 192.0.2.0/25
expect_match "$ERR" "192\.0\.2\.0/25 is not an allocation of registry 'natreg'; it overlaps the allocation 192\.0\.2\.0/26" "return of a non-allocation"
run_ok "${A[@]}" alloc return 192.0.2.0/26
run_ok "${A[@]}" alloc waiting --serve
expect_eq "$(grep '^served' <<<"$OUT" | cut -f3,4 | tr '\t\n' ' ')" "192.0.2.0/26 W1 192.0.2.112/28 W2 " "served in order, the returned space reused"
run_ok "${A[@]}" alloc waiting
expect_eq "$(grep -c '^waiting' <<<"$OUT" || true)" 0 "the waiting list is empty"

# ---- ASNs: lowest first; a return is reused ----
run_ok "${A[@]}" alloc request --holder A1 --count 2
expect_eq "$(cut -f2 <<<"$OUT")" "AS64496-AS64497" "ASNs lowest first"
run_ok "${A[@]}" alloc request --holder A2 --count 1
expect_eq "$(cut -f2 <<<"$OUT")" "AS64498" "next ASN"
run_ok "${A[@]}" alloc return AS64496-AS64497
run_ok "${A[@]}" alloc request --holder A3 --count 1
expect_eq "$(cut -f2 <<<"$OUT")" "AS64496" "returned ASN reused"

# ---- transfer ----
run_ok "${A[@]}" alloc transfer 2001:db8::/32 --to V9
run_fails 1 "${A[@]}" alloc transfer 2001:db8::/32 --to V9
expect_match "$ERR" "V9 already holds it" "transfer to the holder"
run_fails 1 "${A[@]}" alloc transfer 2001:db8::/33 --to V9
expect_match "$ERR" "2001:db8::/33 is not an allocation" "transfer of a non-allocation"

# ---- grow: the /N holding an allocation, while it holds no other ----
run_ok "${A[@]}" alloc pool add 3fff:100::/32
run_ok "${A[@]}" alloc request --type ipv6 --holder G1 --size /48
expect_eq "$(cut -f2 <<<"$OUT")" "3fff:100::/48" "first /48 of the new pool"
run_ok "${A[@]}" alloc request --type ipv6 --holder G2 --size /48
expect_eq "$(cut -f2 <<<"$OUT")" "3fff:100:8000::/48" "second /48 in the middle"
run_ok "${A[@]}" alloc grow 3fff:100::/48 --size /33
expect_eq "$OUT" $'grown\t3fff:100::/48\t3fff:100::/33' "grown to the /33 that holds it"
run_fails 1 "${A[@]}" alloc grow 3fff:100::/33 --size /32
expect_match "$ERR" "3fff:100::/32 holds the allocation 3fff:100:8000::/48 of G2" "no growing over a neighbour"
run_fails 1 "${A[@]}" alloc grow 3fff:100::/33 --size /16
expect_match "$ERR" "/16: the policy allows ipv6 blocks from /32 to /48" "grow within the policy"
run_fails 1 "${A[@]}" alloc grow 192.0.2.64/27 --size /26
expect_match "$ERR" "192\.0\.2\.64/26 holds the allocation 192\.0\.2\.96/28 of H4" "IPv4 grow into a neighbour"

# ---- assignments and utilisation ----
run_ok "${A[@]}" alloc assign 2001:db8::/48 --within 2001:db8::/32
run_ok "${A[@]}" alloc assign 2001:db8:1::/56 --within 2001:db8::/32
run_fails 1 "${A[@]}" alloc assign 2001:db8:1::/56 --within 2001:db8::/32
expect_match "$ERR" "overlaps the assignment 2001:db8:1::/56" "overlapping assignment"
run_fails 1 "${A[@]}" alloc assign 2001:db9::/48 --within 2001:db8::/32
expect_match "$ERR" "2001:db9::/48 is not inside the allocation 2001:db8::/32" "assignment outside"
run_ok "${A[@]}" alloc assign 192.0.2.128/27 --within 192.0.2.128/26
run_ok "${A[@]}" alloc assign 192.0.2.160/28 --within 192.0.2.128/26
# HD-ratio: 256 + 1 /56s of the 2^24 in a /32; IPv4: 48 of 64.
want_hd=$(python3 -c 'import math; print("%.4f" % (math.log(257) / math.log(2 ** 24)))')
run_ok "${A[@]}" alloc show --holder V9
expect_match "$OUT" $'allocation\t2001:db8::/32\tipv6\tV9\t[0-9-]+\t2\thd-ratio '"$want_hd"' \(257/16777216 /56\)' "HD-ratio of the allocation"
expect_match "$OUT" $'holder\tV9\tipv6\t1 allocations\t2 assignments\thd-ratio '"$want_hd" "HD-ratio of the holder"
run_ok "${A[@]}" alloc show --holder H3
expect_match "$OUT" $'holder\tH3\tipv4\t1 allocations\t2 assignments\tutilisation 75\\.00% \\(48/64\\)' "IPv4 utilisation"
run_ok "${A[@]}" alloc show 192.0.2.128/26
expect_match "$OUT" $'assignment\t192\\.0\\.2\\.160/28' "show PREFIX lists the assignments"
run_ok "${A[@]}" alloc unassign 192.0.2.160/28
run_ok "${A[@]}" alloc show --holder H3
expect_match "$OUT" "utilisation 50\.00% \(32/64\)" "utilisation after unassign"
run_fails 1 "${A[@]}" alloc show --holder nobody
expect_match "$ERR" "holder 'nobody' has no allocations" "unknown holder"

# ---- concurrent requests: 6 processes, 8 requests each, one pool ----
run_ok "${A[@]}" alloc pool add 198.51.100.0/22
run_ok "${A[@]}" alloc pool add 3fff::/40
for p in $(seq 1 6); do
  (
    for i in $(seq 1 8); do
      "$IDREG" "${A[@]}" alloc request --holder "P$p" --size /28 >>"$WORK/conc.$p" 2>&1 || echo "FAILED $?" >>"$WORK/conc.$p"
      "$IDREG" "${A[@]}" alloc request --type ipv6 --holder "P$p" --size /48 >>"$WORK/conc.$p" 2>&1 || echo "FAILED $?" >>"$WORK/conc.$p"
    done
  ) &
done
wait
if grep -h -v '^allocated' "$WORK"/conc.*; then
  fail "a concurrent request failed"
fi
pass
expect_eq "$(cat "$WORK"/conc.* | grep -c $'^allocated\t[0-9.]*/28\t')" 48 "48 concurrent IPv4 allocations"
expect_eq "$(cat "$WORK"/conc.* | grep -c $'^allocated\t3fff:[0-9a-f:]*/48\t')" 48 "48 concurrent IPv6 allocations"

# ---- the export: every allocation, none overlapping another ----
run_ok "${A[@]}" export rir --registry natreg --output "$WORK/natreg.txt"
records_of "$WORK/natreg.txt" >"$WORK/records"
expect_eq "$(awk -F'|' '$1 != "natreg" || $2 != "KE" || $7 != "allocated"' "$WORK/records" | wc -l)" 0 "registry, economy and status of every record"
# Each allocation printed above is in the export (IPv4 by address and count).
for block in 192.0.2.64/27 192.0.2.96/28 192.0.2.0/26; do
  addr=${block%/*}; len=${block#*/}
  expect_eq "$(awk -F'|' -v a="$addr" -v n=$((1 << (32 - len))) '$3 == "ipv4" && $4 == a && $5 == n' "$WORK/records" | wc -l)" 1 "$block exported"
done
expect_eq "$(awk -F'|' '$3 == "ipv6" && $4 == "2001:db8::" && $5 == 32 && $8 == "V9"' "$WORK/records" | wc -l)" 1 "the transferred /32 exported with its new holder"
expect_eq "$(awk -F'|' '$3 == "asn" && $4 == 64496 && $5 == 1 && $8 == "A3"' "$WORK/records" | wc -l)" 1 "the reused ASN exported"
# No two IPv4 records overlap: sorted by start, each starts after the last ended.
overlaps=$(awk -F'|' '$3 == "ipv4" { split($4, o, "."); s = ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]; print s, s + $5 - 1 }' "$WORK/records" |
  sort -n | awk 'NR > 1 && $1 <= end { n++ } { if ($2 > end) end = $2 } END { print n + 0 }')
expect_eq "$overlaps" 0 "no overlapping IPv4 allocations"
# IPv6, with sqlite3 on the stored records: /48s under 2001:db8:1xx:: differ.
expect_eq "$(sqlite3 "$DB" "SELECT count(*) - count(DISTINCT start) FROM numres WHERE type = 'ipv6'")" 0 "no two IPv6 allocations at one address"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM numres n JOIN rir_source s ON s.id = n.source_id WHERE s.name = 'natreg'")" \
  "$(wc -l <"$WORK/records")" "export holds every stored allocation"

# ---- the history: a change set per command that changed something, a line per change ----
allocations=$(sqlite3 "$DB" "SELECT count(*) FROM numres")
returned=2
created=$(sqlite3 "$DB" "SELECT count(*) FROM history WHERE object_type = 'numres' AND action = 'create'")
expect_eq "$created" $((allocations + returned)) "a create line per allocation, returned ones too"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM history WHERE object_type = 'numres' AND action = 'delete'")" "$returned" "a delete line per return"
expect_match "$(sqlite3 "$DB" "SELECT before_text || ' -> ' || after_text FROM history WHERE action = 'update'")" \
  "natreg\|KE\|ipv6\|2001:db8::\|32\|[0-9]+\|allocated\|V0 -> natreg\|KE\|ipv6\|2001:db8::\|32\|[0-9]+\|allocated\|V9" "the transfer's history line"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM history WHERE object_type = 'alloc_waiting'")" 4 "two requests queued and served"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM change_set WHERE actor = 'idreg alloc transfer --to V9 2001:db8::/32'")" 1 "the transfer's change set names the command; the refused one left none"
run_ok "${A[@]}" lookup 192.0.2.64
expect_match "$OUT" "holder-id: +H2" "lookup shows the allocation"

# ---- a refused request changes nothing ----
before=$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM numres) || ' ' || (SELECT count(*) FROM history)")
run_fails 1 "${A[@]}" alloc request --type ipv6 --holder X --size /29
expect_eq "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM numres) || ' ' || (SELECT count(*) FROM history)")" "$before" "refusal leaves the store as it was"

# ---- pools from a real RIR file: AFRINIC's records for Kenya ----
FILE="$RIR/current/delegated-afrinic-extended-latest"
DB2="$WORK/from.db"
B=(-c "$CONF" --db "$DB2")
run_ok "${B[@]}" init
run_ok "${B[@]}" import rir "$FILE"
records_of "$FILE" >"$WORK/afrinic"
want=$(awk -F'|' '$2 == "KE" && ($7 == "allocated" || $7 == "assigned")' "$WORK/afrinic" | wc -l)
run_ok "${B[@]}" alloc pool add --from-registry afrinic --cc KE
expect_eq "$OUT" "added $want pools from registry afrinic" "a pool per Kenyan record"
run_ok "${B[@]}" alloc pool add --from-registry afrinic --cc KE
expect_eq "$OUT" "added 0 pools from registry afrinic" "taking them again adds nothing"
holder=$(awk -F'|' '$2 == "KE" && $3 == "ipv4" && $7 == "allocated" && $8 != "" { print $8; exit }' "$WORK/afrinic")
run_fails 1 "${B[@]}" alloc pool add --from-registry afrinic --cc ZZ
expect_match "$ERR" "registry 'afrinic' has no allocated or assigned record of economy ZZ" "no records"
first4=$(awk -F'|' -v h="$holder" '$2 == "KE" && $3 == "ipv4" && $8 == h { print $4; exit }' "$WORK/afrinic")
run_ok "${B[@]}" alloc pool list
expect_match "$OUT" "afrinic\|KE\|ipv4\|$first4\|" "the pool's origin is its record"
# By holder id and type, in a registry of its own.
DB3="$WORK/holder.db"
run_ok -c "$CONF" --db "$DB3" init
run_ok -c "$CONF" --db "$DB3" import rir "$FILE"
want=$(awk -F'|' -v h="$holder" '$8 == h && $3 == "ipv4" && ($7 == "allocated" || $7 == "assigned")' "$WORK/afrinic" | wc -l)
run_ok -c "$CONF" --db "$DB3" alloc pool add --from-registry afrinic --holder-id "$holder" --type ipv4 --reserve /24
expect_eq "$OUT" "added $want pools from registry afrinic" "a pool per IPv4 record of holder $holder"
run_ok -c "$CONF" --db "$DB3" alloc pool list
expect_eq "$(grep -c $'^pool\t[0-9]*\tipv4\t[^\t]*\t256\t' <<<"$OUT")" "$want" "each keeps back a /24"
# alloc.registry must not name an imported registry.
printf '[alloc]\nregistry = afrinic\n' >"$WORK/bad.conf"
run_fails 1 -c "$WORK/bad.conf" --db "$DB2" alloc show
expect_match "$ERR" "registry 'afrinic' holds records imported from .*alloc.registry must name this registry's own allocations" "alloc.registry of an imported registry"

done_checks
