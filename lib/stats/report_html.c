/*
 * The HTML report; see report_html.h.  Three views of the one computation
 * (stats_int.h) feed it: by economy (the world table, the Lorenz curves),
 * by region and by development group (the time series, their tables).
 * Charts are SVG: line charts of the series and Lorenz curves, drawn in a
 * fixed coordinate space that the browser scales.
 */
#include "stats/report_html.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats_int.h"

/* ---- words of the page, in each language ---- */

enum label {
	L_TITLE, L_INTRO, L_POP_YEAR, L_NO_POP_YEAR, L_OTHER_LANG, L_ADOPTION, L_ADOPTION_NOTE,
	L_SHARE_REGION, L_SHARE_GROUP, L_V6_REGION, L_V6_GROUP, L_NO_SERIES, L_EQUITY,
	L_LORENZ_RAW, L_LORENZ_PC, L_SHARE_ECONOMIES, L_SHARE_PEOPLE, L_SHARE_HELD, L_EQUALITY,
	L_EQUITY_NOTE, L_RESOURCE, L_BASIS, L_RAW, L_PER_CAPITA, L_GINI, L_THEIL, L_WITHIN,
	L_BETWEEN, L_RES_IPV4, L_RES_IPV6, L_RES_ASN, L_GROUPS, L_REGIONS, L_GROUP, L_REGION,
	L_ECONOMIES, L_WITH_V6, L_V6_SHARE, L_COL_IPV4, L_COL_V6_32, L_COL_ASN, L_HOLDERS,
	L_HOLDERS_V6, L_POPULATION, L_V4_PC, L_V6_PC, L_ASN_PM, L_V6_PER_V4, L_WORLD_TABLE,
	L_WORLD_NOTE, L_CODE, L_NAME, L_DEV, L_UNKNOWN, L_UNKNOWN_NOTE, L_NONE, L_EMPTY_CODE,
	L_REGISTRY, L_RECORDS, L_SOURCES, L_FILE, L_STORE, L_SERIAL, L_HELD, L_NOT_HELD, L_FOOTER,
	L_GAP,
	L_COUNT
};

static const char *const words[L_COUNT][IDREG_STATS_LANG_COUNT] = {
	[L_TITLE] = { "Number resources: IPv6 adoption and equitable distribution",
		      "号码资源：IPv6 部署与公平分配" },
	[L_INTRO] = { "Computed from the registries' own records (allocated and assigned) "
		      "and the UN economy data.",
		      "根据各注册机构自身的记录（已分配和已指派）及联合国经济体数据计算。" },
	[L_POP_YEAR] = { "Population year", "人口数据年份" },
	[L_NO_POP_YEAR] = { "none in the data", "数据中无" },
	[L_OTHER_LANG] = { "中文", "English" },
	[L_ADOPTION] = { "IPv6 adoption over time", "IPv6 部署随时间的变化" },
	[L_ADOPTION_NOTE] = { "By the year of each record's date: the resources still held, by "
			      "when they were delegated.",
			      "按每条记录日期的年份统计：仍被持有的资源，按其分配时间计。" },
	[L_SHARE_REGION] = { "Economies holding IPv6: share, by UN region",
			     "持有 IPv6 地址的经济体比例（按联合国区域）" },
	[L_SHARE_GROUP] = { "Economies holding IPv6: share, by development group",
			    "持有 IPv6 地址的经济体比例（按发展类别）" },
	[L_V6_REGION] = { "IPv6 held, in /32s (cumulative, logarithmic scale), by UN region",
			  "持有的 IPv6 地址，以 /32 计（累计，对数刻度），按联合国区域" },
	[L_V6_GROUP] = { "IPv6 held, in /32s (cumulative, logarithmic scale), by development group",
			 "持有的 IPv6 地址，以 /32 计（累计，对数刻度），按发展类别" },
	[L_NO_SERIES] = { "No dated IPv6 record.", "没有带日期的 IPv6 记录。" },
	[L_EQUITY] = { "Equity of the distribution", "分配的公平性" },
	[L_LORENZ_RAW] = { "Lorenz curves, economies counted once", "洛伦兹曲线：每个经济体计一次" },
	[L_LORENZ_PC] = { "Lorenz curves, per capita", "洛伦兹曲线：按人口" },
	[L_SHARE_ECONOMIES] = { "share of economies", "经济体比例" },
	[L_SHARE_PEOPLE] = { "share of population", "人口比例" },
	[L_SHARE_HELD] = { "share held", "持有比例" },
	[L_EQUALITY] = { "equality", "完全平等" },
	[L_EQUITY_NOTE] = { "Economies in order of what they hold (per person, for per capita); the "
			    "further a curve sags below the diagonal, the less equal the distribution. "
			    "Economies without a population figure for the year are left out of the "
			    "per-capita figures: ",
			    "经济体按持有量（按人口时为人均持有量）由少到多排列；曲线越偏离对角线，"
			    "分配越不平等。该年无人口数据的经济体不计入按人口的数据，共 " },
	[L_RESOURCE] = { "Resource", "资源" },
	[L_BASIS] = { "Basis", "基准" },
	[L_RAW] = { "economies", "按经济体" },
	[L_PER_CAPITA] = { "per capita", "按人口" },
	[L_GINI] = { "Gini", "基尼系数" },
	[L_THEIL] = { "Theil", "泰尔指数" },
	[L_WITHIN] = { "Theil within regions", "泰尔指数（区域内）" },
	[L_BETWEEN] = { "Theil between regions", "泰尔指数（区域间）" },
	[L_RES_IPV4] = { "IPv4 addresses", "IPv4 地址" },
	[L_RES_IPV6] = { "IPv6 (/48s)", "IPv6（/48）" },
	[L_RES_ASN] = { "AS numbers", "自治系统号" },
	[L_GROUPS] = { "Development groups", "发展类别" },
	[L_REGIONS] = { "UN regions", "联合国区域" },
	[L_GROUP] = { "Group", "类别" },
	[L_REGION] = { "Region", "区域" },
	[L_ECONOMIES] = { "Economies", "经济体数" },
	[L_WITH_V6] = { "With IPv6", "持有 IPv6" },
	[L_V6_SHARE] = { "Share with IPv6", "持有 IPv6 的比例" },
	[L_COL_IPV4] = { "IPv4 addresses", "IPv4 地址" },
	[L_COL_V6_32] = { "IPv6 (/32s)", "IPv6（/32）" },
	[L_COL_ASN] = { "AS numbers", "自治系统号" },
	[L_HOLDERS] = { "Holders", "持有者" },
	[L_HOLDERS_V6] = { "Holders with IPv6 (share)", "持有 IPv6 的持有者比例" },
	[L_POPULATION] = { "Population", "人口" },
	[L_V4_PC] = { "IPv4 per person", "人均 IPv4 地址" },
	[L_V6_PC] = { "/48s per person", "人均 /48" },
	[L_ASN_PM] = { "ASNs per million", "每百万人自治系统号" },
	[L_V6_PER_V4] = { "/48s per /24", "每个 /24 对应的 /48" },
	[L_WORLD_TABLE] = { "Economies", "各经济体" },
	[L_WORLD_NOTE] = { "Click a column heading to sort by it, again to reverse. A dash is a gap: "
			   "no figure (no population for the year, or no holder ids in the files).",
			   "点击列标题按该列排序，再次点击则反向排序。破折号表示缺失：无数据"
			   "（该年无人口数据，或文件中没有持有者标识）。" },
	[L_CODE] = { "Code", "代码" },
	[L_NAME] = { "Economy", "经济体" },
	[L_DEV] = { "Groups", "类别" },
	[L_UNKNOWN] = { "Codes that are no economy", "非经济体代码" },
	[L_UNKNOWN_NOTE] = { "Held records whose economy code is no ISO 3166-1 economy of the data "
			     "(EU, AP, ZZ, empty) are counted apart: in the world totals, in no "
			     "economy, region or group.",
			     "经济体代码不是数据中 ISO 3166-1 经济体的已持有记录（EU、AP、ZZ、空代码）"
			     "单独统计：计入全球总数，不计入任何经济体、区域或类别。" },
	[L_NONE] = { "None.", "无。" },
	[L_EMPTY_CODE] = { "(empty)", "（空）" },
	[L_REGISTRY] = { "Registry", "注册机构" },
	[L_RECORDS] = { "Records", "记录数" },
	[L_SOURCES] = { "Data counted", "统计所用数据" },
	[L_FILE] = { "File", "文件" },
	[L_STORE] = { "the registry's store (the newest file of each registry, as imported)",
		      "注册数据库（各注册机构最新导入的文件）" },
	[L_SERIAL] = { "Serial", "序列号" },
	[L_HELD] = { "Held records", "已持有记录" },
	[L_NOT_HELD] = { "Not held", "未持有记录" },
	[L_FOOTER] = { "Each figure as docs/statistics.md defines it. Made by idreg.",
		       "各项数据的定义见 docs/statistics.md。由 idreg 生成。" },
	[L_GAP] = { "no figure", "无数据" },
};

