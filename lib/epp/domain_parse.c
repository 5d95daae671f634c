/*
 * Readers of the EPP domain command bodies (RFC 5731) and of the idn-1.0
 * extension into plain structs: element order and counts as the schemas
 * say, every value a bounded token.  See domain.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "epp/domain.h"
#include "epp/domain_update.h"

#define IDN_NS "urn:ietf:params:xml:ns:idn-1.0"

static const char *ns_of(const xmlNode *n)
{
	return n->ns != NULL ? (const char *)n->ns->href : "";
}

/* The next element from @n on (NULL: none); the parser's walk checked text blank. */
static const xmlNode *next_element(const xmlNode *n)
{
	while (n != NULL && n->type != XML_ELEMENT_NODE) {
		n = n->next;
	}
	return n;
}

/* Is @n the element @name of the domain namespace? */
static bool is_domain(const xmlNode *n, const char *name)
{
	return n != NULL && strcmp(ns_of(n), idreg_epp_object_uri(IDREG_EPP_OBJ_DOMAIN)) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

/* A domain element's text as a name token. */
static enum idreg_epp_code name_token(const xmlNode *n, char *out, size_t size,
				      struct idreg_epp_result *res)
{
	return idreg_epp_token(n, out, size, 1, IDREG_EPP_NAME_MAX, res);
}

/* The first child, which must be <domain:name>. */
static enum idreg_epp_code first_name(const struct idreg_epp_command *cmd, const char *verb,
				      idreg_epp_name out, const xmlNode **after,
				      struct idreg_epp_result *res)
{
	const xmlNode *n = next_element(cmd->body->children);
	if (!is_domain(n, "name")) {
		return idreg_epp_fail(res, n ? IDREG_EPP_SYNTAX : IDREG_EPP_MISSING_PARAM,
				      "<domain:%s> must begin with <domain:name>", verb);
	}
	*after = next_element(n->next);
	return name_token(n, out, sizeof(idreg_epp_name), res);
}

enum idreg_epp_code idreg_epp_domain_parse_period(const xmlNode *n, struct idreg_epp_period *out,
						  struct idreg_epp_result *res)
{
	char text[8];
	if (idreg_epp_token(n, text, sizeof(text), 1, 2, res) != IDREG_EPP_OK) {
		return res->code;
	}
	int count = 0;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9') {
			return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<domain:period> \"%s\" is no number",
					      text);
		}
		count = count * 10 + (*p - '0');
	}
	if (count < 1 || count > IDREG_EPP_PERIOD_MAX) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<domain:period> is %d, not 1 to %d", count,
				      IDREG_EPP_PERIOD_MAX);
	}
	xmlChar *unit = xmlGetProp(n, (const xmlChar *)"unit");
	bool ok = unit != NULL && (strcmp((const char *)unit, "y") == 0 ||
				   strcmp((const char *)unit, "m") == 0);
	out->unit = ok ? (char)unit[0] : 0;
	xmlFree(unit);
	if (!ok) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<domain:period unit> must be \"y\" or \"m\"");
	}
	out->count = count;
	return IDREG_EPP_OK;
}

/* <domain:ns>: hostObj names (hostAttr is not offered). */
static enum idreg_epp_code read_ns(const xmlNode *ns, struct idreg_epp_domain_create *out,
				   struct idreg_epp_result *res)
{
	for (const xmlNode *n = next_element(ns->children); n != NULL; n = next_element(n->next)) {
		if (is_domain(n, "hostAttr")) {
			return idreg_epp_fail(res, IDREG_EPP_UNIMPL_OPTION,
					      "<domain:hostAttr> is not offered: create the host, then name "
					      "it with <domain:hostObj>");
		}
		if (!is_domain(n, "hostObj")) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<domain:ns> holds <%.64s>",
					      (const char *)n->name);
		}
		if (out->n_ns == IDREG_EPP_DOMAIN_NS_MAX) {
			return idreg_epp_fail(res, IDREG_EPP_POLICY, "at most %d nameservers a domain",
					      IDREG_EPP_DOMAIN_NS_MAX);
		}
		if (name_token(n, out->ns[out->n_ns], sizeof(out->ns[0]), res) != IDREG_EPP_OK) {
			return res->code;
		}
		for (size_t i = 0; i < out->n_ns; i++) {
			if (strcmp(out->ns[i], out->ns[out->n_ns]) == 0) {
				return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "nameserver %.255s is given twice",
						      out->ns[i]);
			}
		}
		out->n_ns++;
	}
	if (out->n_ns == 0) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<domain:ns> names no host");
	}
	return IDREG_EPP_OK;
}

