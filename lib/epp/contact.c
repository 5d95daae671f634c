/*
 * EPP contact commands (RFC 5733).  See contact.h for the values read, and
 * docs/epp.md ("Contacts") for how a contact is kept: the entity's fields
 * hold the localized postal form when there is one (else the
 * internationalized one), the internationalized form is also kept whole as
 * JSON, and the disclosure preferences decide which fields are personal
 * data for RDAP and WHOIS redaction (lib/query/privacy.c).
 */
#include "epp/contact.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/log.h"
#include "domains/domain.h"
#include "epp/object.h"
#include "epp/response.h"
#include "epp/transfer.h"
#include "idn/email.h"

#define IDREG__EPP_CONTACT_STATUS_NAME(name, text) text,
static const char *const status_names[] = {
	IDREG_EPP_CONTACT_STATUS_LIST(IDREG__EPP_CONTACT_STATUS_NAME)
};
#undef IDREG__EPP_CONTACT_STATUS_NAME

#define BIT(status) (1u << IDREG_EPP_CS_##status)
/* Statuses a sponsor may add and remove. */
#define CLIENT_SETTABLE (BIT(CLIENT_DELETE_PROHIBITED) | BIT(CLIENT_TRANSFER_PROHIBITED) | \
			 BIT(CLIENT_UPDATE_PROHIBITED))
#define SERVER_LOCKS (BIT(SERVER_DELETE_PROHIBITED) | BIT(SERVER_TRANSFER_PROHIBITED) | \
		      BIT(SERVER_UPDATE_PROHIBITED))
#define PENDING (BIT(PENDING_CREATE) | BIT(PENDING_DELETE) | BIT(PENDING_TRANSFER) | \
		 BIT(PENDING_UPDATE))
/* Statuses kept in the store: all but ok and linked, which follow from the others. */
#define STORED (CLIENT_SETTABLE | SERVER_LOCKS | PENDING)

/* The address fields, which RFC 5733's <contact:addr> discloses together. */
#define ADDR_FIELDS ((1u << IDREG_EF_STREET) | (1u << IDREG_EF_LOCALITY) | \
		     (1u << IDREG_EF_REGION) | (1u << IDREG_EF_POSTAL_CODE) | \
		     (1u << IDREG_EF_COUNTRY))
#define ALL_FIELDS ((1u << IDREG_ENTITY_FIELD_COUNT) - 1)
/* The elements of <contact:disclose>, the entity fields each stands for, and
 * whether it names a postal form (type="int" or "loc"). */
static const struct {
	const char *element;
	uint32_t fields;
	bool typed;
} disclose_parts[] = {
	{ "name", 1u << IDREG_EF_FN, true },  { "org", 1u << IDREG_EF_ORG, true },
	{ "addr", ADDR_FIELDS, true },        { "voice", 1u << IDREG_EF_VOICE, false },
	{ "fax", 1u << IDREG_EF_FAX, false }, { "email", 1u << IDREG_EF_EMAIL, false },
};
#define DISCLOSE_PARTS (sizeof(disclose_parts) / sizeof(disclose_parts[0]))

/* The server's disclosure policy: every field is personal data but the
 * organization's name, unless the contact says otherwise. */
#define DEFAULT_WITHHELD (ALL_FIELDS & ~(1u << IDREG_EF_ORG))

const char *idreg_epp_contact_status_name(enum idreg_epp_contact_status status)
{
	return status < IDREG_EPP_CONTACT_STATUS_COUNT ? status_names[status] : "";
}

bool idreg_epp_contact_status_parse(const char *s, size_t len, enum idreg_epp_contact_status *out)
{
	for (unsigned i = 0; i < IDREG_EPP_CONTACT_STATUS_COUNT; i++) {
		if (strlen(status_names[i]) == len && memcmp(status_names[i], s, len) == 0) {
			*out = (enum idreg_epp_contact_status)i;
			return true;
		}
	}
	return false;
}

/* ---- reading the body ---- */

static const char *contact_ns(void)
{
	return idreg_epp_object_uri(IDREG_EPP_OBJ_CONTACT);
}

static const xmlNode *next_element(const xmlNode *n)
{
	while (n != NULL && n->type != XML_ELEMENT_NODE) {
		n = n->next;
	}
	return n;
}

/* An element's children read in order, as RFC 5733's sequences have them. */
struct seq {
	const xmlNode *cur;
	const char *parent;
};

static enum idreg_epp_code seq_begin(struct seq *q, const xmlNode *parent,
				     struct idreg_epp_result *res)
{
	q->cur = next_element(parent->children);
	q->parent = (const char *)parent->name;
	for (const xmlNode *n = parent->children; n != NULL; n = n->next) {
		bool text = n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
		if (n->type == XML_ENTITY_REF_NODE ||
		    (text && n->content[strspn((const char *)n->content, " \t\r\n")] != '\0')) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "unexpected text in <contact:%s>",
					      (const char *)parent->name);
		}
	}
	return IDREG_EPP_OK;
}

/* The next child if it is <contact:@name> (then stepped past), else NULL. */
static const xmlNode *seq_take(struct seq *q, const char *name)
{
	const xmlNode *n = q->cur;
	if (n == NULL || n->ns == NULL || strcmp((const char *)n->ns->href, contact_ns()) != 0 ||
	    strcmp((const char *)n->name, name) != 0) {
		return NULL;
	}
	q->cur = next_element(n->next);
	return n;
}

static enum idreg_epp_code seq_end(const struct seq *q, struct idreg_epp_result *res)
{
	if (q->cur != NULL) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<%.64s> is not expected there in <contact:%s>",
				      (const char *)q->cur->name, q->parent);
	}
	return IDREG_EPP_OK;
}

static enum idreg_epp_code missing(const struct seq *q, const char *name,
				   struct idreg_epp_result *res)
{
	return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<contact:%s> without <contact:%s>", q->parent,
			      name);
}

/* A required child <contact:@name> with text of @min to @max characters. */
static enum idreg_epp_code take_text(struct seq *q, const char *name, char *out, size_t size,
				     size_t min, size_t max, struct idreg_epp_result *res)
{
	const xmlNode *n = seq_take(q, name);
	return n == NULL ? missing(q, name, res) : idreg_epp_token(n, out, size, min, max, res);
}

static enum idreg_epp_code ascii_only(const char *text, const char *element,
				      struct idreg_epp_result *res)
{
	for (const char *p = text; *p; p++) {
		if ((unsigned char)*p >= 0x80) {
			return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
					      "<contact:%s> of the int postal form holds a character outside "
					      "ASCII (RFC 5733, 2.3: use the loc form)", element);
		}
	}
	return IDREG_EPP_OK;
}

/* An attribute's value, or NULL; @buf holds it. */
static const char *attribute(const xmlNode *node, const char *name, char *buf, size_t size)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	if (v == NULL) {
		return NULL;
	}
	snprintf(buf, size, "%s", (const char *)v);
	xmlFree(v);
	return buf;
}

static enum idreg_epp_code postal_type(const xmlNode *node, enum idreg_epp_postal_form *form,
				       struct idreg_epp_result *res)
{
	char buf[8];
	const char *type = attribute(node, "type", buf, sizeof(buf));
	if (type == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<contact:%s> without its type attribute",
				      (const char *)node->name);
	}
	if (strcmp(type, "int") != 0 && strcmp(type, "loc") != 0) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<contact:%s type=\"%s\">: not int or loc",
				      (const char *)node->name, type);
	}
	*form = strcmp(type, "int") == 0 ? IDREG_EPP_POSTAL_INT : IDREG_EPP_POSTAL_LOC;
	return IDREG_EPP_OK;
}

