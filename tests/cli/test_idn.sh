#!/usr/bin/env bash
# idreg idn toascii / tounicode: names on the command line (A-labels from
# RFC 3492 Punycode and IANA's IDN test names), refusals on standard error
# with exit status 1, and batch mode on standard input: one tab-separated
# line per input line, whatever the line holds (CR LF, an empty line, a tab,
# invalid UTF-8, a line far longer than a name).  Then every name of
# Unicode's IdnaTestV2.txt ($IDREG_IDNATEST) in one batch: each one accepted
# converts to its U-label form and back to the same A-label form.
source "$(dirname "$0")/harness.sh"
: "${IDREG_IDNATEST:?IDREG_IDNATEST must name IdnaTestV2.txt (librust-idna-dev, scripts/deps.sh)}"

run_ok idn toascii bücher.example Bücher.example XN--BCHER-KVA.example 例え.テスト
expect_eq "$OUT" $'xn--bcher-kva.example\nxn--bcher-kva.example\nxn--bcher-kva.example\nxn--r8jz45g.xn--zckzah' "toascii"
run_ok idn tounicode xn--bcher-kva.example xn--e1afmkfd.xn--80akhbyknj4f пример.испытание
expect_eq "$OUT" $'bücher.example\nпример.испытание\nпример.испытание' "tounicode"

# Refused: one line on standard error each, the others still converted.
run_fails 1 idn toascii BÜCHER.de example.com xn--example-.com
expect_eq "$OUT" "example.com" "the good name among bad ones"
expect_eq "$(wc -l <<<"$ERR")" 2 "one error line per refused name"
expect_match "$ERR" "BÜCHER.de: label 1 'BÜCHER': .*U\\+00DC .* is DISALLOWED" "upper case refused"
expect_match "$ERR" "xn--example-.com: label 1 .*decodes to ASCII only" "ASCII xn-- label refused"
run_fails 2 idn toascii --bogus
run_ok idn toascii -- example.com
run_fails 1 idn toascii -- -ab.de
expect_match "$ERR" "starts with a hyphen" "leading hyphen"

# Batch: one line out per line in, three tab-separated fields.
{
  printf 'bücher.de\n'
  printf 'BÜCHER.de\r\n'
  printf '\n'
  printf 'a\tb.de\n'
  printf 'bad\377utf8.de\n'
  head -c 5000 /dev/zero | tr '\0' a
  printf '\n例え.テスト\r\n'
  printf 'xn--53h.de' # no line end at the end of input
} >"$WORK/names.txt"
status=0
"$IDREG" idn toascii <"$WORK/names.txt" >"$WORK/out.tsv" 2>"$WORK/err" || status=$?
expect_eq "$status" 1 "batch with refused names exits 1"
expect_eq "$(wc -l <"$WORK/out.tsv")" 8 "one line out per line in"
expect_eq "$(awk -F'\t' 'NF != 3' "$WORK/out.tsv")" "" "three fields on every line"
expect_eq "$(cut -f2 "$WORK/out.tsv" | tr '\n' ' ')" "ok refused refused refused refused refused ok refused " "statuses"
expect_eq "$(sed -n 1p "$WORK/out.tsv")" $'bücher.de\tok\txn--bcher-kva.de' "first line"
expect_eq "$(sed -n 2p "$WORK/out.tsv" | cut -f1)" "BÜCHER.de" "CR LF taken off"
expect_match "$(sed -n 3p "$WORK/out.tsv")" "empty name" "empty line"
expect_eq "$(sed -n 4p "$WORK/out.tsv" | cut -f1)" "a?b.de" "a tab in a name is shown as ?"
expect_match "$(sed -n 5p "$WORK/out.tsv")" "not valid UTF-8" "invalid UTF-8"
expect_match "$(sed -n 6p "$WORK/out.tsv")" $'^a{64}\\.\\.\\.\trefused\tnot a name: longer than 4096 bytes$' "over-long line"
expect_eq "$(sed -n 7p "$WORK/out.tsv")" $'例え.テスト\tok\txn--r8jz45g.xn--zckzah' "CR LF after a U-label"
expect_match "$(sed -n 8p "$WORK/out.tsv")" "U\\+2615 \\(HOT BEVERAGE\\)" "last line without a line end"
expect_eq "$(cat "$WORK/err")" "" "batch mode reports in its output only"
printf 'example.com\nxn--bcher-kva.de\n' | "$IDREG" idn tounicode >"$WORK/out.tsv"
expect_eq "$(cat "$WORK/out.tsv")" $'example.com\tok\texample.com\nxn--bcher-kva.de\tok\tbücher.de' "tounicode batch, exit 0"

# Every source of IdnaTestV2.txt without escapes, in one batch.
grep -v '^#' "$IDREG_IDNATEST" | cut -d';' -f1 | sed 's/^ *//; s/ *$//' | grep -v '\\u' | grep . \
  >"$WORK/idnatest.txt"
"$IDREG" idn toascii <"$WORK/idnatest.txt" >"$WORK/ascii.tsv" || true
expect_eq "$(wc -l <"$WORK/ascii.tsv")" "$(wc -l <"$WORK/idnatest.txt")" "IdnaTestV2 batch: a line per name"
accepted=$(awk -F'\t' '$2 == "ok"' "$WORK/ascii.tsv" | wc -l)
[ "$accepted" -gt 100 ] || fail "only $accepted names of IdnaTestV2.txt accepted"
pass
awk -F'\t' '$2 == "ok" { print $3 }' "$WORK/ascii.tsv" >"$WORK/alabels.txt"
"$IDREG" idn tounicode <"$WORK/alabels.txt" >"$WORK/unicode.tsv"
awk -F'\t' '{ print $3 }' "$WORK/unicode.tsv" | "$IDREG" idn toascii >"$WORK/again.tsv"
expect_eq "$(cut -f3 "$WORK/again.tsv")" "$(cat "$WORK/alabels.txt")" "A -> U -> A gives the same A-labels"
echo "IdnaTestV2 sources: $(wc -l <"$WORK/idnatest.txt") checked, $accepted registrable"

done_checks
