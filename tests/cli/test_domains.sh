#!/usr/bin/env bash
# Domains: a generated file (bench/gen_domains, a fifth of it
# internationalized) imported, imported again without a change, imported
# with one domain changed (one update in the history, with before and
# after), a bad line that refuses the file and leaves the registry as it
# was, --skip-bad, --replace, lookups and searches through the index, the
# line-length key, and command-line errors.
source "$(dirname "$0")/harness.sh"

: "${GEN_DOMAINS:?GEN_DOMAINS must name the gen_domains binary}"
db="$WORK/reg.db"
file="$WORK/domains.jsonl"
n=3000
"$GEN_DOMAINS" $n 7 >"$file"
expect_eq "$(wc -l <"$file")" $n "generated lines"

# The registry's state, as far as any command can see it.
state() {
  sqlite3 "$db" "SELECT count(*) FROM domain; SELECT count(*) FROM host; SELECT count(*) FROM entity;
                 SELECT count(*) FROM domain_host; SELECT count(*) FROM domain_entity;
                 SELECT count(*) FROM domain_ds; SELECT count(*) FROM host_address;
                 SELECT count(*) FROM history;
                 SELECT group_concat(ldh_name || ' ' || status || ' ' || coalesce(expires, ''), ',') FROM domain;"
}

run_ok --db "$db" init
run_ok --db "$db" import domains "$file"
expect_match "$OUT" "^$file: $n domains \($n new, 0 changed, 0 removed, 0 unchanged\); hosts: [0-9]+ new" "first import"
expect_eq "$(sqlite3 "$db" 'SELECT count(*) FROM domain')" $n "domains stored"
run_ok --db "$db" summary
expect_match "$OUT" "^names: $n domains, [0-9]+ nameservers, [0-9]+ entities\$" "summary counts names"
created=$(sqlite3 "$db" "SELECT sum(last_id - first_id + 1) FROM history WHERE action = 'create'")
objects=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM domain) + (SELECT count(*) FROM host) + (SELECT count(*) FROM entity)")
expect_eq "$created" "$objects" "every creation in the history"
idn=$(sqlite3 "$db" "SELECT count(*) FROM domain WHERE ldh_name LIKE '%xn--%'")
[ "$idn" -gt $((n / 10)) ] || fail "only $idn internationalized domains"
pass
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM domain WHERE ldh_name <> lower(ldh_name) OR (ldh_name LIKE '%xn--%') = (unicode_name = ldh_name)")" 0 "both forms of every name"

# The same file again: nothing changes.
before=$(state)
run_ok --db "$db" import domains "$file"
expect_match "$OUT" "$n domains \(0 new, 0 changed, 0 removed, $n unchanged\); hosts: 0 new, 0 changed, 0 removed, [0-9]+ unchanged; entities: 0 new, 0 changed, 0 removed, [0-9]+ unchanged" "idempotent re-import"
expect_eq "$(state)" "$before" "nothing written by an unchanged file"