static enum idreg_epp_code read_addr(const xmlNode *node, struct idreg_epp_postal *p,
				     struct idreg_epp_result *res)
{
	struct seq q;
	const xmlNode *n;
	if (seq_begin(&q, node, res) != IDREG_EPP_OK) {
		return res->code;
	}
	p->n_street = 0;
	while ((n = seq_take(&q, "street")) != NULL) {
		char line[IDREG_EPP_LINE_BYTES];
		if (idreg_epp_token(n, line, sizeof(line), 0, IDREG_EPP_POSTAL_LINE_MAX, res) !=
		    IDREG_EPP_OK) {
			return res->code;
		}
		if (line[0] == '\0') {
			continue;
		}
		if (p->n_street == IDREG_EPP_STREET_LINES) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "more than %d <contact:street> lines",
					      IDREG_EPP_STREET_LINES);
		}
		memcpy(p->street[p->n_street++], line, sizeof(line));
	}
	if (take_text(&q, "city", p->city, sizeof(p->city), 1, IDREG_EPP_POSTAL_LINE_MAX, res) !=
	    IDREG_EPP_OK) {
		return res->code;
	}
	p->sp[0] = p->pc[0] = '\0';
	if ((n = seq_take(&q, "sp")) != NULL &&
	    idreg_epp_token(n, p->sp, sizeof(p->sp), 0, IDREG_EPP_POSTAL_LINE_MAX, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if ((n = seq_take(&q, "pc")) != NULL &&
	    idreg_epp_token(n, p->pc, sizeof(p->pc), 0, IDREG_EPP_PC_MAX, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (take_text(&q, "cc", p->cc, sizeof(p->cc), 2, 2, res) != IDREG_EPP_OK) {
		return res->code == IDREG_EPP_PARAM_SYNTAX
			       ? idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
						"<contact:cc> is not two letters (ISO 3166 alpha-2)")
			       : res->code;
	}
	if (p->cc[0] < 'A' || p->cc[0] > 'Z' || p->cc[1] < 'A' || p->cc[1] > 'Z') {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "<contact:cc> \"%s\" is not two upper-case letters (ISO 3166 alpha-2)",
				      p->cc);
	}
	return seq_end(&q, res);
}

/* A <contact:postalInfo>: in a create its name and addr are required, in
 * a <chg> each part is optional. */
static enum idreg_epp_code read_postal(const xmlNode *node, bool chg,
				       struct idreg_epp_contact_body *out,
				       struct idreg_epp_result *res)
{
	enum idreg_epp_postal_form form;
	if (postal_type(node, &form, res) != IDREG_EPP_OK) {
		return res->code;
	}
	struct idreg_epp_postal *p = &out->postal[form];
	if (p->given) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "two <contact:postalInfo type=\"%s\">",
				      form == IDREG_EPP_POSTAL_INT ? "int" : "loc");
	}
	p->given = true;
	struct seq q;
	const xmlNode *n;
	if (seq_begin(&q, node, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if ((n = seq_take(&q, "name")) != NULL) {
		p->has_name = true;
		if (idreg_epp_token(n, p->name, sizeof(p->name), 1, IDREG_EPP_POSTAL_LINE_MAX, res) !=
		    IDREG_EPP_OK) {
			return res->code;
		}
	} else if (!chg) {
		return missing(&q, "name", res);
	}
	if ((n = seq_take(&q, "org")) != NULL) {
		p->has_org = true;
		if (idreg_epp_token(n, p->org, sizeof(p->org), 0, IDREG_EPP_POSTAL_LINE_MAX, res) !=
		    IDREG_EPP_OK) {
			return res->code;
		}
	}
	if ((n = seq_take(&q, "addr")) != NULL) {
		p->has_addr = true;
		if (read_addr(n, p, res) != IDREG_EPP_OK) {
			return res->code;
		}
	} else if (!chg) {
		return missing(&q, "addr", res);
	}
	if (seq_end(&q, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (form == IDREG_EPP_POSTAL_INT) {
		const struct {
			const char *element, *text;
		} parts[] = { { "name", p->name }, { "org", p->org }, { "street", p->street[0] },
			      { "street", p->street[1] }, { "street", p->street[2] },
			      { "city", p->city }, { "sp", p->sp }, { "pc", p->pc } };
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
			if (ascii_only(parts[i].text, parts[i].element, res) != IDREG_EPP_OK) {
				return res->code;
			}
		}
	}
	return IDREG_EPP_OK;
}

/* "+CC.NUMBER" (RFC 5733 e164StringType), or "" */
static bool e164(const char *s)
{
	if (*s == '\0') {
		return true;
	}
	size_t cc = strspn(s + 1, "0123456789");
	if (s[0] != '+' || cc < 1 || cc > 3 || s[1 + cc] != '.') {
		return false;
	}
	const char *number = s + 2 + cc;
	size_t digits = strspn(number, "0123456789");
	return digits >= 1 && digits <= 14 && number[digits] == '\0';
}

static enum idreg_epp_code read_phone(const xmlNode *node, struct idreg_epp_phone *phone,
				      struct idreg_epp_result *res)
{
	phone->given = true;
	if (idreg_epp_token(node, phone->number, sizeof(phone->number), 0, IDREG_EPP_E164_MAX, res) !=
	    IDREG_EPP_OK) {
		return res->code;
	}
	if (!e164(phone->number)) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
				      "<contact:%s> \"%s\" is not +CC.NUMBER (RFC 5733 e164StringType)",
				      (const char *)node->name, phone->number);
	}
	char ext[32];
	if (attribute(node, "x", ext, sizeof(ext)) != NULL) {
		size_t digits = strspn(ext, "0123456789");
		if (digits < 1 || digits > IDREG_EPP_EXT_MAX || ext[digits] != '\0' ||
		    phone->number[0] == '\0') {
			return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
					      "<contact:%s x=\"%.16s\">: an extension is 1 to %d digits after a number",
					      (const char *)node->name, ext, IDREG_EPP_EXT_MAX);
		}
		memcpy(phone->ext, ext, digits + 1);
	}
	return IDREG_EPP_OK;
}

static enum idreg_epp_code read_email(const xmlNode *node, struct idreg_epp_contact_body *out,
				      struct idreg_epp_result *res)
{
	out->has_email = true;
	if (idreg_epp_token(node, out->email, sizeof(out->email), 1, IDREG_EPP_EMAIL_CHARS, res) !=
	    IDREG_EPP_OK) {
		return res->code;
	}
	struct idreg_email parts;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_email_check(out->email, strlen(out->email), &parts, NULL, &diag);
	if (err == IDREG_EPARSE) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<contact:email> is not an address: %s",
				      diag.text);
	}
	return err == IDREG_OK ? IDREG_EPP_OK
			       : idreg_epp_fail(res, IDREG_EPP_FAILED, "<contact:email> could not be checked");
}

