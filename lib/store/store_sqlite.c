/*
 * The embedded SQLite backend of the storage interface: WAL journal, full
 * synchronous commits, prepared statements kept for the life of the handle,
 * and schema migrations numbered in a schema_version table.  The SQL is kept
 * portable (standard types, ON CONFLICT upserts) so that the PostgreSQL
 * backend can share the schema.
 */
#include "store/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "core/strmap.h"

/*
 * Each migration takes the schema from version i to i + 1.
 *
 * Choices made for bulk imports, which write hundreds of thousands of rows:
 * CHECK constraints spell out OR chains, since SQLite builds a temporary
 * table for every row that an "IN (...)" list is checked against; numres has
 * no index on its source, since only an import or an export reads a source's
 * records, and one scan then costs less than an index entry per row; ids
 * come from id_counter, read once and written once per transaction, so that
 * they are never reused (history refers to them) without AUTOINCREMENT's
 * write per row; and numres declares no foreign keys for its source and
 * holder ids, which SQLite would check with two lookups per row (an eighth of
 * an import) although the only writer, the import, takes both ids from rows
 * it holds in the same transaction.
 */
static const char *const migrations[] = {
	/* 1: number resources, holders, and the history of every change. */
	"CREATE TABLE rir_source ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  version TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  serial_time BIGINT NOT NULL,"
	"  records BIGINT NOT NULL,"
	"  startdate TEXT NOT NULL,"
	"  enddate TEXT NOT NULL,"
	"  utcoffset TEXT NOT NULL,"
	"  file TEXT NOT NULL,"
	"  imported_at TEXT NOT NULL,"
	"  summary_asn BIGINT NOT NULL,"
	"  summary_ipv4 BIGINT NOT NULL,"
	"  summary_ipv6 BIGINT NOT NULL);"
	"CREATE TABLE holder ("
	"  id INTEGER PRIMARY KEY,"
	"  registry TEXT NOT NULL,"
	"  opaque_id TEXT NOT NULL,"
	"  UNIQUE (registry, opaque_id));"
	"CREATE TABLE id_counter ("
	"  name TEXT PRIMARY KEY,"
	"  next_id BIGINT NOT NULL);"
	"INSERT INTO id_counter (name, next_id) VALUES ('numres', 1);"
	"CREATE TABLE numres ("
	"  id INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL,"
	"  registry TEXT NOT NULL,"
	"  cc TEXT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type = 'asn' OR type = 'ipv4' OR type = 'ipv6'),"
	"  start TEXT NOT NULL,"
	"  value BIGINT NOT NULL,"
	"  date INTEGER,"
	"  status TEXT NOT NULL CHECK (status = 'allocated' OR status = 'assigned' OR"
	"                              status = 'available' OR status = 'reserved'),"
	"  holder_id INTEGER,"
	"  extensions TEXT,"
	"  changed_at TEXT NOT NULL);"
	"CREATE TABLE change_set ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL);"
	"CREATE TABLE history ("
	"  id INTEGER PRIMARY KEY,"
	"  change_set BIGINT NOT NULL REFERENCES change_set(id),"
	"  object_type TEXT NOT NULL,"
	"  first_id BIGINT NOT NULL,"
	"  last_id BIGINT NOT NULL,"
	"  action TEXT NOT NULL CHECK (action = 'create' OR action = 'update' OR action = 'delete'),"
	"  before_text TEXT,"
	"  after_text TEXT);"
	"CREATE INDEX history_object ON history(object_type, first_id);",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SOURCE_GET,
	ST_SOURCE_PUT,
	ST_SOURCE_ALL,
	ST_NUMRES_ALL,
	ST_NUMRES_OF_SOURCE,
	ST_SOURCE_ID,
	ST_NUMRES_INSERT,
	ST_NUMRES_INSERT_BATCH,
	ST_NUMRES_UPDATE,
	ST_NUMRES_DELETE,
	ST_NUMRES_COUNT,
	ST_HOLDERS_OF,
	ST_HOLDER_ADD,
	ST_COUNTER_GET,
	ST_COUNTER_PUT,
	ST_CHANGE_SET_ADD,
	ST_HISTORY_ADD,
	ST_COUNT
};

