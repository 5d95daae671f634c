/*
 * The storage interface.  Everything idreg keeps goes through this table of
 * functions, so that the embedded SQLite backend and a PostgreSQL backend
 * can stand behind the same library.  Backends use portable SQL; nothing
 * above this interface knows which database it talks to.
 *
 * Rules every backend keeps: a write happens inside begin/commit; a failed
 * write, a rollback or a crash leaves the store as it was before begin;
 * commit returns only when the data is durable.
 */
#ifndef IDREG_STORE_STORE_H
#define IDREG_STORE_STORE_H

#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "domains/domain.h"
#include "formats/rir.h"
#include "numres/numres.h"
#include "provision/domain.h"
#include "provision/tld.h"
#include "registrar/registrar.h"

/** The file a registry's records last came from. */
struct idreg_source {
	struct idreg_rir_header header;
	char file[512];          /* path it was imported from */
	char imported_at[32];    /* ISO 8601, UTC */
	uint64_t summary[IDREG_RESTYPE_COUNT]; /* the file's summary lines */
};

/** A record as the store holds it. */
struct idreg_stored_numres {
	int64_t id;
	const char *source;      /* registry of the file it came from */
	const char *changed_at;  /* ISO 8601 UTC of the change set that last wrote it */
	struct idreg_numres rec;
};

enum idreg_change { IDREG_CHANGE_CREATE, IDREG_CHANGE_UPDATE, IDREG_CHANGE_DELETE };

/**
 * One line of history: what changed in which objects.  When and by whom is
 * said once, by the change set the line belongs to.  An update or a delete
 * names one object and keeps it as it was before (and after, for an update).
 * A create names a run of consecutive ids created together, since object ids
 * only grow: each object's state at creation is the "before" of its first
 * update, or the object itself if it never changed.
 */
struct idreg_history_entry {
	int64_t change_set;      /* from change_set_add */
	const char *object_type; /* the object's table: "numres", ... */
	int64_t first_id, last_id;
	enum idreg_change change;
	const char *before;      /* update and delete */
	const char *after;       /* update */
};

/** Counts of records per source, type and status. */
struct idreg_count_row {
	const char *source;
	enum idreg_restype type;
	enum idreg_status status;
	uint64_t count;
};

/**
 * Observations of one (operator, month, IMEI, IMSI, MSISDN), the rows of an
 * operator's file merged: days seen as a bitmask (bit d-1 for day d of the
 * month), radio technologies as one (bit 0 2G, 1 3G, 2 4G, 3 5G).  Merging
 * into what is held keeps the earliest first and latest last day and ORs
 * the masks, so the same rows merged twice change nothing.
 */
struct idreg_eir_observation {
	const char *operator_name;
	const char *month;          /* YYYY-MM */
	const char *imei;           /* normalized 14 digits, or the raw field when it has none */
	const char *imei_raw;       /* as first seen */
	const char *imsi, *msisdn;  /* as given, "" when empty */
	const char *first_seen, *last_seen; /* YYYY-MM-DD */
	uint32_t days;
	unsigned rats;
};

/** A device model of the TAC database. */
struct idreg_eir_tac {
	const char *tac, *manufacturer, *model;
	unsigned rats;              /* as in observations */
	const char *allocated;      /* YYYY-MM-DD */
	const char *device_type;
};

/** An entry of a list: an IMEI (normalized), or a TAC for barred_tacs. */
struct idreg_eir_list_entry {
	const char *item;
	const char *imsi;           /* pairings; "" otherwise */
	const char *raw;            /* as the file gave it */
	const char *date;           /* stolen: reported; "" otherwise */
	bool remove;                /* a delta's removal */
};

/** A file imported: kind ("operator", "tac", a list's name), operator ("" but for
 * operator files), the period its rows cover and how many rows it had. */
struct idreg_eir_import {
	const char *kind, *operator_name;
	const char *first_date, *last_date; /* "" when the file has no dates */
	int64_t days;               /* days in the period */
	uint64_t rows;
	const char *file;
};

typedef idreg_err (*idreg_eir_import_cb)(void *ctx, const struct idreg_eir_import *imp);

/**
 * A period in which an IMEI met a classification condition (schema version
 * 5): from @start_date, the day a run first found it, to @end_date, the day
 * a run found it no longer did ("" while it still does).  @block_date is
 * @start_date plus the condition's grace period ("" for an informative
 * condition, which blocks nothing).  Rows with an empty @end_date are an
 * IMEI's current state; the others are its history.
 */
struct idreg_eir_class {
	const char *imei;           /* as in observations */
	const char *condition;      /* "duplicate", "stolen", ... (lib/eir) */
	const char *start_date, *end_date, *block_date; /* YYYY-MM-DD or "" */
	bool blocking;
	int64_t run_id;             /* the run that last wrote the row */
};

/** A classification run: the day classified as of, when it ran, the
 * conditions' configuration it used (text), IMEIs looked at and matched. */
