/*
 * The configuration schema -- every key idreg understands, declared once --
 * and the code that loads, checks and prints it.  To add a key: a field in
 * struct idreg_config, a line in config_keys[], and a line in
 * docs/configuration.md.  An [idn.ZONE] section holds [idn] keys for the
 * names under one zone (lib/idn/policy.h); its values are checked as the
 * [idn] key's and kept as text.
 */
#include "core/config.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum conf_type { CONF_STRING, CONF_INT, CONF_CHOICE };

/* inih reads at most this many bytes of a line, its end included: a
 * "name = value" line --check-config prints must fit. */
#define INI_LINE_MAX 200

struct conf_key {
	const char *section;
	const char *name;
	enum conf_type type;
	size_t offset;                 /* field in struct idreg_config */
	const char *default_value;
	long min, max;                 /* CONF_INT bounds; CONF_STRING: min 1 = required,
					* max = longest length (0: no limit) */
	const char *const *choices;    /* CONF_CHOICE values, NULL-terminated */
	const char *help;
};

static const char *const on_off_choices[] = { "on", "off", NULL };
static const char *const backend_choices[] = { "sqlite", NULL };
static const char *const level_choices[] = { "error", "warn", "info", "debug", NULL };
static const char *const format_choices[] = { "text", "json", NULL };
static const char *const variants_choices[] = { "reserve", "activate", "block", NULL };
static const char *const client_cert_choices[] = { "none", "optional", "required", NULL };
static const char *const confusables_choices[] = { "refuse", "flag", "allow", NULL };
/* The restriction levels of UTS #39 section 5.2, as lib/idn/confusable.h names them. */
static const char *const restriction_choices[] = { "ascii", "single-script", "highly-restrictive",
						   "moderately-restrictive",
						   "minimally-restrictive", "unrestricted", NULL };

static const char *const eir_mode_choices[] = { "blocking", "informative", "off", NULL };
static const char *const yes_no_choices[] = { "yes", "no", NULL };

#define FIELD(f) offsetof(struct idreg_config, f)

/* The four keys of classification condition @i (lib/eir/classify.h's order) named @name. */
#define EIR_CONDITION_KEYS(i, name, mode_default, grace_default, sticky_default, what)                                 \
	{ "eir", name, CONF_CHOICE, FIELD(eir_condition[i].mode), mode_default, 0, 0, eir_mode_choices,  \
	  "classification condition: " what "; blocking, informative or off" },               \
	{ "eir", name "_grace_days", CONF_INT, FIELD(eir_condition[i].grace_days), grace_default, 0,     \
	  3650, NULL, "days from the first run that finds " name " to its block date" },        \
	{ "eir", name "_sticky", CONF_CHOICE, FIELD(eir_condition[i].sticky), sticky_default, 0, 0,      \
	  yes_no_choices, "yes: once met, " name " stays met in later runs" },                  \
	{ "eir", name "_max_permille", CONF_INT, FIELD(eir_condition[i].max_permille), "100", 0, \
	  1000, NULL, "safety cap: a run refuses to write when " name " matches more than this share (per mille) of the IMEIs classified" }

