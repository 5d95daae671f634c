/*
 * The baseline of the EPP create benchmark (bench/bench_epp.sh): a plain
 * SQLite program writing the very rows idregd wrote for its creates into
 * the registry as it was before them, with the same schema (tables, indexes,
 * constraints) and the same durability (journal_mode=WAL, synchronous=FULL).
 *
 * AFTER is the registry after idregd's run, BEFORE a copy of it taken before
 * the run (DB is written: give it a copy).  Every change set of AFTER newer
 * than BEFORE's last is one create: its change_set row, its history lines,
 * the rows of the objects those lines created (table named by object_type,
 * ids first_id..last_id) and the rows of every table linked to them by an
 * OBJECT_id column (domain_entity, domain_host, ...), and the id counters as
 * AFTER has them.  Those rows are first copied into memory, with an index
 * for each lookup (history first, each object found by its id range: a
 * CROSS JOIN keeps that order), so that the timed part only inserts; then the
 * creates are written GROUP to a transaction (1: one fsync per create).
 *
 * usage: bench_epp_sqlite AFTER DB GROUP
 * prints "RESULT creates transactions seconds creates/s"
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LINKS 64 /* (object table, linked table) pairs */

static sqlite3 *g_db;

static void die(const char *doing)
{
	fprintf(stderr, "bench_epp_sqlite: %s: %s\n", doing, sqlite3_errmsg(g_db));
	exit(1);
}

static void exec(const char *sql)
{
	if (sqlite3_exec(g_db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		die(sql);
	}
}

static sqlite3_stmt *prepare(const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(g_db, sql, -1, &st, NULL) != SQLITE_OK) {
		die(sql);
	}
	return st;
}

