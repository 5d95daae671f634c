/*
 * RDAP JSON for domains, nameservers and entities (RFC 9083 sections 5.1-5.3)
 * and for searches over them (section 8), with contacts redacted for
 * anonymous clients as the configured policy says (RFC 9537: withheld
 * members are removed, or emptied where jCard requires them, and each is
 * listed in "redacted").
 */
#include <stdio.h>
#include <string.h>

#include "domains/domain.h"
#include "query/rdap_int.h"

/* Hosts, domains and entities render within a budget: a response stays bounded. */
#define MAX_NAMESERVERS_SHOWN 32

struct redactions {
	json_t *list; /* the "redacted" array, created when first needed */
};

static const char *const field_titles[IDREG_ENTITY_FIELD_COUNT] = {
	"Name", "Organization", "Email", "Phone", "Fax", "Street", "City", "State/Province",
	"Postal Code", "Country",
};

/* RFC 9537 registers names for some registrant and technical fields; others get a description. */
static json_t *redacted_name(uint32_t roles, enum idreg_entity_field field)
{
	json_t *name = json_object();
	char text[96];
	bool registrant = roles & (1u << IDREG_ROLE_REGISTRANT);
	bool tech = roles & (1u << IDREG_ROLE_TECHNICAL);
	if (registrant || (tech && (field == IDREG_EF_FN || field == IDREG_EF_VOICE ||
				    field == IDREG_EF_EMAIL))) {
		snprintf(text, sizeof(text), "%s %s", registrant ? "Registrant" : "Tech",
			 field_titles[field]);
		json_object_set_new(name, "type", json_string(text));
	} else {
		const char *who = "Contact";
		for (int r = 0; r < IDREG_ROLE_COUNT; r++) {
			if (roles & (1u << r)) {
				who = idreg_role_name((enum idreg_role)r);
				break;
			}
		}
		snprintf(text, sizeof(text), "%s %s", who, field_titles[field]);
		json_object_set_new(name, "description", json_string(text));
	}
	return name;
}

static void note_redaction(struct redactions *red, const char *entity_path, uint32_t roles,
			   enum idreg_entity_field field, const char *property, bool emptied)
{
	if (red->list == NULL) {
		red->list = json_array();
	}
	char path[256];
	snprintf(path, sizeof(path), "%s.vcardArray[1][?(@[0]=='%s')]", entity_path, property);
	json_t *r = json_object();
	json_object_set_new(r, "name", redacted_name(roles, field));
	json_object_set_new(r, emptied ? "postPath" : "prePath", json_string(path));
	json_object_set_new(r, "pathLang", json_string("jsonpath"));
	json_object_set_new(r, "method", json_string(emptied ? "emptyValue" : "removal"));
	json_t *reason = json_object();
	json_object_set_new(reason, "description", json_string("Server policy"));
	json_object_set_new(r, "reason", reason);
	json_array_append_new(red->list, r);
}

static json_t *vcard_property(const char *name, json_t *params, const char *type, json_t *value)
{
	json_t *p = json_array();
	json_array_append_new(p, json_string(name));
	json_array_append_new(p, params ? params : json_object());
	json_array_append_new(p, json_string(type));
	json_array_append_new(p, value);
	return p;
}

/* A field's text, or NULL when absent or withheld (and then noted). */
static const char *shown(const struct idreg_service *svc, const struct idreg_entity *e,
			 enum idreg_entity_field field, struct redactions *red, const char *path,
			 uint32_t roles, const char *property, bool emptied)
{
	const char *value = e->fields[field];
	if (value == NULL) {
		return NULL;
	}
	if (idreg_render_withheld(svc, e, field)) {
		note_redaction(red, path, roles, field, property, emptied);
		return NULL;
	}
	return value;
}

