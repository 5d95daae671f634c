/*
 * TLS for the event-loop server's listeners (EPP, RFC 5734): a server
 * context from a certificate chain and key in PEM files, TLS 1.2 at least,
 * and client certificates not asked for, asked for and checked when sent
 * (optional), or demanded (required), against the CA certificates of a PEM
 * file.
 */
#ifndef IDREG_NET_TLS_H
#define IDREG_NET_TLS_H

#include <stdbool.h>

#include "core/error.h"

struct ssl_ctx_st;

enum idreg_tls_client_cert { IDREG_TLS_CLIENT_NONE, IDREG_TLS_CLIENT_OPTIONAL,
			     IDREG_TLS_CLIENT_REQUIRED };

/** "none", "optional", "required" to the enum; false for anything else. */
bool idreg_tls_client_cert_parse(const char *text, enum idreg_tls_client_cert *out);

/**
 * A server context for @cert_file (PEM chain) and @key_file; @ca_file holds
 * the CAs client certificates are checked against (needed unless @client is
 * NONE).  Errors name the file and what OpenSSL said.  Free with
 * idreg_tls_free.
 */
idreg_err idreg_tls_server_new(const char *cert_file, const char *key_file, const char *ca_file,
			       enum idreg_tls_client_cert client, struct ssl_ctx_st **out,
			       struct idreg_diag *diag);

void idreg_tls_free(struct ssl_ctx_st *ctx);

#endif
