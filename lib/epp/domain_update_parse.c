/*
 * Reading <domain:update>, <domain:delete> and their secDNS-1.1 and rgp-1.0
 * extensions into plain structs (domain_update.h), with the checks that
 * need no registry.  DNSSEC numbers follow IANA's registries: algorithms
 * (RFC 8624 section 3.1 lists those that MUST NOT be used for signing,
 * refused here) and DS digest types with their digest lengths (SHA-1 20
 * bytes, SHA-256 32, SHA-384 48; GOST R 34.11-94 is a MUST NOT of RFC 8624
 * section 3.3).
 */
#include "epp/domain_update.h"

#include <stdio.h>
#include <string.h>

/* Elements a <domain:add>, <domain:rem> or <secDNS:*> may hold. */
#define MAX_ITEMS 48

static bool is_in(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->ns != NULL && strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static bool is_domain(const xmlNode *n, const char *name)
{
	return is_in(n, idreg_epp_object_uri(IDREG_EPP_OBJ_DOMAIN), name);
}

static bool is_secdns(const xmlNode *n, const char *name)
{
	return is_in(n, IDREG_EPP_SECDNS_NS, name);
}

/* An unsigned integer element (xs:unsignedShort, unsignedByte, int) up to @max. */
static enum idreg_epp_code uint_element(const xmlNode *n, unsigned long max, unsigned long *out,
					struct idreg_epp_result *res)
{
	char text[16];
	if (idreg_epp_token(n, text, sizeof(text), 1, sizeof(text) - 1, res) != IDREG_EPP_OK) {
		return res->code;
	}
	unsigned long v = 0;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9' || v > max) {
			return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
					      "<%s>%s</%s> is not a number from 0 to %lu",
					      (const char *)n->name, text, (const char *)n->name, max);
		}
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > max) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "<%s>%s</%s> is not a number from 0 to %lu",
				      (const char *)n->name, text, (const char *)n->name, max);
	}
	*out = v;
	return IDREG_EPP_OK;
}

/* A DNSSEC algorithm number (IANA "DNS Security Algorithm Numbers"). */
static enum idreg_epp_code check_algorithm(unsigned long alg, struct idreg_epp_result *res)
{
	switch (alg) {
	case 5: case 7: case 8: case 10: case 13: case 14: case 15: case 16: case 17: case 23:
	case 253: case 254:
		return IDREG_EPP_OK;
	case 1: case 3: case 6: case 12:
		return idreg_epp_fail(res, IDREG_EPP_POLICY,
				      "DNSSEC algorithm %lu must not be used for signing (RFC 8624)",
				      alg);
	default:
		return idreg_epp_fail(res, IDREG_EPP_PARAM_RANGE,
				      "%lu is not a DNSSEC zone-signing algorithm number", alg);
	}
}

/* A DS digest type's digest length in bytes; 0 when the type is refused. */
static enum idreg_epp_code check_digest(unsigned long type, const char *hex,
					struct idreg_epp_result *res)
{
	static const struct {
		unsigned long type;
		const char *name;
		size_t bytes;
	} types[] = { { 1, "SHA-1", 20 }, { 2, "SHA-256", 32 }, { 4, "SHA-384", 48 } };
	if (type == 3) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY,
				      "DS digest type 3 (GOST R 34.11-94) must not be used (RFC 8624)");
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (types[i].type == type) {
			size_t len = strlen(hex);
			if (len != 2 * types[i].bytes) {
				return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
						      "a %s digest (type %lu) has %zu bytes, not %zu",
						      types[i].name, type, types[i].bytes, len / 2);
			}
			return IDREG_EPP_OK;
		}
	}
	return idreg_epp_fail(res, IDREG_EPP_PARAM_RANGE, "%lu is not a DS digest type", type);
}

static enum idreg_epp_code no_key_data(struct idreg_epp_result *res)
{
	return idreg_epp_fail(res, IDREG_EPP_POLICY,
			      "the keyData interface is not offered: send <secDNS:dsData>");
}