#define SOURCE_COLUMNS                                                                       \
	"name, version, serial, serial_time, records, startdate, enddate, utcoffset, file, " \
	"imported_at, summary_asn, summary_ipv4, summary_ipv6"
#define NUMRES_SELECT                                                                        \
	"SELECT n.id, s.name, n.registry, n.cc, n.type, n.start, n.value, n.date, n.status, " \
	"h.opaque_id, n.extensions, n.changed_at FROM numres n " \
	"JOIN rir_source s ON s.id = n.source_id " \
	"LEFT JOIN holder h ON h.id = n.holder_id "

/* Records go in NUMRES_BATCH rows per statement: statement overhead is much
 * of an insert's cost.  Each row binds NUMRES_COLUMNS values, in this order. */
#define NUMRES_INSERT                                                                        \
	"INSERT INTO numres (source_id, registry, cc, type, start, value, date, status, "    \
	"holder_id, extensions, changed_at, id) VALUES "
#define NUMRES_COLUMNS 12
#define NUMRES_ROW "(?,?,?,?,?,?,?,?,?,?,?,?)"
#define NUMRES_ROWS_8 NUMRES_ROW "," NUMRES_ROW "," NUMRES_ROW "," NUMRES_ROW "," \
	NUMRES_ROW "," NUMRES_ROW "," NUMRES_ROW "," NUMRES_ROW
#define NUMRES_BATCH 32

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SOURCE_GET] = "SELECT " SOURCE_COLUMNS " FROM rir_source WHERE name = ?1",
	[ST_SOURCE_PUT] = "INSERT INTO rir_source (" SOURCE_COLUMNS ") "
			  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
			  "ON CONFLICT (name) DO UPDATE SET version = ?2, serial = ?3, "
			  "serial_time = ?4, records = ?5, startdate = ?6, enddate = ?7, "
			  "utcoffset = ?8, file = ?9, imported_at = ?10, summary_asn = ?11, "
			  "summary_ipv4 = ?12, summary_ipv6 = ?13",
	[ST_SOURCE_ALL] = "SELECT " SOURCE_COLUMNS " FROM rir_source ORDER BY name",
	[ST_NUMRES_ALL] = NUMRES_SELECT "ORDER BY n.id",
	[ST_NUMRES_OF_SOURCE] = NUMRES_SELECT "WHERE s.name = ?1 ORDER BY n.id",
	[ST_SOURCE_ID] = "SELECT id FROM rir_source WHERE name = ?1",
	[ST_NUMRES_INSERT] = NUMRES_INSERT NUMRES_ROW,
	[ST_NUMRES_INSERT_BATCH] = NUMRES_INSERT NUMRES_ROWS_8 "," NUMRES_ROWS_8 "," NUMRES_ROWS_8
				   "," NUMRES_ROWS_8,
	[ST_NUMRES_UPDATE] = "UPDATE numres SET registry = ?2, cc = ?3, type = ?4, start = ?5, "
			     "value = ?6, date = ?7, status = ?8, holder_id = ?9, extensions = ?10, "
			     "changed_at = ?11 WHERE id = ?1",
	[ST_NUMRES_DELETE] = "DELETE FROM numres WHERE id = ?1",
	[ST_NUMRES_COUNT] = "SELECT s.name, n.type, n.status, COUNT(*) FROM numres n "
			    "JOIN rir_source s ON s.id = n.source_id "
			    "GROUP BY s.name, n.type, n.status ORDER BY s.name, n.type, n.status",
	[ST_HOLDERS_OF] = "SELECT opaque_id, id FROM holder WHERE registry = ?1",
	[ST_COUNTER_GET] = "SELECT next_id FROM id_counter WHERE name = 'numres'",
	[ST_COUNTER_PUT] = "UPDATE id_counter SET next_id = ?1 WHERE name = 'numres'",
	[ST_HOLDER_ADD] = "INSERT INTO holder (registry, opaque_id) VALUES (?1, ?2)",
	[ST_CHANGE_SET_ADD] = "INSERT INTO change_set (at, actor) VALUES (?1, ?2)",
	[ST_HISTORY_ADD] = ("INSERT INTO history (change_set, object_type, first_id, last_id, "
			    "action, before_text, after_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
};

static const char *const change_names[] = { "create", "update", "delete" };

