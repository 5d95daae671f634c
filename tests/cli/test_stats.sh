#!/usr/bin/env bash
# idreg stats against independent computations: the figures of a handful of
# economies, regions and development groups are summed here with awk from
# the same exchange files and country-codes.csv / population.csv, and the
# Gini and Theil indices of a tiny hand-made input are worked out by hand in
# the comments below.  Also: unknown economy codes counted apart, population
# gaps shown as gaps, bad files refused with file and line.
source "$(dirname "$0")/harness.sh"
ECON="$SHARED/data/economies"
export LC_ALL=C

# The awk used below for CSV: fields split by hand, quotes honoured
# (country-codes.csv and population.csv quote names holding commas).
CSV_AWK='
function csvsplit(line, f,    n, i, c, q, cur) {
  n = 0; cur = ""; q = 0
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (q) {
      if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ } else q = 0 }
      else cur = cur c
    } else if (c == "\"") q = 1
    else if (c == ",") { f[++n] = cur; cur = "" }
    else cur = cur c
  }
  sub(/\r$/, "", cur)
  f[++n] = cur
  return n
}
function column(name,    i) { for (i in head) if (head[i] == name) return i; return 0 }
'

# cell CSVFILE KEY COLUMN: the value of COLUMN in the row whose first field is KEY.
cell() {
  awk -v key="$2" -v col="$3" "$CSV_AWK"'
    NR == 1 { csvsplit($0, head); c = column(col); if (!c) { print "NO COLUMN " col; exit } next }
    { n = csvsplit($0, f); if (f[1] == key) { print f[c]; exit } }' "$1"
}

# near A B WHAT: equal numbers, to a relative 1e-9.
near() {
  if ! awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (b < 0 ? -b : b);
                                        exit !(a != "" && d <= 1e-9 * (m > 1 ? m : 1)) }'; then
    fail "$3: expected $2, got '$1'"
  fi
  pass
}

