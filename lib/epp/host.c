/*
 * EPP host commands (RFC 5732).  See host.h: the body parser first, then
 * each command's work inside one store read or write, then the handler
 * that answers.
 */
#include "epp/host.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domains/domain.h"
#include "epp/object.h"
#include "epp/response.h"
#include "idn/idna2008.h"

/* eppcom:labelType: a host name has 1 to 255 characters. */
#define NAME_MAX_CHARS 255
/* Who sponsors and created what was imported rather than made over EPP. */
/* A host's history text at most (imported hosts may have many addresses). */
#define HISTORY_TEXT_MAX (64 * 1024)
/* The statuses RFC 5732 gives hosts, besides "linked" (which has no bit:
 * it is computed) and "ok" (which is the absence of the others). */
#define HOST_STATUSES                                                                      \
	(1u << IDREG_DS_CLIENT_DELETE_PROHIBITED | 1u << IDREG_DS_CLIENT_UPDATE_PROHIBITED |  \
	 1u << IDREG_DS_PENDING_CREATE | 1u << IDREG_DS_PENDING_DELETE |                      \
	 1u << IDREG_DS_PENDING_TRANSFER | 1u << IDREG_DS_PENDING_UPDATE |                    \
	 1u << IDREG_DS_SERVER_DELETE_PROHIBITED | 1u << IDREG_DS_SERVER_UPDATE_PROHIBITED)
#define CLIENT_STATUSES                                                                    \
	(1u << IDREG_DS_CLIENT_DELETE_PROHIBITED | 1u << IDREG_DS_CLIENT_UPDATE_PROHIBITED)
#define PENDING_STATUSES                                                                   \
	(1u << IDREG_DS_PENDING_CREATE | 1u << IDREG_DS_PENDING_DELETE |                      \
	 1u << IDREG_DS_PENDING_TRANSFER | 1u << IDREG_DS_PENDING_UPDATE)

void idreg_epp_host_roid(int64_t id, char *out, size_t size)
{
	snprintf(out, size, "H%lld-IDREG", (long long)id);
}

/* ---- reading the body ---- */

static bool is_host(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       strcmp((const char *)n->ns->href, idreg_epp_object_uri(IDREG_EPP_OBJ_HOST)) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

/* The next element child from @n on (text was checked blank by the parser). */
static const xmlNode *element(const xmlNode *n)
{
	while (n != NULL && n->type != XML_ELEMENT_NODE) {
		n = n->next;
	}
	return n;
}

/* A <host:name>: an LDH host name of at least two labels, A-labels valid,
 * lowered; a U-label is refused with the A-label it stands for. */
static enum idreg_epp_code host_name(const xmlNode *node, struct idreg_epp_host_name *out,
				     struct idreg_epp_result *res)
{
	char raw[IDREG_EPP_TOKEN_BYTES(NAME_MAX_CHARS)];
	if (idreg_epp_token(node, raw, sizeof(raw), 1, NAME_MAX_CHARS, res) != IDREG_EPP_OK) {
		return res->code;
	}
	size_t len = strlen(raw);
	bool ascii = true;
	for (size_t i = 0; i < len; i++) {
		ascii &= (unsigned char)raw[i] < 0x80;
	}
	struct idreg_idna2008_name forms;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_idna2008_check_name(raw, len, &forms, NULL, &diag);
	if (!ascii) {
		return err == IDREG_OK
			       ? idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
						"%.100s is a U-label form; RFC 5732 asks for the A-label form %.120s",
						raw, forms.ascii)
			       : idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "%.100s is not a host name: %.120s",
						raw, diag.text);
	}
	if (!idreg_uts46_is_ldh(raw, len)) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "%.100s is not a host name: labels of letters, digits and hyphens, "
				      "1 to 63 characters, not starting or ending with a hyphen",
				      raw);
	}
	if (err != IDREG_OK) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "%.100s is not a host name: %.120s", raw,
				      diag.text);
	}
	if (strchr(forms.ascii, '.') == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "%.100s is not a fully qualified host name (one label only)", raw);
	}
	snprintf(out->ascii, sizeof(out->ascii), "%s", forms.ascii);
	snprintf(out->unicode, sizeof(out->unicode), "%s", forms.unicode);
	return IDREG_EPP_OK;
}

/* Why no host may have @ip ("" when it may). */
static const char *address_refused(const struct idreg_ip *ip)
{
	idreg_u128 v = ip->value;
	if (ip->type == IDREG_RES_IPV4) {
		uint32_t a = (uint32_t)v;
		if (a >> 24 == 0) {
			return "an unspecified address (0.0.0.0/8)";
		}
		if (a >> 24 == 127) {
			return "a loopback address (127.0.0.0/8)";
		}
		if (a >> 28 == 0xE) {
			return "a multicast address (224.0.0.0/4)";
		}
		if (a >> 16 == 0xA9FE) {
			return "a link-local address (169.254.0.0/16)";
		}
		return "";
	}
	if (v == 0) {
		return "the unspecified address (::)";
	}
	if (v == 1) {
		return "the loopback address (::1)";
	}
	if ((unsigned)(v >> 120) == 0xFF) {
		return "a multicast address (ff00::/8)";
	}
	if ((unsigned)(v >> 118) == 0x3FA) {
		return "a link-local address (fe80::/10)";
	}
	return "";
}

