/*
 * idregd: the registry's daemon.  It answers RDAP over HTTP and WHOIS
 * (RFC 3912), both served by the event-loop server in lib/net (one worker
 * thread per core) and both through the same pipeline in lib/query: parse,
 * look up in the current snapshot, render.  Beside RDAP, the HTTP server
 * hands out the statistics report (lib/stats/report_pages.h) under /stats/,
 * made from the same snapshot when it is loaded, and the equipment identity
 * register's real-time check (eir/v1/...), which shares RDAP's listener,
 * limits, rate limiting and error bodies (lib/query/eir_api.c).  With a
 * certificate configured it also serves EPP over TLS (lib/epp), whose
 * logins read the registrars from the store as they are at that moment;
 * after each EPP commit, before its acknowledgement, the snapshot is
 * refreshed with what the commit changed (refresh_after_commit), and past
 * service.reload_after_changes changes loaded whole again in the
 * background.  SIGHUP re-reads the configuration and the data; SIGTERM
 * stops taking connections, lets those in flight finish, and exits.
 */
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "epp/clock.h"
#include "epp/executor.h"
#include "epp/session.h"
#include "net/http.h"
#include "net/server.h"
#include "net/tls.h"
#include "net/whois.h"
#include "query/answer.h"
#include "query/cache.h"
#include "query/eir_api.h"
#include "query/query.h"
#include "query/render.h"
#include "query/snapshot.h"
#include "stats/report_pages.h"
#include "store/store.h"

#ifndef IDREG_VERSION
#define IDREG_VERSION "0"
#endif

/* Largest response body; an answer that would exceed it is a 500. */
#define RESPONSE_MAX (16 * 1024 * 1024)
/* RDAP requests have no body (one is read and ignored); the check API's
 * batches have one of up to this size. */
#define MAX_BODY IDREG_EIR_BODY_MAX
/* An EPP command is a few levels deep; elements are bounded by the frame too. */
#define EPP_MAX_DEPTH 32
#define EPP_MAX_ELEMENTS 10000
/* EPP writes waiting for the committer at most, and so the largest group
 * sharing one commit; a writer finding it full waits up to
 * store.busy_timeout_ms, then answers 2400. */
#define EPP_WRITE_QUEUE 64

/* What the service says of itself and the answers it keeps: made at each
 * reload, shared by the views of that configuration. */
struct served {
	atomic_int refs;
	struct idreg_answer_cache *cache; /* answers rendered with svc, by data generation */
	struct idreg_stats_pages *stats;  /* the report on the number resources loaded */
	char stats_problem[512];          /* why the report is not available, or "" */
	struct idreg_service svc;
	char base_url[512], port43[256], terms_of_use[1024], terms_url[512];
	long search_max;
	bool eir_check;
	/* for loading the data whole again in the background */
	char store_backend[32], store_path[1024];
	long store_busy_timeout_ms, reload_after_changes;
};

/* What requests answer from: the data (a snapshot, with each EPP commit
 * laid over it) and the service, swapped together. */
struct view {
	atomic_int refs;
	struct idreg_snapshot *snap;
	uint64_t generation;              /* of snap: answers kept are kept by it */
	struct served *served;
};

struct server {
	struct idreg_config cfg;
	const char *config_path;
	pthread_mutex_t view_lock;
	struct view *view;
	struct idreg_ratelimit *limiter;
	struct idreg_http_config http;
	struct idreg_whois_config whois;
	struct idreg_server *net;
	/* EPP, when epp.cert is set: its settings, TLS context, the executor
	 * through which logins and object commands reach the store (group
	 * commit, lib/epp/executor.h), and the IDN policy that decides a name's
	 * availability. */
	bool epp_on;
	struct idreg_epp_config epp;
	struct ssl_ctx_st *tls;
	struct idreg_epp_executor *epp_executor;
	struct idreg_idn_policy *idn_policy;
	struct idreg_idn_checker *idn_checker;
	/* Views after commits: one refresh at a time; at most one whole load
	 * in the background (rebuild_thread, joined before the next). */
	pthread_mutex_t refresh_lock;
	uint64_t generation;
	atomic_bool rebuilding;
	bool rebuild_joinable;
	pthread_t rebuild_thread;
	/* The registry's clock: a thread ticking every epp.clock_interval_s
	 * through the EPP store access, until clock_stop is set. */
	bool clock_on;
	pthread_t clock_thread;
	pthread_mutex_t clock_lock;
	pthread_cond_t clock_wake;
	bool clock_stop;
};

static struct view *view_get(struct server *srv)
{
	pthread_mutex_lock(&srv->view_lock);
	struct view *v = srv->view;
	atomic_fetch_add(&v->refs, 1);
	pthread_mutex_unlock(&srv->view_lock);
	return v;
}

