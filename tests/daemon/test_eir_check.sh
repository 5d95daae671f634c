#!/usr/bin/env bash
# The equipment identity register's real-time check in idregd: on a sample
# imported with the real idreg and classification rows inserted here with
# sqlite3, each IMEI's answer (status, reasons, block date, exemption)
# equals what a SQL query over the same rows says (black: a current
# blocking condition whose block date has passed, unless the IMEI is golden
# or paired with the IMSI asked about; grey: any other current condition;
# white: none), whether the IMEI is given with 14, 15 (check digit computed
# here) or 16 digits.  Malformed IMEIs and IMSIs are 400 with the reason; a
# batch is answered in order, with malformed items in place; 1,001 IMEIs
# and an oversized body are 413, a body that is no JSON 400; HEAD, wrong
# methods (405 with Allow), unknown paths (404); a reload after new rows
# changes the answer; the rate limit applies; eir.check = off leaves the
# paths to RDAP.
source "$(dirname "$0")/harness_daemon.sh"

DB="$WORK/eir.db"
S="$WORK/sample"
"$IDREG" eir sample --out "$S" --operators 1 --months 1 --subscribers 100 --seed 11 >/dev/null
idreg_ok --db "$DB" init
for kind in golden pairings; do
  idreg_ok --db "$DB" eir import "$kind" "$S/$kind.csv"
done
idreg_ok --db "$DB" eir import operator "$S/operator-op1-2026-01.csv" --operator op1

# The IMEIs asked about: picked from the observations, each given a story.
pick() { sqlite3 "$DB" "SELECT DISTINCT imei FROM eir_observation WHERE length(imei) = 14
  AND imei NOT IN (SELECT item FROM eir_list) ORDER BY imei LIMIT 1 OFFSET $1"; }
black=$(pick 0); future=$(pick 1); informative=$(pick 2); closed=$(pick 3); white=$(pick 4)
later=$(pick 5); mixed=$(pick 6)
golden=$(sqlite3 "$DB" "SELECT item FROM eir_list WHERE list = 'golden' ORDER BY item LIMIT 1")
read -r paired paired_imsi < <(sqlite3 -separator ' ' "$DB" \
  "SELECT item, imsi FROM eir_list WHERE list = 'pairings' ORDER BY item LIMIT 1")
other_imsi=639019999999999
for v in black future informative closed white later mixed golden paired paired_imsi; do
  [ -n "${!v}" ] || fail "no IMEI for '$v' in the sample"
done
pass
sqlite3 "$DB" <<SQL
INSERT INTO eir_class_run (run_date, started_at, finished_at, conditions, imeis, matched)
  VALUES ('2026-01-31', '2026-02-01T00:00:00Z', '2026-02-01T00:01:00Z', 'test', 0, 0);
INSERT INTO eir_class VALUES ('$black', 'duplicate', '2020-01-01', '', '2020-01-31', 1, 1);
INSERT INTO eir_class VALUES ('$black', 'transient', '2020-01-01', '', '', 0, 1);
INSERT INTO eir_class VALUES ('$future', 'stolen', '2026-01-10', '', '2099-01-01', 1, 1);
INSERT INTO eir_class VALUES ('$informative', 'rat_unsupported', '2026-01-10', '', '', 0, 1);
INSERT INTO eir_class VALUES ('$closed', 'duplicate', '2020-01-01', '2020-06-01', '2020-01-31', 1, 1);
INSERT INTO eir_class VALUES ('$golden', 'stolen', '2020-01-01', '', '2020-01-01', 1, 1);
INSERT INTO eir_class VALUES ('$paired', 'duplicate', '2020-01-01', '', '2020-02-01', 1, 1);
INSERT INTO eir_class VALUES ('$mixed', 'not_registered', '2026-01-10', '', '2099-03-01', 1, 1);
INSERT INTO eir_class VALUES ('$mixed', 'unknown_tac', '2020-01-10', '', '2020-02-01', 1, 1);
SQL

# expected IMEI14 IMSI: "status|reasons|blockDate|exemptedBy" from the rows, by SQL.
expected() {
  sqlite3 "$DB" "WITH cur AS (SELECT * FROM eir_class WHERE imei = '$1' AND end_date = ''),
    due AS (SELECT min(block_date) AS bd FROM cur WHERE blocking = 1 AND block_date <> ''),
    golden AS (SELECT count(*) AS g FROM eir_list WHERE list = 'golden' AND item = '$1'),
    paired AS (SELECT count(*) AS p FROM eir_list WHERE list = 'pairings' AND item = '$1'
               AND imsi = '$2')
    SELECT CASE WHEN (SELECT count(*) FROM cur) = 0 THEN 'white'
                WHEN bd IS NOT NULL AND bd <= date('now') AND g = 0 AND p = 0 THEN 'black'
                ELSE 'grey' END
      || '|' || coalesce((SELECT group_concat(condition, ',') FROM
                            (SELECT condition FROM cur ORDER BY condition)), '')
      || '|' || coalesce(bd, 'null')
      || '|' || CASE WHEN bd IS NULL OR bd > date('now') THEN 'null'
                     WHEN g > 0 THEN 'golden' WHEN p > 0 THEN 'pairing' ELSE 'null' END
    FROM due, golden, paired"
}

# fields FILE: "status|reasons|blockDate|exemptedBy" of one answer (or of
# each result of a batch, a line each), read with Python's json.
fields() {
  "$PY" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for r in doc["results"] if "results" in doc else [doc]:
    if "error" in r:
        print("error|" + r["error"]["description"][0]); continue
    print("|".join([r["status"], ",".join(r["reasons"]), r["blockDate"] or "null",
                    r["exemptedBy"] or "null"]))' "$1"
}
json_field() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# luhn IMEI14: the check digit (3GPP TS 23.003 Annex B), by awk.
luhn() {
  awk -v s="$1" 'BEGIN { t = 0; for (i = 1; i <= 14; i++) { d = substr(s, i, 1) + 0
    if (i % 2 == 0) { d *= 2; if (d > 9) d -= 9 } t += d } print (10 - t % 10) % 10 }'
}

