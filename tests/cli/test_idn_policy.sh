#!/usr/bin/env bash
# idreg idn register-check: the IDN registration policy ([idn] configuration,
# lib/idn/policy.h) against a registry that holds 中国.example and
# scope.example (imported with idreg import domains), under the second-level
# Chinese reference LGR or none; then a registry of schema version 2 (before
# the keys) upgraded, and its keys set by an import.
#
# Expectations come from the LGR XML and from UTS #39, not from running idreg:
#  - 国 U+56FD lists 囯 U+56EF "blocked", 国 "r-simp", 圀 U+5700 "blocked",
#    國 U+570B "trad"; 中 U+4E2D only itself ("r-both").  So 中国's variant
#    labels are 中囯, 中國, 中圀; 中國 (types r-both trad) is allocatable by
#    the action 'only-variants="trad r-trad both r-both trad-1"', the two
#    others are blocked by 'any-variant="blocked"'.  All four share the index
#    label 中囯 (the smallest code point of the set).
#  - 台 U+53F0 lists 台 "r-simp", 檯 U+6AAF "trad-1", 籉 U+7C49 "blocked",
#    臺 U+81FA "trad-2", 颱 U+98B1 "blocked"; 湾 U+6E7E lists 湾 "r-simp",
#    灣 U+7063 "trad".  Of the 5 x 2 - 1 = 9 variant labels of 台湾, 檯灣
#    (trad-1 trad) and 臺灣 (trad-2 trad) are allocatable by the trad-1 and
#    trad-2 actions; the seven others mix simplified and traditional forms or
#    hold a blocked code point: blocked.
#  - confusables.txt (UTS #39) maps Cyrillic ѕ U+0455, с U+0441, о U+043E,
#    р U+0440, е U+0435 to Latin s, c, o, p, e: Cyrillic "ѕсоре" has the
#    skeleton of Latin "scope", and being one script it passes the highly
#    restrictive level; "sсope" (Latin and Cyrillic с) does not.
source "$(dirname "$0")/harness.sh"

chinese="$SHARED/data/lgr/second-level-reference-lgr/lgr-second-level-chinese-language-31may22-en.xml"
tab=$'\t'
db="$WORK/reg.db"

# conf NAME LINES...: a configuration file with an [idn] section.
conf() {
  local file="$WORK/$1.conf"
  shift
  printf '[idn]\n' >"$file"
  printf '%s\n' "$@" >>"$file"
  echo "$file"
}
zh=$(conf zh "lgr = $chinese")
zh_block=$(conf zh-block "lgr = $chinese" "variants = block")
zh_activate=$(conf zh-activate "lgr = $chinese" "variants = activate" "max_activated = 1")
zh_none_active=$(conf zh-none "lgr = $chinese" "max_activated = 0")
plain=$(conf plain "lgr =")
flag=$(conf flag "confusables = flag")
allow=$(conf allow "confusables = allow")

cat >"$WORK/held.jsonl" <<'EOF'
{"name":"中国.example","entities":[{"handle":"R-ONE","roles":["registrant"],"kind":"org","fn":"One Ltd"}]}
{"name":"scope.example","entities":[{"handle":"R-ONE","roles":["registrant"]}]}
EOF
run_ok --db "$db" init
run_ok -c "$zh" --db "$db" import domains "$WORK/held.jsonl"

# ---- variants of a held name ----
run_fails 1 -c "$zh" --db "$db" idn register-check --registrant R-TWO 中國.example
expect_eq "$(cut -f2,3 <<<"$OUT")" "中國.example${tab}refused" "中國 by another registrant"
expect_match "$OUT" "a variant of a name another registrant holds: 中国.example, held by R-ONE \\(index label 中囯.example\\)" "reason names the held name"
run_fails 1 -c "$zh" --db "$db" idn register-check 中國.example
expect_match "$OUT" "${tab}refused${tab}a variant of a name another registrant holds" "中國 by nobody known"

run_ok -c "$zh" --db "$db" idn register-check --registrant r-one 中國.example
expect_eq "$(sed -n 1p <<<"$OUT" | cut -f3)" accepted "中國 by the same registrant (handle case ignored)"
expect_match "$(sed -n 1p <<<"$OUT")" "reserved for this registrant: an allocatable variant of 中国.example" "its reserved variant"
expect_eq "$(sed -n '2,$p' <<<"$OUT" | cut -f2,3 | sort)" "$(printf '%s\n' "中囯.example${tab}blocked" "中国.example${tab}held" "中圀.example${tab}blocked" | sort)" "中國's variant set"

