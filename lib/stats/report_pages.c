/*
 * The report's pages, built once and looked up by path; see report_pages.h.
 */
#include "stats/report_pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "stats/report_html.h"
#include "stats/stats.h"

#define REPORT_MAX ((size_t)64 << 20) /* bytes of one page */

enum { PAGE_EN, PAGE_ZH, PAGE_CSS, PAGE_JS, PAGE_ICON, PAGE_COUNT };

struct stored_page {
	const char *path;
	const char *content_type;
	const char *body;
	size_t len;
	char etag[24];
};

struct idreg_stats_pages {
	struct stored_page pages[PAGE_COUNT];
	char *html[IDREG_STATS_LANG_COUNT]; /* the bodies of the two report pages */
	bool unavailable;
	char last_modified[40];
};

static const char not_found_page[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>Not found</title>"
	"</head><body><h1>Not found</h1><p>No such page. The statistics report is at "
	"<a href=\"" IDREG_STATS_PREFIX "/\">" IDREG_STATS_PREFIX "/</a>, in Chinese at "
	"<a href=\"" IDREG_STATS_PREFIX "/zh/\">" IDREG_STATS_PREFIX "/zh/</a>.</p>"
	"<p lang=\"zh-Hans\">没有此页面。统计报告见 <a href=\"" IDREG_STATS_PREFIX "/zh/\">"
	IDREG_STATS_PREFIX "/zh/</a>。</p></body></html>\n";

static const char unavailable_page[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
	"<title>Statistics not available</title></head><body><h1>Statistics not available</h1>"
	"<p>The statistics report could not be made: the economy data could not be read "
	"(the server's log says why). RDAP and WHOIS are served as usual.</p>"
	"<p lang=\"zh-Hans\">统计报告暂不可用：无法读取经济体数据（原因见服务器日志）。"
	"RDAP 和 WHOIS 服务照常。</p></body></html>\n";

/* An entity tag: FNV-1a over the body. */
static void make_etag(struct stored_page *page)
{
	uint64_t hash = 14695981039346656037u;
	for (size_t i = 0; i < page->len; i++) {
		hash = (hash ^ (unsigned char)page->body[i]) * 1099511628211u;
	}
	snprintf(page->etag, sizeof(page->etag), "\"%016" PRIx64 "\"", hash);
}

/* Compute the statistics of @ix once and write both report pages. */
static idreg_err make_report(struct idreg_stats_pages *pages, const struct idreg_numindex *ix,
			     const char *economies_dir, struct idreg_diag *diag)
{
	char codes[4096], population[4096];
	snprintf(codes, sizeof(codes), "%s/country-codes.csv", economies_dir);
	snprintf(population, sizeof(population), "%s/population.csv", economies_dir);
	struct idreg_arena arena;
	idreg_arena_init(&arena, 256 * 1024, 0);
	struct idreg_economies economies;
	struct idreg_stats *stats = NULL;
	struct idreg_stats_report *report = NULL;
	idreg_err err = idreg_economies_load(codes, population, &arena, &economies, diag);
	if (err == IDREG_OK && (err = idreg_stats_new(&economies, &stats)) != IDREG_OK) {
		idreg_diag_set(diag, err, "statistics: out of memory");
	}
	if (err == IDREG_OK) {
		err = idreg_stats_add_numindex(stats, ix, diag);
	}
	if (err == IDREG_OK) {
		err = idreg_stats_report_new(stats, 0, &report, diag);
	}
	/* English at PREFIX/, Chinese at PREFIX/zh/: links are relative to each. */
	static const char *const assets[IDREG_STATS_LANG_COUNT] = { "", "../" };
	static const char *const other[IDREG_STATS_LANG_COUNT] = { "zh/", "../" };
	for (int lang = 0; lang < IDREG_STATS_LANG_COUNT && err == IDREG_OK; lang++) {
		struct idreg_buf out;
		idreg_buf_init(&out, REPORT_MAX);
		const struct idreg_stats_html_options opts = {
			.lang = (enum idreg_stats_lang)lang, .assets = assets[lang],
			.other_lang_url = other[lang],
		};
		err = idreg_stats_report_write(report, &opts, &out, diag);
		if (err == IDREG_OK) {
			pages->html[lang] = out.data; /* the buffer's memory is the page's now */
			pages->pages[lang].body = out.data;
			pages->pages[lang].len = out.len;
		} else {
			idreg_buf_free(&out);
		}
	}
	idreg_stats_report_free(report);
	idreg_stats_free(stats);
	idreg_arena_free(&arena);
	return err;
}

idreg_err idreg_stats_pages_build(const struct idreg_numindex *ix, const char *economies_dir,
				  struct idreg_stats_pages **out, bool *unavailable,
				  struct idreg_diag *diag)
{
	struct idreg_stats_pages *pages = calloc(1, sizeof(*pages));
	if (pages == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory for the statistics pages");
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(pages->last_modified, sizeof(pages->last_modified), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	const char *html = "text/html; charset=utf-8";
	pages->pages[PAGE_EN] = (struct stored_page){ .path = IDREG_STATS_PREFIX "/", .content_type = html };
	pages->pages[PAGE_ZH] = (struct stored_page){ .path = IDREG_STATS_PREFIX "/zh/", .content_type = html };
	pages->pages[PAGE_CSS] = (struct stored_page){
		.path = IDREG_STATS_PREFIX "/report.css", .content_type = "text/css; charset=utf-8",
		.body = idreg_stats_html_css, .len = strlen(idreg_stats_html_css) };
	pages->pages[PAGE_JS] = (struct stored_page){
		.path = IDREG_STATS_PREFIX "/report.js", .content_type = "text/javascript; charset=utf-8",
		.body = idreg_stats_html_js, .len = strlen(idreg_stats_html_js) };
	pages->pages[PAGE_ICON] = (struct stored_page){
		.path = IDREG_STATS_PREFIX "/icon.svg", .content_type = "image/svg+xml",
		.body = idreg_stats_html_icon, .len = strlen(idreg_stats_html_icon) };
	pages->unavailable = make_report(pages, ix, economies_dir, diag) != IDREG_OK;
	for (int i = 0; i < PAGE_COUNT && !pages->unavailable; i++) {
		make_etag(&pages->pages[i]);
	}
	*unavailable = pages->unavailable;
	*out = pages;
	return IDREG_OK;
}

void idreg_stats_pages_free(struct idreg_stats_pages *pages)
{
	if (pages == NULL) {
		return;
	}
	for (int lang = 0; lang < IDREG_STATS_LANG_COUNT; lang++) {
		free(pages->html[lang]);
	}
	free(pages);
}

bool idreg_stats_pages_path(const char *path)
{
	size_t n = strlen(IDREG_STATS_PREFIX);
	return strncmp(path, IDREG_STATS_PREFIX, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

void idreg_stats_pages_find(const struct idreg_stats_pages *pages, const char *path,
			    const char *if_none_match, struct idreg_stats_page *out)
{
	*out = (struct idreg_stats_page){ .status = 404, .content_type = "text/html; charset=utf-8",
					  .body = not_found_page, .len = sizeof(not_found_page) - 1,
					  .last_modified = pages->last_modified };
	/* Without the final '/', relative links would miss: send the client there. */
	static const char *const moved[][2] = {
		{ IDREG_STATS_PREFIX, IDREG_STATS_PREFIX "/" },
		{ IDREG_STATS_PREFIX "/zh", IDREG_STATS_PREFIX "/zh/" },
	};
	for (size_t i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		if (strcmp(path, moved[i][0]) == 0) {
			out->status = 301;
			out->location = moved[i][1];
			out->body = "";
			out->len = 0;
			return;
		}
	}
	if (pages->unavailable) {
		out->status = 503;
		out->body = unavailable_page;
		out->len = sizeof(unavailable_page) - 1;
		return;
	}
	for (int i = 0; i < PAGE_COUNT; i++) {
		const struct stored_page *page = &pages->pages[i];
		if (strcmp(path, page->path) != 0) {
			continue;
		}
		out->content_type = page->content_type;
		out->etag = page->etag;
		/* RFC 9110 section 13.1.2: a list of tags, or "*". */
		bool matches = strcmp(if_none_match, "*") == 0 || strstr(if_none_match, page->etag) != NULL;
		out->status = matches ? 304 : 200;
		out->body = matches ? "" : page->body;
		out->len = matches ? 0 : page->len;
		return;
	}
}