static enum idreg_epp_code read_auth_info(const xmlNode *node, struct idreg_epp_contact_body *out,
					  struct idreg_epp_result *res)
{
	struct seq q;
	if (seq_begin(&q, node, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (seq_take(&q, "ext") != NULL) {
		return idreg_epp_fail(res, IDREG_EPP_UNIMPL_OPTION, "only <contact:pw> authInfo is offered");
	}
	out->has_pw = true;
	if (take_text(&q, "pw", out->pw, sizeof(out->pw), IDREG_EPP_AUTHINFO_MIN,
		      IDREG_EPP_AUTHINFO_MAX, res) != IDREG_EPP_OK) {
		return res->code;
	}
	return seq_end(&q, res);
}

static enum idreg_epp_code read_disclose(const xmlNode *node, struct idreg_epp_contact_body *out,
					 struct idreg_epp_result *res)
{
	char buf[8];
	const char *flag = attribute(node, "flag", buf, sizeof(buf));
	if (flag == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<contact:disclose> without its flag");
	}
	if (strcmp(flag, "0") != 0 && strcmp(flag, "1") != 0 && strcmp(flag, "false") != 0 &&
	    strcmp(flag, "true") != 0) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<contact:disclose flag=\"%s\">: not a boolean",
				      flag);
	}
	out->has_disclose = true;
	out->disclose_flag = strcmp(flag, "1") == 0 || strcmp(flag, "true") == 0;
	struct seq q;
	if (seq_begin(&q, node, res) != IDREG_EPP_OK) {
		return res->code;
	}
	for (size_t i = 0; i < DISCLOSE_PARTS; i++) {
		const xmlNode *n;
		const int forms = disclose_parts[i].typed ? 2 : 1;
		for (int k = 0; k < forms && (n = seq_take(&q, disclose_parts[i].element)) != NULL; k++) {
			enum idreg_epp_postal_form form;
			if (disclose_parts[i].typed && postal_type(n, &form, res) != IDREG_EPP_OK) {
				return res->code;
			}
			out->disclose_fields |= disclose_parts[i].fields;
		}
	}
	return seq_end(&q, res);
}

static enum idreg_epp_code read_statuses(const xmlNode *node, uint32_t *bits,
					 struct idreg_epp_result *res)
{
	struct seq q;
	const xmlNode *n;
	if (seq_begin(&q, node, res) != IDREG_EPP_OK) {
		return res->code;
	}
	while ((n = seq_take(&q, "status")) != NULL) {
		char s[40];
		enum idreg_epp_contact_status st;
		if (attribute(n, "s", s, sizeof(s)) == NULL) {
			return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<contact:status> without s");
		}
		if (!idreg_epp_contact_status_parse(s, strlen(s), &st)) {
			return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<contact:status s=\"%.32s\">: not a "
					      "contact status (RFC 5733, 2.2)", s);
		}
		*bits |= 1u << st;
	}
	if (*bits == 0) {
		return missing(&q, "status", res);
	}
	return seq_end(&q, res);
}

/* <contact:create>, or with @chg the <contact:chg> of an update: postal
 * forms, voice, fax, email, authInfo, disclose (required ones as in a create). */
static enum idreg_epp_code read_details(struct seq *q, bool chg,
					struct idreg_epp_contact_body *out,
					struct idreg_epp_result *res)
{
	const xmlNode *n;
	while ((n = seq_take(q, "postalInfo")) != NULL) {
		if (read_postal(n, chg, out, res) != IDREG_EPP_OK) {
			return res->code;
		}
	}
	if (!chg && !out->postal[IDREG_EPP_POSTAL_INT].given && !out->postal[IDREG_EPP_POSTAL_LOC].given) {
		return missing(q, "postalInfo", res);
	}
	if ((n = seq_take(q, "voice")) != NULL && read_phone(n, &out->voice, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if ((n = seq_take(q, "fax")) != NULL && read_phone(n, &out->fax, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if ((n = seq_take(q, "email")) != NULL) {
		if (read_email(n, out, res) != IDREG_EPP_OK) {
			return res->code;
		}
	} else if (!chg) {
		return missing(q, "email", res);
	}
	if ((n = seq_take(q, "authInfo")) != NULL) {
		if (read_auth_info(n, out, res) != IDREG_EPP_OK) {
			return res->code;
		}
	} else if (!chg) {
		return missing(q, "authInfo", res);
	}
	if ((n = seq_take(q, "disclose")) != NULL && read_disclose(n, out, res) != IDREG_EPP_OK) {
		return res->code;
	}
	return seq_end(q, res);
}

static enum idreg_epp_code read_update(struct seq *q, struct idreg_epp_contact_body *out,
				       struct idreg_epp_result *res)
{
	const xmlNode *add = seq_take(q, "add"), *rem = seq_take(q, "rem"), *chg = seq_take(q, "chg");
	if (seq_end(q, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (add == NULL && rem == NULL && chg == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM,
				      "<contact:update> without <contact:add>, <contact:rem> or <contact:chg>");
	}
	if ((add != NULL && read_statuses(add, &out->add_status, res) != IDREG_EPP_OK) ||
	    (rem != NULL && read_statuses(rem, &out->rem_status, res) != IDREG_EPP_OK)) {
		return res->code;
	}
	struct seq c;
	if (chg != NULL && (seq_begin(&c, chg, res) != IDREG_EPP_OK ||
			    read_details(&c, true, out, res) != IDREG_EPP_OK)) {
		return res->code;
	}
	return IDREG_EPP_OK;
}

enum idreg_epp_code idreg_epp_contact_parse(const struct idreg_epp_command *cmd,
					    struct idreg_epp_contact_body *out,
					    struct idreg_epp_result *res)
{
	memset(out, 0, sizeof(*out));
	res->code = IDREG_EPP_OK;
	res->msg[0] = '\0';
	struct seq q;
	if (cmd->body == NULL || seq_begin(&q, cmd->body, res) != IDREG_EPP_OK) {
		return cmd->body == NULL ? idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "no contact element")
					 : res->code;
	}
	const xmlNode *n;
	if (cmd->verb == IDREG_EPP_CHECK) {
		while ((n = seq_take(&q, "id")) != NULL) {
			if (out->n_ids == IDREG_EPP_CHECK_MAX) {
				return idreg_epp_fail(res, IDREG_EPP_POLICY, "at most %d ids a check",
						      IDREG_EPP_CHECK_MAX);
			}
			if (idreg_epp_token(n, out->ids[out->n_ids++], sizeof(out->ids[0]),
					    IDREG_EPP_CLID_MIN, IDREG_EPP_CLID_MAX, res) != IDREG_EPP_OK) {
				return res->code;
			}
		}
		return out->n_ids == 0 ? missing(&q, "id", res) : seq_end(&q, res);
	}
	out->n_ids = 1;
	if (take_text(&q, "id", out->ids[0], sizeof(out->ids[0]), IDREG_EPP_CLID_MIN,
		      IDREG_EPP_CLID_MAX, res) != IDREG_EPP_OK) {
		return res->code;
	}
	switch (cmd->verb) {
	case IDREG_EPP_INFO:
		if ((n = seq_take(&q, "authInfo")) != NULL && read_auth_info(n, out, res) != IDREG_EPP_OK) {
			return res->code;
		}
		return seq_end(&q, res);
	case IDREG_EPP_CREATE:
		return read_details(&q, false, out, res);
	case IDREG_EPP_UPDATE:
		return read_update(&q, out, res);
	case IDREG_EPP_DELETE:
		return seq_end(&q, res);
	default:
		return idreg_epp_fail(res, IDREG_EPP_UNIMPL_COMMAND, "%s",
				      idreg_epp_code_message(IDREG_EPP_UNIMPL_COMMAND));
	}
}

/* ---- the contact as the handler works on it ---- */

/* A contact read from the store, or being made: every string bounded. */
struct contact_state {
	int64_t id;
	uint64_t linked_domains;
	char handle[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_CLID_MAX)];
	struct idreg_epp_postal postal[IDREG_EPP_POSTAL_FORMS];
	struct idreg_epp_phone voice, fax;
	char email[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_EMAIL_CHARS)];
	uint32_t withheld;
	uint32_t status;              /* bits of the stored statuses */
	bool sponsored;
	char sponsor[IDREG_EPP_CLID_MAX + 1], creator[IDREG_EPP_CLID_MAX + 1],
		updater[IDREG_EPP_CLID_MAX + 1];
	char created[IDREG_TIME_TEXT_MAX], updated[IDREG_TIME_TEXT_MAX],
		transferred[IDREG_TIME_TEXT_MAX], changed_at[IDREG_TIME_TEXT_MAX];
	char pw[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_AUTHINFO_MAX)]; /* zero-padded: compared whole */
};

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) != NULL ? (src) : "")

