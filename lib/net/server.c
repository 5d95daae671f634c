/*
 * The event-loop server: listeners, workers, connections.  See server.h.
 *
 * Each worker owns an epoll set holding the listening sockets
 * (EPOLLEXCLUSIVE), one eventfd that only stopping makes readable, and its
 * connections.  A connection is read only while it has no output queued
 * (a client that does not read its answers stops being read: no unbounded
 * queues), and its input goes to the protocol until the protocol makes no
 * more progress.  Timeouts: each worker keeps one list per listener ordered
 * by last activity (accepting, an answer written whole), so the first entry
 * is always the next to expire.
 *
 * A listener may speak TLS: its connections then read and write through
 * OpenSSL in non-blocking mode.  An SSL call that would block says whether
 * it waits for the socket to become readable or writable (a handshake, or
 * TLS 1.3 key updates, can make a write wait for input and a read wait for
 * output); the connection is watched for that, and the call is made again.
 * Bytes OpenSSL has decrypted but the connection has not yet taken are no
 * epoll event: they are taken as soon as there is room.
 */
#include "net/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/log.h"

#define MAX_LISTENERS 4
#define MAX_WORKERS 256
#define EVENTS_PER_WAIT 64
/* Output buffers larger than this are given back once written. */
#define OUT_KEEP_BYTES (64 * 1024)

enum watch_kind { WATCH_LISTENER, WATCH_WAKE, WATCH_CONN };

struct listener {
	enum watch_kind kind; /* first: epoll data points here */
	int fd;
	char name[16];
	char address[128];
	const struct idreg_protocol *protocol;
	void *ctx;
	long max_connections;
	long timeout_ms;
	SSL_CTX *tls; /* NULL: plain TCP */
	atomic_long connections;
};

struct conn_list {
	struct conn *head, *tail;
};

struct worker {
	struct idreg_server *srv;
	pthread_t thread;
	int epfd;
	int reserve_fd; /* given up to accept and refuse when out of descriptors */
	struct conn_list lists[MAX_LISTENERS];
	size_t conn_count;
	bool draining;
	int64_t drain_deadline;
	int64_t last_shed_warning;
	int64_t now; /* the clock, read once per event handled */
};

struct conn {
	enum watch_kind kind; /* first: epoll data points here */
	struct idreg_conn pub;
	int fd;
	struct listener *listener;
	struct worker *worker;
	struct conn_list *list;
	struct conn *prev, *next;
	int64_t last_active;
	size_t out_off;
	SSL *ssl;        /* TLS listeners */
	int ssl_wait;    /* 0, or SSL_ERROR_WANT_READ/WRITE: what the last SSL call waits for */
	uint32_t events; /* watched in the epoll set */
	bool registered; /* in the worker's epoll set */
	bool drained;    /* the last read emptied the socket's receive queue */
	bool eof, writing, lingering, expired;
	bool spared;     /* a timeout put off for input waiting unread, since the last answer */
};

struct idreg_server {
	struct listener listeners[MAX_LISTENERS];
	size_t listener_count;
	struct worker *workers;
	long worker_count;
	enum watch_kind wake_kind;
	int wake_fd;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool idreg_conn_peer_cert_sha256(const struct idreg_conn *conn, unsigned char out[32])
{
	const struct conn *c = (const struct conn *)(const void *)((const char *)conn -
								   offsetof(struct conn, pub));
	X509 *cert = c->ssl != NULL ? SSL_get0_peer_certificate(c->ssl) : NULL;
	unsigned int len = 0;
	return cert != NULL && X509_digest(cert, EVP_sha256(), out, &len) == 1 && len == 32;
}

void idreg_conn_consume(struct idreg_conn *conn, size_t n)
{
	if (n >= conn->in_len) {
		conn->in_len = 0;
		return;
	}
	memmove(conn->in, conn->in + n, conn->in_len - n);
	conn->in_len -= n;
}

bool idreg_net_parse_address(const char *text, struct sockaddr_storage *out, socklen_t *len)
{
	char host[128];
	const char *port;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL || close[1] != ':' || (size_t)(close - text - 1) >= sizeof(host)) {
			return false;
		}
		memcpy(host, text + 1, (size_t)(close - text - 1));
		host[close - text - 1] = '\0';
		port = close + 2;
	} else {
		const char *colon = strrchr(text, ':');
		if (colon == NULL || (size_t)(colon - text) >= sizeof(host)) {
			return false;
		}
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
		port = colon + 1;
	}
	char *end;
	long p = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || p < 0 || p > 65535) {
		return false;
	}
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *v4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)p);
		*len = sizeof(*v4);
		return true;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*v6);
		return true;
	}
	return false;
}

