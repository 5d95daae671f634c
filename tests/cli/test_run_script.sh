#!/usr/bin/env bash
# `make run`'s script: on a new registry it imports the newest file of each
# registry under the data directory, 2,000 generated domains and the
# register's sample (imported, classified twice, lists written), and shows
# the summary and what to try; run again, it changes nothing.
source "$(dirname "$0")/harness.sh"

script="$(dirname "$0")/../../scripts/run.sh"
db="$WORK/var/idreg.db"
out=$(IDREG="$IDREG" GEN_DOMAINS="$GEN_DOMAINS" DB="$db" IDREG_DATA="$RIR" bash "$script" 2>&1)
for registry in afrinic apnic arin lacnic ripencc; do
  expect_match "$out" "^$registry: serial " "$registry imported"
done
# The newest AFRINIC file in the tree is the current one, not the 2014 snapshot.
expect_match "$out" "delegated-afrinic-extended-latest: afrinic serial 20260821" "newest file chosen"
expect_match "$out" "== try" "hints printed"
expect_eq "$(sqlite3 "$db" 'SELECT count(*) FROM domain')" 2000 "generated domains imported"
expect_eq "$(sqlite3 "$db" 'SELECT run_date FROM eir_class_run ORDER BY id' | tr '\n' ' ')" \
  "2026-01-31 2026-02-28 " "the register's sample classified at each month's end"
expect_match "$(sqlite3 "$db" "SELECT group_concat(DISTINCT condition) FROM eir_class")" "duplicate" \
  "the sample's clones found"
[ -s "$WORK/var/eir-lists/current/blocklist.csv" ] || fail "no block list written"
pass
expect_eq "$(sqlite3 "$db" "SELECT name FROM tld")" test "a TLD served for EPP"
# The example EPP session: every frame valid against the EPP schemas.
xsd=$(realpath "$SHARED/data/epp-xsd")
{ echo '<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:idreg:test">'
  for n in eppcom epp domain contact host; do
    echo "<import namespace=\"urn:ietf:params:xml:ns:$n-1.0\" schemaLocation=\"$xsd/$n-1.0.xsd\"/>"
  done
  echo '</schema>'; } >"$WORK/epp-all.xsd"
for f in "$WORK"/var/epp-examples/*.xml; do
  xmllint --noout --schema "$WORK/epp-all.xsd" "$f" 2>"$WORK/xsd.err" ||
    fail "$f: not valid EPP: $(cat "$WORK/xsd.err")"
  pass
done
expect_eq "$(wc -l <"$WORK/var/epp-examples/steps")" 5 "the example session's steps"
counts() { sqlite3 "$db" 'SELECT (SELECT count(*) FROM domain), (SELECT count(*) FROM eir_import),
  (SELECT count(*) FROM eir_class_run)'; }
before=$(counts)
again=$(IDREG="$IDREG" GEN_DOMAINS="$GEN_DOMAINS" DB="$db" IDREG_DATA="$RIR" bash "$script" 2>&1)
expect_match "$again" "afrinic serial 20260821: [0-9]+ records \(0 new, 0 changed, 0 removed" "second run changes nothing"
expect_eq "$(counts)" "$before" "second run adds no sample data"

done_checks
