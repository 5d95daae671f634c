/*
 * Internationalized email addresses (see email.h): the local part by the
 * grammar of RFC 5321 section 4.1.2 with RFC 6531's UTF-8, the domain by
 * the IDNA2008 registration check (idna2008.h) or as an address literal of
 * RFC 5321 section 4.1.3, and the length limits of section 4.5.3.1.
 */
#include "idn/email.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <unicode/utf8.h>

#include "idn/idna2008.h"

#define IDREG__EMAIL_CHECK_TEXT(name, text) text,
static const char *const check_texts[] = { IDREG_EMAIL_CHECK_LIST(IDREG__EMAIL_CHECK_TEXT) };
#undef IDREG__EMAIL_CHECK_TEXT

const char *idreg_email_check_text(enum idreg_email_check check)
{
	return (unsigned)check < sizeof(check_texts) / sizeof(check_texts[0]) ? check_texts[check]
									       : "?";
}

struct email_parse {
	const char *text;
	size_t len;
	struct idreg_email *out;
	struct idreg_email_refusal *refusal;
	struct idreg_diag *diag;
};

/* Refuse the address for @check at octet @offset; the details after the check's words. */
static idreg_err refuse(struct email_parse *p, enum idreg_email_check check, size_t offset,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static idreg_err refuse(struct email_parse *p, enum idreg_email_check check, size_t offset,
			const char *fmt, ...)
{
	p->refusal->check = check;
	p->refusal->offset = offset;
	p->out->domain_ascii[0] = '\0';
	char details[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	return idreg_diag_set(p->diag, IDREG_EPARSE, "%s%s%s", idreg_email_check_text(check),
			      details[0] ? ": " : "", details);
}

/* Refuse for the character at @offset, named in the message. */
static idreg_err refuse_character(struct email_parse *p, enum idreg_email_check check,
				  size_t offset, const char *what)
{
	int32_t at = (int32_t)offset;
	UChar32 cp;
	U8_NEXT_UNSAFE(p->text, at, cp);
	p->refusal->code_point = (uint32_t)cp;
	char words[160];
	idreg_idna2008_code_point_words((uint32_t)cp, words, sizeof(words));
	return refuse(p, check, offset, "%s%s at octet %zu", what, words, offset + 1);
}

/* atext of RFC 5322 section 3.2.3 (RFC 5321 Atom), ASCII part. */
static bool is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Length of the UTF-8 sequence starting with @lead (the text is valid UTF-8). */
static size_t sequence_length(unsigned char lead)
{
	return lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/* Dot-string: atoms joined by single dots, up to the '@'; its length in *@end. */
static idreg_err dot_string(struct email_parse *p, size_t *end)
{
	const unsigned char *s = (const unsigned char *)p->text;
	size_t atom_start = 0, i = 0;
	while (i < p->len && s[i] != '@') {
		if (s[i] == '.') {
			if (i == atom_start) {
				return refuse(p, IDREG_EMAIL_LOCAL_DOT, i, "%s at octet %zu",
					      i == 0 ? "a leading dot" : "two dots in a row",
					      i + 1);
			}
			atom_start = ++i;
		} else if (s[i] >= 0x80) {
			p->out->local_utf8 = true;
			i += sequence_length(s[i]);
		} else if (is_atext(s[i])) {
			i++;
		} else {
			return refuse_character(p, IDREG_EMAIL_LOCAL_CHARACTER, i, "");
		}
	}
	if (i > 0 && s[i - 1] == '.') {
		return refuse(p, IDREG_EMAIL_LOCAL_DOT, i - 1, "a trailing dot at octet %zu", i);
	}
	*end = i;
	return IDREG_OK;
}

/* Quoted-string: '"', then qtextSMTP (with UTF-8) and quoted pairs, then '"'. */
static idreg_err quoted_string(struct email_parse *p, size_t *end)
{
	const unsigned char *s = (const unsigned char *)p->text;
	p->out->local_quoted = true;
	size_t i = 1;
	for (;;) {
		if (i >= p->len) {
			return refuse(p, IDREG_EMAIL_QUOTED, 0, "no closing '\"'");
		}
		if (s[i] == '"') {
			break;
		}
		if (s[i] == '\\') {
			if (i + 1 >= p->len) {
				return refuse(p, IDREG_EMAIL_QUOTED, i,
					      "a backslash at the end of the address");
			}
			if (s[i + 1] < 0x20 || s[i + 1] > 0x7e) {
				return refuse_character(p, IDREG_EMAIL_QUOTED, i + 1,
							"a backslash may only quote printable "
							"ASCII (quoted-pairSMTP), not ");
			}
			i += 2;
		} else if (s[i] >= 0x80) {
			p->out->local_utf8 = true;
			i += sequence_length(s[i]);
		} else if (s[i] >= 0x20 && s[i] <= 0x7e) {
			i++;
		} else {
			return refuse_character(p, IDREG_EMAIL_QUOTED, i,
						"a control character between the quotes: ");
		}
	}
	i++; /* the closing quote */
	if (i < p->len && s[i] != '@') {
		return refuse_character(p, IDREG_EMAIL_QUOTED, i,
					"after the closing quote comes not '@' but ");
	}
	*end = i;
	return IDREG_OK;
}

/* Snum "." Snum "." Snum "." Snum, each Snum 1 to 3 digits of a value up to 255. */
static bool ipv4_literal(const char *s, size_t len)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || s[i] != '.') {
				return false;
			}
			i++;
		}
		unsigned value = 0, digits = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			value = value * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || value > 255) {
			return false;
		}
	}
	return i == len;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * IPv6-addr of RFC 5321 section 4.1.3: eight groups of 1 to 4 hex digits
 * (six and an IPv4 address), or fewer with one "::" standing for at least
 * two groups of zeros.
 */
