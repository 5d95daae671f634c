/*
 * RDAP JSON responses (RFC 9083) for IP networks, autnums, help and errors,
 * and the frame every response shares (conformance, notices), written
 * straight into the response buffer with core/jsonw.h in the member order
 * and compact form jansson's json_dumps(JSON_COMPACT) gave them before.
 * Networks carry the cidr0 extension as the RIRs serve it; every response
 * names the conformance it uses in rdapConformance, at the top level only.
 * A holder of number resources (an opaque id of the exchange files) is an
 * entity that lists its networks and autnums as the ip/ and autnum/
 * answers render them.  Domains, nameservers and their contacts are in
 * rdap_names.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domains/domain.h"
#include "query/rdap_int.h"

static void conformance(struct idreg_jsonw *w, bool cidr0, bool redacted)
{
	idreg_jsonw_array_begin(w);
	idreg_jsonw_string(w, "rdap_level_0");
	if (cidr0) {
		idreg_jsonw_string(w, "cidr0");
	}
	if (redacted) {
		idreg_jsonw_string(w, "redacted");
	}
	idreg_jsonw_array_end(w);
}

void idreg__rdap_link(struct idreg_jsonw *w, const char *value, const char *rel, const char *href,
		      const char *type)
{
	idreg_jsonw_object_begin(w);
	idreg_jsonw_kv_string(w, "value", value);
	idreg_jsonw_kv_string(w, "rel", rel);
	idreg_jsonw_kv_string(w, "href", href);
	if (type != NULL) {
		idreg_jsonw_kv_string(w, "type", type);
	}
	idreg_jsonw_object_end(w);
}

/*
 * Open a notice or remark object: its title, its type when not NULL, and a
 * description of one line; the caller may add members, and closes it.
 */
static void titled_begin(struct idreg_jsonw *w, const char *title, const char *type,
			 const char *description)
{
	idreg_jsonw_object_begin(w);
	idreg_jsonw_kv_string(w, "title", title);
	if (type != NULL) {
		idreg_jsonw_kv_string(w, "type", type);
	}
	idreg_jsonw_key(w, "description");
	idreg_jsonw_array_begin(w);
	idreg_jsonw_string(w, description);
	idreg_jsonw_array_end(w);
}

/*
 * The terms of use, and for a search or a holder's resources cut short, how
 * many there are and how many are listed.
 */
static void notices(struct idreg_jsonw *w, const struct idreg_service *svc,
		    const char *request_url, const struct idreg_answer *answer, size_t listed)
{
	idreg_jsonw_array_begin(w);
	titled_begin(w, "Terms of Use", NULL, svc->terms_of_use);
	if (svc->terms_url[0] != '\0') {
		idreg_jsonw_key(w, "links");
		idreg_jsonw_array_begin(w);
		idreg__rdap_link(w, request_url, "terms-of-service", svc->terms_url, "text/html");
		idreg_jsonw_array_end(w);
	}
	idreg_jsonw_object_end(w);
	if (answer->total > listed) {
		bool holder = answer->kind == IDREG_ANSWER_HOLDER;
		char text[128];
		snprintf(text, sizeof(text),
			 holder ? "%zu networks and autnums are held; %zu are listed."
				: "%zu objects matched; the first %zu are listed.",
			 answer->total, listed);
		titled_begin(w, holder ? "Resources truncated" : "Search results truncated",
			     "result set truncated due to excessive load", text);
		idreg_jsonw_object_end(w);
	}
	idreg_jsonw_array_end(w);
}

void idreg__rdap_event(struct idreg_jsonw *w, const char *action, const char *date)
{
	idreg__rdap_event_by(w, action, date, NULL);
}

void idreg__rdap_event_by(struct idreg_jsonw *w, const char *action, const char *date,
			  const char *actor)
{
	idreg_jsonw_object_begin(w);
	idreg_jsonw_kv_string(w, "eventAction", action);
	if (actor != NULL) {
		idreg_jsonw_kv_string(w, "eventActor", actor);
	}
	idreg_jsonw_kv_string(w, "eventDate", date);
	idreg_jsonw_object_end(w);
}

void idreg__rdap_event_time(struct idreg_jsonw *w, const char *action, int64_t t)
{
	idreg__rdap_event_time_by(w, action, t, NULL);
}