static bool has_address(const struct idreg_ip *list, size_t n, const struct idreg_ip *ip)
{
	for (size_t i = 0; i < n; i++) {
		if (idreg_ip_order(&list[i], ip) == 0) {
			return true;
		}
	}
	return false;
}

/* A <host:addr ip="v4|v6"> (v4 when the attribute is absent), added to @list. */
static enum idreg_epp_code host_addr(const xmlNode *node, struct idreg_epp_host_addrs *list,
				     struct idreg_epp_result *res)
{
	char text[IDREG_EPP_TOKEN_BYTES(IDREG_IP_TEXT_MAX)];
	if (idreg_epp_token(node, text, sizeof(text), 2, IDREG_IP_TEXT_MAX - 1, res) !=
	    IDREG_EPP_OK) {
		return res->code;
	}
	char kind[8] = "v4";
	xmlChar *attr = xmlGetNoNsProp(node, (const xmlChar *)"ip");
	if (attr != NULL) {
		snprintf(kind, sizeof(kind), "%s", (const char *)attr);
		xmlFree(attr);
	}
	if (strcmp(kind, "v4") != 0 && strcmp(kind, "v6") != 0) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<host:addr ip=\"%s\">: ip is v4 or v6", kind);
	}
	enum idreg_restype want = kind[1] == '6' ? IDREG_RES_IPV6 : IDREG_RES_IPV4;
	struct idreg_ip ip;
	if (idreg_ip_parse(text, strlen(text), &ip) != IDREG_OK) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "%.64s is not an IP address", text);
	}
	if (ip.type != want) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "%.64s is not an IPv%c address (ip=\"v%c\")",
				      text, want == IDREG_RES_IPV4 ? '4' : '6', want == IDREG_RES_IPV4 ? '4' : '6');
	}
	const char *why = address_refused(&ip);
	if (why[0] != '\0') {
		return idreg_epp_fail(res, IDREG_EPP_POLICY, "%.64s is %s, which no nameserver may have", text,
				      why);
	}
	if (has_address(list->ip, list->n, &ip)) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY, "%.64s is given twice", text);
	}
	if (list->n == IDREG_EPP_HOST_ADDR_MAX) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY, "more than %d addresses", IDREG_EPP_HOST_ADDR_MAX);
	}
	list->ip[list->n++] = ip;
	return IDREG_EPP_OK;
}

/* A <host:status s="..."> of <host:add> or <host:rem>: one a client sets. */
static enum idreg_epp_code host_status(const xmlNode *node, uint32_t *bits,
				       struct idreg_epp_result *res)
{
	xmlChar *s = xmlGetNoNsProp(node, (const xmlChar *)"s");
	if (s == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<host:status> without its s attribute");
	}
	char name[40];
	snprintf(name, sizeof(name), "%s", (const char *)s);
	xmlFree(s);
	enum idreg_domain_status st;
	bool known = idreg_domain_status_parse(name, strlen(name), &st) && (HOST_STATUSES >> st & 1);
	if (strcmp(name, "linked") == 0 || strcmp(name, "ok") == 0) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY, "%s is set by the server, not by a client", name);
	}
	if (!known) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "%.32s is not a status of hosts (RFC 5732)",
				      name);
	}
	if (!(CLIENT_STATUSES >> st & 1)) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY, "%s is set by the registry, not by a client",
				      name);
	}
	if (*bits >> st & 1) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY, "%s is given twice", name);
	}
	*bits |= 1u << st;
	return IDREG_EPP_OK;
}

/* <host:add> or <host:rem>: addresses, then statuses. */
static enum idreg_epp_code add_or_rem(const xmlNode *node, struct idreg_epp_host_addrs *addrs,
				      uint32_t *status, struct idreg_epp_result *res)
{
	const xmlNode *n = element(node->children);
	for (; n != NULL && is_host(n, "addr"); n = element(n->next)) {
		if (host_addr(n, addrs, res) != IDREG_EPP_OK) {
			return res->code;
		}
	}
	for (; n != NULL && is_host(n, "status"); n = element(n->next)) {
		if (host_status(n, status, res) != IDREG_EPP_OK) {
			return res->code;
		}
	}
	if (n != NULL) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<host:%s> holds <%.32s>: addresses, then statuses",
				      (const char *)node->name, (const char *)n->name);
	}
	if (addrs->n == 0 && *status == 0) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<host:%s> is empty",
				      (const char *)node->name);
	}
	return IDREG_EPP_OK;
}