/* Table columns by their heading: the CSV's column names, in data-col. */
static const char *const col_keys[L_COUNT] = {
	[L_CODE] = "code", [L_NAME] = "name", [L_REGION] = "region", [L_DEV] = "groups",
	[L_GROUP] = "group", [L_ECONOMIES] = "economies", [L_WITH_V6] = "economies_with_ipv6",
	[L_V6_SHARE] = "economies_ipv6_share", [L_COL_IPV4] = "ipv4", [L_COL_V6_32] = "ipv6_32",
	[L_COL_ASN] = "asn", [L_HOLDERS] = "holders", [L_HOLDERS_V6] = "holders_ipv6_share",
	[L_V6_PER_V4] = "ipv6_48_per_ipv4_24", [L_POPULATION] = "population",
	[L_V4_PC] = "ipv4_per_capita", [L_V6_PC] = "ipv6_48_per_capita",
	[L_ASN_PM] = "asn_per_million", [L_RESOURCE] = "resource", [L_BASIS] = "basis",
	[L_GINI] = "gini", [L_THEIL] = "theil", [L_WITHIN] = "theil_within_region",
	[L_BETWEEN] = "theil_between_region", [L_REGISTRY] = "registry", [L_RECORDS] = "records",
	[L_FILE] = "path", [L_SERIAL] = "serial", [L_HELD] = "held_records",
	[L_NOT_HELD] = "not_held_records",
};

/* Names of groups and UN regions: long (tables) and short (chart legends). */
struct group_name {
	const char *key;
	const char *name[IDREG_STATS_LANG_COUNT];
	const char *short_name[IDREG_STATS_LANG_COUNT];
};

static const struct group_name group_names[] = {
	{ "LDC", { "Least developed countries (LDC)", "最不发达国家" }, { "LDC", "最不发达国家" } },
	{ "LLDC", { "Landlocked developing countries (LLDC)", "内陆发展中国家" },
	  { "LLDC", "内陆发展中国家" } },
	{ "SIDS", { "Small island developing states (SIDS)", "小岛屿发展中国家" },
	  { "SIDS", "小岛屿发展中国家" } },
	{ "other", { "Other economies", "其他经济体" }, { "Other", "其他" } },
	{ "world", { "World", "全球" }, { "World", "全球" } },
	{ NOT_ECONOMIES, { "(not an economy)", "（非经济体代码）" }, { "(not an economy)", "（非经济体）" } },
	{ NO_REGION, { "(no region)", "（无区域）" }, { "(no region)", "（无区域）" } },
	{ "Africa", { "Africa", "非洲" }, { "Africa", "非洲" } },
	{ "Americas", { "Americas", "美洲" }, { "Americas", "美洲" } },
	{ "Asia", { "Asia", "亚洲" }, { "Asia", "亚洲" } },
	{ "Europe", { "Europe", "欧洲" }, { "Europe", "欧洲" } },
	{ "Oceania", { "Oceania", "大洋洲" }, { "Oceania", "大洋洲" } },
};

/* Colour-blind-safe (Okabe-Ito), the world in black. */
static const char *const palette[] = { "#0072b2", "#d55e00", "#009e73", "#cc79a7",
				       "#e69f00", "#56b4e9", "#8c564b", "#7f7f7f" };