/* <domain:contact type="admin|billing|tech">ID</domain:contact>. */
static enum idreg_epp_code read_contact(const xmlNode *n, struct idreg_epp_contact_ref *out,
					struct idreg_epp_result *res)
{
	static const struct {
		const char *type;
		enum idreg_role role;
	} types[] = { { "admin", IDREG_ROLE_ADMINISTRATIVE },
		      { "billing", IDREG_ROLE_BILLING },
		      { "tech", IDREG_ROLE_TECHNICAL } };
	xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
	size_t t = 0;
	while (type != NULL && t < sizeof(types) / sizeof(types[0]) &&
	       strcmp((const char *)type, types[t].type) != 0) {
		t++;
	}
	xmlFree(type);
	if (type == NULL || t == sizeof(types) / sizeof(types[0])) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "<domain:contact type> must be admin, billing or tech");
	}
	out->role = types[t].role;
	return idreg_epp_token(n, out->handle, sizeof(out->handle), IDREG_EPP_CLID_MIN,
			       IDREG_EPP_CLID_MAX, res);
}

/* <domain:authInfo><domain:pw>..</domain:pw></domain:authInfo>. */
static enum idreg_epp_code read_auth_info(const xmlNode *auth, char *pw, size_t size,
					  struct idreg_epp_result *res)
{
	const xmlNode *n = next_element(auth->children);
	if (is_domain(n, "ext")) {
		return idreg_epp_fail(res, IDREG_EPP_UNIMPL_OPTION,
				      "<domain:ext> authorization is not offered: use <domain:pw>");
	}
	if (!is_domain(n, "pw") || next_element(n->next) != NULL) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<domain:authInfo> holds one <domain:pw>");
	}
	return idreg_epp_token(n, pw, size, IDREG_EPP_DOMAIN_PW_MIN, IDREG_EPP_DOMAIN_PW_MAX, res);
}

/* The idn-1.0 extension of a create: <idn:data><idn:table/><idn:uname/>?</idn:data>. */
static enum idreg_epp_code read_idn(const struct idreg_epp_command *cmd,
				    struct idreg_epp_domain_create *out,
				    struct idreg_epp_result *res)
{
	if (cmd->extension == NULL) {
		return IDREG_EPP_OK;
	}
	for (const xmlNode *e = next_element(cmd->extension->children); e != NULL;
	     e = next_element(e->next)) {
		if (strcmp(ns_of(e), IDREG_EPP_SECDNS_NS) == 0) {
			continue; /* secDNS-1.1: idreg_epp_secdns_create_parse */
		}
		if (strcmp(ns_of(e), IDN_NS) != 0 || strcmp((const char *)e->name, "data") != 0) {
			return idreg_epp_fail(res, IDREG_EPP_UNIMPL_EXTENSION,
					      "<domain:create> takes no <%.64s> extension (%.128s)",
					      (const char *)e->name, ns_of(e));
		}
		if (out->idn_table[0] != '\0') {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<idn:data> is given twice");
		}
		const xmlNode *t = next_element(e->children);
		if (t == NULL || strcmp(ns_of(t), IDN_NS) != 0 ||
		    strcmp((const char *)t->name, "table") != 0) {
			return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<idn:data> must begin with <idn:table>");
		}
		if (idreg_epp_token(t, out->idn_table, sizeof(out->idn_table), 1,
				    IDREG_EPP_IDN_TABLE_MAX, res) != IDREG_EPP_OK) {
			return res->code;
		}
		const xmlNode *u = next_element(t->next);
		if (u != NULL) {
			if (strcmp(ns_of(u), IDN_NS) != 0 || strcmp((const char *)u->name, "uname") != 0 ||
			    next_element(u->next) != NULL) {
				return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<idn:data> holds <idn:table> and "
						      "<idn:uname>");
			}
			if (name_token(u, out->idn_uname, sizeof(out->idn_uname), res) != IDREG_EPP_OK) {
				return res->code;
			}
		}
	}
	return IDREG_EPP_OK;
}