static enum idreg_epp_code parse_check(const xmlNode *body, struct idreg_epp_host_command *out,
				       struct idreg_epp_result *res)
{
	for (const xmlNode *n = element(body->children); n != NULL; n = element(n->next)) {
		if (!is_host(n, "name")) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<host:check> holds <%.32s>",
					      (const char *)n->name);
		}
		if (out->n_check == IDREG_EPP_CHECK_MAX) {
			return idreg_epp_fail(res, IDREG_EPP_POLICY, "at most %d names a check",
					      IDREG_EPP_CHECK_MAX);
		}
		struct idreg_epp_host_name name;
		if (host_name(n, &name, res) != IDREG_EPP_OK) {
			return res->code;
		}
		snprintf(out->check_names[out->n_check++], sizeof(out->check_names[0]), "%s",
			 name.ascii);
	}
	if (out->n_check == 0) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<host:check> names no <host:name>");
	}
	return IDREG_EPP_OK;
}

static enum idreg_epp_code parse_update(const xmlNode *n, struct idreg_epp_host_command *out,
					struct idreg_epp_result *res)
{
	if (n != NULL && is_host(n, "add")) {
		if (add_or_rem(n, &out->add_addrs, &out->add_status, res) != IDREG_EPP_OK) {
			return res->code;
		}
		n = element(n->next);
	}
	if (n != NULL && is_host(n, "rem")) {
		if (add_or_rem(n, &out->rem_addrs, &out->rem_status, res) != IDREG_EPP_OK) {
			return res->code;
		}
		n = element(n->next);
	}
	if (n != NULL && is_host(n, "chg")) {
		const xmlNode *name = element(n->children);
		if (name == NULL || !is_host(name, "name")) {
			return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<host:chg> without <host:name>");
		}
		if (element(name->next) != NULL) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<host:chg> holds only <host:name>");
		}
		if (host_name(name, &out->new_name, res) != IDREG_EPP_OK) {
			return res->code;
		}
		out->rename = true;
		n = element(n->next);
	}
	if (n != NULL) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX,
				      "<host:update> holds <%.32s>: <host:name>, then <host:add>, <host:rem>, "
				      "<host:chg> in that order",
				      (const char *)n->name);
	}
	if (out->add_addrs.n + out->rem_addrs.n == 0 && (out->add_status | out->rem_status) == 0 &&
	    !out->rename) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM,
				      "<host:update> names no change (<host:add>, <host:rem> or <host:chg>)");
	}
	for (size_t i = 0; i < out->add_addrs.n; i++) {
		if (has_address(out->rem_addrs.ip, out->rem_addrs.n, &out->add_addrs.ip[i])) {
			return idreg_epp_fail(res, IDREG_EPP_POLICY, "an address is both added and removed");
		}
	}
	if (out->add_status & out->rem_status) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY, "a status is both added and removed");
	}
	return IDREG_EPP_OK;
}

enum idreg_epp_code idreg_epp_host_parse(const struct idreg_epp_command *cmd,
					 struct idreg_epp_host_command *out,
					 struct idreg_epp_result *res)
{
	memset(out, 0, sizeof(*out));
	out->verb = cmd->verb;
	res->code = IDREG_EPP_OK;
	snprintf(res->msg, sizeof(res->msg), "%s", idreg_epp_code_message(IDREG_EPP_OK));
	const xmlNode *body = cmd->body;
	if (cmd->verb == IDREG_EPP_CHECK) {
		return parse_check(body, out, res);
	}
	const xmlNode *n = element(body->children);
	if (n == NULL || !is_host(n, "name")) {
		return idreg_epp_fail(res, n == NULL ? IDREG_EPP_MISSING_PARAM : IDREG_EPP_SYNTAX,
				      "<host:%s> begins with <host:name>", (const char *)body->name);
	}
	if (host_name(n, &out->name, res) != IDREG_EPP_OK) {
		return res->code;
	}
	n = element(n->next);
	switch (cmd->verb) {
	case IDREG_EPP_CREATE:
		for (; n != NULL && is_host(n, "addr"); n = element(n->next)) {
			if (host_addr(n, &out->addrs, res) != IDREG_EPP_OK) {
				return res->code;
			}
		}
		break;
	case IDREG_EPP_UPDATE:
		return parse_update(n, out, res);
	default:
		break;
	}
	if (n != NULL) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<host:%s> holds <%.32s>",
				      (const char *)body->name, (const char *)n->name);
	}
	return IDREG_EPP_OK;
}

/* ---- the host as the store holds it ---- */

#define CLID_BYTES IDREG_EPP_TOKEN_BYTES(IDREG_EPP_CLID_MAX)