FILES=("$RIR/current" "$RIR/fixtures-nro-delegated-stats/ripencc" "$RIR/fixtures-nro-delegated-stats/arin")
RAW=("$RIR"/current/* "$RIR/fixtures-nro-delegated-stats/ripencc" "$RIR/fixtures-nro-delegated-stats/arin")

# ---- per economy: held records (allocated, assigned) summed by awk ----
run_ok stats --economies "$ECON" "${FILES[@]}"
echo "$OUT" >"$WORK/economy.csv"
# cc type amount holder date, one line per held record, from the raw files.
awk -F'|' '!/^[ \t]*#/ && NF >= 7 && $6 != "summary" && $1 !~ /^[0-9.]+$/ &&
           ($7 == "allocated" || $7 == "assigned") {
  amount = $3 == "ipv6" ? 2 ^ (48 - $5) : $5
  print $2, $3, amount, (NF >= 8 ? $1 "|" $8 : "-"), $6 }' "${RAW[@]}" >"$WORK/held"
for cc in ZA NG BR JP CN MU; do
  read -r v4 v6 asn holders <<<"$(awk -v cc="$cc" '$1 == cc {
      s[$2] += $3; if ($4 != "-" && !($4 in h)) { h[$4] = 1; n++ } }
      END { printf "%d %.0f %d %s\n", s["ipv4"], s["ipv6"], s["asn"], n ? n : "" }' "$WORK/held")"
  expect_eq "$(cell "$WORK/economy.csv" "$cc" ipv4)" "$v4" "$cc ipv4"
  near "$(cell "$WORK/economy.csv" "$cc" ipv6_48)" "$v6" "$cc ipv6 /48s"
  near "$(cell "$WORK/economy.csv" "$cc" ipv6_32)" "$(awk -v x="$v6" 'BEGIN { printf "%.10f", x / 65536 }')" "$cc ipv6 /32s"
  expect_eq "$(cell "$WORK/economy.csv" "$cc" asn)" "$asn" "$cc asn"
  expect_eq "$(cell "$WORK/economy.csv" "$cc" holders)" "$holders" "$cc holders"
done

# Population of the latest year (2024 in the data) from population.csv, by alpha-3.
pop_of() { # ALPHA3 YEAR
  awk -v a3="$1" -v y="$2" "$CSV_AWK"'NR > 1 { csvsplit($0, f); if (f[2] == a3 && f[3] == y) print f[4] }' \
    "$ECON/population.csv"
}
latest=$(awk "$CSV_AWK"'NR > 1 { csvsplit($0, f); if (f[3] > y) y = f[3] } END { print y }' "$ECON/population.csv")
for pair in NG:NGA BR:BRA; do
  cc=${pair%:*} a3=${pair#*:}
  pop=$(pop_of "$a3" "$latest")
  v4=$(awk -v cc="$cc" '$1 == cc && $2 == "ipv4" { s += $3 } END { print s }' "$WORK/held")
  expect_eq "$(cell "$WORK/economy.csv" "$cc" population)" "$pop" "$cc population $latest"
  near "$(cell "$WORK/economy.csv" "$cc" ipv4_per_capita)" "$(awk -v a="$v4" -v p="$pop" 'BEGIN { printf "%.15g", a / p }')" "$cc ipv4 per capita"
done
# --year: the population of that year.
run_ok stats --economies "$ECON" --year 2000 "${FILES[@]}"
echo "$OUT" >"$WORK/economy2000.csv"
expect_eq "$(cell "$WORK/economy2000.csv" NG population)" "$(pop_of NGA 2000)" "NG population 2000"
# Taiwan has no row in population.csv: a gap, never 0.
expect_eq "$(cell "$WORK/economy.csv" TW population)" "" "TW population (a gap)"
expect_eq "$(cell "$WORK/economy.csv" TW ipv4_per_capita)" "" "TW per capita (a gap)"
expect_eq "$(cell "$WORK/economy.csv" TW known)" "true" "TW is an economy"

# Codes that are no economy: counted apart, per code, and said on stderr.
eu=$(awk '$1 == "EU" { n++ } END { print n + 0 }' "$WORK/held")
[ "$eu" -gt 0 ] || fail "the fixture has EU records"
expect_match "$ERR" "EU $eu" "EU records reported on stderr"
run_ok stats --economies "$ECON" --table unknown "${FILES[@]}"
expect_eq "$(awk -F, '$1 == "EU" { s += $3 } END { print s }' <<<"$OUT")" "$eu" "EU records in the unknown table"
expect_eq "$(cell <(echo "$OUT") AP records)" "$(awk '$1 == "AP" { n++ } END { print n }' "$WORK/held")" "AP records"

# ---- groups: economies of country-codes.csv by region, sub-region, LDC / SIDS ----
# code -> "region|subregion|ldc|lldc|sids"
awk "$CSV_AWK"'NR == 1 { csvsplit($0, head); a2 = column("ISO3166-1-Alpha-2"); r = column("Region Name")
                         s = column("Sub-region Name"); l = column("Least Developed Countries (LDC)")
                         ll = column("Land Locked Developing Countries (LLDC)")
                         si = column("Small Island Developing States (SIDS)"); next }
  { csvsplit($0, f); if (f[a2] != "") print f[a2] "|" f[r] "|" f[s] "|" f[l] "|" f[ll] "|" f[si] }' \
  "$ECON/country-codes.csv" >"$WORK/economies"
expect_eq "$(wc -l <"$WORK/economies")" 249 "economies in country-codes.csv"
# group_sum FIELD VALUE TYPE: held amount of TYPE over the economies whose FIELD (2..6) is VALUE.
group_sum() {
  awk -v field="$1" -v value="$2" -v type="$3" '
    NR == FNR { split($0, g, "|"); if (g[field] == value) in_group[g[1]] = 1; next }
    ($1 in in_group) && $2 == type { s += $3 } END { printf "%.0f\n", s }' "$WORK/economies" "$WORK/held"
}
run_ok stats --economies "$ECON" --by region "${FILES[@]}"
echo "$OUT" >"$WORK/region.csv"
expect_eq "$(cell "$WORK/region.csv" Africa asn)" "$(group_sum 2 Africa asn)" "Africa asn"
expect_eq "$(cell "$WORK/region.csv" Americas ipv4)" "$(group_sum 2 Americas ipv4)" "Americas ipv4"
expect_eq "$(cell "$WORK/region.csv" Africa economies)" "$(awk -F'|' '$2 == "Africa"' "$WORK/economies" | wc -l)" "economies of Africa"
run_ok stats --economies "$ECON" --by subregion "${FILES[@]}"
echo "$OUT" >"$WORK/subregion.csv"
expect_eq "$(cell "$WORK/subregion.csv" "Southern Asia" ipv4)" "$(group_sum 3 "Southern Asia" ipv4)" "Southern Asia ipv4"
run_ok stats --economies "$ECON" --by group "${FILES[@]}"
echo "$OUT" >"$WORK/group.csv"
expect_eq "$(cell "$WORK/group.csv" LDC ipv4)" "$(group_sum 4 x ipv4)" "LDC ipv4"
near "$(cell "$WORK/group.csv" SIDS ipv6_48)" "$(group_sum 6 x ipv6)" "SIDS ipv6 /48s"
expect_eq "$(cell "$WORK/group.csv" LLDC asn)" "$(group_sum 5 x asn)" "LLDC asn"
# Share of LDC economies with any IPv6.
ldc=$(awk -F'|' '$4 == "x" { print $1 }' "$WORK/economies" | sort)
ldc_v6=$(awk '$2 == "ipv6" { print $1 }' "$WORK/held" | sort -u | comm -12 - <(echo "$ldc") | wc -l)
expect_eq "$(cell "$WORK/group.csv" LDC economies_with_ipv6)" "$ldc_v6" "LDC economies with IPv6"
expect_eq "$(cell "$WORK/group.csv" LDC economies)" "$(echo "$ldc" | wc -l)" "LDC economies"
# The world: every held record, the codes that are no economy included.
expect_eq "$(cell "$WORK/group.csv" world records)" "$(wc -l <"$WORK/held")" "world records"
run_ok stats --economies "$ECON" --by rir "${FILES[@]}"
expect_eq "$(cell <(echo "$OUT") lacnic ipv4)" \
  "$(awk -F'|' '$1 == "lacnic" && $3 == "ipv4" && ($7 == "allocated" || $7 == "assigned") { s += $5 } END { print s }' "$RIR/current/delegated-lacnic-extended-latest")" "lacnic ipv4"

# ---- time series: new and cumulative by the records' years ----
run_ok stats --economies "$ECON" --by rir --table series "${FILES[@]}"
echo "$OUT" >"$WORK/series.csv"
for year in 1995 2010 2020; do
  row=$(awk -F, -v y="$year" '$1 == "world" && $2 == y' "$WORK/series.csv")
  new=$(awk -v y="$year" '$2 == "ipv4" && substr($5, 1, 4) == y { s += $3 } END { print s + 0 }' "$WORK/held")
  total=$(awk -v y="$year" '$2 == "ipv4" && $5 + 0 > 0 && substr($5, 1, 4) <= y { s += $3 } END { printf "%.0f\n", s }' "$WORK/held")
  expect_eq "$(cut -d, -f4 <<<"$row")" "$new" "world ipv4 new in $year"
  expect_eq "$(cut -d, -f7 <<<"$row")" "$total" "world ipv4 up to $year"
done

# ---- JSON: the same figures, gaps as null ----
run_ok stats --economies "$ECON" --format json "${FILES[@]}"
echo "$OUT" >"$WORK/stats.json"
python3 - "$WORK/stats.json" <<'PY' || fail "JSON output"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
rows = {r["economy"]: r for r in d["figures"]}
assert rows["TW"]["population"] is None and rows["TW"]["ipv4_per_capita"] is None
assert rows["ZA"]["name_zh"] == "南非", rows["ZA"]["name_zh"]
assert set(d) >= {"figures", "series", "equity", "lorenz", "unknown", "files"}
assert all(r["amount_share"] <= 1 for r in d["lorenz"] if r["amount_share"] is not None)
PY
pass

# ---- Gini, Theil, HHI on a tiny hand-made input ----
mkdir -p "$WORK/tiny"
cat >"$WORK/tiny/country-codes.csv" <<'CSV'
ISO3166-1-Alpha-2,ISO3166-1-Alpha-3,official_name_en,CLDR display name,official_name_cn,Region Name,Sub-region Name,Least Developed Countries (LDC),Land Locked Developing Countries (LLDC),Small Island Developing States (SIDS)
AA,AAA,"Alpha, Republic of",Alpha,阿,R1,S1,x,,
BB,BBB,Beta,Beta,贝,R2,S2,,x,
CC,CCC,Gamma,Gamma,伽,R1,S1,,,x
DD,DDD,Delta,Delta,德,R2,S2,,,
CSV
cat >"$WORK/tiny/population.csv" <<'CSV'
Country Name,Country Code,Year,Value
"Alpha, Republic of",AAA,2020,1000
Beta,BBB,2020,1000
Gamma,CCC,2020,1000
Delta,DDD,2020,3000
Gamma,CCC,2019,1000
World,WLD,2020,6000
CSV
cat >"$WORK/tiny/delegated-test" <<'RIR'
2|test|20200101|7|19900101|20200101|+0000
test|*|asn|*|3|summary
test|*|ipv4|*|3|summary
test|*|ipv6|*|1|summary
test|CC|ipv4|10.0.0.0|256|20100101|allocated|h1
test|DD|ipv4|10.0.1.0|512|20110101|assigned|h2
test|DD|ipv4|10.0.3.0|256|20110101|allocated|h3
test|ZZ|asn|64500|1|20120101|allocated|h4
test||asn|64502|1|20120101|allocated|h4
test|AA|asn|64501|1||available
test|DD|ipv6|2001:db8::|32|20120101|allocated|h2
RIR
T=(--economies "$WORK/tiny")
# IPv4 held, in /24s: AA 0, BB 0, CC 1, DD 3 (total 4).
# Raw (each economy weight 1/4; shares s = 0, 0, .25, .75):
#   Lorenz (.25, 0) (.5, 0) (.75, .25) (1, 1);
#   Gini = 1 - sum dP (L_k + L_k-1) = 1 - .25 (0 + 0 + .25 + 1.25) = .625
#     (= mean absolute difference / 2 mean: pairs 1, 3, 1, 3, 2 -> 20 / (2 * 16 * 1))
#   Theil = sum s ln(s / p) = .25 ln(1) + .75 ln(3) = .75 ln 3 = 0.8239592165
#   regions R1 = {AA, CC}: S = .25, P = .5; R2 = {BB, DD}: S = .75, P = .5
#   between = .25 ln(.5) + .75 ln(1.5) = 0.1308120359
#   within = .25 T(R1) + .75 T(R2), each T = 1 ln(1 / .5) = ln 2 -> ln 2 = 0.6931471806
# Per capita (weights 1000, 1000, 1000, 3000: p = 1/6, 1/6, 1/6, 1/2):
#   CC and DD both hold .256 per person, AA and BB none;
#   Gini = 1 - [1/6 (0) + 1/6 (0) + 1/6 (.25) + 1/2 (1.25)] = 1/3
#   Theil = .25 ln(.25 / (1/6)) + .75 ln(.75 / .5) = ln 1.5 = 0.4054651081
#   between = .25 ln(.25 / (1/3)) + .75 ln(.75 / (2/3)) = 0.0164167586
#   within = .25 ln(1 / .5) + .75 ln(1 / .75) = 0.3890483495
run_ok stats "${T[@]}" --table equity "$WORK/tiny/delegated-test"
row=$(grep '^ipv4,raw,' <<<"$OUT")
expect_eq "$(cut -d, -f3 <<<"$row")" 4 "economies measured, raw"
near "$(cut -d, -f4 <<<"$row")" 0.625 "raw Gini"
near "$(cut -d, -f5 <<<"$row")" 0.8239592165 "raw Theil"
near "$(cut -d, -f6 <<<"$row")" 0.6931471806 "raw Theil within regions"
near "$(cut -d, -f7 <<<"$row")" 0.1308120359 "raw Theil between regions"
row=$(grep '^ipv4,per_capita,' <<<"$OUT")
near "$(cut -d, -f4 <<<"$row")" 0.3333333333 "per capita Gini"
near "$(cut -d, -f5 <<<"$row")" 0.4054651081 "per capita Theil"
near "$(cut -d, -f6 <<<"$row")" 0.3890483495 "per capita Theil within regions"
near "$(cut -d, -f7 <<<"$row")" 0.0164167586 "per capita Theil between regions"
run_ok stats "${T[@]}" --table lorenz "$WORK/tiny/delegated-test"
expect_eq "$(grep '^ipv4,raw,' <<<"$OUT" | cut -d, -f5,6 | tr '\n' ' ')" "0,0 0.25,0 0.5,0 0.75,0.25 1,1 " "raw Lorenz points"
# HHI of DD's IPv4 holders: h2 512, h3 256 -> (2/3)^2 + (1/3)^2 = 5/9.
run_ok stats "${T[@]}" "$WORK/tiny/delegated-test"
echo "$OUT" >"$WORK/tiny.csv"
near "$(cell "$WORK/tiny.csv" DD hhi_ipv4)" 0.5555555556 "DD HHI of IPv4 holders"
expect_eq "$(cell "$WORK/tiny.csv" AA hhi_ipv4)" "" "AA holds nothing: no HHI"
# DD: 1 /32 = 65536 /48s against 3 /24s.
near "$(cell "$WORK/tiny.csv" DD ipv6_48_per_ipv4_24)" 21845.333333333333 "DD IPv6 /48s per IPv4 /24"
expect_eq "$(cell "$WORK/tiny.csv" AA asn)" 0 "an available record is not held"
expect_eq "$(cell "$WORK/tiny.csv" ZZ records)" 1 "ZZ counted apart"
expect_eq "$(cell "$WORK/tiny.csv" ZZ known)" false "ZZ is no economy"
expect_eq "$(awk -F, '$1 == "" && $2 == "false" { print $0 }' "$WORK/tiny.csv" | cut -d, -f13)" 1 "the empty code counted apart"
expect_match "$ERR" 'ZZ 1, \(empty\) 1' "codes that are no economy said on stderr"
near "$(cell "$WORK/tiny.csv" DD population)" 3000 "DD population"
near "$(cell "$WORK/tiny.csv" DD ipv4_per_capita)" 0.256 "DD IPv4 per person"
run_ok stats "${T[@]}" --year 2019 "$WORK/tiny/delegated-test"
expect_eq "$(cell <(echo "$OUT") DD population)" "" "DD has no 2019 population: a gap"
expect_eq "$(cell <(echo "$OUT") CC population)" 1000 "CC population 2019"
run_ok stats "${T[@]}" --by group "$WORK/tiny/delegated-test"
echo "$OUT" >"$WORK/tinygroup.csv"
expect_eq "$(cell "$WORK/tinygroup.csv" SIDS ipv4)" 256 "SIDS (CC) ipv4"
expect_eq "$(cell "$WORK/tinygroup.csv" other holders)" 2 "holders of the other group (DD: h2, h3)"
expect_eq "$(cell "$WORK/tinygroup.csv" other holders_with_ipv6)" 1 "holders with IPv6 (h2)"
expect_eq "$(cell "$WORK/tinygroup.csv" LDC holders)" "" "no holder ids in LDC: a gap"
run_ok stats "${T[@]}" --by rir --table series "$WORK/tiny/delegated-test"
expect_eq "$(grep '^world,2011,' <<<"$OUT")" "world,2011,2,768,0,0,1024,0,0,0" "series 2011 (512 + 256 new, 1024 in all)"
expect_eq "$(grep '^world,2012,' <<<"$OUT" | cut -d, -f10)" 1 "economies with IPv6 by 2012"

# ---- bad input: the reader's and the CSV reader's file and line ----
printf '2|test|20200101|1|19900101|20200101|+0000\ntest|*|ipv4|*|1|summary\ntest|CC|ipv4|10.0.0.0|abc|20100101|allocated\n' >"$WORK/bad-rir"
run_fails 1 stats "${T[@]}" "$WORK/bad-rir"
expect_match "$ERR" "bad-rir: line 3" "bad exchange file: file and line"
cp -r "$WORK/tiny" "$WORK/badcsv"
printf 'Beta,BBB,"2020,1000\n' >>"$WORK/badcsv/population.csv"
run_fails 1 stats --economies "$WORK/badcsv" "$WORK/tiny/delegated-test"
expect_match "$ERR" "population.csv: line 8: quoted field not closed" "bad CSV: file and line"
printf 'Beta,BBB,20x0,1000\n' >"$WORK/badcsv/population.csv.tail"
{ head -n 1 "$WORK/tiny/population.csv"; cat "$WORK/badcsv/population.csv.tail"; } >"$WORK/badcsv/population.csv"
run_fails 1 stats --economies "$WORK/badcsv" "$WORK/tiny/delegated-test"
expect_match "$ERR" "population.csv: line 2: year" "bad year: file and line"
run_fails 1 stats --economies "$WORK/nowhere" "$WORK/tiny/delegated-test"
expect_match "$ERR" "nowhere/country-codes.csv: cannot open" "missing economy data"
run_fails 2 stats --by planet "$WORK/tiny/delegated-test"
run_fails 2 stats --format xml "$WORK/tiny/delegated-test"

done_checks
