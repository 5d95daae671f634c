/*
 * idregd: the registry's query daemon.  It answers RDAP over HTTP
 * (libmicrohttpd, a thread pool) and WHOIS over TCP port 43 style (a pool of
 * threads each taking one connection at a time), both through the same
 * pipeline in lib/query: parse, look up in the current snapshot, render.
 * SIGHUP re-reads the configuration and the data; SIGTERM stops taking
 * connections, lets those in flight finish, and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "query/answer.h"
#include "query/query.h"
#include "query/render.h"
#include "query/snapshot.h"
#include "store/store.h"

#ifndef IDREG_VERSION
#define IDREG_VERSION "0"
#endif

/* Largest response body; an answer that would exceed it is a 500. */
#define RESPONSE_MAX (16 * 1024 * 1024)
#define MAX_ARGS 8

/* What requests answer from: the data and what the service says of itself,
 * swapped together on reload. */
struct view {
	atomic_int refs;
	struct idreg_snapshot *snap;
	struct idreg_service svc;
	char base_url[512], port43[256], terms_of_use[1024], terms_url[512];
	long search_max;
};

struct server {
	struct idreg_config cfg;
	const char *config_path;
	pthread_mutex_t view_lock;
	struct view *view;
	struct idreg_ratelimit *limiter;
	struct MHD_Daemon *http;
	int whois_fd;
	pthread_t *whois_threads;
	long whois_thread_count;
	atomic_bool stopping;
};

static struct view *view_get(struct server *srv)
{
	pthread_mutex_lock(&srv->view_lock);
	struct view *v = srv->view;
	atomic_fetch_add(&v->refs, 1);
	pthread_mutex_unlock(&srv->view_lock);
	return v;
}

static void view_put(struct view *v)
{
	if (v != NULL && atomic_fetch_sub(&v->refs, 1) == 1) {
		idreg_snapshot_unref(v->snap);
		free(v);
	}
}

static double monotonic_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct idreg_ip client_address(const struct sockaddr *sa)
{
	struct idreg_ip ip = { IDREG_RES_IPV4, 0 };
	if (sa != NULL && sa->sa_family == AF_INET) {
		ip.value = ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr);
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		const unsigned char *b = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		ip.type = IDREG_RES_IPV6;
		for (int i = 0; i < 16; i++) {
			ip.value = (ip.value << 8) | b[i];
		}
	}
	return ip;
}

/* ---- listening addresses ---- */

/* "host:port" or "[v6]:port" to a socket address. */
static bool parse_listen(const char *text, struct sockaddr_storage *out, socklen_t *len)
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

/* ---- views: data and service settings ---- */