static const struct conf_key config_keys[] = {
	{ "store", "backend", CONF_CHOICE, FIELD(store_backend), "sqlite", 0, 0, backend_choices,
	  "storage backend" },
	{ "store", "path", CONF_STRING, FIELD(store_path), "idreg.db", 1, 0, NULL,
	  "database file of the sqlite backend" },
	{ "store", "busy_timeout_ms", CONF_INT, FIELD(store_busy_timeout_ms), "5000", 0, 600000,
	  NULL, "how long a writer waits for another writer, in milliseconds" },
	{ "log", "level", CONF_CHOICE, FIELD(log_level), "warn", 0, 0, level_choices,
	  "least severe level logged" },
	{ "log", "format", CONF_CHOICE, FIELD(log_format), "text", 0, 0, format_choices,
	  "text lines for people, json lines for collectors" },
	{ "import", "max_line_bytes", CONF_INT, FIELD(import_max_line), "4096", 128, 1048576,
	  NULL, "longest line accepted in an imported file" },
	{ "import", "max_records", CONF_INT, FIELD(import_max_records), "20000000", 1,
	  1000000000, NULL, "most records accepted from one imported file" },
	{ "import", "max_domain_line_bytes", CONF_INT, FIELD(import_max_domain_line), "65536", 1024,
	  16777216, NULL, "longest line accepted in an imported domains file (JSON Lines)" },
	{ "eir", "home_mccs", CONF_STRING, FIELD(eir_home_mccs), "639", 1, 0, NULL,
	  "mobile country codes of the home country (IMSIs), separated by commas" },
	{ "eir", "home_cc", CONF_STRING, FIELD(eir_home_cc), "254", 1, 0, NULL,
	  "E.164 country codes of the home country (MSISDNs), separated by commas" },
	{ "eir", "mnc3_mccs", CONF_STRING, FIELD(eir_mnc3_mccs),
	  "302,310,311,312,313,314,315,316,334,338,342,344,346,348,352,354,356,358,360,365,376,722,732",
	  0, 0, NULL, "mobile country codes whose network codes have 3 digits (others: 2)" },
	{ "eir", "operators", CONF_STRING, FIELD(eir_operators), "", 0, 0, NULL,
	  "operators and their networks, NAME:MCC-MNC[,MCC-MNC...] separated by spaces: where eir lists routes notifications and exceptions" },
	{ "eir", "check", CONF_CHOICE, FIELD(eir_check), "on", 0, 0, on_off_choices,
	  "idregd answers the real-time IMEI check (eir/v1/imei) from the register held in memory" },
	{ "eir", "max_null_permille", CONF_INT, FIELD(eir_max_null), "50", 0, 1000, NULL,
	  "operator file refused above this share (per mille) of empty IMEIs, IMSIs or MSISDNs" },
	{ "eir", "max_non_numeric_permille", CONF_INT, FIELD(eir_max_non_numeric), "10", 0, 1000, NULL,
	  "operator file refused above this share (per mille) of IMEIs with a non-digit" },
	{ "eir", "max_too_long_permille", CONF_INT, FIELD(eir_max_too_long), "10", 0, 1000, NULL,
	  "operator file refused above this share (per mille) of IMEIs of more than 16 digits" },
	{ "eir", "max_leading_zeros_permille", CONF_INT, FIELD(eir_max_leading_zeros), "50", 0, 1000,
	  NULL, "operator file refused above this share (per mille) of IMEIs that lost leading zeros" },
	{ "eir", "max_foreign_imsi_permille", CONF_INT, FIELD(eir_max_foreign_imsi), "100", 0, 1000,
	  NULL, "operator file refused above this share (per mille) of IMSIs not of a home MCC" },
	{ "eir", "max_foreign_msisdn_permille", CONF_INT, FIELD(eir_max_foreign_msisdn), "100", 0,
	  1000, NULL, "operator file refused above this share (per mille) of MSISDNs not of home_cc" },
	{ "eir", "max_volume_change_percent", CONF_INT, FIELD(eir_max_volume_change), "50", 0, 100000,
	  NULL, "operator file refused when its rows a day differ by more than this from the mean of its earlier files" },
	EIR_CONDITION_KEYS(0, "malformed", "blocking", "30", "no",
			   "the IMEI has no 14-digit form (a non-digit, under 8 or over 16 digits)"),
	EIR_CONDITION_KEYS(1, "unknown_tac", "blocking", "60", "no",
			   "the TAC is not in the TAC database, longer than its allocation lag"),
	EIR_CONDITION_KEYS(2, "test_imei", "blocking", "30", "no",
			   "a test IMEI (TAC 001xxxxx)"),
	EIR_CONDITION_KEYS(3, "barred_tac", "blocking", "0", "no",
			   "the TAC is in the barred_tacs list"),
	EIR_CONDITION_KEYS(4, "duplicate", "blocking", "60", "yes",
			   "duplicate_min_imsis IMSIs or more within duplicate_window_days"),
	EIR_CONDITION_KEYS(5, "duplicate_daily_avg", "off", "60", "yes",
			   "an average of IMSIs a day seen of duplicate_daily_avg_min_hundredths/100 or more"),
	EIR_CONDITION_KEYS(6, "stolen", "blocking", "0", "no",
			   "in the stolen list, from its reported date"),
	EIR_CONDITION_KEYS(7, "not_registered", "blocking", "90", "no",
			   "not in the registered list (roamers and exempt device types apart)"),
	EIR_CONDITION_KEYS(8, "rat_unsupported", "informative", "0", "no",
			   "seen on a radio technology its model lacks"),
	EIR_CONDITION_KEYS(9, "transient", "informative", "0", "no",
			   "transient_min_msisdns new MSISDNs in an arithmetic sequence within transient_window_days"),
	{ "eir", "duplicate_window_days", CONF_INT, FIELD(eir_duplicate_window_days), "30", 1, 3650,
	  NULL, "duplicate and duplicate_daily_avg: days, ending at the run's day, over which IMSIs are counted" },
	{ "eir", "duplicate_min_imsis", CONF_INT, FIELD(eir_duplicate_min_imsis), "3", 2, 1000000,
	  NULL, "duplicate: distinct IMSIs within the window at or above which an IMEI is a duplicate" },
	{ "eir", "duplicate_daily_avg_min_hundredths", CONF_INT, FIELD(eir_daily_avg_min_hundredths),
	  "200", 100, 100000000, NULL,
	  "duplicate_daily_avg: average distinct IMSIs a day seen, times 100, at or above which an IMEI is matched" },
	{ "eir", "duplicate_daily_avg_min_days", CONF_INT, FIELD(eir_daily_avg_min_days), "7", 1,
	  3650, NULL, "duplicate_daily_avg: days seen within the window an IMEI needs to be weighed" },
	{ "eir", "transient_window_days", CONF_INT, FIELD(eir_transient_window_days), "30", 1, 3650,
	  NULL, "transient: days, ending at the run's day, in which MSISDNs new to an IMEI are counted" },
	{ "eir", "transient_min_msisdns", CONF_INT, FIELD(eir_transient_min_msisdns), "10", 3,
	  1000000, NULL, "transient: new MSISDNs in an arithmetic sequence at or above which an IMEI is transient" },
	{ "eir", "unknown_tac_lag", CONF_STRING, FIELD(eir_unknown_tac_lag), "", 0, 0, NULL,
	  "unknown_tac: days after an IMEI is first seen before its TAC's absence counts, per reporting body: RB:DAYS items separated by commas, * for the others" },
	{ "eir", "not_registered_exempt_types", CONF_STRING, FIELD(eir_exempt_device_types), "", 0, 0,
	  NULL, "not_registered: device types of the TAC database exempt, separated by commas" },
	{ "rdap", "listen", CONF_STRING, FIELD(rdap_listen), "127.0.0.1:8080", 1, 0, NULL,
	  "address:port (or [v6]:port) idregd serves RDAP on" },
	{ "rdap", "base_url", CONF_STRING, FIELD(rdap_base_url), "", 0, 0, NULL,
	  "RDAP base URL in links, ending in /; empty: http://LISTEN/" },
	{ "rdap", "port43", CONF_STRING, FIELD(rdap_port43), "", 0, 0, NULL,
	  "WHOIS host named in RDAP responses; empty: none" },
	{ "rdap", "max_connections", CONF_INT, FIELD(rdap_max_connections), "1024", 1, 100000, NULL,
	  "open HTTP connections at most" },
	{ "rdap", "idle_timeout_s", CONF_INT, FIELD(rdap_idle_timeout), "30", 1, 3600, NULL,
	  "seconds before an idle or slow HTTP connection is closed" },
	{ "rdap", "max_request_bytes", CONF_INT, FIELD(rdap_max_request), "16384", 1024,
	  1048576, NULL, "request line and headers at most: a longer target is a 414, more headers a 431" },
	{ "rdap", "search_max_results", CONF_INT, FIELD(rdap_search_max), "100", 1, 1000, NULL,
	  "most objects a search answers with, and resources an entity lists; more are cut with a notice" },
	{ "whois", "listen", CONF_STRING, FIELD(whois_listen), "127.0.0.1:4343", 1, 0, NULL,
	  "address:port (or [v6]:port) idregd serves WHOIS on" },
	{ "whois", "max_connections", CONF_INT, FIELD(whois_max_connections), "1024", 1, 100000,
	  NULL, "open WHOIS connections at most" },
	{ "whois", "timeout_ms", CONF_INT, FIELD(whois_timeout_ms), "10000", 100, 600000, NULL,
	  "how long a WHOIS client may take to send its query" },
	{ "epp", "listen", CONF_STRING, FIELD(epp_listen), "127.0.0.1:7000", 1, 0, NULL,
	  "address:port (or [v6]:port) idregd serves EPP over TLS on, when epp.cert is set" },
	{ "epp", "cert", CONF_STRING, FIELD(epp_cert), "", 0, 0, NULL,
	  "PEM certificate chain of the EPP server; empty: no EPP" },
	{ "epp", "key", CONF_STRING, FIELD(epp_key), "", 0, 0, NULL,
	  "PEM private key of epp.cert" },
	{ "epp", "client_cert", CONF_CHOICE, FIELD(epp_client_cert), "none", 0, 0,
	  client_cert_choices, "TLS client certificates: none asked, optional (checked when sent) or required" },
	{ "epp", "ca", CONF_STRING, FIELD(epp_ca), "", 0, 0, NULL,
	  "PEM CA certificates client certificates are checked against" },
	{ "epp", "max_frame_bytes", CONF_INT, FIELD(epp_max_frame), "65536", 1024, 16777216, NULL,
	  "largest EPP frame (RFC 5734 length, header included); a larger one closes the session" },
	{ "epp", "idle_timeout_s", CONF_INT, FIELD(epp_idle_timeout), "600", 1, 86400, NULL,
	  "seconds an EPP session may stay silent before it is closed" },
	{ "epp", "max_sessions_per_registrar", CONF_INT, FIELD(epp_max_sessions), "8", 1, 10000,
	  NULL, "EPP sessions a registrar may have logged in at once; one more login is 2502" },
	{ "epp", "max_connections", CONF_INT, FIELD(epp_max_connections), "256", 1, 100000, NULL,
	  "open EPP connections at most, logged in or not" },
	{ "epp", "clock_interval_s", CONF_INT, FIELD(epp_clock_interval), "60", 0, 86400, NULL,
	  "seconds between two ticks of the registry's clock (transfers, grace periods, "
	  "auto-renewal, purges); 0: no clock in idregd" },
	{ "ratelimit", "per_second", CONF_INT, FIELD(rate_per_second), "20", 0, 1000000, NULL,
	  "queries a second per client address, RDAP and WHOIS together; 0: no limit" },
	{ "ratelimit", "burst", CONF_INT, FIELD(rate_burst), "100", 1, 1000000, NULL,
	  "queries a client may send at once before the rate applies" },
	{ "service", "threads", CONF_INT, FIELD(service_threads), "0", 0, 256, NULL,
	  "threads serving RDAP and WHOIS together; 0: one per core" },
	{ "service", "cache_bytes", CONF_INT, FIELD(service_cache_bytes), "67108864", 0,
	  17179869184, NULL, "rendered RDAP and WHOIS lookup answers kept until the next reload; 0: none" },
	{ "service", "reload_after_changes", CONF_INT, FIELD(service_reload_after_changes), "2000",
	  1, 4000000, NULL,
	  "objects changed since the data was last loaded whole after which it is loaded again" },
	{ "service", "terms_of_use", CONF_STRING, FIELD(terms_of_use),
	  "This registry's data is provided to identify who holds Internet resources; "
	  "bulk collection and use for unsolicited messages are not permitted.",
	  1, 180, NULL, "terms-of-use notice of RDAP and WHOIS answers (an INI line holds 200 characters)" },
	{ "service", "terms_url", CONF_STRING, FIELD(terms_url), "", 0, 0, NULL,
	  "where the full terms of use are; empty: none" },
	{ "privacy", "redact", CONF_STRING, FIELD(privacy_redact),
	  "fn email voice fax street locality region postal_code", 0, 0, NULL,
	  "contact fields withheld from anonymous clients when they are personal data" },
	{ "idn", "lgr", CONF_STRING, FIELD(idn_lgr), "", 0, 0, NULL,
	  "LGR (RFC 7940 XML) for the labels registered under a zone; empty: IDNA2008 only" },
	{ "idn", "variants", CONF_CHOICE, FIELD(idn_variants), "reserve", 0, 0, variants_choices,
	  "allocatable variants of a registered label: reserve, activate or block" },
	{ "idn", "max_activated", CONF_INT, FIELD(idn_max_activated), "2", 0, 64, NULL,
	  "allocatable variants of a label that may be active beside it" },
	{ "idn", "max_variants", CONF_INT, FIELD(idn_max_variants), "1000", 1, 100000, NULL,
	  "variant label permutations examined per label at most" },
	{ "idn", "confusables", CONF_CHOICE, FIELD(idn_confusables), "refuse", 0, 0,
	  confusables_choices, "a label whose skeleton is a held name's: refuse, flag or allow" },
	{ "idn", "restriction_level", CONF_CHOICE, FIELD(idn_restriction_level), "highly-restrictive",
	  0, 0, restriction_choices, "loosest UTS #39 restriction level a label may have" },
	{ "alloc", "registry", CONF_STRING, FIELD(alloc_registry), "local", 1, 31, NULL,
	  "this registry's name in its allocations' records (not an imported registry's)" },
	{ "alloc", "cc", CONF_STRING, FIELD(alloc_cc), "", 0, 2, NULL,
	  "economy code (ISO 3166 alpha-2) of this registry's allocations; empty: none" },
	{ "alloc", "ipv4_shortest_prefix", CONF_INT, FIELD(alloc_ipv4_shortest), "16", 1, 32, NULL,
	  "largest IPv4 allocation, as a prefix length" },
	{ "alloc", "ipv4_longest_prefix", CONF_INT, FIELD(alloc_ipv4_longest), "24", 1, 32, NULL,
	  "smallest IPv4 allocation, as a prefix length" },
	{ "alloc", "ipv6_shortest_prefix", CONF_INT, FIELD(alloc_ipv6_shortest), "24", 1, 128, NULL,
	  "largest IPv6 allocation, as a prefix length" },
	{ "alloc", "ipv6_longest_prefix", CONF_INT, FIELD(alloc_ipv6_longest), "48", 1, 128, NULL,
	  "smallest IPv6 allocation, as a prefix length" },
	{ "alloc", "asn_max_count", CONF_INT, FIELD(alloc_asn_max), "4", 1, 65536, NULL,
	  "most AS numbers one request may get" },
	{ "stats", "economies", CONF_STRING, FIELD(stats_economies), "../shared/data/economies", 1, 0,
	  NULL, "directory of the economy data (country-codes.csv, population.csv) for the statistics" },
};