#define PALETTE_SIZE (sizeof(palette) / sizeof(palette[0]))
#define WORLD_COLOUR "#000000"

const char idreg_stats_html_css[] =
	"body{font-family:system-ui,\"Noto Sans\",\"Noto Sans CJK SC\",sans-serif;margin:0 auto;"
	"max-width:72rem;padding:1rem 1.5rem;color:#1a1a1a;background:#fff;line-height:1.45}\n"
	"header nav{float:right}\n"
	"h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.25rem;margin-top:2rem;"
	"border-bottom:1px solid #ccc}\n"
	".charts{display:flex;flex-wrap:wrap;gap:1rem}\n"
	"figure{margin:0;flex:1 1 30rem;min-width:0}figure.lorenz{flex:1 1 20rem;max-width:26rem}\n"
	"figcaption{font-weight:600;margin:.4rem 0}\n"
	"svg.chart{width:100%;height:auto;display:block;background:#fcfcfc}\n"
	"svg.chart text{font-size:12px;fill:#333}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}\n"
	"th,td{padding:.2rem .5rem;border-bottom:1px solid #e4e4e4;text-align:right;"
	"white-space:nowrap}\n"
	"th:first-child,td:first-child,td.text,th.text{text-align:left}\n"
	"thead th{position:sticky;top:0;background:#f2f2f2}\n"
	"tbody tr:nth-child(even){background:#fafafa}\n"
	"td.gap{color:#999}\n"
	"th button{font:inherit;font-weight:600;border:0;background:none;cursor:pointer;padding:0}\n"
	"th[aria-sort=ascending] button::after{content:\" \\25B2\"}\n"
	"th[aria-sort=descending] button::after{content:\" \\25BC\"}\n"
	"footer{margin-top:2rem;color:#555;font-size:.85rem}\n";

const char idreg_stats_html_icon[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><path d=\"M2 14L6 8L9 10L14 3\" "
	"fill=\"none\" stroke=\"#0072b2\" stroke-width=\"2\"/></svg>\n";

/* No "<" or "&" in it: the page stays well-formed XML with the script inline. */
const char idreg_stats_html_js[] =
	"\"use strict\";\n"
	"/* Sort a table by the column whose heading was clicked: numbers by data-v\n"
	"   (gaps last), text in the page's language; again to reverse. */\n"
	"document.querySelectorAll(\"table.sortable\").forEach(function (table) {\n"
	"  var heads = table.querySelectorAll(\"thead th\");\n"
	"  heads.forEach(function (th, col) {\n"
	"    var button = th.querySelector(\"button\");\n"
	"    if (!button) { return; }\n"
	"    button.addEventListener(\"click\", function () {\n"
	"      var ascending = th.getAttribute(\"aria-sort\") !== \"ascending\";\n"
	"      heads.forEach(function (h) { h.removeAttribute(\"aria-sort\"); });\n"
	"      th.setAttribute(\"aria-sort\", ascending ? \"ascending\" : \"descending\");\n"
	"      var numeric = th.dataset.type === \"num\";\n"
	"      var lang = document.documentElement.lang;\n"
	"      var body = table.tBodies[0];\n"
	"      var rows = Array.prototype.slice.call(body.rows);\n"
	"      rows.sort(function (a, b) {\n"
	"        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;\n"
	"        if (numeric) {\n"
	"          if (x === \"\" || y === \"\") { return (x === \"\") - (y === \"\"); }\n"
	"          return ascending ? Number(x) - Number(y) : Number(y) - Number(x);\n"
	"        }\n"
	"        return ascending ? x.localeCompare(y, lang) : y.localeCompare(x, lang);\n"
	"      });\n"
	"      rows.forEach(function (row) { body.appendChild(row); });\n"
	"    });\n"
	"  });\n"
	"});\n";

/* ---- writing ---- */

struct page {
	struct idreg_buf *out;
	idreg_err err;              /* the first failure; writing stops there */
	enum idreg_stats_lang lang;
};

static const char *word(const struct page *p, enum label l)
{
	return words[l][p->lang];
}

static void put(struct page *p, const char *text)
{
	if (p->err == IDREG_OK) {
		p->err = idreg_buf_puts(p->out, text);
	}
}

/* Markup and numbers only: text from the data goes through esc(). */
static void __attribute__((format(printf, 2, 3))) putf(struct page *p, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		p->err = p->err == IDREG_OK ? IDREG_ETOOBIG : p->err;
		return;
	}
	put(p, text);
}

idreg_err idreg_html_escape(struct idreg_buf *out, const char *text)
{
	idreg_err err = IDREG_OK;
	const char *run = text;
	for (const char *c = text; *c && err == IDREG_OK; c++) {
		const char *entity = *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : *c == '>' ? "&gt;"
				   : *c == '"' ? "&quot;" : *c == '\'' ? "&#39;" : NULL;
		if (entity != NULL) {
			err = idreg_buf_append(out, run, (size_t)(c - run));
			if (err == IDREG_OK) {
				err = idreg_buf_puts(out, entity);
			}
			run = c + 1;
		}
	}
	return err == IDREG_OK ? idreg_buf_puts(out, run) : err;
}

static void esc(struct page *p, const char *text)
{
	if (p->err == IDREG_OK) {
		p->err = idreg_html_escape(p->out, text);
	}
}

/* @value with thousands separators and @decimals decimals. */
static void format_number(char *out, size_t size, double value, int decimals)
{
	char digits[64];
	snprintf(digits, sizeof(digits), "%.*f", decimals, fabs(value));
	const char *point = strchr(digits, '.');
	size_t whole = point ? (size_t)(point - digits) : strlen(digits);
	size_t used = 0;
	if (value < 0 && used + 1 < size) {
		out[used++] = '-';
	}
	for (size_t i = 0; i < whole && used + 2 < size; i++) {
		if (i > 0 && (whole - i) % 3 == 0) {
			out[used++] = ',';
		}
		out[used++] = digits[i];
	}
	for (const char *c = point; c && *c && used + 1 < size; c++) {
		out[used++] = *c;
	}
	out[used] = '\0';
}

