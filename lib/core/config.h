/*
 * Configuration: an INI file (parsed by inih) whose keys are declared once, in
 * config.c, with their type, default, allowed values and help text.  Loading,
 * command-line overrides, `--check-config` and the printed reference all read
 * that one table.
 */
#ifndef IDREG_CORE_CONFIG_H
#define IDREG_CORE_CONFIG_H

#include <stdio.h>

#include "core/error.h"

/* Most [idn.ZONE] keys a configuration may hold, all zones together. */
#define IDREG_CONFIG_MAX_ZONE_KEYS 512

/* A key of an [idn.ZONE] section: a zone's own value of an [idn] key. */
struct idreg_config_zone_key {
	char *zone;   /* as written after "idn." */
	char *name;   /* the [idn] key */
	char *value;  /* checked as the [idn] key's value */
};

#define IDREG_CONFIG_EIR_CONDITIONS 10 /* lib/eir/classify.h's conditions */

/** How an [eir] classification condition is applied: keys NAME, NAME_grace_days, ... */
struct idreg_config_eir_condition {
	char *mode;                /* blocking, informative or off */
	long grace_days;
	char *sticky;              /* yes or no */
	long max_permille;         /* safety cap */
};

struct idreg_config {
	char *store_backend;       /* [store] backend */
	char *store_path;          /* [store] path */
	long store_busy_timeout_ms;/* [store] busy_timeout_ms */
	char *log_level;           /* [log] level */
	char *log_format;          /* [log] format */
	long import_max_line;      /* [import] max_line_bytes */
	long import_max_records;   /* [import] max_records */
	long import_max_domain_line; /* [import] max_domain_line_bytes */
	char *eir_home_mccs;       /* [eir] home_mccs */
	char *eir_home_cc;         /* [eir] home_cc */
	char *eir_mnc3_mccs;       /* [eir] mnc3_mccs */
	char *eir_operators;       /* [eir] operators */
	char *eir_check;           /* [eir] check */
	long eir_max_null;         /* [eir] max_null_permille */
	long eir_max_non_numeric;  /* [eir] max_non_numeric_permille */
	long eir_max_too_long;     /* [eir] max_too_long_permille */
	long eir_max_leading_zeros; /* [eir] max_leading_zeros_permille */
	long eir_max_foreign_imsi; /* [eir] max_foreign_imsi_permille */
	long eir_max_foreign_msisdn; /* [eir] max_foreign_msisdn_permille */
	long eir_max_volume_change; /* [eir] max_volume_change_percent */
	struct idreg_config_eir_condition eir_condition[IDREG_CONFIG_EIR_CONDITIONS];
	long eir_duplicate_window_days;  /* [eir] duplicate_window_days */
	long eir_duplicate_min_imsis;    /* [eir] duplicate_min_imsis */
	long eir_daily_avg_min_hundredths; /* [eir] duplicate_daily_avg_min_hundredths */
	long eir_daily_avg_min_days;     /* [eir] duplicate_daily_avg_min_days */
	long eir_transient_window_days;  /* [eir] transient_window_days */
	long eir_transient_min_msisdns;  /* [eir] transient_min_msisdns */
	char *eir_unknown_tac_lag;       /* [eir] unknown_tac_lag */
	char *eir_exempt_device_types;   /* [eir] not_registered_exempt_types */
	char *rdap_listen;         /* [rdap] listen */
	char *rdap_base_url;       /* [rdap] base_url */
	char *rdap_port43;         /* [rdap] port43 */
	long rdap_max_connections; /* [rdap] max_connections */
	long rdap_idle_timeout;    /* [rdap] idle_timeout_s */
	long rdap_max_request;     /* [rdap] max_request_bytes */
	char *whois_listen;        /* [whois] listen */
	long whois_max_connections; /* [whois] max_connections */
	long whois_timeout_ms;     /* [whois] timeout_ms */
	char *epp_listen;          /* [epp] listen */
	char *epp_cert;            /* [epp] cert */
	char *epp_key;             /* [epp] key */
	char *epp_client_cert;     /* [epp] client_cert */
	char *epp_ca;              /* [epp] ca */
	long epp_max_frame;        /* [epp] max_frame_bytes */
	long epp_idle_timeout;     /* [epp] idle_timeout_s */
	long epp_max_sessions;     /* [epp] max_sessions_per_registrar */
	long epp_max_connections;  /* [epp] max_connections */
	long epp_clock_interval;   /* [epp] clock_interval_s */
	long rate_per_second;      /* [ratelimit] per_second */
	long rate_burst;           /* [ratelimit] burst */
	long service_threads;      /* [service] threads */
	long service_cache_bytes;  /* [service] cache_bytes */
	long service_reload_after_changes; /* [service] reload_after_changes */
	char *terms_of_use;        /* [service] terms_of_use */
	char *terms_url;           /* [service] terms_url */
	long rdap_search_max;      /* [rdap] search_max_results */
	char *privacy_redact;      /* [privacy] redact */
	char *idn_lgr;             /* [idn] lgr */
	char *idn_variants;        /* [idn] variants */
	long idn_max_activated;    /* [idn] max_activated */
	long idn_max_variants;     /* [idn] max_variants */
	char *idn_confusables;     /* [idn] confusables */
	char *idn_restriction_level; /* [idn] restriction_level */
	struct idreg_config_zone_key *idn_zone_keys; /* [idn.ZONE] sections, in file order */
	size_t idn_zone_key_count;
	char *alloc_registry;      /* [alloc] registry */
	char *alloc_cc;            /* [alloc] cc */
	long alloc_ipv4_shortest;  /* [alloc] ipv4_shortest_prefix */
	long alloc_ipv4_longest;   /* [alloc] ipv4_longest_prefix */
	long alloc_ipv6_shortest;  /* [alloc] ipv6_shortest_prefix */
	long alloc_ipv6_longest;   /* [alloc] ipv6_longest_prefix */
	long alloc_asn_max;        /* [alloc] asn_max_count */
	char *stats_economies;     /* [stats] economies */
};

/** Fill @cfg with every key's default. */
idreg_err idreg_config_init(struct idreg_config *cfg);

/** Read an INI file over the current values; errors name the file and line. */
idreg_err idreg_config_load(struct idreg_config *cfg, const char *path, struct idreg_diag *diag);

/** Set one key, "section.name" (or "idn.ZONE.name"), checking the value as the file would. */
idreg_err idreg_config_set(struct idreg_config *cfg, const char *key, const char *value,
			   struct idreg_diag *diag);

/** Write the effective configuration as an INI file. */
void idreg_config_print(const struct idreg_config *cfg, FILE *out);

/** The RDAP base URL, ending in '/': rdap.base_url, or http://LISTEN/. */
void idreg_config_rdap_base_url(const struct idreg_config *cfg, char *out, size_t size);

void idreg_config_free(struct idreg_config *cfg);

#endif