struct idreg_eir_class_run {
	int64_t id;
	const char *run_date;
	const char *started_at, *finished_at; /* ISO 8601 UTC */
	const char *conditions;
	uint64_t imeis, matched;
};

typedef idreg_err (*idreg_eir_observation_cb)(void *ctx, const struct idreg_eir_observation *o);
typedef idreg_err (*idreg_eir_tac_cb)(void *ctx, const struct idreg_eir_tac *tac);
typedef idreg_err (*idreg_eir_list_cb)(void *ctx, const struct idreg_eir_list_entry *entry);
typedef idreg_err (*idreg_eir_class_cb)(void *ctx, const struct idreg_eir_class *row);
typedef idreg_err (*idreg_eir_class_run_cb)(void *ctx, const struct idreg_eir_class_run *run);
typedef idreg_err (*idreg_eir_segment_cb)(void *ctx, const char *operator_name, const char *month,
					  int64_t size);

/**
 * A domain as the store holds it.  Its nameservers and contacts are ids of
 * host and entity rows: domain.nameservers is NULL and the contacts' handles
 * are NULL (their roles are set); the strings live only during the callback.
 */
struct idreg_stored_domain {
	int64_t id;
	const char *changed_at;  /* ISO 8601 UTC of the change set that last wrote it */
	struct idreg_domain domain;
	const int64_t *host_ids;   /* per nameserver, in order */
	const int64_t *entity_ids; /* per contact, in order */
	const char *index_key;     /* the IDN policy's keys (lib/idn/policy.h); NULL: none yet */
	const char *skeleton_key;
	/* provisioning (schema version 9): registrar ids, NULL for the registry's own */
	const char *sponsor, *sponsor_name; /* the sponsoring registrar and its name */
	const char *creator, *updater;
	int64_t transferred;       /* IDREG_TIME_NONE: never */
	const char *grace;         /* its grace periods (RFC 3915), "PERIOD END,..."; NULL: none */
	const char *variants;      /* "STATE LDH UNICODE,..." (activated, reserved, blocked); NULL: none */
	const char *idn_table;     /* the IDN table it was registered under; NULL: none */
};

/** A domain to write: the domain, the ids its nameservers and contacts have, its keys. */
struct idreg_domain_row {
	const struct idreg_domain *domain;
	const int64_t *host_ids;
	const int64_t *entity_ids;
	const char *index_key;     /* NULL: none */
	const char *skeleton_key;
};

/** Which key of the IDN policy a held domain is looked up by. */
enum idreg_domain_key { IDREG_DOMAIN_INDEX_KEY, IDREG_DOMAIN_SKELETON_KEY };

/** A domain found by a key: names, registrant's handle (NULL: none), index key. */
struct idreg_keyed_domain {
	int64_t id;
	const char *ldh_name;
	const char *unicode_name;
	const char *registrant;
	const char *index_key;
};

struct idreg_stored_host {
	int64_t id;
	const char *changed_at;
	struct idreg_host host;
};

/** A host with what provisioning keeps of it (schema version 9). */
struct idreg_host_record {
	int64_t id;                    /* 0: a host not stored yet */
	struct idreg_host host;
	const char *sponsor;           /* NULL: the registry's (imported) */
	const char *creator, *updater; /* NULL: none */
	int64_t created, updated, transferred; /* IDREG_TIME_NONE: never */
	uint32_t status;               /* bits (1u << enum idreg_domain_status) set on it */
	uint64_t links;                /* read: domains naming it as a nameserver */
	const char *changed_at;        /* read: ISO 8601 UTC of its last change set */
};

/** Where a name stands among the names a registry holds and serves. */
struct idreg_name_zone {
	int64_t domain_id;             /* the longest domain held that is the name or an
					* ancestor of it; 0: none */
	char domain[256];              /* its name, "" when none */
	char domain_sponsor[72];       /* its sponsor, "" when the registry's (imported) */
	char tld[256];                 /* the longest TLD served (table tld) that is the name
					* or an ancestor of it; "" when none */
};

struct idreg_stored_entity {
	int64_t id;
	const char *changed_at;
	struct idreg_entity entity;
};

/**
 * A contact (RFC 5733, schema version 9): an entity and what provisioning
 * keeps of it.  Times are ISO 8601 UTC; a NULL string is "none".
 */
struct idreg_contact {
	struct idreg_entity entity;
	const char *sponsor;       /* the sponsoring registrar; NULL: the registry's (imported) */
	const char *creator, *created, *updater, *updated, *transferred;
	const char *auth_info;     /* the authInfo password */
	const char *status;        /* the EPP statuses set (not ok or linked), separated by spaces */
	const char *postal_int;    /* the internationalized postal form as JSON; NULL: none */
	uint32_t withheld;         /* bits (1u << field): the fields not to disclose */
};

struct idreg_stored_contact {
	int64_t id;
	const char *changed_at;
	struct idreg_contact contact;
	uint64_t linked_domains;   /* domains linked to the contact */
};