static bool ipv6_literal(const char *s, size_t len)
{
	const char *last_colon = memrchr(s, ':', len);
	if (last_colon == NULL) {
		return false;
	}
	size_t hex_len = len;
	unsigned groups_max = 8;
	size_t tail = (size_t)(last_colon - s) + 1;
	if (memchr(s + tail, '.', len - tail) != NULL) {
		if (!ipv4_literal(s + tail, len - tail)) {
			return false;
		}
		groups_max = 6;
		/* The colon before the IPv4 address ends the groups, unless it ends a "::". */
		hex_len = tail >= 2 && s[tail - 2] == ':' ? tail : tail - 1;
	}
	unsigned groups = 0;
	bool compressed = false;
	size_t i = 0;
	if (hex_len >= 2 && s[0] == ':' && s[1] == ':') {
		compressed = true;
		i = 2;
	}
	while (i < hex_len) {
		size_t digits = 0;
		while (i < hex_len && is_hex(s[i]) && digits <= 4) {
			i++;
			digits++;
		}
		if (digits == 0 || digits > 4) {
			return false;
		}
		groups++;
		if (i == hex_len) {
			break;
		}
		if (s[i++] != ':' || i == hex_len) {
			return false; /* not a colon, or a single colon at the end */
		}
		if (s[i] == ':') {
			if (compressed) {
				return false;
			}
			compressed = true;
			i++;
		}
	}
	return compressed ? groups <= groups_max - 2 : groups == groups_max;
}