/* <secDNS:dsData>: keyTag, alg, digestType, digest (no keyData). */
static enum idreg_epp_code parse_ds(const xmlNode *node, struct idreg_epp_ds *out,
				    struct idreg_epp_result *res)
{
	const xmlNode *kids[5];
	size_t count;
	if (idreg_epp_children(node, kids, 5, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (count == 5 && is_secdns(kids[4], "keyData")) {
		return no_key_data(res);
	}
	static const char *const names[] = { "keyTag", "alg", "digestType", "digest" };
	for (size_t i = 0; i < 4; i++) {
		if (i >= count) {
			return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM,
					      "<secDNS:dsData> without <secDNS:%s>", names[i]);
		}
		if (!is_secdns(kids[i], names[i])) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX,
					      "<secDNS:dsData> holds keyTag, alg, digestType, "
					      "digest in that order");
		}
	}
	if (count > 4) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<secDNS:dsData> holds <%.64s>",
				      (const char *)kids[4]->name);
	}
	unsigned long key_tag, alg, digest_type;
	if (uint_element(kids[0], 65535, &key_tag, res) != IDREG_EPP_OK ||
	    uint_element(kids[1], 255, &alg, res) != IDREG_EPP_OK ||
	    uint_element(kids[2], 255, &digest_type, res) != IDREG_EPP_OK) {
		return res->code;
	}
	char hex[IDREG_EPP_DIGEST_HEX_MAX + 2];
	if (idreg_epp_token(kids[3], hex, sizeof(hex), 1, sizeof(hex) - 1, res) != IDREG_EPP_OK) {
		return res->code;
	}
	for (char *p = hex; *p; p++) {
		if (*p >= 'a' && *p <= 'f') {
			*p = (char)(*p - 'a' + 'A');
		} else if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F'))) {
			return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
					      "<secDNS:digest> is not hexadecimal");
		}
	}
	if (strlen(hex) % 2 != 0) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "<secDNS:digest> has an odd number of hex digits");
	}
	if (check_algorithm(alg, res) != IDREG_EPP_OK ||
	    check_digest(digest_type, hex, res) != IDREG_EPP_OK) {
		return res->code;
	}
	out->key_tag = (uint16_t)key_tag;
	out->algorithm = (uint8_t)alg;
	out->digest_type = (uint8_t)digest_type;
	memcpy(out->digest, hex, strlen(hex) + 1); /* at most 96 digits: checked above */
	return IDREG_EPP_OK;
}

static enum idreg_epp_code no_max_sig_life(struct idreg_epp_result *res)
{
	return idreg_epp_fail(res, IDREG_EPP_UNIMPL_OPTION,
			      "<secDNS:maxSigLife> is not kept by this registry");
}

/* secDNS dsOrKeyType (create, add) or the dsData of remType: dsData elements. */
static enum idreg_epp_code parse_ds_list(const xmlNode *node, struct idreg_epp_ds_list *out,
					 struct idreg_epp_result *res)
{
	const xmlNode *kids[MAX_ITEMS];
	size_t count;
	if (idreg_epp_children(node, kids, MAX_ITEMS, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	out->n = 0;
	for (size_t i = 0; i < count; i++) {
		if (is_secdns(kids[i], "maxSigLife")) {
			return no_max_sig_life(res);
		}
		if (is_secdns(kids[i], "keyData")) {
			return no_key_data(res);
		}
		if (!is_secdns(kids[i], "dsData")) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<secDNS:%s> holds <%.64s>",
					      (const char *)node->name, (const char *)kids[i]->name);
		}
		if (out->n == IDREG_EPP_DS_MAX) {
			return idreg_epp_fail(res, IDREG_EPP_POLICY,
					      "at most %d DS records a domain", IDREG_EPP_DS_MAX);
		}
		struct idreg_epp_ds *ds = &out->ds[out->n];
		if (parse_ds(kids[i], ds, res) != IDREG_EPP_OK) {
			return res->code;
		}
		for (size_t k = 0; k < out->n; k++) {
			if (out->ds[k].key_tag == ds->key_tag && out->ds[k].algorithm == ds->algorithm &&
			    out->ds[k].digest_type == ds->digest_type &&
			    strcmp(out->ds[k].digest, ds->digest) == 0) {
				return idreg_epp_fail(res, IDREG_EPP_POLICY,
						      "the DS record %u %u %u is given twice",
						      ds->key_tag, ds->algorithm, ds->digest_type);
			}
		}
		out->n++;
	}
	if (out->n == 0) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<secDNS:%s> names no <secDNS:dsData>",
				      (const char *)node->name);
	}
	return IDREG_EPP_OK;
}