/** How many domains, hosts and entities the store holds. */
struct idreg_domain_counts {
	uint64_t domains, hosts, entities;
	uint64_t without_keys; /* domains whose IDN policy keys are not computed yet */
};

/**
 * A block the registry holds and hands out (lib/numres/alloc.h): a closed
 * range of one resource type, the numbers of it kept back from allocation
 * (the reserve), and where it came from.
 */
struct idreg_alloc_pool {
	int64_t id;
	enum idreg_restype type;
	idreg_u128 first, last;
	idreg_u128 reserve;
	const char *origin;      /* "configured", or the registry record it was taken from */
	const char *added_at;    /* ISO 8601 UTC; set by the store */
};

/** A request waiting for space, first come first served (ids give the order). */
struct idreg_alloc_waiting {
	int64_t id;
	enum idreg_restype type;
	const char *holder;      /* opaque id */
	uint64_t size;           /* prefix length (ipv4, ipv6) or count (asn) */
	const char *requested_at; /* ISO 8601 UTC; set by the store */
};

/** A block assigned inside an allocation (a numres record), for utilisation. */
struct idreg_alloc_assignment {
	int64_t id;
	int64_t allocation_id;   /* the numres id of the allocation */
	enum idreg_restype type;
	idreg_u128 first, last;
	const char *assigned_at; /* ISO 8601 UTC; set by the store */
};

/* ---- provisioning: poll messages, transfers and the registry's clock ---- */

/** A poll message (RFC 5730 2.9.2.3) as its registrar's queue holds it;
 * the strings live only during the callback. */
struct idreg_poll_message {
	int64_t id;
	const char *queued_at;   /* ISO 8601 UTC */
	const char *message;     /* the <msg> text */
	const char *resdata;     /* the XML inside <resData>, "" for none */
	uint64_t count;          /* messages waiting, this one included */
};

typedef idreg_err (*idreg_poll_cb)(void *ctx, const struct idreg_poll_message *m);

/* Bytes of a registrar id (RFC 5730 clIDType, 16 characters) with its NUL. */
#define IDREG_CLID_BYTES 65

/** The object a transfer is about: a domain (by its LDH name) or a contact
 * (an entity, by its handle). */
enum idreg_transfer_object { IDREG_TRANSFER_DOMAIN, IDREG_TRANSFER_CONTACT };

/**
 * What a transfer reads and changes of a domain or a contact, with the
 * settings of the domain's TLD (none for contacts).  Times are seconds
 * since 1970, IDREG_TIME_NONE when unset.
 */
struct idreg_transfer_subject {
	int64_t id;
	char sponsor[IDREG_CLID_BYTES]; /* "" when the registry holds it (imported) */
	char auth_info[257];            /* "" when none; 64 characters of UTF-8 at most */
	char status[512];               /* EPP status names separated by spaces */
	int64_t created, expires, transferred;
	int64_t transfer_wait_s, transfer_grace_s, autorenew_grace_s, pending_delete_s;
	int max_years;
};

/** The last transfer requested of an object (RFC 5731/5733 trnData). */
struct idreg_transfer {
	char status[16];               /* pending, clientApproved, ..., serverCancelled */
	char gaining[IDREG_CLID_BYTES], losing[IDREG_CLID_BYTES];
	int64_t requested;
	int64_t action_due;            /* pending: when the server approves; else when acted on */
	int years;                     /* domains: the period asked, 0 when none */
	int64_t expires_after;         /* domains: the expiry after the transfer, or NONE */
};

/** Work the registry's clock has to do: a pending transfer past its action
 * date, a grace period (@period) that ended, or a domain past its expiry.
 * A pendingRestore period is the restore's (RFC 3915) and never due here. */
enum idreg_due_kind { IDREG_DUE_TRANSFER, IDREG_DUE_GRACE, IDREG_DUE_EXPIRED };

struct idreg_due {
	enum idreg_due_kind kind;
	enum idreg_transfer_object object;
	const char *name;        /* LDH name or handle */
	const char *period;      /* IDREG_DUE_GRACE: the domain_grace period */
};

typedef idreg_err (*idreg_due_cb)(void *ctx, const struct idreg_due *due);

struct idreg_store;

typedef idreg_err (*idreg_alloc_pool_cb)(void *ctx, const struct idreg_alloc_pool *pool);
typedef idreg_err (*idreg_alloc_waiting_cb)(void *ctx, const struct idreg_alloc_waiting *w);
typedef idreg_err (*idreg_alloc_assignment_cb)(void *ctx, const struct idreg_alloc_assignment *a);
typedef idreg_err (*idreg_domain_cb)(void *ctx, const struct idreg_stored_domain *row);
typedef idreg_err (*idreg_host_cb)(void *ctx, const struct idreg_stored_host *row);
typedef idreg_err (*idreg_entity_cb)(void *ctx, const struct idreg_stored_entity *row);
typedef idreg_err (*idreg_host_record_cb)(void *ctx, const struct idreg_host_record *row);
typedef idreg_err (*idreg_contact_cb)(void *ctx, const struct idreg_stored_contact *row);
typedef idreg_err (*idreg_keyed_domain_cb)(void *ctx, const struct idreg_keyed_domain *row);

