/*
 * WHOIS over the event-loop server: one query line per connection.  See
 * whois.h.  A client that ends its side after a query without a line end
 * still gets its answer (the end of input ends the line); one that stays
 * silent after part of a line gets an error when the timeout strikes.
 */
#include "net/whois.h"

#include <stdio.h>
#include <string.h>

/* What a client may send before its line end: more than any query. */
#define LINE_BYTES 1024
/* Answers can be long (an entity's resources); the query service bounds them. */
#define OUTPUT_CEILING ((size_t)64 * 1024 * 1024)

static void answer(struct idreg_conn *conn, const char *line, size_t len, int error_status,
		   const char *error_reason)
{
	const struct idreg_whois_config *cfg = conn->ctx;
	struct idreg_whois_request req = { line, len, conn->peer, error_status, error_reason };
	cfg->handler(cfg->handler_ctx, &req, &conn->out);
	conn->close_after_write = true;
	conn->midway = false;
}

static void whois_input(struct idreg_conn *conn, bool eof)
{
	conn->midway = true;
	const char *lf = memchr(conn->in, '\n', conn->in_len);
	if (lf != NULL || eof) {
		size_t len = lf != NULL ? (size_t)(lf - conn->in) : conn->in_len;
		answer(conn, conn->in, len, 0, NULL);
		idreg_conn_consume(conn, conn->in_len);
	} else if (conn->in_len == LINE_BYTES) {
		answer(conn, "", 0, 400, "query too long or not ended by a line end");
		idreg_conn_consume(conn, conn->in_len);
	}
}

static void whois_timeout(struct idreg_conn *conn)
{
	if (conn->midway) {
		const struct idreg_whois_config *cfg = conn->ctx;
		char reason[96];
		snprintf(reason, sizeof(reason), "query not ended by a line end within %ld ms",
			 cfg->timeout_ms);
		answer(conn, "", 0, 400, reason);
	}
}

static void whois_overloaded(struct idreg_conn *conn)
{
	answer(conn, "", 0, 503, "too many connections; try again later");
}

const struct idreg_protocol idreg_whois_protocol = {
	.state_size = 0,
	.input_max = LINE_BYTES,
	.output_max = OUTPUT_CEILING,
	.client_first = true,
	.input = whois_input,
	.timeout = whois_timeout,
	.overloaded = whois_overloaded,
};
