/*
 * RDAP JSON for domains, nameservers and entities (RFC 9083 sections 5.1-5.3)
 * and for searches over them (section 8), with contacts redacted for
 * anonymous clients as the configured policy says (RFC 9537: withheld
 * members are removed, or emptied where jCard requires them, and each is
 * listed in "redacted"), written straight into the response with core/jsonw.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "domains/domain.h"
#include "query/rdap_int.h"

/* Where an answer's objects are: its index (a snapshot's, or the recent
 * changes laid over it), and when the data was last brought up to date. */
struct names_view {
	const struct idreg_domindex *ix;
	const char *loaded_at;
};

/* Hosts, domains and entities render within a budget: a response stays bounded. */
#define MAX_NAMESERVERS_SHOWN 32

/*
 * The "redacted" array comes last in the object, but what is withheld is
 * known while the entities are written: it is written into a scratch buffer
 * of its own (with the response's ceiling), created when first needed.
 */
struct redactions {
	struct idreg_buf buf;
	struct idreg_jsonw w;
	bool any;
};

static const char *const field_titles[IDREG_ENTITY_FIELD_COUNT] = {
	"Name", "Organization", "Email", "Phone", "Fax", "Street", "City", "State/Province",
	"Postal Code", "Country",
};

/* @a, @b and @c one after the other in @out (cut to @size), without printf:
 * redactions are written for every personal field of every answer. */
static const char *join3(char *out, size_t size, const char *a, const char *b, const char *c)
{
	const char *parts[3] = { a, b, c };
	size_t n = 0;
	for (int i = 0; i < 3; i++) {
		size_t len = strlen(parts[i]);
		if (len > size - 1 - n) {
			len = size - 1 - n;
		}
		memcpy(out + n, parts[i], len);
		n += len;
	}
	out[n] = '\0';
	return out;
}

/* RFC 9537 registers names for some registrant and technical fields; others get a description. */
static void redacted_name(struct idreg_jsonw *w, uint32_t roles, enum idreg_entity_field field)
{
	char text[96];
	bool registrant = roles & (1u << IDREG_ROLE_REGISTRANT);
	bool tech = roles & (1u << IDREG_ROLE_TECHNICAL);
	idreg_jsonw_object_begin(w);
	if (registrant || (tech && (field == IDREG_EF_FN || field == IDREG_EF_VOICE ||
				    field == IDREG_EF_EMAIL))) {
		idreg_jsonw_kv_string(w, "type", join3(text, sizeof(text),
							      registrant ? "Registrant" : "Tech", " ",
							      field_titles[field]));
	} else {
		const char *who = "Contact";
		for (int r = 0; r < IDREG_ROLE_COUNT; r++) {
			if (roles & (1u << r)) {
				who = idreg_role_name((enum idreg_role)r);
				break;
			}
		}
		idreg_jsonw_kv_string(w, "description",
				      join3(text, sizeof(text), who, " ", field_titles[field]));
	}
	idreg_jsonw_object_end(w);
}

/*
 * Where each field's value is in an entity's jCard, as a JSONPath after
 * ".vcardArray[1]": the value itself, so that a path names what was withheld
 * and nothing else (RFC 9537 section 4.2).  Telephone numbers are told apart
 * by their type parameter; address parts by their place in the adr value.
 */
static const char *const field_paths[IDREG_ENTITY_FIELD_COUNT] = {
	[IDREG_EF_FN] = "[?(@[0]=='fn')][3]",
	[IDREG_EF_ORG] = "[?(@[0]=='org')]",
	[IDREG_EF_EMAIL] = "[?(@[0]=='email')]",
	[IDREG_EF_VOICE] = "[?(@[1].type=='voice')]",
	[IDREG_EF_FAX] = "[?(@[1].type=='fax')]",
	[IDREG_EF_STREET] = "[?(@[0]=='adr')][3][2]",
	[IDREG_EF_LOCALITY] = "[?(@[0]=='adr')][3][3]",
	[IDREG_EF_REGION] = "[?(@[0]=='adr')][3][4]",
	[IDREG_EF_POSTAL_CODE] = "[?(@[0]=='adr')][3][5]",
	[IDREG_EF_COUNTRY] = "[?(@[0]=='adr')][3][6]",
};