typedef idreg_err (*idreg_registrar_cb)(void *ctx, const struct idreg_registrar *r);
typedef idreg_err (*idreg_history_cb)(void *ctx, const struct idreg_history_entry *entry);
typedef idreg_err (*idreg_id_cb)(void *ctx, int64_t id);
typedef idreg_err (*idreg_tld_cb)(void *ctx, const struct idreg_tld *tld);
typedef idreg_err (*idreg_tld_reserved_cb)(void *ctx, const struct idreg_tld_reserved *r);
typedef idreg_err (*idreg_name_cb)(void *ctx, const char *name);
typedef idreg_err (*idreg_host_links_cb)(void *ctx, const char *ldh_name, uint64_t other_domains);

typedef idreg_err (*idreg_numres_cb)(void *ctx, const struct idreg_stored_numres *rec);
typedef idreg_err (*idreg_source_cb)(void *ctx, const struct idreg_source *source);
typedef idreg_err (*idreg_count_cb)(void *ctx, const struct idreg_count_row *row);

struct idreg_store_ops {
	const char *name;
	void (*close)(struct idreg_store *s);

	idreg_err (*begin)(struct idreg_store *s, struct idreg_diag *diag);
	idreg_err (*commit)(struct idreg_store *s, struct idreg_diag *diag);
	void (*rollback)(struct idreg_store *s);
	/* A consistent read of several statements: begin_read, the reads, then
	 * rollback. */
	idreg_err (*begin_read)(struct idreg_store *s, struct idreg_diag *diag);
	/* One savepoint inside a transaction, for writes that share a commit
	 * (lib/epp/executor.h): release keeps what was written since savepoint,
	 * savepoint_rollback undoes it (both close the savepoint).  An error
	 * from savepoint_rollback means the whole transaction is gone. */
	idreg_err (*savepoint)(struct idreg_store *s, struct idreg_diag *diag);
	idreg_err (*savepoint_release)(struct idreg_store *s, struct idreg_diag *diag);
	idreg_err (*savepoint_rollback)(struct idreg_store *s, struct idreg_diag *diag);

	/* Sources: the last file imported for each registry.  get: ENOTFOUND when none. */
	idreg_err (*source_get)(struct idreg_store *s, const char *name, struct idreg_source *out,
				struct idreg_diag *diag);
	idreg_err (*source_put)(struct idreg_store *s, const struct idreg_source *source,
				struct idreg_diag *diag);
	idreg_err (*source_each)(struct idreg_store *s, idreg_source_cb cb, void *ctx,
				 struct idreg_diag *diag);

	/* Number resources.  each: every record of @source, or of all when NULL;
	 * the strings live only during the callback. */
	idreg_err (*numres_each)(struct idreg_store *s, const char *source, idreg_numres_cb cb,
				 void *ctx, struct idreg_diag *diag);
	/* insert: @n records of @source, given ids @first_id .. @first_id + n - 1. */
	idreg_err (*numres_insert)(struct idreg_store *s, const char *source,
				   const struct idreg_numres *const *recs, size_t n, int64_t *first_id,
				   struct idreg_diag *diag);
	idreg_err (*numres_update)(struct idreg_store *s, int64_t id, const struct idreg_numres *rec,
				   struct idreg_diag *diag);
	idreg_err (*numres_delete)(struct idreg_store *s, int64_t id, struct idreg_diag *diag);
	idreg_err (*numres_count)(struct idreg_store *s, idreg_count_cb cb, void *ctx,
				  struct idreg_diag *diag);

	/* History: a change set says when and who (@at ISO 8601 UTC) and, for
	 * an EPP transform, its transaction ids (@sv_trid, @cl_trid; NULL when
	 * none); its entries say what.  Object ids are never reused.  Rows
	 * written after change_set_add in the same transaction are "changed at"
	 * @at. */
	idreg_err (*change_set_add)(struct idreg_store *s, const char *at, const char *actor,
				    const char *sv_trid, const char *cl_trid, int64_t *id,
				    struct idreg_diag *diag);
	idreg_err (*history_add)(struct idreg_store *s, const struct idreg_history_entry *entry,
				 struct idreg_diag *diag);