static idreg_err address_literal(struct email_parse *p, size_t start)
{
	const char *d = p->text + start;
	size_t len = p->len - start;
	if (d[len - 1] != ']') {
		return refuse(p, IDREG_EMAIL_ADDRESS_LITERAL, start, "no closing ']'");
	}
	const char *inner = d + 1;
	size_t inner_len = len - 2;
	if (inner_len >= 5 && strncasecmp(inner, "IPv6:", 5) == 0) {
		if (!ipv6_literal(inner + 5, inner_len - 5)) {
			return refuse(p, IDREG_EMAIL_ADDRESS_LITERAL, start + 6,
				      "'%.*s' is not an IPv6 address in a form RFC 5321 allows",
				      (int)(inner_len - 5), inner + 5);
		}
		p->out->domain_kind = IDREG_EMAIL_IPV6;
	} else if (ipv4_literal(inner, inner_len)) {
		p->out->domain_kind = IDREG_EMAIL_IPV4;
	} else if (memchr(inner, ':', inner_len) != NULL) {
		const char *colon = memchr(inner, ':', inner_len);
		return refuse(p, IDREG_EMAIL_ADDRESS_LITERAL, start + 1,
			      "the tag '%.*s' is not IPv6, the only one registered",
			      (int)(colon - inner), inner);
	} else {
		return refuse(p, IDREG_EMAIL_ADDRESS_LITERAL, start + 1,
			      "'%.*s' is not an IPv4 address (four numbers of 0 to 255)",
			      (int)inner_len, inner);
	}
	memcpy(p->out->domain_ascii, d, len);
	p->out->domain_ascii[len] = '\0';
	return IDREG_OK;
}

static idreg_err domain(struct email_parse *p, size_t start)
{
	if (start == p->len) {
		return refuse(p, IDREG_EMAIL_DOMAIN_EMPTY, start, "%s", "");
	}
	if (p->text[start] == '[') {
		return address_literal(p, start);
	}
	if (p->text[p->len - 1] == '.') {
		return refuse(p, IDREG_EMAIL_DOMAIN_NAME, p->len - 1,
			      "a trailing dot (RFC 5321 Domain has none)");
	}
	struct idreg_idna2008_name name;
	struct idreg_diag why = { "" };
	idreg_err err = idreg_idna2008_check_name(p->text + start, p->len - start, &name, NULL, &why);
	if (err == IDREG_EPARSE) {
		return refuse(p, IDREG_EMAIL_DOMAIN_NAME, start, "%s", why.text);
	}
	if (err != IDREG_OK) {
		p->out->domain_ascii[0] = '\0';
		return idreg_diag_set(p->diag, err, "%s", why.text);
	}
	p->out->domain_kind = IDREG_EMAIL_NAME;
	memcpy(p->out->domain_ascii, name.ascii, sizeof(name.ascii));
	return IDREG_OK;
}

idreg_err idreg_email_check(const char *text, size_t len, struct idreg_email *out,
			    struct idreg_email_refusal *refusal, struct idreg_diag *diag)
{
	struct idreg_email_refusal ignored;
	struct email_parse p = {
		.text = text, .len = len, .out = out, .refusal = refusal ? refusal : &ignored,
		.diag = diag,
	};
	memset(out, 0, sizeof(*out));
	memset(p.refusal, 0, sizeof(*p.refusal));
	if (len > IDREG_EMAIL_ADDRESS_MAX) {
		return refuse(&p, IDREG_EMAIL_TOO_LONG, IDREG_EMAIL_ADDRESS_MAX, "%zu octets", len);
	}
	if (!idreg_uts46_valid_utf8(text, len)) {
		return refuse(&p, IDREG_EMAIL_NOT_UTF8, 0, "%s", "");
	}
	size_t at = 0; /* set by the local-part parsers when they succeed */
	idreg_err err = len > 0 && text[0] == '"' ? quoted_string(&p, &at) : dot_string(&p, &at);
	if (err != IDREG_OK) {
		return err;
	}
	if (at == len) {
		return refuse(&p, IDREG_EMAIL_NO_AT, at, "%s", "");
	}
	if (at == 0) {
		return refuse(&p, IDREG_EMAIL_LOCAL_EMPTY, 0, "%s", "");
	}
	if (at > IDREG_EMAIL_LOCAL_MAX) {
		return refuse(&p, IDREG_EMAIL_LOCAL_TOO_LONG, IDREG_EMAIL_LOCAL_MAX, "%zu octets",
			      at);
	}
	out->local_len = at;
	return domain(&p, at + 1);
}
