#!/usr/bin/env bash
# idreg stats --format html: the report page.  On economy data with hostile
# names (markup, quotes, ampersands in names and regions) every name comes
# back as written -- escaped, never markup -- and the page is well-formed
# (parsed as XML, and its tags balanced by Python's html.parser); gaps are
# shown as gaps and codes that are no economy in their table.  On the real
# files, both languages are well-formed and the Chinese page names economies
# as country-codes.csv does.  The checks are Python's reading of the page,
# against the inputs written here.
source "$(dirname "$0")/harness.sh"
ECON="$SHARED/data/economies"

mkdir -p "$WORK/hostile"
cat >"$WORK/hostile/country-codes.csv" <<'CSV'
ISO3166-1-Alpha-2,ISO3166-1-Alpha-3,official_name_en,CLDR display name,official_name_cn,Region Name,Sub-region Name,Least Developed Countries (LDC),Land Locked Developing Countries (LLDC),Small Island Developing States (SIDS)
AA,AAA,"<script>alert(""x"")</script> & Co",Alpha,<b>粗</b>&amp;,R&D <Region>,S1,x,,
BB,BBB,"O'Brien ""Isle""",Beta,"贝'""'",Asia,S2,,x,
CC,CCC,Gamma</td></tr></table>,Gamma,伽,R&D <Region>,S1,,,x
CSV
cat >"$WORK/hostile/population.csv" <<'CSV'
Country Name,Country Code,Year,Value
A,AAA,2020,1000
C,CCC,2020,3000
CSV
cat >"$WORK/hostile/delegated-test" <<'RIR'
2|test|20200101|6|19900101|20200101|+0000
test|*|asn|*|2|summary
test|*|ipv4|*|2|summary
test|*|ipv6|*|2|summary
test|AA|ipv4|10.0.0.0|256|20100101|allocated|h1
test|BB|ipv4|10.0.1.0|512|20110101|assigned|h2
test|AA|ipv6|2001:db8::|32|20120101|allocated|h1
test|CC|ipv6|2001:db9::|48|20150101|allocated|h3
test|ZZ|asn|64500|1|20120101|allocated|h4
test||asn|64502|1|20120101|allocated|h4
RIR

# check_page FILE CHECKS: FILE parses as XML and as HTML with balanced tags;
# then the Python CHECKS run with `page` (the text), `texts` (every text
# node), `attrs` (every attribute value), `tags` (start tag names, counted),
# `cells(table, key)` (the cells of a row: {data-col: (data-v, text, class)})
# and fail(msg).
check_page() {
  python3 - "$1" "$2" <<'PY' || fail "$(basename "$1"): see above"
import collections, sys, xml.etree.ElementTree as ET
from html.parser import HTMLParser

path, checks = sys.argv[1], sys.argv[2]
page = open(path, encoding="utf-8").read()
ET.fromstring(page.split("\n", 1)[1])  # strict: well-formed XML after the doctype

VOID = {"meta", "link", "br", "img", "input", "hr", "path"}
class Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.texts, self.attrs = [], [], []
        self.tags = collections.Counter()
        self.tables, self.rows = {}, None
        self.cell = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        self.attrs += [v for _, v in attrs if v is not None]
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "table":
            self.table = a.get("id"); self.tables[self.table] = {"cols": [], "rows": {}}
        elif tag == "th":
            self.tables[self.table]["cols"].append(a.get("data-col"))
        elif tag == "tr":
            self.row = self.tables[self.table]["rows"].setdefault(a["data-key"], []) \
                if "data-key" in a else []
        elif tag == "td":
            self.cell = [a.get("data-v"), "", a.get("class")]
            self.row.append(self.cell)
    def handle_startendtag(self, tag, attrs):
        self.tags[tag] += 1
        self.attrs += [v for _, v in attrs if v is not None]
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack.pop() != tag:
            raise SystemExit("FAIL: unbalanced </%s>" % tag)
        if tag == "td":
            self.cell = None
    def handle_data(self, data):
        self.texts.append(data)
        if self.cell is not None:
            self.cell[1] += data

r = Reader()
r.feed(page)
r.close()
if r.stack:
    raise SystemExit("FAIL: unclosed %s" % r.stack)

def cells(table, key):
    t = r.tables[table]
    return dict(zip(t["cols"], (tuple(c) for c in t["rows"][key])))

def fail(msg):
    raise SystemExit("FAIL: " + msg)

texts, attrs, tags = r.texts, r.attrs, r.tags
exec(checks)
PY
  pass
}

