#!/usr/bin/env bash
# idreg idn confusable and idn email: labels and addresses on the command
# line and in batch mode on standard input, one tab-separated line out per
# line in, whatever the line holds (CR LF, an empty line, invalid UTF-8, a
# line far longer than a label or an address).  Expectations come from UTS
# #39 and Unicode's confusables.txt (Cyrillic а U+0430 and ѕ с о р е have
# the Latin prototypes a s c o p e) and from RFC 5321/6531 (a local part of
# atext and UTF-8, no two dots in a row).
source "$(dirname "$0")/harness.sh"

# Seven fields: label, verdict, level, scripts, whole-script, skeleton, reason.
run_fails 1 idn confusable paypal pаypal ѕсоре 中国
expect_eq "$(awk -F'\t' 'NF != 7' <<<"$OUT")" "" "seven fields on every line"
expect_eq "$(sed -n 1p <<<"$OUT")" $'paypal\tok\tascii\tLatin\tCyrillic, Greek\tpaypal\t-' "an ASCII label"
expect_eq "$(sed -n 2p <<<"$OUT" | cut -f2,3,4,6)" $'refused\tminimally-restrictive\tLatin, Cyrillic\tpaypal' "Cyrillic а in paypal"
expect_match "$(sed -n 2p <<<"$OUT" | cut -f7)" "U\\+0430 \\(CYRILLIC SMALL LETTER A\\) brings in the second script" "the character named"
expect_eq "$(sed -n 3p <<<"$OUT" | cut -f2-6)" $'ok\tsingle-script\tCyrillic\tLatin\tscope' "Cyrillic scope: a Latin look-alike"
expect_eq "$(sed -n 4p <<<"$OUT" | cut -f2,3,4)" $'ok\tsingle-script\tHan' "Chinese"
run_ok idn confusable --level minimally-restrictive pаypal
expect_eq "$(cut -f2 <<<"$OUT")" "ok" "--level minimally-restrictive"
run_fails 2 idn confusable --level loose paypal
expect_match "$ERR" "--level takes ascii" "unknown level"

{
  printf 'gοogle\r\n'
  printf '\n'
  printf 'bad\377\n'
  head -c 400 /dev/zero | tr '\0' a
  printf '\nstraße'
} >"$WORK/labels.txt"
status=0
"$IDREG" idn confusable <"$WORK/labels.txt" >"$WORK/out.tsv" 2>"$WORK/err" || status=$?
expect_eq "$status" 1 "batch with refused labels exits 1"
expect_eq "$(wc -l <"$WORK/out.tsv")" 5 "one line out per line in"
expect_eq "$(cut -f1,2,6 "$WORK/out.tsv" | sed -n 1p)" $'gοogle\trefused\tgoogle' "CR LF taken off"
expect_eq "$(cut -f2 "$WORK/out.tsv" | tr '\n' ' ')" "refused error error error ok " "verdicts"
expect_match "$(sed -n 4p "$WORK/out.tsv")" $'^a{64}\\.\\.\\.\terror\t.*longer than 252 bytes$' "over-long line"
expect_eq "$(cat "$WORK/err")" "" "batch mode reports in its output only"

# Email: three fields, the address with its domain in A-label form.
run_fails 1 idn email 用户@例子.广告 'a..b@example.com' 'user@[IPv6:2001:db8::1]'
expect_eq "$(sed -n 1p <<<"$OUT")" $'用户@例子.广告\tvalid\t用户@xn--fsqu00a.xn--4rr70v' "IDN address"
expect_match "$(sed -n 2p <<<"$OUT")" $'^a\\.\\.b@example\\.com\tinvalid\t.*two dots in a row at octet 3$' "two dots"
expect_eq "$(sed -n 3p <<<"$OUT" | cut -f2)" "valid" "IPv6 literal"
run_fails 2 idn email --bogus
{
  printf 'info@bücher.example\r\n'
  printf '\n'
  head -c 300 /dev/zero | tr '\0' b
  printf '@example.com\n"Fred Bloggs"@example.com'
} >"$WORK/addresses.txt"
status=0
"$IDREG" idn email <"$WORK/addresses.txt" >"$WORK/out.tsv" || status=$?
expect_eq "$status" 1 "batch with invalid addresses exits 1"
expect_eq "$(awk -F'\t' 'NF != 3' "$WORK/out.tsv")" "" "three fields on every line"
expect_eq "$(cut -f2 "$WORK/out.tsv" | tr '\n' ' ')" "valid invalid invalid valid " "email verdicts"
expect_eq "$(sed -n 1p "$WORK/out.tsv" | cut -f3)" "info@xn--bcher-kva.example" "A-label form"
expect_match "$(sed -n 2p "$WORK/out.tsv")" "no '@'" "empty line"
expect_match "$(sed -n 3p "$WORK/out.tsv")" "longer than 254 octets.*: 312 octets" "over-long address"

done_checks
