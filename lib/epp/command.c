/*
 * The EPP command parser: libxml2 reads the frame, then the tree is walked
 * against RFC 5730's structure.  See command.h for what each code means.
 */
#include "epp/command.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#define IDREG__EPP_CODE_MSG(name, code, msg) { code, msg },
static const struct {
	enum idreg_epp_code code;
	const char *msg;
} code_messages[] = { IDREG_EPP_CODE_LIST(IDREG__EPP_CODE_MSG) };
#undef IDREG__EPP_CODE_MSG

#define IDREG__EPP_VERB_NAME(name, element) element,
static const char *const verb_elements[] = { IDREG_EPP_VERB_LIST(IDREG__EPP_VERB_NAME) };
#undef IDREG__EPP_VERB_NAME

#define IDREG__EPP_OBJECT_URI(name, uri) uri,
static const char *const object_uris[] = { IDREG_EPP_OBJECT_LIST(IDREG__EPP_OBJECT_URI) };
#undef IDREG__EPP_OBJECT_URI

/* idn-1.0: the IDN table of a create and an info (domain create and info);
 * cdn-1.0: a domain's variants in its info; rgp-1.0: its grace periods and
 * restore (domain_update.c); secDNS-1.1: DS records (domain_update.c). */
const char *const idreg_epp_extension_uris[] = {
	"urn:ietf:params:xml:ns:idn-1.0",
	"urn:ietf:params:xml:ns:cdn-1.0",
	"urn:ietf:params:xml:ns:rgp-1.0",
	"urn:ietf:params:xml:ns:secDNS-1.1",
};
const size_t idreg_epp_extension_count =
	sizeof(idreg_epp_extension_uris) / sizeof(idreg_epp_extension_uris[0]);

/* Children of a command element more than this are a syntax error. */
#define MAX_CHILDREN 16

const char *idreg_epp_code_message(enum idreg_epp_code code)
{
	for (size_t i = 0; i < sizeof(code_messages) / sizeof(code_messages[0]); i++) {
		if (code_messages[i].code == code) {
			return code_messages[i].msg;
		}
	}
	return "Command failed";
}

const char *idreg_epp_object_uri(enum idreg_epp_object object)
{
	return object < IDREG_EPP_OBJ_COUNT ? object_uris[object] : "";
}

static void set_result(struct idreg_epp_result *res, enum idreg_epp_code code, const char *fmt,
		       va_list ap)
{
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	res->code = code;
}

enum idreg_epp_code idreg_epp_fail(struct idreg_epp_result *res, enum idreg_epp_code code,
				   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_result(res, code, fmt, ap);
	va_end(ap);
	return code;
}

idreg_err idreg_epp_refuse(struct idreg_epp_result *res, enum idreg_epp_code code,
			   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_result(res, code, fmt, ap);
	va_end(ap);
	return IDREG_EREFUSED;
}

static const char *ns_of(const xmlNode *node)
{
	return node->ns != NULL ? (const char *)node->ns->href : "";
}

static bool is_epp(const xmlNode *node, const char *name)
{
	return node != NULL && strcmp(ns_of(node), IDREG_EPP_NS) == 0 &&
	       strcmp((const char *)node->name, name) == 0;
}

static bool blank(const xmlChar *text)
{
	for (; text != NULL && *text; text++) {
		if (*text != ' ' && *text != '\t' && *text != '\r' && *text != '\n') {
			return false;
		}
	}
	return true;
}

enum idreg_epp_code idreg_epp_children(const xmlNode *parent, const xmlNode **out, size_t max,
				       size_t *count, struct idreg_epp_result *res)
{
	*count = 0;
	for (const xmlNode *n = parent->children; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE) {
			if (*count == max) {
				return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "too many elements in <%s>",
					    (const char *)parent->name);
			}
			out[(*count)++] = n;
		} else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
			   !blank(n->content)) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "unexpected text in <%s>",
				    (const char *)parent->name);
		} else if (n->type == XML_ENTITY_REF_NODE) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "entity reference in <%s>",
				    (const char *)parent->name);
		}
	}
	return IDREG_EPP_OK;
}