#define CONFIG_KEY_COUNT (sizeof(config_keys) / sizeof(config_keys[0]))

static const struct conf_key *key_find(const char *section, const char *name)
{
	for (size_t i = 0; i < CONFIG_KEY_COUNT; i++) {
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].name, name) == 0) {
			return &config_keys[i];
		}
	}
	return NULL;
}

static idreg_err key_assign(struct idreg_config *cfg, const struct conf_key *key,
			    const char *value, struct idreg_diag *diag)
{
	char *base = (char *)cfg + key->offset;
	switch (key->type) {
	case CONF_INT: {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || v < key->min || v > key->max) {
			return idreg_diag_set(diag, IDREG_ECONFIG,
					      "%s.%s: '%s' is not an integer in %ld..%ld",
					      key->section, key->name, value, key->min, key->max);
		}
		*(long *)(void *)base = v;
		return IDREG_OK;
	}
	case CONF_CHOICE: {
		const char *const *c = key->choices;
		while (*c != NULL && strcmp(*c, value) != 0) {
			c++;
		}
		if (*c == NULL) {
			return idreg_diag_set(diag, IDREG_ECONFIG, "%s.%s: '%s' is not one of the allowed values",
					      key->section, key->name, value);
		}
	}
		/* fall through */
	case CONF_STRING: {
		if (key->type == CONF_STRING && value[0] == '\0' && key->min > 0) {
			return idreg_diag_set(diag, IDREG_ECONFIG, "%s.%s: must not be empty",
					      key->section, key->name);
		}
		if (key->type == CONF_STRING && key->max > 0 && strlen(value) > (size_t)key->max) {
			return idreg_diag_set(diag, IDREG_ECONFIG, "%s.%s: longer than %ld characters",
					      key->section, key->name, key->max);
		}
		/* What the file cannot say, --check-config could not print back. */
		if (strlen(key->name) + strlen(" = ") + strlen(value) + 1 >= INI_LINE_MAX) {
			return idreg_diag_set(diag, IDREG_ECONFIG,
					      "%s.%s: longer than an INI line holds (%d bytes)",
					      key->section, key->name, INI_LINE_MAX);
		}
		if (value[0] == ';' || value[0] == '#') {
			return idreg_diag_set(diag, IDREG_ECONFIG,
					      "%s.%s: a value must not begin with '%c', which begins a comment",
					      key->section, key->name, value[0]);
		}
		for (const char *p = value; *p != '\0'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				return idreg_diag_set(diag, IDREG_ECONFIG,
						      "%s.%s: a control character (0x%02x) in the value",
						      key->section, key->name, (unsigned)(unsigned char)*p);
			}
		}
		char *copy = strdup(value);
		if (copy == NULL) {
			return IDREG_ENOMEM;
		}
		char **slot = (char **)(void *)base;
		free(*slot);
		*slot = copy;
		return IDREG_OK;
	}
	}
	return IDREG_EINVAL;
}