static idreg_err view_build(const struct idreg_config *cfg, struct view **out,
			    struct idreg_diag *diag)
{
	struct idreg_store_options opts = { .backend = cfg->store_backend, .path = cfg->store_path,
					    .busy_timeout_ms = cfg->store_busy_timeout_ms,
					    .no_migrate = true };
	struct idreg_store *store;
	idreg_err err = idreg_store_open(&opts, &store, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct view *v = calloc(1, sizeof(*v));
	if (v == NULL) {
		idreg_store_close(store);
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	err = idreg_snapshot_load(store, &v->snap, diag);
	idreg_store_close(store);
	if (err != IDREG_OK) {
		free(v);
		return err;
	}
	atomic_init(&v->refs, 1);
	uint32_t redact;
	if (idreg_redaction_parse(cfg->privacy_redact, &redact, diag) != IDREG_OK) {
		idreg_snapshot_unref(v->snap);
		free(v);
		return IDREG_ECONFIG;
	}
	v->search_max = cfg->rdap_search_max;
	idreg_config_rdap_base_url(cfg, v->base_url, sizeof(v->base_url));
	snprintf(v->port43, sizeof(v->port43), "%s", cfg->rdap_port43);
	snprintf(v->terms_of_use, sizeof(v->terms_of_use), "%s", cfg->terms_of_use);
	snprintf(v->terms_url, sizeof(v->terms_url), "%s", cfg->terms_url);
	v->svc = (struct idreg_service){ v->base_url, v->port43, v->terms_of_use, v->terms_url, redact };
	*out = v;
	return IDREG_OK;
}

/* ---- RDAP ---- */

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
					     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * Percent-decoding for libmicrohttpd, in place.  "%00" stays as it is: a
 * decoded NUL would end the C string and silently cut the path or argument,
 * while left alone it makes the request malformed, as it is.
 */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	char *out = s;
	for (const char *p = s; *p; p++) {
		int hi, lo;
		if (p[0] == '%' && (hi = hex_value(p[1])) >= 0 && (lo = hex_value(p[2])) >= 0 &&
		    (hi | lo) != 0) {
			*out++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

/* @path percent-encoded again, after @base: the "value" of links is a URI. */
static void request_uri(const char *base, const char *path, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = (size_t)snprintf(out, size, "%s", base);
	for (const unsigned char *p = (const unsigned char *)path; *p && n + 4 < size; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || strchr("-._~/:*@!$&'()+,;=", *p) != NULL;
		if (plain) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n < size ? n : size - 1] = '\0';
}

struct arg_collector {
	struct idreg_query_arg args[MAX_ARGS];
	size_t count;
	bool overflow;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	struct arg_collector *c = cls;
	if (c->count == MAX_ARGS) {
		c->overflow = true;
		return MHD_NO;
	}
	c->args[c->count++] = (struct idreg_query_arg){ key, value ? value : "" };
	return MHD_YES;
}

static enum MHD_Result send_body(struct MHD_Connection *conn, int status, struct idreg_buf *body,
				 unsigned retry_after)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(body->len, body->data, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		idreg_buf_free(body);
		return MHD_NO;
	}
	body->data = NULL; /* the response owns it now */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/rdap+json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
	if (retry_after > 0) {
		char seconds[16];
		snprintf(seconds, sizeof(seconds), "%u", retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, seconds);
	}
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	}
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_rdap_request(void *cls, struct MHD_Connection *conn, const char *url,
				       const char *method, const char *version,
				       const char *upload_data, size_t *upload_size, void **con_cls)
{
	(void)version;
	(void)upload_data;
	struct server *srv = cls;
	if (*con_cls == NULL) { /* headers read: come back once any body has arrived */
		*con_cls = srv;
		return MHD_YES;
	}
	if (*upload_size != 0) { /* RDAP requests have no body: ignore it */
		*upload_size = 0;
		return MHD_YES;
	}

	struct view *v = view_get(srv);
	struct idreg_buf body;
	idreg_buf_init(&body, RESPONSE_MAX);
	struct idreg_answer answer;
	unsigned retry_after = 0;
	char request_url[2048];
	const char *path = url[0] == '/' ? url + 1 : url;
	request_uri(v->svc.base_url, path, request_url, sizeof(request_url));

	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct idreg_ip client = client_address(info ? info->client_addr : NULL);

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		idreg_answer_error(&answer, MHD_HTTP_METHOD_NOT_ALLOWED, "RDAP answers GET and HEAD only");
	} else if ((retry_after = idreg_ratelimit_take(srv->limiter, &client, monotonic_now())) > 0) {
		idreg_answer_error(&answer, MHD_HTTP_TOO_MANY_REQUESTS,
				   "too many queries from this address; retry later");
	} else {
		struct arg_collector args = { .count = 0 };
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &args);
		struct idreg_query query;
		struct idreg_query_error perr;
		if (args.overflow) {
			idreg_answer_error(&answer, 400, "too many query arguments");
		} else if (idreg_query_parse_rdap(path, args.args, args.count, &query, &perr) !=
			   IDREG_OK) {
			idreg_answer_error(&answer, perr.status, perr.reason);
		} else {
			idreg_answer_query(v->snap, &query, (size_t)v->search_max, &answer);
		}
	}
	if (idreg_render_rdap(&v->svc, v->snap, &answer, request_url, &body) != IDREG_OK) {
		idreg_answer_error(&answer, 500, "the answer could not be rendered");
		idreg_render_rdap(&v->svc, v->snap, &answer, request_url, &body);
	}
	view_put(v);
	idreg_log_debug("rdap %s %s %d", method, request_url, answer.status);
	return send_body(conn, answer.status, &body, retry_after);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char message[512];
	vsnprintf(message, sizeof(message), fmt, ap);
	message[strcspn(message, "\n")] = '\0';
	idreg_log_info("http: %s", message);
}

static idreg_err start_rdap(struct server *srv, struct idreg_diag *diag)
{
	struct sockaddr_storage addr;
	socklen_t len;
	if (!parse_listen(srv->cfg.rdap_listen, &addr, &len)) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "rdap.listen: '%s' is not ADDRESS:PORT",
				      srv->cfg.rdap_listen);
	}
	/* ITC lets MHD_quiesce_daemon stop the listener so that TERM drains. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_USE_ITC;
	if (addr.ss_family == AF_INET6) {
		flags |= MHD_USE_IPv6;
	}
	srv->http = MHD_start_daemon(
		flags, 0, NULL, NULL, on_rdap_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->cfg.rdap_threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)srv->cfg.rdap_max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->cfg.rdap_idle_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)srv->cfg.rdap_request_memory,
		MHD_OPTION_END);
	if (srv->http == NULL) {
		return idreg_diag_set(diag, IDREG_EIO, "cannot serve RDAP on %s: %s",
				      srv->cfg.rdap_listen, strerror(errno));
	}
	return IDREG_OK;
}

/* ---- WHOIS ---- */

