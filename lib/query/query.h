/*
 * What a client asks, whichever way it asks: an RDAP path (RFC 9082) or a
 * WHOIS line (RFC 3912) becomes one struct idreg_query, so that lookup and
 * the choice of answer are shared by both front ends.  Parsers check every
 * byte and bound every length; a request they refuse carries the HTTP
 * status that RFC 7480 and RFC 9082 give for it, and a reason.
 */
#ifndef IDREG_QUERY_QUERY_H
#define IDREG_QUERY_QUERY_H

#include <stddef.h>

#include "core/error.h"
#include "inet/inet.h"

enum idreg_query_kind {
	IDREG_Q_HELP,
	IDREG_Q_IP,                  /* address or prefix: most specific covering network */
	IDREG_Q_AUTNUM,
	IDREG_Q_DOMAIN,
	IDREG_Q_NAMESERVER,
	IDREG_Q_ENTITY,
	IDREG_Q_DOMAINS_BY_NAME,     /* searches: text holds the pattern or address */
	IDREG_Q_DOMAINS_BY_NS_NAME,
	IDREG_Q_DOMAINS_BY_NS_IP,
	IDREG_Q_NAMESERVERS_BY_NAME,
	IDREG_Q_NAMESERVERS_BY_IP,
	IDREG_Q_ENTITIES_BY_FN,
	IDREG_Q_ENTITIES_BY_HANDLE,
};

/* Longest name, handle or pattern a query may carry, with its NUL. */
#define IDREG_QUERY_TEXT_MAX 256

struct idreg_query {
	enum idreg_query_kind kind;
	struct idreg_resource_query resource; /* IP, AUTNUM */
	struct idreg_ip address;              /* *_BY_IP searches */
	char text[IDREG_QUERY_TEXT_MAX];      /* names, handles, patterns: UTF-8 */
};

/** A refused request: the HTTP status to answer with, and why. */
struct idreg_query_error {
	int status;  /* 400, 404, 422 */
	char reason[160];
};

/** One query-string argument of an RDAP search, already percent-decoded. */
struct idreg_query_arg {
	const char *key;
	const char *value;
};

/**
 * Parse an RDAP request path (percent-decoded, without the base path and
 * its leading '/', e.g. "ip/192.0.2.0/24") and its arguments.  Returns
 * IDREG_OK, or IDREG_EPARSE with @err filled in.
 */
idreg_err idreg_query_parse_rdap(const char *path, const struct idreg_query_arg *args,
				 size_t nargs, struct idreg_query *out,
				 struct idreg_query_error *err);

/* Longest WHOIS query line accepted, without its CRLF. */
#define IDREG_WHOIS_QUERY_MAX 255

/**
 * Parse one WHOIS query line (without its line end): an address, prefix,
 * range, AS number, domain name or entity handle, "entity HANDLE" (a
 * handle however it reads), or "help".
 */
idreg_err idreg_query_parse_whois(const char *line, size_t len, struct idreg_query *out,
				  struct idreg_query_error *err);

#endif