idreg_err idreg_config_init(struct idreg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < CONFIG_KEY_COUNT; i++) {
		idreg_err err = key_assign(cfg, &config_keys[i], config_keys[i].default_value, NULL);
		if (err != IDREG_OK) {
			idreg_config_free(cfg);
			return err;
		}
	}
	return IDREG_OK;
}

#define ZONE_SECTION_PREFIX "idn."

/* Record @zone's own @value of the [idn] key @name (the last one given counts). */
static idreg_err zone_key_set(struct idreg_config *cfg, const char *zone, const char *name,
			      const char *value, struct idreg_diag *diag)
{
	const struct conf_key *key = key_find("idn", name);
	if (key == NULL) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "unknown key '%s' in section [idn.%s]", name,
				      zone);
	}
	if (zone[0] == '\0' || strlen(zone) > 253) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "[idn.%s]: a zone name has 1 to 253 bytes",
				      zone);
	}
	struct idreg_config scratch = { 0 }; /* the value checked as the [idn] key's */
	struct idreg_diag why = { "" };
	idreg_err err = key_assign(&scratch, key, value, &why);
	idreg_config_free(&scratch);
	if (err != IDREG_OK) {
		return idreg_diag_set(diag, err, "[idn.%s] %s", zone, why.text);
	}
	struct idreg_config_zone_key *k = NULL;
	for (size_t i = 0; i < cfg->idn_zone_key_count && k == NULL; i++) {
		struct idreg_config_zone_key *held = &cfg->idn_zone_keys[i];
		if (strcmp(held->zone, zone) == 0 && strcmp(held->name, name) == 0) {
			k = held;
		}
	}
	char *copy = strdup(value);
	if (copy == NULL) {
		return IDREG_ENOMEM;
	}
	if (k != NULL) {
		free(k->value);
		k->value = copy;
		return IDREG_OK;
	}
	if (cfg->idn_zone_key_count == IDREG_CONFIG_MAX_ZONE_KEYS) {
		free(copy);
		return idreg_diag_set(diag, IDREG_ECONFIG, "[idn.%s]: more than %d [idn.ZONE] keys", zone,
				      IDREG_CONFIG_MAX_ZONE_KEYS);
	}
	if (cfg->idn_zone_keys == NULL) {
		cfg->idn_zone_keys = calloc(IDREG_CONFIG_MAX_ZONE_KEYS, sizeof(*cfg->idn_zone_keys));
	}
	k = cfg->idn_zone_keys ? &cfg->idn_zone_keys[cfg->idn_zone_key_count] : NULL;
	if (k == NULL || (k->zone = strdup(zone)) == NULL || (k->name = strdup(name)) == NULL) {
		if (k != NULL) {
			free(k->zone);
			k->zone = NULL;
		}
		free(copy);
		return IDREG_ENOMEM;
	}
	k->value = copy;
	cfg->idn_zone_key_count++;
	return IDREG_OK;
}