struct sqlite_store {
	struct idreg_store base;
	sqlite3 *db;
	char path[512];
	sqlite3_stmt *stmt[ST_COUNT];
	/* Caches valid within one transaction. */
	struct idreg_strmap holders; /* "registry\x1fopaque id" -> holder id; "\x1eregistry" once loaded */
	char source_name[32];        /* the source last written to, and its id */
	int64_t source_id;
	int64_t next_numres_id;      /* 0 until read from id_counter */
	char change_at[32];          /* time of the open change set: rows written are changed then */
	bool counter_dirty;
};

/* A write failed and SQLite lost its errno: is the disk full, or a size limit reached? */
static int why_write_failed(const char *path)
{
	char dir[sizeof(((struct sqlite_store *)0)->path)];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
	} else {
		slash[slash == dir] = '\0';
	}
	struct statvfs fs;
	if (statvfs(dir, &fs) == 0 && (uint64_t)fs.f_bavail * fs.f_frsize < 1024 * 1024) {
		return ENOSPC;
	}
	struct rlimit limit;
	if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
		return EFBIG;
	}
	return 0;
}

/* Turn a SQLite failure into an idreg error with a message that says what to do. */
static idreg_err fail(struct sqlite_store *s, int rc, const char *doing, struct idreg_diag *diag)
{
	int primary = rc & 0xff;
	int sys = s->db ? sqlite3_system_errno(s->db) : 0;
	const char *detail = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	idreg_err err = IDREG_ESTORE;
	switch (primary) {
	case SQLITE_FULL:
		err = IDREG_ENOSPC;
		detail = "disk full";
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		err = IDREG_EACCES;
		detail = "the database is read-only";
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		err = IDREG_EBUSY;
		detail = "the database is locked by another writer";
		break;
	case SQLITE_CANTOPEN:
		err = sys == EACCES ? IDREG_EACCES : IDREG_EIO;
		detail = sys ? strerror(sys) : "cannot open the database file";
		break;
	case SQLITE_IOERR:
		if (sys == 0 && rc == SQLITE_IOERR_WRITE) {
			sys = why_write_failed(s->path); /* SQLite's errno is often lost by then */
		}
		if (sys == ENOSPC || sys == EFBIG || sys == EDQUOT) {
			err = IDREG_ENOSPC;
			detail = sys == EFBIG ? "file size limit reached" : strerror(sys);
		} else {
			err = IDREG_EIO;
			detail = sys ? strerror(sys) : "input/output error";
		}
		break;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		err = IDREG_ESTORE;
		detail = "not an idreg registry, or a corrupted one";
		break;
	case SQLITE_NOMEM:
		err = IDREG_ENOMEM;
		break;
	default:
		break;
	}
	return idreg_diag_set(diag, err, "%s: %s: %s", s->path, doing, detail);
}

static idreg_err stmt_get(struct sqlite_store *s, enum stmt_id id, sqlite3_stmt **out,
			  struct idreg_diag *diag)
{
	if (s->stmt[id] == NULL) {
		int rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					    &s->stmt[id], NULL);
		if (rc != SQLITE_OK) {
			return fail(s, rc, "preparing a statement", diag);
		}
	}
	sqlite3_reset(s->stmt[id]);
	sqlite3_clear_bindings(s->stmt[id]);
	*out = s->stmt[id];
	return IDREG_OK;
}

/* Run a statement that returns no rows. */
static idreg_err stmt_done(struct sqlite_store *s, sqlite3_stmt *st, const char *doing,
			   struct idreg_diag *diag)
{
	int rc = sqlite3_step(st);
	/* Read the error before the reset, whose own I/O would replace errno. */
	idreg_err err = rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, doing, diag);
	sqlite3_reset(st);
	return err;
}

static idreg_err exec_simple(struct sqlite_store *s, enum stmt_id id, const char *doing,
			     struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, id, &st, diag);
	return err != IDREG_OK ? err : stmt_done(s, st, doing, diag);
}

static void bind_text_or_null(sqlite3_stmt *st, int col, const char *text)
{
	if (text == NULL) {
		sqlite3_bind_null(st, col);
	} else {
		sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
	}
}

static const char *column_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

/* ---- transactions ---- */

static idreg_err sq_begin(struct idreg_store *base, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	return exec_simple(s, ST_BEGIN, "starting a transaction", diag);
}