/* Street lines joined by '\n' into @p. */
static void split_street(const char *street, struct idreg_epp_postal *p)
{
	p->n_street = 0;
	while (street != NULL && *street && p->n_street < IDREG_EPP_STREET_LINES) {
		size_t len = strcspn(street, "\n");
		snprintf(p->street[p->n_street++], sizeof(p->street[0]), "%.*s", (int)len, street);
		street += len + (street[len] == '\n');
	}
}

/* "+1.5555551234x42" into a number and its extension. */
static void split_phone(const char *text, struct idreg_epp_phone *phone)
{
	phone->given = text != NULL;
	size_t len = text != NULL ? strcspn(text, "x") : 0;
	snprintf(phone->number, sizeof(phone->number), "%.*s", (int)len, text != NULL ? text : "");
	COPY(phone->ext, text != NULL && text[len] == 'x' ? text + len + 1 : "");
}

static const char *json_text(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "";
}

/* The int form kept as JSON; false when it is not what postal_json wrote. */
static bool postal_from_json(const char *text, struct idreg_epp_postal *p, bool *alone)
{
	json_t *o = json_loads(text, 0, NULL);
	json_t *street = json_object_get(o, "street");
	if (!json_is_object(o) || !json_is_array(street)) {
		json_decref(o);
		return false;
	}
	p->given = true;
	COPY(p->name, json_text(o, "name"));
	COPY(p->org, json_text(o, "org"));
	COPY(p->city, json_text(o, "city"));
	COPY(p->sp, json_text(o, "sp"));
	COPY(p->pc, json_text(o, "pc"));
	COPY(p->cc, json_text(o, "cc"));
	p->n_street = 0;
	for (size_t i = 0; i < json_array_size(street) && i < IDREG_EPP_STREET_LINES; i++) {
		COPY(p->street[p->n_street++], json_string_value(json_array_get(street, i)));
	}
	*alone = json_is_true(json_object_get(o, "alone"));
	json_decref(o);
	return true;
}

static idreg_err state_from_row(const struct idreg_stored_contact *row, struct contact_state *st,
				struct idreg_diag *diag)
{
	const struct idreg_contact *c = &row->contact;
	const char *const *f = c->entity.fields;
	memset(st, 0, sizeof(*st));
	st->id = row->id;
	st->linked_domains = row->linked_domains;
	COPY(st->handle, c->entity.handle);
	bool alone = false;
	if (c->postal_int != NULL &&
	    !postal_from_json(c->postal_int, &st->postal[IDREG_EPP_POSTAL_INT], &alone)) {
		return idreg_diag_set(diag, IDREG_ESTORE, "contact %s: its int postal form is corrupted",
				      st->handle);
	}
	if (!alone) {
		struct idreg_epp_postal *loc = &st->postal[IDREG_EPP_POSTAL_LOC];
		loc->given = true;
		COPY(loc->name, f[IDREG_EF_FN]);
		COPY(loc->org, f[IDREG_EF_ORG]);
		split_street(f[IDREG_EF_STREET], loc);
		COPY(loc->city, f[IDREG_EF_LOCALITY]);
		COPY(loc->sp, f[IDREG_EF_REGION]);
		COPY(loc->pc, f[IDREG_EF_POSTAL_CODE]);
		COPY(loc->cc, f[IDREG_EF_COUNTRY]);
	}
	split_phone(f[IDREG_EF_VOICE], &st->voice);
	split_phone(f[IDREG_EF_FAX], &st->fax);
	COPY(st->email, f[IDREG_EF_EMAIL]);
	st->withheld = c->withheld;
	for (const char *s = c->status; *s;) {
		size_t len = strcspn(s, " ");
		enum idreg_epp_contact_status status;
		if (!idreg_epp_contact_status_parse(s, len, &status)) {
			return idreg_diag_set(diag, IDREG_ESTORE, "contact %s: unknown status '%.*s'",
					      st->handle, (int)len, s);
		}
		st->status |= 1u << status;
		s += len + (s[len] == ' ');
	}
	st->sponsored = c->sponsor != NULL;
	COPY(st->sponsor, c->sponsor);
	COPY(st->creator, c->creator);
	COPY(st->updater, c->updater);
	COPY(st->created, c->created);
	COPY(st->updated, c->updated);
	COPY(st->transferred, c->transferred);
	COPY(st->changed_at, row->changed_at);
	COPY(st->pw, c->auth_info);
	return IDREG_OK;
}

static char *dup_or_null(struct idreg_arena *a, const char *s)
{
	return s[0] != '\0' ? idreg_arena_strndup(a, s, strlen(s)) : NULL;
}

/* The int form as JSON (@alone: there is no loc form), in @a. */
static char *postal_json(const struct idreg_epp_postal *p, bool alone, struct idreg_arena *a)
{
	json_t *street = json_array();
	for (unsigned i = 0; i < p->n_street; i++) {
		json_array_append_new(street, json_string(p->street[i]));
	}
	json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s}", "name", p->name, "org", p->org,
			      "street", street, "city", p->city, "sp", p->sp, "pc", p->pc, "cc",
			      p->cc);
	if (o != NULL && alone) {
		json_object_set_new(o, "alone", json_true());
	}
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	char *copy = text != NULL ? idreg_arena_strndup(a, text, strlen(text)) : NULL;
	free(text);
	return copy;
}

static char *phone_text(const struct idreg_epp_phone *phone, struct idreg_arena *a)
{
	if (phone->number[0] == '\0') {
		return NULL;
	}
	char text[sizeof(phone->number) + sizeof(phone->ext) + 1];
	snprintf(text, sizeof(text), "%s%s%s", phone->number, phone->ext[0] ? "x" : "", phone->ext);
	return idreg_arena_strndup(a, text, strlen(text));
}

/* The store's form of @st: strings in @a.  IDREG_ENOMEM when @a is full. */
static idreg_err contact_of_state(const struct contact_state *st, struct idreg_arena *a,
				  struct idreg_contact *c)
{
	memset(c, 0, sizeof(*c));
	const struct idreg_epp_postal *in = &st->postal[IDREG_EPP_POSTAL_INT];
	const struct idreg_epp_postal *loc = &st->postal[IDREG_EPP_POSTAL_LOC];
	const struct idreg_epp_postal *p = loc->given ? loc : in;
	struct idreg_entity *e = &c->entity;
	e->handle = st->handle;
	/* An organization when its name is the contact's name, else a person. */
	e->kind = p->org[0] != '\0' && strcmp(p->org, p->name) == 0 ? IDREG_KIND_ORG
								     : IDREG_KIND_INDIVIDUAL;
	char street[IDREG_EPP_STREET_LINES * IDREG_EPP_LINE_BYTES] = "";
	for (unsigned i = 0, at = 0; i < p->n_street; i++) {
		at += (unsigned)snprintf(street + at, sizeof(street) - at, "%s%s", i ? "\n" : "",
					 p->street[i]);
	}
	const char *fields[IDREG_ENTITY_FIELD_COUNT] = {
		[IDREG_EF_FN] = p->name, [IDREG_EF_ORG] = p->org, [IDREG_EF_EMAIL] = st->email,
		[IDREG_EF_STREET] = street, [IDREG_EF_LOCALITY] = p->city,
		[IDREG_EF_REGION] = p->sp, [IDREG_EF_POSTAL_CODE] = p->pc,
		[IDREG_EF_COUNTRY] = p->cc,
	};
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		e->fields[f] = fields[f] != NULL ? dup_or_null(a, fields[f]) : NULL;
	}
	e->fields[IDREG_EF_VOICE] = phone_text(&st->voice, a);
	e->fields[IDREG_EF_FAX] = phone_text(&st->fax, a);
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		e->personal |= e->fields[f] != NULL ? st->withheld & (1u << f) : 0;
	}
	c->withheld = st->withheld;
	c->postal_int = in->given ? postal_json(in, !loc->given, a) : NULL;
	c->sponsor = dup_or_null(a, st->sponsor);
	c->creator = dup_or_null(a, st->creator);
	c->created = dup_or_null(a, st->created);
	c->updater = dup_or_null(a, st->updater);
	c->updated = dup_or_null(a, st->updated);
	c->transferred = dup_or_null(a, st->transferred);
	c->auth_info = dup_or_null(a, st->pw);
	char status[512] = "";
	for (unsigned i = 0, at = 0; i < IDREG_EPP_CONTACT_STATUS_COUNT; i++) {
		if (st->status & (1u << i)) {
			at += (unsigned)snprintf(status + at, sizeof(status) - at, "%s%s",
						 at ? " " : "", status_names[i]);
		}
	}
	c->status = idreg_arena_strndup(a, status, strlen(status));
	bool ok = c->status != NULL && e->fields[IDREG_EF_FN] != NULL &&
		  (!in->given || c->postal_int != NULL);
	return ok ? IDREG_OK : IDREG_ENOMEM;
}