struct load_ctx {
	struct idreg_config *cfg;
	struct idreg_diag diag;
	idreg_err err;
};

static int on_ini_entry(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *ctx = user;
	if (ctx->err != IDREG_OK) {
		return 0;
	}
	if (strncmp(section, ZONE_SECTION_PREFIX, strlen(ZONE_SECTION_PREFIX)) == 0) {
		ctx->err = zone_key_set(ctx->cfg, section + strlen(ZONE_SECTION_PREFIX), name, value,
					&ctx->diag);
		return ctx->err == IDREG_OK;
	}
	const struct conf_key *key = key_find(section, name);
	if (key == NULL) {
		ctx->err = idreg_diag_set(&ctx->diag, IDREG_ECONFIG, "unknown key '%s' in section [%s]",
					  name, section);
		return 0;
	}
	ctx->err = key_assign(ctx->cfg, key, value, &ctx->diag);
	return ctx->err == IDREG_OK;
}

/* Is line @number of @f a "name = value" (or "name: value") line? */
static bool line_has_key(FILE *f, int number)
{
	char text[256];
	rewind(f);
	for (int n = 1; fgets(text, sizeof(text), f) != NULL; n++) {
		if (n == number) {
			const char *p = text + strspn(text, " \t");
			return *p != '[' && *p != ';' && *p != '#' && strpbrk(p, "=:") != NULL;
		}
		while (strchr(text, '\n') == NULL && fgets(text, sizeof(text), f) != NULL) {
		}
	}
	return false;
}