/* A copy of a stored host that outlives the store's callback. */
struct host_copy {
	bool found;
	int64_t id;
	char ldh[IDREG_UTS46_ASCII_MAX], unicode[IDREG_UTS46_UNICODE_MAX];
	char handle[64];
	bool has_handle;
	char sponsor[CLID_BYTES];  /* "" the registry's */
	char creator[CLID_BYTES];  /* "" none */
	struct idreg_ip addrs[IDREG_EPP_HOST_ADDR_MAX];
	size_t n_addrs;
	bool too_many_addrs;       /* the store holds more than IDREG_EPP_HOST_ADDR_MAX */
	int64_t created, transferred;
	uint32_t status;
	uint64_t links;
	struct idreg_buf text;     /* its history text */
};

static idreg_err copy_host(void *ctx, const struct idreg_host_record *r)
{
	struct host_copy *c = ctx;
	c->found = true;
	c->id = r->id;
	snprintf(c->ldh, sizeof(c->ldh), "%s", r->host.ldh_name);
	snprintf(c->unicode, sizeof(c->unicode), "%s", r->host.unicode_name);
	c->has_handle = r->host.handle != NULL;
	snprintf(c->handle, sizeof(c->handle), "%s", c->has_handle ? r->host.handle : "");
	snprintf(c->sponsor, sizeof(c->sponsor), "%s", r->sponsor != NULL ? r->sponsor : "");
	snprintf(c->creator, sizeof(c->creator), "%s", r->creator != NULL ? r->creator : "");
	c->too_many_addrs = r->host.n_addrs > IDREG_EPP_HOST_ADDR_MAX;
	c->n_addrs = c->too_many_addrs ? 0 : r->host.n_addrs;
	if (c->n_addrs > 0) {
		memcpy(c->addrs, r->host.addrs, c->n_addrs * sizeof(c->addrs[0]));
	}
	c->created = r->created;
	c->transferred = r->transferred;
	c->status = r->status;
	c->links = r->links;
	return idreg_epp_host_text(r, &c->text);
}

/* Find @name: IDREG_OK with @c->found telling whether it exists. */
static idreg_err find_host(struct idreg_store *s, const char *name, struct host_copy *c,
			   struct idreg_diag *diag)
{
	c->found = false;
	idreg_buf_clear(&c->text);
	idreg_err err = s->ops->host_get(s, name, copy_host, c, diag);
	return err == IDREG_ENOTFOUND ? IDREG_OK : err;
}

idreg_err idreg_epp_host_text(const struct idreg_host_record *r, struct idreg_buf *out)
{
	idreg_err err = idreg_host_format(&r->host, out);
	if (err != IDREG_OK) {
		return err;
	}
	out->data[--out->len] = '\0'; /* reopen the object */
	err = idreg_buf_puts(out, ",\"sponsor\":");
	if (err == IDREG_OK) {
		err = r->sponsor != NULL ? idreg_json_string(out, r->sponsor) : idreg_buf_puts(out, "null");
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, ",\"status\":[");
	}
	bool first = true;
	for (unsigned b = 0; err == IDREG_OK && b < IDREG_DOMAIN_STATUS_COUNT; b++) {
		if (r->status >> b & 1) {
			err = idreg_buf_printf(out, "%s\"%s\"", first ? "" : ",",
					       idreg_domain_status_epp_name((enum idreg_domain_status)b));
			first = false;
		}
	}
	const struct {
		const char *key;
		int64_t t;
	} times[] = { { "created", r->created }, { "updated", r->updated },
		      { "transferred", r->transferred } };
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "]");
	}
	for (size_t i = 0; err == IDREG_OK && i < sizeof(times) / sizeof(times[0]); i++) {
		if (times[i].t != IDREG_TIME_NONE) {
			char text[IDREG_TIME_TEXT_MAX];
			idreg_time_format(times[i].t, text);
			err = idreg_buf_printf(out, ",\"%s\":\"%s\"", times[i].key, text);
		}
	}
	return err == IDREG_OK ? idreg_buf_puts(out, "}") : err;
}

/* ---- the commands' work in the store ---- */

/* What a command's store function is given and tells back. */
struct host_work {
	const struct idreg_epp_host_command *hc;
	const struct idreg_epp_txn *txn;
	struct idreg_epp_result res;   /* a refusal (the function returns IDREG_EREFUSED) */
	struct idreg_buf *resdata;     /* check and info write their answer here */
	struct host_copy host;
	struct idreg_buf after;        /* update: the history text after */
	int64_t id;
};

static const char *sponsor_words(const char *sponsor)
{
	return sponsor[0] != '\0' ? "another registrar" : "the registry";
}

/*
 * Whether @name may be a host of the registrar with @addrs addresses:
 * subordinate (under a domain held or a TLD served) with at least one, its
 * superordinate domain existing and the registrar's when @check_superior;
 * external without any.
 */
