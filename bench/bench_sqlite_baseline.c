/*
 * The baseline for the import benchmark: a plain SQLite bulk insert of the
 * records of RIR exchange files, in one transaction, with the SQLite
 * settings idreg uses (journal_mode=WAL, synchronous=FULL).  It is the limit
 * for the store: no checks, no holders, no history, no merge with stored
 * records; a minimal split on '|' and one prepared INSERT into one plain
 * table with no index.
 *
 * usage: bench_sqlite_baseline DB FILE...
 * DB must not exist.  Prints "records N" on success.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FIELDS 8 /* registry|cc|type|start|value|date|status|opaque-id, then the rest */

static void die_sqlite(sqlite3 *db, const char *doing)
{
	fprintf(stderr, "bench_sqlite_baseline: %s: %s\n", doing, sqlite3_errmsg(db));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		die_sqlite(db, sql);
	}
}

static char *read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "bench_sqlite_baseline: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "bench_sqlite_baseline: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		fprintf(stderr, "bench_sqlite_baseline: out of memory\n");
		exit(1);
	}
	*size = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	buf[*size] = '\0';
	return buf;
}

static void bind_field(sqlite3_stmt *st, int col, const char *p, size_t len)
{
	sqlite3_bind_text(st, col, p, (int)len, SQLITE_STATIC);
}

/* Insert every record line of one file; returns how many. */
static size_t insert_file(sqlite3 *db, sqlite3_stmt *st, const char *path)
{
	size_t size, count = 0;
	char *buf = read_whole(path, &size);
	char *end = buf + size;
	int seen_version = 0;
	for (char *line = buf; line < end;) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *eol = nl ? nl : end;
		char *next = nl ? nl + 1 : end;
		if (eol > line && eol[-1] == '\r') {
			eol--;
		}
		if (eol == line || line[0] == '#') {
			line = next;
			continue;
		}
		if (!seen_version) { /* the first non-comment line is the version line */
			seen_version = 1;
			line = next;
			continue;
		}
		const char *f[MAX_FIELDS];
		size_t flen[MAX_FIELDS];
		int n = 0;
		const char *p = line;
		while (n < MAX_FIELDS) {
			const char *bar = memchr(p, '|', (size_t)(eol - p));
			f[n] = p;
			flen[n] = (size_t)((bar ? bar : eol) - p);
			n++;
			if (bar == NULL) {
				break;
			}
			p = bar + 1;
		}
		/* What follows the 8th field's bar is the extensions, kept whole. */
		const char *ext = n == MAX_FIELDS && f[7] + flen[7] < eol ? f[7] + flen[7] + 1 : NULL;
		if (n < 7 || (flen[5] == 7 && memcmp(f[5], "summary", 7) == 0)) {
			line = next; /* a summary line (6 fields) or something else */
			continue;
		}
		sqlite3_reset(st);
		bind_field(st, 1, f[0], flen[0]);
		bind_field(st, 2, f[1], flen[1]);
		bind_field(st, 3, f[2], flen[2]);
		bind_field(st, 4, f[3], flen[3]);
		sqlite3_bind_int64(st, 5, strtoll(f[4], NULL, 10));
		if (flen[5] == 0) {
			sqlite3_bind_null(st, 6);
		} else {
			sqlite3_bind_int(st, 6, (int)strtol(f[5], NULL, 10));
		}
		bind_field(st, 7, f[6], flen[6]);
		if (n >= 8) {
			bind_field(st, 8, f[7], flen[7]);
		} else {
			sqlite3_bind_null(st, 8);
		}
		if (ext != NULL) {
			bind_field(st, 9, ext, (size_t)(eol - ext));
		} else {
			sqlite3_bind_null(st, 9);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			die_sqlite(db, "inserting");
		}
		count++;
		line = next;
	}
	free(buf);
	return count;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_sqlite_baseline DB FILE...\n");
		return 2;
	}
	struct stat st;
	if (stat(argv[1], &st) == 0) {
		fprintf(stderr, "bench_sqlite_baseline: %s exists\n", argv[1]);
		return 1;
	}
	sqlite3 *db;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		die_sqlite(db, "opening");
	}
	exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
	exec(db, "CREATE TABLE numres (registry TEXT, cc TEXT, type TEXT, start TEXT, value INTEGER, "
		 "date INTEGER, status TEXT, opaque_id TEXT, extensions TEXT)");
	sqlite3_stmt *ins;
	if (sqlite3_prepare_v3(db,
			       "INSERT INTO numres (registry, cc, type, start, value, date, status, "
			       "opaque_id, extensions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			       -1, SQLITE_PREPARE_PERSISTENT, &ins, NULL) != SQLITE_OK) {
		die_sqlite(db, "preparing");
	}
	exec(db, "BEGIN IMMEDIATE");
	size_t total = 0;
	for (int i = 2; i < argc; i++) {
		total += insert_file(db, ins, argv[i]);
	}
	exec(db, "COMMIT");
	sqlite3_finalize(ins);
	if (sqlite3_close(db) != SQLITE_OK) {
		die_sqlite(db, "closing");
	}
	printf("records %zu\n", total);
	return 0;
}