idreg_err idreg_config_load(struct idreg_config *cfg, const char *path, struct idreg_diag *diag)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "%s: cannot open: %s", path, strerror(errno));
	}
	struct load_ctx ctx = { .cfg = cfg, .err = IDREG_OK };
	int line = ini_parse_file(f, on_ini_entry, &ctx);
	if (line == 0) {
		fclose(f);
		return IDREG_OK;
	}
	/* inih goes on after a line it cannot read and gives that line's number;
	 * a key error the handler saw may come from a later line. */
	bool syntax = ctx.err == IDREG_OK || !line_has_key(f, line);
	fclose(f);
	if (syntax) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "%s:%d: syntax error", path, line);
	}
	idreg_diag_set(diag, ctx.err, "%s:%d: %s", path, line, ctx.diag.text);
	return ctx.err;
}

idreg_err idreg_config_set(struct idreg_config *cfg, const char *key, const char *value,
			   struct idreg_diag *diag)
{
	const char *last_dot = strrchr(key, '.');
	size_t prefix = strlen(ZONE_SECTION_PREFIX);
	if (strncmp(key, ZONE_SECTION_PREFIX, prefix) == 0 && last_dot > key + prefix &&
	    (size_t)(last_dot - key) < prefix + 256) {
		char zone[256];
		snprintf(zone, sizeof(zone), "%.*s", (int)(last_dot - key - (ptrdiff_t)prefix), key + prefix);
		return zone_key_set(cfg, zone, last_dot + 1, value, diag);
	}
	const char *dot = strchr(key, '.');
	if (dot != NULL && (size_t)(dot - key) < 32) {
		char section[32];
		memcpy(section, key, (size_t)(dot - key));
		section[dot - key] = '\0';
		const struct conf_key *k = key_find(section, dot + 1);
		if (k != NULL) {
			return key_assign(cfg, k, value, diag);
		}
	}
	return idreg_diag_set(diag, IDREG_ECONFIG, "unknown configuration key '%s'", key);
}