/* ---- store work ---- */

/* A transform's or a read's work and what it found. */
struct contact_work {
	const struct idreg_epp_request *req;
	const struct idreg_epp_contact_body *body;
	struct contact_state st;
	struct idreg_epp_result res;   /* a refusal, or 1000 */
	bool found;                    /* check: the id is taken */
	const char *id;                /* check: the id asked about */
};

static idreg_err keep_row(void *ctx, const struct idreg_stored_contact *row)
{
	struct contact_work *w = ctx;
	struct idreg_diag diag = { "" };
	idreg_err err = state_from_row(row, &w->st, &diag);
	if (err != IDREG_OK) {
		idreg_log_error("EPP contact %s: %s", row->contact.entity.handle, diag.text);
	}
	return err;
}

/* The contact of @handle into @w->st: IDREG_OK, ENOTFOUND, or an error. */
static idreg_err load(struct idreg_store *s, struct contact_work *w, const char *handle,
		      struct idreg_diag *diag)
{
	return s->ops->contact_get(s, handle, keep_row, w, diag);
}

static idreg_err load_existing(struct idreg_store *s, struct contact_work *w,
			       struct idreg_diag *diag)
{
	idreg_err err = load(s, w, w->body->ids[0], diag);
	return err == IDREG_ENOTFOUND
		       ? idreg_epp_refuse(&w->res, IDREG_EPP_DOES_NOT_EXIST, "contact %s does not exist", w->body->ids[0])
		       : err;
}

/* Only the sponsor transforms a contact (2201). */
static idreg_err sponsor_only(struct contact_work *w)
{
	if (!w->st.sponsored) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_AUTHORIZATION,
					"contact %s belongs to the registry: no registrar may change it",
					w->st.handle);
	}
	if (strcmp(w->st.sponsor, w->req->txn.clid) != 0) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_AUTHORIZATION, "contact %s is sponsored by another registrar",
					w->st.handle);
	}
	return IDREG_OK;
}

/* The first status of @bits, by name. */
static const char *first_status(uint32_t bits)
{
	for (unsigned i = 0; i < IDREG_EPP_CONTACT_STATUS_COUNT; i++) {
		if (bits & (1u << i)) {
			return status_names[i];
		}
	}
	return "";
}

/* The history text of a contact (never its authInfo: @auth_changed says
 * only that it was changed), in @out. */
static idreg_err history_text(const struct contact_state *st, bool auth_changed,
			      struct idreg_buf *out)
{
	struct idreg_arena a;
	idreg_arena_init(&a, 4096, 0);
	struct idreg_contact c;
	idreg_err err = contact_of_state(st, &a, &c);
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, "{\"entity\":");
	}
	if (err == IDREG_OK) {
		err = idreg_entity_format(&c.entity, out);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, ",\"postalInt\":%s,\"status\":",
				       c.postal_int != NULL ? c.postal_int : "null");
	}
	const struct {
		const char *key, *value;
	} members[] = { { "status", c.status },   { "sponsor", c.sponsor },
			{ "creator", c.creator }, { "created", c.created },
			{ "updater", c.updater }, { "updated", c.updated },
			{ "transferred", c.transferred } };
	for (size_t i = 0; err == IDREG_OK && i < sizeof(members) / sizeof(members[0]); i++) {
		if (i > 0) {
			err = idreg_buf_printf(out, ",\"%s\":", members[i].key);
		}
		if (err == IDREG_OK) {
			err = members[i].value != NULL ? idreg_json_string(out, members[i].value)
						       : idreg_buf_puts(out, "null");
		}
	}
	if (err == IDREG_OK) {
		char withheld[160] = "";
		for (unsigned f = 0, at = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
			if (st->withheld & (1u << f)) {
				at += (unsigned)snprintf(withheld + at, sizeof(withheld) - at, "%s%s",
							 at ? " " : "", idreg_entity_field_name(f));
			}
		}
		err = idreg_buf_puts(out, ",\"withheld\":");
		if (err == IDREG_OK) {
			err = idreg_json_string(out, withheld);
		}
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, auth_changed ? ",\"authInfo\":\"changed\"}" : "}");
	}
	idreg_arena_free(&a);
	return err;
}

idreg_err idreg_epp_contact_text(const struct idreg_stored_contact *row, struct idreg_buf *out,
				 struct idreg_diag *diag)
{
	struct contact_state *st = malloc(sizeof(*st));
	idreg_err err = st == NULL ? idreg_diag_set(diag, IDREG_ENOMEM, "out of memory")
				   : state_from_row(row, st, diag);
	if (err == IDREG_OK && history_text(st, false, out) != IDREG_OK) {
		err = idreg_diag_set(diag, IDREG_ETOOBIG, "contact %s: history text too large",
				     st->handle);
	}
	free(st);
	return err;
}

static idreg_err history(struct idreg_store *s, int64_t change_set, const struct contact_state *st,
			 enum idreg_change change, const char *before, const char *after,
			 struct idreg_diag *diag)
{
	const struct idreg_history_entry e = { .change_set = change_set, .object_type = "entity",
					       .first_id = st->id, .last_id = st->id,
					       .change = change, .before = before, .after = after };
	return s->ops->history_add(s, &e, diag);
}

/* Write @st (new when @id is 0) and its history line. */
static idreg_err save(struct idreg_store *s, int64_t change_set, struct contact_state *st,
		      const char *before, bool auth_changed, struct idreg_diag *diag)
{
	struct idreg_arena a;
	struct idreg_buf after;
	idreg_arena_init(&a, 4096, 0);
	idreg_buf_init(&after, 64 * 1024);
	struct idreg_contact c;
	idreg_err err = contact_of_state(st, &a, &c);
	if (err == IDREG_OK) {
		err = st->id == 0 ? s->ops->contact_insert(s, &c, &st->id, diag)
				  : s->ops->contact_update(s, st->id, &c, diag);
	} else {
		err = idreg_diag_set(diag, err, "out of memory for contact %s", st->handle);
	}
	if (err == IDREG_OK) {
		err = history_text(st, auth_changed, &after);
		if (err != IDREG_OK) {
			err = idreg_diag_set(diag, err, "contact %s: history text too large", st->handle);
		}
	}
	if (err == IDREG_OK) {
		err = history(s, change_set, st, before != NULL ? IDREG_CHANGE_UPDATE : IDREG_CHANGE_CREATE,
			      before, after.data, diag);
	}
	idreg_buf_free(&after);
	idreg_arena_free(&a);
	return err;
}

