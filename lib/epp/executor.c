/*
 * The EPP executor (epp/executor.h): a bounded queue of writes, one
 * committer thread that runs them in groups sharing one transaction and one
 * fsync, and a reading connection for everything else.
 */
#include "epp/executor.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domains/domain.h"

/* A write waiting in the queue, on its writer's stack until done. */
struct write_job {
	const struct idreg_epp_txn *txn;
	idreg_epp_store_fn fn;
	void *fn_ctx;
	struct idreg_diag *diag;
	int64_t change_set;
	idreg_err result;
	bool done;
};

struct idreg_epp_executor {
	struct idreg_store *writer, *reader;
	struct idreg_idn_checker *idn_checker;
	long busy_timeout_ms;
	idreg_epp_committed_hook committed;
	void *committed_ctx;

	pthread_mutex_t lock;           /* guards the queue, the flags and the counts */
	pthread_cond_t queued;          /* a job came, or stop */
	pthread_cond_t room;            /* the committer took jobs out */
	pthread_cond_t finished;        /* a group's jobs are done */
	struct write_job **queue;       /* a ring of queue_max */
	size_t queue_max, head, len;
	bool stopping;
	uint64_t writes, commits;

	/* The one IDN checker: held while a read's or a write's function runs. */
	pthread_mutex_t fn_lock;
	pthread_t committer;
	bool committer_started;

	/* The committer's own: the group being run and its change sets. */
	struct write_job **group;
	int64_t *committed_sets;
};

/* Run one job in its savepoint.  false: the transaction itself is lost. */
static bool run_job(struct idreg_epp_executor *ex, struct write_job *job)
{
	struct idreg_store *s = ex->writer;
	char at[IDREG_TIME_TEXT_MAX];
	idreg_time_format(job->txn->now, at);
	idreg_err err = s->ops->savepoint(s, job->diag);
	if (err != IDREG_OK) {
		job->result = err;
		return false;
	}
	err = s->ops->change_set_add(s, at, job->txn->clid, job->txn->svtrid,
				     job->txn->cltrid[0] != '\0' ? job->txn->cltrid : NULL,
				     &job->change_set, job->diag);
	if (err == IDREG_OK) {
		err = job->fn(s, job->change_set, job->fn_ctx, job->diag);
	}
	if (err == IDREG_OK) {
		err = s->ops->savepoint_release(s, job->diag);
	}
	job->result = err;
	if (err != IDREG_OK) {
		struct idreg_diag lost;
		if (s->ops->savepoint_rollback(s, &lost) != IDREG_OK) {
			return false;
		}
	}
	return true;
}

/* Fail every job of the group that has not failed on its own. */
static void fail_group(struct write_job **group, size_t n, idreg_err err,
		       const struct idreg_diag *why)
{
	for (size_t i = 0; i < n; i++) {
		if (group[i]->result == IDREG_OK) {
			group[i]->result = err;
			if (group[i]->diag != NULL) {
				*group[i]->diag = *why;
			}
		}
	}
}

/* One transaction for the group; results in each job, nothing woken yet. */
static void run_group(struct idreg_epp_executor *ex, struct write_job **group, size_t n)
{
	struct idreg_store *s = ex->writer;
	struct idreg_diag diag;
	idreg_err err = s->ops->begin(s, &diag);
	if (err != IDREG_OK) {
		fail_group(group, n, err, &diag);
		return;
	}
	bool intact = true;
	size_t kept = 0;
	pthread_mutex_lock(&ex->fn_lock);
	for (size_t i = 0; i < n && intact; i++) { /* the jobs not run fail below */
		intact = run_job(ex, group[i]);
		if (intact && group[i]->result == IDREG_OK) {
			ex->committed_sets[kept++] = group[i]->change_set;
		}
	}
	pthread_mutex_unlock(&ex->fn_lock);
	if (!intact) {
		s->ops->rollback(s);
		idreg_diag_set(&diag, IDREG_ESTORE,
			       "the shared transaction failed: nothing of this command was written");
		fail_group(group, n, IDREG_ESTORE, &diag);
		return;
	}
	if (kept == 0) {
		s->ops->rollback(s); /* nothing to keep: no fsync */
		return;
	}
	err = s->ops->commit(s, &diag);
	if (err != IDREG_OK) {
		fail_group(group, n, err, &diag);
		return;
	}
	if (ex->committed != NULL) {
		ex->committed(ex->committed_ctx, s, ex->committed_sets, kept);
	}
}

