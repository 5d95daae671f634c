/*
 * EPP contact commands (RFC 5733): check, info, create, update and delete
 * of contacts, which are the registry's entities (the handle is the
 * contact's id).  A command's body is first read into a plain struct
 * (idreg_epp_contact_parse: structure, lengths and the syntax of every
 * value), apart from the store, so that a fuzzer can drive it; the
 * handler then does its checks and changes inside one store read or write.
 *
 * Values: ids are clIDType (3 to 16 characters); postal lines 1 (name,
 * city) or 0 (org, street, sp) to 255 characters, pc at most 16, cc two
 * upper-case ASCII letters (a syntax check of ISO 3166 alpha-2, not a look
 * up of the assigned codes); the "int" postal form is ASCII only (RFC 5733
 * section 2.3); voice and fax are RFC 5733's e164StringType ("+CC.NUMBER",
 * at most 17 characters) with an extension x of 1 to 10 digits; an email
 * address passes lib/idn/email.h (internationalized addresses); an authInfo
 * password has 6 to 64 characters.  Every refusal is 2005 with the value's
 * element and the reason, or 2001 (structure), 2003 (a required element
 * missing), 2102 (authInfo other than <pw>).
 */
#ifndef IDREG_EPP_CONTACT_H
#define IDREG_EPP_CONTACT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "epp/command.h"
#include "epp/domain.h"
#include "store/store.h"

/* X(NAME, EPP name): RFC 5733 section 2.2's statuses, in its order. */
#define IDREG_EPP_CONTACT_STATUS_LIST(X)                                              \
	X(CLIENT_DELETE_PROHIBITED, "clientDeleteProhibited")                         \
	X(CLIENT_TRANSFER_PROHIBITED, "clientTransferProhibited")                     \
	X(CLIENT_UPDATE_PROHIBITED, "clientUpdateProhibited")                         \
	X(LINKED, "linked")                                                           \
	X(OK, "ok")                                                                   \
	X(PENDING_CREATE, "pendingCreate")                                            \
	X(PENDING_DELETE, "pendingDelete")                                            \
	X(PENDING_TRANSFER, "pendingTransfer")                                        \
	X(PENDING_UPDATE, "pendingUpdate")                                            \
	X(SERVER_DELETE_PROHIBITED, "serverDeleteProhibited")                         \
	X(SERVER_TRANSFER_PROHIBITED, "serverTransferProhibited")                     \
	X(SERVER_UPDATE_PROHIBITED, "serverUpdateProhibited")

#define IDREG__EPP_CONTACT_STATUS(name, text) IDREG_EPP_CS_##name,
enum idreg_epp_contact_status {
	IDREG_EPP_CONTACT_STATUS_LIST(IDREG__EPP_CONTACT_STATUS) IDREG_EPP_CONTACT_STATUS_COUNT
};
#undef IDREG__EPP_CONTACT_STATUS

const char *idreg_epp_contact_status_name(enum idreg_epp_contact_status status);
bool idreg_epp_contact_status_parse(const char *s, size_t len, enum idreg_epp_contact_status *out);

#define IDREG_EPP_POSTAL_LINE_MAX 255
#define IDREG_EPP_PC_MAX 16
#define IDREG_EPP_STREET_LINES 3
#define IDREG_EPP_E164_MAX 17
#define IDREG_EPP_EXT_MAX 10
#define IDREG_EPP_AUTHINFO_MIN 6
#define IDREG_EPP_AUTHINFO_MAX 64
#define IDREG_EPP_EMAIL_CHARS 254

enum idreg_epp_postal_form { IDREG_EPP_POSTAL_INT, IDREG_EPP_POSTAL_LOC, IDREG_EPP_POSTAL_FORMS };

#define IDREG_EPP_LINE_BYTES IDREG_EPP_TOKEN_BYTES(IDREG_EPP_POSTAL_LINE_MAX)

/** One postal form.  In a <chg>, only the parts marked given are changed. */
struct idreg_epp_postal {
	bool given;                     /* the form is there */
	bool has_name, has_org, has_addr;
	char name[IDREG_EPP_LINE_BYTES];
	char org[IDREG_EPP_LINE_BYTES]; /* "" when none */
	char street[IDREG_EPP_STREET_LINES][IDREG_EPP_LINE_BYTES];
	unsigned n_street;
	char city[IDREG_EPP_LINE_BYTES];
	char sp[IDREG_EPP_LINE_BYTES];  /* "" when none */
	char pc[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_PC_MAX)];
	char cc[3];
};

/** A voice or fax number: "" (in <chg>: remove it) or "+CC.NUMBER", and its extension. */
struct idreg_epp_phone {
	bool given;
	char number[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_E164_MAX)];
	char ext[IDREG_EPP_EXT_MAX + 1];
};

/** A contact command's body as read; what the command does not have stays zero. */
struct idreg_epp_contact_body {
	size_t n_ids;                   /* check: 1 to IDREG_EPP_CHECK_MAX; others 1 */
	char ids[IDREG_EPP_CHECK_MAX][IDREG_EPP_TOKEN_BYTES(IDREG_EPP_CLID_MAX)];
	bool has_pw;                    /* info, create, update's <chg> */
	char pw[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_AUTHINFO_MAX)];
	struct idreg_epp_postal postal[IDREG_EPP_POSTAL_FORMS];
	struct idreg_epp_phone voice, fax;
	bool has_email;
	char email[IDREG_EPP_TOKEN_BYTES(IDREG_EPP_EMAIL_CHARS)];
	bool has_disclose;
	bool disclose_flag;             /* flag="1": the fields listed may be disclosed */
	uint32_t disclose_fields;       /* bits (1u << enum idreg_entity_field) */
	uint32_t add_status, rem_status; /* update: bits (1u << enum idreg_epp_contact_status) */
};

/**
 * Read @cmd's contact body (check, info, create, update or delete) into
 * @out.  Returns 1000, or the error code with @res saying which element is
 * wrong and why.  Transfer is not read here.
 */
enum idreg_epp_code idreg_epp_contact_parse(const struct idreg_epp_command *cmd,
					    struct idreg_epp_contact_body *out,
					    struct idreg_epp_result *res);

/**
 * The contact @row as history keeps it (what its EPP commands write: never
 * its authInfo), appended to @out.
 */
idreg_err idreg_epp_contact_text(const struct idreg_stored_contact *row, struct idreg_buf *out,
				 struct idreg_diag *diag);

/**
 * For transfers (lib/epp/transfer.c), inside a store read or write: the
 * contact @handle's id, sponsor, authInfo, stored statuses (names
 * separated by spaces; "ok" when none) and transfer date into @out
 * (IDREG_ENOTFOUND when none); and those of @after written back over the
 * contact, everything else kept, with its history line in @change_set.
 */
idreg_err idreg_epp_contact_transfer_get(struct idreg_store *s, const char *handle,
					 struct idreg_transfer_subject *out, struct idreg_diag *diag);
idreg_err idreg_epp_contact_transfer_put(struct idreg_store *s, int64_t change_set,
					 const char *handle,
					 const struct idreg_transfer_subject *after,
					 struct idreg_diag *diag);

#endif
