#!/usr/bin/env bash
# idreg eir classify over the whole sample, run at the end of each month:
# every planted anomaly of ground_truth.csv is found with its condition and
# nothing else is (roamers' unregistered devices are exempt); each period
# starts at the first run on or after the day the anomaly holds -- its day
# of use, or for a duplicate the day of its third IMSI and for a transient
# IMEI the day of its tenth MSISDN, counted here with awk over the operator
# files -- and its block date is that start plus the grace period set in
# the configuration (blocking) or empty (informative).  The same day again
# changes nothing; an earlier day is refused; a stolen entry removed by a
# delta ends its period at the next run while sticky duplicates stay; a
# condition over its safety cap refuses the run and leaves the store as it
# was (sqlite3 .dump); idreg eir show prints an IMEI's history.
set -euo pipefail
source "$(dirname "$0")/harness.sh"
export TZ=UTC

S="$WORK/s"
DB="$WORK/eir.db"
CONF="$WORK/idreg.conf"
"$IDREG" eir sample --out "$S" --operators 3 --months 3 --subscribers 300 --seed 11
# Grace periods, blocking or informative, and the thresholds, set here (not
# the defaults) so that the expectations below follow from this file.
cat >"$CONF" <<EOF
[store]
path = $DB
[eir]
malformed = blocking
malformed_grace_days = 11
unknown_tac = blocking
unknown_tac_grace_days = 12
test_imei = blocking
test_imei_grace_days = 13
barred_tac = blocking
barred_tac_grace_days = 0
duplicate = blocking
duplicate_grace_days = 45
duplicate_sticky = yes
duplicate_window_days = 30
duplicate_min_imsis = 3
stolen = blocking
stolen_grace_days = 1
stolen_sticky = no
not_registered = blocking
not_registered_grace_days = 90
rat_unsupported = informative
transient = informative
transient_sticky = no
transient_window_days = 30
transient_min_msisdns = 10
EOF
run_ok -c "$CONF" init
for kind in tac stolen registered pairings golden; do
  run_ok -c "$CONF" eir import "$kind" "$S/$kind.csv"
done
run_ok -c "$CONF" eir import barred "$S/barred_tacs.csv"
for f in "$S"/operator-op*.csv; do
  run_ok -c "$CONF" eir import operator "$f" --operator "$(basename "$f" | cut -d- -f2)"
done
RUNS="2026-01-31 2026-02-28 2026-03-31"
for d in $RUNS; do
  run_ok -c "$CONF" eir classify --date "$d"
  expect_match "$OUT" "^run [0-9]+ as of $d: " "run summary of $d"
done

# ---- what was found against the ground truth ----
found=$(sqlite3 "$DB" "SELECT DISTINCT imei || ',' || condition FROM eir_class" | sort)
truth=$(tail -n +2 "$S/ground_truth.csv" | cut -d, -f1,2 | sort -u)
expect_eq "$found" "$truth" "IMEIs and conditions found (left) against the planted ones"
[ "$(wc -l <<<"$truth")" -ge 45 ] && pass || fail "too few anomalies planted"