/* An xs:boolean attribute's value; @dflt when absent. */
static enum idreg_epp_code bool_text(const xmlNode *owner, const char *what, const char *text,
				     bool *out, struct idreg_epp_result *res)
{
	if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0) {
		*out = true;
	} else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0) {
		*out = false;
	} else {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<%s> %s is \"%.16s\", not a boolean",
				      (const char *)owner->name, what, text);
	}
	return IDREG_EPP_OK;
}

static enum idreg_epp_code parse_secdns_update(const xmlNode *node,
					       struct idreg_epp_secdns_update *out,
					       struct idreg_epp_result *res)
{
	const xmlAttr *urgent = xmlHasProp(node, (const xmlChar *)"urgent");
	if (urgent != NULL) {
		bool is_urgent = false;
		const char *v = urgent->children != NULL ? (const char *)urgent->children->content : "";
		if (bool_text(node, "urgent", v, &is_urgent, res) != IDREG_EPP_OK) {
			return res->code;
		}
		if (is_urgent) {
			return idreg_epp_fail(res, IDREG_EPP_UNIMPL_OPTION,
					      "urgent=\"true\" is not offered: every change is published "
					      "in the registry's usual time");
		}
	}
	const xmlNode *kids[4];
	size_t count, i = 0;
	if (idreg_epp_children(node, kids, 4, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	out->present = true;
	if (i < count && is_secdns(kids[i], "rem")) {
		const xmlNode *rem[MAX_ITEMS];
		size_t n;
		if (idreg_epp_children(kids[i], rem, MAX_ITEMS, &n, res) != IDREG_EPP_OK) {
			return res->code;
		}
		if (n == 1 && is_secdns(rem[0], "all")) {
			char text[8];
			if (idreg_epp_token(rem[0], text, sizeof(text), 1, 5, res) != IDREG_EPP_OK ||
			    bool_text(rem[0], "text", text, &out->rem_all, res) != IDREG_EPP_OK) {
				return res->code;
			}
			if (!out->rem_all) {
				return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM,
						      "<secDNS:all>false</secDNS:all> removes nothing");
			}
		} else if (parse_ds_list(kids[i], &out->rem, res) != IDREG_EPP_OK) {
			return res->code;
		}
		i++;
	}
	if (i < count && is_secdns(kids[i], "add")) {
		if (parse_ds_list(kids[i], &out->add, res) != IDREG_EPP_OK) {
			return res->code;
		}
		i++;
	}
	if (i < count && is_secdns(kids[i], "chg")) {
		const xmlNode *chg[1];
		size_t n;
		if (idreg_epp_children(kids[i], chg, 1, &n, res) != IDREG_EPP_OK) {
			return res->code;
		}
		if (n == 1 && is_secdns(chg[0], "maxSigLife")) {
			return no_max_sig_life(res);
		}
		if (n > 0) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<secDNS:chg> holds <%.64s>",
					      (const char *)chg[0]->name);
		}
		i++;
	}
	if (i < count) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX,
				      "<secDNS:update> holds rem, add, chg in that order, not <%.64s>",
				      (const char *)kids[i]->name);
	}
	if (!out->rem_all && out->rem.n == 0 && out->add.n == 0) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM,
				      "<secDNS:update> neither removes nor adds a DS record");
	}
	return IDREG_EPP_OK;
}