/* Decimals that show an amount as a reader wants it: whole numbers when large. */
static int decimals_for(double value)
{
	double a = fabs(value);
	return a == 0 || a >= 100 ? 0 : a >= 1 ? 2 : a >= 0.01 ? 4 : 6;
}

static const char *group_label(const struct page *p, const char *key, bool short_name)
{
	for (size_t i = 0; i < sizeof(group_names) / sizeof(group_names[0]); i++) {
		if (strcmp(group_names[i].key, key) == 0) {
			return short_name ? group_names[i].short_name[p->lang] : group_names[i].name[p->lang];
		}
	}
	return key;
}

/* ---- table cells: data-v holds the value the script sorts by ---- */

static void cell_gap(struct page *p)
{
	putf(p, "<td class=\"gap\" data-v=\"\" title=\"%s\">\xe2\x80\x94</td>", word(p, L_GAP));
}

/* A number shown with @decimals decimals (-1: as decimals_for says); NAN is a gap. */
static void cell_num(struct page *p, double value, int decimals)
{
	if (!isfinite(value)) {
		cell_gap(p);
		return;
	}
	char shown[80];
	format_number(shown, sizeof(shown), value, decimals < 0 ? decimals_for(value) : decimals);
	putf(p, "<td data-v=\"%.17g\">%s</td>", value, shown);
}

static void cell_share(struct page *p, double share)
{
	if (!isfinite(share)) {
		cell_gap(p);
		return;
	}
	putf(p, "<td data-v=\"%.17g\">%.1f%%</td>", share, share * 100);
}

static void cell_text(struct page *p, const char *text)
{
	put(p, "<td class=\"text\" data-v=\"");
	esc(p, text);
	put(p, "\">");
	esc(p, text);
	put(p, "</td>");
}

/* A table's head: @cols headings, the first @text_cols of them text, the rest numbers. */
static void table_head(struct page *p, const char *id, bool sortable, const enum label *cols,
		       size_t count, size_t text_cols)
{
	putf(p, "<div class=\"scroll\"><table id=\"%s\"%s><thead><tr>", id,
	     sortable ? " class=\"sortable\"" : "");
	for (size_t i = 0; i < count; i++) {
		bool text = i < text_cols;
		putf(p, "<th scope=\"col\" data-col=\"%s\" data-type=\"%s\"%s>", col_keys[cols[i]],
		     text ? "text" : "num", text ? " class=\"text\"" : "");
		put(p, sortable ? "<button type=\"button\">" : "");
		put(p, word(p, cols[i]));
		put(p, sortable ? "</button></th>" : "</th>");
	}
	put(p, "</tr></thead><tbody>");
}

static void table_end(struct page *p)
{
	put(p, "</tbody></table></div>");
}

/* ---- charts ---- */

#define CHART_W 760
#define CHART_H 330
#define CHART_LEFT 70
#define CHART_RIGHT 200
#define CHART_TOP 16
#define CHART_BOTTOM 40
#define PLOT_W (CHART_W - CHART_LEFT - CHART_RIGHT)
#define PLOT_H (CHART_H - CHART_TOP - CHART_BOTTOM)

struct series {
	const char *name;
	const double *y;   /* one value per year; NAN (or <= 0 on a log scale) is a gap */
	bool world;
};

static void svg_begin(struct page *p, const char *id, int width, int height, const char *title)
{
	putf(p, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"%s\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-title\"><title id=\"%s-title\">",
	     id, width, height, id, id);
	esc(p, title);
	put(p, "</title>");
}

