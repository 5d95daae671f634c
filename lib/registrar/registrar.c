/*
 * Registrar accounts: ids, argon2id passwords, certificate pins and address
 * allow-lists.  See registrar.h.
 */
#include "registrar/registrar.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

idreg_err idreg_registrar_check_id(const char *id, struct idreg_diag *diag)
{
	size_t len = strlen(id);
	if (len < 3 || len > IDREG_REGISTRAR_ID_MAX) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "registrar id '%.40s': 3 to %d characters (RFC 5730 clIDType)",
				      id, IDREG_REGISTRAR_ID_MAX);
	}
	for (size_t i = 0; i < len; i++) {
		if (id[i] <= ' ' || id[i] >= 0x7f) {
			return idreg_diag_set(diag, IDREG_EINVAL,
					      "registrar id '%s': character %zu is not printable ASCII",
					      id, i + 1);
		}
	}
	return IDREG_OK;
}

idreg_err idreg_registrar_set_password(struct idreg_registrar *r, const char *password,
				       struct idreg_diag *diag)
{
	size_t len = strlen(password);
	if (len < IDREG_REGISTRAR_PW_MIN || len > IDREG_REGISTRAR_PW_MAX) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "a password has %d to %d characters (RFC 5730 pwType), not %zu",
				      IDREG_REGISTRAR_PW_MIN, IDREG_REGISTRAR_PW_MAX, len);
	}
	for (size_t i = 0; i < len; i++) {
		if (password[i] == ' ' && (i == 0 || i + 1 == len || password[i + 1] == ' ')) {
			return idreg_diag_set(diag, IDREG_EINVAL,
					      "a password is an XML token: no leading, trailing or double blanks");
		}
		if ((unsigned char)password[i] < ' ') {
			return idreg_diag_set(diag, IDREG_EINVAL,
					      "a password holds no control characters");
		}
	}
	char hash[crypto_pwhash_STRBYTES];
	_Static_assert(crypto_pwhash_STRBYTES <= IDREG_REGISTRAR_HASH_MAX + 1, "hash fits");
	if (sodium_init() < 0 ||
	    crypto_pwhash_str_alg(hash, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "cannot hash the password (out of memory)");
	}
	snprintf(r->password_hash, sizeof(r->password_hash), "%s", hash);
	return IDREG_OK;
}

bool idreg_registrar_password_matches(const struct idreg_registrar *r, const char *password)
{
	return sodium_init() >= 0 &&
	       crypto_pwhash_str_verify(r->password_hash, password, strlen(password)) == 0;
}

idreg_err idreg_registrar_set_pin(struct idreg_registrar *r, const char *text,
				  struct idreg_diag *diag)
{
	char hex[IDREG_REGISTRAR_PIN_HEX + 1];
	size_t n = 0;
	for (const char *p = text; *p; p++) {
		if (*p == ':') {
			continue;
		}
		if (!isxdigit((unsigned char)*p) || n == IDREG_REGISTRAR_PIN_HEX) {
			return idreg_diag_set(diag, IDREG_EINVAL,
					      "certificate fingerprint '%.100s' is not 64 hex digits (SHA-256)",
					      text);
		}
		hex[n++] = (char)tolower((unsigned char)*p);
	}
	if (n != 0 && n != IDREG_REGISTRAR_PIN_HEX) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "certificate fingerprint '%.100s' is not 64 hex digits (SHA-256)",
				      text);
	}
	hex[n] = '\0';
	memcpy(r->cert_sha256, hex, n + 1);
	return IDREG_OK;
}