void idreg__rdap_event_time_by(struct idreg_jsonw *w, const char *action, int64_t t,
			       const char *actor)
{
	if (t != IDREG_TIME_NONE) {
		char text[IDREG_TIME_TEXT_MAX];
		idreg_time_format(t, text);
		idreg__rdap_event_by(w, action, text, actor);
	}
}

/* A record's handle: its range, as the RIRs name networks and AS blocks. */
static void record_handle(const struct idreg_numres *rec, char *out, size_t size)
{
	idreg_range_format(rec->type, rec->first, rec->last, out, size);
}

static const char *status_value(enum idreg_status status)
{
	return status == IDREG_STATUS_ALLOCATED || status == IDREG_STATUS_ASSIGNED ? "active"
										    : "inactive";
}

static void upper_copy(const char *s, char *out, size_t size)
{
	size_t i = 0;
	for (; s[i] && i + 1 < size; i++) {
		out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	}
	out[i] = '\0';
}

static void cidrs(struct idreg_jsonw *w, const struct idreg_numres *rec)
{
	struct idreg_prefix prefixes[256];
	size_t n = idreg_range_to_prefixes(rec->type, rec->first, rec->last, prefixes, 256);
	idreg_jsonw_array_begin(w);
	for (size_t i = 0; i < n && i < 256; i++) {
		char addr[IDREG_IP_TEXT_MAX];
		idreg_ip_format(&prefixes[i].addr, addr, sizeof(addr));
		idreg_jsonw_object_begin(w);
		idreg_jsonw_kv_string(w, rec->type == IDREG_RES_IPV4 ? "v4prefix" : "v6prefix", addr);
		idreg_jsonw_kv_int(w, "length", prefixes[i].len);
		idreg_jsonw_object_end(w);
	}
	idreg_jsonw_array_end(w);
}

void idreg_render_uri_append(char *out, size_t size, const char *text, const char *also_plain)
{
	static const char hex[] = "0123456789ABCDEF";
	if (size == 0) {
		return;
	}
	size_t n = strnlen(out, size);
	for (const unsigned char *p = (const unsigned char *)text; *p && n + 4 < size; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p) != NULL || strchr(also_plain, *p) != NULL) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n < size ? n : size - 1] = '\0';
}

/* The URL of a holder's entity: its opaque id as one path segment. */
static void holder_href(const struct idreg_service *svc, const char *opaque_id, char *out,
			size_t size)
{
	snprintf(out, size, "%sentity/", svc->base_url);
	idreg_render_uri_append(out, size, opaque_id, "");
}

/*
 * The members of network or autnum @record; @request_url is the self
 * link's context, NULL for an object listed inside another (its own URL).
 */