static void svg_text(struct page *p, double x, double y, const char *anchor, const char *text)
{
	putf(p, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	esc(p, text);
	put(p, "</text>");
}

/* A value's place on the y axis, 0 (bottom) to 1, or NAN when it has none. */
static double y_fraction(double value, bool log_scale, double lo, double hi)
{
	if (!isfinite(value) || (log_scale && value <= 0)) {
		return NAN;
	}
	return log_scale ? (log10(value) - lo) / (hi - lo) : (value - lo) / (hi - lo);
}

/*
 * A line chart over @years years from @first_year.  @share: values are
 * shares, 0% to 100%; else @log_scale decades from the smallest to the
 * largest positive value.
 */
static void line_chart(struct page *p, const char *id, enum label title, int first_year,
		       size_t years, const struct series *series, size_t count, bool share)
{
	bool log_scale = !share;
	double lo = 0, hi = 1;
	if (log_scale) {
		double min = INFINITY, max = 0;
		for (size_t s = 0; s < count; s++) {
			for (size_t y = 0; y < years; y++) {
				double v = series[s].y[y];
				if (isfinite(v) && v > 0) {
					min = v < min ? v : min;
					max = v > max ? v : max;
				}
			}
		}
		if (max <= 0) {
			min = max = 1;
		}
		lo = floor(log10(min));
		hi = ceil(log10(max));
		hi = hi <= lo ? lo + 1 : hi;
	}
	putf(p, "<figure><figcaption id=\"%s-caption\">", id);
	put(p, word(p, title));
	put(p, "</figcaption>");
	svg_begin(p, id, CHART_W, CHART_H, word(p, title));
	/* Axes and grid. */
	putf(p, "<g class=\"axes\" stroke=\"#bbb\" stroke-width=\"1\"><path fill=\"none\" d=\"M%d %dV%dH%d\"/>",
	     CHART_LEFT, CHART_TOP, CHART_TOP + PLOT_H, CHART_LEFT + PLOT_W);
	int steps = share ? 4 : (int)(hi - lo);
	int every = steps > 8 ? (steps + 7) / 8 : 1;
	for (int t = 0; t <= steps; t += every) {
		double y = CHART_TOP + PLOT_H - (double)t / steps * PLOT_H;
		putf(p, "<path stroke=\"#eee\" d=\"M%d %.1fH%d\"/>", CHART_LEFT + 1, y,
		     CHART_LEFT + PLOT_W);
	}
	put(p, "</g><g class=\"ticks\">");
	for (int t = 0; t <= steps; t += every) {
		double y = CHART_TOP + PLOT_H - (double)t / steps * PLOT_H;
		char label[48];
		if (share) {
			snprintf(label, sizeof(label), "%d%%", t * 25);
		} else {
			double value = pow(10, lo + t);
			format_number(label, sizeof(label), value, lo + t < 0 ? (int)-(lo + t) : 0);
		}
		svg_text(p, CHART_LEFT - 6, y + 4, "end", label);
	}
	int year_step = years > 30 ? 10 : years > 12 ? 5 : years > 6 ? 2 : 1;
	for (size_t y = 0; y < years; y++) {
		int year = first_year + (int)y;
		if (year % year_step == 0) {
			double x = CHART_LEFT + (years > 1 ? (double)y / (double)(years - 1) * PLOT_W : PLOT_W / 2.0);
			char label[16];
			snprintf(label, sizeof(label), "%d", year);
			svg_text(p, x, CHART_TOP + PLOT_H + 18, "middle", label);
		}
	}
	put(p, "</g>");
	/* One path per series; a gap lifts the pen. */
	for (size_t s = 0; s < count; s++) {
		const char *colour = series[s].world ? WORLD_COLOUR : palette[s % PALETTE_SIZE];
		putf(p, "<path class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s data-series=\"",
		     colour, series[s].world ? " stroke-dasharray=\"6 4\"" : "");
		esc(p, series[s].name);
		put(p, "\" d=\"");
		bool pen_down = false;
		for (size_t y = 0; y < years; y++) {
			double f = y_fraction(series[s].y[y], log_scale, lo, hi);
			if (isnan(f)) {
				pen_down = false;
				continue;
			}
			double x = CHART_LEFT + (years > 1 ? (double)y / (double)(years - 1) * PLOT_W : PLOT_W / 2.0);
			putf(p, "%s%.1f %.1f", pen_down ? "L" : "M", x, CHART_TOP + PLOT_H - f * PLOT_H);
			pen_down = true;
		}
		put(p, "\"><title>");
		esc(p, series[s].name);
		put(p, "</title></path>");
	}
	/* The legend. */
	for (size_t s = 0; s < count; s++) {
		double y = CHART_TOP + 10 + (double)s * 20;
		const char *colour = series[s].world ? WORLD_COLOUR : palette[s % PALETTE_SIZE];
		putf(p, "<path stroke=\"%s\" stroke-width=\"3\"%s d=\"M%d %.1fh24\"/>", colour,
		     series[s].world ? " stroke-dasharray=\"6 4\"" : "", CHART_LEFT + PLOT_W + 14, y);
		svg_text(p, CHART_LEFT + PLOT_W + 44, y + 4, "start", series[s].name);
	}
	put(p, "</svg></figure>");
}

#define LZ_SIZE 400
#define LZ_LEFT 56
#define LZ_TOP 14
#define LZ_PLOT 320

/* Lorenz curves of the three resources on one basis. */
static void lorenz_chart(struct page *p, const char *id, enum label title, bool per_capita,
			 const struct idreg_equity *eq)
{
	putf(p, "<figure class=\"lorenz\"><figcaption id=\"%s-caption\">", id);
	put(p, word(p, title));
	put(p, "</figcaption>");
	svg_begin(p, id, LZ_SIZE, LZ_SIZE, word(p, title));
	putf(p, "<g class=\"axes\" fill=\"none\" stroke=\"#bbb\"><path d=\"M%d %dV%dH%d\"/>"
		"<path stroke=\"#999\" stroke-dasharray=\"4 4\" d=\"M%d %dL%d %d\"/></g>",
	     LZ_LEFT, LZ_TOP, LZ_TOP + LZ_PLOT, LZ_LEFT + LZ_PLOT, LZ_LEFT, LZ_TOP + LZ_PLOT,
	     LZ_LEFT + LZ_PLOT, LZ_TOP);
	for (int t = 0; t <= 4; t++) {
		char label[8];
		snprintf(label, sizeof(label), "%d%%", t * 25);
		svg_text(p, LZ_LEFT + t * LZ_PLOT / 4.0, LZ_TOP + LZ_PLOT + 16, "middle", label);
		svg_text(p, LZ_LEFT - 6, LZ_TOP + LZ_PLOT - t * LZ_PLOT / 4.0 + 4, "end", label);
	}
	svg_text(p, LZ_LEFT + LZ_PLOT / 2.0, LZ_TOP + LZ_PLOT + 34, "middle",
		 word(p, per_capita ? L_SHARE_PEOPLE : L_SHARE_ECONOMIES));
	putf(p, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">",
	     LZ_TOP + LZ_PLOT / 2, LZ_TOP + LZ_PLOT / 2);
	put(p, word(p, L_SHARE_HELD));
	put(p, "</text>");
	for (int res = 0; res < RES_COUNT; res++) {
		const struct idreg_equity *e = &eq[res];
		putf(p, "<path class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
			"data-series=\"%s\" d=\"", palette[res], idreg_stats_res_names[res]);
		bool pen_down = false;
		for (size_t k = 0; k <= e->count; k++) {
			const struct idreg_lorenz_point *pt = &e->lorenz[k];
			if (!isfinite(pt->amount_share) || !isfinite(pt->weight_share)) {
				pen_down = false;
				continue;
			}
			putf(p, "%s%.1f %.1f", pen_down ? "L" : "M", LZ_LEFT + pt->weight_share * LZ_PLOT,
			     LZ_TOP + LZ_PLOT - pt->amount_share * LZ_PLOT);
			pen_down = true;
		}
		put(p, "\"><title>");
		put(p, word(p, (enum label)(L_RES_IPV4 + res)));
		put(p, "</title></path>");
		double y = LZ_TOP + 14 + res * 18.0;
		putf(p, "<path stroke=\"%s\" stroke-width=\"3\" d=\"M%d %.1fh20\"/>", palette[res],
		     LZ_LEFT + 10, y);
		svg_text(p, LZ_LEFT + 36, y + 4, "start", word(p, (enum label)(L_RES_IPV4 + res)));
	}
	double y = LZ_TOP + 14 + RES_COUNT * 18.0;
	putf(p, "<path stroke=\"#999\" stroke-width=\"2\" stroke-dasharray=\"4 4\" d=\"M%d %.1fh20\"/>",
	     LZ_LEFT + 10, y);
	svg_text(p, LZ_LEFT + 36, y + 4, "start", word(p, L_EQUALITY));
	put(p, "</svg></figure>");
}

/* ---- sections ---- */

/* The views every page of a report draws on, computed once. */
struct idreg_stats_report {
	const struct idreg_stats *s;
	int year;
	struct idreg_arena arena; /* the views' tables, and what pages draw from them */
	struct idreg_stats_request by_req[3];
	struct idreg_stats_view economy, region, group;
};

static bool charted(const struct idreg_stats_view *v, size_t g)
{
	const struct group *grp = &v->groups[g];
	return !grp->not_economies && strcmp(grp->key, NO_REGION) != 0 && grp->economies > 0;
}

/* The two charts of the series of @v: share of economies with IPv6, IPv6 held. */
static idreg_err adoption_charts(struct page *p, const struct idreg_stats_view *v, int first_year,
				 const char *id, enum label share_title, enum label v6_title)
{
	size_t years = (size_t)(v->last_year - first_year + 1);
	size_t all_years = (size_t)(v->last_year - v->first_year + 1);
	size_t offset = (size_t)(first_year - v->first_year);
	struct series *share = idreg_arena_calloc(v->arena, v->group_count, sizeof(*share));
	struct series *held = idreg_arena_calloc(v->arena, v->group_count, sizeof(*held));
	if (share == NULL || held == NULL) {
		return IDREG_ENOMEM;
	}
	size_t count = 0;
	for (size_t g = 0; g < v->group_count; g++) {
		bool world = g == v->group_count - 1;
		if (!world && !charted(v, g)) {
			continue;
		}
		double *s = idreg_arena_calloc(v->arena, years, sizeof(double));
		double *h = idreg_arena_calloc(v->arena, years, sizeof(double));
		if (s == NULL || h == NULL) {
			return IDREG_ENOMEM;
		}
		idreg_u128 sum = 0;
		for (size_t y = 0; y < all_years; y++) {
			sum += v->by_year[g * all_years + y].res[RES_IPV6];
			if (y >= offset) {
				s[y - offset] = idreg_stats_ratio(
					(double)idreg_stats_economies_with_v6(v, g, v->first_year + (int)y),
					(double)v->groups[g].economies);
				h[y - offset] = idreg_stats_ipv6_units(sum, 32);
			}
		}
		const char *name = group_label(p, v->groups[g].key, true);
		share[count] = (struct series){ name, s, world };
		held[count++] = (struct series){ name, h, world };
	}
	char chart_id[64];
	snprintf(chart_id, sizeof(chart_id), "chart-share-%s", id);
	line_chart(p, chart_id, share_title, first_year, years, share, count, true);
	snprintf(chart_id, sizeof(chart_id), "chart-ipv6-%s", id);
	line_chart(p, chart_id, v6_title, first_year, years, held, count, false);
	return IDREG_OK;
}

static idreg_err adoption_section(struct page *p, const struct idreg_stats_report *r)
{
	put(p, "<section id=\"adoption\"><h2>");
	put(p, word(p, L_ADOPTION));
	put(p, "</h2><p>");
	put(p, word(p, L_ADOPTION_NOTE));
	put(p, "</p>");
	/* From the year before the first dated IPv6 record. */
	const struct idreg_stats_view *v = &r->region;
	size_t all_years = v->first_year ? (size_t)(v->last_year - v->first_year + 1) : 0;
	size_t world = v->group_count - 1, first = all_years;
	for (size_t y = 0; y < all_years && first == all_years; y++) {
		first = v->by_year[world * all_years + y].res[RES_IPV6] > 0 ? y : first;
	}
	idreg_err err = IDREG_OK;
	if (first == all_years) {
		put(p, "<p>");
		put(p, word(p, L_NO_SERIES));
		put(p, "</p>");
	} else {
		int first_year = v->first_year + (int)(first > 0 ? first - 1 : 0);
		put(p, "<div class=\"charts\">");
		err = adoption_charts(p, &r->region, first_year, "region", L_SHARE_REGION, L_V6_REGION);
		if (err == IDREG_OK) {
			err = adoption_charts(p, &r->group, first_year, "group", L_SHARE_GROUP, L_V6_GROUP);
		}
		put(p, "</div>");
	}
	put(p, "</section>");
	return err;
}

static idreg_err equity_section(struct page *p, const struct idreg_stats_report *r)
{
	const struct idreg_stats_view *v = &r->economy;
	struct idreg_equity eq[2][RES_COUNT];
	for (int basis = 0; basis < 2; basis++) {
		for (int res = 0; res < RES_COUNT; res++) {
			idreg_err err = idreg_stats_measure(v, res, basis == 1, &eq[basis][res]);
			if (err != IDREG_OK) {
				return err;
			}
		}
	}
	size_t without_population = 0;
	for (size_t i = 0; i < v->s->econ->count; i++) {
		without_population += idreg_economy_population(&v->s->econ->items[i], v->year) < 0;
	}
	put(p, "<section id=\"equity\"><h2>");
	put(p, word(p, L_EQUITY));
	put(p, "</h2><div class=\"charts\">");
	lorenz_chart(p, "chart-lorenz-raw", L_LORENZ_RAW, false, eq[0]);
	lorenz_chart(p, "chart-lorenz-per-capita", L_LORENZ_PC, true, eq[1]);
	put(p, "</div><p>");
	put(p, word(p, L_EQUITY_NOTE));
	putf(p, "<span id=\"without-population\">%zu</span>%s</p>", without_population,
	     p->lang == IDREG_STATS_ZH ? " 个。" : ".");
	static const enum label cols[] = { L_RESOURCE, L_BASIS, L_ECONOMIES, L_GINI, L_THEIL,
					   L_WITHIN, L_BETWEEN };
	table_head(p, "equity-table", false, cols, sizeof(cols) / sizeof(cols[0]), 2);
	for (int res = 0; res < RES_COUNT; res++) {
		for (int basis = 0; basis < 2; basis++) {
			const struct idreg_equity *e = &eq[basis][res];
			putf(p, "<tr data-key=\"%s-%s\">", idreg_stats_res_names[res],
			     basis ? "per_capita" : "raw");
			cell_text(p, word(p, (enum label)(L_RES_IPV4 + res)));
			cell_text(p, word(p, basis ? L_PER_CAPITA : L_RAW));
			cell_num(p, (double)e->count, 0);
			cell_num(p, e->gini, 3);
			cell_num(p, e->theil, 3);
			cell_num(p, e->theil_within, 3);
			cell_num(p, e->theil_between, 3);
			put(p, "</tr>");
		}
	}
	table_end(p);
	put(p, "</section>");
	return IDREG_OK;
}

/* The figures every table row has, after its name cells. */
static void figure_cells(struct page *p, const struct group *grp)
{
	cell_num(p, (double)grp->total.res[RES_IPV4], 0);
	cell_num(p, idreg_stats_ipv6_units(grp->total.res[RES_IPV6], 32), -1);
	cell_num(p, (double)grp->total.res[RES_ASN], 0);
	cell_num(p, grp->has_holders ? (double)grp->holders : NAN, 0);
	cell_share(p, idreg_stats_ratio((double)grp->holders_v6, (double)grp->holders));
	cell_num(p, idreg_stats_ratio(idreg_stats_ipv6_units(grp->total.res[RES_IPV6], 48),
				      (double)grp->total.res[RES_IPV4] / 256), -1);
	cell_num(p, grp->population, 0);
	cell_num(p, idreg_stats_ratio((double)grp->covered.res[RES_IPV4], grp->population), 3);
	cell_num(p, idreg_stats_ratio(idreg_stats_ipv6_units(grp->covered.res[RES_IPV6], 48),
				      grp->population), -1);
	cell_num(p, idreg_stats_ratio((double)grp->covered.res[RES_ASN] * 1e6, grp->population), 2);
}

static const enum label figure_cols[] = { L_COL_IPV4, L_COL_V6_32, L_COL_ASN, L_HOLDERS,
					  L_HOLDERS_V6, L_V6_PER_V4, L_POPULATION, L_V4_PC,
					  L_V6_PC, L_ASN_PM };
#define FIGURE_COLS (sizeof(figure_cols) / sizeof(figure_cols[0]))

static void groups_table(struct page *p, const struct idreg_stats_view *v, const char *id,
			 enum label first_col)
{
	enum label cols[4 + FIGURE_COLS] = { first_col, L_ECONOMIES, L_WITH_V6, L_V6_SHARE };
	memcpy(cols + 4, figure_cols, sizeof(figure_cols));
	table_head(p, id, true, cols, 4 + FIGURE_COLS, 1);
	for (size_t g = 0; g < v->group_count; g++) {
		const struct group *grp = &v->groups[g];
		put(p, "<tr data-key=\"");
		esc(p, grp->key);
		put(p, "\">");
		cell_text(p, group_label(p, grp->key, false));
		cell_num(p, (double)grp->economies, 0);
		cell_num(p, (double)grp->economies_v6, 0);
		cell_share(p, idreg_stats_ratio((double)grp->economies_v6, (double)grp->economies));
		figure_cells(p, grp);
		put(p, "</tr>");
	}
	table_end(p);
}

static void world_section(struct page *p, const struct idreg_stats_view *v)
{
	put(p, "<section id=\"economies\"><h2>");
	put(p, word(p, L_WORLD_TABLE));
	put(p, "</h2><p>");
	put(p, word(p, L_WORLD_NOTE));
	put(p, "</p>");
	enum label cols[4 + FIGURE_COLS] = { L_CODE, L_NAME, L_REGION, L_DEV };
	memcpy(cols + 4, figure_cols, sizeof(figure_cols));
	table_head(p, "world-table", true, cols, 4 + FIGURE_COLS, 4);
	size_t known = v->s->econ->count;
	for (size_t g = 0; g < known; g++) {
		const struct group *grp = &v->groups[g];
		const struct idreg_economy *e = grp->economy;
		putf(p, "<tr data-key=\"%s\">", e->alpha2);
		cell_text(p, e->alpha2);
		const char *name = p->lang == IDREG_STATS_ZH && e->name_zh[0] ? e->name_zh : e->name_en;
		cell_text(p, name);
		cell_text(p, group_label(p, e->region[0] ? e->region : NO_REGION, false));
		char groups[160] = "";
		const char *sep = p->lang == IDREG_STATS_ZH ? "、" : ", ";
		const bool flags[3] = { e->ldc, e->lldc, e->sids };
		for (int i = 0; i < 3; i++) {
			if (flags[i]) {
				size_t used = strlen(groups);
				snprintf(groups + used, sizeof(groups) - used, "%s%s", used ? sep : "",
					 group_label(p, idreg_stats_dev_groups[i], true));
			}
		}
		cell_text(p, groups);
		figure_cells(p, grp);
		put(p, "</tr>");
	}
	table_end(p);
	put(p, "</section>");
}

static void unknown_section(struct page *p, const struct idreg_stats *s)
{
	put(p, "<section id=\"unknown\"><h2>");
	put(p, word(p, L_UNKNOWN));
	put(p, "</h2><p>");
	put(p, word(p, L_UNKNOWN_NOTE));
	put(p, "</p>");
	if (s->unknown_count == 0) {
		put(p, "<p>");
		put(p, word(p, L_NONE));
		put(p, "</p></section>");
		return;
	}
	static const enum label cols[] = { L_CODE, L_REGISTRY, L_RECORDS, L_COL_IPV4, L_COL_V6_32,
					   L_COL_ASN };
	table_head(p, "unknown-table", false, cols, sizeof(cols) / sizeof(cols[0]), 2);
	for (size_t c = 0; c < s->unknown_count; c++) {
		for (size_t r = 0; r < s->registry_count; r++) {
			struct amounts a;
			idreg_stats_unknown_amounts(s, c, r, &a);
			if (a.records == 0) {
				continue;
			}
			put(p, "<tr data-key=\"");
			esc(p, s->unknown[c]);
			put(p, "\">");
			cell_text(p, s->unknown[c][0] ? s->unknown[c] : word(p, L_EMPTY_CODE));
			cell_text(p, s->registries[r]);
			cell_num(p, (double)a.records, 0);
			cell_num(p, (double)a.res[RES_IPV4], 0);
			cell_num(p, idreg_stats_ipv6_units(a.res[RES_IPV6], 32), -1);
			cell_num(p, (double)a.res[RES_ASN], 0);
			put(p, "</tr>");
		}
	}
	table_end(p);
	put(p, "</section>");
}

static void sources_section(struct page *p, const struct idreg_stats *s)
{
	put(p, "<section id=\"sources\"><h2>");
	put(p, word(p, L_SOURCES));
	put(p, "</h2>");
	static const enum label cols[] = { L_REGISTRY, L_FILE, L_SERIAL, L_HELD, L_NOT_HELD };
	table_head(p, "sources-table", false, cols, sizeof(cols) / sizeof(cols[0]), 3);
	for (size_t i = 0; i < s->file_count; i++) {
		const struct file_note *f = &s->files[i];
		put(p, "<tr>");
		cell_text(p, f->registry);
		cell_text(p, f->path[0] ? f->path : word(p, L_STORE));
		cell_text(p, f->serial);
		cell_num(p, (double)f->held, 0);
		cell_num(p, (double)f->not_held, 0);
		put(p, "</tr>");
	}
	table_end(p);
	put(p, "</section>");
}

static void page_begin(struct page *p, const struct idreg_stats_html_options *opts, int year)
{
	putf(p, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"%s\" "
		"xml:lang=\"%s\"><head><meta charset=\"utf-8\"/>"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>",
	     p->lang == IDREG_STATS_ZH ? "zh-Hans" : "en", p->lang == IDREG_STATS_ZH ? "zh-Hans" : "en");
	put(p, word(p, L_TITLE));
	put(p, "</title>");
	if (opts->assets != NULL) {
		put(p, "<link rel=\"stylesheet\" href=\"");
		esc(p, opts->assets);
		put(p, "report.css\"/><link rel=\"icon\" type=\"image/svg+xml\" href=\"");
		esc(p, opts->assets);
		put(p, "icon.svg\"/>");
	} else {
		put(p, "<style>");
		put(p, idreg_stats_html_css);
		put(p, "</style>");
	}
	put(p, "</head>\n<body><header>");
	if (opts->other_lang_url != NULL) {
		put(p, "<nav><a id=\"other-language\" href=\"");
		esc(p, opts->other_lang_url);
		putf(p, "\" hreflang=\"%s\">", p->lang == IDREG_STATS_ZH ? "en" : "zh-Hans");
		put(p, word(p, L_OTHER_LANG));
		put(p, "</a></nav>");
	}
	put(p, "<h1>");
	put(p, word(p, L_TITLE));
	put(p, "</h1><p>");
	put(p, word(p, L_INTRO));
	put(p, " ");
	put(p, word(p, L_POP_YEAR));
	put(p, p->lang == IDREG_STATS_ZH ? "：" : ": ");
	if (year) {
		putf(p, "<span id=\"population-year\">%d</span>", year);
	} else {
		put(p, word(p, L_NO_POP_YEAR));
	}
	put(p, p->lang == IDREG_STATS_ZH ? "。" : ".");
	put(p, "</p></header>\n<main>");
}

static void page_end(struct page *p, const struct idreg_stats_html_options *opts)
{
	put(p, "</main>\n<footer><p>");
	put(p, word(p, L_FOOTER));
	put(p, "</p></footer>");
	if (opts->assets != NULL) {
		put(p, "<script src=\"");
		esc(p, opts->assets);
		put(p, "report.js\"></script>");
	} else {
		put(p, "<script>");
		put(p, idreg_stats_html_js);
		put(p, "</script>");
	}
	put(p, "</body></html>\n");
}

idreg_err idreg_stats_report_new(struct idreg_stats *s, int year, struct idreg_stats_report **out,
				 struct idreg_diag *diag)
{
	struct idreg_stats_report *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "statistics report: out of memory");
	}
	idreg_arena_init(&r->arena, 256 * 1024, 0);
	r->s = s;
	r->year = year ? year : s->econ->last_year;
	const enum idreg_stats_by by[3] = { IDREG_STATS_BY_ECONOMY, IDREG_STATS_BY_REGION,
					    IDREG_STATS_BY_GROUP };
	struct idreg_stats_view *views[3] = { &r->economy, &r->region, &r->group };
	idreg_err err = IDREG_OK;
	for (int i = 0; i < 3 && err == IDREG_OK; i++) {
		r->by_req[i] = (struct idreg_stats_request){ .by = by[i], .year = r->year };
		*views[i] = (struct idreg_stats_view){ .s = s, .req = &r->by_req[i], .year = r->year,
						       .arena = &r->arena };
		err = idreg_stats_view_compute(views[i]);
	}
	if (err != IDREG_OK) {
		idreg_stats_report_free(r);
		return idreg_diag_set(diag, err, "statistics report: %s", idreg_strerror(err));
	}
	*out = r;
	return IDREG_OK;
}

