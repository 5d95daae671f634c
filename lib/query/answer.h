/*
 * The middle of the request pipeline: a parsed query, looked up in a
 * snapshot, becomes an answer -- an object to render, or a status and a
 * reason.  RDAP and WHOIS render the same answers.
 */
#ifndef IDREG_QUERY_ANSWER_H
#define IDREG_QUERY_ANSWER_H

#include <stdbool.h>
#include <stdint.h>

#include "query/query.h"
#include "query/snapshot.h"

enum idreg_answer_kind {
	IDREG_ANSWER_ERROR,   /* status and reason say what went wrong */
	IDREG_ANSWER_HELP,
	IDREG_ANSWER_NUMRES,  /* an IP network or an autnum */
};

struct idreg_answer {
	enum idreg_answer_kind kind;
	int status;            /* HTTP status: 200, 400, 404, ... */
	char reason[160];
	uint32_t record;       /* NUMRES: the record, in the snapshot's numbers */
	bool has_parent;
	uint32_t parent;       /* NUMRES: the record above it */
};

/** Look @query up in @snap. */
void idreg_answer_query(const struct idreg_snapshot *snap, const struct idreg_query *query,
			struct idreg_answer *out);

/** An error answer, e.g. for a query that did not parse. */
void idreg_answer_error(struct idreg_answer *out, int status, const char *reason);

#endif
