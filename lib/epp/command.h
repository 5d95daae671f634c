/*
 * EPP commands (RFC 5730) as the server reads them, and the result codes it
 * answers with.  The parser takes one frame's XML and says what was asked:
 * a <hello>, or a <command> with its verb, the object service it addresses
 * (domain, host or contact of RFC 5731-5733), its <extension> elements and
 * its <clTRID>; login's credentials and options are read in full.  What an
 * object command carries is left in the parsed document for the object's
 * own code.  XML is read by libxml2 without network access, DTD loading or
 * entity substitution; a document with a DTD, deeper than the limit or
 * with more elements than the limit is refused.
 *
 * When a frame cannot be a command, the result says which of RFC 5730
 * section 3's codes applies, with a message naming the element at fault:
 * 2001 not well-formed or not EPP's structure, 2000 an element under
 * <command> that is no EPP command, 2003 a required element or attribute
 * missing, 2005 a value of the wrong form, 2100 a protocol version other
 * than 1.0, 2102 a language not offered, 2103 an extension not offered,
 * 2307 an object service not offered.
 */
#ifndef IDREG_EPP_COMMAND_H
#define IDREG_EPP_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "core/error.h"

/* X(NAME, code, message): RFC 5730 section 3, the result codes idreg uses. */
#define IDREG_EPP_CODE_LIST(X)                                                        \
	X(OK, 1000, "Command completed successfully")                                 \
	X(OK_PENDING, 1001, "Command completed successfully; action pending")         \
	X(OK_NO_MESSAGES, 1300, "Command completed successfully; no messages")        \
	X(OK_ACK_TO_DEQUEUE, 1301, "Command completed successfully; ack to dequeue")  \
	X(OK_ENDING, 1500, "Command completed successfully; ending session")          \
	X(UNKNOWN_COMMAND, 2000, "Unknown command")                                   \
	X(SYNTAX, 2001, "Command syntax error")                                       \
	X(USE, 2002, "Command use error")                                             \
	X(MISSING_PARAM, 2003, "Required parameter missing")                          \
	X(PARAM_RANGE, 2004, "Parameter value range error")                           \
	X(PARAM_SYNTAX, 2005, "Parameter value syntax error")                         \
	X(UNIMPL_VERSION, 2100, "Unimplemented protocol version")                     \
	X(UNIMPL_COMMAND, 2101, "Unimplemented command")                              \
	X(UNIMPL_OPTION, 2102, "Unimplemented option")                                \
	X(UNIMPL_EXTENSION, 2103, "Unimplemented extension")                          \
	X(BILLING, 2104, "Billing failure")                                           \
	X(NOT_RENEWABLE, 2105, "Object is not eligible for renewal")                  \
	X(NOT_TRANSFERABLE, 2106, "Object is not eligible for transfer")              \
	X(AUTH, 2200, "Authentication error")                                         \
	X(AUTHORIZATION, 2201, "Authorization error")                                 \
	X(INVALID_AUTHINFO, 2202, "Invalid authorization information")                \
	X(PENDING_TRANSFER, 2300, "Object pending transfer")                          \
	X(NOT_PENDING_TRANSFER, 2301, "Object not pending transfer")                  \
	X(EXISTS, 2302, "Object exists")                                              \
	X(DOES_NOT_EXIST, 2303, "Object does not exist")                              \
	X(STATUS_PROHIBITS, 2304, "Object status prohibits operation")                \
	X(ASSOCIATION_PROHIBITS, 2305, "Object association prohibits operation")      \
	X(POLICY, 2306, "Parameter value policy error")                               \
	X(UNIMPL_SERVICE, 2307, "Unimplemented object service")                       \
	X(DATA_POLICY, 2308, "Data management policy violation")                      \
	X(FAILED, 2400, "Command failed")                                             \
	X(FAILED_CLOSING, 2500, "Command failed; server closing connection")          \
	X(AUTH_CLOSING, 2501, "Authentication error; server closing connection")     \
	X(SESSION_LIMIT, 2502, "Session limit exceeded; server closing connection")

#define IDREG__EPP_CODE_ENUM(name, code, msg) IDREG_EPP_##name = code,
enum idreg_epp_code { IDREG_EPP_CODE_LIST(IDREG__EPP_CODE_ENUM) };
#undef IDREG__EPP_CODE_ENUM

/** RFC 5730's message for @code ("Command failed" for a code not listed). */
const char *idreg_epp_code_message(enum idreg_epp_code code);

#define IDREG_EPP_NS "urn:ietf:params:xml:ns:epp-1.0"

/* X(NAME, element): the commands of RFC 5730 section 2.9. */
#define IDREG_EPP_VERB_LIST(X)                                                        \
	X(LOGIN, "login")                                                             \
	X(LOGOUT, "logout")                                                           \
	X(CHECK, "check")                                                             \
	X(INFO, "info")                                                               \
	X(POLL, "poll")                                                               \
	X(TRANSFER, "transfer")                                                       \
	X(CREATE, "create")                                                           \
	X(DELETE, "delete")                                                           \
	X(RENEW, "renew")                                                             \
	X(UPDATE, "update")