start_daemon eir -o ratelimit.per_second=0

# expect_json STATUS WHAT: the last answer's status, JSON type, CORS.
expect_json() {
  expect_eq "$STATUS" "$1" "$2: status"
  expect_eq "$(header Content-Type)" "application/json" "$2: Content-Type"
  expect_eq "$(header Access-Control-Allow-Origin)" "*" "$2: CORS"
}
# expect_error STATUS REASON-REGEX WHAT: an RFC 9083 error body.
expect_error() {
  expect_json "$1" "$3"
  expect_eq "$(json_field "$BODY_FILE" errorCode)" "$1" "$3: errorCode"
  expect_match "$BODY" "\"description\":\[\"[^\"]*$2" "$3: reason"
}

# ---- one IMEI at a time, in every form ----
for v in black future informative closed white golden paired mixed; do
  imei=${!v}
  want=$(expected "$imei" "")
  for form in "$imei" "$imei$(luhn "$imei")" "${imei}07"; do
    rdap "eir/v1/imei/$form"
    expect_json 200 "$v as $form"
    expect_eq "$(fields "$BODY_FILE")" "$want" "$v as $form"
    expect_eq "$(json_field "$BODY_FILE" imei)" "$form" "$v: the IMEI as given"
    expect_eq "$(json_field "$BODY_FILE" normalized)" "$imei" "$v: normalized"
  done
done
# The expectations themselves say what the rows mean.
expect_eq "$(expected "$black" "" | cut -d'|' -f1)" black "black by SQL"
expect_eq "$(expected "$future" "" | cut -d'|' -f1)" grey "future block by SQL"
expect_eq "$(expected "$white" "" | cut -d'|' -f1)" white "white by SQL"
expect_eq "$(expected "$mixed" "" | cut -d'|' -f1,3)" "black|2020-02-01" "earliest block date by SQL"
# IMSIs: the paired subscriber is exempt, another is not.
for imsi in "$paired_imsi" "$other_imsi"; do
  rdap "eir/v1/imei/$paired?imsi=$imsi"
  expect_json 200 "paired IMEI with IMSI $imsi"
  expect_eq "$(fields "$BODY_FILE")" "$(expected "$paired" "$imsi")" "paired IMEI with IMSI $imsi"
  expect_eq "$(json_field "$BODY_FILE" imsi)" "$imsi" "the IMSI as given"