static void numres_members(struct idreg_jsonw *w, const struct idreg_service *svc,
			   const struct idreg_snapshot *snap, uint32_t record, const char *request_url)
{
	const struct idreg_numres *rec = &snap->numbers.records[record];
	const struct idreg_numindex_meta *meta = &snap->numbers.meta[record];
	uint32_t parent;
	bool has_parent = rec->type != IDREG_RES_ASN &&
			  idreg_numindex_above(&snap->numbers, rec->type, rec->first, rec->last, &parent);
	char handle[IDREG_RANGE_TEXT_MAX], self[1024], text[IDREG_PREFIX_TEXT_MAX];

	record_handle(rec, handle, sizeof(handle));
	if (rec->type == IDREG_RES_ASN) {
		idreg_jsonw_kv_string(w, "objectClassName", "autnum");
		idreg_jsonw_kv_string(w, "handle", handle);
		idreg_jsonw_kv_int(w, "startAutnum", (int64_t)rec->first);
		idreg_jsonw_kv_int(w, "endAutnum", (int64_t)rec->last);
		snprintf(self, sizeof(self), "%sautnum/%u", svc->base_url, (unsigned)rec->first);
	} else {
		struct idreg_ip first = { rec->type, rec->first }, last = { rec->type, rec->last };
		char start[IDREG_IP_TEXT_MAX], end[IDREG_IP_TEXT_MAX];
		idreg_ip_format(&first, start, sizeof(start));
		idreg_ip_format(&last, end, sizeof(end));
		idreg_jsonw_kv_string(w, "objectClassName", "ip network");
		idreg_jsonw_kv_string(w, "handle", handle);
		idreg_jsonw_kv_string(w, "startAddress", start);
		idreg_jsonw_kv_string(w, "endAddress", end);
		idreg_jsonw_kv_string(w, "ipVersion", rec->type == IDREG_RES_IPV4 ? "v4" : "v6");
		struct idreg_prefix prefixes[1];
		if (idreg_range_to_prefixes(rec->type, rec->first, rec->last, prefixes, 1) == 1) {
			idreg_prefix_format(&prefixes[0], text, sizeof(text));
			snprintf(self, sizeof(self), "%sip/%s", svc->base_url, text);
		} else {
			snprintf(self, sizeof(self), "%sip/%s", svc->base_url, start);
		}
		idreg_jsonw_key(w, "cidr0_cidrs");
		cidrs(w, rec);
	}
	char type[16];
	upper_copy(idreg_status_name(rec->status), type, sizeof(type));
	idreg_jsonw_kv_string(w, "type", type);
	if (rec->cc[0] != '\0' && strcmp(rec->cc, "ZZ") != 0) {
		idreg_jsonw_kv_string(w, "country", rec->cc);
	}
	if (has_parent) {
		char parent_handle[IDREG_RANGE_TEXT_MAX];
		record_handle(&snap->numbers.records[parent], parent_handle, sizeof(parent_handle));
		idreg_jsonw_kv_string(w, "parentHandle", parent_handle);
	}
	idreg_jsonw_key(w, "status");
	idreg_jsonw_array_begin(w);
	idreg_jsonw_string(w, status_value(rec->status));
	idreg_jsonw_array_end(w);

	idreg_jsonw_key(w, "events");
	idreg_jsonw_array_begin(w);
	if (rec->date > 0) {
		char date[32];
		snprintf(date, sizeof(date), "%04d-%02d-%02dT00:00:00Z", rec->date / 10000,
			 rec->date / 100 % 100, rec->date % 100);
		idreg__rdap_event(w, "registration", date);
	}
	if (meta->changed_at != NULL && meta->changed_at[0] != '\0') {
		idreg__rdap_event(w, "last changed", meta->changed_at);
	}
	idreg__rdap_event(w, "last update of RDAP database", snap->loaded_at);
	idreg_jsonw_array_end(w);

	idreg_jsonw_key(w, "links");
	idreg_jsonw_array_begin(w);
	idreg__rdap_link(w, request_url ? request_url : self, "self", self, "application/rdap+json");
	idreg_jsonw_array_end(w);

	if (rec->opaque_id != NULL && rec->opaque_id[0] != '\0') {
		idreg_jsonw_key(w, "entities");
		idreg_jsonw_array_begin(w);
		idreg_jsonw_object_begin(w);
		idreg_jsonw_kv_string(w, "objectClassName", "entity");
		idreg_jsonw_kv_string(w, "handle", rec->opaque_id);
		idreg_jsonw_key(w, "roles");
		idreg_jsonw_array_begin(w);
		idreg_jsonw_string(w, "registrant");
		idreg_jsonw_array_end(w);
		holder_href(svc, rec->opaque_id, self, sizeof(self));
		idreg_jsonw_key(w, "links");
		idreg_jsonw_array_begin(w);
		idreg__rdap_link(w, self, "self", self, "application/rdap+json");
		idreg_jsonw_array_end(w);
		idreg_jsonw_object_end(w);
		idreg_jsonw_array_end(w);
	}
	if (svc->port43[0] != '\0') {
		idreg_jsonw_kv_string(w, "port43", svc->port43);
	}
}

/*
 * A holder as an entity: its handle, the registrant role, "active" when it
 * holds an allocated or assigned resource, its registry as a remark, when
 * its resources last changed, and the resources the answer lists (as many
 * as fit in half the response's ceiling, as a search's results; *@listed
 * says how many, *@cidr0 whether a network is among them).
 */
