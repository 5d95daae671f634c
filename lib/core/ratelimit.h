/*
 * Per-client rate limiting: a token bucket per client address, in a table of
 * fixed size (no allocation per request, bounded memory whatever the number
 * of clients; the least recently seen client in a probe window gives way).
 * Shared by the RDAP, WHOIS and later front ends; safe from any thread.
 */
#ifndef IDREG_CORE_RATELIMIT_H
#define IDREG_CORE_RATELIMIT_H

#include "core/error.h"
#include "inet/inet.h"

struct idreg_ratelimit;

/** A limiter of @per_second requests a second with bursts of @burst; 0 disables it. */
idreg_err idreg_ratelimit_new(double per_second, double burst, struct idreg_ratelimit **out);

/** Change the rates (a configuration reload); buckets keep their tokens. */
void idreg_ratelimit_set(struct idreg_ratelimit *rl, double per_second, double burst);

/**
 * Take one token for @client at time @now (seconds, monotonic).  Returns 0
 * when the request may go ahead, else the whole seconds to wait (>= 1).
 */
unsigned idreg_ratelimit_take(struct idreg_ratelimit *rl, const struct idreg_ip *client,
			      double now);

void idreg_ratelimit_free(struct idreg_ratelimit *rl);

#endif
