/*
 * HTTP/1.1 over the event-loop server.  See http.h.
 *
 * http-parser streams: the request target, header bytes and body arrive in
 * pieces through callbacks, which copy what idreg needs (the target, the
 * body) into bounded per-connection buffers and count the rest against the
 * limits.  The parser is paused after each complete request, so that one
 * answer is queued at a time and pipelined requests wait in the input until
 * it is written.
 */
#include "net/http.h"

#include <http_parser.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define INPUT_BYTES (16 * 1024)
#define OUTPUT_CEILING ((size_t)64 * 1024 * 1024)
#define MAX_HEADER_LINES 100
/* Per-connection buffers larger than this are given back after a request. */
#define KEEP_BYTES (64 * 1024)
/* An If-None-Match value longer than this is not kept: the answer is then whole. */
#define IF_NONE_MATCH_MAX 256

struct http_state {
	http_parser parser;
	struct idreg_conn *conn;
	struct idreg_buf target;   /* the request target as sent */
	struct idreg_buf body;
	struct idreg_buf decoded;  /* path and arguments, decoded, NUL-separated */
	struct idreg_buf answer;   /* the handler's body */
	size_t header_bytes;
	size_t header_lines;
	bool in_value;             /* the last header callback was for a value */
	char field[16];            /* the current header's name, as far as it fits */
	size_t field_len;
	char if_none_match[IF_NONE_MATCH_MAX]; /* "" when absent or too long */
	size_t if_none_match_len;  /* > IF_NONE_MATCH_MAX - 1: too long, dropped */
	int refused;               /* a limit's status, set by a callback */
	const char *refused_reason;
};

static const struct idreg_http_config *config_of(const struct http_state *st)
{
	return st->conn->ctx;
}

/* ---- percent-decoding and the request target ---- */

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
					     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Append @s[0..len) decoded and a NUL.  "%00" stays as it is: a decoded NUL
 * would end the C string and silently cut the path or argument, while left
 * alone it makes the request malformed, as it is. */
