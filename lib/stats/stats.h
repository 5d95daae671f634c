/*
 * Statistics on the number resources the RIRs hand out (Res. 180: IPv6
 * adoption and equitable distribution): per economy, RIR, UN M49 region and
 * sub-region and development group (LDC, LLDC, SIDS, other) -- IPv4
 * addresses, IPv6 in /32 and /48 units, AS numbers, holders, the share of
 * economies and of holders with IPv6, IPv6-to-IPv4 ratios, per-capita
 * figures; time series by the records' years; Gini and Theil indices,
 * Lorenz curves; HHI of holders inside each economy.  Written as CSV (one
 * table), JSON (everything) or the HTML report of report_html.h.
 * docs/statistics.md says what each figure means and how it is computed.
 *
 * Only allocated and assigned records count as held; available and reserved
 * ones are counted per file as not held.  Records whose economy code is no
 * ISO 3166-1 economy of the economy data (EU, AP, ZZ, "") are counted apart,
 * under their code.
 */
#ifndef IDREG_STATS_STATS_H
#define IDREG_STATS_STATS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"
#include "formats/rir.h"
#include "numres/numindex.h"
#include "stats/economies.h"

enum idreg_stats_by {
	IDREG_STATS_BY_ECONOMY, IDREG_STATS_BY_RIR, IDREG_STATS_BY_REGION,
	IDREG_STATS_BY_SUBREGION, IDREG_STATS_BY_GROUP, IDREG_STATS_BY_COUNT
};
enum idreg_stats_table {
	IDREG_STATS_FIGURES, IDREG_STATS_SERIES, IDREG_STATS_EQUITY, IDREG_STATS_LORENZ,
	IDREG_STATS_UNKNOWN, IDREG_STATS_TABLE_COUNT
};
enum idreg_stats_format {
	IDREG_STATS_CSV, IDREG_STATS_JSON, IDREG_STATS_HTML, IDREG_STATS_FORMAT_COUNT
};
/* Languages of the HTML report. */
enum idreg_stats_lang { IDREG_STATS_EN, IDREG_STATS_ZH, IDREG_STATS_LANG_COUNT };

/* Names as the command line and the output spell them, by enum value. */
extern const char *const idreg_stats_by_names[IDREG_STATS_BY_COUNT];
extern const char *const idreg_stats_table_names[IDREG_STATS_TABLE_COUNT];
extern const char *const idreg_stats_format_names[IDREG_STATS_FORMAT_COUNT];
extern const char *const idreg_stats_lang_names[IDREG_STATS_LANG_COUNT];

/* Limits on what one set of files may hold. */
#define IDREG_STATS_MAX_REGISTRIES 16
#define IDREG_STATS_MAX_UNKNOWN_CODES 256

struct idreg_stats;

/** An empty set of statistics over @economies (kept by the caller). */
idreg_err idreg_stats_new(const struct idreg_economies *economies, struct idreg_stats **out);

/**
 * Do the records of @registry's file count?  Not IANA's: it says what IANA
 * gave the RIRs, which the RIRs' own files hand out again.
 */
bool idreg_stats_counts(const char *registry);

/** Count the records of @file (its strings may go once this returns). */
idreg_err idreg_stats_add_file(struct idreg_stats *s, const struct idreg_rir_file *file,
			       struct idreg_diag *diag);

/**
 * Held records whose economy code is no economy: how many, and in @text
 * ("EU 12, ZZ 3, (empty) 27") the codes with their counts.
 */
size_t idreg_stats_unknown_summary(const struct idreg_stats *s, char *text, size_t size);

struct idreg_stats_request {
	enum idreg_stats_by by;
	enum idreg_stats_table table;   /* for CSV; JSON holds every table */
	enum idreg_stats_format format;
	enum idreg_stats_lang lang;     /* for HTML: the report's language */
	int year;                       /* population year; 0: the latest of the data */
};

/** Compute and write the figures @req asks for. */
idreg_err idreg_stats_write(struct idreg_stats *s, const struct idreg_stats_request *req,
			    FILE *out, struct idreg_diag *diag);

/**
 * Count the records of a snapshot of the store (the newest file of each
 * registry, as imported), each under the registry of the file it came from;
 * IANA's are left out as above.  Its strings may go once this returns.
 */
idreg_err idreg_stats_add_numindex(struct idreg_stats *s, const struct idreg_numindex *ix,
				   struct idreg_diag *diag);

void idreg_stats_free(struct idreg_stats *s);

#endif
