/*
 * WHOIS replies (RFC 3912): a terms-of-use header as '%' comment lines, then
 * RPSL-style "key: value" lines, CRLF line ends.  Errors are one
 * "%ERROR:" line with the reason, as the RIRs' servers write them.  A
 * holder of number resources is its handle and registry, then its
 * resources, each as the object an address or AS number query prints.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domains/domain.h"
#include "query/render.h"

/* "key:" padded to 16 columns, the value, CRLF: appended without printf,
 * which was the largest part of rendering a WHOIS answer. */
static idreg_err put_line(struct idreg_buf *out, const char *key, const char *value)
{
	static const char spaces[] = "                ";
	size_t klen = strlen(key);
	idreg_err err = idreg_buf_append(out, key, klen);
	if (err == IDREG_OK && klen < 16) {
		err = idreg_buf_append(out, spaces, 16 - klen);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, value);
	}
	return err == IDREG_OK ? idreg_buf_append(out, "\r\n", 2) : err;
}

static idreg_err line(struct idreg_buf *out, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static idreg_err line(struct idreg_buf *out, const char *key, const char *fmt, ...)
{
	char value[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return put_line(out, key, value);
}

/* The terms of use as '%' comment lines of at most 72 columns. */
static idreg_err header(const struct idreg_service *svc, struct idreg_buf *out)
{
	idreg_err err = IDREG_OK;
	const char *p = svc->terms_of_use;
	while (*p && err == IDREG_OK) {
		size_t len = strlen(p), take = len;
		if (len > 70) {
			take = 70;
			while (take > 0 && p[take] != ' ') {
				take--;
			}
			if (take == 0) {
				take = 70;
			}
		}
		err = idreg_buf_append(out, "% ", 2);
		if (err == IDREG_OK) {
			err = idreg_buf_append(out, p, take);
		}
		if (err == IDREG_OK) {
			err = idreg_buf_append(out, "\r\n", 2);
		}
		p += take;
		while (*p == ' ') {
			p++;
		}
	}
	if (err == IDREG_OK && svc->terms_url[0] != '\0') {
		err = idreg_buf_printf(out, "%% Terms of use: %s\r\n", svc->terms_url);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "\r\n");
	}
	return err;
}

/* "% Information related to 'QUERY'" and an empty line. */
static idreg_err related(struct idreg_buf *out, const char *query_text)
{
	idreg_err err = idreg_buf_puts(out, "% Information related to '");
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, query_text);
	}
	return err == IDREG_OK ? idreg_buf_puts(out, "'\r\n\r\n") : err;
}

static idreg_err help(struct idreg_buf *out)
{
	return idreg_buf_puts(out,
			      "% Queries, one per connection:\r\n"
			      "%   an IPv4 or IPv6 address     192.0.2.1, 2001:db8::1\r\n"
			      "%   a prefix or a range         192.0.2.0/24, 192.0.2.0 - 192.0.2.255\r\n"
			      "%   an AS number or AS range    AS64496, 64496, AS64496-AS64511\r\n"
			      "%   a domain name               example.org (A-label or U-label)\r\n"
			      "%   an entity handle            EXAMPLE-1, or a holder's opaque id\r\n"
			      "%   entity HANDLE               a handle that reads as a number\r\n"
			      "%   help                        this text\r\n"
			      "% The same data, as JSON: RDAP (RFC 9082) on this registry's HTTP port.\r\n");
}

static idreg_err numres(const struct idreg_snapshot *snap, uint32_t record, struct idreg_buf *out)
{
	const struct idreg_numres *rec = &snap->numbers.records[record];
	const struct idreg_numindex_meta *meta = &snap->numbers.meta[record];
	char range[IDREG_RANGE_TEXT_MAX], status[16];
	idreg_range_format(rec->type, rec->first, rec->last, range, sizeof(range));
	size_t i = 0;
	for (const char *s = idreg_status_name(rec->status); *s && i + 1 < sizeof(status); s++) {
		status[i++] = (char)(*s - 32);
	}
	status[i] = '\0';

	idreg_err err;
	if (rec->type == IDREG_RES_ASN) {
		err = put_line(out, "aut-num:", range);
	} else {
		err = put_line(out, rec->type == IDREG_RES_IPV4 ? "inetnum:" : "inet6num:", range);
		struct idreg_prefix prefixes[8];
		size_t n = idreg_range_to_prefixes(rec->type, rec->first, rec->last, prefixes, 8);
		for (size_t k = 0; k < n && k < 8 && err == IDREG_OK; k++) {
			char text[IDREG_PREFIX_TEXT_MAX];
			idreg_prefix_format(&prefixes[k], text, sizeof(text));
			err = put_line(out, "cidr:", text);
		}
	}
	if (err == IDREG_OK) {
		err = put_line(out, "status:", status);
	}
	if (err == IDREG_OK && rec->cc[0] != '\0') {
		err = put_line(out, "country:", rec->cc);
	}
	if (err == IDREG_OK && rec->opaque_id != NULL && rec->opaque_id[0] != '\0') {
		err = put_line(out, "org:", rec->opaque_id);
	}
	uint32_t above;
	if (err == IDREG_OK &&
	    idreg_numindex_above(&snap->numbers, rec->type, rec->first, rec->last, &above)) {
		const struct idreg_numres *up = &snap->numbers.records[above];
		char parent[IDREG_RANGE_TEXT_MAX];
		idreg_range_format(up->type, up->first, up->last, parent, sizeof(parent));
		err = put_line(out, "parent:", parent);
	}
	if (err == IDREG_OK && rec->date > 0) {
		char date[11]; /* YYYY-MM-DD from YYYYMMDD */
		unsigned v = (unsigned)rec->date % 100000000;
		for (int at = 9; at >= 0; at--) {
			if (at == 4 || at == 7) {
				date[at] = '-';
			} else {
				date[at] = (char)('0' + v % 10);
				v /= 10;
			}
		}
		date[10] = '\0';
		err = put_line(out, "created:", date);
	}
	if (err == IDREG_OK && meta->changed_at != NULL && meta->changed_at[0] != '\0') {
		err = put_line(out, "last-modified:", meta->changed_at);
	}
	if (err == IDREG_OK) {
		err = put_line(out, "source:", rec->registry);
	}
	return err;
}