static void note_redaction(struct redactions *red, const char *entity_path, uint32_t roles,
			   enum idreg_entity_field field, bool emptied)
{
	struct idreg_jsonw *w = &red->w;
	if (!red->any) {
		red->any = true;
		idreg_jsonw_array_begin(w);
	}
	char path[256];
	join3(path, sizeof(path), entity_path, ".vcardArray[1]", field_paths[field]);
	idreg_jsonw_object_begin(w);
	idreg_jsonw_key(w, "name");
	redacted_name(w, roles, field);
	idreg_jsonw_kv_string(w, emptied ? "postPath" : "prePath", path);
	idreg_jsonw_kv_string(w, "pathLang", "jsonpath");
	idreg_jsonw_kv_string(w, "method", emptied ? "emptyValue" : "removal");
	idreg_jsonw_key(w, "reason");
	idreg_jsonw_object_begin(w);
	idreg_jsonw_kv_string(w, "description", "Server policy");
	idreg_jsonw_object_end(w);
	idreg_jsonw_object_end(w);
}

/* A jCard property with no parameters and a text value: ["name",{},"type","value"]. */
static void vcard_property(struct idreg_jsonw *w, const char *name, const char *type,
			   const char *value)
{
	idreg_jsonw_array_begin(w);
	idreg_jsonw_string(w, name);
	idreg_jsonw_object_begin(w);
	idreg_jsonw_object_end(w);
	idreg_jsonw_string(w, type);
	idreg_jsonw_string(w, value);
	idreg_jsonw_array_end(w);
}

/*
 * A telephone number as a tel URI (RFC 3966): the number's digits, '+' and
 * visual separators ('.', '-', '(', ')'); spaces dropped; an extension
 * written "x42" or "ext 42" becomes ";ext=42"; anything else is left out.
 */
static void tel_uri(const char *number, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "tel:");
	bool in_ext = false;
	for (const char *p = number; *p && n + 6 < size; p++) {
		char c = *p;
		if (!in_ext && (c == 'x' || c == 'X' || c == 'e' || c == 'E')) {
			n += (size_t)snprintf(out + n, size - n, ";ext=");
			in_ext = true;
			p += (c == 'e' || c == 'E') && strncasecmp(p, "ext", 3) == 0 ? 2 : 0;
		} else if ((c >= '0' && c <= '9') || (!in_ext && strchr("+.-()", c) != NULL)) {
			out[n++] = c;
		}
	}
	out[n] = '\0';
}

/* A field's text, or NULL when absent or withheld (and then noted). */
static const char *shown(const struct idreg_service *svc, const struct idreg_entity *e,
			 enum idreg_entity_field field, struct redactions *red, const char *path,
			 uint32_t roles, bool emptied)
{
	const char *value = e->fields[field];
	if (value == NULL) {
		return NULL;
	}
	if (idreg_render_withheld(svc, e, field)) {
		note_redaction(red, path, roles, field, emptied);
		return NULL;
	}
	return value;
}

