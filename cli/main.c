/*
 * idreg: the registry's command-line tool.  This file holds the command
 * table, the global options (--db, --config, --log-*, --check-config) and
 * dispatch; the commands themselves are thin wrappers over lib/.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"

#ifndef IDREG_VERSION
#define IDREG_VERSION "0"
#endif

static const struct cli_command commands[] = {
	{ "init", NULL, cli_cmd_init, "", "create an empty registry",
	  "Creates a new registry at the --db path (or store.path). Fails if one is\n"
	  "already there.\n" },
	{ "import", "rir", cli_cmd_import_rir, "[--skip-bad] [--ignore-counts] [--force] PATH...",
	  "import RIR statistics exchange files",
	  "Imports delegated and delegated-extended files of the RIRs, the NRO and\n"
	  "IANA. Each file replaces what the previous file of the same registry said,\n"
	  "in one transaction; every created, changed and removed record goes into\n"
	  "the history. A PATH that is a directory is searched for exchange files,\n"
	  "and only the newest file of each registry found there is imported.\n"
	  "\n"
	  "  --skip-bad       leave malformed lines out (and say which) instead of\n"
	  "                   rejecting the whole file\n"
	  "  --ignore-counts  import a file whose summary or version-line counts\n"
	  "                   disagree with its records, with a warning\n"
	  "  --force          import a file even if it is older than the one held\n" },
	{ "import", "domains", cli_cmd_import_domains, "[--skip-bad] [--replace] FILE...",
	  "import domains, their nameservers and entities (JSON Lines)",
	  "Imports files in the domains format (docs/domains-format.md): one domain\n"
	  "per line with its nameservers and their addresses, DS records, statuses,\n"
	  "dates and entities in their roles. Names may be given as U-labels or\n"
	  "A-labels; both forms are kept. Each file is one transaction: its domains\n"
	  "are created or changed (unchanged ones are left alone), hosts and entities\n"
	  "likewise, and hosts and entities no domain refers to any more are\n"
	  "removed; every change goes into the history. A bad line refuses the file\n"
	  "with its line number, the field and the reason, and changes nothing.\n"
	  "Lines may be up to import.max_domain_line_bytes long.\n"
	  "\n"
	  "  --skip-bad   leave bad lines out (and say which) instead of refusing\n"
	  "               the whole file\n"
	  "  --replace    also remove the domains the file does not name (one FILE)\n"
	  "\n"
	  "Every domain the registry then holds gets the keys of the IDN policy of\n"
	  "the [idn] configuration (its index label and skeleton, which 'idn\n"
	  "register-check' looks names up by); keys missing (a registry from before\n"
	  "them) or stale (another LGR) are set, without a history line.\n" },
	{ "export", "rir", cli_cmd_export_rir, "--registry NAME [--output FILE]",
	  "write a registry's records in the exchange format",
	  "Writes the records of one registry as an exchange-format file, with the\n"
	  "version and summary lines, to standard output or to FILE (written to a\n"
	  "temporary file and renamed into place).\n" },
	{ "export", "bootstrap", cli_cmd_export_bootstrap, "--out DIR [--url URL]",
	  "write RFC 9224 bootstrap files for the resources held",
	  "Writes asn.json, ipv4.json and ipv6.json into DIR: every block the registry\n"
	  "holds records for, merged where blocks touch, served by the RDAP base URL\n"
	  "URL (default: rdap.base_url, or http://RDAP-LISTEN-ADDRESS/).\n" },
	{ "lookup", NULL, cli_cmd_lookup, "[--more N] QUERY...",
	  "show who holds an address, prefix, range or AS number",
	  "QUERY is an IPv4 or IPv6 address, a prefix (192.0.2.0/24), a range\n"
	  "(192.0.2.0-192.0.2.255), an AS number (64496, AS64496, asdot 1.10) or an\n"
	  "AS range (AS64496-AS64511). Prints the most specific record(s) covering\n"
	  "it, the record above that, and for a prefix or range the records inside\n"
	  "it.\n"
	  "\n"
	  "  --more N    list at most N records inside (default 10, at most 256)\n"
	  "\n"
	  "Exits with 1 if some QUERY has no record covering it or inside it.\n" },
	{ "show", "domain", cli_cmd_show_domain, "[--max N] [--stats] NAME|PATTERN...",
	  "show a domain, or the domains matching a pattern",
	  "Loads the in-memory domain index (as the daemon does) and prints each\n"
	  "domain NAME (U-labels or A-labels) with its nameservers, DS records and\n"
	  "entities, or the domains matching PATTERN: \"exa*\" (names starting with\n"
	  "exa) or \"exa*.com\" (names under com whose first label starts with exa),\n"
	  "in A-label or U-label form (RFC 9082 section 4.1).\n"
	  "\n"
	  "  --max N    list at most N domains of a pattern (default 10)\n"
	  "  --stats    say how large the index is and how long it took to load\n"
	  "\n"
	  "Exits with 1 if a NAME is not held or a PATTERN matches nothing.\n" },
	{ "idn", "toascii", cli_cmd_idn_toascii, "[NAME...]",
	  "IDNA2008 registration check; the A-label form",
	  "Checks each NAME as a registry must before registering it (IDNA2008,\n"
	  "RFC 5890-5894): each label is an LDH label, a U-label or an A-label;\n"
	  "only code points RFC 5892 allows (PVALID, and CONTEXTJ or CONTEXTO where\n"
	  "their rules allow them); NFC; hyphens; the Bidi rule; labels of at most\n"
	  "63 octets and names of at most 253 in the A-label form; an A-label must\n"
	  "decode to a non-ASCII label that encodes back to it. Nothing is mapped:\n"
	  "upper-case and full-width letters are refused, but for ASCII letters,\n"
	  "whose case the DNS ignores. Prints the A-label form of each NAME; a\n"
	  "refused NAME gets a line on standard error naming the label, the code\n"
	  "point and the rule.\n"
	  "\n"
	  "Without NAME, reads one name per line from standard input and writes a\n"
	  "tab-separated line for each: the name, \"ok\" and its A-label form, or\n"
	  "the name, \"refused\" and the reason.\n"
	  "\n"
	  "Exits with 1 if a name was refused.\n" },
	{ "idn", "tounicode", cli_cmd_idn_tounicode, "[NAME...]",
	  "IDNA2008 registration check; the U-label form",
	  "Checks each NAME (U-labels, A-labels or both) as 'idn toascii' does and\n"
	  "prints its U-label form: A-labels decoded, ASCII letters in lower case.\n"
	  "Without NAME, reads names from standard input and writes tab-separated\n"
	  "lines as 'idn toascii' does, with the U-label form.\n"
	  "\n"
	  "Exits with 1 if a name was refused.\n" },
	{ "idn", "check", cli_cmd_idn_check, "--lgr FILE [--schema FILE] [LABEL...]",
	  "the disposition of labels under a label generation ruleset (RFC 7940)",
	  "Loads the LGR in FILE (RFC 7940 XML; checked against the RELAX NG schema\n"
	  "given with --schema, such as lgr.rng) and evaluates each LABEL, a U-label\n"
	  "taken as it is (no case folding or normalization): is every code point\n"
	  "in the repertoire and in its context, and which action decides its\n"
	  "disposition (valid, invalid, blocked, allocatable, or one the LGR names).\n"
	  "Writes one tab-separated line per label: the label, its disposition, its\n"
	  "index label (each element replaced by the smallest of its variant set,\n"
	  "RFC 7940 section 8.5; \"-\" for an invalid label) and the reason.\n"
	  "Without LABEL, reads one label per line from standard input.\n"
	  "\n"
	  "  --lgr FILE      the LGR\n"
	  "  --schema FILE   validate the LGR against this RELAX NG schema first\n"
	  "\n"
	  "A label that cannot be read (not UTF-8, empty, longer than 63 code\n"
	  "points) gets the disposition \"error\"; then the exit status is 1.\n" },
	{ "idn", "variants", cli_cmd_idn_variants,
	  "--lgr FILE [--schema FILE] [--max N] [--all] [LABEL]",
	  "the variant labels of a label under an LGR, with their dispositions",
	  "Loads the LGR in FILE as 'idn check' does and writes, for LABEL, one\n"
	  "tab-separated line for the label itself and one per variant label\n"
	  "(RFC 7940 section 8.2): the label, its index label, the variant, its\n"
	  "disposition, the variant types of the mappings that made it (\"-\" for\n"
	  "none) and the reason for its disposition. Variant labels whose\n"
	  "disposition is invalid are left out unless --all is given. Without\n"
	  "LABEL, reads one label per line from standard input.\n"
	  "\n"
	  "  --lgr FILE      the LGR\n"
	  "  --schema FILE   validate the LGR against this RELAX NG schema first\n"
	  "  --max N         try at most N permutations per label (default 1000);\n"
	  "                  a label with more gets a warning\n"
	  "  --all           also list the variant labels that are invalid\n"
	  "\n"
	  "A label that cannot be read gets the disposition \"error\"; then the\n"
	  "exit status is 1.\n" },
	{ "idn", "confusable", cli_cmd_idn_confusable, "[--level LEVEL] [LABEL...]",
	  "confusable labels (UTS #39): restriction level and skeleton",
	  "Checks each LABEL (a U-label, an LDH label or an A-label; ASCII letters\n"
	  "taken in lower case) as UTS #39 says a registry should: every character\n"
	  "in the identifier profile, the label's scripts within the restriction\n"
	  "level, digits of one numbering system, no invisible characters. Writes\n"
	  "one tab-separated line per label: the label, \"ok\", \"refused\" or\n"
	  "\"error\" (not a label), the strictest level the label meets, its\n"
	  "scripts, the scripts a look-alike could be written in alone (its\n"
	  "whole-script confusables), its skeleton (labels that look alike have the\n"
	  "same one) and the reason; \"-\" for an empty field. Without LABEL, reads\n"
	  "one label per line from standard input.\n"
	  "\n"
	  "  --level LEVEL   the loosest level accepted: ascii, single-script,\n"
	  "                  highly-restrictive (the default), moderately-restrictive,\n"
	  "                  minimally-restrictive or unrestricted\n"
	  "\n"
	  "Exits with 1 if a label was refused or could not be read.\n" },
	{ "idn", "register-check", cli_cmd_idn_register_check, "[--registrant HANDLE] [NAME...]",
	  "may a name be registered under the IDN policy, and its variants' fate",
	  "Decides each NAME against the registry's domains (--db) under the IDN\n"
	  "policy of the configuration's [idn] section (idreg.conf(5)): the\n"
	  "IDNA2008 registration check; the disposition of its first label under\n"
	  "the LGR idn.lgr (invalid and blocked are refused); whether a variant of\n"
	  "the label is held (one lookup of its index label): the name itself or a\n"
	  "variant held by another registrant is refused, an allocatable variant\n"
	  "held by HANDLE is its reserved variant; then the UTS #39 restriction\n"
	  "level (idn.restriction_level) and whether a held name has the same\n"
	  "skeleton (refused or flagged, idn.confusables). Writes one tab-separated\n"
	  "line for the name: NAME, its U-label form, \"accepted\", \"flagged\" or\n"
	  "\"refused\", and the reason; then, for an accepted name, one line per\n"
	  "variant label: NAME, the variant, \"activated\", \"reserved\", \"blocked\"\n"
	  "or \"held\" (idn.variants, idn.max_activated), and its disposition and\n"
	  "the LGR's reason. Without NAME, reads one name per line from standard\n"
	  "input.\n"
	  "\n"
	  "  --registrant HANDLE   the entity that would register the names\n"
	  "                        (default: none, which holds nothing)\n"
	  "\n"
	  "Exits with 1 if a name was refused.\n" },
	{ "idn", "email", cli_cmd_idn_email, "[ADDRESS...]",
	  "check internationalized email addresses (RFC 6531/6532)",
	  "Checks each ADDRESS as a contact address: a local part of RFC 5321\n"
	  "(dot-atom or quoted string) with UTF-8 (RFC 6531), at most 64 octets;\n"
	  "'@'; a domain that passes the IDNA2008 registration check, or an\n"
	  "address literal [IPv4] or [IPv6:...]; at most 254 octets. Writes one\n"
	  "tab-separated line per address: the address, \"valid\" and the address\n"
	  "with its domain in A-label form, or the address, \"invalid\" and the\n"
	  "reason (the check, the octet and the character). Without ADDRESS, reads\n"
	  "one address per line from standard input.\n"
	  "\n"
	  "Exits with 1 if an address was invalid.\n" },
	{ "stats", NULL, cli_cmd_stats,
	  "[--economies DIR] [--codes FILE] [--population FILE] [--format csv|json|html]\n"
	  "       [--by economy|rir|region|subregion|group] [--table NAME] [--year YEAR]\n"
	  "       [--lang en|zh] PATH...",
	  "IPv6 adoption and equity statistics from exchange files",
	  "Reads the exchange files named (a directory: every exchange file under it)\n"
	  "and, of each registry, counts the newest file's allocated and assigned\n"
	  "records (available and reserved ones are not held; IANA's file is left\n"
	  "out). Joins them to the economy data (country-codes.csv: M49 region and\n"
	  "sub-region, LDC/LLDC/SIDS, names; population.csv) on the alpha-2 code;\n"
	  "codes that are no economy (EU, AP, ZZ, empty) are counted apart and named\n"
	  "on standard error. See docs/statistics.md for every figure.\n"
	  "\n"
	  "  --economies DIR    the economy data: DIR/country-codes.csv and\n"
	  "                     DIR/population.csv (default ../shared/data/economies)\n"
	  "  --codes FILE       country-codes.csv elsewhere\n"
	  "  --population FILE  population.csv elsewhere\n"
	  "  --format FMT       csv (default: one table), json (every table) or html\n"
	  "                     (the report: charts and tables in one page that stands\n"
	  "                     alone; --by and --table do not apply)\n"
	  "  --by LEVEL         economy (default), rir, region, subregion or group\n"
	  "                     (LDC, LLDC, SIDS, other); a world row ends each table\n"
	  "  --table NAME       for CSV: figures (default), series (per year, new and\n"
	  "                     cumulative), equity (Gini, Theil), lorenz (curve\n"
	  "                     points) or unknown (codes that are no economy)\n"
	  "  --year YEAR        population year (default: the latest in the data)\n"
	  "  --lang LANG        language of the HTML report: en (default) or zh\n"
	  "\n"
	  "Gaps (no population, no holder ids, nothing to divide by) are empty CSV\n"
	  "fields and JSON null.\n" },
	{ "eir", "import", cli_cmd_eir_import,
	  "operator|tac|stolen|registered|pairings|golden|barred FILE [--operator NAME]",
	  "import operator data, the TAC database or a list into the EIR",
	  "Imports FILE (formats in docs/eir-formats.md) in one transaction. An\n"
	  "operator file (--operator NAME) has rows date,imei,imsi,msisdn,rat: they\n"
	  "are merged into observations per operator, month, IMEI (normalized to 14\n"
	  "digits, the raw field kept), IMSI and MSISDN, with the first and last day\n"
	  "and the days of the month seen; the same file imported again changes\n"
	  "nothing. The file is refused, with a report, when a share of its rows\n"
	  "crosses its eir.max_* limit (empty IMEIs, IMSIs or MSISDNs; IMEIs with a\n"
	  "non-digit, over 16 digits or that lost leading zeros; IMSIs and MSISDNs\n"
	  "not of the home country) or its rows a day differ from the operator's\n"
	  "earlier files by more than eir.max_volume_change_percent. tac replaces\n"
	  "the TAC database; stolen, registered, pairings, golden and barred (TACs)\n"
	  "replace their list, or change it when the file has a change column (add\n"
	  "or remove). A line that breaks the format refuses the file with its line.\n"
	  "Prints what was counted and written.\n" },
	{ "eir", "classify", cli_cmd_eir_classify, "--date YYYY-MM-DD",
	  "classify every IMEI seen as of a day and record the run",
	  "Weighs every IMEI seen up to the end of the day against the conditions\n"
	  "of docs/eir-classification.md (malformed, unknown_tac, test_imei,\n"
	  "barred_tac, duplicate, duplicate_daily_avg, stolen, not_registered,\n"
	  "rat_unsupported, transient), each set by its [eir] keys: NAME (blocking,\n"
	  "informative or off), NAME_grace_days, NAME_sticky and NAME_max_permille.\n"
	  "In one transaction it records the run, begins a period for each IMEI\n"
	  "and condition newly met (block date: the day plus the grace period, for\n"
	  "a blocking condition) and ends those no longer met, unless sticky; the\n"
	  "same day run again changes nothing, an earlier day than the last run's\n"
	  "is refused. A condition matching more than its safety cap of the IMEIs\n"
	  "refuses the run and nothing is written. Prints, per condition, the IMEIs\n"
	  "that meet it and the periods begun and ended.\n" },
	{ "eir", "show", cli_cmd_eir_show, "IMEI",
	  "an IMEI's observations and classification history",
	  "Prints the observations of IMEI (normalized as imports do: 14 to 16\n"
	  "digits, or the raw field of a malformed one) per operator and month:\n"
	  "IMSI, MSISDN, first and last day seen, days seen and radio technologies;\n"
	  "then each period it met a condition: condition, start, end (empty while\n"
	  "current), block date and blocking or informative.\n" },
	{ "eir", "lists", cli_cmd_eir_lists, "--out DIR [--date YYYY-MM-DD]",
	  "write the block, notification and exception lists and their deltas",
	  "Writes, as of the date (default: the last classification run's), the\n"
	  "lists an EIR acts on (docs/eir-formats.md) into a new directory\n"
	  "DIR/run-N and then points DIR/current at it; a failure leaves the\n"
	  "previous lists and DIR/current as they were. blocklist.csv: the IMEIs\n"
	  "whose earliest blocking condition's block date has come (golden ones\n"
	  "left out), with that date and their conditions. Per operator of\n"
	  "eir.operators (NAME:MCC-MNC,...): notifications-OP.csv, the\n"
	  "subscribers (IMSI, MSISDN) seen with an IMEI whose block date is still\n"
	  "to come, routed by their IMSI (paired subscribers left out), and\n"
	  "exceptions-OP.csv, the pairings routed the same way. Beside each list\n"
	  "NAME-delta.csv: its rows added, removed and changed since the run\n"
	  "DIR/current pointed to, with a change column.\n" },
	{ "eir", "sample", cli_cmd_eir_sample,
	  "--out DIR [--operators N] [--months M] [--seed S] [--subscribers N]",
	  "write sample operator data, TAC database and lists for the EIR",
	  "Writes into DIR (created if missing) what an equipment identity register\n"
	  "receives, made up (docs/eir-formats.md): for each of N operators (default\n"
	  "3, at most 9) and M months from January 2026 (default 3, at most 24) a\n"
	  "file operator-opK-YYYY-MM.csv of the rows its network saw (date, IMEI,\n"
	  "IMSI, MSISDN, radio technology; one per subscriber and day seen), for N\n"
	  "home subscribers per operator (default 1000) who change devices, and\n"
	  "roamers; tac.csv, the device models; the lists stolen.csv,\n"
	  "registered.csv, pairings.csv, golden.csv and barred_tacs.csv; and\n"
	  "ground_truth.csv, each planted anomaly (cloned, malformed and test IMEIs,\n"
	  "unknown and barred TACs, stolen and unregistered devices, devices on a\n"
	  "radio technology they lack, transient IMEIs) with its IMEI, operator and\n"
	  "date. The home country is the first of eir.home_mccs and eir.home_cc.\n"
	  "The same seed S (default 1) writes the same files.\n" },
	{ "alloc", "pool", cli_cmd_alloc_pool,
	  "add PREFIX|RANGE|ASRANGE [--reserve /N|COUNT]\n"
	  "       | add --from-registry NAME [--cc CC] [--holder-id ID] [--type T] [--reserve /N|COUNT]\n"
	  "       | list",
	  "the blocks this registry holds and hands out",
	  "add: a block this registry may allocate from (a prefix, an address range,\n"
	  "an AS number or an AS range); pools of one type may not overlap.\n"
	  "--reserve keeps that many numbers of the pool back (/N: a /N's worth):\n"
	  "no allocation may leave less free in it. add --from-registry: every\n"
	  "allocated or assigned record of the imported registry NAME with economy\n"
	  "CC and/or opaque id ID (of type T) becomes a pool, the reserve applying\n"
	  "to each; records already pooled are left alone. list: each pool with\n"
	  "its id, type, block, reserve, numbers free and origin.\n" },
	{ "alloc", "request", cli_cmd_alloc_request,
	  "--holder H (--size /N [--type ipv4|ipv6] | --count N [--type asn]) [--no-wait]",
	  "allocate a block to a holder from the pools",
	  "Allocates, in one transaction, a block to the holder H (an opaque id:\n"
	  "letters, digits, '-_.:'), as a record of this registry (alloc.registry,\n"
	  "alloc.cc) that lookups, RDAP, WHOIS and 'export rir' show. ipv4 (the\n"
	  "default): best fit, the smallest free block that holds a /N, keeping each\n"
	  "pool's reserve; when none fits, or other requests wait, the request joins\n"
	  "the waiting list (first come, first served) and its position is printed.\n"
	  "ipv6: sparse, the first /N of the largest free aligned block, so that\n"
	  "allocations spread out and each can grow by shortening its prefix. asn:\n"
	  "the lowest N consecutive free AS numbers. Sizes outside the policy\n"
	  "(alloc.*_shortest_prefix, alloc.*_longest_prefix, alloc.asn_max_count)\n"
	  "are refused. Prints \"allocated<TAB>BLOCK<TAB>H\".\n"
	  "\n"
	  "  --no-wait   ipv4: refuse instead of joining the waiting list\n"
	  "\n"
	  "Exits with 1, saying why, when nothing was allocated (also when the\n"
	  "request waits: then it prints \"waiting<TAB>POSITION<TAB>ID<TAB>H\").\n" },
	{ "alloc", "return", cli_cmd_alloc_return, "PREFIX|ASN|ASRANGE",
	  "take an allocation back; its space is free again",
	  "Removes the allocation that is exactly PREFIX (or the AS numbers), with\n"
	  "the assignments recorded in it, in one transaction. Its space can be\n"
	  "allocated at once; 'alloc waiting --serve' serves waiting requests that\n"
	  "now fit.\n" },
	{ "alloc", "transfer", cli_cmd_alloc_transfer, "PREFIX|ASN|ASRANGE --to H",
	  "give an allocation to another holder",
	  "Changes the holder of the allocation that is exactly PREFIX to H; its\n"
	  "assignments stay with it.\n" },
	{ "alloc", "grow", cli_cmd_alloc_grow, "PREFIX --size /N",
	  "grow an allocation by shortening its prefix",
	  "Makes the allocation that is exactly PREFIX the /N that holds it, in one\n"
	  "transaction: that /N must lie inside one pool, hold no other allocation,\n"
	  "leave the pool's reserve and be within the policy's sizes. IPv6 sparse\n"
	  "allocation keeps such room around each allocation as long as it can.\n" },
	{ "alloc", "assign", cli_cmd_alloc_assign, "PREFIX --within ALLOCATION",
	  "record an assignment inside an allocation",
	  "Records PREFIX as assigned inside the allocation ALLOCATION (a holder's\n"
	  "assignment to its customers or itself), for utilisation: PREFIX must lie\n"
	  "inside it and overlap none of its other assignments.\n" },
	{ "alloc", "unassign", cli_cmd_alloc_unassign, "PREFIX",
	  "remove an assignment",
	  "Removes the assignment that is exactly PREFIX.\n" },
	{ "alloc", "show", cli_cmd_alloc_show, "[--holder H | PREFIX]",
	  "allocations with their assignments and utilisation",
	  "Prints one line per allocation: block, type, holder, date, assignments\n"
	  "and its utilisation: for ipv4 the share of addresses assigned, for ipv6\n"
	  "the HD-ratio (RFC 3194) log(U)/log(T) of the /56 units assigned (U: the\n"
	  "/56s assignments touch) over those it holds (T); \"-\" when undefined\n"
	  "(nothing assigned, or a block of one /56). --holder H: H's allocations\n"
	  "and, per type, their totals (the HD-ratio over all of them). PREFIX:\n"
	  "the allocations overlapping it and their assignments.\n" },
	{ "alloc", "waiting", cli_cmd_alloc_waiting, "[--serve | --cancel ID]",
	  "the waiting list of requests",
	  "Lists the requests waiting for space, first come first: position, id,\n"
	  "type, size, holder and since when.\n"
	  "\n"
	  "  --serve      allocate to waiting requests in order, in one transaction,\n"
	  "               while the first one left fits (a request that does not\n"
	  "               fit keeps those behind it waiting)\n"
	  "  --cancel ID  take the request ID off the list\n" },
	{ "registrar", "add", cli_cmd_registrar_add,
	  "ID --name NAME [--password-file FILE] [--cert-sha256 HEX] [--allow LIST]",
	  "add a registrar: an account EPP clients log in with",
	  "Adds registrar ID (its EPP client id: 3 to 16 printable ASCII characters,\n"
	  "no blanks), enabled. The password (6 to 16 characters, RFC 5730) is the\n"
	  "first line of FILE, or of standard input without --password-file (or with\n"
	  "FILE -); never give it on the command line. It is kept as an argon2id\n"
	  "hash only.\n"
	  "\n"
	  "  --name NAME          the registrar's name\n"
	  "  --cert-sha256 HEX    log in only with the TLS client certificate of this\n"
	  "                       SHA-256 fingerprint (64 hex digits, colons allowed)\n"
	  "  --allow LIST         log in only from these addresses and prefixes,\n"
	  "                       separated by commas (192.0.2.0/24,2001:db8::/32)\n" },
	{ "registrar", "list", cli_cmd_registrar_list, "", "list the registrars",
	  "Writes one tab-separated line per registrar: id, name, enabled or\n"
	  "disabled, certificate pin (\"-\": none), allow-list (\"-\": any address) and\n"
	  "when it last changed.\n" },
	{ "registrar", "passwd", cli_cmd_registrar_passwd, "ID [--password-file FILE]",
	  "set a registrar's password",
	  "Replaces registrar ID's password with the first line of FILE, or of\n"
	  "standard input. Sessions already logged in stay open.\n" },
	{ "registrar", "disable", cli_cmd_registrar_disable, "ID",
	  "disable a registrar: it can no longer log in",
	  "Disables registrar ID: a login is refused (2200) as for a wrong password.\n"
	  "Sessions already logged in stay open.\n" },
	{ "epp", "tick", cli_cmd_epp_tick, "[--now TIME]",
	  "run the registry's clock once, as idregd does periodically",
	  "Does what is due at TIME (default: now; RFC 3339 UTC, e.g.\n"
	  "2027-01-31T12:00:00Z), each change in a transaction of its own with the\n"
	  "actor \"registry\": pending transfers past their action date approved\n"
	  "(serverApproved), grace periods that ended removed, redemptionPeriod\n"
	  "turned into pendingDelete, domains at the end of pendingDelete purged,\n"
	  "sponsored domains past their expiry renewed for a year (autoRenewPeriod).\n"
	  "Registrars hear of it by poll messages. Prints how many of each it did;\n"
	  "exits 1 if a change failed (it is tried again at the next tick).\n" },
	{ "domain", "lock", cli_cmd_domain_lock, "NAME STATUS...",
	  "set server locks on a domain",
	  "Sets the server statuses STATUS on the domain NAME (A-label or U-label\n"
	  "form), in one transaction with a history line: serverUpdateProhibited,\n"
	  "serverDeleteProhibited, serverTransferProhibited, serverRenewProhibited\n"
	  "(registrars' commands of that kind are refused, EPP 2304) and serverHold\n"
	  "(RFC 5731: not to be published in the DNS; RDAP shows it). Only the\n"
	  "registry sets or clears them. A status the domain has already is an\n"
	  "error and nothing changes.\n" },
	{ "domain", "unlock", cli_cmd_domain_unlock, "NAME STATUS...",
	  "clear server locks on a domain",
	  "Clears the server statuses STATUS (those of 'domain lock') on the domain\n"
	  "NAME, in one transaction with a history line. A status the domain does\n"
	  "not have is an error and nothing changes.\n" },
	{ "host", "lock", cli_cmd_host_lock, "NAME STATUS...",
	  "set server locks on a host",
	  "Sets the server statuses STATUS on the host NAME, in one transaction with\n"
	  "a history line: serverUpdateProhibited, serverDeleteProhibited (RFC 5732;\n"
	  "registrars' updates or deletes of the host are refused, EPP 2304). Only\n"
	  "the registry sets or clears them. A status the host has already is an\n"
	  "error and nothing changes.\n" },
	{ "host", "unlock", cli_cmd_host_unlock, "NAME STATUS...",
	  "clear server locks on a host",
	  "Clears the server statuses STATUS (those of 'host lock') on the host\n"
	  "NAME, in one transaction with a history line. A status the host does\n"
	  "not have is an error and nothing changes.\n" },
	{ "contact", "lock", cli_cmd_contact_lock, "ID STATUS...",
	  "set server locks on a contact",
	  "Sets the server statuses STATUS on the contact ID, in one transaction\n"
	  "with a history line: serverUpdateProhibited, serverDeleteProhibited,\n"
	  "serverTransferProhibited (RFC 5733; registrars' commands of that kind\n"
	  "are refused, EPP 2304). Only the registry sets or clears them. A status\n"
	  "the contact has already is an error and nothing changes.\n" },
	{ "contact", "unlock", cli_cmd_contact_unlock, "ID STATUS...",
	  "clear server locks on a contact",
	  "Clears the server statuses STATUS (those of 'contact lock') on the\n"
	  "contact ID, in one transaction with a history line. A status the\n"
	  "contact does not have is an error and nothing changes.\n" },
	{ "domain", "show", cli_cmd_domain_show, "NAME",
	  "everything the registry keeps about a domain",
	  "Prints the domain NAME one tab-separated line per fact: name,\n"
	  "unicode_name, roid, status (EPP names), sponsor (\"(registry)\" for an\n"
	  "imported one), creator, updater, created, expires, updated, transferred,\n"
	  "auth_info (\"set\" or \"-\"; never the password), idn_table, then\n"
	  "\"contact<TAB>ROLE<TAB>HANDLE\", \"nameserver<TAB>NAME\", \"ds<TAB>KEYTAG ALG\n"
	  "DIGESTTYPE DIGEST\", \"grace<TAB>PERIOD<TAB>ENDS\" and\n"
	  "\"variant<TAB>STATE<TAB>A-LABEL<TAB>U-LABEL\" lines. \"-\": none.\n" },
	{ "tld", "add", cli_cmd_tld_add, "NAME [SETTINGS]",
	  "serve a TLD: names under it can be registered over EPP",
	  "Adds the TLD NAME (A-label or U-label form) with the defaults of common\n"
	  "practice (RFC 3915; ICANN's Registry Agreement and Transfer Policy),\n"
	  "each changed by its option. A DURATION is digits and a unit: d, h, m, s.\n"
	  "\n"
	  "  --periods MIN-MAX          registration periods in years (1-10); a\n"
	  "                             default outside them becomes MIN\n"
	  "  --default-period N         years when a create gives none (1)\n"
	  "  --add-grace DURATION       after a create (5d)\n"
	  "  --renew-grace DURATION     after a renew (5d)\n"
	  "  --autorenew-grace DURATION after an automatic renewal (45d)\n"
	  "  --transfer-grace DURATION  after a transfer (5d)\n"
	  "  --redemption DURATION      a deleted name can be restored (30d)\n"
	  "  --pending-delete DURATION  then it waits to be purged (5d)\n"
	  "  --transfer-wait DURATION   before the registry approves a pending\n"
	  "                             transfer (5d)\n"
	  "  --idn-tables TAG,...       the IDN tables (idn-1.0 extension) a name\n"
	  "                             may be registered with (none: the zone's LGR)\n" },
	{ "tld", "set", cli_cmd_tld_set, "NAME SETTINGS",
	  "change a TLD's settings",
	  "Changes the settings of the TLD NAME that the options give (those of\n"
	  "'tld add'); the others keep their values. Names registered already keep\n"
	  "their dates.\n" },
	{ "tld", "show", cli_cmd_tld_show, "NAME", "a TLD's settings and reserved labels",
	  "Prints the settings of the TLD NAME, one tab-separated line each (name,\n"
	  "unicode_name, periods, default-period, each period, idn-tables, created,\n"
	  "changed), then \"reserved<TAB>LABEL<TAB>REASON\" per reserved label.\n" },
	{ "tld", "list", cli_cmd_tld_list, "", "the TLDs served",
	  "Writes one tab-separated line per TLD: name, U-label form, periods,\n"
	  "default period and IDN tables (\"-\": none).\n" },
	{ "tld", "reserve", cli_cmd_tld_reserve, "NAME LABEL --reason TEXT",
	  "keep a label under a TLD back from registration",
	  "Reserves LABEL (A-label or U-label form) under the TLD NAME: EPP check\n"
	  "answers \"Reserved\" and create is refused (2306) with the reason.\n" },
	{ "tld", "unreserve", cli_cmd_tld_unreserve, "NAME LABEL",
	  "release a reserved label",
	  "Releases LABEL under the TLD NAME: it can be registered again.\n" },
	{ "summary", NULL, cli_cmd_summary, "", "count what the registry holds",
	  "Prints, per registry, the number resources held of each type and status,\n"
	  "the total, and the count the imported file's summary line gave; then\n"
	  "the domains, nameservers and entities held.\n" },
};
#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

const struct cli_command *cli_find_command(const char *name, const char *object)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		const struct cli_command *c = &commands[i];
		if (strcmp(c->name, name) == 0 &&
		    (c->object == NULL || (object != NULL && strcmp(c->object, object) == 0))) {
			return c;
		}
	}
	return NULL;
}

void cli_warn_skips(const char *path, const struct idreg_skip *kept, size_t count)
{
	for (size_t i = 0; i < count && i < IDREG_SKIPS_KEPT; i++) {
		idreg_log_warn("%s: line %u: skipped: %s", path, kept[i].line, kept[i].reason);
	}
	if (count > IDREG_SKIPS_KEPT) {
		idreg_log_warn("%s: %zu more lines skipped", path, count - IDREG_SKIPS_KEPT);
	}
}

bool cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

void cli_put_field(const char *text, size_t len, FILE *out)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
	}
}

bool cli_next_line(char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	int c = getc_unlocked(stdin);
	if (c == EOF) {
		return false;
	}
	for (; c != EOF && c != '\n'; c = getc_unlocked(stdin)) {
		if (n < size) {
			buf[n] = (char)c;
		}
		n++;
	}
	if (n > 0 && n <= size && buf[n - 1] == '\r') {
		n--;
	}
	*len = n;
	return true;
}

void cli_actor(int argc, char **argv, const char *words, char *out, size_t size)
{
	size_t used = (size_t)snprintf(out, size, "idreg %s", words);
	for (int i = 1; i < argc && used < size; i++) {
		used += (size_t)snprintf(out + used, size - used, " %s", argv[i]);
	}
}

int cli_fail(const struct idreg_diag *diag, idreg_err err)
{
	idreg_log_error("%s", diag && diag->text[0] ? diag->text : idreg_strerror(err));
	return CLI_FAIL;
}

static void command_words(const struct cli_command *cmd, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s", cmd->name, cmd->object ? " " : "", cmd->object ? cmd->object : "");
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	char message[512], words[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	command_words(cmd, words, sizeof(words));
	fprintf(stderr, "idreg %s: %s (see 'idreg %s --help')\n", words, message, words);
	return CLI_USAGE;
}

void cli_print_help(const struct cli_command *cmd)
{
	char words[64];
	command_words(cmd, words, sizeof(words));
	printf("usage: idreg [GLOBAL OPTIONS] %s %s\n\n%s.\n\n%s", words, cmd->usage, cmd->summary,
	       cmd->help);
}

static void print_main_help(void)
{
	printf("usage: idreg [GLOBAL OPTIONS] COMMAND [ARGS]\n"
	       "\n"
	       "idreg keeps a registry of Internet identifiers. Commands:\n\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		char words[64];
		command_words(&commands[i], words, sizeof(words));
		printf("  %-17s %s\n", words, commands[i].summary);
	}
	printf("\n"
	       "Global options:\n"
	       "  --db PATH           registry database (store.path)\n"
	       "  -c, --config FILE   read configuration from FILE (INI; see idreg.conf(5))\n"
	       "  --log-level LEVEL   error, warn, info or debug (log.level)\n"
	       "  --log-format FMT    text or json (log.format)\n"
	       "  --check-config      check the configuration, print it, and exit\n"
	       "  --version           print the version and exit\n"
	       "  -h, --help          this help ('idreg COMMAND --help' for a command)\n");
}

idreg_err cli_open_store(struct cli *cli, bool create, struct idreg_store **out,
			 struct idreg_diag *diag)
{
	struct idreg_store_options opts = {
		.backend = cli->config.store_backend,
		.path = cli->config.store_path,
		.busy_timeout_ms = cli->config.store_busy_timeout_ms,
		.create = create,
	};
	return idreg_store_open(&opts, out, diag);
}

static int apply_logging(const struct idreg_config *cfg)
{
	enum idreg_log_level level;
	enum idreg_log_format format;
	/* Values were checked against the same lists when they were set. */
	idreg_log_level_parse(cfg->log_level, &level);
	idreg_log_format_parse(cfg->log_format, &format);
	idreg_log_setup("idreg", level, format, stderr);
	return CLI_OK;
}