enum idreg_epp_code idreg_epp_token(const xmlNode *node, char *out, size_t size, size_t min,
				    size_t max, struct idreg_epp_result *res)
{
	size_t len = 0;
	bool space = false;
	for (const xmlNode *n = node->children; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE || n->type == XML_ENTITY_REF_NODE) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<%s> holds an element",
				    (const char *)node->name);
		}
		if (n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE) {
			continue;
		}
		for (const xmlChar *p = n->content; p != NULL && *p; p++) {
			bool is_blank = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
			if (is_blank) {
				space = len > 0;
				continue;
			}
			if (len + (space ? 1 : 0) + 1 >= size) {
				return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX,
					    "<%s> is longer than %zu characters", 
					    (const char *)node->name, max);
			}
			if (space) {
				out[len++] = ' ';
				space = false;
			}
			out[len++] = (char)*p;
		}
	}
	out[len] = '\0';
	/* Lengths count characters; UTF-8 continuation bytes are not ones. */
	size_t chars = 0;
	for (size_t i = 0; i < len; i++) {
		chars += ((unsigned char)out[i] & 0xC0) != 0x80;
	}
	if (chars < min || chars > max) {
		return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<%s> has %zu characters, not %zu to %zu",
			    (const char *)node->name, chars, min, max);
	}
	return IDREG_EPP_OK;
}

/* Walk the tree once: nesting depth and element count within the limits. */
static bool within_limits(const xmlNode *node, size_t depth, const struct idreg_epp_parse_limits *limits,
			  size_t *elements)
{
	for (; node != NULL; node = node->next) {
		if (node->type != XML_ELEMENT_NODE) {
			continue;
		}
		if (depth > limits->max_depth || ++*elements > limits->max_elements) {
			return false;
		}
		if (!within_limits(node->children, depth + 1, limits, elements)) {
			return false;
		}
	}
	return true;
}

static enum idreg_epp_code parse_svcs(const xmlNode *svcs, struct idreg_epp_login *login,
				      struct idreg_epp_result *res)
{
	const xmlNode *kids[MAX_CHILDREN];
	size_t count, i = 0;
	if (idreg_epp_children(svcs, kids, MAX_CHILDREN, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	for (; i < count && is_epp(kids[i], "objURI"); i++) {
		char uri[256];
		if (idreg_epp_token(kids[i], uri, sizeof(uri), 1, sizeof(uri) - 1, res) != IDREG_EPP_OK) {
			return res->code;
		}
		enum idreg_epp_object o = 0;
		while (o < IDREG_EPP_OBJ_COUNT && strcmp(uri, object_uris[o]) != 0) {
			o++;
		}
		if (o == IDREG_EPP_OBJ_COUNT) {
			return idreg_epp_fail(res, IDREG_EPP_UNIMPL_SERVICE, "object service %s is not offered",
				    uri);
		}
		login->objects |= 1u << o;
	}
	if (i == 0) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<svcs> names no <objURI>");
	}
	if (i < count && is_epp(kids[i], "svcExtension")) {
		const xmlNode *ext[MAX_CHILDREN];
		size_t ext_count;
		if (idreg_epp_children(kids[i], ext, MAX_CHILDREN, &ext_count, res) != IDREG_EPP_OK) {
			return res->code;
		}
		if (ext_count == 0) {
			return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<svcExtension> names no <extURI>");
		}
		for (size_t e = 0; e < ext_count; e++) {
			char uri[256];
			if (!is_epp(ext[e], "extURI")) {
				return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<%s> in <svcExtension>",
					    (const char *)ext[e]->name);
			}
			if (idreg_epp_token(ext[e], uri, sizeof(uri), 1, sizeof(uri) - 1, res) != IDREG_EPP_OK) {
				return res->code;
			}
			size_t k = 0;
			while (k < idreg_epp_extension_count && strcmp(uri, idreg_epp_extension_uris[k]) != 0) {
				k++;
			}
			if (k == idreg_epp_extension_count) {
				return idreg_epp_fail(res, IDREG_EPP_UNIMPL_EXTENSION, "extension %s is not offered",
					    uri);
			}
		}
		i++;
	}
	if (i < count) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<%s> in <svcs>", (const char *)kids[i]->name);
	}
	return IDREG_EPP_OK;
}