static void vcard(struct idreg_jsonw *w, const struct idreg_service *svc,
		  const struct idreg_entity *e, struct redactions *red, const char *path,
		  uint32_t roles)
{
	idreg_jsonw_array_begin(w);
	idreg_jsonw_string(w, "vcard");
	idreg_jsonw_array_begin(w);
	vcard_property(w, "version", "text", "4.0");
	/* FN is required by jCard: withheld, it stays with an empty value. */
	const char *fn = shown(svc, e, IDREG_EF_FN, red, path, roles, true);
	vcard_property(w, "fn", "text", fn ? fn : "");
	vcard_property(w, "kind", "text", idreg_entity_kind_name(e->kind));
	const char *org = shown(svc, e, IDREG_EF_ORG, red, path, roles, false);
	if (org != NULL) {
		vcard_property(w, "org", "text", org);
	}
	const char *email = shown(svc, e, IDREG_EF_EMAIL, red, path, roles, false);
	if (email != NULL) {
		vcard_property(w, "email", "text", email);
	}
	static const struct {
		enum idreg_entity_field field;
		const char *type;
	} phones[] = { { IDREG_EF_VOICE, "voice" }, { IDREG_EF_FAX, "fax" } };
	for (size_t i = 0; i < 2; i++) {
		const char *number = shown(svc, e, phones[i].field, red, path, roles, false);
		if (number != NULL) {
			char uri[300];
			tel_uri(number, uri, sizeof(uri));
			idreg_jsonw_array_begin(w);
			idreg_jsonw_string(w, "tel");
			idreg_jsonw_object_begin(w);
			idreg_jsonw_kv_string(w, "type", phones[i].type);
			idreg_jsonw_object_end(w);
			idreg_jsonw_string(w, "uri");
			idreg_jsonw_string(w, uri);
			idreg_jsonw_array_end(w);
		}
	}
	/* The address: withheld parts are emptied, so the structure stays. */
	static const enum idreg_entity_field adr_fields[] = { IDREG_EF_STREET, IDREG_EF_LOCALITY,
							      IDREG_EF_REGION, IDREG_EF_POSTAL_CODE,
							      IDREG_EF_COUNTRY };
	enum { N_ADR = sizeof(adr_fields) / sizeof(adr_fields[0]) };
	bool any = false;
	const char *parts[N_ADR];
	for (size_t i = 0; i < N_ADR; i++) {
		parts[i] = shown(svc, e, adr_fields[i], red, path, roles, true);
		any |= e->fields[adr_fields[i]] != NULL;
	}
	if (any) {
		idreg_jsonw_array_begin(w);
		idreg_jsonw_string(w, "adr");
		idreg_jsonw_object_begin(w);
		idreg_jsonw_object_end(w);
		idreg_jsonw_string(w, "text");
		idreg_jsonw_array_begin(w);
		idreg_jsonw_string(w, ""); /* post office box */
		idreg_jsonw_string(w, ""); /* extended address */
		for (size_t i = 0; i < N_ADR; i++) {
			idreg_jsonw_string(w, parts[i] ? parts[i] : "");
		}
		idreg_jsonw_array_end(w);
		idreg_jsonw_array_end(w);
	}
	idreg_jsonw_array_end(w);
	idreg_jsonw_array_end(w);
}

static void self_link(struct idreg_jsonw *w, const struct idreg_service *svc,
		      const char *request_url, const char *kind, const char *name)
{
	char href[1024];
	snprintf(href, sizeof(href), "%s%s/%s", svc->base_url, kind, name);
	idreg_jsonw_key(w, "links");
	idreg_jsonw_array_begin(w);
	idreg__rdap_link(w, request_url ? request_url : href, "self", href, "application/rdap+json");
	idreg_jsonw_array_end(w);
}

/* An entity's members, up to its links; the caller closes the object. */
static void entity_members(struct idreg_jsonw *w, const struct idreg_service *svc,
			   const struct names_view *view, uint32_t id, uint32_t roles,
			   const char *path, const char *request_url, struct redactions *red)
{
	struct idreg_domindex_entity e;
	idreg_domindex_entity(view->ix, id, &e);
	idreg_jsonw_kv_string(w, "objectClassName", "entity");
	idreg_jsonw_kv_string(w, "handle", e.entity.handle);
	if (roles != 0) {
		idreg_jsonw_key(w, "roles");
		idreg_jsonw_array_begin(w);
		for (int r = 0; r < IDREG_ROLE_COUNT; r++) {
			if (roles & (1u << r)) {
				idreg_jsonw_string(w, idreg_role_name((enum idreg_role)r));
			}
		}
		idreg_jsonw_array_end(w);
	}
	idreg_jsonw_key(w, "vcardArray");
	vcard(w, svc, &e.entity, red, path, roles);
	self_link(w, svc, request_url, "entity", e.entity.handle);
}