/* <rgp:update><rgp:restore op="request|report">[<rgp:report>]. */
static enum idreg_epp_code parse_rgp_update(const xmlNode *node, enum idreg_epp_restore_op *out,
					    struct idreg_epp_result *res)
{
	const xmlNode *kids[2];
	size_t count;
	if (idreg_epp_children(node, kids, 2, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (count != 1 || !is_in(kids[0], IDREG_EPP_RGP_NS, "restore")) {
		return idreg_epp_fail(res, count == 0 ? IDREG_EPP_MISSING_PARAM : IDREG_EPP_SYNTAX,
				      "<rgp:update> holds one <rgp:restore>");
	}
	const xmlNode *restore = kids[0];
	const xmlAttr *op = xmlHasProp(restore, (const xmlChar *)"op");
	const char *v = op != NULL && op->children != NULL ? (const char *)op->children->content : NULL;
	if (v == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<rgp:restore> without op");
	}
	const xmlNode *report[8];
	if (idreg_epp_children(restore, report, 1, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (strcmp(v, "request") == 0) {
		if (count != 0) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX,
					      "<rgp:restore op=\"request\"> holds no report");
		}
		*out = IDREG_EPP_RESTORE_REQUEST;
		return IDREG_EPP_OK;
	}
	if (strcmp(v, "report") != 0) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "<rgp:restore op=\"%.16s\">: op is request or report", v);
	}
	if (count != 1 || !is_in(report[0], IDREG_EPP_RGP_NS, "report")) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM,
				      "<rgp:restore op=\"report\"> without <rgp:report>");
	}
	/* RFC 3915 3.2.5: preData, postData, delTime, resTime, resReason,
	 * one or two statements, other. */
	const xmlNode *parts[8];
	if (idreg_epp_children(report[0], parts, 8, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	static const char *const required[] = { "preData", "postData", "delTime", "resTime",
						"resReason", "statement" };
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (i >= count || !is_in(parts[i], IDREG_EPP_RGP_NS, required[i])) {
			return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM,
					      "<rgp:report> needs <rgp:%s> in its place", required[i]);
		}
	}
	for (size_t i = 2; i < 4; i++) {
		char t[64];
		int64_t when;
		if (idreg_epp_token(parts[i], t, sizeof(t), 1, sizeof(t) - 1, res) != IDREG_EPP_OK) {
			return res->code;
		}
		if (!idreg_time_parse(t, strlen(t), &when)) {
			return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
					      "<rgp:%s> is not a UTC date and time", required[i]);
		}
	}
	size_t i = 6;
	if (i < count && is_in(parts[i], IDREG_EPP_RGP_NS, "statement")) {
		i++;
	}
	if (i < count && is_in(parts[i], IDREG_EPP_RGP_NS, "other")) {
		i++;
	}
	if (i < count) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<rgp:report> holds <%.64s> out of place",
				      (const char *)parts[i]->name);
	}
	*out = IDREG_EPP_RESTORE_REPORT;
	return IDREG_EPP_OK;
}

/* <domain:ns>: hostObj names (hostAttr is not offered). */
static enum idreg_epp_code parse_ns(const xmlNode *node, struct idreg_epp_domain_delta *out,
				    struct idreg_epp_result *res)
{
	size_t elements = 0;
	for (const xmlNode *n = node->children; n != NULL; n = n->next) {
		elements += n->type == XML_ELEMENT_NODE;
	}
	if (elements > IDREG_EPP_DOMAIN_NS_MAX) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY, "at most %d nameservers a domain",
				      IDREG_EPP_DOMAIN_NS_MAX);
	}
	const xmlNode *kids[IDREG_EPP_DOMAIN_NS_MAX];
	size_t count;
	if (idreg_epp_children(node, kids, IDREG_EPP_DOMAIN_NS_MAX, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	for (size_t i = 0; i < count; i++) {
		if (is_domain(kids[i], "hostAttr")) {
			return idreg_epp_fail(res, IDREG_EPP_UNIMPL_OPTION,
					      "<domain:hostAttr> is not offered: name host objects "
					      "with <domain:hostObj>");
		}
		if (!is_domain(kids[i], "hostObj")) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<domain:ns> holds <%.64s>",
					      (const char *)kids[i]->name);
		}
		if (idreg_epp_token(kids[i], out->ns[out->n_ns], sizeof(out->ns[0]), 1,
				    IDREG_EPP_NAME_MAX, res) != IDREG_EPP_OK) {
			return res->code;
		}
		out->n_ns++;
	}
	if (count == 0) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<domain:ns> names no host");
	}
	return IDREG_EPP_OK;
}

