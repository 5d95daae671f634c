/*
 * Internationalized email addresses (RFC 6531, RFC 6532) for the contact
 * objects of the registry: can mail be sent to this address?
 *
 * An address is a Mailbox of RFC 5321 (section 4.1.2), as RFC 6531
 * (section 3.3) extends it to UTF-8: no comments, no folding white space,
 * none of RFC 5322's obsolete forms, since none of them can be used on the
 * wire.  That is:
 *
 *  - a local part: a Dot-string (atoms of ASCII letters, digits and
 *    !#$%&'*+-/=?^_`{|}~, and of any non-ASCII character (UTF8-non-ascii,
 *    RFC 6532 section 3.1), joined by single dots) or a Quoted-string
 *    (printable ASCII but '"' and '\', non-ASCII characters, and pairs of
 *    '\' and a printable ASCII character, between double quotes); at most
 *    64 octets (RFC 5321, 4.5.3.1.1);
 *  - '@';
 *  - a domain: a name that passes the registration check of IDNA2008
 *    (idna2008.h: LDH labels, U-labels, A-labels; no trailing dot here),
 *    or an address literal, [IPv4] with four decimal numbers of 0 to 255,
 *    or [IPv6:...] in the forms of RFC 5321 section 4.1.3;
 *  - at most 254 octets in all (a forward path of 256 octets holds the
 *    address and its angle brackets: RFC 5321, 4.5.3.1.3, RFC 3696 erratum
 *    1690).  Lengths are in octets of the address as given.
 *
 * The text must be valid UTF-8 (RFC 3629) without NUL bytes.  A refusal
 * says which check failed, at which octet, and for a character which one.
 * Every function here may be called from any thread.
 */
#ifndef IDREG_IDN_EMAIL_H
#define IDREG_IDN_EMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "idn/uts46.h"

/* Limits in octets (RFC 5321, 4.5.3.1). */
#define IDREG_EMAIL_LOCAL_MAX 64
#define IDREG_EMAIL_ADDRESS_MAX 254

/* X(NAME, text): the checks an address can fail. */
#define IDREG_EMAIL_CHECK_LIST(X)                                                                  \
	X(NOT_UTF8, "not valid UTF-8 (RFC 3629), or a NUL byte")                                     \
	X(TOO_LONG, "longer than 254 octets (RFC 5321, 4.5.3.1.3)")                                  \
	X(LOCAL_EMPTY, "an empty local part")                                                        \
	X(LOCAL_TOO_LONG, "a local part longer than 64 octets (RFC 5321, 4.5.3.1.1)")                \
	X(LOCAL_CHARACTER,                                                                           \
	  "a character a local part may not hold outside quotes (RFC 5321 atext, RFC 6531 3.3)")   \
	X(LOCAL_DOT, "a dot at the start or end of a local part, or two in a row (RFC 5321 Dot-string)") \
	X(QUOTED, "a quoted local part that is not well formed (RFC 5321 Quoted-string)")            \
	X(NO_AT, "no '@' after the local part")                                                      \
	X(DOMAIN_EMPTY, "no domain after the '@'")                                                   \
	X(DOMAIN_NAME, "a domain that is not a registrable name (IDNA2008)")                         \
	X(ADDRESS_LITERAL, "an address literal that is not [IPv4] or [IPv6:...] (RFC 5321, 4.1.3)")

#define IDREG__EMAIL_CHECK(name, text) IDREG_EMAIL_##name,
/** Which check refused an address. */
enum idreg_email_check { IDREG_EMAIL_CHECK_LIST(IDREG__EMAIL_CHECK) };
#undef IDREG__EMAIL_CHECK

/** Why an address was refused, for programs (the diag has it in words). */
struct idreg_email_refusal {
	enum idreg_email_check check;
	size_t offset;       /* the octet at fault, from 0 */
	uint32_t code_point; /* LOCAL_CHARACTER, QUOTED: the character at fault, if one is */
};

enum idreg_email_domain_kind { IDREG_EMAIL_NAME, IDREG_EMAIL_IPV4, IDREG_EMAIL_IPV6 };

/** What a valid address is made of. */
struct idreg_email {
	size_t local_len;    /* octets of the local part, quotes included */
	bool local_quoted;   /* a Quoted-string */
	bool local_utf8;     /* non-ASCII in the local part: only SMTPUTF8 (RFC 6531) can carry it */
	enum idreg_email_domain_kind domain_kind;
	/* The domain in ASCII: a name in its A-label form, lower case; a literal as given. */
	char domain_ascii[IDREG_UTS46_ASCII_MAX];
};

/**
 * Check the address @text of @len bytes as described at the top of this
 * file.  IDREG_OK with its parts in *@out; IDREG_EPARSE with *@refusal (may
 * be NULL) and the check, the octet and the character in words in @diag;
 * IDREG_ENOMEM or IDREG_EINVAL when ICU itself fails.  An address longer
 * than IDREG_EMAIL_ADDRESS_MAX is refused before its bytes are read.
 */
idreg_err idreg_email_check(const char *text, size_t len, struct idreg_email *out,
			    struct idreg_email_refusal *refusal, struct idreg_diag *diag);

/** The text of a check ("an empty local part"). */
const char *idreg_email_check_text(enum idreg_email_check check);

#endif
