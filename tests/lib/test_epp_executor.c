/*
 * Unit tests for lib/epp/executor.c on a real SQLite registry: writes from
 * eight threads share commits, a write whose function fails is undone alone
 * (its row, change set and history line absent, the others' present,
 * checked with the sqlite3 API directly), the committed hook sees the
 * group's change sets before any writer is woken, and a read from inside
 * that hook -- while the committer is busy -- sees the commit at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>

#include "epp/executor.h"

#define WRITERS 8

static char g_dir[64];
static char g_db[128];

/* What the hook saw and what it holds back. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_changed = PTHREAD_COND_INITIALIZER;
static int g_announced;              /* writers about to call write() */
static size_t g_group_sizes[WRITERS];
static size_t g_groups;
static int g_woken_before_hook;      /* writers that returned while a hook ran */
static bool g_in_hook;
static struct idreg_epp_store_access g_access;
static int g_read_in_hook = -1;      /* entities the hook's read found */

static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/idreg-test-executor-XXXXXX");
	if (mkdtemp(g_dir) == NULL) {
		return -1;
	}
	snprintf(g_db, sizeof(g_db), "%s/registry.db", g_dir);
	struct idreg_store_options opts = { .backend = "sqlite", .path = g_db, .create = true,
					    .busy_timeout_ms = 5000 };
	struct idreg_store *s = NULL;
	struct idreg_diag diag;
	if (idreg_store_open(&opts, &s, &diag) != IDREG_OK) {
		return -1;
	}
	idreg_store_close(s);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

struct writer {
	int index;
	struct idreg_epp_txn txn;
	char handle[16], svtrid[16];
	idreg_err result;
};

/* Insert the writer's entity with its history line; odd writers then refuse. */
static idreg_err create_entity(struct idreg_store *s, int64_t change_set, void *ctx,
			       struct idreg_diag *diag)
{
	struct writer *w = ctx;
	struct idreg_entity entity = { .handle = w->handle, .kind = IDREG_KIND_ORG };
	entity.fields[IDREG_EF_FN] = "Example";
	const struct idreg_entity *one = &entity;
	int64_t id;
	idreg_err err = s->ops->entity_insert(s, &one, 1, &id, diag);
	if (err == IDREG_OK) {
		struct idreg_history_entry line = { .change_set = change_set, .object_type = "entity",
						    .first_id = id, .last_id = id,
						    .change = IDREG_CHANGE_CREATE };
		err = s->ops->history_add(s, &line, diag);
	}
	if (err == IDREG_OK && w->index % 2 == 1) {
		return idreg_diag_set(diag, IDREG_EREFUSED, "%s refused after its insert", w->handle);
	}
	return err;
}

static idreg_err count_entities(struct idreg_store *s, int64_t change_set, void *ctx,
				struct idreg_diag *diag)
{
	(void)change_set;
	struct idreg_domain_counts counts;
	idreg_err err = s->ops->domain_counts(s, &counts, diag);
	*(int *)ctx = (int)counts.entities;
	return err;
}

/* The first group's hook waits until every other writer is about to write,
 * so that they queue behind it and form the second group. */
static void committed(void *ctx, struct idreg_store *s, const int64_t *change_sets, size_t n)
{
	(void)ctx;
	(void)s;
	(void)change_sets;
	pthread_mutex_lock(&g_lock);
	g_in_hook = true;
	if (g_groups == 0) {
		while (g_announced < WRITERS) {
			pthread_cond_wait(&g_changed, &g_lock);
		}
		pthread_mutex_unlock(&g_lock);
		usleep(300 * 1000); /* the announced writers reach the queue */
		struct idreg_diag diag;
		int found = -1;
		if (g_access.read(g_access.ctx, count_entities, &found, &diag) == IDREG_OK) {
			g_read_in_hook = found;
		}
		pthread_mutex_lock(&g_lock);
	}
	if (g_groups < WRITERS) {
		g_group_sizes[g_groups++] = n;
	}
	g_in_hook = false;
	pthread_mutex_unlock(&g_lock);
}

static void *write_one(void *arg)
{
	struct writer *w = arg;
	pthread_mutex_lock(&g_lock);
	g_announced++;
	pthread_cond_broadcast(&g_changed);
	pthread_mutex_unlock(&g_lock);
	struct idreg_diag diag;
	w->result = g_access.write(g_access.ctx, &w->txn, create_entity, w, &diag);
	pthread_mutex_lock(&g_lock);
	if (g_in_hook) {
		g_woken_before_hook++;
	}
	pthread_mutex_unlock(&g_lock);
	return NULL;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_groups_and_savepoints(void **state)
{
	(void)state;
	struct idreg_epp_executor_config cfg = {
		.store = { .backend = "sqlite", .path = g_db, .busy_timeout_ms = 5000,
			   .no_migrate = true },
		.queue_max = 16,
		.committed = committed,
	};
	struct idreg_epp_executor *ex = NULL;
	struct idreg_diag diag;
	assert_int_equal(idreg_epp_executor_new(&cfg, &ex, &diag), IDREG_OK);
	g_access = idreg_epp_executor_access(ex);

	struct writer w[WRITERS];
	pthread_t threads[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ .index = i };
		snprintf(w[i].handle, sizeof(w[i].handle), "E-%d", i);
		snprintf(w[i].svtrid, sizeof(w[i].svtrid), "SV-%d", i);
		w[i].txn = (struct idreg_epp_txn){ .clid = "registrar-a", .svtrid = w[i].svtrid,
						   .cltrid = "", .now = 1800000000 };
	}
	/* Writer 0 alone first: its group's hook holds the committer. */
	assert_int_equal(pthread_create(&threads[0], NULL, write_one, &w[0]), 0);
	pthread_mutex_lock(&g_lock);
	while (!g_in_hook) {
		pthread_mutex_unlock(&g_lock);
		usleep(1000);
		pthread_mutex_lock(&g_lock);
	}
	pthread_mutex_unlock(&g_lock);
	for (int i = 1; i < WRITERS; i++) {
		assert_int_equal(pthread_create(&threads[i], NULL, write_one, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(threads[i], NULL);
	}
	struct idreg_epp_executor_stats stats;
	idreg_epp_executor_stats(ex, &stats);
	idreg_epp_executor_free(ex);

	for (int i = 0; i < WRITERS; i++) {
		assert_int_equal(w[i].result, i % 2 == 1 ? IDREG_EREFUSED : IDREG_OK);
	}
	assert_int_equal(stats.writes, WRITERS);
	assert_int_equal(stats.commits, 2);
	assert_int_equal(g_groups, 2);
	assert_int_equal(g_group_sizes[0], 1);
	assert_int_equal(g_group_sizes[1], WRITERS / 2 - 1); /* writers 2, 4, 6 */
	assert_int_equal(g_woken_before_hook, 0);
	assert_int_equal(g_read_in_hook, 1);

	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(g_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(query_int(db, "SELECT count(*) FROM entity"), WRITERS / 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM entity WHERE "
				       "CAST(substr(handle, 3) AS INTEGER) % 2 = 1"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM change_set WHERE "
				       "CAST(substr(sv_trid, 4) AS INTEGER) % 2 = 0 "
				       "AND actor = 'registrar-a'"), WRITERS / 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM change_set"), WRITERS / 2);
	/* Each entity's history line is in the change set of its own svTRID. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM entity e JOIN history h "
				       "ON h.object_type = 'entity' AND h.first_id = e.id "
				       "JOIN change_set c ON c.id = h.change_set "
				       "WHERE substr(c.sv_trid, 4) = substr(e.handle, 3)"), WRITERS / 2);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_groups_and_savepoints, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
