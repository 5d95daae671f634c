/*
 * Unit tests for lib/epp/executor.c on a real SQLite registry: writes from
 * eight threads share commits, a write whose function fails is undone alone
 * (its row, change set and history line absent, the others' present,
 * checked with the sqlite3 API directly), the committed hook sees the
 * group's change sets before any writer is woken, and a read from inside
 * that hook -- while the committer is busy -- sees the commit at once; a
 * COMMIT that fails (the WAL may not grow: RLIMIT_FSIZE) fails every write
 * of its group, small ones too, and the next write commits.
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
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "epp/executor.h"

#define WRITERS 8

static char g_dir[64];
static char g_db[128];

/* What the hook saw and what it holds back. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_hold_for;               /* the first group's hook waits for this many */
static struct idreg_epp_executor *g_executor;
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
	g_groups = 0;
	g_woken_before_hook = 0;
	g_in_hook = false;
	g_read_in_hook = -1;
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
	const char *fn_text;             /* the entity's name; NULL: "Example" */
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
	entity.fields[IDREG_EF_FN] = w->fn_text != NULL ? w->fn_text : "Example";
	const struct idreg_entity *one = &entity;
	int64_t id;
	idreg_err err = s->ops->entity_insert(s, &one, 1, &id, diag);
	if (err == IDREG_OK) {
		struct idreg_history_entry line = { .change_set = change_set, .object_type = "entity",
						    .first_id = id, .last_id = id,
						    .change = IDREG_CHANGE_CREATE };
		err = s->ops->history_add(s, &line, diag);
	}
	if (err == IDREG_OK && w->fn_text == NULL && w->index % 2 == 1) {
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

/* The first group's hook waits until every other writer waits in the queue,
 * so that they form the second group. */
static void committed(void *ctx, struct idreg_store *s, const int64_t *change_sets, size_t n)
{
	(void)ctx;
	(void)s;
	(void)change_sets;
	pthread_mutex_lock(&g_lock);
	g_in_hook = true;
	if (g_groups == 0) {
		pthread_mutex_unlock(&g_lock);
		struct idreg_epp_executor_stats stats;
		do { /* until every other writer waits in the queue */
			usleep(1000);
			idreg_epp_executor_stats(g_executor, &stats);
		} while (stats.waiting < (size_t)g_hold_for - 1);
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
	struct idreg_diag diag;
	w->result = g_access.write(g_access.ctx, &w->txn, create_entity, w, &diag);
	pthread_mutex_lock(&g_lock);
	if (g_in_hook) {
		g_woken_before_hook++;
	}
	pthread_mutex_unlock(&g_lock);
	return NULL;
}

static void wait_in_hook(void)
{
	pthread_mutex_lock(&g_lock);
	while (!g_in_hook) {
		pthread_mutex_unlock(&g_lock);
		usleep(1000);
		pthread_mutex_lock(&g_lock);
	}
	pthread_mutex_unlock(&g_lock);
}

/* Writer 0 alone first; while its group's hook holds the committer, call
 * @between (if any), then start the others, which queue behind it. */
static void run_writers(struct writer *w, int n, void (*between)(void))
{
	pthread_t threads[WRITERS];
	g_hold_for = n;
	for (int i = 0; i < n; i++) {
		snprintf(w[i].handle, sizeof(w[i].handle), "E-%d", i);
		snprintf(w[i].svtrid, sizeof(w[i].svtrid), "SV-%d", i);
		w[i].index = i;
		w[i].txn = (struct idreg_epp_txn){ .clid = "registrar-a", .svtrid = w[i].svtrid,
						   .cltrid = "", .now = 1800000000 };
	}
	assert_int_equal(pthread_create(&threads[0], NULL, write_one, &w[0]), 0);
	wait_in_hook();
	if (between != NULL) {
		between();
	}
	for (int i = 1; i < n; i++) {
		assert_int_equal(pthread_create(&threads[i], NULL, write_one, &w[i]), 0);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
	}
}

static struct idreg_epp_executor *open_executor(void)
{
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
	g_executor = ex;
	return ex;
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
	struct idreg_epp_executor *ex = open_executor();
	struct writer w[WRITERS] = { 0 };
	run_writers(w, WRITERS, NULL);
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

/* The WAL may grow by 256 KiB more: the second group's COMMIT, over 1 MiB, fails. */
static void limit_file_size(void)
{
	char wal[160];
	snprintf(wal, sizeof(wal), "%s-wal", g_db);
	struct stat st;
	assert_int_equal(stat(wal, &st), 0);
	struct rlimit limit = { .rlim_cur = (rlim_t)st.st_size + 256 * 1024, .rlim_max = RLIM_INFINITY };
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &limit), 0);
}

static void test_failed_commit_fails_the_group(void **state)
{
	(void)state;
	signal(SIGXFSZ, SIG_IGN);
	struct idreg_epp_executor *ex = open_executor();
	static char big[1024 * 1024];
	memset(big, 'x', sizeof(big) - 1);
	struct writer w[3] = { { .fn_text = "first" }, { .fn_text = "small" }, { .fn_text = big } };
	run_writers(w, 3, limit_file_size);
	struct rlimit unlimited = { .rlim_cur = RLIM_INFINITY, .rlim_max = RLIM_INFINITY };
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &unlimited), 0);
	/* The store goes on writing once the disk has room again. */
	struct writer after = { .index = 4, .fn_text = "after" };
	snprintf(after.handle, sizeof(after.handle), "E-after");
	snprintf(after.svtrid, sizeof(after.svtrid), "SV-after");
	after.txn = (struct idreg_epp_txn){ .clid = "registrar-a", .svtrid = after.svtrid,
					    .cltrid = "", .now = 1800000000 };
	struct idreg_diag diag;
	assert_int_equal(g_access.write(g_access.ctx, &after.txn, create_entity, &after, &diag),
			 IDREG_OK);
	idreg_epp_executor_free(ex);

	assert_int_equal(w[0].result, IDREG_OK);
	assert_int_not_equal(w[1].result, IDREG_OK); /* small, but in the group that failed */
	assert_int_not_equal(w[2].result, IDREG_OK);
	assert_int_equal(g_groups, 2); /* the hook ran for the commits that held: not the failed one */
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(g_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(query_int(db, "SELECT count(*) FROM entity WHERE handle IN ('E-0', 'E-after')"), 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM entity"), 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM change_set"), 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM history"), 2);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_groups_and_savepoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_commit_fails_the_group, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