int main(int argc, char **argv)
{
	/* A full file system or a file-size limit must be an error, not a kill. */
	signal(SIGXFSZ, SIG_IGN);
	idreg_log_setup("idreg", IDREG_LOG_WARN, IDREG_LOG_TEXT, stderr);

	struct cli cli = { .program = "idreg" };
	if (idreg_config_init(&cli.config) != IDREG_OK) {
		fprintf(stderr, "idreg: out of memory\n");
		return CLI_FAIL;
	}
	enum { OPT_DB = 256, OPT_LOG_LEVEL, OPT_LOG_FORMAT, OPT_CHECK_CONFIG, OPT_VERSION };
	static const struct option options[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "config", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* Command-line settings win over the file, whatever their order. */
	const char *config_file = NULL;
	const char *overrides[3][2] = { { "store.path", NULL }, { "log.level", NULL }, { "log.format", NULL } };
	bool check_config = false;
	int status = CLI_OK;
	int opt;
	while ((opt = getopt_long(argc, argv, "+c:h", options, NULL)) != -1) {
		switch (opt) {
		case OPT_DB: overrides[0][1] = optarg; break;
		case 'c': config_file = optarg; break;
		case OPT_LOG_LEVEL: overrides[1][1] = optarg; break;
		case OPT_LOG_FORMAT: overrides[2][1] = optarg; break;
		case OPT_CHECK_CONFIG: check_config = true; break;
		case OPT_VERSION:
			printf("idreg %s\n", IDREG_VERSION);
			goto out;
		case 'h':
			print_main_help();
			goto out;
		default:
			fprintf(stderr, "idreg: see 'idreg --help'\n");
			status = CLI_USAGE;
			goto out;
		}
	}

	struct idreg_diag diag = { "" };
	if (config_file != NULL && idreg_config_load(&cli.config, config_file, &diag) != IDREG_OK) {
		fprintf(stderr, "idreg: %s\n", diag.text);
		status = CLI_FAIL;
		goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		if (overrides[i][1] != NULL &&
		    idreg_config_set(&cli.config, overrides[i][0], overrides[i][1], &diag) != IDREG_OK) {
			fprintf(stderr, "idreg: %s\n", diag.text);
			status = CLI_USAGE;
			goto out;
		}
	}
	apply_logging(&cli.config);
	if (check_config) {
		idreg_config_print(&cli.config, stdout);
		goto out;
	}

	if (optind >= argc) {
		print_main_help();
		status = CLI_USAGE;
		goto out;
	}
	const char *name = argv[optind];
	const char *object = optind + 1 < argc ? argv[optind + 1] : NULL;
	const struct cli_command *cmd = cli_find_command(name, object);
	if (cmd == NULL) {
		bool known_name = false;
		for (size_t i = 0; i < COMMAND_COUNT; i++) {
			known_name |= strcmp(commands[i].name, name) == 0;
		}
		if (known_name && object != NULL && cli_is_help(object)) {
			for (size_t i = 0; i < COMMAND_COUNT; i++) {
				if (strcmp(commands[i].name, name) == 0) {
					cli_print_help(&commands[i]);
				}
			}
			goto out;
		}
		if (known_name) {
			fprintf(stderr, "idreg: '%s' needs an object; see 'idreg --help'\n", name);
		} else {
			fprintf(stderr, "idreg: unknown command '%s'; see 'idreg --help'\n", name);
		}
		status = CLI_USAGE;
		goto out;
	}
	int first = optind + (cmd->object ? 2 : 1);
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			break;
		}
		if (cli_is_help(argv[i])) {
			cli_print_help(cmd);
			goto out;
		}
	}
	/* Commands parse their own options with getopt from their own argv[0]. */
	optind = 0;
	status = cmd->run(&cli, argc - first + 1, argv + first - 1);
out:
	idreg_config_free(&cli.config);
	return status;
}