H=(--economies "$WORK/hostile")
run_ok stats "${H[@]}" --format html "$WORK/hostile/delegated-test"
echo "$OUT" >"$WORK/hostile-en.html"
check_page "$WORK/hostile-en.html" '
for name in ["<script>alert(\"x\")</script> & Co", "O'"'"'Brien \"Isle\"", "Gamma</td></tr></table>"]:
    if name not in texts:
        fail("the name %r is not a text of the page" % name)
    if name not in attrs:
        fail("the name %r is not an attribute value (data-v) of the page" % name)
if "R&D <Region>" not in texts:
    fail("the region name is not a text of the page (table and chart legend)")
if tags["script"] != 1 or tags["b"] != 0:
    fail("markup from the data became elements: %d script, %d b" % (tags["script"], tags["b"]))
if "<script>alert" in page or "Gamma</td>" in page:
    fail("a name went into the page unescaped")
aa = cells("world-table", "AA")
if aa["ipv4"][0] != "256" or aa["ipv6_32"][0] != "1":
    fail("AA holds 256 IPv4 addresses and one /32: %r" % (aa,))
bb = cells("world-table", "BB")
if bb["population"][2] != "gap" or bb["population"][0] != "" or bb["ipv4_per_capita"][2] != "gap":
    fail("BB has no population: a gap, not 0: %r" % (bb,))
unknown = r.tables["unknown-table"]["rows"]
if set(unknown) != {"ZZ", ""}:
    fail("ZZ and the empty code are in the unknown table: %r" % sorted(unknown))
'
run_ok stats "${H[@]}" --format html --lang zh "$WORK/hostile/delegated-test"
echo "$OUT" >"$WORK/hostile-zh.html"
check_page "$WORK/hostile-zh.html" '
for name in ["<b>粗</b>&amp;", "贝'"'"'\"'"'"'"]:
    if name not in texts:
        fail("the Chinese name %r is not a text of the page" % name)
if tags["b"] != 0 or tags["script"] != 1:
    fail("markup from a Chinese name became an element")
if "lang=\"zh-Hans\"" not in page:
    fail("the page is not marked as Chinese")
'
run_fails 2 stats "${H[@]}" --format html --lang fr "$WORK/hostile/delegated-test"
expect_match "$ERR" "--lang is en or zh" "an unknown language"

# The real files: both languages well-formed, Chinese names from the data.
for lang in en zh; do
  run_ok stats --economies "$ECON" --format html --lang "$lang" "$RIR/current"
  echo "$OUT" >"$WORK/real-$lang.html"
done
check_page "$WORK/real-en.html" '
if cells("world-table", "CN")["name"][1] != "China":
    fail("CN is China on the English page")
if len(r.tables["world-table"]["rows"]) < 200 or tags["svg"] != 6:
    fail("every economy and six charts")
'
CN_ZH=$(python3 -c 'import csv, sys
print(next(r["official_name_cn"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))
           if r["ISO3166-1-Alpha-2"] == "CN"))' "$ECON/country-codes.csv")
check_page "$WORK/real-zh.html" "
if cells('world-table', 'CN')['name'][1] != '$CN_ZH':
    fail('CN is named as official_name_cn says on the Chinese page: %r' % (cells('world-table', 'CN')['name'],))
"
done_checks