static struct idreg_ip peer_address(const struct sockaddr_storage *sa)
{
	struct idreg_ip ip = { IDREG_RES_IPV4, 0 };
	if (sa->ss_family == AF_INET) {
		ip.value = ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr);
	} else if (sa->ss_family == AF_INET6) {
		const unsigned char *b = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		ip.type = IDREG_RES_IPV6;
		for (int i = 0; i < 16; i++) {
			ip.value = (ip.value << 8) | b[i];
		}
	}
	return ip;
}

/* ---- connection lists (timeouts) ---- */

static void list_remove(struct conn *c)
{
	struct conn_list *l = c->list;
	if (c->prev != NULL) {
		c->prev->next = c->next;
	} else {
		l->head = c->next;
	}
	if (c->next != NULL) {
		c->next->prev = c->prev;
	} else {
		l->tail = c->prev;
	}
	c->prev = c->next = NULL;
}

static void list_append(struct conn *c)
{
	struct conn_list *l = c->list;
	c->prev = l->tail;
	c->next = NULL;
	if (l->tail != NULL) {
		l->tail->next = c;
	} else {
		l->head = c;
	}
	l->tail = c;
}

/* Something happened: the timeout starts again. */
static void conn_touch(struct conn *c)
{
	c->last_active = c->worker->now;
	c->expired = false;
	if (c->list->tail != c) {
		list_remove(c);
		list_append(c);
	}
}

/* ---- connections ---- */

static void conn_close(struct conn *c)
{
	struct worker *w = c->worker;
	if (c->listener->protocol->close != NULL) {
		c->listener->protocol->close(&c->pub);
	}
	list_remove(c);
	SSL_free(c->ssl);
	close(c->fd); /* also takes it out of the epoll set */
	idreg_buf_free(&c->pub.out);
	atomic_fetch_sub(&c->listener->connections, 1);
	w->conn_count--;
	free(c);
}

/* Wait for the connection to become writable (@writing) or readable;
 * false if it could not be watched and was closed. */
static bool conn_watch(struct conn *c, bool writing)
{
	bool out = c->ssl_wait != 0 ? c->ssl_wait == SSL_ERROR_WANT_WRITE : writing;
	uint32_t events = out ? EPOLLOUT : EPOLLIN | EPOLLRDHUP;
	if (c->registered && c->writing == writing && c->events == events) {
		return true;
	}
	struct epoll_event ev = { .events = events, .data.ptr = c };
	if (epoll_ctl(c->worker->epfd, c->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd,
		      &ev) != 0) {
		conn_close(c);
		return false;
	}
	c->registered = true;
	c->writing = writing;
	c->events = events;
	return true;
}

/* The outcome of an SSL call that moved @n bytes: @n, or 0 when it would
 * block (c->ssl_wait says on what), or -1 when the connection failed; a
 * clean end of the peer's side is -2. */
static ssize_t tls_outcome(struct conn *c, int n)
{
	if (n > 0) {
		c->ssl_wait = 0;
		return n;
	}
	int e = SSL_get_error(c->ssl, n);
	ERR_clear_error();
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		c->ssl_wait = e;
		return 0;
	}
	c->ssl_wait = 0;
	return e == SSL_ERROR_ZERO_RETURN ? -2 : -1;
}

/* The answer is out: close, first waiting for the client's end when it has
 * sent more than was read (closing with unread input sends a reset, which
 * can destroy the answer before the client reads it). */
