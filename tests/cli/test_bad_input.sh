#!/usr/bin/env bash
# Bad input gets a clear error and loses nothing: malformed lines, missing
# and foreign files, stale files, an unwritable registry, a full disk, bad
# configuration, and bad command lines.
source "$(dirname "$0")/harness.sh"

afrinic="$RIR/current/delegated-afrinic-extended-latest"
db="$WORK/reg.db"
run_ok --db "$db" init
run_ok --db "$db" import rir "$RIR/fixtures-nro-delegated-stats/ripencc"

# The registry's state, as far as any command can see it.
state() {
  "$IDREG" --db "$db" summary | grep -v '^[a-z]*: serial'
  "$IDREG" --db "$db" export rir --registry ripencc
  sqlite3 "$db" 'SELECT count(*) FROM history; SELECT count(*) FROM holder;'
}
before=$(state)

# A malformed line in the middle of a real file: refused with its line number,
# and the registry unchanged.
bad="$WORK/afrinic-bad"
line=$(awk -F'|' '$3 == "ipv4" { n++ } n == 100 { print NR; exit }' "$afrinic")
awk -v l="$line" 'NR == l { sub(/\|ipv4\|[0-9.]+\|/, "|ipv4|300.1.2.3|") } { print }' "$afrinic" >"$bad"
run_fails 1 --db "$db" import rir "$bad"
expect_match "$ERR" "^idreg: error: $bad: line $line: bad IPv4 address '300.1.2.3'\$" "malformed line named"
expect_eq "$(wc -l <<<"$ERR")" 1 "one-line reason"
expect_eq "$(state)" "$before" "registry unchanged after a refused file"

# More kinds of malformed lines, each refused with the right line and reason.
check_bad_line() { # EDIT-AWK REASON-REGEX
  awk -v l="$line" "NR == l { $1 } { print }" "$afrinic" >"$bad"
  run_fails 1 --db "$db" import rir "$bad"
  expect_match "$ERR" "$bad: line $line: .*($2)" "bad line: $2"
}
check_bad_line '$0 = "afrinic|ZA|ipv4"' "at least 7 fields"
check_bad_line 'sub(/\|ipv4\|/, "|ipv5|")' "unknown resource type 'ipv5'"
check_bad_line 'sub(/\|allocated\||\|assigned\|/, "|stolen|")' "unknown status 'stolen'"
check_bad_line 'sub(/\|[0-9]{8}\|/, "|20201340|")' "bad date '20201340'"
check_bad_line 'sub(/\|ipv4\|[0-9.]+\|[0-9]+\|/, "|ipv4|255.255.255.0|512|")' "runs past 255.255.255.255"
check_bad_line 'sub(/^afrinic\|[A-Z]*\|/, "afrinic|zz|")' "bad economy code 'zz'"
check_bad_line '$0 = $0 "\tx"' "control character|bad opaque id"
expect_eq "$(state)" "$before" "registry unchanged after refused files"

# A record said twice: refused, naming both lines.
awk -v l="$line" '{ print } NR == l { print }' "$afrinic" >"$bad"
run_fails 1 --db "$db" import rir "$bad"
expect_match "$ERR" "line $((line + 1)): repeats the ipv4 record of line $line" "duplicate record"

# A truncated file: its summary lines no longer match.
head -n 5000 "$afrinic" >"$bad"
run_fails 1 --db "$db" import rir "$bad"
expect_match "$ERR" "summary line says .* records, the file has .*truncated" "truncated file"
expect_eq "$(state)" "$before" "registry unchanged after a truncated file"

# --skip-bad: the good lines go in, the bad ones are reported with their reason.
awk -v l="$line" 'NR == l || NR == l + 7 { sub(/\|ipv4\|[0-9.]+\|/, "|ipv4|1.2.3|") } { print }' "$afrinic" >"$bad"
run_ok --db "$db" import rir --skip-bad "$bad"
expect_match "$OUT" "2 bad lines skipped" "skip count"
expect_match "$ERR" "line $line: skipped: bad IPv4 address '1.2.3'" "first skipped line"
expect_match "$ERR" "line $((line + 7)): skipped" "second skipped line"
good=$(records_of "$afrinic" | wc -l)
run_ok --db "$db" summary
expect_eq "$(awk '$1 == "afrinic" { n += $7 } END { print n }' <<<"$OUT")" "$((good - 2))" "good lines imported"

# Older file after a newer one: refused unless --force.
old="$RIR/snapshot-2014/delegated-afrinic-latest"
run_fails 1 --db "$db" import rir "$old"
expect_match "$ERR" "older than the one the registry holds.*--force" "stale file refused"
run_ok --db "$db" import rir --force "$old"
expect_match "$OUT" "afrinic serial 20140630" "--force replaces"

# Files that are missing, empty, not exchange files, or directories of nothing.
run_fails 1 --db "$db" import rir "$WORK/nonexistent"
expect_match "$ERR" "nonexistent: cannot open: No such file or directory" "missing file"
: >"$WORK/empty"
run_fails 1 --db "$db" import rir "$WORK/empty"
expect_match "$ERR" "no version line" "empty file"
run_fails 1 --db "$db" import rir "$RIR/README.md"
expect_match "$ERR" "README.md: line [0-9]+: expected the version line" "not an exchange file"
mkdir "$WORK/nothing"
run_fails 1 --db "$db" import rir "$WORK/nothing"
expect_match "$ERR" "no exchange files found" "empty directory"
head -c 100000 /dev/urandom >"$WORK/random"
run_fails 1 --db "$db" import rir "$WORK/random"
pass

