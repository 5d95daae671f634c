/*
 * Looking queries up in a snapshot.  Names arrive as users type them, in
 * U-labels or A-labels: they are mapped as UTS #46 says (ICU) before the
 * lookup, and a name mixing both forms is refused as RDAP requires.  An
 * entity handle is a contact's or, failing that, the opaque id of a holder
 * of number resources.
 */
#include "query/answer.h"

#include <stdio.h>
#include <string.h>

#include "idn/uts46.h"

void idreg_answer_error(struct idreg_answer *out, int status, const char *reason)
{
	out->kind = IDREG_ANSWER_ERROR;
	out->status = status;
	out->n_results = out->total = 0;
	snprintf(out->reason, sizeof(out->reason), "%s", reason);
	/* Reasons may quote the client's bytes: printable ASCII only, so that
	 * they are valid JSON and harmless on a terminal. */
	for (char *p = out->reason; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			*p = '?';
		}
	}
}

static void answer_ok(struct idreg_answer *out, enum idreg_answer_kind kind)
{
	out->kind = kind;
	out->status = 200;
	out->reason[0] = '\0';
	out->n_results = out->total = 0;
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
	answer_ok(out, IDREG_ANSWER_NUMRES);
	out->record = found;
}

/* A name as the user wrote it, to its A-label form; false with the error answer set. */
static bool name_to_ascii(const char *text, char *ascii, size_t size, struct idreg_answer *out)
{
	size_t len = strlen(text);
	if (idreg_uts46_mixed_labels(text, len)) {
		idreg_answer_error(out, 400, "the name mixes A-labels and U-labels");
		return false;
	}
	struct idreg_diag diag;
	if (idreg_uts46_to_ascii(text, len, ascii, size, &diag) != IDREG_OK) {
		char reason[sizeof(out->reason)];
		snprintf(reason, sizeof(reason), "not a domain name: %.130s", diag.text);
		idreg_answer_error(out, 400, reason);
		return false;
	}
	return true;
}

static size_t size_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * The records of a holder to list: at most @max, autnums first.  Each kind
 * is guaranteed half of @max when it has that many; what one leaves unused
 * goes to the other.
 */
static void answer_holder(const struct idreg_snapshot *snap, const struct idreg_numindex_holder *h,
			  size_t max, struct idreg_answer *out)
{
	answer_ok(out, IDREG_ANSWER_HOLDER);
	out->holder = *h;
	size_t autnums = h->n_autnums, networks = h->count - h->n_autnums;
	size_t unused_by_networks = max - size_min(networks, max);
	size_t listed_autnums =
		size_min(autnums, unused_by_networks > max / 2 ? unused_by_networks : max / 2);
	size_t listed_networks = size_min(networks, max - listed_autnums);
	const uint32_t *run = &snap->numbers.by_holder[h->first];
	for (size_t i = 0; i < listed_autnums; i++) {
		out->results[out->n_results++] = run[i];
	}
	for (size_t i = 0; i < listed_networks; i++) {
		out->results[out->n_results++] = run[autnums + i];
	}
	out->total = h->count;
}

static void answer_object(const struct idreg_snapshot *snap, const struct idreg_query *q,
			  size_t max, struct idreg_answer *out)
{
	const struct idreg_domindex *ix;
	uint32_t id;
	enum idreg_answer_kind kind;
	if (q->kind == IDREG_Q_ENTITY) {
		id = idreg_snapshot_find_entity(snap, q->text, strlen(q->text), &ix);
		kind = IDREG_ANSWER_ENTITY;
		struct idreg_numindex_holder holder;
		if (id == IDREG_DOMINDEX_NONE &&
		    idreg_numindex_find_holder(&snap->numbers, q->text, strlen(q->text), &holder)) {
			answer_holder(snap, &holder, max, out);
			return;
		}
	} else {
		char ascii[IDREG_UTS46_ASCII_MAX];
		if (!name_to_ascii(q->text, ascii, sizeof(ascii), out)) {
			return;
		}
		bool domain = q->kind == IDREG_Q_DOMAIN;
		id = domain ? idreg_snapshot_find_domain(snap, ascii, strlen(ascii), &ix)
			    : idreg_snapshot_find_host(snap, ascii, strlen(ascii), &ix);
		kind = domain ? IDREG_ANSWER_DOMAIN : IDREG_ANSWER_NAMESERVER;
	}
	if (id == IDREG_DOMINDEX_NONE) {
		idreg_answer_error(out, 404, "this registry holds no such object");
		return;
	}
	answer_ok(out, kind);
	out->object = id;
	out->names = ix;
}