void idreg_stats_report_free(struct idreg_stats_report *r)
{
	if (r != NULL) {
		idreg_arena_free(&r->arena);
		free(r);
	}
}

idreg_err idreg_stats_report_write(const struct idreg_stats_report *r,
				   const struct idreg_stats_html_options *opts, struct idreg_buf *out,
				   struct idreg_diag *diag)
{
	struct page p = { .out = out, .lang = opts->lang };
	page_begin(&p, opts, r->year);
	idreg_err err = adoption_section(&p, r);
	if (err == IDREG_OK) {
		err = equity_section(&p, r);
	}
	if (err == IDREG_OK) {
		put(&p, "<section id=\"groups\"><h2>");
		put(&p, word(&p, L_GROUPS));
		put(&p, "</h2>");
		groups_table(&p, &r->group, "group-table", L_GROUP);
		put(&p, "<h2>");
		put(&p, word(&p, L_REGIONS));
		put(&p, "</h2>");
		groups_table(&p, &r->region, "region-table", L_REGION);
		put(&p, "</section>");
		world_section(&p, &r->economy);
		unknown_section(&p, r->s);
		sources_section(&p, r->s);
		page_end(&p, opts);
		err = p.err;
	}
	if (err != IDREG_OK) {
		return idreg_diag_set(diag, err, "statistics report: %s", idreg_strerror(err));
	}
	return IDREG_OK;
}