static idreg_err zone_rules(struct idreg_store *s, struct host_work *w, const char *name,
			    size_t n_addrs, bool check_superior, struct idreg_diag *diag)
{
	struct idreg_name_zone z;
	idreg_err err = s->ops->name_zone(s, name, &z, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (strcmp(z.tld, name) == 0) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "%s is a TLD this registry serves, not a host name",
					name);
	}
	bool subordinate = z.domain_id != 0 || z.tld[0] != '\0';
	if (!subordinate) {
		return n_addrs == 0
			       ? IDREG_OK
			       : idreg_epp_refuse(&w->res, IDREG_EPP_POLICY,
						  "%.100s is external (under no domain or TLD of this registry): "
						  "it takes no addresses",
						  name);
	}
	if (n_addrs == 0) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_MISSING_PARAM,
					"%.100s is subordinate to %.100s: it needs at least one <host:addr>", name,
					z.domain_id != 0 ? z.domain : z.tld);
	}
	if (!check_superior) {
		return IDREG_OK;
	}
	if (z.domain_id == 0) {
		/* Under the TLD: the domain would be the name's label just above it. */
		size_t tld_len = strlen(z.tld), len = strlen(name);
		const char *label = name + len - tld_len - 1;
		while (label > name && label[-1] != '.') {
			label--;
		}
		return idreg_epp_refuse(&w->res, IDREG_EPP_DOES_NOT_EXIST,
					"the superordinate domain %.100s of %.100s does not exist", label, name);
	}
	if (strcmp(z.domain_sponsor, w->txn->clid) != 0) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_AUTHORIZATION,
					"the superordinate domain %.100s of %.100s is sponsored by %s", z.domain,
					name, sponsor_words(z.domain_sponsor));
	}
	return IDREG_OK;
}

static idreg_err history(struct idreg_store *s, int64_t change_set, int64_t id,
			 enum idreg_change change, const char *before, const char *after,
			 struct idreg_diag *diag)
{
	struct idreg_history_entry e = { .change_set = change_set, .object_type = "host",
					 .first_id = id, .last_id = id, .change = change,
					 .before = before, .after = after };
	return s->ops->history_add(s, &e, diag);
}

static idreg_err check_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				struct idreg_diag *diag)
{
	(void)change_set;
	struct host_work *w = ctx;
	idreg_err err = idreg_buf_printf(w->resdata, "<host:chkData xmlns:host=\"%s\">",
					 idreg_epp_object_uri(IDREG_EPP_OBJ_HOST));
	for (size_t i = 0; err == IDREG_OK && i < w->hc->n_check; i++) {
		const char *name = w->hc->check_names[i];
		if ((err = find_host(s, name, &w->host, diag)) != IDREG_OK) {
			break;
		}
		err = idreg_buf_printf(w->resdata, "<host:cd><host:name avail=\"%d\">%s</host:name>%s</host:cd>",
				       !w->host.found, name,
				       w->host.found ? "<host:reason>In use</host:reason>" : "");
	}
	return err == IDREG_OK ? idreg_buf_puts(w->resdata, "</host:chkData>") : err;
}

static idreg_err put_element(struct idreg_buf *out, const char *element, const char *text)
{
	idreg_err err = idreg_buf_printf(out, "<host:%s>", element);
	if (err == IDREG_OK) {
		err = idreg_epp_escape(out, text);
	}
	return err == IDREG_OK ? idreg_buf_printf(out, "</host:%s>", element) : err;
}

static idreg_err put_time(struct idreg_buf *out, const char *element, int64_t t)
{
	char text[IDREG_TIME_TEXT_MAX];
	idreg_time_format(t, text);
	return put_element(out, element, text);
}

/* <host:infData> of the host read. */
static idreg_err write_info(void *ctx, const struct idreg_host_record *r)
{
	struct host_work *w = ctx;
	struct idreg_buf *out = w->resdata;
	char roid[32];
	idreg_epp_host_roid(r->id, roid, sizeof(roid));
	idreg_err err = idreg_buf_printf(out, "<host:infData xmlns:host=\"%s\">",
					 idreg_epp_object_uri(IDREG_EPP_OBJ_HOST));
	if (err == IDREG_OK) {
		err = put_element(out, "name", r->host.ldh_name);
	}
	if (err == IDREG_OK) {
		err = put_element(out, "roid", roid);
	}
	for (unsigned b = 0; err == IDREG_OK && b < IDREG_DOMAIN_STATUS_COUNT; b++) {
		if (r->status >> b & 1) {
			err = idreg_buf_printf(out, "<host:status s=\"%s\"/>",
					       idreg_domain_status_epp_name((enum idreg_domain_status)b));
		}
	}
	if (err == IDREG_OK && r->status == 0) {
		err = idreg_buf_puts(out, "<host:status s=\"ok\"/>");
	}
	if (err == IDREG_OK && r->links > 0) {
		err = idreg_buf_puts(out, "<host:status s=\"linked\"/>");
	}
	for (size_t i = 0; err == IDREG_OK && i < r->host.n_addrs; i++) {
		char text[IDREG_IP_TEXT_MAX];
		idreg_ip_format(&r->host.addrs[i], text, sizeof(text));
		err = idreg_buf_printf(out, "<host:addr ip=\"%s\">%s</host:addr>",
				       r->host.addrs[i].type == IDREG_RES_IPV6 ? "v6" : "v4", text);
	}
	int64_t created = r->created;
	if (created == IDREG_TIME_NONE &&
	    !idreg_time_parse(r->changed_at, strlen(r->changed_at), &created)) {
		return IDREG_ESTORE;
	}
	if (err == IDREG_OK) {
		err = put_element(out, "clID", r->sponsor != NULL ? r->sponsor : IDREG_EPP_REGISTRY_CLID);
	}
	if (err == IDREG_OK) {
		err = put_element(out, "crID", r->creator != NULL ? r->creator : IDREG_EPP_REGISTRY_CLID);
	}
	if (err == IDREG_OK) {
		err = put_time(out, "crDate", created);
	}
	if (err == IDREG_OK && r->updater != NULL) {
		err = put_element(out, "upID", r->updater);
	}
	if (err == IDREG_OK && r->updated != IDREG_TIME_NONE) {
		err = put_time(out, "upDate", r->updated);
	}
	if (err == IDREG_OK && r->transferred != IDREG_TIME_NONE) {
		err = put_time(out, "trDate", r->transferred);
	}
	return err == IDREG_OK ? idreg_buf_puts(out, "</host:infData>") : err;
}