	/* The equipment identity register (lib/eir).  observe: merge @n
	 * observations into those held.  tac_replace: the TAC database becomes
	 * @rows.  list_write: @full: the list becomes @rows; else each entry is
	 * added (or replaced) or, with remove, taken out.  import_put: record a
	 * file (one per kind, operator and period: a file of the same period
	 * replaces the record); import_each: those of @kind and @operator_name,
	 * by period. */
	idreg_err (*eir_observe)(struct idreg_store *s, const struct idreg_eir_observation *rows,
				 size_t n, struct idreg_diag *diag);
	idreg_err (*eir_tac_replace)(struct idreg_store *s, const struct idreg_eir_tac *rows,
				     size_t n, struct idreg_diag *diag);
	idreg_err (*eir_list_write)(struct idreg_store *s, const char *list, bool full,
				    const struct idreg_eir_list_entry *rows, size_t n,
				    struct idreg_diag *diag);
	idreg_err (*eir_import_put)(struct idreg_store *s, const struct idreg_eir_import *imp,
				    struct idreg_diag *diag);
	idreg_err (*eir_import_each)(struct idreg_store *s, const char *kind,
				     const char *operator_name, idreg_eir_import_cb cb, void *ctx,
				     struct idreg_diag *diag);
	/* Reading the register back; the strings live during the callback.
	 * observation_each: those of @imei, or with NULL all, by IMEI (then
	 * operator, month, IMSI, MSISDN).  tac_each: by TAC.  list_each: the
	 * entries of @list by item and IMSI.  class_put: insert each row, or
	 * for the same (imei, condition, start_date) replace it.  class_each:
	 * with @current only rows whose end_date is "", of @imei or with NULL
	 * all, by IMEI, condition and start date.  class_run_add: record a run
	 * (@run->id ignored), its id in @id.  class_run_each: newest first.
	 * observation_month: the observations of one operator and month, by
	 * IMEI, IMSI and MSISDN.  segment_put: the segment of an operator and
	 * month (lib/eir/segment.h: its observations packed for the
	 * classification), @data NULL marks it stale; segment_each: every
	 * segment's size in bytes, -1 for a stale one; segment_read: @n bytes
	 * of a segment from @offset into @buf, straight from the database
	 * (IDREG_ENOTFOUND when it has none, or fewer bytes). */
	idreg_err (*eir_observation_each)(struct idreg_store *s, const char *imei,
					  idreg_eir_observation_cb cb, void *ctx,
					  struct idreg_diag *diag);
	idreg_err (*eir_observation_month)(struct idreg_store *s, const char *operator_name,
					   const char *month, idreg_eir_observation_cb cb, void *ctx,
					   struct idreg_diag *diag);
	idreg_err (*eir_segment_put)(struct idreg_store *s, const char *operator_name,
				     const char *month, const void *data, size_t size,
				     struct idreg_diag *diag);
	idreg_err (*eir_segment_each)(struct idreg_store *s, idreg_eir_segment_cb cb, void *ctx,
				      struct idreg_diag *diag);
	idreg_err (*eir_segment_read)(struct idreg_store *s, const char *operator_name,
				      const char *month, uint64_t offset, void *buf, size_t n,
				      struct idreg_diag *diag);
	idreg_err (*eir_tac_each)(struct idreg_store *s, idreg_eir_tac_cb cb, void *ctx,
				  struct idreg_diag *diag);
	idreg_err (*eir_list_each)(struct idreg_store *s, const char *list, idreg_eir_list_cb cb,
				   void *ctx, struct idreg_diag *diag);
	idreg_err (*eir_class_put)(struct idreg_store *s, const struct idreg_eir_class *rows,
				   size_t n, struct idreg_diag *diag);
	idreg_err (*eir_class_each)(struct idreg_store *s, bool current, const char *imei,
				    idreg_eir_class_cb cb, void *ctx, struct idreg_diag *diag);
	idreg_err (*eir_class_run_add)(struct idreg_store *s, const struct idreg_eir_class_run *run,
				       int64_t *id, struct idreg_diag *diag);
	idreg_err (*eir_class_run_each)(struct idreg_store *s, idreg_eir_class_run_cb cb, void *ctx,
					struct idreg_diag *diag);

	/* Domains, hosts and entities (schema version 2).  each: every row in id
	 * order.  insert: @n rows given ids @first_id .. @first_id + n - 1, in
	 * batches; a domain's DS records, nameserver and contact links go with
	 * it.  update: the row and its links replaced.  delete: the row and its
	 * links.  Hosts and entities that domains refer to must exist; the
	 * caller (the import) keeps that, the store does not check it. */
	idreg_err (*domain_each)(struct idreg_store *s, idreg_domain_cb cb, void *ctx,
				 struct idreg_diag *diag);
	idreg_err (*domain_insert)(struct idreg_store *s, const struct idreg_domain_row *rows,
				   size_t n, int64_t *first_id, struct idreg_diag *diag);
	idreg_err (*domain_update)(struct idreg_store *s, int64_t id,
				   const struct idreg_domain_row *row, struct idreg_diag *diag);
	idreg_err (*domain_delete)(struct idreg_store *s, int64_t id, struct idreg_diag *diag);
	idreg_err (*host_each)(struct idreg_store *s, idreg_host_cb cb, void *ctx,
			       struct idreg_diag *diag);
	idreg_err (*host_insert)(struct idreg_store *s, const struct idreg_host *const *hosts,
				 size_t n, int64_t *first_id, struct idreg_diag *diag);
	idreg_err (*host_update)(struct idreg_store *s, int64_t id, const struct idreg_host *host,
				 struct idreg_diag *diag);
	idreg_err (*host_delete)(struct idreg_store *s, int64_t id, struct idreg_diag *diag);
	idreg_err (*entity_each)(struct idreg_store *s, idreg_entity_cb cb, void *ctx,
				 struct idreg_diag *diag);
	idreg_err (*entity_insert)(struct idreg_store *s, const struct idreg_entity *const *entities,
				   size_t n, int64_t *first_id, struct idreg_diag *diag);
	idreg_err (*entity_update)(struct idreg_store *s, int64_t id,
				   const struct idreg_entity *entity, struct idreg_diag *diag);
	idreg_err (*entity_delete)(struct idreg_store *s, int64_t id, struct idreg_diag *diag);
	idreg_err (*domain_counts)(struct idreg_store *s, struct idreg_domain_counts *out,
				   struct idreg_diag *diag);