static void forget_transaction(struct sqlite_store *s)
{
	idreg_strmap_clear(&s->holders);
	s->source_name[0] = '\0';
	s->next_numres_id = 0;
	s->counter_dirty = false;
	s->change_at[0] = '\0';
}

static void sq_rollback(struct idreg_store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (!sqlite3_get_autocommit(s->db)) {
		exec_simple(s, ST_ROLLBACK, "rolling back", NULL);
	}
	forget_transaction(s);
}

static idreg_err sq_commit(struct idreg_store *base, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = IDREG_OK;
	if (s->counter_dirty) {
		sqlite3_stmt *st = NULL;
		err = stmt_get(s, ST_COUNTER_PUT, &st, diag);
		if (err == IDREG_OK) {
			sqlite3_bind_int64(st, 1, s->next_numres_id);
			err = stmt_done(s, st, "recording the next id", diag);
		}
	}
	if (err == IDREG_OK) {
		err = exec_simple(s, ST_COMMIT, "committing", diag);
	}
	if (err != IDREG_OK) {
		sq_rollback(base);
	}
	forget_transaction(s);
	return err;
}

/* ---- sources ---- */

static void read_source(sqlite3_stmt *st, struct idreg_source *out)
{
	memset(out, 0, sizeof(*out));
	struct idreg_rir_header *h = &out->header;
	snprintf(h->registry, sizeof(h->registry), "%s", column_text(st, 0));
	snprintf(h->version, sizeof(h->version), "%s", column_text(st, 1));
	snprintf(h->serial, sizeof(h->serial), "%s", column_text(st, 2));
	h->serial_time = sqlite3_column_int64(st, 3);
	h->records = (uint64_t)sqlite3_column_int64(st, 4);
	snprintf(h->startdate, sizeof(h->startdate), "%s", column_text(st, 5));
	snprintf(h->enddate, sizeof(h->enddate), "%s", column_text(st, 6));
	snprintf(h->utcoffset, sizeof(h->utcoffset), "%s", column_text(st, 7));
	snprintf(out->file, sizeof(out->file), "%s", column_text(st, 8));
	snprintf(out->imported_at, sizeof(out->imported_at), "%s", column_text(st, 9));
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		out->summary[t] = (uint64_t)sqlite3_column_int64(st, 10 + t);
	}
}

static idreg_err sq_source_get(struct idreg_store *base, const char *name, struct idreg_source *out,
			       struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_SOURCE_GET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_source(st, out);
		sqlite3_reset(st);
		return IDREG_OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "no data from registry '%s'", name);
	}
	return fail(s, rc, "reading sources", diag);
}

static idreg_err sq_source_put(struct idreg_store *base, const struct idreg_source *src,
			       struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_SOURCE_PUT, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	const struct idreg_rir_header *h = &src->header;
	sqlite3_bind_text(st, 1, h->registry, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, h->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, h->serial, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, h->serial_time);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)h->records);
	sqlite3_bind_text(st, 6, h->startdate, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, h->enddate, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, h->utcoffset, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, src->file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, src->imported_at, -1, SQLITE_STATIC);
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		sqlite3_bind_int64(st, 11 + t, (sqlite3_int64)src->summary[t]);
	}
	return stmt_done(s, st, "recording the source file", diag);
}

static idreg_err sq_source_each(struct idreg_store *base, idreg_source_cb cb, void *ctx,
				struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_SOURCE_ALL, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_source src;
		read_source(st, &src);
		err = cb(ctx, &src);
		if (err != IDREG_OK) {
			sqlite3_reset(st);
			return err;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "reading sources", diag);
}

/* ---- number resources ---- */