/*
 * Read one query line: up to LF, at most IDREG_WHOIS_QUERY_MAX + 2 bytes,
 * within @timeout_ms in all.  -1: closed or timed out before a line end
 * (nothing to answer; a client that closes after a query without a line end
 * still gets its answer); -2: no line end within the limit.
 */
static ssize_t read_query(int fd, char *buf, size_t size, long timeout_ms)
{
	size_t got = 0;
	double deadline = monotonic_now() + (double)timeout_ms / 1000;
	while (got < size) {
		int left = (int)((deadline - monotonic_now()) * 1000);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ready = left > 0 ? poll(&pfd, 1, left) : 0;
		if (ready < 0 && errno == EINTR) {
			continue;
		}
		if (ready <= 0) {
			return -1;
		}
		ssize_t n = recv(fd, buf + got, size - got, 0);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return n == 0 && got > 0 ? (ssize_t)got : -1;
		}
		char *lf = memchr(buf + got, '\n', (size_t)n);
		got += (size_t)n;
		if (lf != NULL) {
			return lf - buf;
		}
	}
	return -2; /* no line end within the limit */
}

static void send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return;
		}
		data += n;
		len -= (size_t)n;
	}
}

static void serve_whois(struct server *srv, int fd, const struct sockaddr *peer)
{
	struct timeval tv = { srv->cfg.whois_timeout_ms / 1000, (srv->cfg.whois_timeout_ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	char line[IDREG_WHOIS_QUERY_MAX + 3];
	ssize_t len = read_query(fd, line, sizeof(line), srv->cfg.whois_timeout_ms);
	if (len == -1) {
		return; /* closed or timed out before a query */
	}
	struct view *v = view_get(srv);
	struct idreg_answer answer;
	struct idreg_query query;
	struct idreg_query_error perr;
	struct idreg_ip client = client_address(peer);
	unsigned wait;
	query.text[0] = '\0';
	if (len == -2) {
		idreg_answer_error(&answer, 400, "query too long or not ended by a line end");
	} else if ((wait = idreg_ratelimit_take(srv->limiter, &client, monotonic_now())) > 0) {
		char reason[96];
		snprintf(reason, sizeof(reason), "too many queries from this address; retry in %u s", wait);
		idreg_answer_error(&answer, 429, reason);
	} else if (idreg_query_parse_whois(line, (size_t)len, &query, &perr) != IDREG_OK) {
		idreg_answer_error(&answer, perr.status, perr.reason);
	} else {
		idreg_answer_query(v->snap, &query, (size_t)v->search_max, &answer);
	}
	struct idreg_buf out;
	idreg_buf_init(&out, RESPONSE_MAX);
	if (idreg_render_whois(&v->svc, v->snap, query.text, &answer, &out) == IDREG_OK) {
		send_all(fd, out.data, out.len);
	} else {
		static const char failed[] = "%ERROR:500: the answer could not be rendered\r\n";
		send_all(fd, failed, sizeof(failed) - 1);
	}
	idreg_buf_free(&out);
	view_put(v);
	idreg_log_debug("whois %d", answer.status);
}

static void *whois_worker(void *arg)
{
	struct server *srv = arg;
	while (!atomic_load(&srv->stopping)) {
		struct sockaddr_storage peer;
		socklen_t peer_len = sizeof(peer);
		int fd = accept4(srv->whois_fd, (struct sockaddr *)&peer, &peer_len, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) {
				continue;
			}
			if (!atomic_load(&srv->stopping)) {
				idreg_log_warn("whois: accept: %s", strerror(errno));
				usleep(10000); /* out of descriptors: let connections close */
				continue;
			}
			break;
		}
		serve_whois(srv, fd, (struct sockaddr *)&peer);
		shutdown(fd, SHUT_WR);
		close(fd);
	}
	return NULL;
}

static idreg_err start_whois(struct server *srv, struct idreg_diag *diag)
{
	struct sockaddr_storage addr;
	socklen_t len;
	if (!parse_listen(srv->cfg.whois_listen, &addr, &len)) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "whois.listen: '%s' is not ADDRESS:PORT",
				      srv->cfg.whois_listen);
	}
	int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&addr, len) != 0 || listen(fd, 1024) != 0) {
		int saved = errno;
		if (fd >= 0) {
			close(fd);
		}
		return idreg_diag_set(diag, IDREG_EIO, "cannot serve WHOIS on %s: %s",
				      srv->cfg.whois_listen, strerror(saved));
	}
	srv->whois_fd = fd;
	srv->whois_thread_count = srv->cfg.whois_threads;
	srv->whois_threads = calloc((size_t)srv->whois_thread_count, sizeof(*srv->whois_threads));
	if (srv->whois_threads == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	for (long i = 0; i < srv->whois_thread_count; i++) {
		if (pthread_create(&srv->whois_threads[i], NULL, whois_worker, srv) != 0) {
			srv->whois_thread_count = i;
			return idreg_diag_set(diag, IDREG_ENOMEM, "cannot start WHOIS threads");
		}
	}
	return IDREG_OK;
}