static json_t *vcard(const struct idreg_service *svc, const struct idreg_entity *e,
		     struct redactions *red, const char *path, uint32_t roles)
{
	json_t *props = json_array();
	json_array_append_new(props, vcard_property("version", NULL, "text", json_string("4.0")));
	/* FN is required by jCard: withheld, it stays with an empty value. */
	const char *fn = shown(svc, e, IDREG_EF_FN, red, path, roles, "fn", true);
	json_array_append_new(props, vcard_property("fn", NULL, "text", json_string(fn ? fn : "")));
	json_array_append_new(props, vcard_property("kind", NULL, "text",
						    json_string(idreg_entity_kind_name(e->kind))));
	const char *org = shown(svc, e, IDREG_EF_ORG, red, path, roles, "org", false);
	if (org != NULL) {
		json_array_append_new(props, vcard_property("org", NULL, "text", json_string(org)));
	}
	const char *email = shown(svc, e, IDREG_EF_EMAIL, red, path, roles, "email", false);
	if (email != NULL) {
		json_array_append_new(props, vcard_property("email", NULL, "text", json_string(email)));
	}
	static const struct {
		enum idreg_entity_field field;
		const char *type;
	} phones[] = { { IDREG_EF_VOICE, "voice" }, { IDREG_EF_FAX, "fax" } };
	for (size_t i = 0; i < 2; i++) {
		const char *number = shown(svc, e, phones[i].field, red, path, roles, "tel", false);
		if (number != NULL) {
			char uri[300];
			snprintf(uri, sizeof(uri), "tel:%s", number);
			json_t *params = json_object();
			json_object_set_new(params, "type", json_string(phones[i].type));
			json_array_append_new(props, vcard_property("tel", params, "uri", json_string(uri)));
		}
	}
	/* The address: withheld parts are emptied, so the structure stays. */
	static const enum idreg_entity_field adr_fields[] = { IDREG_EF_STREET, IDREG_EF_LOCALITY,
							      IDREG_EF_REGION, IDREG_EF_POSTAL_CODE,
							      IDREG_EF_COUNTRY };
	bool any = false;
	json_t *adr = json_array();
	json_array_append_new(adr, json_string("")); /* post office box */
	json_array_append_new(adr, json_string("")); /* extended address */
	for (size_t i = 0; i < sizeof(adr_fields) / sizeof(adr_fields[0]); i++) {
		const char *part = shown(svc, e, adr_fields[i], red, path, roles, "adr", true);
		any |= e->fields[adr_fields[i]] != NULL;
		json_array_append_new(adr, json_string(part ? part : ""));
	}
	if (any) {
		json_array_append_new(props, vcard_property("adr", NULL, "text", adr));
	} else {
		json_decref(adr);
	}
	json_t *v = json_array();
	json_array_append_new(v, json_string("vcard"));
	json_array_append_new(v, props);
	return v;
}

static json_t *self_link(const struct idreg_service *svc, const char *request_url, const char *kind,
			 const char *name)
{
	char href[1024];
	snprintf(href, sizeof(href), "%s%s/%s", svc->base_url, kind, name);
	json_t *links = json_array();
	json_array_append_new(links, idreg__rdap_link(request_url ? request_url : href, "self", href,
						      "application/rdap+json"));
	return links;
}

static json_t *entity_object(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			     uint32_t id, uint32_t roles, const char *path, const char *request_url,
			     struct redactions *red)
{
	struct idreg_domindex_entity e;
	idreg_domindex_entity(&snap->names, id, &e);
	json_t *o = json_object();
	json_object_set_new(o, "objectClassName", json_string("entity"));
	json_object_set_new(o, "handle", json_string(e.entity.handle));
	if (roles != 0) {
		json_t *list = json_array();
		for (int r = 0; r < IDREG_ROLE_COUNT; r++) {
			if (roles & (1u << r)) {
				json_array_append_new(list, json_string(idreg_role_name((enum idreg_role)r)));
			}
		}
		json_object_set_new(o, "roles", list);
	}
	json_object_set_new(o, "vcardArray", vcard(svc, &e.entity, red, path, roles));
	json_object_set_new(o, "links", self_link(svc, request_url, "entity", e.entity.handle));
	return o;
}