/* Call @each for every prefix of the list @text (an address is a /32 or /128). */
static idreg_err each_prefix(const char *text, bool (*each)(void *ctx, const struct idreg_prefix *p),
			     void *ctx, struct idreg_diag *diag)
{
	const char *p = text;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		while (len > 0 && p[len - 1] == ' ') {
			len--;
		}
		struct idreg_prefix prefix;
		struct idreg_diag ignored;
		if (memchr(p, '/', len) != NULL) {
			if (idreg_prefix_parse(p, len, &prefix, &ignored) != IDREG_OK) {
				return idreg_diag_set(diag, IDREG_EINVAL,
						      "allow-list: '%.*s' is not a prefix (%s)",
						      (int)(len < 64 ? len : 64), p, ignored.text);
			}
		} else if (idreg_ip_parse(p, len, &prefix.addr) == IDREG_OK) {
			prefix.len = idreg_restype_bits(prefix.addr.type);
		} else {
			return idreg_diag_set(diag, IDREG_EINVAL,
					      "allow-list: '%.*s' is not an address or prefix",
					      (int)(len < 64 ? len : 64), p);
		}
		if (!each(ctx, &prefix)) {
			return IDREG_OK;
		}
		p += strcspn(p, ",");
		p += strspn(p, ", ");
	}
	return IDREG_OK;
}

struct allow_writer {
	char *out;
	size_t size, len;
	bool too_long;
};

static bool write_prefix(void *ctx, const struct idreg_prefix *p)
{
	struct allow_writer *w = ctx;
	char text[IDREG_PREFIX_TEXT_MAX];
	idreg_prefix_format(p, text, sizeof(text));
	int n = snprintf(w->out + w->len, w->size - w->len, "%s%s", w->len ? "," : "", text);
	if (n < 0 || (size_t)n >= w->size - w->len) {
		w->too_long = true;
		return false;
	}
	w->len += (size_t)n;
	return true;
}

idreg_err idreg_registrar_set_allow(struct idreg_registrar *r, const char *text,
				    struct idreg_diag *diag)
{
	char canonical[IDREG_REGISTRAR_ALLOW_MAX + 1] = "";
	struct allow_writer w = { canonical, sizeof(canonical), 0, false };
	idreg_err err = each_prefix(text + strspn(text, " "), write_prefix, &w, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (w.too_long) {
		return idreg_diag_set(diag, IDREG_ETOOBIG, "allow-list longer than %d characters",
				      IDREG_REGISTRAR_ALLOW_MAX);
	}
	memcpy(r->allow, canonical, w.len + 1);
	return IDREG_OK;
}

struct allow_match {
	const struct idreg_ip *peer;
	bool found;
};

static bool match_prefix(void *ctx, const struct idreg_prefix *p)
{
	struct allow_match *m = ctx;
	idreg_u128 host = idreg_host_mask(idreg_restype_bits(p->addr.type), p->len);
	if (p->addr.type == m->peer->type && (m->peer->value & ~host) == p->addr.value) {
		m->found = true;
	}
	return !m->found;
}

bool idreg_registrar_allows(const struct idreg_registrar *r, const struct idreg_ip *peer)
{
	if (r->allow[0] == '\0') {
		return true;
	}
	struct allow_match m = { peer, false };
	return each_prefix(r->allow, match_prefix, &m, NULL) == IDREG_OK && m.found;
}

bool idreg_registrar_authenticate(const struct idreg_registrar *r, const char *password,
				  const struct idreg_ip *peer, const unsigned char *cert_sha256,
				  char *why, size_t why_size)
{
	char address[IDREG_PREFIX_TEXT_MAX];
	if (!r->enabled) {
		snprintf(why, why_size, "registrar %s is disabled", r->id);
		return false;
	}
	if (!idreg_registrar_allows(r, peer)) {
		idreg_ip_format(peer, address, sizeof(address));
		snprintf(why, why_size, "registrar %s may not connect from %s", r->id, address);
		return false;
	}
	if (r->cert_sha256[0] != '\0') {
		char hex[IDREG_REGISTRAR_PIN_HEX + 1];
		if (cert_sha256 == NULL) {
			snprintf(why, why_size, "registrar %s presented no client certificate", r->id);
			return false;
		}
		sodium_bin2hex(hex, sizeof(hex), cert_sha256, 32);
		if (strcmp(hex, r->cert_sha256) != 0) {
			snprintf(why, why_size, "registrar %s presented a certificate of SHA-256 %s, "
				 "not the one pinned", r->id, hex);
			return false;
		}
	}
	if (!idreg_registrar_password_matches(r, password)) {
		snprintf(why, why_size, "registrar %s: wrong password", r->id);
		return false;
	}
	return true;
}
