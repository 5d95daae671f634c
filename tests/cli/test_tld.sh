#!/usr/bin/env bash
# idreg tld add|set|show|list|reserve|unreserve: a TLD goes into the store
# with the defaults of common practice (checked against the table with
# sqlite3, durations in seconds computed here), a U-label name is kept in
# both forms, set changes only what it is given, reserve and unreserve keep
# labels back; every command writes one change set with one history line
# (object type "tld") whose before/after show the change; a refusal leaves
# the store as it was (sqlite3 .dump compared).
set -euo pipefail
source "$(dirname "$0")/harness.sh"

DB="$WORK/reg.db"
run_ok --db "$DB" init
day=86400

run_ok --db "$DB" tld add example
row=$(sqlite3 -separator '|' "$DB" "SELECT name, unicode_name, min_years, max_years, default_years,
  add_grace_s, renew_grace_s, autorenew_grace_s, transfer_grace_s, redemption_s, pending_delete_s,
  transfer_wait_s, idn_tables FROM tld WHERE name = 'example'")
expect_eq "$row" "example|example|1|10|1|$((5 * day))|$((5 * day))|$((45 * day))|$((5 * day))|$((30 * day))|$((5 * day))|$((5 * day))|" "defaults"

# A U-label name, every option.
run_ok --db "$DB" tld add 中国 --periods 2-5 --default-period 3 --add-grace 3d --renew-grace 36h \
  --autorenew-grace 30d --transfer-grace 90m --redemption 40d --pending-delete 600s \
  --transfer-wait 7d --idn-tables zh-Hans,zh-Hant
ace=$(python3 -c 'print("中国".encode("idna").decode())')
row=$(sqlite3 -separator '|' "$DB" "SELECT name, unicode_name, min_years, max_years, default_years,
  add_grace_s, renew_grace_s, autorenew_grace_s, transfer_grace_s, redemption_s, pending_delete_s,
  transfer_wait_s, idn_tables FROM tld WHERE unicode_name = '中国'")
expect_eq "$row" "$ace|中国|2|5|3|$((3 * day))|$((36 * 3600))|$((30 * day))|$((90 * 60))|$((40 * day))|600|$((7 * day))|zh-Hans,zh-Hant" "every option"

# show, by either form.
run_ok --db "$DB" tld show "$ace"
expect_match "$OUT" $'^name\t'"$ace"'$' "show: name"
expect_match "$OUT" $'^unicode_name\t中国$' "show: U-label"
expect_match "$OUT" $'^periods\t2-5$' "show: periods"
expect_match "$OUT" $'^renew-grace\t36h$' "show: a duration in hours"
expect_match "$OUT" $'^transfer-grace\t90m$' "show: a duration in minutes"
expect_match "$OUT" $'^idn-tables\tzh-Hans,zh-Hant$' "show: IDN tables"
run_ok --db "$DB" tld show 中国
expect_match "$OUT" $'^default-period\t3$' "show by U-label"

# list: what sqlite3 reads, by name.
run_ok --db "$DB" tld list
want=$(sqlite3 -separator $'\t' "$DB" "SELECT name, unicode_name, min_years || '-' || max_years, default_years,
  CASE idn_tables WHEN '' THEN '-' ELSE idn_tables END FROM tld ORDER BY name")
expect_eq "$OUT" "$want" "tld list"

# set: only what is given changes.
run_ok --db "$DB" tld set example --periods 1-5 --redemption 20d
row=$(sqlite3 -separator '|' "$DB" "SELECT min_years, max_years, default_years, redemption_s, add_grace_s FROM tld WHERE name = 'example'")
expect_eq "$row" "1|5|1|$((20 * day))|$((5 * day))" "set"

# reserve and unreserve, a U-label label.
run_ok --db "$DB" tld reserve example nic --reason "registry operations"
run_ok --db "$DB" tld reserve example bücher --reason "held for a sunrise"
row=$(sqlite3 -separator '|' "$DB" "SELECT tld, label, reason FROM tld_reserved ORDER BY label")
want="example|nic|registry operations
example|$(python3 -c 'print("bücher".encode("idna").decode())')|held for a sunrise"
expect_eq "$row" "$want" "reserved labels, A-label form"
run_ok --db "$DB" tld show example
expect_match "$OUT" $'^reserved\tnic\tregistry operations$' "show lists reserved labels"
run_ok --db "$DB" tld unreserve example nic
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM tld_reserved WHERE label = 'nic'")" 0 "unreserved"

# History: one change set and one line per command, by the command typed.
hist=$(sqlite3 -separator '|' "$DB" "SELECT h.object_type, h.first_id, h.action, c.actor FROM history h
  JOIN change_set c ON c.id = h.change_set ORDER BY h.id")
id_ex=$(sqlite3 "$DB" "SELECT id FROM tld WHERE name = 'example'")
id_cn=$(sqlite3 "$DB" "SELECT id FROM tld WHERE name = '$ace'")
want="tld|$id_ex|create|idreg tld add example
tld|$id_cn|create|idreg tld add 中国 --periods 2-5 --default-period 3 --add-grace 3d --renew-grace 36h --autorenew-grace 30d --transfer-grace 90m --redemption 40d --pending-delete 600s --transfer-wait 7d --idn-tables zh-Hans,zh-Hant
tld|$id_ex|update|idreg tld set example --periods 1-5 --redemption 20d
tld|$id_ex|update|idreg tld reserve example nic --reason registry operations
tld|$id_ex|update|idreg tld reserve example bücher --reason held for a sunrise
tld|$id_ex|update|idreg tld unreserve example nic"
expect_eq "$hist" "$want" "history lines"
set_line=$(sqlite3 "$DB" "SELECT before_text || ' => ' || after_text FROM history WHERE action = 'update' ORDER BY id LIMIT 1")
expect_match "$set_line" '"periods":"1-10".*"redemption":"30d".* => .*"periods":"1-5".*"redemption":"20d"' "set's before and after"
unres=$(sqlite3 "$DB" "SELECT before_text || ' => ' || after_text FROM history ORDER BY id DESC LIMIT 1")
expect_eq "$unres" '{"label":"nic","reserved":true,"reason":"registry operations"} => {"label":"nic","reserved":false}' "unreserve's before and after"

# --periods alone moves a default outside the range to its first year;
# --idn-tables "" lists none.
run_ok --db "$DB" tld add shifted --periods 2-5
expect_eq "$(sqlite3 "$DB" "SELECT min_years, max_years, default_years FROM tld WHERE name = 'shifted'")" "2|5|2" "default moved into the range"
run_ok --db "$DB" tld set 中国 --idn-tables ''
expect_eq "$(sqlite3 "$DB" "SELECT idn_tables FROM tld WHERE unicode_name = '中国'")" "" "IDN tables cleared"

# Refusals: the store as it was.
before=$(sqlite3 "$DB" .dump)
run_fails 1 --db "$DB" tld add example
expect_match "$ERR" "TLD example is served already" "added twice"
run_fails 1 --db "$DB" tld set nosuch --periods 1-2
expect_match "$ERR" "TLD nosuch is not served here" "set of a TLD not served"
run_fails 1 --db "$DB" tld set example --default-period 7
expect_match "$ERR" "default period 7 is outside 1-5 years" "default outside the periods"
run_fails 2 --db "$DB" tld add other --periods 0-3
expect_match "$ERR" "--periods 0-3: MIN-MAX, years from 1 to 10" "zero years"
run_fails 2 --db "$DB" tld add other --periods 1-11
expect_match "$ERR" "years from 1 to 10" "eleven years"
run_fails 1 --db "$DB" tld add other --periods 5-2
expect_match "$ERR" "periods 5-2" "min above max"
run_fails 2 --db "$DB" tld add other --add-grace 5
expect_match "$ERR" "is no duration" "a duration without unit"
run_fails 2 --db "$DB" tld add other --redemption 4000d
expect_match "$ERR" "longer than 10 years" "a duration too long"
run_fails 2 --db "$DB" tld add other --idn-tables 'zh Hans'
expect_match "$ERR" "table tags" "a bad IDN table tag"
run_fails 2 --db "$DB" tld add other --idn-tables 'zh,,en'
expect_match "$ERR" "table tags" "an empty IDN table tag"
run_fails 1 --db "$DB" tld add a.b
expect_match "$ERR" "is not one label" "a name of two labels"
run_fails 1 --db "$DB" tld add 'a_b!'
expect_match "$ERR" "is no valid label" "not a label"
run_fails 1 --db "$DB" tld reserve example bücher --reason again
expect_match "$ERR" "is reserved already" "reserved twice"
run_fails 1 --db "$DB" tld reserve nosuch label --reason why
expect_match "$ERR" "TLD nosuch is not served here" "reserve under a TLD not served"
run_fails 1 --db "$DB" tld unreserve example nic
expect_match "$ERR" "nic.example is not reserved" "unreserve what is not reserved"
run_fails 2 --db "$DB" tld reserve example label
expect_match "$ERR" "--reason" "reserve without a reason"
run_fails 2 --db "$DB" tld set example
expect_match "$ERR" "give a setting to change" "set without a setting"
run_fails 1 --db "$DB" tld show nosuch
expect_match "$ERR" "TLD nosuch is not served here" "show of a TLD not served"
expect_eq "$(sqlite3 "$DB" .dump)" "$before" "refusals changed nothing"

done_checks