static void served_put(struct served *sv)
{
	if (sv != NULL && atomic_fetch_sub(&sv->refs, 1) == 1) {
		idreg_answer_cache_free(sv->cache);
		idreg_stats_pages_free(sv->stats);
		free(sv);
	}
}

static void view_put(struct view *v)
{
	if (v != NULL && atomic_fetch_sub(&v->refs, 1) == 1) {
		served_put(v->served);
		idreg_snapshot_unref(v->snap);
		free(v);
	}
}

/* A view of @snap (its reference taken over) with @sv (one more reference). */
static struct view *view_new(struct idreg_snapshot *snap, struct served *sv, uint64_t generation)
{
	struct view *v = calloc(1, sizeof(*v));
	if (v == NULL) {
		idreg_snapshot_unref(snap);
		return NULL;
	}
	atomic_init(&v->refs, 1);
	v->snap = snap;
	v->generation = generation;
	atomic_fetch_add(&sv->refs, 1);
	v->served = sv;
	return v;
}

static double monotonic_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- views: data and service settings ---- */

static idreg_err open_store(const char *backend, const char *path, long busy_timeout_ms,
			    struct idreg_store **store, struct idreg_diag *diag)
{
	struct idreg_store_options opts = { .backend = backend, .path = path,
					    .busy_timeout_ms = busy_timeout_ms, .no_migrate = true };
	return idreg_store_open(&opts, store, diag);
}

