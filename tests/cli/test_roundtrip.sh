#!/usr/bin/env bash
# Import then export gives the same records: for every real file the exported
# record lines equal the file's, the summary lines equal the file's, and the
# exported file imports again to the same registry.
source "$(dirname "$0")/harness.sh"

for file in "$RIR"/current/* "$RIR"/snapshot-2014/delegated-ripencc-latest \
            "$RIR"/fixtures-nro-delegated-stats/{afrinic,apnic,arin,lacnic,ripencc}; do
  db="$WORK/one.db"
  rm -f "$db"*
  registry=$(awk -F'|' '!/^[ \t]*#/ && NF == 7 { print $2; exit }' "$file")
  version_line=$(awk -F'|' '!/^[ \t]*#/ && NF == 7 { print; exit }' "$file")
  run_ok --db "$db" init
  run_ok --db "$db" import rir "$file"
  run_ok --db "$db" export rir --registry "$registry" --output "$WORK/exported"

  # Same record lines, as text (these files already write canonical addresses).
  records_of "$file" | sort >"$WORK/want"
  records_of "$WORK/exported" | sort >"$WORK/got"
  if ! cmp -s "$WORK/want" "$WORK/got"; then
    fail "$file: exported records differ: $(diff "$WORK/want" "$WORK/got" | head -5)"
  fi
  pass
  expect_eq "$(summaries_of "$WORK/exported")" "$(summaries_of "$file")" "$file: summary lines"

  # The version line keeps version, registry, serial, dates and offset; the
  # record count is the true one.
  exported_version=$(head -1 "$WORK/exported")
  total=$(records_of "$file" | wc -l)
  expect_eq "$(cut -d'|' -f1-3,5- <<<"$exported_version")" "$(cut -d'|' -f1-3,5- <<<"$version_line")" "$file: version line"
  expect_eq "$(cut -d'|' -f4 <<<"$exported_version")" "$total" "$file: exported record count"

  # Import the export into a new registry: the same export again, byte for byte.
  rm -f "$WORK/two.db"*
  run_ok --db "$WORK/two.db" init
  run_ok --db "$WORK/two.db" import rir "$WORK/exported"
  run_ok --db "$WORK/two.db" export rir --registry "$registry" --output "$WORK/again"
  if ! cmp -s "$WORK/exported" "$WORK/again"; then
    fail "$file: second round trip differs"
  fi
  pass
done

# The IANA file writes IPv6 starts in a long form ("2001:0200::"); the export
# writes RFC 5952 text. The records are the same: compare them after
# canonicalising with the second import.
iana="$RIR/fixtures-nro-delegated-stats/iana"
rm -f "$WORK/one.db"* "$WORK/two.db"*
run_ok --db "$WORK/one.db" init
run_ok --db "$WORK/one.db" import rir --ignore-counts "$iana"
run_ok --db "$WORK/one.db" export rir --registry iana --output "$WORK/iana-exported"
expect_match "$(cat "$WORK/iana-exported")" "^iana\|ZZ\|ipv6\|2001:200::\|23\|19990701\|allocated\|apnic\|iana$" "canonical IPv6 start"
expect_eq "$(records_of "$WORK/iana-exported" | wc -l)" "$(records_of "$iana" | wc -l)" "iana record count"
run_ok --db "$WORK/two.db" init
run_ok --db "$WORK/two.db" import rir "$WORK/iana-exported"
run_ok --db "$WORK/two.db" export rir --registry iana --output "$WORK/iana-again"
cmp -s "$WORK/iana-exported" "$WORK/iana-again" || fail "iana second round trip differs"
pass

# Export to standard output equals export to a file; an unknown registry fails.
run_ok --db "$WORK/two.db" export rir --registry iana
expect_eq "$OUT" "$(cat "$WORK/iana-again")" "export to stdout"
run_fails 1 --db "$WORK/two.db" export rir --registry nosuch
expect_match "$ERR" "no data from registry 'nosuch'" "unknown registry"

done_checks
