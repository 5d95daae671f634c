#!/usr/bin/env bash
# `idreg export bootstrap` writes RFC 9224 files that cover exactly the
# blocks the registry holds: checked against the RIR files with Python's
# ipaddress module, an implementation independent of idreg's.
source "$(dirname "$0")/harness.sh"

db="$WORK/reg.db"
files=("$RIR/current/delegated-afrinic-extended-latest" "$RIR/fixtures-nro-delegated-stats/arin")
run_ok --db "$db" init
run_ok --db "$db" import rir "${files[@]}"
mkdir "$WORK/bootstrap"
run_ok --db "$db" export bootstrap --out "$WORK/bootstrap" --url https://rdap.example.net
expect_match "$OUT" "ipv4.json: [0-9]+ prefixes" "report"

python3 - "$WORK/bootstrap" "${files[@]}" <<'PY' || fail "bootstrap files do not match the records"
import ipaddress, json, sys

outdir, files = sys.argv[1], sys.argv[2:]
held = {"asn": [], "ipv4": [], "ipv6": []}
for path in files:
    for line in open(path):
        f = line.rstrip("\n").split("|")
        if line.startswith("#") or len(f) < 7 or f[5] == "summary" or f[1] == "*" or f[0][0].isdigit():
            continue
        kind, start, value = f[2], f[3], int(f[4])
        if kind == "asn":
            held[kind].append((int(start), int(start) + value - 1))
        elif kind == "ipv4":
            a = int(ipaddress.IPv4Address(start))
            held[kind].append((a, a + value - 1))
        else:
            net = ipaddress.IPv6Network(f"{start}/{value}")
            held[kind].append((int(net.network_address), int(net.broadcast_address)))

def union(ranges):
    merged = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return merged

for kind in ("asn", "ipv4", "ipv6"):
    doc = json.load(open(f"{outdir}/{kind}.json"))
    assert doc["version"] == "1.0", doc["version"]
    assert doc["services"][0][1] == ["https://rdap.example.net/"], doc["services"][0][1]
    listed = []
    for entry in doc["services"][0][0]:
        if kind == "asn":
            lo, hi = entry.split("-")
            listed.append((int(lo), int(hi)))
        else:
            net = ipaddress.ip_network(entry)  # strict: host bits must be zero
            listed.append((int(net.network_address), int(net.broadcast_address)))
    want = union(held[kind])
    got = union(listed)
    if want != got:
        sys.exit(f"{kind}: listed blocks differ from the records' union ({len(got)} vs {len(want)} runs)")
    # The fewest prefixes: no two listed IP prefixes could be one.
    if kind != "asn" and len(listed) != len(set(listed)):
        sys.exit(f"{kind}: a prefix is listed twice")
print("bootstrap ok")
PY
pass

run_fails 2 --db "$db" export bootstrap
run_fails 1 --db "$db" export bootstrap --out "$WORK/missing/dir"
expect_match "$ERR" "cannot write" "unwritable directory"

done_checks