done
expect_eq "$(expected "$paired" "$paired_imsi" | cut -d'|' -f1,4)" "grey|pairing" "pairing by SQL"
expect_eq "$(expected "$golden" "" | cut -d'|' -f1,4)" "grey|golden" "golden by SQL"

# ---- malformed ----
rdap "eir/v1/imei/${black:0:5}AB${black:7}"
expect_error 400 "not a decimal digit" "IMEI with letters"
rdap "eir/v1/imei/$black$(( ($(luhn "$black") + 1) % 10 ))"
expect_error 400 "check digit" "wrong Luhn check digit"
rdap "eir/v1/imei/${black}0712"
expect_error 400 "more than 16 digits" "18 digits"
rdap "eir/v1/imei/12345"
expect_error 400 "fewer than 8 digits" "5 digits"
rdap "eir/v1/imei/${black:0:12}"
expect_error 400 "12 digits" "12 digits"
rdap "eir/v1/imei/$black?imsi=12a4567"
expect_error 400 "IMSI" "malformed IMSI"
rdap "eir/v1/imei/$black?msisdn=1"
expect_error 400 "unknown argument" "unknown argument"
rdap "eir/v1/imei/%00%ff"
expect_error 400 "" "NUL and a high byte"
rdap "eir/v1/other"
expect_error 404 "" "unknown check path"
rdap "eir/v1/imei/$black/more"
expect_error 404 "" "path below an IMEI"

# ---- methods ----
rdap "eir/v1/imei/$black"
get_length=$(wc -c <"$BODY_FILE")
rdap -I "eir/v1/imei/$black"
expect_json 200 "HEAD"
expect_eq "$(header Content-Length)" "$get_length" "HEAD: the length of the GET answer"
expect_no_match "$BODY" '[{}]' "HEAD: no body"
for m in PUT DELETE POST; do
  rdap -X "$m" "eir/v1/imei/$black"
  expect_error 405 "GET and HEAD" "$m on an IMEI"
  expect_eq "$(header Allow)" "GET, HEAD" "$m on an IMEI: Allow"
done
rdap "eir/v1/imei"
expect_error 405 "POST" "GET on the batch path"
expect_eq "$(header Allow)" "POST" "GET on the batch path: Allow"

# ---- batches ----
batch_of() { "$PY" -c 'import json, sys; print(json.dumps({"imeis": [
  dict(zip(("imei", "imsi"), a.split(":"))) for a in sys.argv[1:]]}))' "$@"; }
items=("$white" "$black$(luhn "$black")" "${future}01" "x$black" "$paired:$paired_imsi"
       "$paired:$other_imsi" "$golden" "$black:12")
batch_of "${items[@]}" >"$WORK/batch.json"
rdap -X POST --data-binary "@$WORK/batch.json" "eir/v1/imei"
expect_json 200 "batch"
want=$(for it in "${items[@]}"; do
  imei=${it%%:*}; imsi=""; [ "$it" != "$imei" ] && imsi=${it#*:}
  case "$imei" in
    x*) echo "error|IMEI: a character that is not a decimal digit (at offset 0)" ;;
    *) if [ "$imsi" = 12 ]; then echo "error|IMSI: not 6 to 15 decimal digits"
       else expected "${imei:0:14}" "$imsi"; fi ;;
  esac
done)
expect_eq "$(fields "$BODY_FILE")" "$want" "batch: one result per IMEI, in order"
"$PY" -c 'import json, sys; print(json.dumps({"imeis": [{"imei": sys.argv[1]}] * int(sys.argv[2])}))' \
  "$black" 1000 >"$WORK/b1000.json"
