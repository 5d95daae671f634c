#!/usr/bin/env bash
# The statistics report served by the real idregd, on a registry built from
# the real RIR files: its HTTP (content type, Content-Security-Policy, ETag
# and 304, Last-Modified, HEAD, the redirect to the final '/', 404, 405,
# RDAP beside it), the pages well-formed, then in headless Chromium
# (stats_pages.js: no console error or failed request, charts drawn, a
# screenshot check, sorting, figures equal to those computed from the raw
# files by expected_stats.py, Chinese names); a reload rebuilds the pages;
# and a daemon whose economy data cannot be read answers /stats/ with a 503
# page and RDAP as usual.
HERE_BROWSER=$(cd "$(dirname "$0")" && pwd)
source "$HERE_BROWSER/../daemon/harness_daemon.sh"

[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium (scripts/deps.sh installs it)"
command -v node >/dev/null || fail "no node (scripts/deps.sh installs nodejs)"
[ -d "$HERE_BROWSER/node_modules/playwright-core" ] ||
  fail "no playwright-core in tests/browser/node_modules (scripts/deps.sh runs npm ci)"
pass

DB="$WORK/reg.db"
build_registry "$DB"
ECONOMIES="$SHARED/data/economies"
start_daemon stats --set "stats.economies=$ECONOMIES"

step "http"
rdap stats/
expect_eq "$STATUS" 200 "/stats/ status"
expect_eq "$(header Content-Type)" "text/html; charset=utf-8" "/stats/ Content-Type"
expect_match "$(header Content-Security-Policy)" "^default-src 'none'; .*script-src 'self'" "/stats/ CSP"
expect_eq "$(header X-Content-Type-Options)" "nosniff" "/stats/ nosniff"
expect_match "$(header Last-Modified)" "^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$" "/stats/ Last-Modified"
ETAG=$(header ETag)
expect_match "$ETAG" '^"[0-9a-f]{16}"$' "/stats/ ETag"
LENGTH=$(header Content-Length)
expect_eq "$LENGTH" "$(wc -c <"$BODY_FILE")" "/stats/ Content-Length is the body's"
cp "$BODY_FILE" "$WORK/en.html"
# A 304 has no body, so no body file: curl by hand.
: >"$WORK/304.body"
STATUS=$(curl -s --max-time 10 -D "$WORK/headers" -o "$WORK/304.body" -w '%{http_code}' \
  -H "If-None-Match: $ETAG" "$BASE/stats/") || true
HDRS=$(tr -d '\r' <"$WORK/headers")
expect_eq "$STATUS" 304 "/stats/ with its ETag in If-None-Match"
expect_eq "$(wc -c <"$WORK/304.body")" 0 "304 without a body"
expect_eq "$(header Content-Length)" "" "304 without Content-Length"
expect_eq "$(header ETag)" "$ETAG" "304 with the ETag"
rdap -H 'If-None-Match: "0000000000000000", W/"1"' stats/
expect_eq "$STATUS" 200 "/stats/ with another ETag"
rdap -I stats/
expect_eq "$STATUS" 200 "HEAD /stats/"
expect_eq "$(header Content-Length)" "$LENGTH" "HEAD /stats/ Content-Length"
rdap stats
expect_eq "$STATUS" 301 "/stats: redirected"
expect_eq "$(header Location)" "/stats/" "/stats: Location"
rdap stats/zh
expect_eq "$(header Location)" "/stats/zh/" "/stats/zh: Location"
rdap stats/zh/
expect_eq "$STATUS" 200 "/stats/zh/ status"
expect_match "$(cat "$BODY_FILE")" '<html [^>]*lang="zh-Hans"' "/stats/zh/ is in Chinese"
cp "$BODY_FILE" "$WORK/zh.html"
for asset in report.css:text/css report.js:text/javascript "icon.svg:image/svg\\+xml"; do
  rdap "stats/${asset%%:*}"
  expect_eq "$STATUS" 200 "/stats/${asset%%:*} status"
  expect_match "$(header Content-Type)" "^${asset#*:}" "/stats/${asset%%:*} Content-Type"
done
rdap stats/nothing-here
expect_eq "$STATUS" 404 "/stats/nothing-here status"
expect_eq "$(header Content-Type)" "text/html; charset=utf-8" "404 page Content-Type"
rdap -X POST stats/
expect_eq "$STATUS" 405 "POST /stats/"
expect_eq "$(header Allow)" "GET, HEAD" "POST /stats/ Allow"
rdap statsx
expect_rdap 400 rdap_error.json "/statsx is RDAP's"
rdap ip/1.1.1.1
expect_rdap 200 rdap_ip_network.json "RDAP beside the report"

step "well-formed"
for lang in en zh; do
  out=$("$PY" -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = {"h": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg"}
print(len(root.findall(".//s:svg", ns)), len(root.findall(".//h:table", ns)))' "$WORK/$lang.html" 2>&1) ||
    fail "/stats/ ($lang) is not well-formed: $out"
  expect_eq "$out" "6 6" "/stats/ ($lang): 6 charts and 6 tables"
done

step "chromium"
"$PY" "$HERE_BROWSER/expected_stats.py" "$ECONOMIES/country-codes.csv" "${DATA_FILES[@]}" \
  >"$WORK/expected.json"
out=$(cd "$HERE_BROWSER" && node stats_pages.js "$BASE" "$WORK/expected.json" "$WORK" 2>&1) ||
  fail "in Chromium: $out"
CHECKS=$((CHECKS + $(sed -n 's/^\([0-9]*\) checks, 0 failed$/\1/p' <<<"$out")))
pass

step "reload"
rdap stats/
MODIFIED=$(header Last-Modified)
sleep 1.1 # Last-Modified counts seconds
kill -HUP "$DPID"
for _ in $(seq 300); do
  rdap stats/
  [ "$(header Last-Modified)" != "$MODIFIED" ] && break
  sleep 0.1
done
expect_eq "$STATUS" 200 "/stats/ after a reload"
[ "$(header Last-Modified)" != "$MODIFIED" ] || fail "a reload rebuilds the pages: Last-Modified still $MODIFIED"
pass
expect_eq "$(header ETag)" "$ETAG" "same data, same page after a reload"
stop_daemon

step "no economy data"
start_daemon no-economies --set "stats.economies=$WORK/no-such-directory" --log-level warn
rdap stats/
expect_eq "$STATUS" 503 "/stats/ without economy data"
expect_eq "$(header Content-Type)" "text/html; charset=utf-8" "503 page Content-Type"
expect_match "$(cat "$BODY_FILE")" "not available" "503 page says so"
rdap ip/1.1.1.1
expect_rdap 200 rdap_ip_network.json "RDAP without economy data"
expect_match "$(cat "$DERR")" "statistics report not available .*no-such-directory" "the log says why"
stop_daemon
done_checks
