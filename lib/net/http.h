/*
 * HTTP/1.1 (RFC 9112) as a protocol of the event-loop server: requests are
 * parsed by http-parser, answered in order on their connection (keep-alive,
 * pipelining), and bounded: the request line, the headers, their number and
 * the body each have a limit.  A request the HTTP layer refuses itself
 * (malformed, too large, another HTTP version, a timeout) still goes to the
 * handler, with error_status set, so that every answer is in the service's
 * own format: RDAP clients get RDAP error bodies, never an HTML page.
 */
#ifndef IDREG_NET_HTTP_H
#define IDREG_NET_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "inet/inet.h"
#include "net/server.h"

/* Query arguments a request may carry (RDAP's take one or two); more is a 400. */
#define IDREG_HTTP_MAX_ARGS 8

struct idreg_http_arg {
	const char *key;   /* percent-decoded */
	const char *value; /* percent-decoded; "" when the argument has no '=' */
};

struct idreg_http_request {
	const char *method;   /* "GET", "HEAD", ...; "" when the request line was unreadable */
	bool head;            /* HEAD: the answer goes without its body */
	const char *path;     /* percent-decoded (but "%00" is kept as it is), without '?...' */
	const struct idreg_http_arg *args;
	size_t arg_count;
	const char *body;     /* NUL-terminated */
	size_t body_len;
	struct idreg_ip client;
	const char *if_none_match; /* the If-None-Match header (RFC 9110), "" when absent */
	int error_status;     /* nonzero: refused by the HTTP layer with this status */
	const char *error_reason;
};

/* A header of the answer beyond those the HTTP layer writes itself. */
struct idreg_http_header {
	const char *name;
	const char *value;
};

#define IDREG_HTTP_MAX_HEADERS 8

struct idreg_http_response {
	int status;
	const char *content_type;
	bool cors;            /* Access-Control-Allow-Origin: * */
	unsigned retry_after; /* seconds for Retry-After; 0: none */
	const char *allow;    /* the Allow header (405), or NULL */
	struct idreg_http_header headers[IDREG_HTTP_MAX_HEADERS]; /* more headers, as many as */
	size_t header_count;  /* the handler sets; a 304 goes without body or Content-Length */
	struct idreg_buf *body; /* empty; the handler writes the body here */
};

/* Answer @req in @resp.  Runs on any worker thread. */
typedef void (*idreg_http_handler)(void *ctx, const struct idreg_http_request *req,
				   struct idreg_http_response *resp);

/* A listener's HTTP settings: its idreg_listener_config.ctx. */
struct idreg_http_config {
	idreg_http_handler handler;
	void *handler_ctx;
	size_t max_request_bytes; /* request line and headers; 414 or 431 beyond */
	size_t max_body_bytes;    /* 413 beyond */
	size_t max_response_bytes;
	long timeout_s;           /* said in the 408 answer */
};

extern const struct idreg_protocol idreg_http_protocol;

#endif
