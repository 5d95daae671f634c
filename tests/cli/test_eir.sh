#!/usr/bin/env bash
# idreg eir: the sample generator writes the same files for a seed and
# others for another; its operator files hold valid rows (Luhn IMEIs of the
# TAC database, home and roaming IMSIs) and the anomalies its ground truth
# names, counted here with awk over the files.  idreg eir import takes the
# whole sample; its observations equal an independent awk aggregation of
# the CSV rows; the same file again changes nothing and a later file
# extends what is held; each import check refuses a file crafted to cross
# its threshold, naming the check, and leaves the store as it was (compared
# with sqlite3 .dump).
set -euo pipefail
source "$(dirname "$0")/harness.sh"

"$IDREG" eir sample --out "$WORK/a" --operators 2 --months 2 --subscribers 200 --seed 7
"$IDREG" eir sample --out "$WORK/b" --operators 2 --months 2 --subscribers 200 --seed 7
"$IDREG" eir sample --out "$WORK/c" --operators 2 --months 2 --subscribers 200 --seed 8
diff -r "$WORK/a" "$WORK/b" >/dev/null || fail "same seed, other files"; pass
if diff -rq "$WORK/a" "$WORK/c" >/dev/null; then fail "another seed wrote the same files"; else pass; fi
expect_eq "$(ls "$WORK/a" | grep -c '^operator-op[12]-2026-0[12]\.csv$')" 4 "operator files"