static void holder_members(struct idreg_jsonw *w, const struct idreg_service *svc,
			   const struct idreg_snapshot *snap, const struct idreg_answer *answer,
			   const char *request_url, size_t *listed, bool *cidr0)
{
	const struct idreg_numindex_holder *h = &answer->holder;
	const struct idreg_numindex *ix = &snap->numbers;
	const char *changed_at = idreg_numindex_holder_changed_at(ix, h);
	idreg_jsonw_kv_string(w, "objectClassName", "entity");
	idreg_jsonw_kv_string(w, "handle", h->opaque_id);
	idreg_jsonw_key(w, "roles");
	idreg_jsonw_array_begin(w);
	idreg_jsonw_string(w, "registrant");
	idreg_jsonw_array_end(w);
	if (idreg_numindex_holder_active(ix, h)) {
		idreg_jsonw_key(w, "status");
		idreg_jsonw_array_begin(w);
		idreg_jsonw_string(w, "active");
		idreg_jsonw_array_end(w);
	}
	idreg_jsonw_key(w, "remarks");
	idreg_jsonw_array_begin(w);
	titled_begin(w, "Source registry", NULL, h->registry);
	idreg_jsonw_object_end(w);
	idreg_jsonw_array_end(w);
	idreg_jsonw_key(w, "events");
	idreg_jsonw_array_begin(w);
	if (changed_at != NULL) {
		idreg__rdap_event(w, "last changed", changed_at);
	}
	idreg__rdap_event(w, "last update of RDAP database", snap->loaded_at);
	idreg_jsonw_array_end(w);
	char self[1024];
	holder_href(svc, h->opaque_id, self, sizeof(self));
	idreg_jsonw_key(w, "links");
	idreg_jsonw_array_begin(w);
	idreg__rdap_link(w, request_url, "self", self, "application/rdap+json");
	idreg_jsonw_array_end(w);

	/* The results hold the autnums, then the networks. */
	size_t i = 0;
	*cidr0 = false;
	for (int networks = 0; networks < 2; networks++) {
		bool open = false;
		for (; i < answer->n_results && w->err == IDREG_OK && w->buf->len < w->buf->max / 2; i++) {
			uint32_t record = answer->results[i];
			if ((ix->records[record].type != IDREG_RES_ASN) != networks) {
				break;
			}
			if (!open) {
				idreg_jsonw_key(w, networks ? "networks" : "autnums");
				idreg_jsonw_array_begin(w);
				open = true;
			}
			idreg_jsonw_object_begin(w);
			numres_members(w, svc, snap, record, NULL);
			idreg_jsonw_object_end(w);
			*cidr0 |= networks;
		}
		if (open) {
			idreg_jsonw_array_end(w);
		}
	}
	*listed = i;
	if (svc->port43[0] != '\0') {
		idreg_jsonw_kv_string(w, "port43", svc->port43);
	}
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

idreg_err idreg_render_rdap(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			    const struct idreg_answer *answer, const char *request_url,
			    struct idreg_buf *out)
{
	struct idreg_jsonw w;
	bool redacted = false;
	idreg_err err = IDREG_OK;
	idreg_buf_clear(out);
	size_t listed = 0;
	bool cidr0 = answer->kind == IDREG_ANSWER_NUMRES;
	idreg_jsonw_init(&w, out);
	idreg_jsonw_object_begin(&w);
	switch (answer->kind) {
	case IDREG_ANSWER_NUMRES:
		numres_members(&w, svc, snap, answer->record, request_url);
		break;
	case IDREG_ANSWER_HOLDER:
		holder_members(&w, svc, snap, answer, request_url, &listed, &cidr0);
		break;
	case IDREG_ANSWER_ERROR:
	case IDREG_ANSWER_HELP:
		break;
	default:
		err = idreg__rdap_names(&w, svc, snap, answer, request_url, &redacted, &listed);
		break;
	}
	idreg_jsonw_key(&w, "rdapConformance");
	conformance(&w, cidr0, redacted);
	idreg_jsonw_key(&w, "notices");
	notices(&w, svc, request_url, answer, listed);
	if (answer->kind == IDREG_ANSWER_ERROR) {
		idreg_jsonw_kv_int(&w, "errorCode", answer->status);
		idreg_jsonw_kv_string(&w, "title", status_title(answer->status));
		idreg_jsonw_key(&w, "description");
		idreg_jsonw_array_begin(&w);
		idreg_jsonw_string(&w, answer->reason);
		idreg_jsonw_array_end(&w);
	}
	idreg_jsonw_object_end(&w);
	if (err == IDREG_OK) {
		err = idreg_jsonw_finish(&w);
	}
	if (err != IDREG_OK) {
		idreg_buf_clear(out);
	}
	return err;
}
