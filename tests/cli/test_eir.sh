#!/usr/bin/env bash
# idreg eir: the sample generator writes the same files for a seed and
# others for another; its operator files hold valid rows (Luhn IMEIs of the
# TAC database, home and roaming IMSIs) and the anomalies its ground truth
# names, counted here with awk over the files.
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
expect_eq "$(awk -F, '$3 == "op1"' "$WORK/a/ground_truth.csv" | wc -l)" 13 "anomalies planted per operator"
clones=$(awk -F, 'FILENAME ~ /ground_truth/ { if ($2 == "duplicate") clone[$1] = 1; next }
  FNR > 1 && (substr($2, 1, 14) in clone) { imsis[substr($2, 1, 14) " " $3] = 1 }
  END { for (k in imsis) { split(k, p, " "); n[p[1]]++ } for (c in n) if (n[c] < 3) bad++; print bad + 0 }' \
  "$WORK/a/ground_truth.csv" "$WORK/a"/operator-*.csv)
expect_eq "$clones" 0 "clones with fewer than 3 IMSIs"
roamers=$(awk -F, 'FNR > 1 && $3 !~ /^639/' "$WORK/a"/operator-*.csv | wc -l)
[ "$roamers" -gt 0 ] && pass || fail "no roamers"

run_fails 2 eir sample --out "$WORK/d" --operators 0
run_fails 2 eir sample
done_checks