static void conn_finish(struct conn *c)
{
	int unread = 0;
	if (c->eof || c->drained || ioctl(c->fd, FIONREAD, &unread) != 0 || unread == 0) {
		conn_close(c);
		return;
	}
	if (c->ssl != NULL && SSL_is_init_finished(c->ssl)) {
		SSL_shutdown(c->ssl); /* close_notify, if the socket takes it now */
		ERR_clear_error();
	}
	shutdown(c->fd, SHUT_WR);
	c->lingering = true;
	if (conn_watch(c, false)) {
		conn_touch(c);
	}
}

/* Write queued output: 1 all written, 0 would block, -1 connection failed. */
static int conn_write(struct conn *c)
{
	struct idreg_buf *out = &c->pub.out;
	while (c->out_off < out->len) {
		if (c->ssl != NULL) {
			ssize_t n = tls_outcome(c, SSL_write(c->ssl, out->data + c->out_off,
							     (int)(out->len - c->out_off)));
			if (n <= 0) {
				return n == 0 ? 0 : -1;
			}
			c->out_off += (size_t)n;
			continue;
		}
		ssize_t n = send(c->fd, out->data + c->out_off, out->len - c->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = 0;
	if (out->cap > OUT_KEEP_BYTES) {
		idreg_buf_free(out);
		idreg_buf_init(out, c->listener->protocol->output_max);
	} else {
		idreg_buf_clear(out);
	}
	c->spared = false;
	conn_touch(c);
	return 1;
}

static void conn_readable(struct conn *c);

/* Take the connection as far as it goes without blocking: write what is
 * queued, give the protocol the input while it makes progress, close when
 * the protocol or the peer is done.  A connection left open is watched. */
static void conn_run(struct conn *c)
{
	const struct idreg_protocol *proto = c->listener->protocol;
	for (;;) {
		if (c->pub.out.len > 0) {
			int written = conn_write(c);
			if (written < 0) {
				conn_close(c);
				return;
			}
			if (written == 0) {
				conn_watch(c, true);
				return;
			}
		}
		if (c->writing && !conn_watch(c, false)) {
			return;
		}
		if (!c->pub.close_after_write && c->pub.in_len > 0) {
			size_t in_before = c->pub.in_len, out_before = c->pub.out.len;
			proto->input(&c->pub, c->eof);
			if (c->pub.in_len != in_before || c->pub.out.len != out_before ||
			    c->pub.close_after_write) {
				continue;
			}
			if (c->pub.in_len == proto->input_max) {
				conn_close(c); /* a protocol that neither answers nor reads */
				return;
			}
		}
		if (c->pub.close_after_write || c->eof ||
		    (c->pub.draining && !c->pub.midway && c->pub.in_len == 0)) {
			conn_finish(c);
		} else if (c->ssl != NULL && SSL_pending(c->ssl) > 0 &&
			   c->pub.in_len < proto->input_max) {
			conn_readable(c); /* decrypted already: no event will say so */
		} else if (!c->registered || c->events != (EPOLLIN | EPOLLRDHUP)) {
			conn_watch(c, false); /* for more input */
		}
		return;
	}
}

static void conn_readable(struct conn *c)
{
	if (c->lingering) {
		char discard[4096];
		ssize_t n = recv(c->fd, discard, sizeof(discard), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_close(c);
		}
		return;
	}
	size_t room = c->listener->protocol->input_max - c->pub.in_len;
	ssize_t n;
	if (c->ssl != NULL) {
		n = tls_outcome(c, SSL_read(c->ssl, c->pub.in + c->pub.in_len, (int)room));
		if (n == 0) {
			conn_watch(c, false); /* on what the read waits for */
			return;
		}
		if (n == -2) {
			n = 0; /* the peer's close_notify: the end of its input */
		} else if (n < 0) {
			conn_close(c);
			return;
		}
	} else {
		n = recv(c->fd, c->pub.in + c->pub.in_len, room, 0);
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			conn_close(c);
		} else if (!c->registered) {
			conn_watch(c, false);
		}
		return;
	}
	if (n == 0) {
		c->eof = true;
	}
	c->drained = (size_t)n < room && (c->ssl == NULL || SSL_pending(c->ssl) == 0);
	c->pub.in_len += (size_t)n;
	conn_run(c);
}

static void conn_open(struct worker *w, struct listener *l, int fd,
		      const struct sockaddr_storage *peer)
{
	const struct idreg_protocol *proto = l->protocol;
	size_t state_size = (proto->state_size + 15) & ~(size_t)15;
	struct conn *c = calloc(1, sizeof(*c) + state_size + proto->input_max);
	if (c == NULL) {
		close(fd);
		return;
	}
	c->kind = WATCH_CONN;
	c->fd = fd;
	c->listener = l;
	c->worker = w;
	c->list = &w->lists[l - w->srv->listeners];
	c->pub.state = (char *)(c + 1);
	c->pub.in = (char *)(c + 1) + state_size;
	c->pub.ctx = l->ctx;
	c->pub.peer = peer_address(peer);
	c->pub.draining = w->draining;
	idreg_buf_init(&c->pub.out, proto->output_max);
	if (l->tls != NULL) {
		c->ssl = SSL_new(l->tls);
		if (c->ssl == NULL || SSL_set_fd(c->ssl, fd) != 1) {
			ERR_clear_error();
			SSL_free(c->ssl);
			close(fd);
			free(c);
			return;
		}
		SSL_set_accept_state(c->ssl);
	}
	c->last_active = w->now;
	list_append(c);
	w->conn_count++;
	long open_now = atomic_fetch_add(&l->connections, 1) + 1;

	if (proto->nodelay) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	if (proto->open != NULL) {
		proto->open(&c->pub);
	}
	if (open_now > l->max_connections) {
		proto->overloaded(&c->pub);
		c->pub.close_after_write = true;
		conn_run(c);
	} else if (proto->client_first) {
		/* The listener deferred the accept until data came: read it now,
		 * and a short exchange is over before epoll ever sees it. */
		conn_readable(c);
	} else if (c->pub.out.len > 0) {
		conn_run(c); /* the server speaks first */
	} else {
		conn_watch(c, false);
	}
}

/* Out of descriptors: take the oldest pending connection with the reserve
 * descriptor and close it, so that the listener does not stay readable. */
static void shed_connection(struct worker *w, struct listener *l)
{
	if (w->now - w->last_shed_warning >= 1000) {
		idreg_log_warn("%s: out of file descriptors: refusing connections", l->name);
		w->last_shed_warning = w->now;
	}
	if (w->reserve_fd >= 0) {
		close(w->reserve_fd);
	}
	int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		close(fd);
	}
	w->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* One connection per wake, as nginx does by default: the listener stays
 * readable while more wait, and the workers share them. */
static void accept_connection(struct worker *w, struct listener *l)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	int fd = accept4(l->fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd >= 0) {
		conn_open(w, l, fd, &peer);
	} else if (errno == EMFILE || errno == ENFILE) {
		shed_connection(w, l);
	}
}

