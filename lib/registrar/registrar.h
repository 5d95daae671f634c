/*
 * Registrars: the accounts EPP clients log in with.  A registrar has a
 * client id (RFC 5730's clIDType: 3 to 16 characters, here printable ASCII
 * without blanks), a name, a password kept only as an argon2id hash
 * (libsodium's crypto_pwhash_str), a switch that disables it, and two
 * optional restrictions on where it logs in from: the SHA-256 fingerprint
 * of the client certificate it must present, and the addresses (prefixes)
 * it may connect from.  Login checks all of these; every refusal is the
 * same to the client (2200) and says why in the server's log.
 */
#ifndef IDREG_REGISTRAR_REGISTRAR_H
#define IDREG_REGISTRAR_REGISTRAR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "inet/inet.h"

#define IDREG_REGISTRAR_ID_MAX 16
#define IDREG_REGISTRAR_NAME_MAX 255
#define IDREG_REGISTRAR_HASH_MAX 127    /* crypto_pwhash_STRBYTES less its NUL */
#define IDREG_REGISTRAR_PIN_HEX 64      /* SHA-256 as lower-case hex */
#define IDREG_REGISTRAR_ALLOW_MAX 1023  /* the allow-list as text */
#define IDREG_REGISTRAR_PW_MIN 6        /* RFC 5730 pwType */
#define IDREG_REGISTRAR_PW_MAX 16

struct idreg_registrar {
	char id[IDREG_REGISTRAR_ID_MAX + 1];
	char name[IDREG_REGISTRAR_NAME_MAX + 1];
	char password_hash[IDREG_REGISTRAR_HASH_MAX + 1];
	bool enabled;
	char cert_sha256[IDREG_REGISTRAR_PIN_HEX + 1]; /* "" when not pinned */
	char allow[IDREG_REGISTRAR_ALLOW_MAX + 1];     /* prefixes, comma-separated; "" any */
	char created_at[32], changed_at[32];           /* ISO 8601 UTC */
};

/** Is @id a client id (3 to 16 printable ASCII characters, no blank)? */
idreg_err idreg_registrar_check_id(const char *id, struct idreg_diag *diag);

/** Hash @password (6 to 16 characters, RFC 5730's pwType) into @r->password_hash. */
idreg_err idreg_registrar_set_password(struct idreg_registrar *r, const char *password,
				       struct idreg_diag *diag);

/** Does @password match @r's hash? (Takes argon2id's time: tens of milliseconds.) */
bool idreg_registrar_password_matches(const struct idreg_registrar *r, const char *password);

/** A fingerprint in hex (colons allowed, any case) into @r->cert_sha256; "" clears it. */
idreg_err idreg_registrar_set_pin(struct idreg_registrar *r, const char *text,
				  struct idreg_diag *diag);

/** An allow-list "192.0.2.0/24,2001:db8::/32,198.51.100.7" into @r->allow, checked and
 * written back in canonical form; "" allows any address. */
idreg_err idreg_registrar_set_allow(struct idreg_registrar *r, const char *text,
				    struct idreg_diag *diag);

/** May @r connect from @peer? */
bool idreg_registrar_allows(const struct idreg_registrar *r, const struct idreg_ip *peer);

/**
 * Check a login by @r with @password from @peer presenting a certificate of
 * SHA-256 @cert_sha256 (NULL: none).  true if it may log in; otherwise
 * @why (bounded) says which check failed, for the log.
 */
bool idreg_registrar_authenticate(const struct idreg_registrar *r, const char *password,
				  const struct idreg_ip *peer, const unsigned char *cert_sha256,
				  char *why, size_t why_size);

#endif