run_fails 1 -c "$zh" --db "$db" idn register-check --registrant R-ONE 中国.example
expect_match "$OUT" "^中国.example${tab}中国.example${tab}refused${tab}already registered: held by R-ONE\$" "the held name itself"

run_fails 1 -c "$zh_block" --db "$db" idn register-check --registrant R-ONE 中國.example
expect_match "$OUT" "refused${tab}a variant of a held name that is not allocatable: a variant of 中国.example, and the policy blocks every variant" "block: even for the same registrant"
run_fails 1 -c "$zh_none_active" --db "$db" idn register-check --registrant R-ONE 中國.example
expect_match "$OUT" "refused${tab}the held name has all the active variants allowed: 中国.example has 0 variants registered beside it, as many as idn.max_activated \\(0\\)" "max_activated 0"

# ---- the variant set of a new label ----
expected_taiwan=$(printf '%s\n' 台灣 檯湾 籉湾 籉灣 臺湾 颱湾 颱灣 | sed "s/\$/.example${tab}blocked/"
                  printf '%s\n' 檯灣 臺灣 | sed "s/\$/.example${tab}reserved/")
run_ok -c "$zh" --db "$db" idn register-check --registrant R-TWO 台湾.example
expect_eq "$(sed -n 1p <<<"$OUT" | cut -f1-3)" "台湾.example${tab}台湾.example${tab}accepted" "台湾 may be registered"
expect_eq "$(sed -n '2,$p' <<<"$OUT" | cut -f2,3 | sort)" "$(sort <<<"$expected_taiwan")" "台湾: 檯灣 and 臺灣 reserved, seven variants blocked"
expect_match "$(grep "${tab}臺灣.example${tab}" <<<"$OUT" | cut -f4)" "^allocatable: action 8 \\(line [0-9]+\\): disp=allocatable only-variants" "the LGR's reason for a variant"

run_ok -c "$zh_block" --db "$db" idn register-check 台湾.example
expect_eq "$(sed -n '2,$p' <<<"$OUT" | cut -f3 | sort | uniq -c | awk '{ print $1, $2 }')" "9 blocked" "block: every variant blocked"
run_ok -c "$zh_activate" --db "$db" idn register-check 台湾.example
expect_eq "$(sed -n '2,$p' <<<"$OUT" | cut -f3 | sort | uniq -c | awk '{ print $1, $2 }' | tr '\n' ' ')" "1 activated 7 blocked 1 reserved " "activate, max_activated 1: one of the two allocatable variants activated"
run_ok -c "$(conf zh-activate2 "lgr = $chinese" "variants = activate")" --db "$db" idn register-check 台湾.example
expect_eq "$(grep -c "${tab}activated${tab}" <<<"$OUT")" 2 "activate, max_activated 2 (the default): both"

# ---- the LGR and IDNA2008 refuse first ----
run_fails 1 -c "$zh" --db "$db" idn register-check ѕсоре.example
expect_match "$OUT" "${tab}refused${tab}invalid under the LGR: .*U\\+0455" "a Cyrillic label under the Chinese LGR"
run_fails 1 -c "$zh" --db "$db" idn register-check bad_name.example
expect_match "$OUT" "^bad_name.example${tab}-${tab}refused${tab}refused by the IDNA2008 registration check" "IDNA2008 before all"

# ---- confusables (no LGR) ----
run_fails 1 -c "$plain" --db "$db" idn register-check ѕсоре.example
expect_match "$OUT" "${tab}refused${tab}looks like a held name \\(same UTS #39 skeleton\\): scope.example, held by R-ONE \\(skeleton scope.example\\)" "Cyrillic look-alike refused (the default)"
run_ok -c "$flag" --db "$db" idn register-check ѕсоре.example
expect_match "$OUT" "^ѕсоре.example${tab}ѕсоре.example${tab}flagged${tab}looks like a held name" "flagged under flag"
run_ok -c "$plain" --db "$db" idn register-check --registrant R-ONE ѕсоре.example
expect_eq "$(cut -f3 <<<"$OUT")" accepted "the holder of scope.example may hold its look-alike"
run_ok -c "$allow" --db "$db" idn register-check ѕсоре.example
expect_eq "$(cut -f3 <<<"$OUT")" accepted "allow"
run_fails 1 -c "$flag" --db "$db" idn register-check sсope.example
expect_match "$OUT" "${tab}refused${tab}beyond the restriction level \\(UTS #39\\): .*Latin, Cyrillic" "mixed scripts refused whatever idn.confusables says"
run_fails 1 -c "$(conf minimal "restriction_level = minimally-restrictive")" --db "$db" idn register-check sсope.example
expect_match "$OUT" "${tab}refused${tab}looks like a held name" "a looser level lets the mix through to the skeleton"