/* ---- workers ---- */

static void worker_start_draining(struct worker *w)
{
	struct idreg_server *srv = w->srv;
	w->draining = true;
	epoll_ctl(w->epfd, EPOLL_CTL_DEL, srv->wake_fd, NULL);
	long longest = 0;
	for (size_t i = 0; i < srv->listener_count; i++) {
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, srv->listeners[i].fd, NULL);
		if (srv->listeners[i].timeout_ms > longest) {
			longest = srv->listeners[i].timeout_ms;
		}
	}
	w->drain_deadline = w->now + longest;
	for (size_t i = 0; i < srv->listener_count; i++) {
		struct conn *next;
		for (struct conn *c = w->lists[i].head; c != NULL; c = next) {
			next = c->next;
			c->pub.draining = true;
			if (c->pub.out.len == 0 && !c->pub.midway && c->pub.in_len == 0) {
				conn_close(c);
			}
		}
	}
}

static void worker_expire(struct worker *w, int64_t now)
{
	struct idreg_server *srv = w->srv;
	for (size_t i = 0; i < srv->listener_count; i++) {
		long timeout = srv->listeners[i].timeout_ms;
		struct conn *c;
		while ((c = w->lists[i].head) != NULL && c->last_active + timeout <= now) {
			if (c->expired || c->lingering) {
				conn_close(c); /* a second timeout, or no last answer wanted */
				continue;
			}
			int unread = 0;
			if (!c->spared && !c->writing && ioctl(c->fd, FIONREAD, &unread) == 0 &&
			    unread > 0) {
				/* The client spoke while this worker was busy (a long
				 * protocol step): its input is read next, not timed out.
				 * Once per answer, so that a client timing a byte to each
				 * expiry cannot hold the connection open. */
				c->spared = true;
				conn_touch(c);
				continue;
			}
			conn_touch(c); /* one more period to write a last answer */
			c->expired = true;
			if (c->listener->protocol->timeout != NULL) {
				c->listener->protocol->timeout(&c->pub);
			}
			c->pub.close_after_write = true;
			conn_run(c);
		}
	}
}