static void answer_search(const struct idreg_snapshot *snap, const struct idreg_query *q,
			  size_t max, struct idreg_answer *out)
{
	const struct idreg_domindex *ix = &snap->names;
	struct idreg_name_pattern pattern;
	struct idreg_diag diag;
	enum idreg_answer_kind kind;
	size_t total = 0;
	idreg_err err;
	switch (q->kind) {
	case IDREG_Q_DOMAINS_BY_NAME:
	case IDREG_Q_DOMAINS_BY_NS_NAME:
	case IDREG_Q_NAMESERVERS_BY_NAME:
		if (idreg_uts46_mixed_labels(q->text, strlen(q->text))) {
			idreg_answer_error(out, 400, "the pattern mixes A-labels and U-labels");
			return;
		}
		if (idreg_name_pattern_parse(q->text, strlen(q->text), &pattern, &diag) != IDREG_OK) {
			char reason[sizeof(out->reason)];
			snprintf(reason, sizeof(reason), "unsupported pattern: %.130s", diag.text);
			idreg_answer_error(out, 422, reason);
			return;
		}
		if (q->kind == IDREG_Q_DOMAINS_BY_NAME) {
			kind = IDREG_ANSWER_DOMAINS;
			err = idreg_domindex_search_domains(ix, &pattern, out->results, max, &total);
		} else if (q->kind == IDREG_Q_DOMAINS_BY_NS_NAME) {
			kind = IDREG_ANSWER_DOMAINS;
			err = idreg_domindex_search_domains_by_ns(ix, &pattern, out->results, max, &total);
		} else {
			kind = IDREG_ANSWER_NAMESERVERS;
			err = idreg_domindex_search_hosts(ix, &pattern, out->results, max, &total);
		}
		break;
	case IDREG_Q_DOMAINS_BY_NS_IP:
		kind = IDREG_ANSWER_DOMAINS;
		err = idreg_domindex_search_domains_by_ns_ip(ix, &q->address, out->results, max, &total);
		break;
	case IDREG_Q_NAMESERVERS_BY_IP:
		kind = IDREG_ANSWER_NAMESERVERS;
		err = idreg_domindex_search_hosts_by_ip(ix, &q->address, out->results, max, &total);
		break;
	case IDREG_Q_ENTITIES_BY_FN:
	case IDREG_Q_ENTITIES_BY_HANDLE:
		kind = IDREG_ANSWER_ENTITIES;
		err = q->kind == IDREG_Q_ENTITIES_BY_FN
			      ? idreg_domindex_search_entities_by_fn(ix, q->text, strlen(q->text),
								     out->results, max, &total)
			      : idreg_domindex_search_entities_by_handle(ix, q->text, strlen(q->text),
									 out->results, max, &total);
		if (err == IDREG_EPARSE) {
			idreg_answer_error(out, 422, "an entity pattern has one '*', at its end");
			return;
		}
		break;
	default:
		idreg_answer_error(out, 400, "not a search");
		return;
	}
	if (err != IDREG_OK) {
		idreg_answer_error(out, 503, "the server could not complete the search");
		return;
	}
	answer_ok(out, kind);
	out->total = total;
	out->n_results = total < max ? total : max;
}

void idreg_answer_query(const struct idreg_snapshot *snap, const struct idreg_query *query,
			size_t search_max, struct idreg_answer *out)
{
	size_t max = size_min(search_max, IDREG_ANSWER_RESULTS_MAX);
	out->names = &snap->names; /* searches read the base (snapshot.h) */
	switch (query->kind) {
	case IDREG_Q_HELP:
		answer_ok(out, IDREG_ANSWER_HELP);
		return;
	case IDREG_Q_IP:
	case IDREG_Q_AUTNUM:
		answer_numres(snap, query, out);
		return;
	case IDREG_Q_DOMAIN:
	case IDREG_Q_NAMESERVER:
	case IDREG_Q_ENTITY:
		answer_object(snap, query, max, out);
		return;
	default:
		answer_search(snap, query, max, out);
		return;
	}
}