# One domain changes its expiry date and a status: one update, before and after.
changed="$WORK/changed.jsonl"
awk 'NR == 42 { sub(/"expires":"[0-9]{4}/, "\"expires\":\"2099"); sub(/"status":\[[^]]*\]/, "\"status\":[\"serverHold\"]") } { print }' "$file" >"$changed"
name=$(sed -n 42p "$file" | sed 's/^{"name":"\([^"]*\)".*/\1/')
run_ok --db "$db" import domains "$changed"
expect_match "$OUT" "\(0 new, 1 changed, 0 removed, $((n - 1)) unchanged\)" "one domain changed"
history=$(sqlite3 -separator ' ~ ' "$db" "SELECT h.object_type, h.action, h.before_text, h.after_text FROM history h
                                         JOIN change_set c ON c.id = h.change_set
                                         WHERE c.actor = 'import domains $changed'")
expect_eq "$(wc -l <<<"$history")" 1 "one history line"
expect_match "$history" '^domain ~ update ~ \{"name":"[^"]+".*"expires":"20[0-8][0-9]-.* ~ \{"name":.*"status":\["serverHold"\].*"expires":"2099-' "update with before and after"
run_ok --db "$db" show domain "$name"
expect_match "$OUT" "^status: +serverHold$" "changed domain shows its status"
expect_match "$OUT" "^expires: +2099-" "changed domain shows its expiry"

# A bad line in the middle refuses the file, naming line and field; nothing changes.
before=$(state)
bad="$WORK/bad.jsonl"
awk 'NR == 100 { sub(/"nameservers":\[/, "\"nameservers\":[{\"name\":\"ns.bad.example\",\"addresses\":[\"1.2.3\"]},") } { print }' "$changed" >"$bad"
run_fails 1 --db "$db" import domains "$bad"
expect_match "$ERR" "^idreg: error: $bad: line 100: nameservers\[0\]\.addresses\[0\]: bad IP address '1\.2\.3'\$" "bad line named"
expect_eq "$(wc -l <<<"$ERR")" 1 "one-line reason"
expect_eq "$(state)" "$before" "registry unchanged after a refused file"

# Other bad lines: each refused with its line and field.
check_bad() { # LINE-NUMBER AWK-EDIT MESSAGE-REGEX
  awk -v l="$1" "NR == l { $2 } { print }" "$changed" >"$bad"
  run_fails 1 --db "$db" import domains "$bad"
  expect_match "$ERR" "$bad: line $1: $3" "bad line: $3"
}
check_bad 7 '$0 = "{\"name\":\"xn--bcher-kva.bücher.de\"}"' "name: 'xn--bcher-kva.bücher.de': mixes A-labels \(xn--\) and U-labels"
check_bad 8 '$0 = "{\"name\":\"ex--ample.com\"}"' "name: 'ex--ample.com': label 'ex--ample': hyphens in the third and fourth positions"
check_bad 9 '$0 = "{\"name\":\"ok.example\",\"status\":[\"frozen\"]}"' "status\[0\]: unknown status 'frozen'"
check_bad 10 '$0 = "{\"name\":\"ok.example\""' "not a JSON object"
check_bad 11 'sub(/"registered":"[^"]*"/, "\"registered\":\"2001-02-30T00:00:00Z\"")' "registered: '2001-02-30T00:00:00Z' is not a UTC time"
check_bad 12 '$0 = "{\"name\":\"ok.example\",\"entities\":[{\"handle\":\"NOBODY\",\"roles\":[\"registrant\"]}]}"' "entities\[0\]: entity 'NOBODY' has no details"
awk 'NR == 13 { print; print } NR != 13 { print }' "$changed" >"$bad"
run_fails 1 --db "$db" import domains "$bad"
expect_match "$ERR" "line 14: name: [^ ]+ is also the domain on line 13" "repeated domain"
expect_eq "$(state)" "$before" "registry unchanged after refused files"

# --skip-bad: the rest goes in, the bad lines are named.
awk 'NR == 5 || NR == 6 { $0 = "{\"name\":\"x\"" } NR == 20 { sub(/"expires":"[0-9]{4}/, "\"expires\":\"2098") } { print }' "$changed" >"$bad"
run_ok --db "$db" import domains --skip-bad "$bad"
expect_match "$OUT" "\(0 new, 1 changed, 0 removed, $((n - 3)) unchanged\).*; 2 bad lines skipped" "skip count"
expect_match "$ERR" "line 5: skipped: not a JSON object" "first skipped line"
expect_match "$ERR" "line 6: skipped" "second skipped line"

# The index: a domain by either form of its name, searches.
uname=$(sqlite3 "$db" "SELECT unicode_name FROM domain WHERE ldh_name LIKE 'xn--%' ORDER BY id LIMIT 1")
aname=$(sqlite3 "$db" "SELECT ldh_name FROM domain WHERE ldh_name LIKE 'xn--%' ORDER BY id LIMIT 1")
run_ok --db "$db" show domain "$uname" "$aname"
expect_eq "$(grep -c "^domain: *$aname\$" <<<"$OUT")" 2 "found by U-label and by A-label"
expect_match "$OUT" "^unicode: *$uname\$" "U-label form shown"
expect_match "$OUT" "^entity: .*\(registrant\)" "registrant shown"
expect_match "$OUT" "^nameserver: " "nameservers shown"
under_com=$(sqlite3 "$db" "SELECT count(*) FROM domain WHERE ldh_name LIKE '%.com' AND ldh_name NOT LIKE '%.%.com'")
run_ok --db "$db" show domain --max 2 '*.com'
expect_match "$OUT" "^% $under_com found \(--max N shows more\)\$" "search count"
ka=$(sqlite3 "$db" "SELECT count(*) FROM domain WHERE ldh_name LIKE 'ka%'")
run_ok --db "$db" show domain --max 0 'ka*'
expect_match "$OUT" "^% $ka found" "prefix search count"
run_fails 1 --db "$db" show domain nowhere.example
expect_match "$ERR" "nowhere.example: no such domain" "unknown domain"
run_fails 1 --db "$db" show domain 'a*b*'
expect_match "$ERR" "more than one" "bad pattern"

# --replace with the first 1000 lines: the other domains go, and the hosts and
# entities only they used.
head -n 1000 "$file" >"$WORK/first.jsonl"
run_ok --db "$db" import domains --replace "$WORK/first.jsonl"
expect_match "$OUT" "1000 domains \(0 new, [12] changed, $((n - 1000)) removed" "replace"
expect_eq "$(sqlite3 "$db" 'SELECT count(*) FROM domain')" 1000 "domains left"
expect_eq "$(sqlite3 "$db" 'SELECT count(*) FROM host WHERE id NOT IN (SELECT host_id FROM domain_host)')" 0 "no orphan hosts"
expect_eq "$(sqlite3 "$db" 'SELECT count(*) FROM entity WHERE id NOT IN (SELECT entity_id FROM domain_entity)')" 0 "no orphan entities"
run_ok --db "$db" import domains "$WORK/first.jsonl"
expect_match "$OUT" "\(0 new, 0 changed, 0 removed, 1000 unchanged\)" "stable after replace"

# The line-length key.
run_ok --check-config
expect_match "$OUT" "^max_domain_line_bytes = 65536\$" "default line limit"
printf '[import]\nmax_domain_line_bytes = 1024\n' >"$WORK/short.conf"
long=$(awk 'length($0) > 1100 { print NR; exit }' "$file")
run_fails 1 --config "$WORK/short.conf" --db "$db" import domains "$file"
expect_match "$ERR" "line $long: longer than 1024 bytes" "line limit"
printf '[import]\nmax_domain_line_bytes = 100\n' >"$WORK/bad.conf"
run_fails 1 --config "$WORK/bad.conf" --check-config
expect_match "$ERR" "max_domain_line_bytes: '100' is not an integer in 1024..16777216" "line limit range"

# Command lines.
for cmd in "import domains" "show domain"; do
  run_ok $cmd --help
  expect_match "$OUT" "^usage: idreg \[GLOBAL OPTIONS\] $cmd" "$cmd --help"
done
run_fails 2 --db "$db" import domains
run_fails 2 --db "$db" import domains --replace "$file" "$file"
run_fails 1 --db "$db" import domains "$WORK/missing.jsonl"
expect_match "$ERR" "missing.jsonl: cannot open" "missing file"

done_checks