/*
 * A holder: its handle, registry and the last change of its resources, how
 * many it holds, then the ones the answer lists, each as its own object.
 */
static idreg_err holder_lines(const struct idreg_snapshot *snap, const struct idreg_answer *answer,
			      struct idreg_buf *out)
{
	const struct idreg_numindex_holder *h = &answer->holder;
	const char *changed_at = idreg_numindex_holder_changed_at(&snap->numbers, h);
	idreg_err err = put_line(out, "handle:", h->opaque_id);
	if (err == IDREG_OK && changed_at != NULL) {
		err = put_line(out, "last-modified:", changed_at);
	}
	if (err == IDREG_OK) {
		err = put_line(out, "source:", h->registry);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, "%% %u AS number blocks and %u networks are held",
				       h->n_autnums, h->count - h->n_autnums);
	}
	if (err == IDREG_OK) {
		err = answer->n_results < answer->total
			      ? idreg_buf_printf(out, "; %zu are listed.\r\n", answer->n_results)
			      : idreg_buf_puts(out, ".\r\n");
	}
	for (size_t i = 0; i < answer->n_results && err == IDREG_OK; i++) {
		err = idreg_buf_puts(out, "\r\n");
		if (err == IDREG_OK) {
			err = numres(snap, answer->results[i], out);
		}
	}
	return err;
}

static idreg_err time_line(struct idreg_buf *out, const char *key, int64_t t)
{
	if (t == IDREG_TIME_NONE) {
		return IDREG_OK;
	}
	char text[IDREG_TIME_TEXT_MAX];
	idreg_time_format(t, text);
	return put_line(out, key, text);
}

/* An entity's fields that this client may see; withheld ones are left out. */
static idreg_err entity_lines(const struct idreg_service *svc, const struct idreg_entity *e,
			      struct idreg_buf *out)
{
	static const char *const keys[IDREG_ENTITY_FIELD_COUNT] = {
		"name:", "org:", "e-mail:", "phone:", "fax-no:", "address:", "city:", "state:",
		"postal-code:", "country:",
	};
	idreg_err err = put_line(out, "handle:", e->handle);
	bool withheld = false;
	for (int f = 0; f < IDREG_ENTITY_FIELD_COUNT && err == IDREG_OK; f++) {
		const char *value = e->fields[f];
		if (value == NULL) {
			continue;
		}
		if (idreg_render_withheld(svc, e, (enum idreg_entity_field)f)) {
			withheld = true;
			continue;
		}
		/* Street lines are joined by '\n': one "address:" line each. */
		const char *p = value;
		do {
			size_t len = strcspn(p, "\n");
			err = line(out, keys[f], "%.*s", (int)len, p);
			p += len + (p[len] == '\n');
		} while (*p && err == IDREG_OK);
	}
	if (err == IDREG_OK && withheld) {
		err = idreg_buf_puts(out, "% Personal data of this contact is withheld by the registry's privacy policy.\r\n");
	}
	return err;
}

