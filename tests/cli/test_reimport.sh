#!/usr/bin/env bash
# Re-importing a newer file of a registry replaces its records in one
# transaction and writes exactly the difference, each change with its
# before and after in the history.
source "$(dirname "$0")/harness.sh"

file="$RIR/current/delegated-afrinic-extended-latest"
db="$WORK/reg.db"
run_ok --db "$db" init
run_ok --db "$db" import rir "$file"
total=$(records_of "$file" | wc -l)
expect_match "$OUT" "$total records \($total new, 0 changed, 0 removed, 0 unchanged\)" "first import"
# One history line covers the run of records created by the import.
expect_eq "$(sqlite3 "$db" "SELECT sum(last_id - first_id + 1) FROM history WHERE action = 'create'")" "$total" "creation of every record in the history"

# The same file again changes nothing.
run_ok --db "$db" import rir "$file"
expect_match "$OUT" "\(0 new, 0 changed, 0 removed, $total unchanged\)" "idempotent re-import"

# A newer file: one ipv4 record changes status, one asn record goes, one
# asn record comes (so the summary lines still hold).
changed=$(records_of "$file" | awk -F'|' '$3 == "ipv4" && $7 == "allocated" { n++ } n == 50 { print }')
removed=$(records_of "$file" | awk -F'|' '$3 == "asn" { n++ } n == 70 { print }')
added="afrinic|MU|asn|4294967000|1|20261127|allocated|F0000001"
newer="$WORK/afrinic-newer"
awk -F'|' -v c="$changed" -v r="$removed" -v a="$added" '
  NR == 1 || /^2\|afrinic\|/ { if ($1 == "2") { $3 = "20261128"; $6 = "20261128"; OFS = "|"; $1 = $1 } }
  $0 == r { print a; next }
  $0 == c { sub(/\|allocated\|/, "|assigned|") }
  { print }' "$file" >"$newer"
expect_match "$(head -1 "$newer")" "^2\|afrinic\|20261128\|" "test file has a newer serial"
run_ok --db "$db" import rir "$newer"
expect_match "$OUT" "afrinic serial 20261128: $total records \(1 new, 1 changed, 1 removed, $((total - 2)) unchanged\)" "difference"

changed_start=$(cut -d'|' -f4 <<<"$changed")
removed_start=$(cut -d'|' -f4 <<<"$removed")
changed_id=$(sqlite3 "$db" "SELECT id FROM numres WHERE type = 'ipv4' AND start = '$changed_start'")
added_id=$(sqlite3 "$db" "SELECT id FROM numres WHERE type = 'asn' AND start = '4294967000'")
history=$(sqlite3 -separator ' ~ ' "$db" "SELECT h.action, h.first_id, h.last_id, h.before_text, h.after_text, c.actor
                                         FROM history h JOIN change_set c ON c.id = h.change_set
                                         WHERE c.actor LIKE '%20261128%' ORDER BY h.id")
expect_eq "$(wc -l <<<"$history")" 3 "three history lines"
expect_match "$history" "^update ~ $changed_id ~ $changed_id ~ ${changed//|/\\|} ~ ${changed//allocated/assigned}" "update with before and after"
expect_match "$history" "^delete ~ [0-9]+ ~ [0-9]+ ~ ${removed//|/\\|} ~  ~ import $newer" "delete with before"
expect_match "$history" "^create ~ $added_id ~ $added_id ~  ~  ~ " "create of the new record"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM numres WHERE type = 'asn' AND start = '$removed_start'")" 0 "removed record gone from the store"

run_fails 1 --db "$db" lookup "AS$removed_start"
expect_match "$ERR" "AS$removed_start: no record covers it" "removed record gone"
run_ok --db "$db" lookup AS4294967000 "$changed_start"
expect_match "$OUT" "aut-num: +AS4294967000" "added record found"
expect_match "$OUT" "status: +assigned" "changed record shows its new status"
run_ok --db "$db" summary
expect_match "$OUT" "^afrinic: serial 20261128, imported .* from $newer\$" "source updated"

done_checks