enum idreg_epp_code idreg_epp_domain_parse_create(const struct idreg_epp_command *cmd,
						  struct idreg_epp_domain_create *out,
						  struct idreg_epp_result *res)
{
	memset(out, 0, sizeof(*out));
	const xmlNode *n = NULL;
	if (first_name(cmd, "create", out->name, &n, res) != IDREG_EPP_OK) {
		return res->code;
	}
	/* The schema's order: period?, ns?, registrant?, contact*, authInfo. */
	static const char *const order[] = { "period", "ns", "registrant", "contact", "authInfo" };
	size_t at = 0;
	bool has_auth = false;
	for (; n != NULL; n = next_element(n->next)) {
		size_t k = 0;
		while (k < 5 && !is_domain(n, order[k])) {
			k++;
		}
		if (k == 5 || k < at) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<domain:%.64s> out of place in <domain:create>",
					      (const char *)n->name);
		}
		at = k == 3 ? 3 : k + 1; /* contacts repeat */
		enum idreg_epp_code code = IDREG_EPP_OK;
		switch (k) {
		case 0: code = idreg_epp_domain_parse_period(n, &out->period, res); break;
		case 1: code = read_ns(n, out, res); break;
		case 2:
			code = idreg_epp_token(n, out->registrant, sizeof(out->registrant),
					       IDREG_EPP_CLID_MIN, IDREG_EPP_CLID_MAX, res);
			break;
		case 3:
			if (out->n_contacts == IDREG_EPP_DOMAIN_CONTACTS_MAX) {
				return idreg_epp_fail(res, IDREG_EPP_POLICY, "at most %d contacts a domain",
						      IDREG_EPP_DOMAIN_CONTACTS_MAX);
			}
			code = read_contact(n, &out->contacts[out->n_contacts++], res);
			break;
		default:
			code = read_auth_info(n, out->pw, sizeof(out->pw), res);
			has_auth = true;
			break;
		}
		if (code != IDREG_EPP_OK) {
			return code;
		}
	}
	if (out->registrant[0] == '\0') {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<domain:registrant> is required here");
	}
	if (!has_auth) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<domain:authInfo> is required");
	}
	return read_idn(cmd, out, res);
}

enum idreg_epp_code idreg_epp_domain_parse_info(const struct idreg_epp_command *cmd,
						struct idreg_epp_domain_info *out,
						struct idreg_epp_result *res)
{
	memset(out, 0, sizeof(*out));
	const xmlNode *name = next_element(cmd->body->children);
	const xmlNode *n = NULL;
	if (first_name(cmd, "info", out->name, &n, res) != IDREG_EPP_OK) {
		return res->code;
	}
	static const char *const hosts[] = { "all", "del", "sub", "none" };
	xmlChar *attr = xmlGetProp(name, (const xmlChar *)"hosts");
	size_t h = 0;
	while (attr != NULL && h < 4 && strcmp((const char *)attr, hosts[h]) != 0) {
		h++;
	}
	xmlFree(attr);
	if (h == 4) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "<domain:name hosts> must be all, del, sub or none");
	}
	out->hosts = attr == NULL ? IDREG_EPP_HOSTS_ALL : (enum idreg_epp_hosts)h;
	if (n != NULL) {
		if (!is_domain(n, "authInfo") || next_element(n->next) != NULL) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<domain:info> holds <domain:name> and "
					      "<domain:authInfo>");
		}
		if (read_auth_info(n, out->pw, sizeof(out->pw), res) != IDREG_EPP_OK) {
			return res->code;
		}
		out->has_pw = true;
	}
	return IDREG_EPP_OK;
}

enum idreg_epp_code idreg_epp_domain_parse_renew(const struct idreg_epp_command *cmd,
						 struct idreg_epp_domain_renew *out,
						 struct idreg_epp_result *res)
{
	memset(out, 0, sizeof(*out));
	const xmlNode *n = NULL;
	if (first_name(cmd, "renew", out->name, &n, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (!is_domain(n, "curExpDate")) {
		return idreg_epp_fail(res, n ? IDREG_EPP_SYNTAX : IDREG_EPP_MISSING_PARAM,
				      "<domain:renew> needs <domain:curExpDate> after <domain:name>");
	}
	char date[16], stamp[32];
	if (idreg_epp_token(n, date, sizeof(date), 10, 10, res) != IDREG_EPP_OK) {
		return res->code;
	}
	snprintf(stamp, sizeof(stamp), "%sT00:00:00Z", date);
	if (date[4] != '-' || date[7] != '-' ||
	    !idreg_time_parse(stamp, strlen(stamp), &out->cur_exp_date)) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<domain:curExpDate> \"%s\" is no date "
				      "YYYY-MM-DD", date);
	}
	n = next_element(n->next);
	if (is_domain(n, "period")) {
		if (idreg_epp_domain_parse_period(n, &out->period, res) != IDREG_EPP_OK) {
			return res->code;
		}
		n = next_element(n->next);
	}
	if (n != NULL) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<domain:%.64s> out of place in <domain:renew>",
				      (const char *)n->name);
	}
	return IDREG_EPP_OK;
}