static idreg_err decode_numres(sqlite3_stmt *st, struct idreg_stored_numres *out)
{
	struct idreg_numres *rec = &out->rec;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->source = column_text(st, 1);
	rec->registry = column_text(st, 2);
	rec->cc = column_text(st, 3);
	const char *type = column_text(st, 4);
	const char *start = column_text(st, 5);
	if (!idreg_restype_parse(type, strlen(type), &rec->type)) {
		return IDREG_ESTORE;
	}
	sqlite3_int64 value = sqlite3_column_int64(st, 6);
	if (value < 0) {
		return IDREG_ESTORE;
	}
	rec->value = (uint64_t)value;
	rec->date = sqlite3_column_type(st, 7) == SQLITE_NULL ? IDREG_DATE_NONE
							      : (int32_t)sqlite3_column_int(st, 7);
	const char *status = column_text(st, 8);
	if (!idreg_status_parse(status, strlen(status), &rec->status)) {
		return IDREG_ESTORE;
	}
	rec->opaque_id = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : column_text(st, 9);
	rec->extensions = sqlite3_column_type(st, 10) == SQLITE_NULL ? NULL : column_text(st, 10);
	out->changed_at = column_text(st, 11);

	if (rec->type == IDREG_RES_ASN) {
		if (!idreg_parse_u128(start, strlen(start), &rec->first) || rec->first > UINT32_MAX) {
			return IDREG_ESTORE;
		}
		rec->last = rec->first + rec->value - 1;
	} else {
		struct idreg_ip ip;
		if (idreg_ip_parse(start, strlen(start), &ip) != IDREG_OK || ip.type != rec->type) {
			return IDREG_ESTORE;
		}
		rec->first = ip.value;
		rec->last = rec->type == IDREG_RES_IPV4 ? ip.value + rec->value - 1
							: ip.value | idreg_host_mask(128, (unsigned)rec->value);
	}
	return IDREG_OK;
}

static idreg_err sq_numres_each(struct idreg_store *base, const char *source, idreg_numres_cb cb,
				void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, source ? ST_NUMRES_OF_SOURCE : ST_NUMRES_ALL, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (source != NULL) {
		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_stored_numres row;
		if (decode_numres(st, &row) != IDREG_OK) {
			long long id = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			return idreg_diag_set(diag, IDREG_ESTORE, "%s: number resource %lld is corrupted",
					      s->path, id);
		}
		err = cb(ctx, &row);
		if (err != IDREG_OK) {
			sqlite3_reset(st);
			return err;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "reading number resources", diag);
}

/* The cache key of a holder: "registry\x1fopaque id"; false if it does not fit. */
static bool holder_key(const char *registry, const char *opaque_id, char *key, size_t size)
{
	size_t rlen = strlen(registry), olen = strlen(opaque_id);
	if (rlen + olen + 2 > size) {
		return false;
	}
	memcpy(key, registry, rlen);
	key[rlen] = '\x1f';
	memcpy(key + rlen + 1, opaque_id, olen + 1);
	return true;
}

/* Load every holder of @registry into the cache, once per transaction. */
static idreg_err load_holders(struct sqlite_store *s, const char *registry, struct idreg_diag *diag)
{
	char marker[40];
	int64_t loaded;
	snprintf(marker, sizeof(marker), "\x1e%s", registry);
	if (idreg_strmap_get(&s->holders, marker, &loaded) == IDREG_OK) {
		return IDREG_OK;
	}
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_HOLDERS_OF, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, registry, -1, SQLITE_STATIC);
	char key[IDREG_RIR_MAX_FIELD * 2 + 2];
	int rc;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (holder_key(registry, column_text(st, 0), key, sizeof(key))) {
			err = idreg_strmap_put(&s->holders, key, sqlite3_column_int64(st, 1));
		}
	}
	sqlite3_reset(st);
	if (err != IDREG_OK) {
		return err;
	}
	if (rc != SQLITE_DONE) {
		return fail(s, rc, "reading holders", diag);
	}
	return idreg_strmap_put(&s->holders, marker, 1);
}

