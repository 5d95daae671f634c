/*
 * Looking queries up in a snapshot.
 */
#include "query/answer.h"

#include <stdio.h>
#include <string.h>

void idreg_answer_error(struct idreg_answer *out, int status, const char *reason)
{
	memset(out, 0, sizeof(*out));
	out->kind = IDREG_ANSWER_ERROR;
	out->status = status;
	snprintf(out->reason, sizeof(out->reason), "%s", reason);
}

static void answer_numres(const struct idreg_snapshot *snap, const struct idreg_query *q,
			  struct idreg_answer *out)
{
	const struct idreg_resource_query *r = &q->resource;
	uint32_t found;
	if (idreg_numindex_covering(&snap->numbers, r->type, r->first, r->last, &found, 1) == 0) {
		char range[IDREG_RANGE_TEXT_MAX];
		idreg_range_format(r->type, r->first, r->last, range, sizeof(range));
		char reason[sizeof(out->reason)];
		snprintf(reason, sizeof(reason), "no %s of this registry covers %s",
			 r->type == IDREG_RES_ASN ? "AS number block" : "network", range);
		idreg_answer_error(out, 404, reason);
		return;
	}
	memset(out, 0, sizeof(*out));
	out->kind = IDREG_ANSWER_NUMRES;
	out->status = 200;
	out->record = found;
	const struct idreg_numres *rec = &snap->numbers.records[found];
	out->has_parent = idreg_numindex_above(&snap->numbers, rec->type, rec->first, rec->last,
					       &out->parent);
}

void idreg_answer_query(const struct idreg_snapshot *snap, const struct idreg_query *query,
			struct idreg_answer *out)
{
	switch (query->kind) {
	case IDREG_Q_HELP:
		memset(out, 0, sizeof(*out));
		out->kind = IDREG_ANSWER_HELP;
		out->status = 200;
		return;
	case IDREG_Q_IP:
	case IDREG_Q_AUTNUM:
		answer_numres(snap, query, out);
		return;
	case IDREG_Q_DOMAIN:
	case IDREG_Q_NAMESERVER:
	case IDREG_Q_ENTITY:
		idreg_answer_error(out, 404, "this registry holds no such object");
		return;
	default:
		/* Searches find nothing until the registry holds names. */
		idreg_answer_error(out, 404, "no objects match the search");
		return;
	}
}