static idreg_err domain_lines(const struct idreg_service *svc, const struct idreg_domindex *ix,
			      uint32_t id, struct idreg_buf *out)
{
	struct idreg_domindex_domain d;
	idreg_domindex_domain(ix, id, &d);
	idreg_err err = put_line(out, "domain:", d.ldh_name);
	if (err == IDREG_OK && strcmp(d.unicode_name, d.ldh_name) != 0) {
		err = put_line(out, "domain-unicode:", d.unicode_name);
	}
	if (err == IDREG_OK && d.handle != NULL) {
		err = put_line(out, "handle:", d.handle);
	}
	uint32_t status = d.status | idreg_domindex_grace_status(&d, (int64_t)time(NULL));
	for (int s = 0; s < IDREG_DOMAIN_STATUS_COUNT && err == IDREG_OK; s++) {
		if (status & (1u << s)) {
			err = put_line(out, "status:",
				       idreg_domain_status_epp_name((enum idreg_domain_status)s));
		}
	}
	for (uint32_t i = 0; i < d.n_ns && err == IDREG_OK; i++) {
		struct idreg_domindex_host h;
		idreg_domindex_host(ix, d.nameservers[i], &h);
		err = put_line(out, "nserver:", h.ldh_name);
	}
	for (uint32_t i = 0; i < d.n_ds && err == IDREG_OK; i++) {
		err = line(out, "ds-rdata:", "%u %u %u %s", d.ds[i].key_tag, d.ds[i].algorithm,
			   d.ds[i].digest_type, d.ds[i].digest);
	}
	if (err == IDREG_OK) {
		err = time_line(out, "created:", d.registered);
	}
	if (err == IDREG_OK) {
		err = time_line(out, "expires:", d.expires);
	}
	if (err == IDREG_OK) {
		err = time_line(out, "last-modified:", d.last_changed);
	}
	if (err == IDREG_OK && d.sponsor != NULL) { /* the sponsoring registrar's id */
		err = put_line(out, "registrar:", d.sponsor);
	}
	for (uint32_t i = 0; i < d.n_contacts && err == IDREG_OK; i++) {
		struct idreg_domindex_entity e;
		idreg_domindex_entity(ix, d.contacts[i].entity, &e);
		for (int r = 0; r < IDREG_ROLE_COUNT && err == IDREG_OK; r++) {
			if (d.contacts[i].roles & (1u << r)) {
				char key[32];
				snprintf(key, sizeof(key), "%s:", idreg_role_name((enum idreg_role)r));
				err = put_line(out, key, e.entity.handle);
			}
		}
	}
	for (uint32_t i = 0; i < d.n_contacts && err == IDREG_OK; i++) {
		struct idreg_domindex_entity e;
		idreg_domindex_entity(ix, d.contacts[i].entity, &e);
		err = idreg_buf_puts(out, "\r\n");
		if (err == IDREG_OK) {
			err = entity_lines(svc, &e.entity, out);
		}
	}
	return err;
}

static idreg_err host_lines(const struct idreg_domindex *ix, uint32_t id, struct idreg_buf *out)
{
	struct idreg_domindex_host h;
	idreg_domindex_host(ix, id, &h);
	idreg_err err = put_line(out, "nserver:", h.ldh_name);
	if (err == IDREG_OK && strcmp(h.unicode_name, h.ldh_name) != 0) {
		err = put_line(out, "nserver-unicode:", h.unicode_name);
	}
	for (uint32_t i = 0; i < h.n_addrs && err == IDREG_OK; i++) {
		char text[IDREG_IP_TEXT_MAX];
		idreg_ip_format(&h.addrs[i], text, sizeof(text));
		err = put_line(out, "ip-address:", text);
	}
	return err;
}

idreg_err idreg_render_whois(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			     const char *query_text, const struct idreg_answer *answer,
			     struct idreg_buf *out)
{
	idreg_buf_clear(out);
	idreg_err err = header(svc, out);
	if (err != IDREG_OK) {
		return err;
	}
	switch (answer->kind) {
	case IDREG_ANSWER_HELP:
		err = help(out);
		break;
	case IDREG_ANSWER_NUMRES:
		err = related(out, query_text);
		if (err == IDREG_OK) {
			err = numres(snap, answer->record, out);
		}
		break;
	case IDREG_ANSWER_HOLDER:
		err = related(out, query_text);
		if (err == IDREG_OK) {
			err = holder_lines(snap, answer, out);
		}
		break;
	case IDREG_ANSWER_DOMAIN:
	case IDREG_ANSWER_NAMESERVER:
	case IDREG_ANSWER_ENTITY:
		err = related(out, query_text);
		if (err == IDREG_OK && answer->kind == IDREG_ANSWER_DOMAIN) {
			err = domain_lines(svc, answer->names, answer->object, out);
		} else if (err == IDREG_OK && answer->kind == IDREG_ANSWER_NAMESERVER) {
			err = host_lines(answer->names, answer->object, out);
		} else if (err == IDREG_OK) {
			struct idreg_domindex_entity e;
			idreg_domindex_entity(answer->names, answer->object, &e);
			err = entity_lines(svc, &e.entity, out);
		}
		break;
	case IDREG_ANSWER_DOMAINS:
	case IDREG_ANSWER_NAMESERVERS:
	case IDREG_ANSWER_ENTITIES:
		/* WHOIS asks for one object; searches are RDAP's. */
		err = idreg_buf_puts(out, "%ERROR:400: searches are answered over RDAP\r\n");
		break;
	case IDREG_ANSWER_ERROR:
		err = idreg_buf_printf(out, "%%ERROR:%d: %s\r\n", answer->status, answer->reason);
		break;
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "\r\n");
	}
	return err;
}