static enum idreg_epp_code parse_contact(const xmlNode *node, struct idreg_epp_contact_ref *out,
					 struct idreg_epp_result *res)
{
	const xmlAttr *type = xmlHasProp(node, (const xmlChar *)"type");
	const char *v = type != NULL && type->children != NULL
				? (const char *)type->children->content : NULL;
	if (v == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<domain:contact> without type");
	}
	if (strcmp(v, "admin") == 0) {
		out->role = IDREG_ROLE_ADMINISTRATIVE;
	} else if (strcmp(v, "tech") == 0) {
		out->role = IDREG_ROLE_TECHNICAL;
	} else if (strcmp(v, "billing") == 0) {
		out->role = IDREG_ROLE_BILLING;
	} else {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "<domain:contact type=\"%.16s\">: type is admin, tech or billing", v);
	}
	return idreg_epp_token(node, out->handle, sizeof(out->handle), IDREG_EPP_CLID_MIN,
			       IDREG_EPP_CLID_MAX, res);
}

/* <domain:add> or <domain:rem>: ns, contacts, statuses, in that order. */
static enum idreg_epp_code parse_delta(const xmlNode *node, struct idreg_epp_domain_delta *out,
				       struct idreg_epp_result *res)
{
	const xmlNode *kids[MAX_ITEMS];
	size_t count, i = 0;
	if (idreg_epp_children(node, kids, MAX_ITEMS, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (i < count && is_domain(kids[i], "ns")) {
		if (parse_ns(kids[i++], out, res) != IDREG_EPP_OK) {
			return res->code;
		}
	}
	for (; i < count && is_domain(kids[i], "contact"); i++) {
		if (out->n_contacts == IDREG_EPP_DOMAIN_CONTACTS_MAX) {
			return idreg_epp_fail(res, IDREG_EPP_POLICY, "at most %d contacts a command",
					      IDREG_EPP_DOMAIN_CONTACTS_MAX);
		}
		if (parse_contact(kids[i], &out->contacts[out->n_contacts++], res) != IDREG_EPP_OK) {
			return res->code;
		}
	}
	for (; i < count && is_domain(kids[i], "status"); i++) {
		const xmlAttr *s = xmlHasProp(kids[i], (const xmlChar *)"s");
		const char *v = s != NULL && s->children != NULL ? (const char *)s->children->content
								 : NULL;
		enum idreg_domain_status st;
		if (v == NULL) {
			return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<domain:status> without s");
		}
		/* RFC 5731's values only; the grace statuses are RFC 3915's rgpStatus. */
		if (!idreg_domain_status_parse(v, strlen(v), &st) || st >= IDREG_DS_ADD_PERIOD) {
			return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
					      "<domain:status s=\"%.32s\">: not a status of RFC 5731", v);
		}
		out->status |= 1u << st;
	}
	if (i < count) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX,
				      "<domain:%s> holds ns, contact, status in that order, not <%.64s>",
				      (const char *)node->name, (const char *)kids[i]->name);
	}
	return IDREG_EPP_OK;
}

