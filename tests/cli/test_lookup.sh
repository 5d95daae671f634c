#!/usr/bin/env bash
# Lookups across all five RIRs and IANA: for records sampled from each real
# file, looking up the record's first address (or AS number) and its exact
# prefix finds that record, unless the files hold a smaller record starting
# at the same place -- which this test works out from the files with awk.
source "$(dirname "$0")/harness.sh"

db="$WORK/all.db"
files=("$RIR"/current/* "$RIR"/fixtures-nro-delegated-stats/{arin,ripencc})
run_ok --db "$db" init
run_ok --db "$db" import rir "${files[@]}"
run_ok --db "$db" import rir --ignore-counts "$RIR/fixtures-nro-delegated-stats/iana"
files+=("$RIR/fixtures-nro-delegated-stats/iana")

# For each (type, start): the size of the smallest record starting there.
# Sizes compare within a type: an address count (ipv4), an AS count (asn),
# 128 minus the prefix length (ipv6).
for f in "${files[@]}"; do records_of "$f"; done |
  awk -F'|' '{ start = $4; if ($3 == "ipv6") { size = 128 - $5 } else { size = $5 }
               k = $3 "|" start; if (!(k in m) || size + 0 < m[k] + 0) m[k] = size }
             END { for (k in m) print k "|" m[k] }' >"$WORK/smallest"

# Every 997th record of each file, and its first and last record.
for f in "${files[@]}"; do
  records_of "$f" | awk 'NR == 1 || NR % 997 == 0 { print } { last = $0 } END { print last }'
done >"$WORK/sample"

# Keep the samples whose answer must be the record itself, and look them all
# up in one run (loading the index once).
awk -F'|' 'NR == FNR { smallest[$1 "|" $2] = $3; next }
           { size = ($3 == "ipv6") ? 128 - $5 : $5
             if (smallest[$3 "|" $4] != size) next
             print ($3 == "asn" ? "AS" $4 : $4) "|" $0 }' "$WORK/smallest" "$WORK/sample" >"$WORK/expected"
sampled=$(wc -l <"$WORK/expected")
[ "$sampled" -gt 100 ] || fail "only $sampled records could be sampled"
run_ok --db "$db" lookup $(cut -d'|' -f1 "$WORK/expected")

# Each query's first "most specific" block names the record: registry,
# economy, status and date.
awk -v RS= -F'\n' '/^% / { query = substr($1, 3); n = split($0, lines, "\n")
                              if (n > 1 && $0 ~ /role: +most specific/) {
                                for (i = 2; i <= n; i++) print query "\t" lines[i] } ; next }
                     !(query in seen) && /role: +most specific/ { seen[query] = 1
                              for (i = 1; i <= NF; i++) print query "\t" $i }' <<<"$OUT" >"$WORK/answers"
while IFS='|' read -r query registry cc type start value date status rest; do
  block=$(awk -F'\t' -v q="$query" '$1 == q { print $2 }' "$WORK/answers")
  expect_match "$block" "role: +most specific" "$query has an answer"
  expect_match "$block" "registry: +$registry\$" "$query registry"
  expect_match "$block" "status: +$status\$" "$query status"
  if [ -n "$cc" ]; then expect_match "$block" "economy: +$cc\$" "$query economy"; fi
  if [ -n "$date" ] && [ "$date" != 00000000 ]; then
    expect_match "$block" "date: +${date:0:4}-${date:4:2}-${date:6:2}\$" "$query date"
  fi
done <"$WORK/expected"

# A prefix query returns the record for that exact prefix, and a covering /8
# from the IANA file above an APNIC record.
run_ok --db "$db" lookup 1.1.1.0/24
expect_match "$OUT" "inetnum: +1\.1\.1\.0 - 1\.1\.1\.255" "1.1.1.0/24 most specific"
iana_line=$(records_of "$RIR/fixtures-nro-delegated-stats/iana" | awk -F'|' '$3 == "ipv4" && $4 == "1.0.0.0"')
expect_match "$OUT" "role: +covering" "1.1.1.0/24 has a covering record"
expect_match "$OUT" "holder-id: +$(cut -d'|' -f8 <<<"$iana_line")" "covering record is IANA's /8"

# Records inside a prefix: the count equals what awk finds in the AFRINIC file
# for 41.0.0.0/8 (no other file holds anything there).
inside=$(records_of "$RIR/current/delegated-afrinic-extended-latest" | awk -F'|' '$3 == "ipv4" && $4 ~ /^41\./' | wc -l)
run_ok --db "$db" lookup --more 0 41.0.0.0/8
expect_match "$OUT" "records inside: $inside\$" "records inside 41.0.0.0/8"

# Forms of AS numbers and ranges.
run_ok --db "$db" lookup as1 AS0.1 "AS64496-AS64511"
expect_match "$OUT" "aut-num: +AS1\$" "plain AS1"
expect_match "$OUT" "aut-num: +AS64496-AS64511" "AS range finds the IANA documentation block"

# Not covered, and not a query at all.
run_fails 1 --db "$db" lookup 2001:db8::1
expect_match "$ERR" "2001:db8::1: no record covers it" "uncovered address"
run_fails 1 --db "$db" lookup "1.2.3.4/8"
expect_match "$ERR" "host bits" "prefix with host bits"
run_fails 1 --db "$db" lookup "not-an-address"
expect_match "$ERR" "is not" "garbage query"
run_fails 1 --db "$db" lookup "10.0.0.1-2001:db8::"
expect_match "$ERR" "range joins" "mixed range"

done_checks