static idreg_err holder_id(struct sqlite_store *s, const char *registry, const char *opaque_id,
			   int64_t *out, struct idreg_diag *diag)
{
	char key[IDREG_RIR_MAX_FIELD * 2 + 2];
	if (!holder_key(registry, opaque_id, key, sizeof(key))) {
		return idreg_diag_set(diag, IDREG_EINVAL, "holder id too long");
	}
	if (idreg_strmap_get(&s->holders, key, out) == IDREG_OK) {
		return IDREG_OK;
	}
	idreg_err err = load_holders(s, registry, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (idreg_strmap_get(&s->holders, key, out) == IDREG_OK) {
		return IDREG_OK;
	}
	sqlite3_stmt *st = NULL;
	err = stmt_get(s, ST_HOLDER_ADD, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, registry, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, opaque_id, -1, SQLITE_STATIC);
	err = stmt_done(s, st, "recording a holder", diag);
	if (err != IDREG_OK) {
		return err;
	}
	/* Rows are added one at a time, so the last rowid is this row's
	 * (RETURNING would do, but SQLite buffers it in a temporary table). */
	*out = sqlite3_last_insert_rowid(s->db);
	return idreg_strmap_put(&s->holders, key, *out);
}

/* Ids for @n new numres rows: the counter is read once per transaction and
 * written back at commit. */
static idreg_err reserve_numres_ids(struct sqlite_store *s, size_t n, int64_t *first,
				    struct idreg_diag *diag)
{
	if (s->next_numres_id == 0) {
		sqlite3_stmt *st = NULL;
		idreg_err err = stmt_get(s, ST_COUNTER_GET, &st, diag);
		if (err != IDREG_OK) {
			return err;
		}
		int rc = sqlite3_step(st);
		int64_t next = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW || next < 1) {
			return rc == SQLITE_ROW || rc == SQLITE_DONE
				       ? idreg_diag_set(diag, IDREG_ESTORE, "%s: id counter missing", s->path)
				       : fail(s, rc, "reading the id counter", diag);
		}
		s->next_numres_id = next;
	}
	*first = s->next_numres_id;
	s->next_numres_id += (int64_t)n;
	s->counter_dirty = true;
	return IDREG_OK;
}

/* Bind the record's columns, from @first on (registry, cc, type, ... extensions). */
static idreg_err bind_numres(struct sqlite_store *s, sqlite3_stmt *st, int first,
			     const struct idreg_numres *rec, char *start, size_t start_size,
			     struct idreg_diag *diag)
{
	if (rec->type == IDREG_RES_ASN) {
		snprintf(start, start_size, "%u", (unsigned)rec->first);
	} else {
		struct idreg_ip ip = { rec->type, rec->first };
		idreg_ip_format(&ip, start, start_size);
	}
	sqlite3_bind_text(st, first, rec->registry, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, first + 1, rec->cc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, first + 2, idreg_restype_name(rec->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, first + 3, start, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, first + 4, (sqlite3_int64)rec->value);
	if (rec->date == IDREG_DATE_NONE) {
		sqlite3_bind_null(st, first + 5);
	} else {
		sqlite3_bind_int(st, first + 5, rec->date);
	}
	sqlite3_bind_text(st, first + 6, idreg_status_name(rec->status), -1, SQLITE_STATIC);
	if (rec->opaque_id != NULL) {
		int64_t holder;
		idreg_err err = holder_id(s, rec->registry, rec->opaque_id, &holder, diag);
		if (err != IDREG_OK) {
			return err;
		}
		sqlite3_bind_int64(st, first + 7, holder);
	} else {
		sqlite3_bind_null(st, first + 7);
	}
	bind_text_or_null(st, first + 8, rec->extensions);
	if (s->change_at[0] == '\0') { /* a write outside any change set: changed now */
		idreg_store_now(s->change_at, sizeof(s->change_at));
	}
	sqlite3_bind_text(st, first + 9, s->change_at, -1, SQLITE_STATIC);
	return IDREG_OK;
}

/* The id of a source row, remembered for the run of inserts that follows. */
static idreg_err source_id(struct sqlite_store *s, const char *name, int64_t *out,
			   struct idreg_diag *diag)
{
	if (strcmp(s->source_name, name) == 0) {
		*out = s->source_id;
		return IDREG_OK;
	}
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_SOURCE_ID, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "no source '%s' to add records to", name);
	}
	if (rc != SQLITE_ROW) {
		return fail(s, rc, "reading sources", diag);
	}
	if (strlen(name) < sizeof(s->source_name)) {
		strcpy(s->source_name, name);
		s->source_id = *out;
	}
	return IDREG_OK;
}