	/* The IDN policy's keys of domains (schema version 3), both indexed.
	 * find: the domains whose @which key is @key, in id order (the strings
	 * live during the callback).  set_keys: a domain's keys (NULL: none),
	 * without a history line, since they follow from its name and the
	 * policy. */
	idreg_err (*domain_find_key)(struct idreg_store *s, enum idreg_domain_key which,
				     const char *key, idreg_keyed_domain_cb cb, void *ctx,
				     struct idreg_diag *diag);
	idreg_err (*domain_set_keys)(struct idreg_store *s, int64_t id, const char *index_key,
				     const char *skeleton_key, struct idreg_diag *diag);

	/* The allocation engine's pools, waiting list and assignments (lib/numres/alloc.h).
	 * add: a new row, its id in *@id (ids are never reused), its time the
	 * change set's.  each: every row in id order (the strings live only
	 * during the callback).  delete: ENOTFOUND when there is no such row. */
	idreg_err (*alloc_pool_add)(struct idreg_store *s, const struct idreg_alloc_pool *pool,
				    int64_t *id, struct idreg_diag *diag);
	idreg_err (*alloc_pool_each)(struct idreg_store *s, idreg_alloc_pool_cb cb, void *ctx,
				     struct idreg_diag *diag);
	idreg_err (*alloc_waiting_add)(struct idreg_store *s, const struct idreg_alloc_waiting *w,
				       int64_t *id, struct idreg_diag *diag);
	idreg_err (*alloc_waiting_each)(struct idreg_store *s, idreg_alloc_waiting_cb cb, void *ctx,
					struct idreg_diag *diag);
	idreg_err (*alloc_waiting_delete)(struct idreg_store *s, int64_t id, struct idreg_diag *diag);
	idreg_err (*alloc_assignment_add)(struct idreg_store *s,
					  const struct idreg_alloc_assignment *a, int64_t *id,
					  struct idreg_diag *diag);
	idreg_err (*alloc_assignment_each)(struct idreg_store *s, idreg_alloc_assignment_cb cb,
					   void *ctx, struct idreg_diag *diag);
	idreg_err (*alloc_assignment_delete)(struct idreg_store *s, int64_t id,
					     struct idreg_diag *diag);
	/* Registrars (lib/registrar).  put: with @create a new one (EEXIST if
	 * its id is taken), else the one of @r->id replaced (ENOTFOUND if
	 * none); the store sets the times.  get: ENOTFOUND when none.  each:
	 * by id. */
	idreg_err (*registrar_put)(struct idreg_store *s, const struct idreg_registrar *r,
				   bool create, struct idreg_diag *diag);
	idreg_err (*registrar_get)(struct idreg_store *s, const char *id,
				   struct idreg_registrar *out, struct idreg_diag *diag);
	idreg_err (*registrar_each)(struct idreg_store *s, idreg_registrar_cb cb, void *ctx,
				    struct idreg_diag *diag);

