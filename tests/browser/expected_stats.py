#!/usr/bin/env python3
"""Figures the statistics report must show, computed here straight from the
exchange files and country-codes.csv -- a separate, simple method (a sum
over the record lines), never idreg's code.

usage: expected_stats.py COUNTRY_CODES_CSV EXCHANGE_FILE... > expected.json

Held records (allocated, assigned) of every file given are summed per
economy code: IPv4 addresses, IPv6 in /32 units, AS numbers; then per
development group (an economy with the group's flag in country-codes.csv)
and for the world (every held record); and the economy with the most IPv4.
"""
import csv
import json
import sys

codes_path, files = sys.argv[1], sys.argv[2:]
per_cc = {}
for path in files:
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line.lstrip().startswith("#"):
                continue
            fields = line.split("|")
            # The version line starts with a number; summary lines say so in field 6.
            if len(fields) < 7 or fields[5] == "summary" or fields[0].replace(".", "").isdigit():
                continue
            cc, kind, value, status = fields[1].upper(), fields[2], fields[4], fields[6]
            if status not in ("allocated", "assigned"):
                continue
            sums = per_cc.setdefault(cc, {"ipv4": 0, "ipv6_32": 0.0, "asn": 0})
            if kind == "ipv4":
                sums["ipv4"] += int(value)
            elif kind == "ipv6":
                sums["ipv6_32"] += 2.0 ** (32 - int(value))
            elif kind == "asn":
                sums["asn"] += int(value)

groups = {"LDC": "Least Developed Countries (LDC)",
          "LLDC": "Land Locked Developing Countries (LLDC)",
          "SIDS": "Small Island Developing States (SIDS)"}
names = {}
members = {g: set() for g in groups}
with open(codes_path, encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        a2 = row["ISO3166-1-Alpha-2"]
        if not a2:
            continue
        names[a2] = {"en": row["official_name_en"] or row["CLDR display name"],
                     "zh": row["official_name_cn"]}
        for g, column in groups.items():
            if row[column]:
                members[g].add(a2)


def total(codes):
    out = {"ipv4": 0, "ipv6_32": 0.0, "asn": 0}
    for cc in codes:
        for k in out:
            out[k] += per_cc.get(cc, {}).get(k, 0)
    return out


economies = ["CN", "JP", "BR", "ZA", "US", "DE", "FJ"]
expected = {
    "economies": {cc: dict(total([cc]), name_en=names[cc]["en"], name_zh=names[cc]["zh"])
                  for cc in economies},
    "groups": {g: total(members[g]) for g in groups},
    "world": total(per_cc.keys()),
    "largest_ipv4": max(names, key=lambda cc: total([cc])["ipv4"]),
}
json.dump(expected, sys.stdout, ensure_ascii=False, indent=1)
