/*
 * The statistics report as a set of pages a server hands out: computed once
 * from the records of a snapshot of the store and the economy data, in
 * English at PREFIX/ and Chinese at PREFIX/zh/, with their style sheet,
 * script and icon beside them, each with an entity tag; what is not one of them is a
 * 404 page, and all of it a 503 page when the economy data could not be
 * read (the server keeps serving everything else).  Read-only once built:
 * any number of threads may look pages up.
 */
#ifndef IDREG_STATS_REPORT_PAGES_H
#define IDREG_STATS_REPORT_PAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "numres/numindex.h"

/* Where the pages live on the server. */
#define IDREG_STATS_PREFIX "/stats"

struct idreg_stats_pages;

/**
 * Build the pages from @ix and the economy data in @economies_dir
 * (country-codes.csv, population.csv).  When the data cannot be read or the
 * report not made, the pages are still built -- every one a 503 -- and
 * @diag says why; the return value is then IDREG_OK too, with *@unavailable
 * true.  Only a failure to allocate the pages themselves is an error.
 */
idreg_err idreg_stats_pages_build(const struct idreg_numindex *ix, const char *economies_dir,
				  struct idreg_stats_pages **out, bool *unavailable,
				  struct idreg_diag *diag);

void idreg_stats_pages_free(struct idreg_stats_pages *pages);

/** Is @path (percent-decoded) one of the report's, or under its prefix? */
bool idreg_stats_pages_path(const char *path);

/** The answer for one request. */
struct idreg_stats_page {
	int status;                /* 200, 301, 304, 404 or 503 */
	const char *content_type;
	const char *body;          /* none for a 304 */
	size_t len;
	const char *etag;          /* 200 and 304; else NULL */
	const char *last_modified; /* when the pages were built, an HTTP date */
	const char *location;      /* 301: where the page is */
};

/**
 * The page at @path (idreg_stats_pages_path true), or 304 when
 * @if_none_match (an If-None-Match value, "" when none) names its tag.
 */
void idreg_stats_pages_find(const struct idreg_stats_pages *pages, const char *path,
			    const char *if_none_match, struct idreg_stats_page *out);

/* The Content-Security-Policy every page goes with: nothing but the
 * server's own style sheet and script. */
#define IDREG_STATS_CSP                                                                       \
	"default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "         \
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

#endif