static idreg_err info_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
			       struct idreg_diag *diag)
{
	(void)change_set;
	struct host_work *w = ctx;
	idreg_err err = s->ops->host_get(s, w->hc->name.ascii, write_info, w, diag);
	if (err == IDREG_ENOTFOUND) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_DOES_NOT_EXIST, "host %s does not exist", w->hc->name.ascii);
	}
	return err;
}

/* The host as it will be written, from @c and the request. */
static void record_of(const struct host_copy *c, struct idreg_host_record *r)
{
	*r = (struct idreg_host_record){
		.id = c->id,
		.host = { .ldh_name = c->ldh, .unicode_name = c->unicode,
			  .handle = c->has_handle ? c->handle : NULL,
			  .addrs = (struct idreg_ip *)c->addrs, .n_addrs = c->n_addrs },
		.sponsor = c->sponsor[0] != '\0' ? c->sponsor : NULL,
		.creator = c->creator[0] != '\0' ? c->creator : NULL,
		.created = c->created, .updated = IDREG_TIME_NONE, .transferred = c->transferred,
		.status = c->status,
	};
}

static idreg_err create_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				 struct idreg_diag *diag)
{
	struct host_work *w = ctx;
	const struct idreg_epp_host_command *hc = w->hc;
	idreg_err err = find_host(s, hc->name.ascii, &w->host, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (w->host.found) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_EXISTS, "host %s exists", hc->name.ascii);
	}
	if ((err = zone_rules(s, w, hc->name.ascii, hc->addrs.n, true, diag)) != IDREG_OK) {
		return err;
	}
	struct host_copy *c = &w->host;
	c->id = 0;
	snprintf(c->ldh, sizeof(c->ldh), "%s", hc->name.ascii);
	snprintf(c->unicode, sizeof(c->unicode), "%s", hc->name.unicode);
	snprintf(c->sponsor, sizeof(c->sponsor), "%s", w->txn->clid);
	snprintf(c->creator, sizeof(c->creator), "%s", w->txn->clid);
	memcpy(c->addrs, hc->addrs.ip, hc->addrs.n * sizeof(c->addrs[0]));
	c->n_addrs = hc->addrs.n;
	qsort(c->addrs, c->n_addrs, sizeof(c->addrs[0]), idreg_ip_order);
	c->created = w->txn->now;
	c->transferred = IDREG_TIME_NONE;
	c->status = 0;
	c->has_handle = false;
	struct idreg_host_record r;
	record_of(c, &r);
	if ((err = s->ops->host_put(s, &r, &w->id, diag)) != IDREG_OK) {
		return err;
	}
	/* Its handle (RDAP's) is its ROID, which needs the id. */
	c->id = w->id;
	idreg_epp_host_roid(w->id, c->handle, sizeof(c->handle));
	c->has_handle = true;
	record_of(c, &r);
	if ((err = s->ops->host_put(s, &r, &w->id, diag)) != IDREG_OK) {
		return err;
	}
	return history(s, change_set, w->id, IDREG_CHANGE_CREATE, NULL, NULL, diag);
}

/* The host named by the command, which the registrar must sponsor. */
static idreg_err sponsored_host(struct idreg_store *s, struct host_work *w,
				struct idreg_diag *diag)
{
	const char *name = w->hc->name.ascii;
	idreg_err err = find_host(s, name, &w->host, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (!w->host.found) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_DOES_NOT_EXIST, "host %s does not exist", name);
	}
	if (strcmp(w->host.sponsor, w->txn->clid) != 0) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_AUTHORIZATION, "host %s is sponsored by %s", name,
					sponsor_words(w->host.sponsor));
	}
	if (w->host.status & PENDING_STATUSES) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_STATUS_PROHIBITS, "host %s has a pending action", name);
	}
	return IDREG_OK;
}