static void apply_disclose(const struct idreg_epp_contact_body *b, uint32_t *withheld)
{
	if (b->has_disclose) {
		*withheld = b->disclose_flag ? *withheld & ~b->disclose_fields
					     : *withheld | b->disclose_fields;
	}
}

static idreg_err create_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				 struct idreg_diag *diag)
{
	struct contact_work *w = ctx;
	const struct idreg_epp_contact_body *b = w->body;
	idreg_err err = load(s, w, b->ids[0], diag);
	if (err == IDREG_OK) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_EXISTS, "contact %s exists", b->ids[0]);
	}
	if (err != IDREG_ENOTFOUND) {
		return err;
	}
	struct contact_state *st = &w->st;
	memset(st, 0, sizeof(*st));
	COPY(st->handle, b->ids[0]);
	memcpy(st->postal, b->postal, sizeof(st->postal));
	st->voice = b->voice;
	st->fax = b->fax;
	COPY(st->email, b->email);
	memcpy(st->pw, b->pw, sizeof(st->pw));
	st->withheld = DEFAULT_WITHHELD;
	apply_disclose(b, &st->withheld);
	st->sponsored = true;
	COPY(st->sponsor, w->req->txn.clid);
	COPY(st->creator, w->req->txn.clid);
	idreg_time_format(w->req->txn.now, st->created);
	return save(s, change_set, st, NULL, false, diag);
}

/* A <chg>'s postal form @from applied to @to. */
static idreg_err change_postal(struct contact_work *w, const struct idreg_epp_postal *from,
			       struct idreg_epp_postal *to, const char *type)
{
	if (!from->given) {
		return IDREG_OK;
	}
	if (!to->given && (!from->has_name || !from->has_addr)) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_MISSING_PARAM,
					"contact %s has no %s postal form: give its name and addr", w->st.handle,
					type);
	}
	to->given = true;
	if (from->has_name) {
		memcpy(to->name, from->name, sizeof(to->name));
	}
	if (from->has_org) {
		memcpy(to->org, from->org, sizeof(to->org));
	}
	if (from->has_addr) {
		memcpy(to->street, from->street, sizeof(to->street));
		to->n_street = from->n_street;
		memcpy(to->city, from->city, sizeof(to->city));
		memcpy(to->sp, from->sp, sizeof(to->sp));
		memcpy(to->pc, from->pc, sizeof(to->pc));
		memcpy(to->cc, from->cc, sizeof(to->cc));
	}
	return IDREG_OK;
}

/* May the sponsor make this update?  Refused with the code RFC 5733 gives. */
static idreg_err update_allowed(struct contact_work *w)
{
	const struct idreg_epp_contact_body *b = w->body;
	const struct contact_state *st = &w->st;
	uint32_t asked = b->add_status | b->rem_status;
	if (asked & SERVER_LOCKS) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_STATUS_PROHIBITS, "%s is set and removed by the registry alone",
					first_status(asked & SERVER_LOCKS));
	}
	if (asked & ~CLIENT_SETTABLE) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "%s is set by the server, not by a client",
					first_status(asked & ~CLIENT_SETTABLE));
	}
	if (st->status & (BIT(SERVER_UPDATE_PROHIBITED) | BIT(PENDING_DELETE) | BIT(PENDING_TRANSFER))) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_STATUS_PROHIBITS, "contact %s has status %s", st->handle,
					first_status(st->status & (BIT(SERVER_UPDATE_PROHIBITED) |
					BIT(PENDING_DELETE) | BIT(PENDING_TRANSFER))));
	}
	if ((st->status & BIT(CLIENT_UPDATE_PROHIBITED)) &&
	    !(b->rem_status & BIT(CLIENT_UPDATE_PROHIBITED))) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_STATUS_PROHIBITS,
					"contact %s has status clientUpdateProhibited: remove it to update",
					st->handle);
	}
	if (b->add_status & st->status) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "contact %s already has status %s", st->handle,
					first_status(b->add_status & st->status));
	}
	if (b->rem_status & ~st->status) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "contact %s does not have status %s", st->handle,
					first_status(b->rem_status & ~st->status));
	}
	if (b->add_status & b->rem_status) {
		return idreg_epp_refuse(&w->res, IDREG_EPP_POLICY, "status %s both added and removed",
					first_status(b->add_status & b->rem_status));
	}
	return IDREG_OK;
}

static idreg_err update_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				 struct idreg_diag *diag)
{
	struct contact_work *w = ctx;
	const struct idreg_epp_contact_body *b = w->body;
	struct contact_state *st = &w->st;
	idreg_err err = load_existing(s, w, diag);
	if (err == IDREG_OK) {
		err = sponsor_only(w);
	}
	if (err == IDREG_OK) {
		err = update_allowed(w);
	}
	struct idreg_buf before;
	idreg_buf_init(&before, 64 * 1024);
	if (err == IDREG_OK && history_text(st, false, &before) != IDREG_OK) {
		err = idreg_diag_set(diag, IDREG_ENOMEM, "contact %s: history text too large", st->handle);
	}
	if (err == IDREG_OK) {
		err = change_postal(w, &b->postal[IDREG_EPP_POSTAL_INT], &st->postal[IDREG_EPP_POSTAL_INT],
				    "int");
	}
	if (err == IDREG_OK) {
		err = change_postal(w, &b->postal[IDREG_EPP_POSTAL_LOC], &st->postal[IDREG_EPP_POSTAL_LOC],
				    "loc");
	}
	if (err == IDREG_OK) {
		if (b->voice.given) {
			st->voice = b->voice;
		}
		if (b->fax.given) {
			st->fax = b->fax;
		}
		if (b->has_email) {
			COPY(st->email, b->email);
		}
		if (b->has_pw) {
			memcpy(st->pw, b->pw, sizeof(st->pw));
		}
		apply_disclose(b, &st->withheld);
		st->status = (st->status | b->add_status) & ~b->rem_status;
		COPY(st->updater, w->req->txn.clid);
		idreg_time_format(w->req->txn.now, st->updated);
		err = save(s, change_set, st, before.data, b->has_pw, diag);
	}
	idreg_buf_free(&before);
	return err;
}

static idreg_err delete_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				 struct idreg_diag *diag)
{
	struct contact_work *w = ctx;
	const struct contact_state *st = &w->st;
	idreg_err err = load_existing(s, w, diag);
	if (err == IDREG_OK) {
		err = sponsor_only(w);
	}
	const uint32_t prohibits = BIT(CLIENT_DELETE_PROHIBITED) | BIT(SERVER_DELETE_PROHIBITED) |
				   BIT(PENDING_DELETE) | BIT(PENDING_TRANSFER);
	if (err == IDREG_OK && (st->status & prohibits)) {
		err = idreg_epp_refuse(&w->res, IDREG_EPP_STATUS_PROHIBITS, "contact %s has status %s", st->handle,
				       first_status(st->status & prohibits));
	}
	if (err == IDREG_OK && st->linked_domains > 0) {
		err = idreg_epp_refuse(&w->res, IDREG_EPP_ASSOCIATION_PROHIBITS, "contact %s is linked to %llu domain%s",
				       st->handle, (unsigned long long)st->linked_domains,
				       st->linked_domains == 1 ? "" : "s");
	}
	struct idreg_buf before;
	idreg_buf_init(&before, 64 * 1024);
	if (err == IDREG_OK && history_text(st, false, &before) != IDREG_OK) {
		err = idreg_diag_set(diag, IDREG_ENOMEM, "contact %s: history text too large", st->handle);
	}
	if (err == IDREG_OK) {
		err = s->ops->entity_delete(s, st->id, diag);
	}
	if (err == IDREG_OK) {
		err = history(s, change_set, st, IDREG_CHANGE_DELETE, before.data, NULL, diag);
	}
	idreg_buf_free(&before);
	return err;
}