static void *committer_main(void *arg)
{
	struct idreg_epp_executor *ex = arg;
	pthread_mutex_lock(&ex->lock);
	for (;;) {
		while (ex->len == 0 && !ex->stopping) {
			pthread_cond_wait(&ex->queued, &ex->lock);
		}
		if (ex->len == 0) {
			break; /* stopping, and every write is done */
		}
		size_t n = ex->len;
		for (size_t i = 0; i < n; i++) {
			ex->group[i] = ex->queue[(ex->head + i) % ex->queue_max];
		}
		ex->head = (ex->head + n) % ex->queue_max;
		ex->len = 0;
		pthread_cond_broadcast(&ex->room);
		pthread_mutex_unlock(&ex->lock);

		run_group(ex, ex->group, n);

		pthread_mutex_lock(&ex->lock);
		ex->writes += n;
		ex->commits++;
		for (size_t i = 0; i < n; i++) {
			ex->group[i]->done = true;
		}
		pthread_cond_broadcast(&ex->finished);
	}
	pthread_mutex_unlock(&ex->lock);
	return NULL;
}

static void deadline_after(long ms, struct timespec *out)
{
	clock_gettime(CLOCK_REALTIME, out);
	out->tv_sec += ms / 1000;
	out->tv_nsec += (ms % 1000) * 1000000L;
	if (out->tv_nsec >= 1000000000L) {
		out->tv_sec++;
		out->tv_nsec -= 1000000000L;
	}
}

static idreg_err executor_write(void *ctx, const struct idreg_epp_txn *txn, idreg_epp_store_fn fn,
				void *fn_ctx, struct idreg_diag *diag)
{
	struct idreg_epp_executor *ex = ctx;
	struct write_job job = { .txn = txn, .fn = fn, .fn_ctx = fn_ctx, .diag = diag };
	struct timespec deadline;
	deadline_after(ex->busy_timeout_ms, &deadline);
	pthread_mutex_lock(&ex->lock);
	while (ex->len == ex->queue_max && !ex->stopping) {
		if (pthread_cond_timedwait(&ex->room, &ex->lock, &deadline) == ETIMEDOUT) {
			size_t waiting = ex->len;
			pthread_mutex_unlock(&ex->lock);
			return idreg_diag_set(diag, IDREG_EBUSY,
					      "%zu writes are waiting for the store: try again later",
					      waiting);
		}
	}
	if (ex->stopping) {
		pthread_mutex_unlock(&ex->lock);
		return idreg_diag_set(diag, IDREG_EBUSY, "the server is stopping");
	}
	ex->queue[(ex->head + ex->len) % ex->queue_max] = &job;
	ex->len++;
	pthread_cond_signal(&ex->queued);
	while (!job.done) {
		pthread_cond_wait(&ex->finished, &ex->lock);
	}
	pthread_mutex_unlock(&ex->lock);
	return job.result;
}

static idreg_err executor_read(void *ctx, idreg_epp_store_fn fn, void *fn_ctx,
			       struct idreg_diag *diag)
{
	struct idreg_epp_executor *ex = ctx;
	struct idreg_store *s = ex->reader;
	pthread_mutex_lock(&ex->fn_lock);
	idreg_err err = s->ops->begin_read(s, diag);
	if (err == IDREG_OK) {
		err = fn(s, 0, fn_ctx, diag);
		s->ops->rollback(s);
	}
	pthread_mutex_unlock(&ex->fn_lock);
	return err;
}

struct registrar_read {
	const char *id;
	struct idreg_registrar *out;
};

static idreg_err read_registrar(struct idreg_store *s, int64_t change_set, void *ctx,
				struct idreg_diag *diag)
{
	(void)change_set;
	struct registrar_read *r = ctx;
	return s->ops->registrar_get(s, r->id, r->out, diag);
}

