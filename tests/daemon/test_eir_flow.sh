#!/usr/bin/env bash
# The equipment identity register from end to end, each step the real
# program: a sample written by idreg eir sample, imported, classified at the
# end of each of its two months (as a register runs it), the lists written,
# and idregd's check asked about the same IMEIs.  The pieces must agree with each other and with the
# sample's ground truth:
#  - every IMEI of blocklist.csv is black over the check API, with the same
#    block date and reasons;
#  - the stolen and cloned IMEIs planted in the first month are on the
#    block list (grace 0 here; a clone stays one, sticky, after its use
#    ends);
#  - the unregistered ones (grace ten years here) are not: the check says
#    grey with that block date, and their subscribers are on the
#    notification list of the operator whose network their IMSI is of;
#  - an IMEI that meets no condition is white.
source "$(dirname "$0")/harness_daemon.sh"
export TZ=UTC

S="$WORK/sample"
DB="$WORK/eir.db"
CONF="$WORK/idreg.conf"
LISTS="$WORK/lists"
RUN=2026-02-28
"$IDREG" eir sample --out "$S" --operators 2 --months 2 --subscribers 200 --seed 5 >/dev/null
cat >"$CONF" <<EOF
[eir]
operators = op1:639-01 op2:639-02
stolen_grace_days = 0
duplicate_grace_days = 0
not_registered_grace_days = 3650
EOF
idreg_ok -c "$CONF" --db "$DB" init
for kind in tac stolen registered pairings golden; do
  idreg_ok -c "$CONF" --db "$DB" eir import "$kind" "$S/$kind.csv"
done
idreg_ok -c "$CONF" --db "$DB" eir import barred "$S/barred_tacs.csv"
for f in "$S"/operator-op*.csv; do
  idreg_ok -c "$CONF" --db "$DB" eir import operator "$f" --operator "$(basename "$f" | cut -d- -f2)"
done
idreg_ok -c "$CONF" --db "$DB" eir classify --date 2026-01-31
idreg_ok -c "$CONF" --db "$DB" eir classify --date "$RUN"
idreg_ok -c "$CONF" --db "$DB" eir lists --out "$LISTS"
start_daemon flow -c "$CONF" -o ratelimit.per_second=0

# ask FILE IMEI...: the check's answer for each IMEI, one line each
# "imei status blockDate reasons" (reasons joined by '|'), by Python's json.
ask() {
  local out=$1
  shift
  "$PY" - "$BASE" "$@" >"$out" <<'PY'
import json, sys, urllib.request
base, imeis = sys.argv[1], sys.argv[2:]
for i in range(0, len(imeis), 1000):
    chunk = imeis[i:i + 1000]
    body = json.dumps({"imeis": [{"imei": x} for x in chunk]}).encode()
    req = urllib.request.Request(base + "/eir/v1/imei", body, {"Content-Type": "application/json"})
    for x, r in zip(chunk, json.load(urllib.request.urlopen(req))["results"]):
        print(x, r["status"], r["blockDate"] or "-", "|".join(r["reasons"]) or "-")
PY
}

# ---- the block list, as the check sees it ----
blocked=$(tail -n +2 "$LISTS/current/blocklist.csv" | cut -d, -f1)
[ -n "$blocked" ] || fail "the block list is empty"
# shellcheck disable=SC2086
ask "$WORK/blocked.out" $blocked
expect_eq "$(cat "$WORK/blocked.out")" \
  "$(tail -n +2 "$LISTS/current/blocklist.csv" | awk -F, '{ print $1, "black", $2, $3 }')" \
  "every IMEI of the block list is black with its block date and reasons"

# ---- the ground truth: planted in the first month ----
planted() { awk -F, -v a="$1" '$2 == a && $4 <= "2026-01-31" { print $1 }' "$S/ground_truth.csv" | sort -u; }
for anomaly in stolen duplicate; do
  missing=$(comm -23 <(planted "$anomaly") <(sort -u <<<"$blocked"))
  expect_eq "$missing" "" "every $anomaly IMEI planted in January is on the block list"
  [ -n "$(planted "$anomaly")" ] || fail "the sample planted no $anomaly IMEI in January"
done

unregistered=$(planted not_registered)
[ -n "$unregistered" ] || fail "the sample planted no unregistered IMEI in January"
expect_eq "$(comm -12 <(sort -u <<<"$blocked") <(echo "$unregistered"))" "" \
  "unregistered IMEIs, ten years' grace: not on the block list"
# shellcheck disable=SC2086
ask "$WORK/unregistered.out" $unregistered
while read -r imei status block reasons; do
  expect_eq "$status" grey "$imei: grey before its block date"
  expect_match "$reasons" "not_registered" "$imei: its reason"
  start=$(sqlite3 "$DB" "SELECT min(start_date) FROM eir_class WHERE imei = '$imei'
    AND condition = 'not_registered' AND end_date = ''")
  expect_eq "$block" "$(date -u -d "$start + 3650 days" +%F)" "$imei: block date, start + 3650 days"
  # Its subscribers, routed by their IMSI's network (MCC 639, MNC 0K: opK).
  while IFS='|' read -r imsi msisdn; do
    op="op$(( 10#${imsi:3:2} ))"
    expect_match "$(cat "$LISTS/current/notifications-$op.csv")" "^$imei,$imsi,$msisdn,$block," \
      "$imei with $imsi: on $op's notification list"
  done < <(sqlite3 "$DB" "SELECT DISTINCT imsi, msisdn FROM eir_observation WHERE imei = '$imei'
    AND (imsi LIKE '63901%' OR imsi LIKE '63902%')")
done <"$WORK/unregistered.out"

# ---- an IMEI that meets nothing ----
clean=$(sqlite3 "$DB" "SELECT imei FROM eir_observation WHERE length(imei) = 14
  AND imei NOT IN (SELECT imei FROM eir_class) ORDER BY imei LIMIT 1")
[ -n "$clean" ] || fail "no IMEI without a condition in the sample"
ask "$WORK/clean.out" "$clean"
expect_eq "$(cat "$WORK/clean.out")" "$clean white - -" "an IMEI without a condition is white"

stop_daemon
done_checks