	/* What changed since a snapshot of the domains was loaded (lib/query/
	 * snapshot.h), so that RDAP and WHOIS show each commit at once.
	 * change_set_last: the newest change set's id (0 when none).
	 * changes_since: every history line of the change sets after @after,
	 * in order, with object type, ids and change (no texts).  *_range: the
	 * rows with ids @first to @last, as *_each gives them.  domains_linking:
	 * the ids of the domains that name host or entity @id ("host" or
	 * "entity"), each once. */
	idreg_err (*change_set_last)(struct idreg_store *s, int64_t *id, struct idreg_diag *diag);
	idreg_err (*changes_since)(struct idreg_store *s, int64_t after, idreg_history_cb cb,
				   void *ctx, struct idreg_diag *diag);
	idreg_err (*domain_range)(struct idreg_store *s, int64_t first, int64_t last,
				  idreg_domain_cb cb, void *ctx, struct idreg_diag *diag);
	idreg_err (*host_range)(struct idreg_store *s, int64_t first, int64_t last, idreg_host_cb cb,
				void *ctx, struct idreg_diag *diag);
	idreg_err (*entity_range)(struct idreg_store *s, int64_t first, int64_t last,
				  idreg_entity_cb cb, void *ctx, struct idreg_diag *diag);
	idreg_err (*domains_linking)(struct idreg_store *s, const char *object_type, int64_t id,
				     idreg_id_cb cb, void *ctx, struct idreg_diag *diag);
	/* Provisioning: hosts (lib/epp/host.c).  host_get: the host named
	 * @ldh_name with its addresses, provisioning columns and links, to @cb
	 * (the strings live during the callback); ENOTFOUND when there is
	 * none.  host_put: with @r->id 0 a new host, its id in *@id; else host
	 * @r->id replaced (names, handle, addresses, sponsor, creator, updater,
	 * times, statuses); EEXIST when another host has the name.  Delete with
	 * host_delete.  name_zone: where @ldh_name stands (struct
	 * idreg_name_zone). */
	idreg_err (*host_get)(struct idreg_store *s, const char *ldh_name, idreg_host_record_cb cb,
			      void *ctx, struct idreg_diag *diag);
	idreg_err (*host_put)(struct idreg_store *s, const struct idreg_host_record *r, int64_t *id,
			      struct idreg_diag *diag);
	idreg_err (*name_zone)(struct idreg_store *s, const char *ldh_name,
			       struct idreg_name_zone *out, struct idreg_diag *diag);
	/* ---- provisioning: domains (lib/provision/domain.h), inside a
	 * transaction (begin .. commit) for a consistent view.
	 * prov_domain_get: the domain @ldh_name (A-label) with its hosts'
	 * names, contacts' handles, DS records, grace periods and variants,
	 * every string and array in @arena; IDREG_ENOTFOUND when none.
	 * prov_domain_insert: a new domain (@d->id ignored) with all its rows,
	 * its id in *@id; IDREG_EEXIST when its name is a domain already or a
	 * variant's name another domain's variant (the caller checks that no
	 * name is both a domain and a variant).  prov_domain_update: the domain of
	 * @d->id and all its rows replaced by @d.  No history line: the caller
	 * writes it (idreg_prov_domain_format).
	 * prov_variant_get: the variant row of the name @ldh_name, the strings
	 * in @arena; IDREG_ENOTFOUND when it is no variant.
	 * prov_host_id, prov_entity_id: the id of the host named @ldh_name and
	 * of the entity @handle; IDREG_ENOTFOUND when none.
	 * prov_subordinate_each: the names of the hosts under @ldh_name, by name. */
	idreg_err (*prov_domain_get)(struct idreg_store *s, const char *ldh_name,
				     struct idreg_arena *arena, struct idreg_prov_domain *out,
				     struct idreg_diag *diag);
	idreg_err (*prov_domain_insert)(struct idreg_store *s, const struct idreg_prov_domain *d,
					int64_t *id, struct idreg_diag *diag);
	idreg_err (*prov_domain_update)(struct idreg_store *s, const struct idreg_prov_domain *d,
					struct idreg_diag *diag);
	idreg_err (*prov_variant_get)(struct idreg_store *s, const char *ldh_name,
				      struct idreg_arena *arena, struct idreg_variant_of *out,
				      struct idreg_diag *diag);
	idreg_err (*prov_host_id)(struct idreg_store *s, const char *ldh_name, int64_t *id,
				  struct idreg_diag *diag);
	idreg_err (*prov_entity_id)(struct idreg_store *s, const char *handle, int64_t *id,
				    struct idreg_diag *diag);
	idreg_err (*prov_subordinate_each)(struct idreg_store *s, const char *ldh_name,
					   idreg_name_cb cb, void *ctx, struct idreg_diag *diag);

	/* ---- provisioning: TLDs (lib/provision/tld.h).  tld_put: with
	 * @create a new one (EEXIST if served already), else the one of
	 * @tld->name replaced (ENOTFOUND if none); the store sets the times
	 * and, on create, @tld->id.
	 * tld_get: the strings in @arena; ENOTFOUND when not served.
	 * tld_each: by name.  tld_reserve: EEXIST when the label is reserved
	 * already; tld_unreserve: ENOTFOUND when it is not.  tld_reserved_get:
	 * the reason in @arena, ENOTFOUND when the label is not reserved.
	 * tld_reserved_each: the labels of @tld by label. */
	idreg_err (*tld_put)(struct idreg_store *s, struct idreg_tld *tld, bool create,
			     struct idreg_diag *diag);
	idreg_err (*tld_get)(struct idreg_store *s, const char *name, struct idreg_arena *arena,
			     struct idreg_tld *out, struct idreg_diag *diag);
	idreg_err (*tld_each)(struct idreg_store *s, idreg_tld_cb cb, void *ctx,
			      struct idreg_diag *diag);
	idreg_err (*tld_reserve)(struct idreg_store *s, const struct idreg_tld_reserved *r,
				 struct idreg_diag *diag);
	idreg_err (*tld_unreserve)(struct idreg_store *s, const char *tld, const char *label,
				   struct idreg_diag *diag);
	idreg_err (*tld_reserved_get)(struct idreg_store *s, const char *tld, const char *label,
				      struct idreg_arena *arena, const char **reason,
				      struct idreg_diag *diag);
	idreg_err (*tld_reserved_each)(struct idreg_store *s, const char *tld,
				       idreg_tld_reserved_cb cb, void *ctx, struct idreg_diag *diag);