static void stop_whois(struct server *srv)
{
	if (srv->whois_threads == NULL) {
		return;
	}
	/* Wake the threads blocked in accept(); each finishes its connection. */
	shutdown(srv->whois_fd, SHUT_RDWR);
	for (long i = 0; i < srv->whois_thread_count; i++) {
		pthread_join(srv->whois_threads[i], NULL);
	}
	close(srv->whois_fd);
	free(srv->whois_threads);
	srv->whois_threads = NULL;
}

/* ---- configuration, reload, main ---- */

static void apply_logging(const struct idreg_config *cfg)
{
	enum idreg_log_level level;
	enum idreg_log_format format;
	idreg_log_level_parse(cfg->log_level, &level);
	idreg_log_format_parse(cfg->log_format, &format);
	idreg_log_setup("idregd", level, format, stderr);
}

struct override {
	const char *key;
	const char *value;
};

/* The configuration: defaults, then the file, then command-line settings. */
static idreg_err load_config(struct idreg_config *cfg, const char *path,
			     const struct override *overrides, size_t count, struct idreg_diag *diag)
{
	idreg_err err = idreg_config_init(cfg);
	if (err == IDREG_OK && path != NULL) {
		err = idreg_config_load(cfg, path, diag);
	}
	for (size_t i = 0; err == IDREG_OK && i < count; i++) {
		err = idreg_config_set(cfg, overrides[i].key, overrides[i].value, diag);
	}
	if (err != IDREG_OK) {
		idreg_config_free(cfg);
	}
	return err;
}