void idreg_config_print(const struct idreg_config *cfg, FILE *out)
{
	const char *section = "";
	for (size_t i = 0; i < CONFIG_KEY_COUNT; i++) {
		const struct conf_key *key = &config_keys[i];
		if (strcmp(section, key->section) != 0) {
			section = key->section;
			fprintf(out, "%s[%s]\n", i ? "\n" : "", section);
		}
		const char *base = (const char *)cfg + key->offset;
		/* Comment lines stay short: inih reads at most INI_LINE_MAX bytes a line. */
		if (key->default_value[0] == '\0') {
			fprintf(out, "# %s (default: empty)\n", key->help);
		} else if (strlen(key->default_value) <= 40) {
			fprintf(out, "# %s (default %s)\n", key->help, key->default_value);
		} else {
			fprintf(out, "# %s\n", key->help);
		}
		if (key->type == CONF_INT) {
			fprintf(out, "%s = %ld\n", key->name, *(const long *)(const void *)base);
		} else {
			fprintf(out, "%s = %s\n", key->name, *(char *const *)(const void *)base);
		}
	}
	const char *zone = "";
	for (size_t i = 0; i < cfg->idn_zone_key_count; i++) {
		const struct idreg_config_zone_key *k = &cfg->idn_zone_keys[i];
		if (strcmp(zone, k->zone) != 0) {
			zone = k->zone;
			fprintf(out, "\n[%s%s]\n", ZONE_SECTION_PREFIX, zone);
		}
		fprintf(out, "%s = %s\n", k->name, k->value);
	}
}

void idreg_config_rdap_base_url(const struct idreg_config *cfg, char *out, size_t size)
{
	size_t n = strlen(cfg->rdap_base_url);
	if (n > 0) {
		snprintf(out, size, "%s%s", cfg->rdap_base_url, cfg->rdap_base_url[n - 1] == '/' ? "" : "/");
	} else {
		snprintf(out, size, "http://%s/", cfg->rdap_listen);
	}
}

void idreg_config_free(struct idreg_config *cfg)
{
	for (size_t i = 0; i < CONFIG_KEY_COUNT; i++) {
		if (config_keys[i].type != CONF_INT) {
			char **slot = (char **)(void *)((char *)cfg + config_keys[i].offset);
			free(*slot);
			*slot = NULL;
		}
	}
	for (size_t i = 0; i < cfg->idn_zone_key_count; i++) {
		free(cfg->idn_zone_keys[i].zone);
		free(cfg->idn_zone_keys[i].name);
		free(cfg->idn_zone_keys[i].value);
	}
	free(cfg->idn_zone_keys);
	cfg->idn_zone_keys = NULL;
	cfg->idn_zone_key_count = 0;
}