static void nameserver_members(struct idreg_jsonw *w, const struct idreg_service *svc,
			       const struct names_view *view, uint32_t id,
			       const char *request_url, bool full)
{
	struct idreg_domindex_host h;
	idreg_domindex_host(view->ix, id, &h);
	idreg_jsonw_kv_string(w, "objectClassName", "nameserver");
	if (h.handle != NULL) {
		idreg_jsonw_kv_string(w, "handle", h.handle);
	}
	idreg_jsonw_kv_string(w, "ldhName", h.ldh_name);
	if (strcmp(h.unicode_name, h.ldh_name) != 0) {
		idreg_jsonw_kv_string(w, "unicodeName", h.unicode_name);
	}
	if (full && h.n_addrs > 0) {
		idreg_jsonw_key(w, "ipAddresses");
		idreg_jsonw_object_begin(w);
		for (int v = 0; v < 2; v++) {
			bool v4 = v == 0;
			idreg_jsonw_key(w, v4 ? "v4" : "v6");
			idreg_jsonw_array_begin(w);
			for (uint32_t i = 0; i < h.n_addrs; i++) {
				if ((h.addrs[i].type == IDREG_RES_IPV4) == v4) {
					char text[IDREG_IP_TEXT_MAX];
					idreg_ip_format(&h.addrs[i], text, sizeof(text));
					idreg_jsonw_string(w, text);
				}
			}
			idreg_jsonw_array_end(w);
		}
		idreg_jsonw_object_end(w);
	}
	if (full) {
		idreg_jsonw_key(w, "events");
		idreg_jsonw_array_begin(w);
		idreg__rdap_event_time(w, "last changed", h.changed_at);
		idreg__rdap_event(w, "last update of RDAP database", view->loaded_at);
		idreg_jsonw_array_end(w);
		idreg_jsonw_key(w, "status");
		idreg_jsonw_array_begin(w);
		idreg_jsonw_string(w, "active");
		idreg_jsonw_array_end(w);
	}
	self_link(w, svc, full ? request_url : NULL, "nameserver", h.ldh_name);
}

/*
 * The variants of a domain (RFC 9083 section 5.3), one group per state of
 * its domain_variant rows: an activated variant is a domain of its own
 * ("registered"); a reserved one is kept for the same registrant and a
 * blocked one for nobody, both "unregistered" and, unlike a name anyone may
 * take ("open registration"), "registration restricted".
 */
static void variants(struct idreg_jsonw *w, const struct idreg_domindex_domain *d)
{
	static const struct {
		const char *state;
		const char *relations[2];
	} groups[] = {
		{ "activated", { "registered", NULL } },
		{ "reserved", { "unregistered", "registration restricted" } },
		{ "blocked", { "unregistered", "registration restricted" } },
	};
	idreg_jsonw_key(w, "variants");
	idreg_jsonw_array_begin(w);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		size_t state_len = strlen(groups[g].state);
		bool open = false;
		for (const char *p = d->variants; p != NULL && *p != '\0';) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			const char *ldh = p + state_len + 1, *space;
			if (len > state_len && strncmp(p, groups[g].state, state_len) == 0 &&
			    p[state_len] == ' ' && (space = memchr(ldh, ' ', len - state_len - 1)) != NULL) {
				if (!open) {
					open = true;
					idreg_jsonw_object_begin(w);
					idreg_jsonw_key(w, "relation");
					idreg_jsonw_array_begin(w);
					for (int r = 0; r < 2 && groups[g].relations[r] != NULL; r++) {
						idreg_jsonw_string(w, groups[g].relations[r]);
					}
					idreg_jsonw_array_end(w);
					if (d->idn_table != NULL) {
						idreg_jsonw_kv_string(w, "idnTable", d->idn_table);
					}
					idreg_jsonw_key(w, "variantNames");
					idreg_jsonw_array_begin(w);
				}
				char name[2][IDREG_UTS46_UNICODE_MAX];
				snprintf(name[0], sizeof(name[0]), "%.*s", (int)(space - ldh), ldh);
				snprintf(name[1], sizeof(name[1]), "%.*s", (int)(p + len - space - 1), space + 1);
				idreg_jsonw_object_begin(w);
				idreg_jsonw_kv_string(w, "ldhName", name[0]);
				if (strcmp(name[0], name[1]) != 0) {
					idreg_jsonw_kv_string(w, "unicodeName", name[1]);
				}
				idreg_jsonw_object_end(w);
			}
			p = end ? end + 1 : NULL;
		}
		if (open) {
			idreg_jsonw_array_end(w);
			idreg_jsonw_object_end(w);
		}
	}
	idreg_jsonw_array_end(w);
}