/* The statuses of @bits by name, for a message. */
static const char *status_words(uint32_t bits, char *out, size_t size)
{
	size_t at = 0;
	out[0] = '\0';
	for (unsigned b = 0; b < IDREG_DOMAIN_STATUS_COUNT && at < size; b++) {
		if (bits >> b & 1) {
			at += (size_t)snprintf(out + at, size - at, "%s%s", at ? " and " : "",
					       idreg_domain_status_epp_name((enum idreg_domain_status)b));
		}
	}
	return out;
}

/* Apply <host:rem> then <host:add> addresses to @c. */
static idreg_err change_addresses(struct host_work *w, struct host_copy *c)
{
	const struct idreg_epp_host_command *hc = w->hc;
	char text[IDREG_IP_TEXT_MAX];
	for (size_t i = 0; i < hc->rem_addrs.n; i++) {
		const struct idreg_ip *ip = &hc->rem_addrs.ip[i];
		size_t k = 0;
		while (k < c->n_addrs && idreg_ip_order(&c->addrs[k], ip) != 0) {
			k++;
		}
		if (k == c->n_addrs) {
			idreg_ip_format(ip, text, sizeof(text));
			return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "host %s has no address %s", c->ldh, text);
		}
		c->addrs[k] = c->addrs[--c->n_addrs];
	}
	for (size_t i = 0; i < hc->add_addrs.n; i++) {
		const struct idreg_ip *ip = &hc->add_addrs.ip[i];
		idreg_ip_format(ip, text, sizeof(text));
		if (has_address(c->addrs, c->n_addrs, ip)) {
			return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "host %s already has the address %s", c->ldh,
						text);
		}
		if (c->n_addrs == IDREG_EPP_HOST_ADDR_MAX) {
			return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "a host has at most %d addresses",
						IDREG_EPP_HOST_ADDR_MAX);
		}
		c->addrs[c->n_addrs++] = *ip;
	}
	qsort(c->addrs, c->n_addrs, sizeof(c->addrs[0]), idreg_ip_order);
	return IDREG_OK;
}

static idreg_err update_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				 struct idreg_diag *diag)
{
	struct host_work *w = ctx;
	const struct idreg_epp_host_command *hc = w->hc;
	struct host_copy *c = &w->host;
	idreg_err err = sponsored_host(s, w, diag);
	if (err != IDREG_OK) {
		return err;
	}
	char words[128];
	uint32_t update_locks = 1u << IDREG_DS_SERVER_UPDATE_PROHIBITED;
	/* clientUpdateProhibited allows the update that removes it. */
	if (!(hc->rem_status >> IDREG_DS_CLIENT_UPDATE_PROHIBITED & 1)) {
		update_locks |= 1u << IDREG_DS_CLIENT_UPDATE_PROHIBITED;
	}
	if (c->status & update_locks) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_STATUS_PROHIBITS, "host %s has %s", c->ldh,
					status_words(c->status & update_locks, words, sizeof(words)));
	}
	if (c->too_many_addrs) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "host %s has more than %d addresses", c->ldh,
					IDREG_EPP_HOST_ADDR_MAX);
	}
	if ((hc->rem_status & c->status) != hc->rem_status) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "host %s does not have %s", c->ldh,
					status_words(hc->rem_status & ~c->status, words, sizeof(words)));
	}
	if (hc->add_status & c->status) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "host %s already has %s", c->ldh,
					status_words(hc->add_status & c->status, words, sizeof(words)));
	}
	c->status = (c->status & ~hc->rem_status) | hc->add_status;
	if ((err = change_addresses(w, c)) != IDREG_OK) {
		return err;
	}
	bool renamed = hc->rename && strcmp(hc->new_name.ascii, c->ldh) != 0;
	if (renamed) {
		struct host_copy *other = malloc(sizeof(*other));
		if (other == NULL) {
			return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
		}
		idreg_buf_init(&other->text, HISTORY_TEXT_MAX);
		err = find_host(s, hc->new_name.ascii, other, diag);
		bool taken = other->found;
		idreg_buf_free(&other->text);
		free(other);
		if (err != IDREG_OK) {
			return err;
		}
		if (taken) {
			return idreg_epp_refuse(&w->res, IDREG_EPP_EXISTS, "host %s exists", hc->new_name.ascii);
		}
		snprintf(c->ldh, sizeof(c->ldh), "%s", hc->new_name.ascii);
		snprintf(c->unicode, sizeof(c->unicode), "%s", hc->new_name.unicode);
	}
	if ((err = zone_rules(s, w, c->ldh, c->n_addrs, renamed, diag)) != IDREG_OK) {
		return err;
	}
	struct idreg_host_record r;
	record_of(c, &r);
	r.updater = w->txn->clid;
	r.updated = w->txn->now;
	if ((err = s->ops->host_put(s, &r, &w->id, diag)) != IDREG_OK) {
		return err;
	}
	if ((err = idreg_epp_host_text(&r, &w->after)) != IDREG_OK) {
		return idreg_diag_set(diag, err, "the history text of host %s is too large", c->ldh);
	}
	return history(s, change_set, c->id, IDREG_CHANGE_UPDATE, c->text.data, w->after.data,
		       diag);
}

