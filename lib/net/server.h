/*
 * The network server under idregd's front ends.  Worker threads (one per
 * core by default) each run their own epoll loop over the listening sockets
 * (EPOLLEXCLUSIVE: one worker takes each new connection) and the connections
 * they accepted.  What the bytes mean is the listener's protocol (HTTP for
 * RDAP, a query line for WHOIS): the server reads, hands the protocol the
 * input, writes what the protocol queued, and enforces what every protocol
 * needs: a connection limit per listener, an idle and slow-client timeout,
 * bounded buffers, and a lingering close so that an answer is not lost to a
 * reset.  A listener may speak TLS (OpenSSL, non-blocking).  Stopping drains: no new connections, requests already started are
 * answered, idle connections are closed, then the workers exit.
 */
#ifndef IDREG_NET_SERVER_H
#define IDREG_NET_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/error.h"
#include "inet/inet.h"

struct idreg_conn;

/* What a listener's connections speak.  Every hook runs on the worker thread
 * that owns the connection; hooks of different connections run at once. */
struct idreg_protocol {
	size_t state_size; /* per-connection state, zeroed before open */
	size_t input_max;  /* unprocessed input a connection may hold */
	size_t output_max; /* ceiling of a connection's queued output */
	bool client_first; /* the client speaks first (accept once it has) */
	bool nodelay;      /* TCP_NODELAY: answers go out without waiting */
	void (*open)(struct idreg_conn *conn);
	/* Process conn->in, drop what was used with idreg_conn_consume and
	 * queue answers in conn->out.  @eof: the peer sends no more. */
	void (*input)(struct idreg_conn *conn, bool eof);
	/* Idle past the listener's timeout; conn->midway says whether part of
	 * a request had arrived.  May queue a last answer. */
	void (*timeout)(struct idreg_conn *conn);
	/* Over the listener's connection limit: queue the answer saying so. */
	void (*overloaded)(struct idreg_conn *conn);
	void (*close)(struct idreg_conn *conn);
};

struct idreg_conn {
	void *state;           /* the protocol's, state_size bytes */
	void *ctx;             /* the listener's context, for the protocol */
	struct idreg_ip peer;  /* the client's address */
	char *in;              /* unprocessed input */
	size_t in_len;
	struct idreg_buf out;  /* queued output */
	bool midway;           /* set by the protocol: part of a request has arrived */
	bool close_after_write; /* set by the protocol: close once out is written */
	bool draining;         /* set by the server: it is stopping; answer and close */
};

/** The SHA-256 of the client's TLS certificate into @out; false when it sent none
 * (or the listener is plain TCP). */
bool idreg_conn_peer_cert_sha256(const struct idreg_conn *conn, unsigned char out[32]);

/** Drop the first @n bytes of conn->in. */
void idreg_conn_consume(struct idreg_conn *conn, size_t n);

struct idreg_listener_config {
	const char *name;           /* for messages, e.g. "RDAP" */
	const char *key;            /* its configuration section, e.g. "rdap" */
	const char *address;        /* "host:port" or "[v6]:port" */
	const struct idreg_protocol *protocol;
	void *ctx;
	long max_connections;
	long timeout_ms;            /* idle and slow-client timeout */
	struct ssl_ctx_st *tls;     /* an OpenSSL SSL_CTX: connections speak TLS; NULL: plain TCP */
};

struct idreg_server;

/** "host:port" or "[v6]:port" to a socket address; false if it is neither. */
bool idreg_net_parse_address(const char *text, struct sockaddr_storage *out, socklen_t *len);

idreg_err idreg_server_new(struct idreg_server **out);

/** Open and bind a listening socket now (before start). */
idreg_err idreg_server_listen(struct idreg_server *srv, const struct idreg_listener_config *cfg,
			      struct idreg_diag *diag);

/** Start @threads workers (0: one per online core). */
idreg_err idreg_server_start(struct idreg_server *srv, long threads, struct idreg_diag *diag);

/** Threads the server runs. */
long idreg_server_threads(const struct idreg_server *srv);

/** Stop taking connections, finish requests already started (waiting at
 * most each listener's timeout), close the rest and join the workers. */
void idreg_server_stop(struct idreg_server *srv);

void idreg_server_free(struct idreg_server *srv);

#endif