/* The sponsoring registrar, as an entity of role "registrar": its id and name. */
static void registrar_entity(struct idreg_jsonw *w, const struct idreg_domindex_domain *d)
{
	idreg_jsonw_object_begin(w);
	idreg_jsonw_kv_string(w, "objectClassName", "entity");
	idreg_jsonw_kv_string(w, "handle", d->sponsor);
	idreg_jsonw_key(w, "roles");
	idreg_jsonw_array_begin(w);
	idreg_jsonw_string(w, "registrar");
	idreg_jsonw_array_end(w);
	idreg_jsonw_key(w, "vcardArray");
	idreg_jsonw_array_begin(w);
	idreg_jsonw_string(w, "vcard");
	idreg_jsonw_array_begin(w);
	vcard_property(w, "version", "text", "4.0");
	vcard_property(w, "fn", "text", d->sponsor_name ? d->sponsor_name : d->sponsor);
	vcard_property(w, "kind", "text", "org");
	idreg_jsonw_array_end(w);
	idreg_jsonw_array_end(w);
	idreg_jsonw_object_end(w);
}

static void domain_members(struct idreg_jsonw *w, const struct idreg_service *svc,
			   const struct names_view *view, uint32_t id, const char *request_url,
			   const char *path_base, struct redactions *red)
{
	struct idreg_domindex_domain d;
	idreg_domindex_domain(view->ix, id, &d);
	idreg_jsonw_kv_string(w, "objectClassName", "domain");
	if (d.handle != NULL) {
		idreg_jsonw_kv_string(w, "handle", d.handle);
	}
	idreg_jsonw_kv_string(w, "ldhName", d.ldh_name);
	if (strcmp(d.unicode_name, d.ldh_name) != 0) {
		idreg_jsonw_kv_string(w, "unicodeName", d.unicode_name);
	}
	idreg_jsonw_key(w, "status");
	idreg_jsonw_array_begin(w);
	uint32_t status = d.status | idreg_domindex_grace_status(&d, (int64_t)time(NULL));
	for (int s = 0; s < IDREG_DOMAIN_STATUS_COUNT; s++) {
		if (status & (1u << s)) {
			idreg_jsonw_string(w, idreg_domain_status_rdap_name((enum idreg_domain_status)s));
		}
	}
	idreg_jsonw_array_end(w);
	idreg_jsonw_key(w, "events");
	idreg_jsonw_array_begin(w);
	/* Over EPP: who created it, who changed it last, when it changed hands. */
	idreg__rdap_event_time_by(w, "registration", d.registered, d.creator);
	idreg__rdap_event_time(w, "expiration", d.expires);
	idreg__rdap_event_time_by(w, "last changed", d.last_changed, d.updater);
	idreg__rdap_event_time_by(w, "transfer", d.transferred, d.sponsor);
	idreg__rdap_event(w, "last update of RDAP database", view->loaded_at);
	idreg_jsonw_array_end(w);

	if (d.variants != NULL) {
		variants(w, &d);
	}

	idreg_jsonw_key(w, "nameservers");
	idreg_jsonw_array_begin(w);
	for (uint32_t i = 0; i < d.n_ns && i < MAX_NAMESERVERS_SHOWN; i++) {
		idreg_jsonw_object_begin(w);
		nameserver_members(w, svc, view, d.nameservers[i], NULL, false);
		idreg_jsonw_object_end(w);
	}
	idreg_jsonw_array_end(w);

	idreg_jsonw_key(w, "secureDNS");
	idreg_jsonw_object_begin(w);
	idreg_jsonw_kv_bool(w, "delegationSigned", d.n_ds > 0);
	if (d.n_ds > 0) {
		idreg_jsonw_key(w, "dsData");
		idreg_jsonw_array_begin(w);
		for (uint32_t i = 0; i < d.n_ds; i++) {
			idreg_jsonw_object_begin(w);
			idreg_jsonw_kv_int(w, "keyTag", d.ds[i].key_tag);
			idreg_jsonw_kv_int(w, "algorithm", d.ds[i].algorithm);
			idreg_jsonw_kv_int(w, "digestType", d.ds[i].digest_type);
			idreg_jsonw_kv_string(w, "digest", d.ds[i].digest);
			idreg_jsonw_object_end(w);
		}
		idreg_jsonw_array_end(w);
	}
	idreg_jsonw_object_end(w);

	idreg_jsonw_key(w, "entities");
	idreg_jsonw_array_begin(w);
	for (uint32_t i = 0; i < d.n_contacts; i++) {
		char path[128];
		snprintf(path, sizeof(path), "%s.entities[%u]", path_base, i);
		idreg_jsonw_object_begin(w);
		entity_members(w, svc, view, d.contacts[i].entity, d.contacts[i].roles, path, NULL, red);
		idreg_jsonw_object_end(w);
	}
	if (d.sponsor != NULL) { /* last: the contacts' redaction paths count from 0 */
		registrar_entity(w, &d);
	}
	idreg_jsonw_array_end(w);
	self_link(w, svc, request_url, "domain", d.ldh_name);
}