static json_t *nameserver_object(const struct idreg_service *svc,
				 const struct idreg_snapshot *snap, uint32_t id,
				 const char *request_url, bool full)
{
	struct idreg_domindex_host h;
	idreg_domindex_host(&snap->names, id, &h);
	json_t *o = json_object();
	json_object_set_new(o, "objectClassName", json_string("nameserver"));
	if (h.handle != NULL) {
		json_object_set_new(o, "handle", json_string(h.handle));
	}
	json_object_set_new(o, "ldhName", json_string(h.ldh_name));
	if (strcmp(h.unicode_name, h.ldh_name) != 0) {
		json_object_set_new(o, "unicodeName", json_string(h.unicode_name));
	}
	if (full && h.n_addrs > 0) {
		json_t *v4 = json_array(), *v6 = json_array();
		for (uint32_t i = 0; i < h.n_addrs; i++) {
			char text[IDREG_IP_TEXT_MAX];
			idreg_ip_format(&h.addrs[i], text, sizeof(text));
			json_array_append_new(h.addrs[i].type == IDREG_RES_IPV4 ? v4 : v6, json_string(text));
		}
		json_t *ips = json_object();
		json_object_set_new(ips, "v4", v4);
		json_object_set_new(ips, "v6", v6);
		json_object_set_new(o, "ipAddresses", ips);
	}
	if (full) {
		json_t *events = json_array();
		idreg__rdap_add_event_time(events, "last changed", h.changed_at);
		json_array_append_new(events, idreg__rdap_event("last update of RDAP database",
								 snap->loaded_at));
		json_object_set_new(o, "events", events);
		json_object_set_new(o, "status", json_pack("[s]", "active"));
	}
	json_object_set_new(o, "links", self_link(svc, full ? request_url : NULL, "nameserver",
						  h.ldh_name));
	return o;
}

static json_t *domain_object(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			     uint32_t id, const char *request_url, const char *path_base,
			     struct redactions *red)
{
	struct idreg_domindex_domain d;
	idreg_domindex_domain(&snap->names, id, &d);
	json_t *o = json_object();
	json_object_set_new(o, "objectClassName", json_string("domain"));
	if (d.handle != NULL) {
		json_object_set_new(o, "handle", json_string(d.handle));
	}
	json_object_set_new(o, "ldhName", json_string(d.ldh_name));
	if (strcmp(d.unicode_name, d.ldh_name) != 0) {
		json_object_set_new(o, "unicodeName", json_string(d.unicode_name));
	}
	json_t *status = json_array();
	for (int s = 0; s < IDREG_DOMAIN_STATUS_COUNT; s++) {
		if (d.status & (1u << s)) {
			json_array_append_new(status, json_string(idreg_domain_status_rdap_name(
								 (enum idreg_domain_status)s)));
		}
	}
	json_object_set_new(o, "status", status);
	json_t *events = json_array();
	idreg__rdap_add_event_time(events, "registration", d.registered);
	idreg__rdap_add_event_time(events, "expiration", d.expires);
	idreg__rdap_add_event_time(events, "last changed", d.last_changed);
	json_array_append_new(events, idreg__rdap_event("last update of RDAP database", snap->loaded_at));
	json_object_set_new(o, "events", events);

	json_t *nameservers = json_array();
	for (uint32_t i = 0; i < d.n_ns && i < MAX_NAMESERVERS_SHOWN; i++) {
		json_array_append_new(nameservers,
				      nameserver_object(svc, snap, d.nameservers[i], NULL, false));
	}
	json_object_set_new(o, "nameservers", nameservers);