static int worker_wait_ms(struct worker *w, int64_t now)
{
	int64_t next = w->draining ? w->drain_deadline : INT64_MAX;
	for (size_t i = 0; i < w->srv->listener_count; i++) {
		struct conn *c = w->lists[i].head;
		if (c != NULL && c->last_active + w->srv->listeners[i].timeout_ms < next) {
			next = c->last_active + w->srv->listeners[i].timeout_ms;
		}
	}
	if (next == INT64_MAX) {
		return -1;
	}
	return next <= now ? 0 : next - now > 60000 ? 60000 : (int)(next - now);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event events[EVENTS_PER_WAIT];
	for (;;) {
		w->now = now_ms();
		if (w->draining && (w->conn_count == 0 || w->now >= w->drain_deadline)) {
			break;
		}
		int n = epoll_wait(w->epfd, events, EVENTS_PER_WAIT, worker_wait_ms(w, w->now));
		if (n < 0 && errno != EINTR) {
			idreg_log_error("epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			/* Per event: a protocol may take long (an EPP login's password
			 * hash), and an answer's time starts the next timeout. */
			w->now = now_ms();
			enum watch_kind *kind = events[i].data.ptr;
			if (*kind == WATCH_LISTENER) {
				if (!w->draining) {
					accept_connection(w, (struct listener *)(void *)kind);
				}
			} else if (*kind == WATCH_WAKE) {
				if (!w->draining) {
					worker_start_draining(w);
				}
			} else {
				struct conn *c = (struct conn *)(void *)kind;
				uint32_t e = events[i].events;
				if (e & EPOLLERR) {
					conn_close(c);
				} else if (c->writing) {
					conn_run(c);
				} else {
					conn_readable(c);
				}
			}
		}
		worker_expire(w, w->now);
	}
	for (size_t i = 0; i < w->srv->listener_count; i++) {
		while (w->lists[i].head != NULL) {
			conn_close(w->lists[i].head);
		}
	}
	return NULL;
}

/* ---- the server ---- */

idreg_err idreg_server_new(struct idreg_server **out)
{
	struct idreg_server *srv = calloc(1, sizeof(*srv));
	if (srv == NULL) {
		return IDREG_ENOMEM;
	}
	srv->wake_kind = WATCH_WAKE;
	srv->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (srv->wake_fd < 0) {
		free(srv);
		return IDREG_EIO;
	}
	*out = srv;
	return IDREG_OK;
}

idreg_err idreg_server_listen(struct idreg_server *srv, const struct idreg_listener_config *cfg,
			      struct idreg_diag *diag)
{
	struct sockaddr_storage addr;
	socklen_t len;
	if (srv->listener_count == MAX_LISTENERS) {
		return idreg_diag_set(diag, IDREG_EINVAL, "too many listeners");
	}
	if (!idreg_net_parse_address(cfg->address, &addr, &len)) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "%s.listen: '%s' is not ADDRESS:PORT",
				      cfg->key, cfg->address);
	}
	int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	/* Clients that speak first are accepted once their first bytes are in. */
	int defer_s = (int)(cfg->timeout_ms + 999) / 1000;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (cfg->protocol->client_first &&
	     setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_s, sizeof(defer_s)) != 0) ||
	    bind(fd, (struct sockaddr *)&addr, len) != 0 || listen(fd, 4096) != 0) {
		int saved = errno;
		if (fd >= 0) {
			close(fd);
		}
		return idreg_diag_set(diag, IDREG_EIO, "cannot serve %s on %s: %s", cfg->name,
				      cfg->address, strerror(saved));
	}
	struct listener *l = &srv->listeners[srv->listener_count++];
	l->kind = WATCH_LISTENER;
	l->fd = fd;
	snprintf(l->name, sizeof(l->name), "%s", cfg->name);
	snprintf(l->address, sizeof(l->address), "%s", cfg->address);
	l->protocol = cfg->protocol;
	l->ctx = cfg->ctx;
	l->max_connections = cfg->max_connections;
	l->timeout_ms = cfg->timeout_ms;
	l->tls = cfg->tls;
	atomic_init(&l->connections, 0);
	return IDREG_OK;
}