/* <domain:chg>: registrant (empty removes it), authInfo (pw or null). */
static enum idreg_epp_code parse_chg(const xmlNode *node, struct idreg_epp_domain_update *out,
				     struct idreg_epp_result *res)
{
	const xmlNode *kids[3];
	size_t count, i = 0;
	if (idreg_epp_children(node, kids, 3, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (i < count && is_domain(kids[i], "registrant")) {
		out->chg_registrant = true;
		if (idreg_epp_token(kids[i++], out->registrant, sizeof(out->registrant), 0,
				    IDREG_EPP_CLID_MAX, res) != IDREG_EPP_OK) {
			return res->code;
		}
		size_t len = strlen(out->registrant);
		if (len > 0 && len < IDREG_EPP_CLID_MIN) {
			return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
					      "<domain:registrant> has %zu characters, not %d to %d",
					      len, IDREG_EPP_CLID_MIN, IDREG_EPP_CLID_MAX);
		}
	}
	if (i < count && is_domain(kids[i], "authInfo")) {
		const xmlNode *auth[2];
		size_t n;
		if (idreg_epp_children(kids[i++], auth, 2, &n, res) != IDREG_EPP_OK) {
			return res->code;
		}
		if (n != 1) {
			return idreg_epp_fail(res, n == 0 ? IDREG_EPP_MISSING_PARAM : IDREG_EPP_SYNTAX,
					      "<domain:authInfo> holds one of pw, ext, null");
		}
		out->chg_auth_info = true;
		if (is_domain(auth[0], "null")) {
			out->auth_info[0] = '\0';
		} else if (is_domain(auth[0], "ext")) {
			return idreg_epp_fail(res, IDREG_EPP_UNIMPL_OPTION,
					      "<domain:ext> authInfo is not offered: use <domain:pw>");
		} else if (!is_domain(auth[0], "pw")) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<domain:authInfo> holds <%.64s>",
					      (const char *)auth[0]->name);
		} else if (idreg_epp_token(auth[0], out->auth_info, sizeof(out->auth_info),
					   IDREG_EPP_DOMAIN_PW_MIN, IDREG_EPP_DOMAIN_PW_MAX, res) !=
			   IDREG_EPP_OK) {
			return res->code;
		}
	}
	if (i < count) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX,
				      "<domain:chg> holds registrant, authInfo in that order, not <%.64s>",
				      (const char *)kids[i]->name);
	}
	return IDREG_EPP_OK;
}

/* The <extension> of an update (@upd: secDNS:update, rgp:update) or of a
 * create (@create: secDNS:create; the other extensions of a create are its
 * own handler's). */