static idreg_err delete_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				 struct idreg_diag *diag)
{
	struct host_work *w = ctx;
	struct host_copy *c = &w->host;
	idreg_err err = sponsored_host(s, w, diag);
	if (err != IDREG_OK) {
		return err;
	}
	uint32_t locks = c->status & (1u << IDREG_DS_CLIENT_DELETE_PROHIBITED |
				      1u << IDREG_DS_SERVER_DELETE_PROHIBITED);
	char words[128];
	if (locks != 0) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_STATUS_PROHIBITS, "host %s has %s", c->ldh,
					status_words(locks, words, sizeof(words)));
	}
	if (c->links > 0) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_ASSOCIATION_PROHIBITS, "host %s is linked to %llu domain%s",
					c->ldh, (unsigned long long)c->links, c->links == 1 ? "" : "s");
	}
	if ((err = s->ops->host_delete(s, c->id, diag)) != IDREG_OK) {
		return err;
	}
	return history(s, change_set, c->id, IDREG_CHANGE_DELETE, c->text.data, NULL, diag);
}

/* ---- the handler ---- */

void idreg_epp_host_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	struct idreg_epp_host_command *hc = malloc(sizeof(*hc));
	struct host_work *w = malloc(sizeof(*w));
	if (hc == NULL || w == NULL) {
		free(hc);
		free(w);
		idreg_epp_reply_set(rep, IDREG_EPP_FAILED, "out of memory; try again later");
		return;
	}
	memset(w, 0, sizeof(*w));
	w->hc = hc;
	w->txn = &req->txn;
	w->resdata = &rep->resdata;
	idreg_buf_init(&w->host.text, HISTORY_TEXT_MAX);
	idreg_buf_init(&w->after, HISTORY_TEXT_MAX);
	idreg_epp_store_fn fn = NULL;
	bool write = true;
	switch (req->cmd->verb) {
	case IDREG_EPP_CHECK: fn = check_in_store; write = false; break;
	case IDREG_EPP_INFO: fn = info_in_store; write = false; break;
	case IDREG_EPP_CREATE: fn = create_in_store; break;
	case IDREG_EPP_UPDATE: fn = update_in_store; break;
	case IDREG_EPP_DELETE: fn = delete_in_store; break;
	default: break;
	}
	if (fn == NULL) {
		idreg_epp_reply_set(rep, IDREG_EPP_UNIMPL_COMMAND, "hosts have no <%s> (RFC 5732)",
				    req->cmd->verb == IDREG_EPP_RENEW ? "renew" : "transfer");
	} else if (idreg_epp_host_parse(req->cmd, hc, &w->res) != IDREG_EPP_OK) {
		idreg_epp_reply_set(rep, w->res.code, "%s", w->res.msg);
	} else {
		struct idreg_diag diag = { "" };
		const struct idreg_epp_store_access *store = req->store;
		idreg_err err = write ? store->write(store->ctx, &req->txn, fn, w, &diag)
				      : store->read(store->ctx, fn, w, &diag);
		if (err == IDREG_EREFUSED) {
			idreg_buf_clear(&rep->resdata);
			idreg_epp_reply_set(rep, w->res.code, "%s", w->res.msg);
		} else if (err != IDREG_OK) {
			idreg_log_error("EPP host command %s of %s: %s", req->txn.svtrid, req->txn.clid,
					diag.text);
			idreg_buf_clear(&rep->resdata);
			idreg_epp_reply_set(rep, IDREG_EPP_FAILED,
					    "the command could not be carried out; try again later");
		} else if (req->cmd->verb == IDREG_EPP_CREATE) {
			char date[IDREG_TIME_TEXT_MAX];
			idreg_time_format(req->txn.now, date);
			idreg_buf_printf(&rep->resdata,
					 "<host:creData xmlns:host=\"%s\"><host:name>%s</host:name>"
					 "<host:crDate>%s</host:crDate></host:creData>",
					 idreg_epp_object_uri(IDREG_EPP_OBJ_HOST), hc->name.ascii, date);
			idreg_epp_reply_set(rep, IDREG_EPP_OK, "%s", idreg_epp_code_message(IDREG_EPP_OK));
		} else {
			idreg_epp_reply_set(rep, IDREG_EPP_OK, "%s", idreg_epp_code_message(IDREG_EPP_OK));
		}
	}
	idreg_buf_free(&w->host.text);
	idreg_buf_free(&w->after);
	free(hc);
	free(w);
}