static enum idreg_epp_code parse_login(const xmlNode *login_node, struct idreg_epp_login *login,
				       struct idreg_epp_result *res)
{
	const xmlNode *kids[MAX_CHILDREN];
	size_t count, i = 0;
	if (idreg_epp_children(login_node, kids, MAX_CHILDREN, &count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	static const char *const required[] = { "clID", "pw", "options", "svcs" };
	for (size_t r = 0; r < sizeof(required) / sizeof(required[0]); r++) {
		bool found = false;
		for (size_t k = 0; k < count; k++) {
			found |= is_epp(kids[k], required[r]);
		}
		if (!found) {
			return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<login> without <%s>", required[r]);
		}
	}
	if (!is_epp(kids[i], "clID") ||
	    idreg_epp_token(kids[i++], login->clid, sizeof(login->clid), IDREG_EPP_CLID_MIN, IDREG_EPP_CLID_MAX, res) != IDREG_EPP_OK ||
	    !is_epp(kids[i], "pw") ||
	    idreg_epp_token(kids[i++], login->pw, sizeof(login->pw), IDREG_EPP_PW_MIN, IDREG_EPP_PW_MAX, res) != IDREG_EPP_OK) {
		return res->code != IDREG_EPP_OK ? res->code
						 : idreg_epp_fail(res, IDREG_EPP_SYNTAX,
							"<login> must begin with <clID> and <pw>");
	}
	if (i < count && is_epp(kids[i], "newPW") &&
	    idreg_epp_token(kids[i++], login->new_pw, sizeof(login->new_pw), IDREG_EPP_PW_MIN, IDREG_EPP_PW_MAX, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (i + 2 != count || !is_epp(kids[i], "options") || !is_epp(kids[i + 1], "svcs")) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX,
			    "<login> holds <clID>, <pw>, <newPW>, <options>, <svcs> in that order");
	}
	const xmlNode *opts[MAX_CHILDREN];
	size_t opt_count;
	if (idreg_epp_children(kids[i], opts, MAX_CHILDREN, &opt_count, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (opt_count != 2 || !is_epp(opts[0], "version") || !is_epp(opts[1], "lang")) {
		return idreg_epp_fail(res, opt_count < 2 ? IDREG_EPP_MISSING_PARAM : IDREG_EPP_SYNTAX,
			    "<options> holds <version> and <lang>");
	}
	char version[16], lang[16];
	if (idreg_epp_token(opts[0], version, sizeof(version), 1, sizeof(version) - 1, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (strcmp(version, "1.0") != 0) {
		return idreg_epp_fail(res, IDREG_EPP_UNIMPL_VERSION, "protocol version %s is not offered (1.0 is)",
			    version);
	}
	if (idreg_epp_token(opts[1], lang, sizeof(lang), 1, sizeof(lang) - 1, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (strcmp(lang, "en") != 0) {
		return idreg_epp_fail(res, IDREG_EPP_UNIMPL_OPTION, "language %s is not offered (en is)", lang);
	}
	return parse_svcs(kids[i + 1], login, res);
}

/* An object command's one element: its namespace says the object service. */
static enum idreg_epp_code parse_object(const xmlNode *verb_node, const char *verb,
					struct idreg_epp_command *cmd, struct idreg_epp_result *res)
{
	const xmlNode *kids[2];
	size_t count;
	if (idreg_epp_children(verb_node, kids, 2, &count, res) != IDREG_EPP_OK) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<%s> holds one object element", verb);
	}
	if (count != 1) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<%s> without an object element", verb);
	}
	const char *ns = ns_of(kids[0]);
	enum idreg_epp_object o = 0;
	while (o < IDREG_EPP_OBJ_COUNT && strcmp(ns, object_uris[o]) != 0) {
		o++;
	}
	if (o == IDREG_EPP_OBJ_COUNT) {
		if (strcmp(ns, IDREG_EPP_NS) == 0 || ns[0] == '\0') {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<%s> holds <%s>, not an object's element",
				    verb, (const char *)kids[0]->name);
		}
		return idreg_epp_fail(res, IDREG_EPP_UNIMPL_SERVICE, "object service %s is not offered", ns);
	}
	if (strcmp((const char *)kids[0]->name, verb) != 0) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<%s> holds <%s>", verb,
			    (const char *)kids[0]->name);
	}
	cmd->object = o;
	cmd->body = kids[0];
	return IDREG_EPP_OK;
}

/* An attribute that must be one of @values (NULL-terminated). */
static enum idreg_epp_code enum_attribute(const xmlNode *node, const char *name,
					  const char *const *values, const char **out,
					  struct idreg_epp_result *res)
{
	const xmlAttr *attr = xmlHasProp(node, (const xmlChar *)name);
	if (attr == NULL || attr->children == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<%s> without the %s attribute",
			    (const char *)node->name, name);
	}
	const char *value = (const char *)attr->children->content;
	for (size_t i = 0; values[i] != NULL; i++) {
		if (value != NULL && strcmp(value, values[i]) == 0) {
			*out = values[i];
			return IDREG_EPP_OK;
		}
	}
	return idreg_epp_fail(res, IDREG_EPP_PARAM_SYNTAX, "<%s %s=\"%.32s\">: not a known %s",
		    (const char *)node->name, name, value != NULL ? value : "", name);
}

static enum idreg_epp_code parse_verb(const xmlNode *verb_node, struct idreg_epp_command *cmd,
				      struct idreg_epp_result *res)
{
	static const char *const transfer_ops[] = { "request", "query", "approve", "reject",
						    "cancel", NULL };
	static const char *const poll_ops[] = { "req", "ack", NULL };
	const xmlNode *kids[1];
	size_t count;
	switch (cmd->verb) {
	case IDREG_EPP_LOGIN:
		return parse_login(verb_node, &cmd->login, res);
	case IDREG_EPP_LOGOUT:
		if (idreg_epp_children(verb_node, kids, 1, &count, res) != IDREG_EPP_OK || count != 0) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<logout> is empty");
		}
		return IDREG_EPP_OK;
	case IDREG_EPP_POLL:
		if (idreg_epp_children(verb_node, kids, 1, &count, res) != IDREG_EPP_OK || count != 0) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<poll> is empty");
		}
		if (enum_attribute(verb_node, "op", poll_ops, &cmd->op, res) != IDREG_EPP_OK) {
			return res->code;
		}
		if (strcmp(cmd->op, "ack") == 0) {
			const xmlAttr *id = xmlHasProp(verb_node, (const xmlChar *)"msgID");
			if (id == NULL || id->children == NULL || blank(id->children->content)) {
				return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<poll op=\"ack\"> without msgID");
			}
			cmd->msg_id = (const char *)id->children->content;
		}
		return IDREG_EPP_OK;
	case IDREG_EPP_TRANSFER:
		if (enum_attribute(verb_node, "op", transfer_ops, &cmd->op, res) != IDREG_EPP_OK) {
			return res->code;
		}
		return parse_object(verb_node, "transfer", cmd, res);
	default:
		return parse_object(verb_node, verb_elements[cmd->verb], cmd, res);
	}
}