/* Bind @rows records, row after row, as NUMRES_INSERT's columns. */
static idreg_err bind_rows(struct sqlite_store *s, sqlite3_stmt *st, int64_t source,
			   const struct idreg_numres *const *recs, size_t rows, int64_t first_id,
			   char (*starts)[IDREG_IP_TEXT_MAX], struct idreg_diag *diag)
{
	for (size_t r = 0; r < rows; r++) {
		int base = (int)(r * NUMRES_COLUMNS);
		idreg_err err = bind_numres(s, st, base + 2, recs[r], starts[r], IDREG_IP_TEXT_MAX, diag);
		if (err != IDREG_OK) {
			return err;
		}
		sqlite3_bind_int64(st, base + 1, source);
		sqlite3_bind_int64(st, base + NUMRES_COLUMNS, first_id + (int64_t)r);
	}
	return IDREG_OK;
}

static idreg_err sq_numres_insert(struct idreg_store *base, const char *source,
				  const struct idreg_numres *const *recs, size_t n, int64_t *first_id,
				  struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int64_t src = 0;
	idreg_err err = source_id(s, source, &src, diag);
	if (err == IDREG_OK) {
		err = reserve_numres_ids(s, n, first_id, diag);
	}
	char starts[NUMRES_BATCH][IDREG_IP_TEXT_MAX];
	for (size_t done = 0; err == IDREG_OK && done < n;) {
		size_t rows = n - done >= NUMRES_BATCH ? NUMRES_BATCH : 1;
		sqlite3_stmt *st = NULL;
		err = stmt_get(s, rows == NUMRES_BATCH ? ST_NUMRES_INSERT_BATCH : ST_NUMRES_INSERT, &st,
			       diag);
		if (err == IDREG_OK) {
			err = bind_rows(s, st, src, recs + done, rows, *first_id + (int64_t)done, starts,
					diag);
		}
		if (err == IDREG_OK) {
			err = stmt_done(s, st, "adding number resources", diag);
		}
		done += rows;
	}
	return err;
}

static idreg_err sq_numres_update(struct idreg_store *base, int64_t id,
				  const struct idreg_numres *rec, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	char start[IDREG_IP_TEXT_MAX];
	idreg_err err = stmt_get(s, ST_NUMRES_UPDATE, &st, diag);
	if (err == IDREG_OK) {
		err = bind_numres(s, st, 2, rec, start, sizeof(start), diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, id);
	return stmt_done(s, st, "changing a number resource", diag);
}

static idreg_err sq_numres_delete(struct idreg_store *base, int64_t id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_NUMRES_DELETE, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, id);
	return stmt_done(s, st, "removing a number resource", diag);
}

static idreg_err sq_numres_count(struct idreg_store *base, idreg_count_cb cb, void *ctx,
				 struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_NUMRES_COUNT, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_count_row row = { .source = column_text(st, 0) };
		const char *type = column_text(st, 1), *status = column_text(st, 2);
		if (!idreg_restype_parse(type, strlen(type), &row.type) ||
		    !idreg_status_parse(status, strlen(status), &row.status)) {
			sqlite3_reset(st);
			return idreg_diag_set(diag, IDREG_ESTORE, "%s: corrupted type or status", s->path);
		}
		row.count = (uint64_t)sqlite3_column_int64(st, 3);
		err = cb(ctx, &row);
		if (err != IDREG_OK) {
			sqlite3_reset(st);
			return err;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "counting number resources", diag);
}

static idreg_err sq_change_set_add(struct idreg_store *base, const char *at, const char *actor,
				   int64_t *id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_CHANGE_SET_ADD, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	snprintf(s->change_at, sizeof(s->change_at), "%s", at);
	err = stmt_done(s, st, "recording a change set", diag);
	*id = sqlite3_last_insert_rowid(s->db);
	return err;
}

static idreg_err sq_history_add(struct idreg_store *base, const struct idreg_history_entry *e,
				struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_HISTORY_ADD, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, e->change_set);
	sqlite3_bind_text(st, 2, e->object_type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, e->first_id);
	sqlite3_bind_int64(st, 4, e->last_id);
	sqlite3_bind_text(st, 5, change_names[e->change], -1, SQLITE_STATIC);
	bind_text_or_null(st, 6, e->before);
	bind_text_or_null(st, 7, e->after);
	return stmt_done(s, st, "recording history", diag);
}

/* ---- opening, migrations ---- */

static void sq_close(struct idreg_store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(s->stmt[i]);
	}
	sqlite3_close(s->db);
	idreg_strmap_free(&s->holders);
	free(s);
}

