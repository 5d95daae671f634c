/*
 * The statistics as a page a person reads: IPv6 adoption over time per UN
 * region and per development group as line charts, Lorenz curves with the
 * Gini and Theil figures, tables of groups and regions, a world table per
 * economy that sorts by any column, the codes that are no economy and the
 * files counted -- in English or Chinese.  Charts are SVG drawn here, so a
 * chart needs no script; the one small script sorts the world table.
 * Every text put into the page is escaped.  The page is also well-formed
 * XML (polyglot HTML), so that tests can parse it strictly.
 */
#ifndef IDREG_STATS_REPORT_HTML_H
#define IDREG_STATS_REPORT_HTML_H

#include "core/buf.h"
#include "stats/stats.h"

struct idreg_stats_html_options {
	enum idreg_stats_lang lang;
	/* NULL: the style and the script inline, a page that stands alone;
	 * else the URL prefix of report.css, report.js and icon.svg (served
	 * beside). */
	const char *assets;
	const char *other_lang_url; /* the page in the other language; NULL: no link */
};

/* The page's style sheet, sorting script and icon, for serving at
 * report.css, report.js and icon.svg. */
extern const char idreg_stats_html_css[];
extern const char idreg_stats_html_js[];
extern const char idreg_stats_html_icon[];

/* The figures of a report, computed once for any number of pages. */
struct idreg_stats_report;

/** Compute the report of @s (kept by the caller) for population @year (0: the latest). */
idreg_err idreg_stats_report_new(struct idreg_stats *s, int year, struct idreg_stats_report **out,
				 struct idreg_diag *diag);

/** Write the report as one HTML page, as @opts say, into @out. */
idreg_err idreg_stats_report_write(const struct idreg_stats_report *r,
				   const struct idreg_stats_html_options *opts, struct idreg_buf *out,
				   struct idreg_diag *diag);

void idreg_stats_report_free(struct idreg_stats_report *r);

/** Put @text into @out with &, <, >, " and ' escaped (for text and attribute values). */
idreg_err idreg_html_escape(struct idreg_buf *out, const char *text);

#endif