static enum idreg_epp_code parse_command(const xmlNode *command, struct idreg_epp_command *cmd,
					 struct idreg_epp_result *res)
{
	const xmlNode *kids[4];
	size_t count;
	if (idreg_epp_children(command, kids, 4, &count, res) != IDREG_EPP_OK) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<command> holds a command, <extension> and <clTRID>");
	}
	/* The clTRID first, so that any error can echo it. */
	size_t end = count;
	if (end > 0 && is_epp(kids[end - 1], "clTRID")) {
		if (idreg_epp_token(kids[end - 1], cmd->cltrid, sizeof(cmd->cltrid), IDREG_EPP_TRID_MIN, IDREG_EPP_TRID_MAX, res) !=
		    IDREG_EPP_OK) {
			cmd->cltrid[0] = '\0';
			return res->code;
		}
		end--;
	}
	if (end > 0 && is_epp(kids[end - 1], "extension")) {
		cmd->extension = kids[--end];
	}
	if (end == 0) {
		return idreg_epp_fail(res, IDREG_EPP_MISSING_PARAM, "<command> without a command element");
	}
	if (end > 1) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX,
			    "<command> holds one command, then <extension> and <clTRID>");
	}
	const xmlNode *verb_node = kids[0];
	if (strcmp(ns_of(verb_node), IDREG_EPP_NS) != 0) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<%s> is not in the EPP namespace",
			    (const char *)verb_node->name);
	}
	enum idreg_epp_verb v = 0;
	while (v < IDREG_EPP_VERB_COUNT && strcmp((const char *)verb_node->name, verb_elements[v]) != 0) {
		v++;
	}
	if (v == IDREG_EPP_VERB_COUNT) {
		return idreg_epp_fail(res, IDREG_EPP_UNKNOWN_COMMAND, "<%.64s> is not an EPP command",
			    (const char *)verb_node->name);
	}
	cmd->verb = v;
	if (parse_verb(verb_node, cmd, res) != IDREG_EPP_OK) {
		return res->code;
	}
	if (cmd->extension != NULL) {
		const xmlNode *ext[MAX_CHILDREN];
		size_t ext_count;
		if (idreg_epp_children(cmd->extension, ext, MAX_CHILDREN, &ext_count, res) != IDREG_EPP_OK) {
			return res->code;
		}
		if (ext_count == 0) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<extension> is empty");
		}
		for (size_t e = 0; e < ext_count; e++) {
			size_t k = 0;
			while (k < idreg_epp_extension_count &&
			       strcmp(ns_of(ext[e]), idreg_epp_extension_uris[k]) != 0) {
				k++;
			}
			if (k == idreg_epp_extension_count) {
				return idreg_epp_fail(res, IDREG_EPP_UNIMPL_EXTENSION, "extension %.128s is not offered",
					    ns_of(ext[e])[0] ? ns_of(ext[e]) : "without a namespace");
			}
		}
	}
	return IDREG_EPP_OK;
}