static void run(sqlite3_stmt *st, const char *doing)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
	}
	if (rc != SQLITE_DONE) {
		die(doing);
	}
	sqlite3_reset(st);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An object table (history's object_type) and a table linked to it. */
struct link {
	char object[64];
	sqlite3_stmt *insert; /* ?1, ?2: the ids */
};

int main(int argc, char **argv)
{
	if (argc != 4 || atoi(argv[3]) < 1) {
		fprintf(stderr, "usage: bench_epp_sqlite AFTER DB GROUP\n");
		return 2;
	}
	int group = atoi(argv[3]);
	if (sqlite3_open(argv[2], &g_db) != SQLITE_OK) {
		die(argv[2]);
	}
	exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
	     "PRAGMA cache_size = -65536;");
	sqlite3_stmt *st = prepare("ATTACH ?1 AS disk");
	sqlite3_bind_text(st, 1, argv[1], -1, SQLITE_STATIC);
	run(st, "attaching AFTER");
	sqlite3_finalize(st);
	exec("ATTACH ':memory:' AS src");

	/* The creates: AFTER's change sets newer than DB's. */
	exec("CREATE TABLE src.change_set AS SELECT * FROM disk.change_set "
	     "WHERE id > (SELECT coalesce(max(id), 0) FROM main.change_set);"
	     "CREATE INDEX src.change_set_id ON change_set(id);"
	     "CREATE TABLE src.history AS SELECT * FROM disk.history "
	     "WHERE change_set IN (SELECT id FROM src.change_set);"
	     "CREATE INDEX src.history_cs ON history(change_set);"
	     "CREATE TABLE src.id_counter AS SELECT * FROM disk.id_counter;");

	/* The objects they created, and their linked tables, into memory. */
	struct link links[MAX_LINKS];
	size_t n_links = 0;
	sqlite3_stmt *types = prepare("SELECT DISTINCT object_type FROM src.history");
	sqlite3_stmt *linked = prepare("SELECT m.name FROM main.sqlite_schema m "
				       "JOIN pragma_table_info(m.name) c "
				       "WHERE m.type = 'table' AND c.name = ?1 || '_id'");
	char sql[1024];
	while (sqlite3_step(types) == SQLITE_ROW) {
		char object[64];
		snprintf(object, sizeof(object), "%s", sqlite3_column_text(types, 0));
		snprintf(sql, sizeof(sql),
			 "CREATE TABLE src.\"%s\" AS SELECT o.* FROM src.history h "
			 "CROSS JOIN disk.\"%s\" o ON o.id BETWEEN h.first_id AND h.last_id "
			 "WHERE h.object_type = '%s' AND h.action = 'create';"
			 "CREATE INDEX src.\"%s_id\" ON \"%s\"(id);",
			 object, object, object, object, object);
		exec(sql);
		snprintf(sql, sizeof(sql),
			 "INSERT INTO main.\"%s\" SELECT * FROM src.\"%s\" WHERE id BETWEEN ?1 AND ?2",
			 object, object);
		if (n_links == MAX_LINKS) {
			fprintf(stderr, "bench_epp_sqlite: over %d linked tables\n", MAX_LINKS);
			return 1;
		}
		links[n_links] = (struct link){ .insert = prepare(sql) };
		snprintf(links[n_links++].object, sizeof(links[0].object), "%s", object);
		sqlite3_bind_text(linked, 1, object, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(linked) == SQLITE_ROW) {
			char table[64];
			snprintf(table, sizeof(table), "%s", sqlite3_column_text(linked, 0));
			snprintf(sql, sizeof(sql),
				 "CREATE TABLE src.\"%s\" AS SELECT * FROM disk.\"%s\" WHERE %s_id IN "
				 "(SELECT id FROM src.\"%s\");"
				 "CREATE INDEX src.\"%s_link\" ON \"%s\"(%s_id);",
				 table, table, object, object, table, table, object);
			exec(sql);
			snprintf(sql, sizeof(sql),
				 "INSERT INTO main.\"%s\" SELECT * FROM src.\"%s\" "
				 "WHERE %s_id BETWEEN ?1 AND ?2",
				 table, table, object);
			if (n_links == MAX_LINKS) {
				fprintf(stderr, "bench_epp_sqlite: over %d linked tables\n", MAX_LINKS);
				return 1;
			}
			links[n_links] = (struct link){ .insert = prepare(sql) };
			snprintf(links[n_links++].object, sizeof(links[0].object), "%s", object);
		}
		sqlite3_reset(linked);
	}
	sqlite3_finalize(types);
	sqlite3_finalize(linked);
	exec("DETACH disk");

	sqlite3_stmt *sets = prepare("SELECT id FROM src.change_set ORDER BY id");
	sqlite3_stmt *put_set = prepare("INSERT INTO main.change_set SELECT * FROM src.change_set "
					"WHERE id = ?1");
	sqlite3_stmt *lines = prepare("SELECT object_type, first_id, last_id FROM src.history "
				      "WHERE change_set = ?1 AND action = 'create'");
	sqlite3_stmt *put_lines = prepare("INSERT INTO main.history SELECT * FROM src.history "
					  "WHERE change_set = ?1");
	sqlite3_stmt *counters = prepare("UPDATE main.id_counter SET next_id = "
					 "(SELECT next_id FROM src.id_counter c "
					 "WHERE c.name = id_counter.name)");
	sqlite3_stmt *begin = prepare("BEGIN IMMEDIATE"), *commit = prepare("COMMIT");

	long creates = 0, transactions = 0;
	double start = now_s();
	while (sqlite3_step(sets) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sets, 0);
		if (creates % group == 0) {
			run(begin, "BEGIN");
		}
		sqlite3_bind_int64(put_set, 1, id);
		run(put_set, "change_set");
		sqlite3_bind_int64(lines, 1, id);
		while (sqlite3_step(lines) == SQLITE_ROW) {
			const char *object = (const char *)sqlite3_column_text(lines, 0);
			for (size_t i = 0; i < n_links; i++) {
				if (strcmp(links[i].object, object) == 0) {
					sqlite3_bind_int64(links[i].insert, 1, sqlite3_column_int64(lines, 1));
					sqlite3_bind_int64(links[i].insert, 2, sqlite3_column_int64(lines, 2));
					run(links[i].insert, object);
				}
			}
		}
		sqlite3_reset(lines);
		sqlite3_bind_int64(put_lines, 1, id);
		run(put_lines, "history");
		creates++;
		if (creates % group == 0) {
			run(counters, "id_counter");
			run(commit, "COMMIT");
			transactions++;
		}
	}
	if (creates % group != 0) {
		run(counters, "id_counter");
		run(commit, "COMMIT");
		transactions++;
	}
	double seconds = now_s() - start;
	sqlite3_reset(sets);
	printf("RESULT %ld %ld %.3f %.1f\n", creates, transactions, seconds,
	       seconds > 0 ? (double)creates / seconds : 0.0);
	sqlite3_finalize(sets);
	sqlite3_finalize(put_set);
	sqlite3_finalize(lines);
	sqlite3_finalize(put_lines);
	sqlite3_finalize(counters);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	for (size_t i = 0; i < n_links; i++) {
		sqlite3_finalize(links[i].insert);
	}
	sqlite3_close(g_db);
	return 0;
}