static idreg_err exec_sql(struct sqlite_store *s, const char *sql, const char *doing,
			  struct idreg_diag *diag)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? IDREG_OK : fail(s, rc, doing, diag);
}

static idreg_err schema_version(struct sqlite_store *s, int *out, struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT version FROM schema_version", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_ERROR) {
			return idreg_diag_set(diag, IDREG_ESTORE, "%s: not an idreg registry", s->path);
		}
		return fail(s, rc, "reading the schema version", diag);
	}
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? IDREG_OK
						     : fail(s, rc, "reading the schema version", diag);
}

static idreg_err migrate(struct sqlite_store *s, bool create, struct idreg_diag *diag)
{
	idreg_err err;
	if (create) {
		err = exec_sql(s, "CREATE TABLE schema_version (version INTEGER NOT NULL);"
				  "INSERT INTO schema_version (version) VALUES (0);",
			       "creating the registry", diag);
		if (err != IDREG_OK) {
			return err;
		}
	}
	int version;
	err = schema_version(s, &version, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (version > SCHEMA_VERSION) {
		return idreg_diag_set(diag, IDREG_ESCHEMA,
				      "%s: schema version %d is newer than this idreg knows (%d); "
				      "upgrade idreg", s->path, version, SCHEMA_VERSION);
	}
	for (; version < SCHEMA_VERSION; version++) {
		char bump[96];
		snprintf(bump, sizeof(bump), "UPDATE schema_version SET version = %d", version + 1);
		err = exec_sql(s, "BEGIN IMMEDIATE", "migrating the schema", diag);
		if (err == IDREG_OK) {
			err = exec_sql(s, migrations[version], "migrating the schema", diag);
		}
		if (err == IDREG_OK) {
			err = exec_sql(s, bump, "migrating the schema", diag);
		}
		if (err == IDREG_OK) {
			err = exec_sql(s, "COMMIT", "migrating the schema", diag);
		}
		if (err != IDREG_OK) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return err;
		}
	}
	return IDREG_OK;
}

static const struct idreg_store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.source_get = sq_source_get,
	.source_put = sq_source_put,
	.source_each = sq_source_each,
	.numres_each = sq_numres_each,
	.numres_insert = sq_numres_insert,
	.numres_update = sq_numres_update,
	.numres_delete = sq_numres_delete,
	.numres_count = sq_numres_count,
	.change_set_add = sq_change_set_add,
	.history_add = sq_history_add,
};

idreg_err idreg_store_sqlite_open(const struct idreg_store_options *opts, struct idreg_store **out,
				  struct idreg_diag *diag)
{
	*out = NULL;
	struct stat st;
	bool exists = stat(opts->path, &st) == 0;
	if (opts->create && exists) {
		return idreg_diag_set(diag, IDREG_EEXIST, "%s: a registry already exists there",
				      opts->path);
	}
	if (!opts->create && !exists) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND,
				      "%s: no registry there (create one with 'idreg init')", opts->path);
	}
	/* idreg reads no SQLite memory statistics; keeping them takes a lock per
	 * allocation.  Only possible before SQLite starts; later calls fail harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	struct sqlite_store *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return IDREG_ENOMEM;
	}
	s->base.ops = &sqlite_ops;
	snprintf(s->path, sizeof(s->path), "%s", opts->path);
	idreg_strmap_init(&s->holders);

	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (opts->create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(opts->path, &s->db, flags, NULL);
	idreg_err err;
	if (rc != SQLITE_OK) {
		err = fail(s, rc, "opening", diag);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, (int)opts->busy_timeout_ms);
	/* Durable commits: WAL with a sync at every commit. */
	err = exec_sql(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
			  "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
		       "configuring", diag);
	if (err == IDREG_OK) {
		err = migrate(s, opts->create, diag);
	}
	if (err != IDREG_OK) {
		goto fail;
	}
	*out = &s->base;
	return IDREG_OK;
fail:
	sq_close(&s->base);
	if (opts->create) {
		/* Leave nothing half-made behind. */
		char side[600];
		remove(opts->path);
		snprintf(side, sizeof(side), "%s-wal", opts->path);
		remove(side);
		snprintf(side, sizeof(side), "%s-shm", opts->path);
		remove(side);
	}
	return err;
}
