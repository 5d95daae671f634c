#!/usr/bin/env bash
# idreg eir lists: on a sample imported whole, with classification rows
# inserted here with sqlite3 (each planted anomaly of ground_truth.csv met
# from its day, with a grace period per condition; a golden IMEI and a
# paired one among them; a period already closed), the block list, the
# notification lists and the exception lists equal what SQL queries over
# the same tables say they must be; a second run after changes writes
# delta files equal to an awk comparison of the two runs' lists; a run
# whose writing fails (a file-size limit) leaves the previous lists and
# DIR/current as they were; bad settings and a missing run are refused.
set -euo pipefail
source "$(dirname "$0")/harness.sh"

S="$WORK/sample"
DB="$WORK/eir.db"
L="$WORK/lists"
D=2026-02-10
CONF="$WORK/idreg.conf"
printf '[eir]\noperators = op1:639-01 op2:639-02,639-09\n' >"$CONF"

"$IDREG" eir sample --out "$S" --operators 2 --months 2 --subscribers 300 --seed 5 >/dev/null
run_ok --db "$DB" init
for kind in tac stolen registered pairings golden; do
  run_ok --db "$DB" eir import "$kind" "$S/$kind.csv"
done
run_ok --db "$DB" eir import barred "$S/barred_tacs.csv"
for f in "$S"/operator-op*.csv; do
  op=$(basename "$f" | cut -d- -f2)
  run_ok --db "$DB" eir import operator "$f" --operator "$op"
done

# No classification run yet and no --date: refused.
run_fails 1 -c "$CONF" --db "$DB" eir lists --out "$L"
expect_match "$ERR" "no classification run" "lists without a run"
[ ! -e "$L/current" ] && pass || fail "a refused run wrote lists"