static idreg_err worker_init(struct idreg_server *srv, struct worker *w, struct idreg_diag *diag)
{
	w->srv = srv;
	w->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0) {
		return idreg_diag_set(diag, IDREG_EIO, "epoll_create1: %s", strerror(errno));
	}
	struct epoll_event wake = { .events = EPOLLIN, .data.ptr = &srv->wake_kind };
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, srv->wake_fd, &wake) != 0) {
		return idreg_diag_set(diag, IDREG_EIO, "epoll_ctl: %s", strerror(errno));
	}
	for (size_t i = 0; i < srv->listener_count; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE,
					  .data.ptr = &srv->listeners[i] };
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, srv->listeners[i].fd, &ev) != 0) {
			return idreg_diag_set(diag, IDREG_EIO, "epoll_ctl: %s", strerror(errno));
		}
	}
	return IDREG_OK;
}

idreg_err idreg_server_start(struct idreg_server *srv, long threads, struct idreg_diag *diag)
{
	if (threads <= 0) {
		threads = sysconf(_SC_NPROCESSORS_ONLN);
	}
	if (threads < 1) {
		threads = 1;
	} else if (threads > MAX_WORKERS) {
		threads = MAX_WORKERS;
	}
	srv->workers = calloc((size_t)threads, sizeof(*srv->workers));
	if (srv->workers == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	for (long i = 0; i < threads; i++) {
		srv->workers[i].epfd = -1;
		srv->workers[i].reserve_fd = -1;
	}
	for (long i = 0; i < threads; i++) {
		idreg_err err = worker_init(srv, &srv->workers[i], diag);
		if (err == IDREG_OK &&
		    pthread_create(&srv->workers[i].thread, NULL, worker_main, &srv->workers[i]) != 0) {
			err = idreg_diag_set(diag, IDREG_ENOMEM, "cannot start server threads");
		}
		if (err != IDREG_OK) {
			if (srv->workers[i].epfd >= 0) {
				close(srv->workers[i].epfd);
			}
			if (srv->workers[i].reserve_fd >= 0) {
				close(srv->workers[i].reserve_fd);
			}
			idreg_server_stop(srv);
			return err;
		}
		srv->worker_count = i + 1;
	}
	return IDREG_OK;
}

long idreg_server_threads(const struct idreg_server *srv)
{
	return srv->worker_count;
}

void idreg_server_stop(struct idreg_server *srv)
{
	uint64_t one = 1;
	if (write(srv->wake_fd, &one, sizeof(one)) < 0) {
		idreg_log_error("cannot wake the server threads: %s", strerror(errno));
	}
	/* Refuse new connections now, not only once the last answer is out. */
	for (size_t i = 0; i < srv->listener_count; i++) {
		shutdown(srv->listeners[i].fd, SHUT_RDWR);
	}
	for (long i = 0; i < srv->worker_count; i++) {
		pthread_join(srv->workers[i].thread, NULL);
		close(srv->workers[i].epfd);
		if (srv->workers[i].reserve_fd >= 0) {
			close(srv->workers[i].reserve_fd);
		}
	}
	free(srv->workers);
	srv->workers = NULL;
	srv->worker_count = 0;
	for (size_t i = 0; i < srv->listener_count; i++) {
		close(srv->listeners[i].fd);
	}
	srv->listener_count = 0;
}

void idreg_server_free(struct idreg_server *srv)
{
	if (srv == NULL) {
		return;
	}
	if (srv->workers != NULL || srv->listener_count > 0) {
		idreg_server_stop(srv);
	}
	close(srv->wake_fd);
	free(srv);
}