idreg_err idreg_epp_executor_find_registrar(void *ex, const char *id, struct idreg_registrar *out,
					    struct idreg_diag *diag)
{
	struct registrar_read r = { id, out };
	return executor_read(ex, read_registrar, &r, diag);
}

struct idreg_epp_store_access idreg_epp_executor_access(struct idreg_epp_executor *ex)
{
	return (struct idreg_epp_store_access){ .read = executor_read, .write = executor_write,
						.ctx = ex, .idn_checker = ex->idn_checker };
}

void idreg_epp_executor_stats(struct idreg_epp_executor *ex, struct idreg_epp_executor_stats *out)
{
	pthread_mutex_lock(&ex->lock);
	*out = (struct idreg_epp_executor_stats){ .writes = ex->writes, .commits = ex->commits,
						  .waiting = ex->len };
	pthread_mutex_unlock(&ex->lock);
}

idreg_err idreg_epp_executor_new(const struct idreg_epp_executor_config *cfg,
				 struct idreg_epp_executor **out, struct idreg_diag *diag)
{
	*out = NULL;
	if (cfg->queue_max == 0) {
		return idreg_diag_set(diag, IDREG_EINVAL, "the EPP write queue needs room for one");
	}
	struct idreg_epp_executor *ex = calloc(1, sizeof(*ex));
	if (ex == NULL) {
		return IDREG_ENOMEM;
	}
	ex->idn_checker = cfg->idn_checker;
	ex->busy_timeout_ms = cfg->store.busy_timeout_ms;
	ex->committed = cfg->committed;
	ex->committed_ctx = cfg->committed_ctx;
	ex->queue_max = cfg->queue_max;
	pthread_mutex_init(&ex->lock, NULL);
	pthread_mutex_init(&ex->fn_lock, NULL);
	pthread_cond_init(&ex->queued, NULL);
	pthread_cond_init(&ex->room, NULL);
	pthread_cond_init(&ex->finished, NULL);
	ex->queue = calloc(cfg->queue_max, sizeof(*ex->queue));
	ex->group = calloc(cfg->queue_max, sizeof(*ex->group));
	ex->committed_sets = calloc(cfg->queue_max, sizeof(*ex->committed_sets));
	if (ex->queue == NULL || ex->group == NULL || ex->committed_sets == NULL) {
		idreg_epp_executor_free(ex);
		return IDREG_ENOMEM;
	}
	struct idreg_store_options opts = cfg->store;
	opts.read_only = false;
	idreg_err err = idreg_store_open(&opts, &ex->writer, diag);
	if (err == IDREG_OK) {
		opts.read_only = true;
		err = idreg_store_open(&opts, &ex->reader, diag);
	}
	if (err == IDREG_OK && pthread_create(&ex->committer, NULL, committer_main, ex) != 0) {
		err = idreg_diag_set(diag, IDREG_ENOMEM, "cannot start the EPP committer thread");
	}
	if (err != IDREG_OK) {
		idreg_epp_executor_free(ex);
		return err;
	}
	ex->committer_started = true;
	*out = ex;
	return IDREG_OK;
}

void idreg_epp_executor_free(struct idreg_epp_executor *ex)
{
	if (ex == NULL) {
		return;
	}
	if (ex->committer_started) {
		pthread_mutex_lock(&ex->lock);
		ex->stopping = true;
		pthread_cond_broadcast(&ex->queued);
		pthread_cond_broadcast(&ex->room);
		pthread_mutex_unlock(&ex->lock);
		pthread_join(ex->committer, NULL);
	}
	idreg_store_close(ex->reader);
	idreg_store_close(ex->writer);
	free(ex->queue);
	free(ex->group);
	free(ex->committed_sets);
	pthread_cond_destroy(&ex->finished);
	pthread_cond_destroy(&ex->room);
	pthread_cond_destroy(&ex->queued);
	pthread_mutex_destroy(&ex->fn_lock);
	pthread_mutex_destroy(&ex->lock);
	free(ex);
}
