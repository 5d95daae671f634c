#!/usr/bin/env bash
# idreg registrar add|list|passwd|disable: accounts go into the store with
# an argon2id hash and never the password (read from standard input or a
# file); list says what sqlite3 reads from the table; a taken id, a bad id,
# password, pin or allow-list, or a missing registrar is refused with a
# message and the store left as it was (compared with sqlite3 .dump);
# passwd replaces the hash and disable clears the switch.
set -euo pipefail
source "$(dirname "$0")/harness.sh"

DB="$WORK/reg.db"
run_ok --db "$DB" init
printf 'first-pw1\n' >"$WORK/pw"
run_ok --db "$DB" registrar add clientA --name "Registrar A" --password-file "$WORK/pw" \
  --allow "127.0.0.0/8, 2001:db8::/32,192.0.2.7"
printf 'second-pw2\n' | "$IDREG" --db "$DB" registrar add clientB --name "Registrar B" \
  --cert-sha256 "$(printf 'AB:%.0s' $(seq 31))AB"; pass

row=$(sqlite3 -separator '|' "$DB" "SELECT id, name, enabled, cert_sha256, allow FROM registrar WHERE id = 'clientA'")
expect_eq "$row" "clientA|Registrar A|1||127.0.0.0/8,2001:db8::/32,192.0.2.7/32" "clientA as stored"
pin=$(sqlite3 "$DB" "SELECT cert_sha256 FROM registrar WHERE id = 'clientB'")
expect_eq "$pin" "$(printf 'ab%.0s' $(seq 32))" "clientB's pin, lower-case hex without colons"
hash=$(sqlite3 "$DB" "SELECT password_hash FROM registrar WHERE id = 'clientA'")
expect_match "$hash" '^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$' "argon2id hash"
if sqlite3 "$DB" .dump | grep -q 'first-pw1\|second-pw2'; then fail "a password is in the store"; fi; pass

# list: the table as sqlite3 reads it, in id order.
run_ok --db "$DB" registrar list
want=$(sqlite3 -separator $'\t' "$DB" "SELECT id, name, CASE enabled WHEN 1 THEN 'enabled' ELSE 'disabled' END,
  CASE cert_sha256 WHEN '' THEN '-' ELSE cert_sha256 END, CASE allow WHEN '' THEN '-' ELSE allow END, changed_at
  FROM registrar ORDER BY id")
expect_eq "$OUT" "$want" "registrar list"
expect_eq "$(wc -l <<<"$OUT")" 2 "registrars listed"

# Refusals leave the store as it was.
before=$(sqlite3 "$DB" .dump)
printf 'other-pw3\n' >"$WORK/pw3"
run_fails 1 --db "$DB" registrar add clientA --name Again --password-file "$WORK/pw3"
expect_match "$ERR" "clientA already exists" "taken id"
run_fails 1 --db "$DB" registrar add ab --name Short --password-file "$WORK/pw3"
expect_match "$ERR" "3 to 16 characters" "short id"
run_fails 1 --db "$DB" registrar add 'client C' --name Blank --password-file "$WORK/pw3"
expect_match "$ERR" "not printable ASCII" "id with a blank"
printf '12345\n' >"$WORK/short"
run_fails 1 --db "$DB" registrar add clientC --name C --password-file "$WORK/short"
expect_match "$ERR" "6 to 16 characters" "short password"
printf '12345678901234567\n' >"$WORK/long"
run_fails 1 --db "$DB" registrar add clientC --name C --password-file "$WORK/long"
expect_match "$ERR" "not 17" "long password"
run_fails 1 --db "$DB" registrar add clientC --name C --password-file "$WORK/pw3" --allow 192.0.2.1/24
expect_match "$ERR" "allow-list" "prefix with host bits"
run_fails 1 --db "$DB" registrar add clientC --name C --password-file "$WORK/pw3" --cert-sha256 abcd
expect_match "$ERR" "64 hex digits" "short pin"
run_fails 1 --db "$DB" registrar add clientC --name C --password-file "$WORK/nothing"
expect_match "$ERR" "cannot open the password file" "missing password file"
run_fails 1 --db "$DB" registrar add clientC --name C </dev/null
expect_match "$ERR" "no password" "empty standard input"
run_fails 2 --db "$DB" registrar add clientC --name C secret-pw
run_fails 1 --db "$DB" registrar passwd nobody --password-file "$WORK/pw3"
expect_match "$ERR" "no registrar nobody" "passwd of a missing registrar"
run_fails 1 --db "$DB" registrar disable nobody
expect_match "$ERR" "no registrar nobody" "disable of a missing registrar"
expect_eq "$(sqlite3 "$DB" .dump)" "$before" "store after refusals"

# passwd: a new hash (a new salt too); disable: the switch off, the rest kept.
run_ok --db "$DB" registrar passwd clientA --password-file "$WORK/pw3"
hash2=$(sqlite3 "$DB" "SELECT password_hash FROM registrar WHERE id = 'clientA'")
if [ "$hash2" = "$hash" ]; then fail "passwd kept the hash"; fi; pass
expect_match "$hash2" '^\$argon2id\$' "new hash"
run_ok --db "$DB" registrar disable clientA
row=$(sqlite3 -separator '|' "$DB" "SELECT enabled, allow, password_hash = '$hash2' FROM registrar WHERE id = 'clientA'")
expect_eq "$row" "0|127.0.0.0/8,2001:db8::/32,192.0.2.7/32|1" "clientA disabled"
run_ok --db "$DB" registrar list
expect_match "$OUT" $'^clientA\tRegistrar A\tdisabled\t' "list says disabled"

done_checks