/*
 * The results of a search, as many as fit: a response stays well inside its
 * buffer's ceiling (what is cut is said in a notice, as for the result cap),
 * leaving room for the list of redactions that comes after.
 */
static void search_results(struct idreg_jsonw *w, const struct idreg_service *svc,
			   const struct names_view *view, const struct idreg_answer *answer,
			   struct redactions *red, size_t *listed)
{
	const char *member = answer->kind == IDREG_ANSWER_DOMAINS	? "domainSearchResults"
			     : answer->kind == IDREG_ANSWER_NAMESERVERS ? "nameserverSearchResults"
									: "entitySearchResults";
	idreg_jsonw_key(w, member);
	idreg_jsonw_array_begin(w);
	size_t i = 0;
	for (; i < answer->n_results && w->err == IDREG_OK && w->buf->len < w->buf->max / 2; i++) {
		char path[96];
		idreg_jsonw_object_begin(w);
		switch (answer->kind) {
		case IDREG_ANSWER_DOMAINS:
			snprintf(path, sizeof(path), "$.domainSearchResults[%zu]", i);
			domain_members(w, svc, view, answer->results[i], NULL, path, red);
			break;
		case IDREG_ANSWER_NAMESERVERS:
			nameserver_members(w, svc, view, answer->results[i], NULL, true);
			break;
		default:
			snprintf(path, sizeof(path), "$.entitySearchResults[%zu]", i);
			entity_members(w, svc, view, answer->results[i], 0, path, NULL, red);
			break;
		}
		idreg_jsonw_object_end(w);
	}
	*listed = i;
	idreg_jsonw_array_end(w);
}

idreg_err idreg__rdap_names(struct idreg_jsonw *w, const struct idreg_service *svc,
			    const struct idreg_snapshot *snap, const struct idreg_answer *answer,
			    const char *request_url, bool *redacted, size_t *listed)
{
	*listed = 0;
	struct names_view view = { answer->names, snap->loaded_at };
	struct redactions red = { .any = false };
	idreg_buf_init(&red.buf, w->buf->max);
	idreg_jsonw_init(&red.w, &red.buf);
	switch (answer->kind) {
	case IDREG_ANSWER_DOMAIN:
		domain_members(w, svc, &view, answer->object, request_url, "$", &red);
		break;
	case IDREG_ANSWER_NAMESERVER:
		nameserver_members(w, svc, &view, answer->object, request_url, true);
		break;
	case IDREG_ANSWER_ENTITY: {
		entity_members(w, svc, &view, answer->object, 0, "$", request_url, &red);
		struct idreg_domindex_entity e;
		idreg_domindex_entity(view.ix, answer->object, &e);
		idreg_jsonw_key(w, "events");
		idreg_jsonw_array_begin(w);
		idreg__rdap_event_time(w, "last changed", e.changed_at);
		idreg__rdap_event(w, "last update of RDAP database", view.loaded_at);
		idreg_jsonw_array_end(w);
		break;
	}
	default:
		search_results(w, svc, &view, answer, &red, listed);
		break;
	}
	if (svc->port43[0] != '\0' && answer->kind >= IDREG_ANSWER_DOMAIN &&
	    answer->kind <= IDREG_ANSWER_ENTITY) {
		idreg_jsonw_kv_string(w, "port43", svc->port43);
	}
	idreg_err err = IDREG_OK;
	*redacted = red.any;
	if (red.any) {
		idreg_jsonw_array_end(&red.w);
		err = idreg_jsonw_finish(&red.w);
		if (err == IDREG_OK) {
			idreg_jsonw_key(w, "redacted");
			idreg_jsonw_raw(w, red.buf.data, red.buf.len);
		}
	}
	idreg_buf_free(&red.buf);
	return err;
}