# Classification rows: each planted anomaly from its day; stolen blocks at
# once, rat_unsupported only informs, unknown TACs and unregistered devices
# block after 20 days (after the day), the others after 10 (before it).  A
# golden IMEI stolen long ago, a paired IMEI cloned with a block date to
# come, and a closed period (not met on the day).
golden=$(sqlite3 "$DB" "SELECT item FROM eir_list WHERE list = 'golden' ORDER BY item LIMIT 1")
paired=$(sqlite3 "$DB" "SELECT item FROM eir_list WHERE list = 'pairings' AND item IN
  (SELECT imei FROM eir_observation) ORDER BY item LIMIT 1")
[ -n "$golden" ] && [ -n "$paired" ] && pass || fail "sample without golden or paired IMEIs"
sqlite3 "$DB" <<SQL
.mode csv
CREATE TEMP TABLE truth (imei TEXT, anomaly TEXT, operator TEXT, date TEXT);
.import --skip 1 $S/ground_truth.csv truth
INSERT INTO eir_class_run (run_date, started_at, finished_at, conditions, imeis, matched)
  VALUES ('$D', '2026-02-10T01:00:00Z', '2026-02-10T01:01:00Z', 'test', 0, 0);
INSERT OR IGNORE INTO eir_class (imei, condition, start_date, end_date, block_date, blocking, run_id)
  SELECT imei, anomaly, min(date), '',
         CASE anomaly WHEN 'rat_unsupported' THEN ''
                      WHEN 'stolen' THEN min(date)
                      WHEN 'unknown_tac' THEN date(min(date), '+20 days')
                      WHEN 'not_registered' THEN date(min(date), '+20 days')
                      ELSE date(min(date), '+10 days') END,
         anomaly <> 'rat_unsupported', 1
  FROM truth GROUP BY imei, anomaly;
INSERT INTO eir_class VALUES ('$golden', 'stolen', '2026-01-03', '', '2026-01-03', 1, 1);
INSERT INTO eir_class VALUES ('$paired', 'duplicate', '2026-02-01', '', '2026-03-01', 1, 1);
INSERT INTO eir_class VALUES ('$paired', 'transient', '2026-02-01', '', '', 0, 1);
SQL
closed=$(sqlite3 "$DB" "SELECT imei FROM eir_observation WHERE imei NOT IN (SELECT imei FROM eir_class)
  ORDER BY imei LIMIT 1 OFFSET 7")
sqlite3 "$DB" "INSERT INTO eir_class VALUES ('$closed', 'duplicate', '2026-01-02', '2026-02-01', '2026-01-20', 1, 1)"

# What the lists must hold, by SQL: the conditions met on the day per IMEI,
# the earliest block date of its blocking ones, golden IMEIs left out.
state_sql="WITH met AS (SELECT * FROM eir_class WHERE start_date <= '$D'
                          AND (end_date = '' OR end_date > '$D')),
  st AS (SELECT imei,
           min(CASE WHEN blocking = 1 AND block_date <> '' THEN block_date END) AS bd,
           (SELECT group_concat(condition, '|') FROM
              (SELECT DISTINCT condition FROM met m2 WHERE m2.imei = met.imei ORDER BY condition))
             AS reasons
         FROM met GROUP BY imei),
  due AS (SELECT * FROM st WHERE bd IS NOT NULL
            AND imei NOT IN (SELECT item FROM eir_list WHERE list = 'golden'))"
expected_blocklist() {
  sqlite3 -csv "$DB" "$state_sql SELECT imei, bd, reasons FROM due WHERE bd <= '$D' ORDER BY imei"
}
# expected_notifications NETWORK-CONDITION
expected_notifications() {
  sqlite3 -csv "$DB" "$state_sql SELECT DISTINCT due.imei, o.imsi, o.msisdn, bd, reasons
    FROM due JOIN eir_observation o ON o.imei = due.imei
    WHERE bd > '$D' AND o.first_seen <= '$D' AND ($1)
      AND NOT EXISTS (SELECT 1 FROM eir_list p WHERE p.list = 'pairings' AND p.item = due.imei
                        AND p.imsi = o.imsi)
    ORDER BY 1, 2, 3"
}
expected_exceptions() {
  sqlite3 -csv "$DB" "SELECT item, imsi FROM eir_list WHERE list = 'pairings' AND ($1) ORDER BY 1, 2"
}
OP1="substr(o.imsi, 1, 5) = '63901'"
OP2="substr(o.imsi, 1, 5) IN ('63902', '63909')"
rows_of() { tail -n +2 "$1"; }

# ---- first run ----
run_ok -c "$CONF" --db "$DB" eir lists --out "$L"
expect_match "$OUT" "lists as of $D in .*/run-000001" "first run: date and directory"
expect_eq "$(readlink "$L/current")" run-000001 "current points to the first run"
C="$L/current"
expect_eq "$(head -n 1 "$C/blocklist.csv")" "imei,block_date,reasons" "block list header"
expect_eq "$(rows_of "$C/blocklist.csv")" "$(expected_blocklist)" "block list"
n_block=$(rows_of "$C/blocklist.csv" | wc -l)
[ "$n_block" -ge 10 ] && pass || fail "block list of $n_block rows: too few to say much"
expect_eq "$(grep -c "^$golden," "$C/blocklist.csv" || true)" 0 "golden IMEI not blocked"
expect_eq "$(grep -c "^$closed," "$C/blocklist.csv" || true)" 0 "closed period not blocked"
# Stolen devices planted before the day are all there (independently of SQL: awk on the truth).
stolen=$(awk -F, -v d="$D" 'FNR > 1 && $2 == "stolen" && $4 <= d { print $1 }' "$S/ground_truth.csv" | sort -u)
for imei in $stolen; do
  expect_match "$(grep "^$imei," "$C/blocklist.csv")" "stolen" "stolen $imei blocked"
done
expect_eq "$(rows_of "$C/notifications-op1.csv")" "$(expected_notifications "$OP1")" "op1 notifications"
expect_eq "$(rows_of "$C/notifications-op2.csv")" "$(expected_notifications "$OP2")" "op2 notifications"
n_notes=$(cat "$C"/notifications-op*.csv | grep -vc '^imei,' || true)
[ "$n_notes" -ge 3 ] && pass || fail "notification lists of $n_notes rows: too few"
expect_eq "$(awk -F, 'FNR > 1 && $2 !~ /^63901/' "$C/notifications-op1.csv" | wc -l)" 0 \
  "op1 notifications: only op1 IMSIs"
expect_eq "$(cut -d, -f1,2 "$C"/notifications-op*.csv | grep -c "^$paired,$(sqlite3 "$DB" \
  "SELECT imsi FROM eir_list WHERE list = 'pairings' AND item = '$paired'")" || true)" 0 \
  "paired subscriber not notified"
expect_eq "$(rows_of "$C/exceptions-op1.csv")" "$(expected_exceptions "substr(imsi, 1, 5) = '63901'")" \
  "op1 exceptions"
expect_eq "$(rows_of "$C/exceptions-op2.csv")" \
  "$(expected_exceptions "substr(imsi, 1, 5) IN ('63902', '63909')")" "op2 exceptions"
# The first run's deltas add every row.
for f in "$C"/*-delta.csv; do
  list=${f%-delta.csv}.csv
  expect_eq "$(rows_of "$f" | sed 's/,add$//')" "$(rows_of "$list")" "$(basename "$f"): all added"
done

# ---- second run after changes ----
cp -r "$L/run-000001" "$WORK/run1"
blocked=$(rows_of "$C/blocklist.csv" | cut -d, -f1)
ended=$(sed -n 2p <<<"$blocked")
changed=$(sed -n 4p <<<"$blocked")
added=$(sqlite3 "$DB" "SELECT imei FROM eir_observation WHERE substr(imsi, 1, 5) = '63901'
  AND imei NOT IN (SELECT imei FROM eir_class)
  AND imei NOT IN (SELECT item FROM eir_list WHERE list IN ('golden', 'pairings'))
  ORDER BY imei LIMIT 1")
soon=$(sqlite3 "$DB" "SELECT imei FROM eir_observation WHERE substr(imsi, 1, 5) = '63901'
  AND imei NOT IN (SELECT imei FROM eir_class)
  AND imei NOT IN (SELECT item FROM eir_list WHERE list IN ('golden', 'pairings'))
  ORDER BY imei LIMIT 1 OFFSET 3")
[ -n "$added" ] && [ -n "$soon" ] && [ -n "$changed" ] && pass || fail "no IMEIs to change"
sqlite3 "$DB" <<SQL
UPDATE eir_class SET end_date = '$D' WHERE imei = '$ended';
INSERT INTO eir_class VALUES ('$changed', 'transient', '2026-02-05', '', '', 0, 1);
INSERT INTO eir_class VALUES ('$added', 'duplicate', '2026-01-05', '', '2026-01-25', 1, 1);
INSERT INTO eir_class VALUES ('$soon', 'not_registered', '2026-02-05', '', '2026-04-05', 1, 1);
SQL
run_ok -c "$CONF" --db "$DB" eir lists --out "$L"
expect_eq "$(readlink "$L/current")" run-000002 "current points to the second run"
expect_eq "$(rows_of "$C/blocklist.csv")" "$(expected_blocklist)" "second block list"
expect_eq "$(rows_of "$C/notifications-op1.csv")" "$(expected_notifications "$OP1")" \
  "second op1 notifications"
# delta_of OLD NEW KEYS: added, removed (as it was) and changed (as it is)
# rows, by awk, sorted.
delta_of() {
  awk -F, -v keys="$3" '
    function key(   k, i) { k = $1; for (i = 2; i <= keys; i++) k = k "," $i; return k }
    FNR == 1 { next }
    NR == FNR { old[key()] = $0; next }
    { k = key(); new[k] = $0
      if (!(k in old)) print $0 ",add"; else if (old[k] != $0) print $0 ",change" }
    END { for (k in old) if (!(k in new)) print old[k] ",remove" }' "$1" "$2" | LC_ALL=C sort
}
expect_eq "$(rows_of "$C/blocklist-delta.csv" | LC_ALL=C sort)" \
  "$(delta_of "$WORK/run1/blocklist.csv" "$C/blocklist.csv" 1)" "block list delta"
expect_match "$(cat "$C/blocklist-delta.csv")" "^$ended,.*,remove$" "ended IMEI removed"
expect_match "$(cat "$C/blocklist-delta.csv")" "^$changed,.*transient,change$" "changed IMEI changed"
expect_match "$(cat "$C/blocklist-delta.csv")" "^$added,2026-01-25,duplicate,add$" "new IMEI added"
for op in op1 op2; do
  expect_eq "$(rows_of "$C/notifications-$op-delta.csv" | LC_ALL=C sort)" \
    "$(delta_of "$WORK/run1/notifications-$op.csv" "$C/notifications-$op.csv" 3)" \
    "$op notifications delta"
  expect_eq "$(rows_of "$C/exceptions-$op-delta.csv")" "" "$op exceptions unchanged"
done
expect_match "$(cat "$C/notifications-op1-delta.csv")" "^$soon,63901[0-9]*,[0-9]+,2026-04-05,not_registered,add$" \
  "a subscriber of an IMEI to be blocked notified"
# The first run's files are untouched.
diff -r "$WORK/run1" "$L/run-000001" >/dev/null && pass || fail "the first run's files changed"

# ---- a run that fails half-way leaves the previous lists ----
sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
  INSERT INTO eir_class SELECT printf('35%012d', i), 'stolen', '2026-01-01', '', '2026-01-02', 1, 1 FROM n"
cp -r "$L/run-000002" "$WORK/run2"
status=0
(trap '' XFSZ; ulimit -f 64; "$IDREG" -c "$CONF" --db "$DB" eir lists --out "$L") \
  >"$WORK/out" 2>"$WORK/err" || status=$?
expect_eq "$status" 1 "a run over the file-size limit fails"
expect_match "$(cat "$WORK/err")" "cannot write .*blocklist.csv: File too large" "its message"
expect_eq "$(readlink "$L/current")" run-000002 "current still points to the previous run"
diff -r "$WORK/run2" "$L/current" >/dev/null && pass || fail "the previous lists changed"
expect_eq "$(ls -A "$L" | LC_ALL=C sort | tr '\n' ' ')" "current run-000001 run-000002 " \
  "nothing left of the failed run"
# Without the limit the same run goes through.
run_ok -c "$CONF" --db "$DB" eir lists --out "$L"
expect_eq "$(readlink "$L/current")" run-000003 "the next run"
expect_eq "$(rows_of "$C/blocklist.csv")" "$(expected_blocklist)" "third block list"

# ---- bad settings ----
for bad in "op1:63901" "op1:639-01 op1:639-02" "op1:639-01 op2:639-01" "o/p:639-01" "op1:639-1"; do
  printf '[eir]\noperators = %s\n' "$bad" >"$WORK/bad.conf"
  run_fails 1 -c "$WORK/bad.conf" --db "$DB" eir lists --out "$L"
  expect_match "$ERR" "eir.operators" "operators '$bad' refused"
done
run_fails 1 -c "$CONF" --db "$DB" eir lists --out "$L" --date 2026-02-30
run_fails 2 -c "$CONF" --db "$DB" eir lists
expect_eq "$(readlink "$L/current")" run-000003 "refused runs changed nothing"

done_checks
