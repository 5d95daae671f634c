/*
 * RDAP JSON responses (RFC 9083) for IP networks, autnums, help and errors,
 * built with jansson, and the frame every response shares (conformance,
 * notices).  Networks carry the cidr0 extension as the RIRs serve it; every
 * response names the conformance it uses in rdapConformance, at the top
 * level only.  Domains, nameservers and entities are in rdap_names.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domains/domain.h"
#include "query/rdap_int.h"

static json_t *conformance(const struct idreg_answer *answer, bool redacted)
{
	json_t *list = json_array();
	json_array_append_new(list, json_string("rdap_level_0"));
	if (answer->kind == IDREG_ANSWER_NUMRES) {
		json_array_append_new(list, json_string("cidr0"));
	}
	if (redacted) {
		json_array_append_new(list, json_string("redacted"));
	}
	return list;
}

json_t *idreg__rdap_link(const char *value, const char *rel, const char *href, const char *type)
{
	json_t *l = json_object();
	json_object_set_new(l, "value", json_string(value));
	json_object_set_new(l, "rel", json_string(rel));
	json_object_set_new(l, "href", json_string(href));
	if (type != NULL) {
		json_object_set_new(l, "type", json_string(type));
	}
	return l;
}

static json_t *notices(const struct idreg_service *svc, const char *request_url,
		       const struct idreg_answer *answer)
{
	json_t *terms = json_object();
	json_object_set_new(terms, "title", json_string("Terms of Use"));
	json_t *description = json_array();
	json_array_append_new(description, json_string(svc->terms_of_use));
	json_object_set_new(terms, "description", description);
	if (svc->terms_url[0] != '\0') {
		json_t *links = json_array();
		json_array_append_new(links, idreg__rdap_link(request_url, "terms-of-service", svc->terms_url,
						  "text/html"));
		json_object_set_new(terms, "links", links);
	}
	json_t *list = json_array();
	json_array_append_new(list, terms);
	if (answer->total > answer->n_results) {
		char text[128];
		snprintf(text, sizeof(text), "%zu objects matched; the first %zu are listed.",
			 answer->total, answer->n_results);
		json_t *cut = json_object();
		json_object_set_new(cut, "title", json_string("Search results truncated"));
		json_object_set_new(cut, "type", json_string("result set truncated due to excessive load"));
		json_object_set_new(cut, "description", json_pack("[s]", text));
		json_array_append_new(list, cut);
	}
	return list;
}

json_t *idreg__rdap_event(const char *action, const char *date)
{
	json_t *e = json_object();
	json_object_set_new(e, "eventAction", json_string(action));
	json_object_set_new(e, "eventDate", json_string(date));
	return e;
}

void idreg__rdap_add_event_time(json_t *events, const char *action, int64_t t)
{
	if (t != IDREG_TIME_NONE) {
		char text[IDREG_TIME_TEXT_MAX];
		idreg_time_format(t, text);
		json_array_append_new(events, idreg__rdap_event(action, text));
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

static json_t *cidrs(const struct idreg_numres *rec)
{
	struct idreg_prefix prefixes[256];
	size_t n = idreg_range_to_prefixes(rec->type, rec->first, rec->last, prefixes, 256);
	json_t *list = json_array();
	for (size_t i = 0; i < n && i < 256; i++) {
		char addr[IDREG_IP_TEXT_MAX];
		idreg_ip_format(&prefixes[i].addr, addr, sizeof(addr));
		json_t *c = json_object();
		json_object_set_new(c, rec->type == IDREG_RES_IPV4 ? "v4prefix" : "v6prefix",
				    json_string(addr));
		json_object_set_new(c, "length", json_integer(prefixes[i].len));
		json_array_append_new(list, c);
	}
	return list;
}

static json_t *numres_object(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			     const struct idreg_answer *answer, const char *request_url)
{
	const struct idreg_numres *rec = &snap->numbers.records[answer->record];
	const struct idreg_numindex_meta *meta = &snap->numbers.meta[answer->record];
	json_t *o = json_object();
	char handle[IDREG_RANGE_TEXT_MAX], self[1024], text[IDREG_PREFIX_TEXT_MAX];

	record_handle(rec, handle, sizeof(handle));
	if (rec->type == IDREG_RES_ASN) {
		json_object_set_new(o, "objectClassName", json_string("autnum"));
		json_object_set_new(o, "handle", json_string(handle));
		json_object_set_new(o, "startAutnum", json_integer((json_int_t)rec->first));
		json_object_set_new(o, "endAutnum", json_integer((json_int_t)rec->last));
		snprintf(self, sizeof(self), "%sautnum/%u", svc->base_url, (unsigned)rec->first);
	} else {
		struct idreg_ip first = { rec->type, rec->first }, last = { rec->type, rec->last };
		char start[IDREG_IP_TEXT_MAX], end[IDREG_IP_TEXT_MAX];
		idreg_ip_format(&first, start, sizeof(start));
		idreg_ip_format(&last, end, sizeof(end));
		json_object_set_new(o, "objectClassName", json_string("ip network"));
		json_object_set_new(o, "handle", json_string(handle));
		json_object_set_new(o, "startAddress", json_string(start));
		json_object_set_new(o, "endAddress", json_string(end));
		json_object_set_new(o, "ipVersion", json_string(rec->type == IDREG_RES_IPV4 ? "v4" : "v6"));
		struct idreg_prefix prefixes[1];
		if (idreg_range_to_prefixes(rec->type, rec->first, rec->last, prefixes, 1) == 1) {
			idreg_prefix_format(&prefixes[0], text, sizeof(text));
			snprintf(self, sizeof(self), "%sip/%s", svc->base_url, text);
		} else {
			snprintf(self, sizeof(self), "%sip/%s", svc->base_url, start);
		}
		json_object_set_new(o, "cidr0_cidrs", cidrs(rec));
	}
	char type[16];
	upper_copy(idreg_status_name(rec->status), type, sizeof(type));
	json_object_set_new(o, "type", json_string(type));
	if (rec->cc[0] != '\0' && strcmp(rec->cc, "ZZ") != 0) {
		json_object_set_new(o, "country", json_string(rec->cc));
	}
	if (answer->has_parent && rec->type != IDREG_RES_ASN) {
		char parent[IDREG_RANGE_TEXT_MAX];
		record_handle(&snap->numbers.records[answer->parent], parent, sizeof(parent));
		json_object_set_new(o, "parentHandle", json_string(parent));
	}
	json_t *status = json_array();
	json_array_append_new(status, json_string(status_value(rec->status)));
	json_object_set_new(o, "status", status);

	json_t *events = json_array();
	if (rec->date > 0) {
		char date[32];
		snprintf(date, sizeof(date), "%04d-%02d-%02dT00:00:00Z", rec->date / 10000,
			 rec->date / 100 % 100, rec->date % 100);
		json_array_append_new(events, idreg__rdap_event("registration", date));
	}
	if (meta->changed_at != NULL && meta->changed_at[0] != '\0') {
		json_array_append_new(events, idreg__rdap_event("last changed", meta->changed_at));
	}
	json_array_append_new(events, idreg__rdap_event("last update of RDAP database", snap->loaded_at));
	json_object_set_new(o, "events", events);

	json_t *links = json_array();
	json_array_append_new(links, idreg__rdap_link(request_url, "self", self, "application/rdap+json"));
	json_object_set_new(o, "links", links);

	if (rec->opaque_id != NULL && rec->opaque_id[0] != '\0') {
		json_t *holder = json_object();
		json_object_set_new(holder, "objectClassName", json_string("entity"));
		json_object_set_new(holder, "handle", json_string(rec->opaque_id));
		json_t *roles = json_array();
		json_array_append_new(roles, json_string("registrant"));
		json_object_set_new(holder, "roles", roles);
		json_t *entities = json_array();
		json_array_append_new(entities, holder);
		json_object_set_new(o, "entities", entities);
	}
	if (svc->port43[0] != '\0') {
		json_object_set_new(o, "port43", json_string(svc->port43));
	}
	return o;
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

idreg_err idreg_render_rdap(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			    const struct idreg_answer *answer, const char *request_url,
			    struct idreg_buf *out)
{
	json_t *body;
	bool redacted = false;
	switch (answer->kind) {
	case IDREG_ANSWER_NUMRES:
		body = numres_object(svc, snap, answer, request_url);
		break;
	case IDREG_ANSWER_ERROR:
	case IDREG_ANSWER_HELP:
		body = json_object();
		break;
	default:
		body = idreg__rdap_names(svc, snap, answer, request_url, &redacted);
		break;
	}
	if (body == NULL) {
		return IDREG_ENOMEM;
	}
	json_object_set_new(body, "rdapConformance", conformance(answer, redacted));
	json_object_set_new(body, "notices", notices(svc, request_url, answer));
	if (answer->kind == IDREG_ANSWER_ERROR) {
		json_object_set_new(body, "errorCode", json_integer(answer->status));
		json_object_set_new(body, "title", json_string(status_title(answer->status)));
		json_t *description = json_array();
		json_array_append_new(description, json_string(answer->reason));
		json_object_set_new(body, "description", description);
	}
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL) {
		return IDREG_ENOMEM;
	}
	idreg_buf_clear(out);
	idreg_err err = idreg_buf_puts(out, text);
	free(text);
	return err;
}