	json_t *secure = json_object();
	json_object_set_new(secure, "delegationSigned", json_boolean(d.n_ds > 0));
	if (d.n_ds > 0) {
		json_t *ds = json_array();
		for (uint32_t i = 0; i < d.n_ds; i++) {
			json_array_append_new(ds, json_pack("{s:i,s:i,s:i,s:s}", "keyTag", d.ds[i].key_tag,
							    "algorithm", d.ds[i].algorithm, "digestType",
							    d.ds[i].digest_type, "digest", d.ds[i].digest));
		}
		json_object_set_new(secure, "dsData", ds);
	}
	json_object_set_new(o, "secureDNS", secure);

	json_t *entities = json_array();
	for (uint32_t i = 0; i < d.n_contacts; i++) {
		char path[128];
		snprintf(path, sizeof(path), "%s.entities[%u]", path_base, i);
		json_array_append_new(entities, entity_object(svc, snap, d.contacts[i].entity,
							      d.contacts[i].roles, path, NULL, red));
	}
	json_object_set_new(o, "entities", entities);
	json_object_set_new(o, "links", self_link(svc, request_url, "domain", d.ldh_name));
	return o;
}

static json_t *search_results(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			      const struct idreg_answer *answer, struct redactions *red)
{
	const char *member;
	json_t *list = json_array();
	for (size_t i = 0; i < answer->n_results; i++) {
		char path[96];
		json_t *item;
		switch (answer->kind) {
		case IDREG_ANSWER_DOMAINS:
			snprintf(path, sizeof(path), "$.domainSearchResults[%zu]", i);
			item = domain_object(svc, snap, answer->results[i], NULL, path, red);
			break;
		case IDREG_ANSWER_NAMESERVERS:
			item = nameserver_object(svc, snap, answer->results[i], NULL, true);
			break;
		default:
			snprintf(path, sizeof(path), "$.entitySearchResults[%zu]", i);
			item = entity_object(svc, snap, answer->results[i], 0, path, NULL, red);
			break;
		}
		json_array_append_new(list, item);
	}
	member = answer->kind == IDREG_ANSWER_DOMAINS	    ? "domainSearchResults"
		 : answer->kind == IDREG_ANSWER_NAMESERVERS ? "nameserverSearchResults"
							    : "entitySearchResults";
	json_t *o = json_object();
	json_object_set_new(o, member, list);
	return o;
}

json_t *idreg__rdap_names(const struct idreg_service *svc, const struct idreg_snapshot *snap,
			  const struct idreg_answer *answer, const char *request_url,
			  bool *redacted)
{
	struct redactions red = { NULL };
	json_t *o;
	switch (answer->kind) {
	case IDREG_ANSWER_DOMAIN:
		o = domain_object(svc, snap, answer->object, request_url, "$", &red);
		break;
	case IDREG_ANSWER_NAMESERVER:
		o = nameserver_object(svc, snap, answer->object, request_url, true);
		break;
	case IDREG_ANSWER_ENTITY: {
		o = entity_object(svc, snap, answer->object, 0, "$", request_url, &red);
		json_t *events = json_array();
		struct idreg_domindex_entity e;
		idreg_domindex_entity(&snap->names, answer->object, &e);
		idreg__rdap_add_event_time(events, "last changed", e.changed_at);
		json_array_append_new(events, idreg__rdap_event("last update of RDAP database",
								 snap->loaded_at));
		json_object_set_new(o, "events", events);
		break;
	}
	default:
		o = search_results(svc, snap, answer, &red);
		break;
	}
	if (svc->port43[0] != '\0' && answer->kind >= IDREG_ANSWER_DOMAIN &&
	    answer->kind <= IDREG_ANSWER_ENTITY) {
		json_object_set_new(o, "port43", json_string(svc->port43));
	}
	*redacted = red.list != NULL;
	if (red.list != NULL) {
		json_object_set_new(o, "redacted", red.list);
	}
	return o;
}