static void reload(struct server *srv, const struct override *overrides, size_t count)
{
	sd_notify(0, "RELOADING=1");
	struct idreg_config cfg;
	struct idreg_diag diag = { "" };
	idreg_err err = load_config(&cfg, srv->config_path, overrides, count, &diag);
	if (err != IDREG_OK) {
		idreg_log_error("reload: %s; keeping the running configuration", diag.text);
		sd_notify(0, "READY=1");
		return;
	}
	if (strcmp(cfg.rdap_listen, srv->cfg.rdap_listen) != 0 ||
	    strcmp(cfg.whois_listen, srv->cfg.whois_listen) != 0 ||
	    cfg.rdap_threads != srv->cfg.rdap_threads ||
	    cfg.rdap_max_connections != srv->cfg.rdap_max_connections ||
	    cfg.rdap_idle_timeout != srv->cfg.rdap_idle_timeout ||
	    cfg.rdap_request_memory != srv->cfg.rdap_request_memory ||
	    cfg.whois_threads != srv->cfg.whois_threads) {
		idreg_log_warn("reload: listening addresses, thread counts and connection limits "
			       "change only at a restart");
	}
	struct view *fresh;
	if (view_build(&cfg, &fresh, &diag) != IDREG_OK) {
		idreg_log_error("reload: %s; keeping the running data", diag.text);
		idreg_config_free(&cfg);
		sd_notify(0, "READY=1");
		return;
	}
	pthread_mutex_lock(&srv->view_lock);
	struct view *old = srv->view;
	srv->view = fresh;
	pthread_mutex_unlock(&srv->view_lock);
	view_put(old);
	idreg_ratelimit_set(srv->limiter, (double)cfg.rate_per_second, (double)cfg.rate_burst);
	apply_logging(&cfg);
	/* Keep the listening addresses the sockets were opened with. */
	char *rdap_listen = srv->cfg.rdap_listen, *whois_listen = srv->cfg.whois_listen;
	srv->cfg.rdap_listen = srv->cfg.whois_listen = NULL;
	free(cfg.rdap_listen);
	free(cfg.whois_listen);
	cfg.rdap_listen = rdap_listen;
	cfg.whois_listen = whois_listen;
	idreg_config_free(&srv->cfg);
	srv->cfg = cfg;
	idreg_log_info("reloaded: %zu number resources", fresh->snap->numbers.count);
	sd_notify(0, "READY=1");
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: idregd [OPTIONS]\n"
		"\n"
		"Serves the registry over RDAP (HTTP) and WHOIS.\n"
		"\n"
		"  -c, --config FILE     configuration (INI; see idreg.conf(5))\n"
		"  --db PATH             registry database (store.path)\n"
		"  --rdap ADDR:PORT      RDAP listening address (rdap.listen)\n"
		"  --whois ADDR:PORT     WHOIS listening address (whois.listen)\n"
		"  -o, --set KEY=VALUE   any configuration key, e.g. ratelimit.per_second=5\n"
		"  --log-level LEVEL     error, warn, info or debug\n"
		"  --log-format FMT      text or json\n"
		"  --check-config        check the configuration, print it, and exit\n"
		"  --version             print the version and exit\n"
		"\n"
		"Signals: HUP reloads configuration and data; TERM and INT stop.\n");
}