static idreg_err info_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
			       struct idreg_diag *diag)
{
	(void)change_set;
	return load_existing(s, ctx, diag);
}

static idreg_err check_in_store(struct idreg_store *s, int64_t change_set, void *ctx,
				struct idreg_diag *diag)
{
	(void)change_set;
	struct contact_work *w = ctx;
	idreg_err err = load(s, w, w->id, diag);
	w->found = err == IDREG_OK;
	return err == IDREG_ENOTFOUND ? IDREG_OK : err;
}

/* ---- answers ---- */

/* XML written with the first error kept. */
struct xml_out {
	struct idreg_buf *buf;
	idreg_err err;
};

static void put(struct xml_out *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct xml_out *x, const char *fmt, ...)
{
	if (x->err != IDREG_OK) {
		return;
	}
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	x->err = n >= 0 && (size_t)n < sizeof(text) ? idreg_buf_puts(x->buf, text) : IDREG_ETOOBIG;
}

/* <contact:NAME>text</contact:NAME>, left out when @text is "" (an entity
 * imported may lack what EPP requires). */
static void put_element(struct xml_out *x, const char *name, const char *text)
{
	if (text[0] == '\0') {
		return;
	}
	put(x, "<contact:%s>", name);
	if (x->err == IDREG_OK) {
		x->err = idreg_epp_escape(x->buf, text);
	}
	put(x, "</contact:%s>", name);
}

static void put_phone(struct xml_out *x, const char *name, const struct idreg_epp_phone *phone)
{
	if (phone->number[0] == '\0') {
		return;
	}
	if (phone->ext[0] != '\0') {
		put(x, "<contact:%s x=\"%s\">", name, phone->ext);
	} else {
		put(x, "<contact:%s>", name);
	}
	if (x->err == IDREG_OK) {
		x->err = idreg_epp_escape(x->buf, phone->number);
	}
	put(x, "</contact:%s>", name);
}

static void put_postal(struct xml_out *x, const struct idreg_epp_postal *p, const char *type)
{
	put(x, "<contact:postalInfo type=\"%s\">", type);
	put_element(x, "name", p->name);
	put_element(x, "org", p->org);
	put(x, "<contact:addr>");
	for (unsigned i = 0; i < p->n_street; i++) {
		put_element(x, "street", p->street[i]);
	}
	put_element(x, "city", p->city);
	put_element(x, "sp", p->sp);
	put_element(x, "pc", p->pc);
	put_element(x, "cc", p->cc);
	put(x, "</contact:addr></contact:postalInfo>");
}

/* <contact:disclose flag="0"> naming what is withheld, if anything is. */
static void put_disclose(struct xml_out *x, const struct contact_state *st)
{
	static const char *const types[] = { "int", "loc" };
	if (st->withheld == 0) {
		return;
	}
	put(x, "<contact:disclose flag=\"0\">");
	for (size_t i = 0; i < DISCLOSE_PARTS; i++) {
		if (!(st->withheld & disclose_parts[i].fields)) {
			continue;
		}
		if (!disclose_parts[i].typed) {
			put(x, "<contact:%s/>", disclose_parts[i].element);
		}
		for (int f = 0; disclose_parts[i].typed && f < IDREG_EPP_POSTAL_FORMS; f++) {
			if (st->postal[f].given) {
				put(x, "<contact:%s type=\"%s\"/>", disclose_parts[i].element, types[f]);
			}
		}
	}
	put(x, "</contact:disclose>");
}

static void put_info(struct xml_out *x, const struct contact_state *st, bool show_auth)
{
	put(x, "<contact:infData xmlns:contact=\"%s\">", contact_ns());
	put_element(x, "id", st->handle);
	put(x, "<contact:roid>C%lld-IDREG</contact:roid>", (long long)st->id);
	uint32_t status = st->status | (st->linked_domains > 0 ? BIT(LINKED) : 0);
	if ((status & ~BIT(LINKED)) == 0) {
		status |= BIT(OK);
	}
	for (unsigned i = 0; i < IDREG_EPP_CONTACT_STATUS_COUNT; i++) {
		if (status & (1u << i)) {
			put(x, "<contact:status s=\"%s\"/>", status_names[i]);
		}
	}
	if (st->postal[IDREG_EPP_POSTAL_INT].given) {
		put_postal(x, &st->postal[IDREG_EPP_POSTAL_INT], "int");
	}
	if (st->postal[IDREG_EPP_POSTAL_LOC].given) {
		put_postal(x, &st->postal[IDREG_EPP_POSTAL_LOC], "loc");
	}
	put_phone(x, "voice", &st->voice);
	put_phone(x, "fax", &st->fax);
	put_element(x, "email", st->email);
	const char *sponsor = st->sponsored ? st->sponsor : IDREG_EPP_REGISTRY_CLID;
	put_element(x, "clID", sponsor);
	put_element(x, "crID", st->sponsored ? st->creator : IDREG_EPP_REGISTRY_CLID);
	put_element(x, "crDate", st->created[0] ? st->created : st->changed_at);
	put_element(x, "upID", st->updater);
	put_element(x, "upDate", st->updated);
	put_element(x, "trDate", st->transferred);
	if (show_auth && st->pw[0] != '\0') {
		put(x, "<contact:authInfo>");
		put_element(x, "pw", st->pw);
		put(x, "</contact:authInfo>");
	}
	put_disclose(x, st);
	put(x, "</contact:infData>");
}

/* ---- the handler ---- */

/* Answer a store error: a refusal with its code, anything else 2400. */
static void answer_failure(struct contact_work *w, idreg_err err, const struct idreg_diag *diag,
			   const char *what, struct idreg_epp_reply *rep)
{
	if (err == IDREG_EREFUSED) {
		idreg_epp_reply_set(rep, w->res.code, "%s", w->res.msg);
		return;
	}
	const char *id = w->id != NULL ? w->id : w->body->ids[0];
	idreg_log_error("EPP contact:%s %s by %s: %s", what, id, w->req->txn.clid, diag->text);
	idreg_epp_reply_set(rep, IDREG_EPP_FAILED, "contact %s could not be %s; try again later", id,
			    strcmp(what, "check") == 0  ? "checked"
			    : strcmp(what, "info") == 0 ? "read"
							: "changed");
}

static void check(struct contact_work *w, struct idreg_epp_reply *rep)
{
	struct xml_out x = { &rep->resdata, IDREG_OK };
	put(&x, "<contact:chkData xmlns:contact=\"%s\">", contact_ns());
	for (size_t i = 0; i < w->body->n_ids; i++) {
		struct idreg_diag diag = { "" };
		w->id = w->body->ids[i];
		idreg_err err = w->req->store->read(w->req->store->ctx, check_in_store, w, &diag);
		if (err != IDREG_OK) {
			answer_failure(w, err, &diag, "check", rep);
			return;
		}
		put(&x, "<contact:cd><contact:id avail=\"%d\">", !w->found);
		if (x.err == IDREG_OK) {
			x.err = idreg_epp_escape(x.buf, w->id);
		}
		put(&x, "</contact:id>%s</contact:cd>",
		    w->found ? "<contact:reason>In use</contact:reason>" : "");
	}
	put(&x, "</contact:chkData>");
	idreg_epp_reply_set(rep, x.err == IDREG_OK ? IDREG_EPP_OK : IDREG_EPP_FAILED, "%s",
			    x.err == IDREG_OK ? "" : "the answer is too large");
}