static idreg_err served_build(const struct idreg_config *cfg, const struct idreg_snapshot *snap,
			      struct served **out, struct idreg_diag *diag)
{
	struct served *sv = calloc(1, sizeof(*sv));
	if (sv == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	atomic_init(&sv->refs, 1);
	uint32_t redact;
	if (idreg_redaction_parse(cfg->privacy_redact, &redact, diag) != IDREG_OK) {
		free(sv);
		return IDREG_ECONFIG;
	}
	if (idreg_answer_cache_new((size_t)cfg->service_cache_bytes, &sv->cache) != IDREG_OK) {
		free(sv);
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory for service.cache_bytes");
	}
	bool no_stats;
	struct idreg_diag stats_diag = { "" };
	if (idreg_stats_pages_build(&snap->numbers, cfg->stats_economies, &sv->stats, &no_stats,
				    &stats_diag) != IDREG_OK) {
		idreg_answer_cache_free(sv->cache);
		free(sv);
		return idreg_diag_set(diag, IDREG_ENOMEM, "%s", stats_diag.text);
	}
	if (no_stats) {
		snprintf(sv->stats_problem, sizeof(sv->stats_problem), "%s", stats_diag.text);
	}
	sv->search_max = cfg->rdap_search_max;
	sv->eir_check = strcmp(cfg->eir_check, "on") == 0;
	idreg_config_rdap_base_url(cfg, sv->base_url, sizeof(sv->base_url));
	snprintf(sv->port43, sizeof(sv->port43), "%s", cfg->rdap_port43);
	snprintf(sv->terms_of_use, sizeof(sv->terms_of_use), "%s", cfg->terms_of_use);
	snprintf(sv->terms_url, sizeof(sv->terms_url), "%s", cfg->terms_url);
	sv->svc = (struct idreg_service){ sv->base_url, sv->port43, sv->terms_of_use, sv->terms_url,
					  redact };
	snprintf(sv->store_backend, sizeof(sv->store_backend), "%s", cfg->store_backend);
	snprintf(sv->store_path, sizeof(sv->store_path), "%s", cfg->store_path);
	sv->store_busy_timeout_ms = cfg->store_busy_timeout_ms;
	sv->reload_after_changes = cfg->service_reload_after_changes;
	*out = sv;
	return IDREG_OK;
}

static idreg_err view_build(const struct idreg_config *cfg, struct view **out,
			    struct idreg_diag *diag)
{
	struct idreg_store *store;
	idreg_err err = open_store(cfg->store_backend, cfg->store_path, cfg->store_busy_timeout_ms,
				   &store, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_snapshot *snap;
	err = idreg_snapshot_load(store, strcmp(cfg->eir_check, "on") == 0, &snap, diag);
	idreg_store_close(store);
	if (err != IDREG_OK) {
		return err;
	}
	struct served *sv = NULL;
	err = served_build(cfg, snap, &sv, diag);
	if (err != IDREG_OK) {
		idreg_snapshot_unref(snap);
		return err;
	}
	*out = view_new(snap, sv, 0);
	served_put(sv);
	return *out != NULL ? IDREG_OK : idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
}

/* ---- views after commits ---- */

static void *rebuild_main(void *arg);

/*
 * Serve a view of @snap (taken over) with the current service: @snap
 * brought up to what @store holds now first (what committed while it
 * loaded); called with refresh_lock held.  A view whose recent changes have
 * grown past service.reload_after_changes starts a whole load in the
 * background.
 */
static idreg_err install_snapshot(struct server *srv, struct idreg_snapshot *snap,
				  struct idreg_store *store, struct idreg_diag *diag)
{
	struct idreg_snapshot *current;
	idreg_err err = idreg_snapshot_refresh(snap, store, &current, diag);
	idreg_snapshot_unref(snap);
	if (err != IDREG_OK) {
		return err;
	}
	struct view *old = view_get(srv);
	struct view *fresh = view_new(current, old->served, ++srv->generation);
	if (fresh == NULL) {
		view_put(old);
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	pthread_mutex_lock(&srv->view_lock);
	struct view *replaced = srv->view;
	srv->view = fresh;
	pthread_mutex_unlock(&srv->view_lock);
	view_put(replaced);
	size_t recent = idreg_snapshot_recent_objects(current);
	if (recent > (size_t)old->served->reload_after_changes && !atomic_load(&srv->rebuilding)) {
		if (srv->rebuild_joinable) {
			pthread_join(srv->rebuild_thread, NULL);
		}
		atomic_store(&srv->rebuilding, true);
		srv->rebuild_joinable = pthread_create(&srv->rebuild_thread, NULL, rebuild_main, srv) == 0;
		if (!srv->rebuild_joinable) {
			atomic_store(&srv->rebuilding, false);
		}
		idreg_log_info("%zu objects changed since the data was loaded: loading it again", recent);
	}
	view_put(old);
	return IDREG_OK;
}

/*
 * The EPP executor calls this after each commit, before it acknowledges:
 * the next RDAP or WHOIS query sees the commit.  @store is the connection
 * that committed (or any other).  A failure leaves the commit as it is and
 * the previous view serving; it is logged, and the next commit or load
 * catches up.
 */
static void refresh_after_commit(struct server *srv, struct idreg_store *store)
{
	struct idreg_diag diag = { "" };
	pthread_mutex_lock(&srv->refresh_lock);
	struct view *v = view_get(srv);
	idreg_snapshot_ref(v->snap);
	idreg_err err = install_snapshot(srv, v->snap, store, &diag);
	view_put(v);
	pthread_mutex_unlock(&srv->refresh_lock);
	if (err != IDREG_OK) {
		idreg_log_error("RDAP and WHOIS do not show the last commit yet: %s", diag.text);
	}
}

/* The data loaded whole again, off the request and EPP threads. */
static void *rebuild_main(void *arg)
{
	struct server *srv = arg;
	struct view *v = view_get(srv);
	const struct served *sv = v->served;
	struct idreg_diag diag = { "" };
	struct idreg_store *store;
	struct idreg_snapshot *snap;
	idreg_err err = open_store(sv->store_backend, sv->store_path, sv->store_busy_timeout_ms, &store,
				   &diag);
	if (err == IDREG_OK) {
		err = idreg_snapshot_load(store, sv->eir_check, &snap, &diag);
		if (err == IDREG_OK) {
			pthread_mutex_lock(&srv->refresh_lock);
			err = install_snapshot(srv, snap, store, &diag);
			pthread_mutex_unlock(&srv->refresh_lock);
		}
		idreg_store_close(store);
	}
	view_put(v);
	if (err == IDREG_OK) {
		idreg_log_info("data loaded again after the changes since the last load");
	} else {
		idreg_log_error("loading the data again: %s", diag.text);
	}
	atomic_store(&srv->rebuilding, false);
	return NULL;
}

/* Said once the view serves: a daemon that fails to start says only why. */
static void warn_stats_problem(const struct view *v)
{
	if (v->served->stats_problem[0]) {
		idreg_log_warn("statistics report not available (%s answers 503): %s",
			       IDREG_STATS_PREFIX "/", v->served->stats_problem);
	}
}

/* ---- the equipment identity register's check ---- */

static void on_eir_request(struct server *srv, const struct view *v,
			   const struct idreg_http_request *req, const char *path,
			   struct idreg_http_response *resp)
{
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
	struct idreg_query_arg args[IDREG_HTTP_MAX_ARGS];
	for (size_t i = 0; i < req->arg_count; i++) {
		args[i] = (struct idreg_query_arg){ req->args[i].key, req->args[i].value };
	}
	struct idreg_eir_api_input in = {
		.method = req->method, .path = path, .args = args, .nargs = req->arg_count,
		.body = req->body, .body_len = req->body_len, .today = today,
		.refused = req->error_status, .refusal = req->error_reason,
	};
	if (in.refused == 0 && (resp->retry_after = idreg_ratelimit_take(
					srv->limiter, &req->client, monotonic_now())) > 0) {
		in.refused = 429;
		in.refusal = "too many queries from this address; retry later";
	}
	resp->content_type = "application/json";
	resp->cors = true;
	resp->status = idreg_eir_api_answer(&v->served->svc, v->snap, &in, resp->body, &resp->allow);
	idreg_log_debug("eir %s /%s %d", req->method, path, resp->status);
}

/* ---- RDAP ---- */

/* The statistics report's pages: GET and HEAD, under the RDAP rate limit. */
static void on_stats_request(struct server *srv, struct view *v,
			     const struct idreg_http_request *req, struct idreg_http_response *resp)
{
	struct idreg_stats_page page;
	resp->content_type = "text/plain; charset=utf-8";
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		resp->status = 405;
		resp->allow = "GET, HEAD";
		idreg_buf_puts(resp->body, "the statistics pages answer GET and HEAD only\n");
		return;
	}
	if ((resp->retry_after = idreg_ratelimit_take(srv->limiter, &req->client,
						      monotonic_now())) > 0) {
		resp->status = 429;
		idreg_buf_puts(resp->body, "too many requests from this address; retry later\n");
		return;
	}
	idreg_stats_pages_find(v->served->stats, req->path, req->if_none_match, &page);
	resp->status = page.status;
	resp->content_type = page.content_type;
	if (idreg_buf_append(resp->body, page.body, page.len) != IDREG_OK) {
		resp->status = 500;
		idreg_buf_clear(resp->body);
		return;
	}
	struct idreg_http_header *h = resp->headers;
	h[resp->header_count++] = (struct idreg_http_header){ "Content-Security-Policy", IDREG_STATS_CSP };
	h[resp->header_count++] = (struct idreg_http_header){ "X-Content-Type-Options", "nosniff" };
	h[resp->header_count++] = (struct idreg_http_header){ "Referrer-Policy", "no-referrer" };
	h[resp->header_count++] = (struct idreg_http_header){ "Last-Modified", page.last_modified };
	/* Kept by clients, asked again each time: a reload may change the pages. */
	h[resp->header_count++] = (struct idreg_http_header){ "Cache-Control", "no-cache" };
	if (page.etag != NULL) {
		h[resp->header_count++] = (struct idreg_http_header){ "ETag", page.etag };
	}
	if (page.location != NULL) {
		h[resp->header_count++] = (struct idreg_http_header){ "Location", page.location };
	}
}

static void on_rdap_request(void *ctx, const struct idreg_http_request *req,
			    struct idreg_http_response *resp)
{
	struct server *srv = ctx;
	struct view *v = view_get(srv);
	struct idreg_answer answer;
	char request_url[2048];
	const char *path = req->path[0] == '/' ? req->path + 1 : req->path;
	if (v->served->eir_check && idreg_eir_api_path(path)) {
		on_eir_request(srv, v, req, path, resp);
		view_put(v);
		return;
	}
	/* The path encoded again, after the base: the "value" of links is a URI. */
	snprintf(request_url, sizeof(request_url), "%s", v->served->svc.base_url);
	idreg_render_uri_append(request_url, sizeof(request_url), path, "/:*@!$&'()+,;=");
	if (req->error_status == 0 && idreg_stats_pages_path(req->path)) {
		on_stats_request(srv, v, req, resp);
		view_put(v);
		idreg_log_debug("stats %s %s %d", req->method, request_url, resp->status);
		return;
	}
	resp->content_type = "application/rdap+json";
	resp->cors = true;

