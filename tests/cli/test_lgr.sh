#!/usr/bin/env bash
# idreg idn check / idn variants over the published LGRs of shared/data/lgr:
# dispositions, reasons (the action and its line in the XML, found here with
# grep) and index labels on the command line; variant labels with --all and
# --max; batch mode on standard input, one tab-separated line per input line
# whatever the line holds; and LGRs that must be refused with their file and
# line.  Expectations come from reading the XML (see tests/lib/test_lgr.c).
source "$(dirname "$0")/harness.sh"

LGR="$SHARED/data/lgr"
schema="$LGR/lgr.rng"
chinese="$LGR/second-level-reference-lgr/lgr-second-level-chinese-language-31may22-en.xml"
arabic="$LGR/root-zone/lgr-5/lgr-5-arabic-script-26may22-en.xml"
tab=$'\t'

# The line of the Chinese LGR's action 4 (all-variants of reflexive types only).
valid_line=$(grep -n 'action disp="valid" all-variants="r-neither r-trad r-simp r-both"' "$chinese" | cut -d: -f1)
[ -n "$valid_line" ] || fail "action 4 not found in $chinese"

run_ok idn check --lgr "$chinese" --schema "$schema" 中国 中國 台湾
expect_eq "$(wc -l <<<"$OUT")" 3 "one line per label"
expect_eq "$(cut -f1-3 <<<"$OUT")" "中国${tab}valid${tab}中囯
中國${tab}valid${tab}中囯
台湾${tab}valid${tab}台湾" "dispositions and index labels"
expect_match "$(sed -n 1p <<<"$OUT" | cut -f4)" "^action 4 \\(line $valid_line\\): disp=valid all-variants" "reason"

# Refusals are dispositions too: exit status 0.
run_ok idn check --lgr "$chinese" -- -ab ab-c A
expect_eq "$(cut -f1-3 <<<"$OUT")" "-ab${tab}invalid${tab}-
ab-c${tab}valid${tab}ab-c
A${tab}invalid${tab}-" "hyphen and repertoire"
expect_match "$(sed -n 1p <<<"$OUT")" "U\\+002D at position 1 is out of context: its not-when rule 'hyphen-minus-disallowed' matches" "context reason"
expect_match "$(sed -n 3p <<<"$OUT")" "U\\+0041 at position 1 is not in the repertoire" "repertoire reason"

# Variants: the label's own line first, then each variant label.
run_ok idn variants --lgr "$chinese" 台湾
expect_eq "$(wc -l <<<"$OUT")" 10 "台湾 and its 9 variant labels"
expect_eq "$(awk -F'\t' 'NF != 6' <<<"$OUT")" "" "six fields a line"
expect_eq "$(cut -f1-2 <<<"$OUT" | sort -u)" "台湾${tab}台湾" "label and index label on every line"
expect_eq "$(sed -n 1p <<<"$OUT" | cut -f3-5)" "台湾${tab}valid${tab}r-simp" "the label itself"
expect_match "$OUT" "${tab}臺灣${tab}allocatable${tab}trad trad-2${tab}action 8 " "臺灣 allocatable"
expect_match "$OUT" "${tab}檯灣${tab}allocatable${tab}trad trad-1${tab}action 7 " "檯灣 allocatable"
run_ok idn variants --lgr "$chinese" 中國
expect_match "$OUT" "${tab}中国${tab}allocatable${tab}" "中国 is an allocatable variant of 中國"

# Invalid variant labels only with --all: كک mixes KAF and KEHEH; of its 8
# variant labels, 3 mix KAF with KEHEH or SWASH KAF (Arabic WLE rules 1, 2).
run_ok idn variants --lgr "$arabic" كک
expect_eq "$(wc -l <<<"$OUT")" 6 "valid variants only"
expect_eq "$(sed -n 1p <<<"$OUT" | cut -f4)" "invalid" "the label itself is invalid"
run_ok idn variants --lgr "$arabic" --all كک
expect_eq "$(wc -l <<<"$OUT")" 9 "with --all"
expect_eq "$(cut -f4 <<<"$OUT" | grep -c '^invalid$')" 4 "invalid ones, the label among them"

# --max: the permutations tried, with a warning when there are more.
run_ok idn variants --lgr "$chinese" --max 3 台湾台湾
expect_eq "$(wc -l <<<"$OUT")" 3 "the label and 2 variants (the first permutation is the label)"
expect_match "$ERR" "stopped after 3 permutations" "warning"
run_fails 2 idn variants --lgr "$chinese" --max 0 台湾
run_fails 2 idn variants --lgr "$chinese" 台湾 中国
run_fails 2 idn check 台湾
run_fails 2 idn check --lgr "$chinese" --max 3 台湾

# Batch: one line out per line in, four fields, whatever the line holds.
{
  printf '中国\r\n'
  printf '\n'
  printf 'a\tb\n'
  printf '\xff\xfe\n'
  head -c 300 /dev/zero | tr '\0' 'a'
  printf '\n台湾'
} >"$WORK/labels"
status=0
"$IDREG" idn check --lgr "$chinese" <"$WORK/labels" >"$WORK/out" 2>"$WORK/err" || status=$?
expect_eq "$status" 1 "exit status with unreadable labels"
expect_eq "$(wc -l <"$WORK/out")" 6 "one line per input line"
expect_eq "$(awk -F'\t' 'NF != 4' "$WORK/out")" "" "four fields a line"
expect_eq "$(cut -f2 "$WORK/out" | tr '\n' ' ')" "valid error invalid error error valid " "dispositions"
expect_match "$(sed -n 3p "$WORK/out")" "^a\\?b${tab}invalid${tab}-${tab}U\\+0009 at position 2" "a tab in a label"
expect_match "$(sed -n 5p "$WORK/out")" "^a{64}\\.\\.\\.${tab}error${tab}-${tab}longer than 63 code points" "long line cut"
run_ok idn variants --lgr "$chinese" <<<"中国"
expect_match "$(sed -n 1p <<<"$OUT")" "^中国${tab}中囯${tab}中国${tab}valid${tab}" "variants from standard input"

# LGRs that must be refused, with their file and line.
printf '<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0">\n<data>\n<char cp="0061"><var cp="0062"/></char>\n<char cp="0062"/>\n</data>\n</lgr>\n' >"$WORK/asym.xml"
run_fails 1 idn check --lgr "$WORK/asym.xml" a
expect_match "$ERR" "$WORK/asym.xml:3: asymmetric variant: U\\+0061 maps to U\\+0062" "asymmetric variants"
printf '<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0">\n<data>\n<char cp="61"/>\n</data>\n</lgr>\n' >"$WORK/schema.xml"
run_fails 1 idn check --lgr "$WORK/schema.xml" --schema "$schema" a
expect_match "$ERR" "$WORK/schema.xml:3: does not follow the RFC 7940 schema" "schema"
run_fails 1 idn check --lgr "$WORK/nowhere.xml" a
expect_match "$ERR" "nowhere.xml: cannot open" "missing file"
run_fails 1 idn check --lgr "$chinese" --schema "$WORK/nowhere.rng" a
expect_match "$ERR" "nowhere.rng" "missing schema"
expect_eq "$(wc -l <<<"$ERR")" 1 "one line for a missing schema"

done_checks