# ---- a policy per zone ([idn.ZONE]) ----
# The Chinese LGR for names under 中国 (written as its A-label) and under
# example, none for every other zone: the keys of each name follow its own
# zone's policy, so 中國.中国 is a variant of a held 中国.中国 while 中國.other
# is no variant of a held 中国.other.
zones="$WORK/zones.conf"
printf '%s\n' "[idn]" "lgr =" "[idn.xn--fiqs8s]" "lgr = $chinese" "[idn.example]" "lgr = $chinese" \
  "variants = block" >"$zones"
zdb="$WORK/zones.db"
printf '%s\n' '{"name":"中国.中国","entities":[{"handle":"R-ONE","roles":["registrant"],"kind":"org","fn":"One Ltd"}]}' \
  '{"name":"中国.other","entities":[{"handle":"R-ONE","roles":["registrant"]}]}' >"$WORK/zones.jsonl"
run_ok --db "$zdb" init
run_ok -c "$zones" --db "$zdb" import domains "$WORK/zones.jsonl"
expect_eq "$(sqlite3 "$zdb" "SELECT unicode_name, index_key FROM domain ORDER BY unicode_name" | tr '\n' ' ')" \
  "中国.other|中国.other 中国.中国|中囯.中国 " "index keys under each zone's own LGR"
run_fails 1 -c "$zones" --db "$zdb" idn register-check --registrant R-TWO 中國.中国
expect_match "$OUT" "${tab}refused${tab}a variant of a name another registrant holds: 中国.中国" "中国: the zone's LGR finds the variant"
run_ok -c "$zones" --db "$zdb" idn register-check --registrant R-ONE 中國.中国
expect_match "$(sed -n 1p <<<"$OUT")" "${tab}accepted${tab}.*reserved for this registrant" "中国: reserve, the default, for the same registrant"
run_ok -c "$zones" --db "$zdb" idn register-check --registrant R-TWO 中國.other
expect_eq "$(cut -f3 <<<"$OUT")" accepted "other: no LGR, 中國 is no variant of 中国"
run_ok -c "$zones" --db "$zdb" idn register-check --registrant R-TWO 台湾.example
expect_eq "$(sed -n '2,$p' <<<"$OUT" | cut -f3 | sort | uniq -c | awk '{ print $1, $2 }')" "9 blocked" "example: its own variants = block"
run_ok -c "$zones" --check-config
expect_eq "$(sed -n '/^\[idn.example\]$/,$p' <<<"$OUT")" "[idn.example]
lgr = $chinese
variants = block" "--check-config prints the zone sections"
printf '%s\n' "[idn.example]" "variant = block" >"$WORK/typo.conf"
run_fails 1 -c "$WORK/typo.conf" --db "$zdb" idn register-check 台湾.example
expect_match "$ERR" "typo.conf:2: unknown key 'variant' in section \\[idn.example\\]" "a zone's unknown key, with file and line"

# ---- batch: names on standard input, one line each ----
status=0
printf '%s\n' 台湾.example 中國.example "" >"$WORK/names"
"$IDREG" -c "$zh" --db "$db" idn register-check --registrant R-TWO <"$WORK/names" >"$WORK/out" 2>"$WORK/err" || status=$?
expect_eq "$status" 1 "batch: exit 1 when a name is refused"
expect_eq "$(cut -f1,3 "$WORK/out" | grep -v "${tab}blocked\$" | grep -v "${tab}reserved\$")" "台湾.example${tab}accepted
中國.example${tab}refused
${tab}refused" "batch: one decision per line, then the variant lines"