	if (req->error_status != 0) {
		idreg_answer_error(&answer, req->error_status, req->error_reason);
	} else if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		idreg_answer_error(&answer, 405, "RDAP answers GET and HEAD only");
		resp->allow = "GET, HEAD";
	} else if ((resp->retry_after = idreg_ratelimit_take(srv->limiter, &req->client,
							     monotonic_now())) > 0) {
		idreg_answer_error(&answer, 429, "too many queries from this address; retry later");
	} else if (req->arg_count == 0 &&
		   idreg_answer_cache_get(v->served->cache, IDREG_CACHE_RDAP, v->generation, path, resp->body)) {
		resp->status = 200; /* only lookups' answers are kept, rendered as below */
		view_put(v);
		idreg_log_debug("rdap %s %s 200 (kept)", req->method, request_url);
		return;
	} else {
		struct idreg_query_arg args[IDREG_HTTP_MAX_ARGS];
		for (size_t i = 0; i < req->arg_count; i++) {
			args[i] = (struct idreg_query_arg){ req->args[i].key, req->args[i].value };
		}
		struct idreg_query query;
		struct idreg_query_error perr;
		if (idreg_query_parse_rdap(path, args, req->arg_count, &query, &perr) != IDREG_OK) {
			idreg_answer_error(&answer, perr.status, perr.reason);
		} else {
			idreg_answer_query(v->snap, &query, (size_t)v->served->search_max, &answer);
		}
	}
	if (idreg_render_rdap(&v->served->svc, v->snap, &answer, request_url, resp->body) != IDREG_OK) {
		idreg_answer_error(&answer, 500, "the answer could not be rendered");
		idreg_render_rdap(&v->served->svc, v->snap, &answer, request_url, resp->body);
	}
	resp->status = answer.status;
	if (answer.status == 200 && req->error_status == 0 && req->arg_count == 0) {
		idreg_answer_cache_put(v->served->cache, IDREG_CACHE_RDAP, v->generation, path, resp->body->data,
				       resp->body->len);
	}
	view_put(v);
	idreg_log_debug("rdap %s %s %d", req->method, request_url, answer.status);
}

/* ---- WHOIS ---- */

static void on_whois_query(void *ctx, const struct idreg_whois_request *req, struct idreg_buf *out)
{
	struct server *srv = ctx;
	struct view *v = view_get(srv);
	struct idreg_answer answer;
	struct idreg_query query;
	struct idreg_query_error perr;
	unsigned wait;
	char key[sizeof(query.text) + 16] = "";
	query.text[0] = '\0';
	if (req->error_status != 0) {
		idreg_answer_error(&answer, req->error_status, req->error_reason);
	} else if ((wait = idreg_ratelimit_take(srv->limiter, &req->client, monotonic_now())) > 0) {
		char reason[96];
		snprintf(reason, sizeof(reason), "too many queries from this address; retry in %u s", wait);
		idreg_answer_error(&answer, 429, reason);
	} else if (idreg_query_parse_whois(req->line, req->len, &query, &perr) != IDREG_OK) {
		idreg_answer_error(&answer, perr.status, perr.reason);
	} else {
		/* Kept under the kind and the text: "124137" and "entity 124137"
		 * have one text and two answers. */
		snprintf(key, sizeof(key), "%d %s", (int)query.kind, query.text);
		if (idreg_answer_cache_get(v->served->cache, IDREG_CACHE_WHOIS, v->generation, key, out)) {
			view_put(v);
			idreg_log_debug("whois 200 (kept)");
			return;
		}
		idreg_answer_query(v->snap, &query, (size_t)v->served->search_max, &answer);
	}
	if (idreg_render_whois(&v->served->svc, v->snap, query.text, &answer, out) != IDREG_OK) {
		idreg_buf_clear(out);
		idreg_buf_puts(out, "%ERROR:500: the answer could not be rendered\r\n");
	} else if (answer.status == 200 && key[0] != '\0') {
		idreg_answer_cache_put(v->served->cache, IDREG_CACHE_WHOIS, v->generation, key, out->data, out->len);
	}
	view_put(v);
	idreg_log_debug("whois %d", answer.status);
}

/* ---- EPP ---- */

/* The executor's hook: after each group commit, before its writers are
 * answered, RDAP and WHOIS are brought up to it. */
static void on_epp_committed(void *ctx, struct idreg_store *s, const int64_t *change_sets,
			     size_t n)
{
	(void)change_sets;
	(void)n;
	refresh_after_commit(ctx, s);
}

/* The TLS context, the store, the IDN policy and the session settings. */
static idreg_err setup_epp(struct server *srv, struct idreg_diag *diag)
{
	const struct idreg_config *cfg = &srv->cfg;
	enum idreg_tls_client_cert client;
	idreg_tls_client_cert_parse(cfg->epp_client_cert, &client); /* a checked choice */
	if (cfg->epp_key[0] == '\0') {
		return idreg_diag_set(diag, IDREG_ECONFIG, "epp.cert is set: set epp.key too");
	}
	idreg_err err = idreg_tls_server_new(cfg->epp_cert, cfg->epp_key, cfg->epp_ca, client,
					     &srv->tls, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_idn_policy_settings settings[IDREG_IDN_MAX_ZONES + 1];
	size_t zones;
	err = idreg_idn_policy_settings(cfg, settings, &zones, diag);
	if (err == IDREG_OK) {
		err = idreg_idn_policy_load(settings, zones, &srv->idn_policy, diag);
	}
	if (err == IDREG_OK && idreg_idn_checker_new(srv->idn_policy, &srv->idn_checker) != IDREG_OK) {
		err = idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_epp_executor_config exec = {
		.store = { .backend = cfg->store_backend, .path = cfg->store_path,
			   .busy_timeout_ms = cfg->store_busy_timeout_ms, .no_migrate = true },
		.queue_max = EPP_WRITE_QUEUE,
		.idn_checker = srv->idn_checker,
		.committed = on_epp_committed,
		.committed_ctx = srv,
	};
	err = idreg_epp_executor_new(&exec, &srv->epp_executor, diag);
	if (err != IDREG_OK) {
		return err;
	}
	srv->epp = (struct idreg_epp_config){
		.max_frame = (size_t)cfg->epp_max_frame,
		.max_sessions_per_registrar = cfg->epp_max_sessions,
		.server_id = "idreg",
		.limits = { EPP_MAX_DEPTH, EPP_MAX_ELEMENTS },
		.find_registrar = idreg_epp_executor_find_registrar,
		.find_ctx = srv->epp_executor,
		.store = idreg_epp_executor_access(srv->epp_executor),
	};
	err = idreg_epp_init(&srv->epp);
	if (err != IDREG_OK) {
		return idreg_diag_set(diag, err, "cannot set up EPP sessions");
	}
	srv->epp_on = true;
	return IDREG_OK;
}

static void *clock_main(void *arg)
{
	struct server *srv = arg;
	pthread_mutex_lock(&srv->clock_lock);
	while (!srv->clock_stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += srv->cfg.epp_clock_interval;
		pthread_cond_timedwait(&srv->clock_wake, &srv->clock_lock, &until);
		if (srv->clock_stop) {
			break;
		}
		pthread_mutex_unlock(&srv->clock_lock);
		struct idreg_epp_clock_report r;
		struct idreg_diag diag = { "" };
		if (idreg_epp_clock_tick(&srv->epp.store, (int64_t)time(NULL), &r, &diag) != IDREG_OK) {
			idreg_log_error("registry clock: %s", diag.text);
		} else if (r.transfers_approved + r.grace_ended + r.redemptions_ended + r.purged +
				   r.renewed + r.failed > 0) {
			idreg_log_info("registry clock: %u transfers approved, %u grace periods ended, "
				       "%u redemptions ended, %u domains purged, %u renewed, %u failed",
				       r.transfers_approved, r.grace_ended, r.redemptions_ended,
				       r.purged, r.renewed, r.failed);
		}
		pthread_mutex_lock(&srv->clock_lock);
	}
	pthread_mutex_unlock(&srv->clock_lock);
	return NULL;
}

/* Start the clock thread when EPP is on and the clock is configured. */
static void start_clock(struct server *srv)
{
	pthread_mutex_init(&srv->clock_lock, NULL);
	pthread_cond_init(&srv->clock_wake, NULL);
	srv->clock_on = srv->epp_on && srv->cfg.epp_clock_interval > 0 &&
			pthread_create(&srv->clock_thread, NULL, clock_main, srv) == 0;
}

static void stop_clock(struct server *srv)
{
	if (srv->clock_on) {
		pthread_mutex_lock(&srv->clock_lock);
		srv->clock_stop = true;
		pthread_cond_signal(&srv->clock_wake);
		pthread_mutex_unlock(&srv->clock_lock);
		pthread_join(srv->clock_thread, NULL);
	}
	pthread_cond_destroy(&srv->clock_wake);
	pthread_mutex_destroy(&srv->clock_lock);
}

static void free_epp(struct server *srv)
{
	if (srv->epp_on) {
		idreg_epp_free(&srv->epp);
	}
	if (srv->epp_executor != NULL) {
		struct idreg_epp_executor_stats stats;
		idreg_epp_executor_stats(srv->epp_executor, &stats);
		idreg_log_info("EPP: %" PRIu64 " writes in %" PRIu64 " commits", stats.writes,
			       stats.commits);
	}
	idreg_epp_executor_free(srv->epp_executor);
	idreg_idn_checker_free(srv->idn_checker);
	idreg_idn_policy_free(srv->idn_policy);
	idreg_tls_free(srv->tls);
}

/* ---- serving ---- */

static idreg_err start_serving(struct server *srv, struct idreg_diag *diag)
{
	const struct idreg_config *cfg = &srv->cfg;
	srv->http = (struct idreg_http_config){
		.handler = on_rdap_request, .handler_ctx = srv,
		.max_request_bytes = (size_t)cfg->rdap_max_request,
		.max_body_bytes = MAX_BODY, .max_response_bytes = RESPONSE_MAX,
		.timeout_s = cfg->rdap_idle_timeout,
	};
	srv->whois = (struct idreg_whois_config){ .handler = on_whois_query, .handler_ctx = srv,
						  .timeout_ms = cfg->whois_timeout_ms };
	const struct idreg_listener_config rdap = {
		.name = "RDAP", .key = "rdap", .address = cfg->rdap_listen, .protocol = &idreg_http_protocol,
		.ctx = &srv->http, .max_connections = cfg->rdap_max_connections,
		.timeout_ms = cfg->rdap_idle_timeout * 1000,
	};
	const struct idreg_listener_config whois = {
		.name = "WHOIS", .key = "whois", .address = cfg->whois_listen, .protocol = &idreg_whois_protocol,
		.ctx = &srv->whois, .max_connections = cfg->whois_max_connections,
		.timeout_ms = cfg->whois_timeout_ms,
	};
	idreg_err err = idreg_server_new(&srv->net);
	if (err != IDREG_OK) {
		return idreg_diag_set(diag, err, "cannot set up the server: %s", idreg_strerror(err));
	}
	err = idreg_server_listen(srv->net, &rdap, diag);
	if (err == IDREG_OK) {
		err = idreg_server_listen(srv->net, &whois, diag);
	}
	if (err == IDREG_OK && cfg->epp_cert[0] != '\0') {
		err = setup_epp(srv, diag);
		const struct idreg_listener_config epp = {
			.name = "EPP", .key = "epp", .address = cfg->epp_listen,
			.protocol = &srv->epp.protocol, .ctx = &srv->epp,
			.max_connections = cfg->epp_max_connections,
			.timeout_ms = cfg->epp_idle_timeout * 1000, .tls = srv->tls,
		};
		if (err == IDREG_OK) {
			err = idreg_server_listen(srv->net, &epp, diag);
		}
	}
	if (err == IDREG_OK) {
		err = idreg_server_start(srv->net, cfg->service_threads, diag);
	}
	return err;
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

/*
 * What the server was started with changes only at a restart: @fresh takes
 * it from @running (the listening addresses are swapped, so each config
 * still owns its strings).  True if @fresh asked for something else.
 */
static bool keep_restart_settings(struct idreg_config *fresh, struct idreg_config *running)
{
	char **addresses[][2] = {
		{ &fresh->rdap_listen, &running->rdap_listen },
		{ &fresh->whois_listen, &running->whois_listen },
		{ &fresh->epp_listen, &running->epp_listen },
		{ &fresh->epp_cert, &running->epp_cert },
		{ &fresh->epp_key, &running->epp_key },
		{ &fresh->epp_client_cert, &running->epp_client_cert },
		{ &fresh->epp_ca, &running->epp_ca },
	};
	long *numbers[][2] = {
		{ &fresh->service_threads, &running->service_threads },
		{ &fresh->rdap_max_connections, &running->rdap_max_connections },
		{ &fresh->rdap_idle_timeout, &running->rdap_idle_timeout },
		{ &fresh->rdap_max_request, &running->rdap_max_request },
		{ &fresh->whois_max_connections, &running->whois_max_connections },
		{ &fresh->whois_timeout_ms, &running->whois_timeout_ms },
		{ &fresh->epp_max_frame, &running->epp_max_frame },
		{ &fresh->epp_idle_timeout, &running->epp_idle_timeout },
		{ &fresh->epp_max_sessions, &running->epp_max_sessions },
		{ &fresh->epp_max_connections, &running->epp_max_connections },
		{ &fresh->epp_clock_interval, &running->epp_clock_interval },
	};
	bool changed = false;
	for (size_t i = 0; i < sizeof(addresses) / sizeof(addresses[0]); i++) {
		char *asked = *addresses[i][0];
		changed |= strcmp(asked, *addresses[i][1]) != 0;
		*addresses[i][0] = *addresses[i][1];
		*addresses[i][1] = asked;
	}
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		changed |= *numbers[i][0] != *numbers[i][1];
		*numbers[i][0] = *numbers[i][1];
	}
	return changed;
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
	struct view *fresh;
	if (view_build(&cfg, &fresh, &diag) != IDREG_OK) {
		idreg_log_error("reload: %s; keeping the running data", diag.text);
		idreg_config_free(&cfg);
		sd_notify(0, "READY=1");
		return;
	}
	atomic_fetch_add(&fresh->refs, 1); /* ours, while the catch-up below may replace it */
	pthread_mutex_lock(&srv->refresh_lock);
	pthread_mutex_lock(&srv->view_lock);
	struct view *old = srv->view;
	srv->view = fresh;
	pthread_mutex_unlock(&srv->view_lock);
	pthread_mutex_unlock(&srv->refresh_lock);
	view_put(old);
	/* What committed while the data loaded. */
	struct idreg_store *store;
	if (open_store(cfg.store_backend, cfg.store_path, cfg.store_busy_timeout_ms, &store,
		       &diag) == IDREG_OK) {
		refresh_after_commit(srv, store);
		idreg_store_close(store);
	} else {
		idreg_log_error("reload: %s", diag.text);
	}
	idreg_ratelimit_set(srv->limiter, (double)cfg.rate_per_second, (double)cfg.rate_burst);
	apply_logging(&cfg);
	if (keep_restart_settings(&cfg, &srv->cfg)) {
		idreg_log_warn("reload: listening addresses, threads, connection limits, timeouts "
			       "and request sizes change only at a restart (EPP's certificates and "
			       "session settings too)");
	}
	idreg_config_free(&srv->cfg);
	srv->cfg = cfg;
	idreg_log_info("reloaded: %zu number resources, %zu classified IMEIs",
		       fresh->snap->numbers.count, fresh->snap->eir.count);
	warn_stats_problem(fresh);
	view_put(fresh);
	sd_notify(0, "READY=1");
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: idregd [OPTIONS]\n"
		"\n"
		"Serves the registry over RDAP (HTTP) and WHOIS, its statistics report at\n"
		"/stats/ (English) and /stats/zh/ (Chinese) over the same HTTP, and EPP\n"
		"over TLS when epp.cert is set.\n"
		"\n"
		"  -c, --config FILE     configuration (INI; see idreg.conf(5))\n"
		"  --db PATH             registry database (store.path)\n"
		"  --rdap ADDR:PORT      RDAP listening address (rdap.listen)\n"
		"  --whois ADDR:PORT     WHOIS listening address (whois.listen)\n"
		"  --epp ADDR:PORT       EPP listening address (epp.listen)\n"
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
	enum { OPT_DB = 256, OPT_RDAP, OPT_WHOIS, OPT_EPP, OPT_LOG_LEVEL, OPT_LOG_FORMAT, OPT_CHECK, OPT_VERSION };
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, OPT_DB },
		{ "rdap", required_argument, NULL, OPT_RDAP },
		{ "whois", required_argument, NULL, OPT_WHOIS },
		{ "epp", required_argument, NULL, OPT_EPP },
		{ "set", required_argument, NULL, 'o' },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	idreg_log_setup("idregd", IDREG_LOG_WARN, IDREG_LOG_TEXT, stderr);
	struct server srv = { .config_path = NULL };
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
		case OPT_EPP: overrides[count++] = (struct override){ "epp.listen", optarg }; break;
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
		if (!idreg_net_parse_address(srv.cfg.rdap_listen, &addr, &len)) {
			fprintf(stderr, "idregd: rdap.listen: '%s' is not ADDRESS:PORT\n",
				srv.cfg.rdap_listen);
			goto out_config;
		}
		if (!idreg_net_parse_address(srv.cfg.whois_listen, &addr, &len)) {
			fprintf(stderr, "idregd: whois.listen: '%s' is not ADDRESS:PORT\n",
				srv.cfg.whois_listen);
			goto out_config;
		}
		if (!idreg_net_parse_address(srv.cfg.epp_listen, &addr, &len)) {
			fprintf(stderr, "idregd: epp.listen: '%s' is not ADDRESS:PORT\n",
				srv.cfg.epp_listen);
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
	pthread_mutex_init(&srv.refresh_lock, NULL);
	atomic_init(&srv.rebuilding, false);
	if (view_build(&srv.cfg, &srv.view, &diag) != IDREG_OK ||
	    idreg_ratelimit_new((double)srv.cfg.rate_per_second, (double)srv.cfg.rate_burst,
				&srv.limiter) != IDREG_OK) {
		idreg_log_error("%s", diag.text[0] ? diag.text : "out of memory");
		goto out_view;
	}
	if (start_serving(&srv, &diag) != IDREG_OK) {
		idreg_log_error("%s", diag.text);
		goto out_serving;
	}
	idreg_log_info("serving %zu number resources, %zu classified IMEIs: RDAP on %s, WHOIS on %s, "
		       "EPP %s%s, %ld threads", srv.view->snap->numbers.count, srv.view->snap->eir.count,
		       srv.cfg.rdap_listen, srv.cfg.whois_listen,
		       srv.epp_on ? "on " : "off (no epp.cert)", srv.epp_on ? srv.cfg.epp_listen : "",
		       idreg_server_threads(srv.net));
	warn_stats_problem(srv.view);
	start_clock(&srv);
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
	stop_clock(&srv);
out_serving:
	idreg_server_free(srv.net); /* drains: requests in flight are answered */
	if (srv.rebuild_joinable) { /* no commit is left to start another */
		pthread_join(srv.rebuild_thread, NULL);
	}
	free_epp(&srv);
out_view:
	view_put(srv.view);
	idreg_ratelimit_free(srv.limiter);
	pthread_mutex_destroy(&srv.view_lock);
	pthread_mutex_destroy(&srv.refresh_lock);
out_config:
	idreg_config_free(&srv.cfg);
out_owned:
	for (size_t i = 0; i < owned_count; i++) {
		free(owned[i]);
	}
	return status;
}
