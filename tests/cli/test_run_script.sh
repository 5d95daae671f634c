#!/usr/bin/env bash
# `make run`'s script: on a new registry it imports the newest file of each
# registry under the data directory and shows the summary and what to try;
# run again, it changes nothing.
source "$(dirname "$0")/harness.sh"

script="$(dirname "$0")/../../scripts/run.sh"
out=$(IDREG="$IDREG" DB="$WORK/var/idreg.db" IDREG_DATA="$RIR" bash "$script" 2>&1)
for registry in afrinic apnic arin lacnic ripencc; do
  expect_match "$out" "^$registry: serial " "$registry imported"
done
# The newest AFRINIC file in the tree is the current one, not the 2014 snapshot.
expect_match "$out" "delegated-afrinic-extended-latest: afrinic serial 20260821" "newest file chosen"
expect_match "$out" "== try" "hints printed"
again=$(IDREG="$IDREG" DB="$WORK/var/idreg.db" IDREG_DATA="$RIR" bash "$script" 2>&1)
expect_match "$again" "afrinic serial 20260821: [0-9]+ records \(0 new, 0 changed, 0 removed" "second run changes nothing"

done_checks
