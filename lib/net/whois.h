/*
 * WHOIS (RFC 3912) as a protocol of the event-loop server: the client sends
 * one query line, the server answers and closes.  The handler judges the
 * line (its length too); input without a line end within a kilobyte or
 * within the listener's timeout gets an error answer from the handler.
 */
#ifndef IDREG_NET_WHOIS_H
#define IDREG_NET_WHOIS_H

#include <stddef.h>

#include "core/buf.h"
#include "inet/inet.h"
#include "net/server.h"

struct idreg_whois_request {
	const char *line; /* up to (not including) the LF; not NUL-terminated */
	size_t len;
	struct idreg_ip client;
	int error_status; /* nonzero: no usable line (400 not ended, 503 overloaded) */
	const char *error_reason;
};

/* Write the answer to @req into @out.  Runs on any worker thread. */
typedef void (*idreg_whois_handler)(void *ctx, const struct idreg_whois_request *req,
				    struct idreg_buf *out);

/* A listener's WHOIS settings: its idreg_listener_config.ctx. */
struct idreg_whois_config {
	idreg_whois_handler handler;
	void *handler_ctx;
	long timeout_ms; /* said in the answer to a line not ended in time */
};

extern const struct idreg_protocol idreg_whois_protocol;

#endif