	/* ---- provisioning: domain update and delete (lib/epp/domain_update.c).
	 * prov_domain_delete: the domain @id and every row of it (DS records,
	 * links, grace periods, variants, transfer), so that its name and its
	 * variants' are free again; ENOTFOUND when there is none.
	 * prov_subordinate_links: the hosts under @ldh_name, by name, each with
	 * the number of domains other than @domain_id that name it. */
	idreg_err (*prov_domain_delete)(struct idreg_store *s, int64_t id, struct idreg_diag *diag);
	idreg_err (*prov_subordinate_links)(struct idreg_store *s, const char *ldh_name,
					    int64_t domain_id, idreg_host_links_cb cb, void *ctx,
					    struct idreg_diag *diag);

	/* Provisioning: contacts (lib/epp/contact.c), entities with their
	 * provisioning columns.  contact_get: the contact of @handle (ASCII
	 * case ignored) and the domains linked to it, to @cb (the strings live
	 * during the callback); ENOTFOUND when none.  An entity imported has
	 * no sponsor, and withholds its personal fields.  contact_insert: a new
	 * entity, its id in *@id.  contact_update: the entity of @id replaced,
	 * provisioning columns included.  A contact is deleted with
	 * entity_delete. */
	idreg_err (*contact_get)(struct idreg_store *s, const char *handle, idreg_contact_cb cb,
				 void *ctx, struct idreg_diag *diag);
	idreg_err (*contact_insert)(struct idreg_store *s, const struct idreg_contact *c,
				    int64_t *id, struct idreg_diag *diag);
	idreg_err (*contact_update)(struct idreg_store *s, int64_t id, const struct idreg_contact *c,
				    struct idreg_diag *diag);
	/* ---- provisioning: poll messages, transfers, the registry's clock ----
	 * poll_add: a message for @registrar queued at the change set's time
	 * (@resdata NULL: none), its id in *@id.  poll_front: the oldest message of @registrar not yet
	 * acknowledged, with the queue's count, to @cb (not called when the
	 * queue is empty).  poll_ack: message @id of @registrar acknowledged at
	 * the change set's time; ENOTFOUND when @registrar has no such message
	 * waiting. */
	idreg_err (*poll_add)(struct idreg_store *s, const char *registrar, const char *message,
			      const char *resdata, int64_t *id, struct idreg_diag *diag);
	idreg_err (*poll_front)(struct idreg_store *s, const char *registrar, idreg_poll_cb cb,
				void *ctx, struct idreg_diag *diag);
	idreg_err (*poll_ack)(struct idreg_store *s, const char *registrar, int64_t id,
			      struct idreg_diag *diag);
	/* transfer_get: the object's last transfer (ENOTFOUND when none);
	 * transfer_put: it replaced.  clock_due: the work due at @now, at most @max items of each kind,
	 * oldest first. */
	idreg_err (*transfer_get)(struct idreg_store *s, enum idreg_transfer_object object, int64_t id,
				  struct idreg_transfer *out, struct idreg_diag *diag);
	idreg_err (*transfer_put)(struct idreg_store *s, enum idreg_transfer_object object, int64_t id,
				  const struct idreg_transfer *t, struct idreg_diag *diag);
	idreg_err (*clock_due)(struct idreg_store *s, int64_t now, size_t max, idreg_due_cb cb,
			       void *ctx, struct idreg_diag *diag);
};

struct idreg_store {
	const struct idreg_store_ops *ops;
};

struct idreg_store_options {
	const char *backend;     /* "sqlite" */
	const char *path;        /* database location */
	long busy_timeout_ms;
	bool create;             /* create a new, empty registry; fail if one exists */
	bool no_migrate;         /* a reader (the daemon): refuse an old schema, never upgrade it */
	bool read_only;          /* a connection that only reads (with no_migrate) */
};

/** Open (or with @opts->create, create) a registry. */
idreg_err idreg_store_open(const struct idreg_store_options *opts, struct idreg_store **out,
			   struct idreg_diag *diag);

static inline void idreg_store_close(struct idreg_store *s)
{
	if (s != NULL) {
		s->ops->close(s);
	}
}

/** The SQLite backend's open; use idreg_store_open. */
idreg_err idreg_store_sqlite_open(const struct idreg_store_options *opts, struct idreg_store **out,
				  struct idreg_diag *diag);

/** Current time as ISO 8601 UTC with seconds, e.g. "2026-11-28T13:25:39Z". */
void idreg_store_now(char *out, size_t size);

#endif