int main(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_RDAP, OPT_WHOIS, OPT_LOG_LEVEL, OPT_LOG_FORMAT, OPT_CHECK, OPT_VERSION };
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, OPT_DB },
		{ "rdap", required_argument, NULL, OPT_RDAP },
		{ "whois", required_argument, NULL, OPT_WHOIS },
		{ "set", required_argument, NULL, 'o' },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	idreg_log_setup("idregd", IDREG_LOG_WARN, IDREG_LOG_TEXT, stderr);
	struct server srv = { .whois_fd = -1 };
	struct override overrides[64];
	char *owned[64];
	size_t count = 0, owned_count = 0;
	bool check_only = false;
	int opt, status = 1;
	while ((opt = getopt_long(argc, argv, "c:o:h", options, NULL)) != -1) {
		if (count == 64 && opt != 'c' && opt != OPT_CHECK && opt != OPT_VERSION && opt != 'h') {
			fprintf(stderr, "idregd: too many settings\n");
			return 2;
		}
		switch (opt) {
		case 'c': srv.config_path = optarg; break;
		case OPT_DB: overrides[count++] = (struct override){ "store.path", optarg }; break;
		case OPT_RDAP: overrides[count++] = (struct override){ "rdap.listen", optarg }; break;
		case OPT_WHOIS: overrides[count++] = (struct override){ "whois.listen", optarg }; break;
		case OPT_LOG_LEVEL: overrides[count++] = (struct override){ "log.level", optarg }; break;
		case OPT_LOG_FORMAT: overrides[count++] = (struct override){ "log.format", optarg }; break;
		case 'o': {
			char *eq = strchr(optarg, '=');
			char *key = eq ? strndup(optarg, (size_t)(eq - optarg)) : NULL;
			if (key == NULL) {
				fprintf(stderr, "idregd: --set takes KEY=VALUE\n");
				return 2;
			}
			owned[owned_count++] = key;
			overrides[count++] = (struct override){ key, eq + 1 };
			break;
		}
		case OPT_CHECK: check_only = true; break;
		case OPT_VERSION: printf("idregd %s\n", IDREG_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "idregd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	struct idreg_diag diag = { "" };
	if (load_config(&srv.cfg, srv.config_path, overrides, count, &diag) != IDREG_OK) {
		fprintf(stderr, "idregd: %s\n", diag.text);
		goto out_owned;
	}
	apply_logging(&srv.cfg);
	if (check_only) {
		struct sockaddr_storage addr;
		socklen_t len;
		uint32_t redact;
		if (!parse_listen(srv.cfg.rdap_listen, &addr, &len)) {
			fprintf(stderr, "idregd: rdap.listen: '%s' is not ADDRESS:PORT\n",
				srv.cfg.rdap_listen);
			goto out_config;
		}
		if (!parse_listen(srv.cfg.whois_listen, &addr, &len)) {
			fprintf(stderr, "idregd: whois.listen: '%s' is not ADDRESS:PORT\n",
				srv.cfg.whois_listen);
			goto out_config;
		}
		if (idreg_redaction_parse(srv.cfg.privacy_redact, &redact, &diag) != IDREG_OK) {
			fprintf(stderr, "idregd: %s\n", diag.text);
			goto out_config;
		}
		idreg_config_print(&srv.cfg, stdout);
		status = 0;
		goto out_config;
	}

	/* Signals go to the main thread's sigwait loop, not to workers. */
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGHUP);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	pthread_mutex_init(&srv.view_lock, NULL);
	if (view_build(&srv.cfg, &srv.view, &diag) != IDREG_OK ||
	    idreg_ratelimit_new((double)srv.cfg.rate_per_second, (double)srv.cfg.rate_burst,
				&srv.limiter) != IDREG_OK) {
		idreg_log_error("%s", diag.text[0] ? diag.text : "out of memory");
		goto out_view;
	}
	if (start_rdap(&srv, &diag) != IDREG_OK || start_whois(&srv, &diag) != IDREG_OK) {
		idreg_log_error("%s", diag.text);
		goto out_serving;
	}
	idreg_log_info("serving %zu number resources: RDAP on %s, WHOIS on %s",
		       srv.view->snap->numbers.count, srv.cfg.rdap_listen, srv.cfg.whois_listen);
	sd_notify(0, "READY=1");

	for (;;) {
		int sig;
		if (sigwait(&signals, &sig) != 0) {
			continue;
		}
		if (sig == SIGHUP) {
			reload(&srv, overrides, count);
			continue;
		}
		idreg_log_info("stopping (signal %d): finishing requests in flight", sig);
		sd_notify(0, "STOPPING=1");
		break;
	}
	status = 0;
out_serving:
	atomic_store(&srv.stopping, true);
	if (srv.http != NULL) {
		MHD_quiesce_daemon(srv.http); /* take no new connections */
		MHD_stop_daemon(srv.http);    /* and wait for those in flight */
	}
	stop_whois(&srv);
out_view:
	view_put(srv.view);
	idreg_ratelimit_free(srv.limiter);
	pthread_mutex_destroy(&srv.view_lock);
out_config:
	idreg_config_free(&srv.cfg);
out_owned:
	for (size_t i = 0; i < owned_count; i++) {
		free(owned[i]);
	}
	return status;
}