static idreg_err append_decoded(struct idreg_buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		char c = s[i];
		if (c == '%' && i + 2 < len && (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0 && (hi | lo) != 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (idreg_buf_append(out, &c, 1) != IDREG_OK) {
			return IDREG_ETOOBIG;
		}
	}
	return idreg_buf_append(out, "", 1);
}

struct target {
	const char *path;
	struct idreg_http_arg args[IDREG_HTTP_MAX_ARGS];
	size_t arg_count;
};

/* Split and decode the request target ("/path?k=v&k2=v2", or the absolute
 * form "http://host/path?..."); 0 or the status that refuses it. */
static int parse_target(struct http_state *st, struct target *t, const char **reason)
{
	const char *text = st->target.data;
	size_t len = st->target.len;
	struct http_parser_url url;
	http_parser_url_init(&url);
	if (len == 0 || http_parser_parse_url(text, len, 0, &url) != 0) {
		*reason = "malformed request target";
		return 400;
	}
	const char *path = "/";
	size_t path_len = 1;
	if (url.field_set & (1 << UF_PATH)) {
		path = text + url.field_data[UF_PATH].off;
		path_len = url.field_data[UF_PATH].len;
	}
	struct idreg_buf *out = &st->decoded;
	idreg_buf_clear(out);
	/* Offsets first: the buffer may move while it grows. */
	size_t offsets[1 + 2 * IDREG_HTTP_MAX_ARGS];
	size_t count = 0;
	offsets[count++] = 0;
	if (append_decoded(out, path, path_len) != IDREG_OK) {
		*reason = "request target too long";
		return 414;
	}
	if (url.field_set & (1 << UF_QUERY)) {
		const char *q = text + url.field_data[UF_QUERY].off;
		const char *end = q + url.field_data[UF_QUERY].len;
		while (q < end) {
			const char *amp = memchr(q, '&', (size_t)(end - q));
			const char *stop = amp ? amp : end;
			if (stop > q) {
				if (count == 1 + 2 * IDREG_HTTP_MAX_ARGS) {
					*reason = "too many query arguments";
					return 400;
				}
				const char *eq = memchr(q, '=', (size_t)(stop - q));
				const char *key_end = eq ? eq : stop;
				offsets[count++] = out->len;
				idreg_err err = append_decoded(out, q, (size_t)(key_end - q));
				offsets[count++] = out->len;
				if (err == IDREG_OK) {
					err = eq ? append_decoded(out, eq + 1, (size_t)(stop - eq - 1))
						 : idreg_buf_append(out, "", 1);
				}
				if (err != IDREG_OK) {
					*reason = "request target too long";
					return 414;
				}
			}
			q = stop + 1;
		}
	}
	t->path = out->data;
	t->arg_count = (count - 1) / 2;
	for (size_t i = 0; i < t->arg_count; i++) {
		t->args[i] = (struct idreg_http_arg){ out->data + offsets[1 + 2 * i],
						      out->data + offsets[2 + 2 * i] };
	}
	return 0;
}

/* ---- answers ---- */

static const char *status_text(int status)
{
	const char *text = http_status_str((enum http_status)status);
	return strcmp(text, "<unknown>") == 0 ? "Unknown" : text;
}

/* RFC 9110 section 6.6.1: an origin server with a clock sends Date. */
static const char *date_now(void)
{
	static _Thread_local time_t cached_second = -1;
	static _Thread_local char cached[40];
	time_t now = time(NULL);
	if (now != cached_second) {
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(cached, sizeof(cached), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		cached_second = now;
	}
	return cached;
}

static void append_number(struct idreg_buf *out, unsigned long long n)
{
	char digits[24];
	size_t i = sizeof(digits);
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	idreg_buf_append(out, digits + i, sizeof(digits) - i);
}

static void append_header(struct idreg_buf *out, const char *name, const char *value)
{
	idreg_buf_puts(out, name);
	idreg_buf_append(out, ": ", 2);
	idreg_buf_puts(out, value);
	idreg_buf_append(out, "\r\n", 2);
}

/* Ask the handler and queue its answer; @keep_alive false closes after it. */
static void answer(struct http_state *st, const struct idreg_http_request *req, bool keep_alive)
{
	struct idreg_conn *conn = st->conn;
	const struct idreg_http_config *cfg = config_of(st);
	idreg_buf_clear(&st->answer);
	struct idreg_http_response resp = { .status = 500, .content_type = "text/plain",
					    .body = &st->answer };
	cfg->handler(cfg->handler_ctx, req, &resp);
	if (conn->draining || !keep_alive) {
		conn->close_after_write = true;
	}

	struct idreg_buf *out = &conn->out;
	idreg_buf_puts(out, "HTTP/1.1 ");
	append_number(out, (unsigned)resp.status);
	idreg_buf_append(out, " ", 1);
	idreg_buf_puts(out, status_text(resp.status));
	idreg_buf_append(out, "\r\n", 2);
	append_header(out, "Date", date_now());
	append_header(out, "Content-Type", resp.content_type);
	if (resp.cors) {
		append_header(out, "Access-Control-Allow-Origin", "*");
	}
	if (resp.allow != NULL) {
		append_header(out, "Allow", resp.allow);
	}
	if (resp.retry_after > 0) {
		idreg_buf_puts(out, "Retry-After: ");
		append_number(out, resp.retry_after);
		idreg_buf_append(out, "\r\n", 2);
	}
	for (size_t i = 0; i < resp.header_count && i < IDREG_HTTP_MAX_HEADERS; i++) {
		append_header(out, resp.headers[i].name, resp.headers[i].value);
	}
	if (conn->close_after_write) {
		append_header(out, "Connection", "close");
	}
	/* RFC 9110 section 15.4.5: a 304 has no content, and its
	 * Content-Length could only be the 200's. */
	bool not_modified = resp.status == 304;
	if (!not_modified) {
		idreg_buf_puts(out, "Content-Length: ");
		append_number(out, st->answer.len);
		idreg_buf_append(out, "\r\n", 2);
	}
	idreg_buf_append(out, "\r\n", 2);
	if (!req->head && !not_modified) {
		idreg_buf_append(out, st->answer.data, st->answer.len);
	}
	if (st->answer.cap > KEEP_BYTES) {
		idreg_buf_free(&st->answer);
		idreg_buf_init(&st->answer, cfg->max_response_bytes);
	}
	conn->midway = false;
}

/* The HTTP layer refuses the request with @status; the connection closes. */
static void refuse(struct http_state *st, int status, const char *reason)
{
	const char *method = "";
	if (st->parser.http_errno != HPE_INVALID_METHOD && st->target.len > 0) {
		method = http_method_str((enum http_method)st->parser.method);
	}
	struct idreg_http_request req = { .method = method, .path = "", .body = "",
					  .client = st->conn->peer, .if_none_match = "",
					  .error_status = status,
					  .error_reason = reason,
					  .head = strcmp(method, "HEAD") == 0 };
	answer(st, &req, false);
}

/* ---- parser callbacks ---- */

static struct http_state *state_of(http_parser *p)
{
	return p->data;
}

static int limit(struct http_state *st, int status, const char *reason)
{
	st->refused = status;
	st->refused_reason = reason;
	return 1; /* stops the parser */
}

static int on_message_begin(http_parser *p)
{
	struct http_state *st = state_of(p);
	idreg_buf_clear(&st->target);
	idreg_buf_clear(&st->body);
	st->header_bytes = 0;
	st->header_lines = 0;
	st->in_value = false;
	st->field_len = 0;
	st->if_none_match_len = 0;
	st->if_none_match[0] = '\0';
	st->conn->midway = true;
	return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
	struct http_state *st = state_of(p);
	if (st->target.len + len >= config_of(st)->max_request_bytes ||
	    idreg_buf_append(&st->target, at, len) != IDREG_OK) {
		return limit(st, 414, "request target too long");
	}
	return 0;
}

static int count_header_bytes(struct http_state *st, size_t len, bool value)
{
	if (!value && st->in_value) {
		st->header_lines++;
	}
	st->in_value = value;
	st->header_bytes += len;
	if (st->target.len + st->header_bytes >= config_of(st)->max_request_bytes) {
		return limit(st, 431, "request headers too large");
	}
	if (st->header_lines >= MAX_HEADER_LINES) {
		return limit(st, 431, "too many request header lines");
	}
	return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
	struct http_state *st = state_of(p);
	if (st->in_value) {
		st->field_len = 0; /* a new header begins */
	}
	/* Names arrive in pieces; only as much as the longest kept name is kept. */
	for (size_t i = 0; i < len; i++, st->field_len++) {
		if (st->field_len < sizeof(st->field)) {
			st->field[st->field_len] = at[i];
		}
	}
	return count_header_bytes(st, len, false);
}

static bool field_is(const struct http_state *st, const char *name)
{
	size_t n = strlen(name);
	return st->field_len == n && strncasecmp(st->field, name, n) == 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
	struct http_state *st = state_of(p);
	if (field_is(st, "If-None-Match")) {
		size_t room = sizeof(st->if_none_match) - 1;
		if (st->if_none_match_len + len <= room) {
			memcpy(st->if_none_match + st->if_none_match_len, at, len);
			st->if_none_match[st->if_none_match_len + len] = '\0';
		} else {
			st->if_none_match[0] = '\0';
		}
		st->if_none_match_len += len;
	}
	return count_header_bytes(st, len, true);
}

static int on_headers_complete(http_parser *p)
{
	struct http_state *st = state_of(p);
	if (p->http_major != 1) {
		limit(st, 505, "only HTTP/1.0 and HTTP/1.1 are served");
		return 2; /* no body: the parser stops at the message's end */
	}
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
	struct http_state *st = state_of(p);
	if (st->body.len + len > config_of(st)->max_body_bytes ||
	    idreg_buf_append(&st->body, at, len) != IDREG_OK) {
		return limit(st, 413, "request body too large");
	}
	return 0;
}

static int on_message_complete(http_parser *p)
{
	struct http_state *st = state_of(p);
	if (st->refused != 0) {
		return 1;
	}
	struct target t;
	const char *reason = NULL;
	int status = parse_target(st, &t, &reason);
	if (status != 0) {
		return limit(st, status, reason);
	}
	const char *method = http_method_str((enum http_method)p->method);
	struct idreg_http_request req = {
		.method = method, .head = p->method == HTTP_HEAD, .path = t.path,
		.args = t.args, .arg_count = t.arg_count, .body = st->body.data ? st->body.data : "",
		.body_len = st->body.len, .client = st->conn->peer,
		.if_none_match = st->if_none_match_len < sizeof(st->if_none_match) ? st->if_none_match : "",
	};
	answer(st, &req, http_should_keep_alive(p) != 0);
	if (st->body.cap > KEEP_BYTES) {
		idreg_buf_free(&st->body);
		idreg_buf_init(&st->body, config_of(st)->max_body_bytes);
	}
	http_parser_pause(p, 1); /* one answer at a time */
	return 0;
}

static const http_parser_settings parser_settings = {
	.on_message_begin = on_message_begin,
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

/* ---- the protocol ---- */

static void http_open(struct idreg_conn *conn)
{
	struct http_state *st = conn->state;
	const struct idreg_http_config *cfg = conn->ctx;
	st->conn = conn;
	http_parser_init(&st->parser, HTTP_REQUEST);
	st->parser.data = st;
	idreg_buf_init(&st->target, cfg->max_request_bytes);
	idreg_buf_init(&st->body, cfg->max_body_bytes);
	idreg_buf_init(&st->decoded, cfg->max_request_bytes * 2 + 2);
	idreg_buf_init(&st->answer, cfg->max_response_bytes);
}

/* The status for what http-parser could not parse. */
static int parse_error_status(enum http_errno e, const char **reason)
{
	switch (e) {
	case HPE_INVALID_METHOD:
		*reason = "unknown request method";
		return 501;
	case HPE_HEADER_OVERFLOW:
		*reason = "request headers too large";
		return 431;
	case HPE_INVALID_VERSION:
		*reason = "malformed HTTP version";
		return 400;
	case HPE_INVALID_URL:
		*reason = "malformed request target";
		return 400;
	default:
		*reason = http_errno_description(e);
		return 400;
	}
}

static void http_input(struct idreg_conn *conn, bool eof)
{
	struct http_state *st = conn->state;
	(void)eof; /* a request cut short by the end is not answered */
	size_t parsed = http_parser_execute(&st->parser, &parser_settings, conn->in, conn->in_len);
	enum http_errno e = HTTP_PARSER_ERRNO(&st->parser);
	if (e == HPE_PAUSED) {
		http_parser_pause(&st->parser, 0);
		idreg_conn_consume(conn, parsed);
		return;
	}
	if (e != HPE_OK || st->refused != 0) {
		const char *reason = st->refused_reason;
		int status = st->refused != 0 ? st->refused : parse_error_status(e, &reason);
		refuse(st, status, reason);
		idreg_conn_consume(conn, conn->in_len);
		return;
	}
	idreg_conn_consume(conn, parsed);
}

static void http_timeout(struct idreg_conn *conn)
{
	struct http_state *st = conn->state;
	if (conn->midway) {
		char reason[96];
		snprintf(reason, sizeof(reason), "request not complete within %ld s",
			 config_of(st)->timeout_s);
		refuse(st, 408, reason);
	}
}

static void http_overloaded(struct idreg_conn *conn)
{
	refuse(conn->state, 503, "too many connections; try again later");
}

static void http_close(struct idreg_conn *conn)
{
	struct http_state *st = conn->state;
	idreg_buf_free(&st->target);
	idreg_buf_free(&st->body);
	idreg_buf_free(&st->decoded);
	idreg_buf_free(&st->answer);
}

const struct idreg_protocol idreg_http_protocol = {
	.state_size = sizeof(struct http_state),
	.input_max = INPUT_BYTES,
	.output_max = OUTPUT_CEILING,
	.client_first = true,
	.nodelay = true,
	.open = http_open,
	.input = http_input,
	.timeout = http_timeout,
	.overloaded = http_overloaded,
	.close = http_close,
};