rdap -X POST --data-binary "@$WORK/b1000.json" "eir/v1/imei"
expect_json 200 "1,000 IMEIs"
expect_eq "$(fields "$BODY_FILE" | sort | uniq -c | awk '{ print $1 }')" 1000 "1,000 results"
"$PY" -c 'import json, sys; print(json.dumps({"imeis": [{"imei": sys.argv[1]}] * 1001}))' \
  "$black" >"$WORK/b1001.json"
rdap -X POST --data-binary "@$WORK/b1001.json" "eir/v1/imei"
expect_error 413 "1001 IMEIs" "1,001 IMEIs"
head -c 200000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
rdap -X POST --data-binary "@$WORK/big.json" "eir/v1/imei"
# The HTTP layer refuses it before the path is read: an RDAP error.
expect_rdap 413 rdap_error.json "a body over the limit"
expect_match "$BODY" "too large" "a body over the limit: reason"
for body in 'not json' '[]' '{"imeis": []}' '{"imeis": [1]}' '{"imeis": [{"imei": "1", "x": 2}]}' \
            '{"imeis": [{"imei": "1"}], "more": 1}' '{"imeis": [{"imei": "1", "imei": "2"}]}'; do
  rdap -X POST --data-binary "$body" "eir/v1/imei"
  expect_error 400 "" "body '$body'"
done
rdap -X POST --data-binary 'not json' "eir/v1/imei"
expect_match "$BODY" "not JSON \\(line 1" "a body that is no JSON: where"
daemon_alive_eir() {
  kill -0 "$DPID" 2>/dev/null || fail "$1: idregd died: $(tail -n 20 "$DERR")"
  rdap "eir/v1/imei/$black"
  expect_json 200 "$1: still answers"
}
daemon_alive_eir "after the malformed requests"

# ---- reload: new rows change the answer ----
expect_eq "$(expected "$later" "" | cut -d'|' -f1)" white "before the new rows"
rdap "eir/v1/imei/$later"
expect_eq "$(fields "$BODY_FILE")" "$(expected "$later" "")" "before the reload"
sqlite3 "$DB" "INSERT INTO eir_class VALUES ('$later', 'stolen', '2026-01-20', '', '2026-01-20', 1, 1);
  UPDATE eir_class SET end_date = '2026-01-31' WHERE imei = '$black'"
want_later=$(expected "$later" "")
want_black=$(expected "$black" "")
expect_eq "$(cut -d'|' -f1 <<<"$want_later")" black "new row by SQL"
expect_eq "$(cut -d'|' -f1 <<<"$want_black")" white "closed rows by SQL"
kill -HUP "$DPID"
for _ in $(seq 100); do
  rdap "eir/v1/imei/$later"
  [ "$(fields "$BODY_FILE")" = "$want_later" ] && break
  sleep 0.1
done
expect_eq "$(fields "$BODY_FILE")" "$want_later" "after the reload: the new row"
rdap "eir/v1/imei/$black"
expect_eq "$(fields "$BODY_FILE")" "$want_black" "after the reload: the closed rows"
stop_daemon

# ---- the rate limit applies; eir.check = off ----
start_daemon limited -o ratelimit.per_second=1 -o ratelimit.burst=3
codes=$(for _ in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{http_code} ' "$BASE/eir/v1/imei/$black"; done)
expect_match "$codes" "^200 200 200 (200 )?429 " "a burst of 3 at one a second"
rdap "eir/v1/imei/$black"
expect_error 429 "too many queries" "over the rate"
[ -n "$(header Retry-After)" ] && pass || fail "429 without Retry-After"
stop_daemon
start_daemon off -o eir.check=off -o ratelimit.per_second=0
rdap "nosuch/v1/imei/$black"
unknown=$STATUS
rdap "eir/v1/imei/$black"
expect_rdap "$unknown" rdap_error.json "eir.check = off: what RDAP answers an unknown path"
stop_daemon

done_checks