# Every 15-digit IMEI of a home subscriber that is not planted has a right
# Luhn check digit (computed here digit by digit) and a TAC of tac.csv.
bad=$(awk -F, 'NR == FNR { if (FNR > 1) tac[$1] = 1; next }
  FNR == 1 { next }
  FILENAME ~ /ground_truth/ { planted[$1] = 1; next }
  length($2) == 15 && $2 ~ /^[0-9]+$/ && !(substr($2, 1, 14) in planted) {
    s = 0
    for (i = 1; i <= 14; i++) { d = substr($2, i, 1) + 0; if (i % 2 == 0) { d *= 2; if (d > 9) d -= 9 } s += d }
    if ((10 - s % 10) % 10 != substr($2, 15, 1) + 0 || !(substr($2, 1, 8) in tac)) n++
  }
  END { print n + 0 }' "$WORK/a/tac.csv" "$WORK/a/ground_truth.csv" "$WORK/a"/operator-*.csv)
expect_eq "$bad" 0 "IMEIs with a wrong check digit or TAC"
# Each planted anomaly but the malformed ones appears in the operator files.
missing=$(awk -F, 'FILENAME ~ /ground_truth/ { if (FNR > 1) want[$1] = $2; next }
  FNR > 1 { seen[substr($2, 1, 14)] = 1; seen[$2] = 1 }
  END { for (i in want) if (!(i in seen)) n++; print n + 0 }' "$WORK/a/ground_truth.csv" "$WORK/a"/operator-*.csv)
expect_eq "$missing" 0 "planted IMEIs never seen"
expect_eq "$(awk -F, '$3 == "op1"' "$WORK/a/ground_truth.csv" | wc -l)" 15 "anomalies planted per operator"
clones=$(awk -F, 'FILENAME ~ /ground_truth/ { if ($2 == "duplicate") clone[$1] = 1; next }
  FNR > 1 && (substr($2, 1, 14) in clone) { imsis[substr($2, 1, 14) " " $3] = 1 }
  END { for (k in imsis) { split(k, p, " "); n[p[1]]++ } for (c in n) if (n[c] < 3) bad++; print bad + 0 }' \
  "$WORK/a/ground_truth.csv" "$WORK/a"/operator-*.csv)
expect_eq "$clones" 0 "clones with fewer than 3 IMSIs"
roamers=$(awk -F, 'FNR > 1 && $3 !~ /^639/' "$WORK/a"/operator-*.csv | wc -l)
[ "$roamers" -gt 0 ] && pass || fail "no roamers"

run_fails 2 eir sample --out "$WORK/d" --operators 0
run_fails 2 eir sample

# ---- import the whole sample ----
S="$WORK/a"
DB="$WORK/eir.db"
run_ok --db "$DB" init
for kind in tac stolen registered pairings golden; do
  run_ok --db "$DB" eir import "$kind" "$S/$kind.csv"
done
run_ok --db "$DB" eir import barred "$S/barred_tacs.csv"
for f in "$S"/operator-op*.csv; do
  op=$(basename "$f" | cut -d- -f2)
  run_ok --db "$DB" eir import operator "$f" --operator "$op"
done
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM eir_tac")" 120 "TACs held"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM eir_list WHERE list = 'registered'")" \
  "$(tail -n +2 "$S/registered.csv" | sort -u | wc -l)" "registered IMEIs held"
expect_eq "$(sqlite3 "$DB" "SELECT item || ',' || date FROM eir_list WHERE list = 'stolen' ORDER BY 1")" \
  "$(tail -n +2 "$S/stolen.csv" | cut -c1-14,16- | sort)" "stolen IMEIs (normalized) and dates"

# ---- observations against awk over the CSV rows ----
# The key: operator, month, the IMEI normalized as docs/eir-formats.md says
# (14 to 16 digits: the first 14; 8 to 13: zeros in front; else as given),
# IMSI, MSISDN without '+'; then first and last day and the days as a mask.
awk -F, 'FNR == 1 { split(FILENAME, p, "/"); split(p[length(p)], q, "-"); op = q[2]; next }
  $2 == "" { next }
  {
    imei = $2
    if (imei ~ /^[0-9]+$/ && length(imei) >= 8 && length(imei) <= 16) {
      if (length(imei) >= 14) imei = substr(imei, 1, 14)
      else while (length(imei) < 14) imei = "0" imei
    }
    msisdn = $4; sub(/^\+/, "", msisdn)
    k = op "|" substr($1, 1, 7) "|" imei "|" $3 "|" msisdn
    if (!(k in first) || $1 < first[k]) first[k] = $1
    if (!(k in last) || $1 > last[k]) last[k] = $1
    d = substr($1, 9, 2) + 0
    if (!((k, d) in seen)) { seen[k, d] = 1; mask[k] += 2 ^ (d - 1) }
  }
  END { for (k in first) printf "%s|%s|%s|%d\n", k, first[k], last[k], mask[k] }' \
  "$S"/operator-op*.csv | sort >"$WORK/awk.obs"
sqlite3 "$DB" "SELECT operator, month, imei, imsi, msisdn, first_seen, last_seen, days FROM eir_observation" |
  sort >"$WORK/db.obs"
diff "$WORK/awk.obs" "$WORK/db.obs" >"$WORK/obs.diff" || fail "observations differ from awk: $(head -5 "$WORK/obs.diff")"
pass
expect_eq "$(wc -l <"$WORK/db.obs")" "$(wc -l <"$WORK/awk.obs")" "observations"

dump() { sqlite3 "$1" .dump | md5sum; }
# The same file again: nothing changes.
before=$(dump "$DB")
run_ok --db "$DB" eir import operator "$S/operator-op1-2026-02.csv" --operator op1
run_ok --db "$DB" eir import registered "$S/registered.csv"
expect_eq "$(dump "$DB")" "$before" "store after importing the same files again"

# A month in two files: the same observations as the month in one.
one="$S/operator-op2-2026-01.csv"
head -1 "$one" >"$WORK/first.csv"; awk -F, 'NR > 1 && $1 <= "2026-01-15"' "$one" >>"$WORK/first.csv"
head -1 "$one" >"$WORK/second.csv"; awk -F, 'NR > 1 && $1 > "2026-01-15"' "$one" >>"$WORK/second.csv"
run_ok --db "$WORK/split.db" init
run_ok --db "$WORK/split.db" eir import operator "$WORK/first.csv" --operator op2
run_ok --db "$WORK/split.db" eir import operator "$WORK/second.csv" --operator op2
run_ok --db "$WORK/whole.db" init
run_ok --db "$WORK/whole.db" eir import operator "$one" --operator op2
obs() { sqlite3 "$1" "SELECT * FROM eir_observation ORDER BY 1, 2, 3, 4, 5" | md5sum; }
expect_eq "$(obs "$WORK/split.db")" "$(obs "$WORK/whole.db")" "a month imported in two halves"
expect_match "$(sqlite3 "$WORK/split.db" "SELECT max(last_seen) FROM eir_observation")" '^2026-01-31$' "last seen extended"

# ---- each check refuses a file over its threshold, and changes nothing ----
# refused NAME FILE PATTERN: importing FILE as op1 fails naming the check.
refused() {
  local before
  before=$(dump "$DB")
  run_fails 1 --db "$DB" eir import operator "$2" --operator op1
  expect_match "$ERR" "$3" "$1: the report"
  expect_eq "$(dump "$DB")" "$before" "$1: store unchanged"
}
base="$S/operator-op1-2026-02.csv"
# craft NAME AWK-ACTION: every fifth row (20%) changed by AWK-ACTION.
craft() {
  awk -F, -v OFS=, "NR > 1 && NR % 5 == 0 { $2 } { print }" "$base" >"$WORK/$1.csv"
}
craft null_imei '$2 = ""';              refused "empty IMEIs" "$WORK/null_imei.csv" 'empty IMEI: [12][0-9]\.[0-9]% of rows \([0-9]+\), at most 5\.0%'
craft null_imsi '$3 = ""';              refused "empty IMSIs" "$WORK/null_imsi.csv" 'empty IMSI: [12][0-9]\.[0-9]%'
craft null_msisdn '$4 = ""';            refused "empty MSISDNs" "$WORK/null_msisdn.csv" 'empty MSISDN: [12][0-9]\.[0-9]%'
craft non_numeric '$2 = "35A" $2';      refused "non-numeric IMEIs" "$WORK/non_numeric.csv" 'IMEI with a non-digit: [12][0-9]\.[0-9]%.*at most 1\.0%'
craft too_long '$2 = $2 "1234"';        refused "IMEIs too long" "$WORK/too_long.csv" 'IMEI over 16 digits: [12][0-9]\.[0-9]%'
craft zeros '$2 = substr($2, 2, 13)';   refused "leading zeros lost" "$WORK/zeros.csv" 'IMEI that lost leading zeros: [12][0-9]\.[0-9]%'
craft imsi '$3 = "310260" substr($3, 7)'; refused "foreign IMSIs" "$WORK/imsi.csv" 'IMSI not of a home MCC: [12][0-9]\.[0-9]%.*at most 10\.0%'
craft msisdn '$4 = "+1202" substr($4, 4)'; refused "foreign MSISDNs" "$WORK/msisdn.csv" 'MSISDN not of a home country code: [12][0-9]\.[0-9]%'
# Just under a threshold passes: one empty IMEI in 25 rows is 4% (limit 5%).
awk -F, -v OFS=, 'NR == 1 || (NR <= 26) { if (NR == 2) $2 = ""; print }' "$base" >"$WORK/under.csv"
run_ok --db "$WORK/under.db" init
run_ok --db "$WORK/under.db" eir import operator "$WORK/under.csv" --operator op1
# Volume: a third of a month's rows after a full month is 67% off (limit 50%).
awk 'NR == 1 || NR % 3 == 0' "$base" >"$WORK/thin.csv"
sed 's/^2026-02-/2026-04-/' "$WORK/thin.csv" | awk -F, '$1 !~ /^2026-04-(29|30)/' >"$WORK/thin_april.csv"
refused "volume" "$WORK/thin_april.csv" 'volume: [0-9.]+ rows a day, 6[0-9]% from the mean [0-9.]+ of 2 earlier files, at most 50%'
# A later month of the same size passes the volume check.
sed 's/^2026-02-/2026-04-/' "$base" | awk -F, '$1 !~ /^2026-04-(29|30)/' >"$WORK/april.csv"
run_ok --db "$DB" eir import operator "$WORK/april.csv" --operator op1

# ---- lines that break the format: file and line ----
line_error() {
  local before
  before=$(dump "$DB")
  run_fails 1 --db "$DB" eir import "$1" "$2" ${3:+--operator op1}
  expect_match "$ERR" "$4" "$5"
  expect_eq "$(dump "$DB")" "$before" "$5: store unchanged"
}
printf 'date,imei,imsi,msisdn,rat\n2026-02-01,352099001761481,639010000000001,254700000001,4G\n2026-02-30,352099001761481,639010000000001,254700000001,4G\n' >"$WORK/date.csv"
line_error operator "$WORK/date.csv" op 'date.csv: line 3: date .2026-02-30. is not a date' "bad date"
printf 'date,imei,imsi,msisdn,rat\n2026-02-01,352099001761481,639010000000001,254700000001,6G\n' >"$WORK/rat.csv"
line_error operator "$WORK/rat.csv" op 'rat.csv: line 2: rat .6G. is not 2G, 3G, 4G or 5G' "bad rat"
printf 'date,imei,imsi,rat\n' >"$WORK/header.csv"
line_error operator "$WORK/header.csv" op 'header.csv: line 1: no column msisdn' "missing column"
printf 'date,imei,imsi,msisdn,rat\n2026-02-01,%s,639010000000001,254700000001,4G\n' "$(printf '1%.0s' $(seq 70))" >"$WORK/long.csv"
line_error operator "$WORK/long.csv" op 'long.csv: line 2: field 2 longer than 64 bytes' "long field"
printf 'imei,reported_date\n352099001761481,2026-01-01\n352099001761480,2026-01-02\n' >"$WORK/stolen_bad.csv"
line_error stolen "$WORK/stolen_bad.csv" "" 'stolen_bad.csv: line 3: imei .352099001761480. is not an IMEI: 15 digits whose last is not the Luhn check digit' "bad check digit in a list"
printf 'tac,manufacturer,model,radio,allocation_date,device_type\n3520990,A,B,2G,2020-01-01,Smartphone\n' >"$WORK/tac_bad.csv"
line_error tac "$WORK/tac_bad.csv" "" 'tac_bad.csv: line 2: tac .3520990. is not 8 digits' "short TAC"
printf 'date,imei,imsi,msisdn,rat\n2026-02-01,352099001761481,639010000000001,254700000001,4G\n2026-02-02,\0\0\0\00135A,,,5G\n' >"$WORK/nul.csv"
line_error operator "$WORK/nul.csv" op 'nul.csv: line 3: NUL byte in a field' "a NUL byte (an IMEI that would read as empty)"

# ---- a list delta ----
gone=$(sed -n 2p "$S/registered.csv")
printf 'imei,change\n%s,remove\n35209900176148,add\n' "$gone" >"$WORK/delta.csv"
held=$(sqlite3 "$DB" "SELECT count(*) FROM eir_list WHERE list = 'registered'")
run_ok --db "$DB" eir import registered "$WORK/delta.csv"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM eir_list WHERE list = 'registered'")" "$held" "registered after a delta of one out, one in"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM eir_list WHERE list = 'registered' AND item = '$gone'")" 0 "the IMEI removed"
run_fails 2 --db "$DB" eir import operator "$base"
done_checks
