/*
 * TLS server contexts (OpenSSL 3).  See tls.h.
 */
#include "net/tls.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

bool idreg_tls_client_cert_parse(const char *text, enum idreg_tls_client_cert *out)
{
	static const char *const names[] = { "none", "optional", "required" };
	for (int i = 0; i < 3; i++) {
		if (strcmp(text, names[i]) == 0) {
			*out = (enum idreg_tls_client_cert)i;
			return true;
		}
	}
	return false;
}

/* OpenSSL's reason for the last failure, and its error queue emptied. */
static const char *ssl_reason(char *buf, size_t size)
{
	unsigned long e = ERR_peek_last_error();
	if (e == 0) {
		snprintf(buf, size, "unknown reason");
	} else {
		ERR_error_string_n(e, buf, size);
	}
	ERR_clear_error();
	return buf;
}

idreg_err idreg_tls_server_new(const char *cert_file, const char *key_file, const char *ca_file,
			       enum idreg_tls_client_cert client, SSL_CTX **out,
			       struct idreg_diag *diag)
{
	char why[256];
	*out = NULL;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "TLS: %s", ssl_reason(why, sizeof(why)));
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Writes are retried after WANT_WRITE from wherever the buffer then is. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	idreg_err err = IDREG_OK;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
		err = idreg_diag_set(diag, IDREG_ECONFIG, "%s: cannot use as TLS certificate: %s",
				     cert_file, ssl_reason(why, sizeof(why)));
	} else if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
		   SSL_CTX_check_private_key(ctx) != 1) {
		err = idreg_diag_set(diag, IDREG_ECONFIG, "%s: cannot use as the certificate's key: %s",
				     key_file, ssl_reason(why, sizeof(why)));
	} else if (client != IDREG_TLS_CLIENT_NONE) {
		if (ca_file == NULL || ca_file[0] == '\0') {
			err = idreg_diag_set(diag, IDREG_ECONFIG,
					     "client certificates are checked against CAs: set epp.ca");
		} else if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			err = idreg_diag_set(diag, IDREG_ECONFIG, "%s: cannot load CA certificates: %s",
					     ca_file, ssl_reason(why, sizeof(why)));
		} else {
			SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(ca_file));
			SSL_CTX_set_verify(ctx,
					   SSL_VERIFY_PEER | (client == IDREG_TLS_CLIENT_REQUIRED
							      ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
					   NULL);
		}
	}
	if (err != IDREG_OK) {
		SSL_CTX_free(ctx);
		return err;
	}
	*out = ctx;
	return IDREG_OK;
}

void idreg_tls_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}