static enum idreg_epp_code parse_extensions(const xmlNode *extension, const char *command,
					    struct idreg_epp_domain_update *upd,
					    struct idreg_epp_ds_list *create,
					    struct idreg_epp_result *res)
{
	if (extension == NULL) {
		return IDREG_EPP_OK;
	}
	const xmlNode *kids[4];
	size_t count;
	if (idreg_epp_children(extension, kids, 4, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	bool seen_secdns = false, seen_rgp = false;
	for (size_t i = 0; i < count; i++) {
		const xmlNode *k = kids[i];
		enum idreg_epp_code code = IDREG_EPP_OK;
		if (upd != NULL && is_secdns(k, "update") && !seen_secdns) {
			code = parse_secdns_update(k, &upd->secdns, res);
			seen_secdns = true;
		} else if (upd != NULL && is_in(k, IDREG_EPP_RGP_NS, "update") && !seen_rgp) {
			code = parse_rgp_update(k, &upd->restore, res);
			seen_rgp = true;
		} else if (create != NULL && is_secdns(k, "create") && !seen_secdns) {
			code = parse_ds_list(k, create, res);
			seen_secdns = true;
		} else if (create == NULL || is_secdns(k, "update") || is_secdns(k, "create") ||
			   is_in(k, IDREG_EPP_RGP_NS, "update")) {
			code = idreg_epp_fail(res, IDREG_EPP_UNIMPL_EXTENSION,
					      "<%.32s> of %.96s does not apply to <domain:%s> here",
					      (const char *)k->name,
					      k->ns != NULL ? (const char *)k->ns->href : "no namespace",
					      command);
		}
		if (code != IDREG_EPP_OK) {
			return code;
		}
	}
	return IDREG_EPP_OK;
}

static bool delta_empty(const struct idreg_epp_domain_delta *d)
{
	return d->n_ns == 0 && d->n_contacts == 0 && d->status == 0;
}

enum idreg_epp_code idreg_epp_domain_update_parse(const struct idreg_epp_command *cmd,
						  struct idreg_epp_domain_update *out,
						  struct idreg_epp_result *res)
{
	memset(out, 0, sizeof(*out));
	const xmlNode *kids[5];
	size_t count, i = 0;
	if (idreg_epp_children(cmd->body, kids, 5, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (count == 0 || !is_domain(kids[0], "name")) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM,
				      "<domain:update> begins with <domain:name>");
	}
	if (idreg_epp_token(kids[i++], out->name, sizeof(out->name), 1, IDREG_EPP_NAME_MAX, res) !=
	    IDREG_EPP_OK) {
		return res->code;
	}
	if (i < count && is_domain(kids[i], "add") && parse_delta(kids[i++], &out->add, res) !=
							       IDREG_EPP_OK) {
		return res->code;
	}
	if (i < count && is_domain(kids[i], "rem") && parse_delta(kids[i++], &out->rem, res) !=
							       IDREG_EPP_OK) {
		return res->code;
	}
	if (i < count && is_domain(kids[i], "chg") && parse_chg(kids[i++], out, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (i < count) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX,
				      "<domain:update> holds name, add, rem, chg in that order, not <%.64s>",
				      (const char *)kids[i]->name);
	}
	if (parse_extensions(cmd->extension, "update", out, NULL, res) != IDREG_EPP_OK) {
		return res->code;
	}
	bool changes = !delta_empty(&out->add) || !delta_empty(&out->rem) || out->chg_registrant ||
		       out->chg_auth_info || out->secdns.present;
	if (out->restore != IDREG_EPP_RESTORE_NONE && changes) {
		return idreg_epp_fail(res, IDREG_EPP_POLICY,
				      "a restore changes nothing else: send other changes apart");
	}
	if (!changes && out->restore == IDREG_EPP_RESTORE_NONE) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<domain:update> changes nothing");
	}
	res->code = IDREG_EPP_OK;
	snprintf(res->msg, sizeof(res->msg), "%s", idreg_epp_code_message(IDREG_EPP_OK));
	return IDREG_EPP_OK;
}

enum idreg_epp_code idreg_epp_domain_delete_parse(const struct idreg_epp_command *cmd,
						  idreg_epp_name name, struct idreg_epp_result *res)
{
	const xmlNode *kids[2];
	size_t count;
	if (idreg_epp_children(cmd->body, kids, 2, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (count != 1 || !is_domain(kids[0], "name")) {
		return idreg_epp_fail(res, count == 0 ? IDREG_EPP_MISSING_PARAM : IDREG_EPP_SYNTAX,
				      "<domain:delete> holds one <domain:name>");
	}
	if (idreg_epp_token(kids[0], name, sizeof(idreg_epp_name), 1, IDREG_EPP_NAME_MAX, res) !=
	    IDREG_EPP_OK) {
		return res->code;
	}
	if (parse_extensions(cmd->extension, "delete", NULL, NULL, res) != IDREG_EPP_OK) {
		return res->code;
	}
	res->code = IDREG_EPP_OK;
	snprintf(res->msg, sizeof(res->msg), "%s", idreg_epp_code_message(IDREG_EPP_OK));
	return IDREG_EPP_OK;
}

enum idreg_epp_code idreg_epp_secdns_create_parse(const xmlNode *extension,
						  struct idreg_epp_ds_list *out,
						  struct idreg_epp_result *res)
{
	out->n = 0;
	res->code = IDREG_EPP_OK;
	snprintf(res->msg, sizeof(res->msg), "%s", idreg_epp_code_message(IDREG_EPP_OK));
	return parse_extensions(extension, "create", NULL, out, res);
}