# A registry that is missing, or is not a registry.
run_fails 1 --db "$WORK/none.db" summary
expect_match "$ERR" "no registry there \(create one with 'idreg init'\)" "missing registry"
run_fails 1 --db "$db" init
expect_match "$ERR" "a registry already exists there" "init twice"
cp "$afrinic" "$WORK/text.db"
run_fails 1 --db "$WORK/text.db" summary
expect_match "$ERR" "not an idreg registry" "text file as registry"
sqlite3 "$WORK/other.db" 'CREATE TABLE t (x)'
run_fails 1 --db "$WORK/other.db" summary
expect_match "$ERR" "not an idreg registry" "foreign sqlite database"

# An unwritable registry: the import fails cleanly and nothing changes.
before=$(state)
if [ "$(id -u)" -eq 0 ]; then
  as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  chmod 755 "$WORK"
  chmod 644 "$db"*
else
  as_other() { "$@"; }
  chmod 444 "$db"
fi
status=0
as_other "$IDREG" --db "$db" import rir "$RIR/fixtures-nro-delegated-stats/arin" >"$WORK/out" 2>"$WORK/err" || status=$?
expect_eq "$status" 1 "unwritable registry exit status"
expect_match "$(cat "$WORK/err")" "read-only|permission|Permission" "unwritable registry message"
[ "$(id -u)" -eq 0 ] || chmod 644 "$db"
expect_eq "$(state)" "$before" "registry unchanged after a write that could not happen"

# A full disk (a file-size limit stands in for it): a clear error, no crash,
# and the registry as it was.
before=$(state)
status=0
(ulimit -f 200; exec "$IDREG" --db "$db" import rir "$RIR/current/delegated-lacnic-extended-latest") \
  >"$WORK/out" 2>"$WORK/err" || status=$?
expect_eq "$status" 1 "full disk exit status"
expect_match "$(cat "$WORK/err")" "file size limit reached|disk full|No space" "full disk message"
expect_eq "$(state)" "$before" "registry unchanged after a full disk"
run_ok --db "$db" import rir "$RIR/current/delegated-lacnic-extended-latest"
pass

# Configuration: checked with file and line; command-line settings win.
cat >"$WORK/good.conf" <<CONF
[store]
path = $db
[log]
level = info
CONF
run_ok --config "$WORK/good.conf" --check-config
expect_match "$OUT" "^path = $db\$" "config path"
expect_match "$OUT" "^level = info\$" "config level"
run_ok --config "$WORK/good.conf" --log-level error --check-config
expect_match "$OUT" "^level = error\$" "flag beats file"
run_ok --config "$WORK/good.conf" summary
printf '[store]\npath = x\n[log]\nlevel = loud\n' >"$WORK/bad.conf"
run_fails 1 --config "$WORK/bad.conf" --check-config
expect_match "$ERR" "bad.conf:4: log.level: 'loud' is not one of the allowed values" "bad value"
printf '[store]\ncolour = blue\n' >"$WORK/bad.conf"
run_fails 1 --config "$WORK/bad.conf" --check-config
expect_match "$ERR" "bad.conf:2: unknown key 'colour' in section \[store\]" "unknown key"
printf '[import]\nmax_line_bytes = 12\n' >"$WORK/bad.conf"
run_fails 1 --config "$WORK/bad.conf" --check-config
expect_match "$ERR" "not an integer in 128..1048576" "out of range"
run_fails 1 --config "$WORK/missing.conf" --check-config
expect_match "$ERR" "missing.conf: cannot open" "missing config"

# A line-length limit from the configuration.
printf '[import]\nmax_line_bytes = 128\n' >"$WORK/short.conf"
awk 'NR == 10 { $0 = $0 sprintf("%0150d", 0) } { print }' "$RIR/fixtures-nro-delegated-stats/ripencc" >"$bad"
run_fails 1 --config "$WORK/short.conf" --db "$db" import rir "$bad"
expect_match "$ERR" "line 10: longer than 128 bytes" "line limit"

# JSON log lines.
run_fails 1 --log-format json --db "$WORK/none.db" summary
expect_match "$ERR" '^\{"time":"[0-9T:.-]+Z","level":"error","program":"idreg","message":".*no registry there' "json log"

# Command lines: help everywhere, usage errors with status 2.
for cmd in "init" "import rir" "export rir" "lookup" "summary"; do
  run_ok $cmd --help
  expect_match "$OUT" "^usage: idreg \[GLOBAL OPTIONS\] $cmd" "$cmd --help"
done
run_ok --help
expect_match "$OUT" "import rir" "main help"
run_ok --version
run_fails 2 frobnicate
expect_match "$ERR" "unknown command 'frobnicate'" "unknown command"
run_fails 2 import
expect_match "$ERR" "needs an object" "import without object"
run_fails 2 --db "$db" import rir
expect_match "$ERR" "name at least one file" "import without files"
run_fails 2 --db "$db" export rir
run_fails 2 --db "$db" lookup --more x 1.1.1.1
run_fails 2 --db "$db" import rir --bogus "$afrinic"

done_checks