# The day each planted anomaly holds: the day of use it was planted, but for a
# duplicate the day of its 3rd distinct IMSI, for a transient IMEI that of its
# 10th distinct MSISDN (IMEIs normalized as docs/eir-formats.md says).
holds=$(awk -F, 'FILENAME ~ /ground_truth/ { if (FNR > 1) { want[$1 "," $2] = $4 } next }
  FNR == 1 { next }
  {
    imei = $2
    if (imei ~ /^[0-9]+$/ && length(imei) >= 14 && length(imei) <= 16) imei = substr(imei, 1, 14)
    rows[++n] = $1 "," imei "," $3 "," $4
  }
  END {
    asort(rows)   # by date first
    for (i = 1; i <= n; i++) {
      split(rows[i], r, ",")
      k = r[2] ",duplicate"
      if ((k in want) && !((k, r[3]) in imsi)) { imsi[k, r[3]] = 1; if (++imsis[k] == 3) at[k] = r[1] }
      k = r[2] ",transient"
      if ((k in want) && !((k, r[4]) in msisdn)) { msisdn[k, r[4]] = 1; if (++msisdns[k] == 10) at[k] = r[1] }
    }
    for (k in want) print k "," ((k in at) ? at[k] : want[k])
  }' "$S/ground_truth.csv" "$S"/operator-op*.csv | sort)
# Expected first period of each: the first run on or after that day, its block
# date start + grace (blocking) or empty (informative).
expected=$(awk -F, -v runs="$RUNS" '
  BEGIN {
    split(runs, run, " ")
    split("malformed 11 unknown_tac 12 test_imei 13 barred_tac 0 duplicate 45 stolen 1 not_registered 90", g, " ")
    for (i = 1; i in g; i += 2) grace[g[i]] = g[i + 1]
  }
  {
    start = ""
    for (i = 1; i in run; i++) if (run[i] >= $3) { start = run[i]; break }
    block = ""
    if ($2 in grace) {
      split(start, d, "-")
      block = strftime("%Y-%m-%d", mktime(d[1] " " d[2] " " d[3] " 12 0 0", 1) + grace[$2] * 86400, 1)
    }
    print $1 "," $2 "," start "," block
  }' <<<"$holds" | sort)
first=$(sqlite3 "$DB" "SELECT imei || ',' || condition || ',' || start_date || ',' || block_date
  FROM eir_class c WHERE start_date = (SELECT min(start_date) FROM eir_class
  WHERE imei = c.imei AND condition = c.condition)" | sort)
expect_eq "$first" "$expected" "first period and block date of each anomaly"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM eir_class WHERE blocking != (condition NOT IN
  ('rat_unsupported', 'transient'))")" 0 "rows blocking exactly when their condition is"

# Transient IMEIs stop holding once their MSISDNs leave the window: ended,
# not sticky; a planted one in January ended by the end of March.
ended=$(sqlite3 "$DB" "SELECT count(*) FROM eir_class WHERE condition = 'transient' AND end_date != ''")
expected_ended=$(awk -F, '$2 == "transient" && $3 <= "2026-02-28"' <<<"$holds" | wc -l)
expect_eq "$ended" "$expected_ended" "transient periods ended (MSISDNs out of the window)"

# ---- the same day again changes nothing; an earlier day is refused ----
before=$(sqlite3 "$DB" "SELECT * FROM eir_class ORDER BY 1, 2, 3")
run_ok -c "$CONF" eir classify --date 2026-03-31
expect_eq "$(sqlite3 "$DB" "SELECT * FROM eir_class ORDER BY 1, 2, 3")" "$before" "same day again"
expect_match "$OUT" "^stolen +blocking +[0-9]+ +0 +0$" "nothing new nor ended on the same day"
dump=$(sqlite3 "$DB" .dump)
run_fails 1 -c "$CONF" eir classify --date 2026-02-28
expect_match "$ERR" "a run as of 2026-03-31 is recorded" "earlier day refused"
expect_eq "$(sqlite3 "$DB" .dump)" "$dump" "store after a refused earlier day"

# ---- a stolen entry removed ends its period; sticky duplicates stay ----
gone=$(awk -F, 'NR == 2 { print substr($1, 1, 14) }' "$S/stolen.csv")
awk -F, 'NR == 1 { print $0 ",change" } NR == 2 { print $0 ",remove" }' "$S/stolen.csv" >"$WORK/stolen-delta.csv"
run_ok -c "$CONF" eir import stolen "$WORK/stolen-delta.csv"
run_ok -c "$CONF" eir classify --date 2026-04-30
expect_eq "$(sqlite3 "$DB" "SELECT imei || ',' || condition FROM eir_class WHERE end_date = '2026-04-30'")" \
  "$gone,stolen" "periods ended on 2026-04-30: the stolen entry removed only"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM eir_class WHERE condition = 'duplicate' AND end_date = ''")" \
  "$(grep -c ',duplicate,' "$S/ground_truth.csv")" "duplicates current though unseen in April (sticky)"
run_ok -c "$CONF" eir show "$gone"
expect_match "$OUT" "^class stolen start 2026-01-31|^class stolen start 2026-02-28|^class stolen start 2026-03-31" \
  "eir show: the stolen period"
expect_match "$OUT" "end 2026-04-30 block" "eir show: ended"
expect_match "$OUT" "^observation op[1-3] 2026-0[1-3] imsi " "eir show: observations"

# ---- the safety cap: over it, nothing is written ----
dump=$(sqlite3 "$DB" .dump)
cat "$CONF" - >"$WORK/capped.conf" <<EOF
not_registered_max_permille = 1
EOF
run_fails 1 -c "$WORK/capped.conf" eir classify --date 2026-05-31
expect_match "$ERR" "not_registered would match [0-9.]+% of the [0-9]+ IMEIs classified \([0-9]+\), more than its cap of 0.1%" \
  "cap refusal names the condition, its share and its cap"
expect_eq "$(sqlite3 "$DB" .dump)" "$dump" "store after a refusal by the cap"

run_fails 2 -c "$CONF" eir classify
run_fails 1 -c "$CONF" eir classify --date 2026-02-30
done_checks