#define IDREG__EPP_VERB_ENUM(name, element) IDREG_EPP_##name,
enum idreg_epp_verb { IDREG_EPP_VERB_LIST(IDREG__EPP_VERB_ENUM) IDREG_EPP_VERB_COUNT };
#undef IDREG__EPP_VERB_ENUM

/* X(NAME, namespace URI): the object services idreg offers. */
#define IDREG_EPP_OBJECT_LIST(X)                                                      \
	X(DOMAIN, "urn:ietf:params:xml:ns:domain-1.0")                                \
	X(HOST, "urn:ietf:params:xml:ns:host-1.0")                                    \
	X(CONTACT, "urn:ietf:params:xml:ns:contact-1.0")

#define IDREG__EPP_OBJECT_ENUM(name, uri) IDREG_EPP_OBJ_##name,
enum idreg_epp_object { IDREG_EPP_OBJECT_LIST(IDREG__EPP_OBJECT_ENUM) IDREG_EPP_OBJ_COUNT,
			IDREG_EPP_OBJ_NONE = IDREG_EPP_OBJ_COUNT };
#undef IDREG__EPP_OBJECT_ENUM

/** The namespace URI of an object service. */
const char *idreg_epp_object_uri(enum idreg_epp_object object);

/** Extensions (svcExtension extURIs) the server offers. */
extern const char *const idreg_epp_extension_uris[];
extern const size_t idreg_epp_extension_count;

/* Lengths of RFC 5730's types (eppcom clIDType, pwType, trIDStringType). */
#define IDREG_EPP_CLID_MIN 3
#define IDREG_EPP_CLID_MAX 16
#define IDREG_EPP_PW_MIN 6
#define IDREG_EPP_PW_MAX 16
#define IDREG_EPP_TRID_MIN 3
#define IDREG_EPP_TRID_MAX 64

enum idreg_epp_kind { IDREG_EPP_HELLO, IDREG_EPP_COMMAND };

/* Bytes a token of @n characters may take in UTF-8, with its NUL. */
#define IDREG_EPP_TOKEN_BYTES(n) (4 * (n) + 1)

/** <login>'s contents; strings NUL-terminated, whitespace collapsed as for tokens. */
struct idreg_epp_login {
	char clid[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_CLID_MAX)];
	char pw[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_PW_MAX)];
	char new_pw[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_PW_MAX)]; /* "" when <newPW> is absent */
	unsigned objects;                  /* bit per enum idreg_epp_object asked for */
};

/** A command as parsed.  @doc owns the XML; free it with idreg_epp_command_free. */
struct idreg_epp_command {
	enum idreg_epp_kind kind;
	enum idreg_epp_verb verb;
	enum idreg_epp_object object;  /* the object service, IDREG_EPP_OBJ_NONE for none */
	const char *op;                /* transfer and poll: the op attribute, else NULL */
	const char *msg_id;            /* poll op="ack": msgID */
	char cltrid[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_TRID_MAX)]; /* "" when the client sent none */
	struct idreg_epp_login login;
	const xmlNode *body;           /* the object element (e.g. <domain:check>), or NULL */
	const xmlNode *extension;      /* <extension>, or NULL */
	xmlDoc *doc;
};

/** The outcome of parsing: 1000, or the code and a precise message. */
struct idreg_epp_result {
	enum idreg_epp_code code;
	char msg[256];
};

struct idreg_epp_parse_limits {
	size_t max_depth;    /* element nesting at most */
	size_t max_elements; /* elements in the document at most */
};

/**
 * Parse one frame's XML (@len bytes, not NUL-terminated).  Returns the
 * result code: IDREG_EPP_OK and a filled @cmd, or an error code with @res
 * saying why; the clTRID is in @cmd->cltrid whenever it could be read, so
 * an error answer can echo it.  Call idreg_epp_command_free in every case.
 */
enum idreg_epp_code idreg_epp_parse(const char *xml, size_t len,
				    const struct idreg_epp_parse_limits *limits,
				    struct idreg_epp_command *cmd, struct idreg_epp_result *res);

void idreg_epp_command_free(struct idreg_epp_command *cmd);

/** An element's text as an XML token (blanks collapsed, ends trimmed) into
 * @out of @size bytes; its length in characters must be within [@min, @max]
 * (2005 otherwise; 2001 when it holds an element). */
enum idreg_epp_code idreg_epp_token(const xmlNode *node, char *out, size_t size, size_t min,
				    size_t max, struct idreg_epp_result *res);

/** Set @res to @code and the message (printf-style); returns @code. */
enum idreg_epp_code idreg_epp_fail(struct idreg_epp_result *res, enum idreg_epp_code code,
				   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** The same for a refusal inside a store function: returns IDREG_EREFUSED,
 * which rolls a write back, with the EPP code and message kept in @res. */
idreg_err idreg_epp_refuse(struct idreg_epp_result *res, enum idreg_epp_code code,
			   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** The element children of @parent into @out, at most @max (2001 for more);
 * text other than blanks is 2001 too (RFC 5730's elements hold elements or
 * text, never both). */
enum idreg_epp_code idreg_epp_children(const xmlNode *parent, const xmlNode **out, size_t max,
				       size_t *count, struct idreg_epp_result *res);

#endif
