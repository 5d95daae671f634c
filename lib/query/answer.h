/*
 * The middle of the request pipeline: a parsed query, looked up in a
 * snapshot, becomes an answer -- an object or a list of objects to render,
 * or a status and a reason.  RDAP and WHOIS render the same answers.
 */
#ifndef IDREG_QUERY_ANSWER_H
#define IDREG_QUERY_ANSWER_H

#include <stdbool.h>
#include <stdint.h>

#include "query/query.h"
#include "query/snapshot.h"

enum idreg_answer_kind {
	IDREG_ANSWER_ERROR,       /* status and reason say what went wrong */
	IDREG_ANSWER_HELP,
	IDREG_ANSWER_NUMRES,      /* an IP network or an autnum */
	IDREG_ANSWER_DOMAIN,      /* object: a domain id in the snapshot's names */
	IDREG_ANSWER_NAMESERVER,  /* object: a host id */
	IDREG_ANSWER_ENTITY,      /* object: an entity id */
	IDREG_ANSWER_HOLDER,      /* an entity that holds number resources: holder, results */
	IDREG_ANSWER_DOMAINS,     /* results: domain ids */
	IDREG_ANSWER_NAMESERVERS, /* results: host ids */
	IDREG_ANSWER_ENTITIES,    /* results: entity ids */
};

/* Most results a search answer can carry (rdap.search_max_results is below it). */
#define IDREG_ANSWER_RESULTS_MAX 1000

struct idreg_answer {
	enum idreg_answer_kind kind;
	int status;            /* HTTP status: 200, 400, 404, ... */
	char reason[160];
	uint32_t record;       /* NUMRES: the record, in the snapshot's numbers */
	uint32_t object;       /* DOMAIN, NAMESERVER, ENTITY */
	const struct idreg_domindex *names; /* the index object and results are ids in */
	struct idreg_numindex_holder holder; /* HOLDER */
	uint32_t results[IDREG_ANSWER_RESULTS_MAX]; /* searches; HOLDER: records, autnums first */
	size_t n_results;
	size_t total;          /* searches: how many matched; more than n_results when cut */
};

/**
 * Look @query up in @snap; searches return at most @search_max results.
 * An entity handle names a contact of the names index or, failing that, a
 * holder of number resources (an opaque id of the exchange files); a
 * holder's resources are listed up to @search_max, as the results of a
 * search: its AS number blocks and its networks each get at least half
 * of that when they have as many, and what one does not use goes to the
 * other.
 */
void idreg_answer_query(const struct idreg_snapshot *snap, const struct idreg_query *query,
			size_t search_max, struct idreg_answer *out);

/** An error answer, e.g. for a query that did not parse. */
void idreg_answer_error(struct idreg_answer *out, int status, const char *reason);

#endif