# ---- a registry from before the keys (schema version 2) ----
old="$WORK/old.db"
run_ok --db "$old" init
run_ok -c "$zh" --db "$old" import domains "$WORK/held.jsonl"
sqlite3 "$old" "DROP INDEX domain_index_key; DROP INDEX domain_skeleton_key;
  ALTER TABLE domain DROP COLUMN index_key; ALTER TABLE domain DROP COLUMN skeleton_key;
  DROP TABLE eir_observation; DROP TABLE eir_tac; DROP TABLE eir_list; DROP TABLE eir_import;
  DROP TABLE eir_class_run; DROP TABLE eir_class; DROP TABLE registrar;
  DROP TABLE eir_segment;
  DROP TABLE alloc_pool; DROP TABLE alloc_waiting; DROP TABLE alloc_assignment;
  DELETE FROM id_counter WHERE name IN ('alloc_pool', 'alloc_waiting', 'alloc_assignment');
  DROP INDEX domain_sponsor; DROP INDEX domain_expiring; DROP INDEX domain_host_host; DROP INDEX domain_entity_entity; DROP INDEX entity_handle_nocase;
  DROP INDEX history_change_set;
  DROP TABLE domain_grace; DROP TABLE domain_variant; DROP TABLE object_transfer;
  DROP TABLE poll_message; DROP TABLE tld; DROP TABLE tld_reserved;
  ALTER TABLE change_set DROP COLUMN sv_trid; ALTER TABLE change_set DROP COLUMN cl_trid;
  ALTER TABLE domain DROP COLUMN sponsor; ALTER TABLE domain DROP COLUMN creator; ALTER TABLE domain DROP COLUMN updater; ALTER TABLE domain DROP COLUMN transferred; ALTER TABLE domain DROP COLUMN auth_info; ALTER TABLE domain DROP COLUMN idn_table;
  ALTER TABLE host DROP COLUMN sponsor; ALTER TABLE host DROP COLUMN creator; ALTER TABLE host DROP COLUMN created; ALTER TABLE host DROP COLUMN updater; ALTER TABLE host DROP COLUMN updated; ALTER TABLE host DROP COLUMN transferred; ALTER TABLE host DROP COLUMN status;
  ALTER TABLE entity DROP COLUMN sponsor; ALTER TABLE entity DROP COLUMN creator; ALTER TABLE entity DROP COLUMN created; ALTER TABLE entity DROP COLUMN updater; ALTER TABLE entity DROP COLUMN updated; ALTER TABLE entity DROP COLUMN transferred; ALTER TABLE entity DROP COLUMN auth_info; ALTER TABLE entity DROP COLUMN status; ALTER TABLE entity DROP COLUMN postal_int; ALTER TABLE entity DROP COLUMN disclose;
  UPDATE schema_version SET version = 2;"
run_ok --db "$old" summary
expect_eq "$(sqlite3 "$old" 'SELECT version FROM schema_version')" \
  "$(sqlite3 "$db" 'SELECT version FROM schema_version')" "upgraded to the current version"
expect_eq "$(sqlite3 "$old" 'SELECT count(*) FROM domain WHERE index_key IS NULL AND skeleton_key IS NULL')" 2 "the migration leaves the keys NULL"
run_ok -c "$zh" --db "$old" idn register-check --registrant R-TWO 中國.example
expect_match "$ERR" "2 of the registry's domains have no IDN keys yet" "register-check says the keys are missing"
: >"$WORK/empty.jsonl"
run_ok -c "$zh" --db "$old" import domains "$WORK/empty.jsonl"
expect_match "$OUT" "IDN keys set for 2 domains held before" "an import sets the keys of the domains held"
expect_eq "$(sqlite3 "$old" "SELECT index_key FROM domain WHERE unicode_name = '中国.example'")" 中囯.example "index key"
run_fails 1 -c "$zh" --db "$old" idn register-check --registrant R-TWO 中國.example
expect_match "$OUT" "${tab}refused${tab}a variant of a name another registrant holds" "then the variant is found"
expect_eq "$(cat "$WORK/err")" "" "and nothing is missing"
# Keys follow the configured LGR: without one, an import makes the index key the label itself.
run_ok -c "$plain" --db "$old" import domains "$WORK/empty.jsonl"
expect_eq "$(sqlite3 "$old" "SELECT index_key FROM domain WHERE unicode_name = '中国.example'")" 中国.example "keys recomputed for another policy"
run_ok -c "$plain" --db "$old" idn register-check --registrant R-TWO 中國.example
expect_eq "$(sed -n 1p <<<"$OUT" | cut -f3)" accepted "without an LGR 中國 is no variant of 中国"

done_checks
