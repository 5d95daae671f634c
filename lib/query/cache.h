/*
 * A cache of rendered answers, keyed by protocol and request (an RDAP path,
 * a WHOIS query): rendering a domain's RDAP answer (its nameservers,
 * entities, redactions) costs far more than sending it, and the same names
 * are asked for again and again.  It
 * belongs to one snapshot and one set of service settings (idregd keeps it
 * in its view, so a reload starts an empty one): an answer never outlives
 * the data it was rendered from.  Each answer is kept with the generation
 * of the data it came from, and asked for with the one a request reads:
 * after a commit (a new generation) older answers are no longer returned,
 * and no request still reading the older data can put one back for the
 * newer.  Direct-mapped with a byte budget: a new
 * answer replaces the one in its slot, and is not kept when the budget is
 * spent.  Safe for many threads: slots are guarded by striped locks.
 */
#ifndef IDREG_QUERY_CACHE_H
#define IDREG_QUERY_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

/* Answers larger than this are not kept: one would push out many. */
#define IDREG_CACHE_ANSWER_MAX (64 * 1024)

struct idreg_answer_cache;

/* Which protocol's answers: the same text asked of both gets two answers. */
enum idreg_cache_space { IDREG_CACHE_RDAP, IDREG_CACHE_WHOIS };

/** A cache holding at most @max_bytes of answers; *out = NULL when it is 0. */
idreg_err idreg_answer_cache_new(size_t max_bytes, struct idreg_answer_cache **out);

/** Copy the answer kept for @key from data of @generation into @out (replacing what it holds). */
bool idreg_answer_cache_get(struct idreg_answer_cache *cache, enum idreg_cache_space space,
			    uint64_t generation, const char *key, struct idreg_buf *out);

/** Keep @body as the answer for @key from data of @generation, if it fits the budget. */
void idreg_answer_cache_put(struct idreg_answer_cache *cache, enum idreg_cache_space space,
			    uint64_t generation, const char *key, const char *body, size_t len);

void idreg_answer_cache_free(struct idreg_answer_cache *cache);

#endif