static void info(struct contact_work *w, struct idreg_epp_reply *rep)
{
	struct idreg_diag diag = { "" };
	idreg_err err = w->req->store->read(w->req->store->ctx, info_in_store, w, &diag);
	if (err != IDREG_OK) {
		answer_failure(w, err, &diag, "info", rep);
		return;
	}
	bool sponsor = w->st.sponsored && strcmp(w->st.sponsor, w->req->txn.clid) == 0;
	/* Both buffers are zero-padded to the same size: compared whole, in constant time. */
	_Static_assert(sizeof(w->st.pw) == sizeof(w->body->pw), "authInfo buffers differ");
	bool right_auth = w->body->has_pw && w->st.pw[0] != '\0' &&
			  sodium_memcmp(w->st.pw, w->body->pw, sizeof(w->st.pw)) == 0;
	if (!sponsor && w->body->has_pw && !right_auth) {
		idreg_epp_reply_set(rep, IDREG_EPP_INVALID_AUTHINFO,
				    "the authInfo given is not contact %s's", w->st.handle);
		return;
	}
	struct xml_out x = { &rep->resdata, IDREG_OK };
	put_info(&x, &w->st, sponsor || right_auth);
	idreg_epp_reply_set(rep, x.err == IDREG_OK ? IDREG_EPP_OK : IDREG_EPP_FAILED, "%s",
			    x.err == IDREG_OK ? "" : "the answer is too large");
}

static void transform(struct contact_work *w, idreg_epp_store_fn fn, const char *what,
		      struct idreg_epp_reply *rep)
{
	struct idreg_diag diag = { "" };
	idreg_err err = w->req->store->write(w->req->store->ctx, &w->req->txn, fn, w, &diag);
	if (err != IDREG_OK) {
		answer_failure(w, err, &diag, what, rep);
		return;
	}
	if (w->req->cmd->verb == IDREG_EPP_CREATE) {
		struct xml_out x = { &rep->resdata, IDREG_OK };
		put(&x, "<contact:creData xmlns:contact=\"%s\">", contact_ns());
		put_element(&x, "id", w->st.handle);
		put_element(&x, "crDate", w->st.created);
		put(&x, "</contact:creData>");
	}
	idreg_epp_reply_set(rep, IDREG_EPP_OK, "%s", "");
}

/* ---- for transfers ---- */

idreg_err idreg_epp_contact_transfer_get(struct idreg_store *s, const char *handle,
					 struct idreg_transfer_subject *out, struct idreg_diag *diag)
{
	struct contact_work *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	idreg_err err = load(s, w, handle, diag);
	if (err == IDREG_OK) {
		memset(out, 0, sizeof(*out));
		out->id = w->st.id;
		COPY(out->sponsor, w->st.sponsored ? w->st.sponsor : "");
		COPY(out->auth_info, w->st.pw);
		for (unsigned i = 0, at = 0; i < IDREG_EPP_CONTACT_STATUS_COUNT; i++) {
			if (w->st.status & (1u << i)) {
				at += (unsigned)snprintf(out->status + at, sizeof(out->status) - at, "%s%s",
							 at ? " " : "", status_names[i]);
			}
		}
		if (out->status[0] == '\0') {
			COPY(out->status, "ok");
		}
		out->expires = IDREG_TIME_NONE;
		out->created = out->transferred = IDREG_TIME_NONE;
		if ((w->st.created[0] != '\0' &&
		     !idreg_time_parse(w->st.created, strlen(w->st.created), &out->created)) ||
		    (w->st.transferred[0] != '\0' &&
		     !idreg_time_parse(w->st.transferred, strlen(w->st.transferred), &out->transferred))) {
			err = idreg_diag_set(diag, IDREG_ESTORE, "contact %s has a corrupted date", handle);
		}
	}
	free(w);
	return err;
}

idreg_err idreg_epp_contact_transfer_put(struct idreg_store *s, int64_t change_set,
					 const char *handle,
					 const struct idreg_transfer_subject *after,
					 struct idreg_diag *diag)
{
	struct contact_work *w = calloc(1, sizeof(*w));
	struct idreg_buf before;
	idreg_buf_init(&before, 64 * 1024);
	idreg_err err = w == NULL ? idreg_diag_set(diag, IDREG_ENOMEM, "out of memory")
				  : load(s, w, handle, diag);
	if (err == IDREG_OK && history_text(&w->st, false, &before) != IDREG_OK) {
		err = idreg_diag_set(diag, IDREG_ETOOBIG, "contact %s: history text too large", handle);
	}
	if (err == IDREG_OK) {
		struct contact_state *st = &w->st;
		bool auth_changed = strcmp(st->pw, after->auth_info) != 0;
		st->sponsored = after->sponsor[0] != '\0';
		/* Registrar ids are 3 to 16 ASCII characters (clIDType). */
		snprintf(st->sponsor, sizeof(st->sponsor), "%.*s", (int)sizeof(st->sponsor) - 1,
			 after->sponsor);
		memset(st->pw, 0, sizeof(st->pw));
		COPY(st->pw, after->auth_info);
		st->transferred[0] = '\0';
		if (after->transferred != IDREG_TIME_NONE) {
			idreg_time_format(after->transferred, st->transferred);
		}
		st->status = 0;
		for (const char *p = after->status; *p != '\0' && err == IDREG_OK;) {
			size_t len = strcspn(p, " ");
			enum idreg_epp_contact_status status;
			if (!idreg_epp_contact_status_parse(p, len, &status)) {
				err = idreg_diag_set(diag, IDREG_EINVAL, "contact %s: no status '%.*s'",
						     handle, (int)len, p);
			} else if (STORED & (1u << status)) {
				st->status |= 1u << status;
			}
			p += len + (p[len] == ' ');
		}
		if (err == IDREG_OK) {
			err = save(s, change_set, st, before.data, auth_changed, diag);
		}
	}
	idreg_buf_free(&before);
	free(w);
	return err;
}

void idreg_epp_contact_command(const struct idreg_epp_request *req, struct idreg_epp_reply *rep)
{
	enum idreg_epp_verb verb = req->cmd->verb;
	if (verb == IDREG_EPP_TRANSFER) {
		idreg_epp_transfer_command(req, rep, IDREG_TRANSFER_CONTACT);
		return;
	}
	if (verb != IDREG_EPP_CHECK && verb != IDREG_EPP_INFO && verb != IDREG_EPP_CREATE &&
	    verb != IDREG_EPP_UPDATE && verb != IDREG_EPP_DELETE) {
		idreg_epp_reply_set(rep, IDREG_EPP_UNIMPL_COMMAND, "%s",
				    idreg_epp_code_message(IDREG_EPP_UNIMPL_COMMAND));
		return;
	}
	struct idreg_epp_contact_body *body = malloc(sizeof(*body));
	struct contact_work *w = calloc(1, sizeof(*w));
	struct idreg_epp_result res;
	if (body == NULL || w == NULL) {
		idreg_epp_reply_set(rep, IDREG_EPP_FAILED, "out of memory");
	} else if (idreg_epp_contact_parse(req->cmd, body, &res) != IDREG_EPP_OK) {
		idreg_epp_reply_set(rep, res.code, "%s", res.msg);
	} else {
		w->req = req;
		w->body = body;
		w->res.code = IDREG_EPP_OK;
		switch (verb) {
		case IDREG_EPP_CHECK: check(w, rep); break;
		case IDREG_EPP_INFO: info(w, rep); break;
		case IDREG_EPP_CREATE: transform(w, create_in_store, "create", rep); break;
		case IDREG_EPP_UPDATE: transform(w, update_in_store, "update", rep); break;
		default: transform(w, delete_in_store, "delete", rep); break;
		}
	}
	free(body);
	free(w);
}