enum idreg_epp_code idreg_epp_parse(const char *xml, size_t len,
				    const struct idreg_epp_parse_limits *limits,
				    struct idreg_epp_command *cmd, struct idreg_epp_result *res)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->object = IDREG_EPP_OBJ_NONE;
	res->code = IDREG_EPP_OK;
	snprintf(res->msg, sizeof(res->msg), "%s", idreg_epp_code_message(IDREG_EPP_OK));
	if (len > (size_t)INT32_MAX) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "message too long");
	}
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		return idreg_epp_fail(res, IDREG_EPP_FAILED, "out of memory");
	}
	/* No network, no entity substitution, no DTD loading; errors kept, not printed. */
	cmd->doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL,
				     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (cmd->doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char why[160] = "not well-formed";
		int line = e != NULL ? e->line : 0;
		if (e != NULL && e->message != NULL) {
			snprintf(why, sizeof(why), "%s", e->message);
			why[strcspn(why, "\n")] = '\0';
			/* libxml2 quotes the input, which need not be UTF-8. */
			for (char *p = why; *p; p++) {
				if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
					*p = '?';
				}
			}
		}
		xmlFreeParserCtxt(ctxt);
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "XML error at line %d: %s", line, why);
	}
	xmlFreeParserCtxt(ctxt);
	if (cmd->doc->intSubset != NULL || cmd->doc->extSubset != NULL) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "a document type declaration is not accepted");
	}
	size_t elements = 0;
	const xmlNode *root = xmlDocGetRootElement(cmd->doc);
	if (!within_limits(root, 1, limits, &elements)) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "more than %zu levels or %zu elements",
			    limits->max_depth, limits->max_elements);
	}
	if (!is_epp(root, "epp")) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "the root element is <%.64s> in %.128s, not <epp> in %s",
			    (const char *)root->name, ns_of(root)[0] ? ns_of(root) : "no namespace",
			    IDREG_EPP_NS);
	}
	const xmlNode *kids[2];
	size_t count;
	if (idreg_epp_children(root, kids, 2, &count, res) != IDREG_EPP_OK || count != 1) {
		return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<epp> holds exactly one element");
	}
	if (is_epp(kids[0], "hello")) {
		const xmlNode *none[1];
		if (idreg_epp_children(kids[0], none, 1, &count, res) != IDREG_EPP_OK || count != 0) {
			return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<hello> is empty");
		}
		cmd->kind = IDREG_EPP_HELLO;
		return IDREG_EPP_OK;
	}
	if (is_epp(kids[0], "command")) {
		cmd->kind = IDREG_EPP_COMMAND;
		return parse_command(kids[0], cmd, res);
	}
	if (is_epp(kids[0], "extension")) {
		return idreg_epp_fail(res, IDREG_EPP_UNIMPL_EXTENSION, "no protocol extension is offered");
	}
	return idreg_epp_fail(res, IDREG_EPP_SYNTAX, "<epp> holds <%.64s>: a client sends <hello> or <command>",
		    (const char *)kids[0]->name);
}

void idreg_epp_command_free(struct idreg_epp_command *cmd)
{
	xmlFreeDoc(cmd->doc);
	cmd->doc = NULL;
}
