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

#include "core/array.h"
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
	/* 2: domains, their DS records, hosts (nameservers) and their addresses,
	 * entities (contacts), and the links of a domain to its nameservers and
	 * to its entities in their roles.  Positions keep the order a domain
	 * lists them in.  A domain's statuses are its EPP status names, and an
	 * entity's personal fields their names, separated by spaces (the import
	 * checks them; a table of one row each would cost a row per status on
	 * every import).  Like numres, the link tables declare no foreign keys:
	 * the import is the only writer and takes every id from rows it holds in
	 * the same transaction; deletes remove the links first. */
	"CREATE TABLE domain ("
	"  id INTEGER PRIMARY KEY,"
	"  ldh_name TEXT NOT NULL UNIQUE,"
	"  unicode_name TEXT NOT NULL,"
	"  handle TEXT,"
	"  status TEXT NOT NULL,"
	"  registered TEXT,"
	"  expires TEXT,"
	"  last_changed TEXT,"
	"  changed_at TEXT NOT NULL);"
	"CREATE TABLE domain_ds ("
	"  domain_id BIGINT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  key_tag INTEGER NOT NULL CHECK (key_tag >= 0 AND key_tag <= 65535),"
	"  algorithm INTEGER NOT NULL CHECK (algorithm >= 1 AND algorithm <= 255),"
	"  digest_type INTEGER NOT NULL CHECK (digest_type >= 1 AND digest_type <= 255),"
	"  digest TEXT NOT NULL,"
	"  PRIMARY KEY (domain_id, position));"
	"CREATE TABLE host ("
	"  id INTEGER PRIMARY KEY,"
	"  ldh_name TEXT NOT NULL UNIQUE,"
	"  unicode_name TEXT NOT NULL,"
	"  handle TEXT,"
	"  changed_at TEXT NOT NULL);"
	"CREATE TABLE host_address ("
	"  host_id BIGINT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  family TEXT NOT NULL CHECK (family = 'ipv4' OR family = 'ipv6'),"
	"  address TEXT NOT NULL,"
	"  PRIMARY KEY (host_id, position));"
	"CREATE TABLE entity ("
	"  id INTEGER PRIMARY KEY,"
	"  handle TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind = 'individual' OR kind = 'org' OR kind = 'group' OR"
	"                            kind = 'location' OR kind = 'application'),"
	"  fn TEXT NOT NULL,"
	"  org TEXT,"
	"  email TEXT,"
	"  voice TEXT,"
	"  fax TEXT,"
	"  street TEXT,"
	"  locality TEXT,"
	"  region TEXT,"
	"  postal_code TEXT,"
	"  country TEXT,"
	"  personal TEXT NOT NULL,"
	"  changed_at TEXT NOT NULL);"
	"CREATE TABLE domain_host ("
	"  domain_id BIGINT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  host_id BIGINT NOT NULL,"
	"  PRIMARY KEY (domain_id, position));"
	"CREATE TABLE domain_entity ("
	"  domain_id BIGINT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  entity_id BIGINT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role = 'registrant' OR role = 'administrative' OR"
	"                            role = 'technical' OR role = 'billing' OR"
	"                            role = 'registrar' OR role = 'abuse'),"
	"  PRIMARY KEY (domain_id, position, role));"
	"INSERT INTO id_counter (name, next_id) VALUES ('domain', 1);"
	"INSERT INTO id_counter (name, next_id) VALUES ('host', 1);"
	"INSERT INTO id_counter (name, next_id) VALUES ('entity', 1);",
	/* 3: the keys of the IDN registration policy (lib/idn/policy.h): the
	 * index key (the first label's index label under the configured LGR,
	 * and the parent) and the skeleton key (its UTS #39 skeleton, and the
	 * parent), so that "is a variant of this name held?" and "does a held
	 * name look like it?" are one indexed lookup each.  They depend on the
	 * LGR and on ICU's data, which SQL cannot compute: a registry upgraded
	 * here has them NULL until 'idreg import domains' fills them in. */
	"ALTER TABLE domain ADD COLUMN index_key TEXT;"
	"ALTER TABLE domain ADD COLUMN skeleton_key TEXT;"
	"CREATE INDEX domain_index_key ON domain(index_key);"
	"CREATE INDEX domain_skeleton_key ON domain(skeleton_key);",
	/* 4: the equipment identity register (lib/eir).  Observations merge
	 * an operator's rows per (operator, month, IMEI, IMSI, MSISDN): first
	 * and last day seen, days of the month seen (bit d-1 for day d), radio
	 * technologies seen (bit 0 2G .. bit 3 5G), keyed on the normalized
	 * IMEI (the raw field when it has none) with the first raw field kept.
	 * The TAC database, the lists (an item is an IMEI, or a TAC for
	 * barred_tacs; imsi is '' but in pairings), and each file imported
	 * with its period and rows, which the volume check compares with. */
	"CREATE TABLE eir_observation ("
	"  operator TEXT NOT NULL,"
	"  month TEXT NOT NULL,"
	"  imei TEXT NOT NULL,"
	"  imei_raw TEXT NOT NULL,"
	"  imsi TEXT NOT NULL,"
	"  msisdn TEXT NOT NULL,"
	"  first_seen TEXT NOT NULL,"
	"  last_seen TEXT NOT NULL,"
	"  days BIGINT NOT NULL,"
	"  rats INTEGER NOT NULL,"
	"  PRIMARY KEY (operator, month, imei, imsi, msisdn));"
	"CREATE INDEX eir_observation_imei ON eir_observation(imei);"
	"CREATE TABLE eir_tac ("
	"  tac TEXT PRIMARY KEY,"
	"  manufacturer TEXT NOT NULL,"
	"  model TEXT NOT NULL,"
	"  rats INTEGER NOT NULL,"
	"  allocated TEXT NOT NULL,"
	"  device_type TEXT NOT NULL);"
	"CREATE TABLE eir_list ("
	"  list TEXT NOT NULL CHECK (list = 'stolen' OR list = 'registered' OR list = 'pairings' OR"
	"                           list = 'golden' OR list = 'barred_tacs'),"
	"  item TEXT NOT NULL,"
	"  imsi TEXT NOT NULL,"
	"  raw TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  PRIMARY KEY (list, item, imsi));"
	"CREATE TABLE eir_import ("
	"  kind TEXT NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  first_date TEXT NOT NULL,"
	"  last_date TEXT NOT NULL,"
	"  days INTEGER NOT NULL,"
	"  rows BIGINT NOT NULL,"
	"  file TEXT NOT NULL,"
	"  imported_at TEXT NOT NULL,"
	"  PRIMARY KEY (kind, operator, first_date, last_date));",
	/* 5: the register's classification (lib/eir).  A run classifies as of
	 * a day; eir_class keeps, per IMEI and condition, each period the IMEI
	 * met it (end_date '' while it does: its current state, found through
	 * a partial index; the closed periods are its history) with the block
	 * date its grace period gives. */
	"CREATE TABLE eir_class_run ("
	"  id INTEGER PRIMARY KEY,"
	"  run_date TEXT NOT NULL,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT NOT NULL,"
	"  conditions TEXT NOT NULL,"
	"  imeis BIGINT NOT NULL,"
	"  matched BIGINT NOT NULL);"
	"CREATE TABLE eir_class ("
	"  imei TEXT NOT NULL,"
	"  condition TEXT NOT NULL,"
	"  start_date TEXT NOT NULL,"
	"  end_date TEXT NOT NULL,"
	"  block_date TEXT NOT NULL,"
	"  blocking INTEGER NOT NULL CHECK (blocking = 0 OR blocking = 1),"
	"  run_id BIGINT NOT NULL,"
	"  PRIMARY KEY (imei, condition, start_date));"
	"CREATE INDEX eir_class_current ON eir_class(imei) WHERE end_date = '';",
	/* 6: the allocation engine (lib/numres/alloc.h).  Allocations themselves
	 * are numres records of the registry's own source; these tables hold
	 * the pools it hands them out of (with the numbers each keeps back),
	 * the requests waiting for space (first come, first served: by id) and
	 * the assignments recorded inside allocations.  Numbers are 32 hex
	 * digits, so that text order is number order on the 128-bit line. */
	"CREATE TABLE alloc_pool ("
	"  id INTEGER PRIMARY KEY,"
	"  type TEXT NOT NULL CHECK (type = 'asn' OR type = 'ipv4' OR type = 'ipv6'),"
	"  first TEXT NOT NULL,"
	"  last TEXT NOT NULL,"
	"  reserve TEXT NOT NULL,"
	"  origin TEXT NOT NULL,"
	"  added_at TEXT NOT NULL);"
	"CREATE TABLE alloc_waiting ("
	"  id INTEGER PRIMARY KEY,"
	"  type TEXT NOT NULL CHECK (type = 'asn' OR type = 'ipv4' OR type = 'ipv6'),"
	"  holder TEXT NOT NULL,"
	"  size BIGINT NOT NULL,"
	"  requested_at TEXT NOT NULL);"
	"CREATE TABLE alloc_assignment ("
	"  id INTEGER PRIMARY KEY,"
	"  allocation_id BIGINT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type = 'asn' OR type = 'ipv4' OR type = 'ipv6'),"
	"  first TEXT NOT NULL,"
	"  last TEXT NOT NULL,"
	"  assigned_at TEXT NOT NULL);"
	"CREATE INDEX alloc_assignment_allocation ON alloc_assignment(allocation_id);"
	"INSERT INTO id_counter (name, next_id) VALUES ('alloc_pool', 1);"
	"INSERT INTO id_counter (name, next_id) VALUES ('alloc_waiting', 1);"
	"INSERT INTO id_counter (name, next_id) VALUES ('alloc_assignment', 1);",
	/* 7: registrars, the accounts EPP clients log in with (lib/registrar):
	 * an argon2id hash of the password, never the password; an optional
	 * certificate pin (SHA-256, hex) and address allow-list ('' when none). */
	"CREATE TABLE registrar ("
	"  id TEXT PRIMARY KEY CHECK (length(id) >= 3 AND length(id) <= 16),"
	"  name TEXT NOT NULL,"
	"  password_hash TEXT NOT NULL,"
	"  enabled INTEGER NOT NULL CHECK (enabled = 0 OR enabled = 1),"
	"  cert_sha256 TEXT NOT NULL CHECK (cert_sha256 = '' OR length(cert_sha256) = 64),"
	"  allow TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  changed_at TEXT NOT NULL);",
	/* 8: the classification's representation (lib/eir/segment.h).
	 * Observations clustered by their key (WITHOUT ROWID): an operator's
	 * month is read in key order without a lookup a row, and the key is
	 * not kept twice. */
	"CREATE TABLE eir_observation_clustered ("
	"  operator TEXT NOT NULL,"
	"  month TEXT NOT NULL,"
	"  imei TEXT NOT NULL,"
	"  imei_raw TEXT NOT NULL,"
	"  imsi TEXT NOT NULL,"
	"  msisdn TEXT NOT NULL,"
	"  first_seen TEXT NOT NULL,"
	"  last_seen TEXT NOT NULL,"
	"  days BIGINT NOT NULL,"
	"  rats INTEGER NOT NULL,"
	"  PRIMARY KEY (operator, month, imei, imsi, msisdn)) WITHOUT ROWID;"
	"INSERT INTO eir_observation_clustered SELECT operator, month, imei, imei_raw, imsi, msisdn,"
	"  first_seen, last_seen, days, rats FROM eir_observation;"
	"DROP TABLE eir_observation;"
	"ALTER TABLE eir_observation_clustered RENAME TO eir_observation;"
	"CREATE INDEX eir_observation_imei ON eir_observation(imei);"
	/* Per operator and month, its observations packed for the
	 * classification (lib/eir/segment.h), rewritten by each import in its
	 * transaction; NULL: to be rebuilt (those imported before). */
	"CREATE TABLE eir_segment ("
	"  operator TEXT NOT NULL,"
	"  month TEXT NOT NULL,"
	"  data BLOB,"
	"  PRIMARY KEY (operator, month));"
	"INSERT INTO eir_segment (operator, month, data) "
	"  SELECT DISTINCT operator, month, NULL FROM eir_observation;",
	/* 9: provisioning over EPP (lib/epp).  Each change set of an EPP
	 * transform names its transaction.  Domains, hosts and contacts
	 * (entities) made or changed over EPP have a sponsoring registrar
	 * (NULL for objects imported, which EPP cannot change), who created
	 * and last updated them and when, and when they last changed hands;
	 * domains and contacts an authInfo password.  Hosts and contacts have
	 * EPP statuses like domains (names separated by spaces).  A contact
	 * keeps its internationalized postal form (int, JSON) beside the
	 * fields (the localized form when it has one) and its disclosure
	 * preferences (the names of the fields it withholds); contacts are
	 * found by handle ignoring ASCII case, as RDAP finds entities.  A domain's grace periods (RFC 3915) end at set times;
	 * its variants (RFC 7940) are rows of their own, so that a reservation
	 * outlives a change of policy.  A transfer is one row per object, the
	 * last requested.  Poll messages wait per registrar until acknowledged.
	 * The TLDs the registry serves keep their periods, grace periods and
	 * reserved labels.  The history is indexed by change set: what changed
	 * since a snapshot was loaded (lib/query/snapshot.h) is one range of it. */
	"ALTER TABLE change_set ADD COLUMN sv_trid TEXT;"
	"ALTER TABLE change_set ADD COLUMN cl_trid TEXT;"
	"ALTER TABLE domain ADD COLUMN sponsor TEXT;"
	"ALTER TABLE domain ADD COLUMN creator TEXT;"
	"ALTER TABLE domain ADD COLUMN updater TEXT;"
	"ALTER TABLE domain ADD COLUMN transferred TEXT;"
	"ALTER TABLE domain ADD COLUMN auth_info TEXT;"
	"ALTER TABLE domain ADD COLUMN idn_table TEXT;"
	"CREATE INDEX domain_sponsor ON domain(sponsor);"
	"CREATE INDEX domain_expiring ON domain(expires) WHERE sponsor IS NOT NULL;"
	"ALTER TABLE host ADD COLUMN sponsor TEXT;"
	"ALTER TABLE host ADD COLUMN creator TEXT;"
	"ALTER TABLE host ADD COLUMN created TEXT;"
	"ALTER TABLE host ADD COLUMN updater TEXT;"
	"ALTER TABLE host ADD COLUMN updated TEXT;"
	"ALTER TABLE host ADD COLUMN transferred TEXT;"
	"ALTER TABLE host ADD COLUMN status TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE entity ADD COLUMN sponsor TEXT;"
	"ALTER TABLE entity ADD COLUMN creator TEXT;"
	"ALTER TABLE entity ADD COLUMN created TEXT;"
	"ALTER TABLE entity ADD COLUMN updater TEXT;"
	"ALTER TABLE entity ADD COLUMN updated TEXT;"
	"ALTER TABLE entity ADD COLUMN transferred TEXT;"
	"ALTER TABLE entity ADD COLUMN auth_info TEXT;"
	"ALTER TABLE entity ADD COLUMN status TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE entity ADD COLUMN postal_int TEXT;"
	"ALTER TABLE entity ADD COLUMN disclose TEXT;"
	"CREATE INDEX entity_handle_nocase ON entity(handle COLLATE NOCASE);"
	"CREATE INDEX domain_host_host ON domain_host(host_id);"
	"CREATE INDEX domain_entity_entity ON domain_entity(entity_id);"
	"CREATE INDEX history_change_set ON history(change_set);"
	"CREATE TABLE domain_grace ("
	"  domain_id BIGINT NOT NULL,"
	"  period TEXT NOT NULL CHECK (period = 'addPeriod' OR period = 'renewPeriod' OR"
	"                              period = 'autoRenewPeriod' OR period = 'transferPeriod' OR"
	"                              period = 'redemptionPeriod' OR period = 'pendingDelete' OR"
	"                              period = 'pendingRestore'),"
	"  ends TEXT NOT NULL,"
	"  PRIMARY KEY (domain_id, period));"
	"CREATE INDEX domain_grace_ends ON domain_grace(ends);"
	"CREATE TABLE domain_variant ("
	"  ldh_name TEXT PRIMARY KEY,"
	"  unicode_name TEXT NOT NULL,"
	"  domain_id BIGINT NOT NULL,"
	"  state TEXT NOT NULL CHECK (state = 'activated' OR state = 'reserved' OR"
	"                             state = 'blocked'));"
	"CREATE INDEX domain_variant_domain ON domain_variant(domain_id);"
	"CREATE TABLE object_transfer ("
	"  object_type TEXT NOT NULL CHECK (object_type = 'domain' OR object_type = 'entity'),"
	"  object_id BIGINT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status = 'pending' OR status = 'clientApproved' OR"
	"                              status = 'clientCancelled' OR status = 'clientRejected' OR"
	"                              status = 'serverApproved' OR status = 'serverCancelled'),"
	"  gaining TEXT NOT NULL,"
	"  losing TEXT NOT NULL,"
	"  requested TEXT NOT NULL,"
	"  action_due TEXT NOT NULL,"
	"  years INTEGER,"
	"  expires_after TEXT,"
	"  PRIMARY KEY (object_type, object_id));"
	"CREATE TABLE poll_message ("
	"  id INTEGER PRIMARY KEY,"
	"  registrar TEXT NOT NULL,"
	"  queued_at TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  resdata TEXT NOT NULL,"
	"  acked_at TEXT);"
	"CREATE INDEX poll_message_queue ON poll_message(registrar, id) WHERE acked_at IS NULL;"
	"CREATE TABLE tld ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  unicode_name TEXT NOT NULL,"
	"  min_years INTEGER NOT NULL CHECK (min_years >= 1 AND min_years <= 10),"
	"  max_years INTEGER NOT NULL CHECK (max_years >= min_years AND max_years <= 10),"
	"  default_years INTEGER NOT NULL,"
	"  add_grace_s BIGINT NOT NULL,"
	"  renew_grace_s BIGINT NOT NULL,"
	"  autorenew_grace_s BIGINT NOT NULL,"
	"  transfer_grace_s BIGINT NOT NULL,"
	"  redemption_s BIGINT NOT NULL,"
	"  pending_delete_s BIGINT NOT NULL,"
	"  transfer_wait_s BIGINT NOT NULL,"
	"  idn_tables TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  changed_at TEXT NOT NULL);"
	"CREATE TABLE tld_reserved ("
	"  tld TEXT NOT NULL,"
	"  label TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  PRIMARY KEY (tld, label));",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_BEGIN_READ,
	ST_SAVEPOINT,
	ST_SAVEPOINT_RELEASE,
	ST_SAVEPOINT_ROLLBACK,
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
	ST_EIR_OBSERVE,
	ST_EIR_OBSERVE_BATCH,
	ST_EIR_TAC_ALL,
	ST_EIR_TAC_REMOVE,
	ST_EIR_TAC_PUT,
	ST_EIR_LIST_OF,
	ST_EIR_LIST_PUT,
	ST_EIR_LIST_REMOVE,
	ST_EIR_IMPORT_PUT,
	ST_EIR_IMPORTS_OF,
	ST_EIR_OBSERVATIONS_ALL,
	ST_EIR_OBSERVATIONS_OF,
	ST_EIR_OBSERVATIONS_MONTH,
	ST_EIR_SEGMENT_PUT,
	ST_EIR_SEGMENT_ALL,
	ST_EIR_SEGMENT_ROWID,
	ST_EIR_TAC_EACH,
	ST_EIR_LIST_EACH,
	ST_EIR_CLASS_PUT,
	ST_EIR_CLASS_ALL,
	ST_EIR_CLASS_OF,
	ST_EIR_CLASS_CURRENT_ALL,
	ST_EIR_CLASS_CURRENT_OF,
	ST_EIR_CLASS_RUN_ADD,
	ST_EIR_CLASS_RUN_ALL,
	/* domains, hosts, entities */
	ST_ID_GET,
	ST_ID_PUT,
	ST_DOMAIN_ALL,
	ST_DOMAIN_DS_ALL,
	ST_DOMAIN_HOST_ALL,
	ST_DOMAIN_ENTITY_ALL,
	ST_DOMAIN_INSERT,
	ST_DOMAIN_INSERT_BATCH,
	ST_DOMAIN_DS_INSERT,
	ST_DOMAIN_DS_INSERT_BATCH,
	ST_DOMAIN_HOST_INSERT,
	ST_DOMAIN_HOST_INSERT_BATCH,
	ST_DOMAIN_ENTITY_INSERT,
	ST_DOMAIN_ENTITY_INSERT_BATCH,
	ST_DOMAIN_UPDATE,
	ST_DOMAIN_DELETE,
	ST_DOMAIN_DS_DELETE,
	ST_DOMAIN_HOST_DELETE,
	ST_DOMAIN_ENTITY_DELETE,
	ST_HOST_ALL,
	ST_HOST_ADDRESS_ALL,
	ST_HOST_INSERT,
	ST_HOST_INSERT_BATCH,
	ST_HOST_ADDRESS_INSERT,
	ST_HOST_ADDRESS_INSERT_BATCH,
	ST_HOST_UPDATE,
	ST_HOST_DELETE,
	ST_HOST_ADDRESS_DELETE,
	ST_ENTITY_ALL,
	ST_ENTITY_INSERT,
	ST_ENTITY_INSERT_BATCH,
	ST_ENTITY_UPDATE,
	ST_ENTITY_DELETE,
	ST_DOMAIN_COUNTS,
	ST_DOMAIN_BY_INDEX_KEY,
	ST_DOMAIN_BY_SKELETON_KEY,
	ST_DOMAIN_SET_KEYS,
	ST_ALLOC_POOL_ADD,
	ST_ALLOC_POOL_ALL,
	ST_ALLOC_WAITING_ADD,
	ST_ALLOC_WAITING_ALL,
	ST_ALLOC_WAITING_DELETE,
	ST_ALLOC_ASSIGNMENT_ADD,
	ST_ALLOC_ASSIGNMENT_ALL,
	ST_ALLOC_ASSIGNMENT_DELETE,
	ST_REGISTRAR_INSERT,
	ST_REGISTRAR_UPDATE,
	ST_REGISTRAR_GET,
	ST_REGISTRAR_ALL,
	ST_CHANGE_SET_LAST,
	ST_CHANGES_SINCE,
	ST_DOMAINS_BY_HOST,
	ST_DOMAINS_BY_ENTITY,
	/* provisioning: domains */
	ST_PROV_DOMAIN_GET,
	ST_PROV_DOMAIN_DS,
	ST_PROV_DOMAIN_HOSTS,
	ST_PROV_DOMAIN_ENTITIES,
	ST_PROV_DOMAIN_GRACE,
	ST_PROV_DOMAIN_VARIANTS,
	ST_PROV_DOMAIN_SET,
	ST_PROV_GRACE_INSERT,
	ST_PROV_GRACE_DELETE,
	ST_PROV_VARIANT_INSERT,
	ST_PROV_VARIANT_DELETE,
	ST_PROV_VARIANT_GET,
	ST_PROV_HOST_ID,
	ST_PROV_ENTITY_ID,
	ST_PROV_SUBORDINATES,
	/* provisioning: TLDs */
	ST_TLD_INSERT,
	ST_TLD_UPDATE,
	ST_TLD_GET,
	ST_TLD_ALL,
	ST_TLD_RESERVE,
	ST_TLD_UNRESERVE,
	ST_TLD_RESERVED_GET,
	ST_TLD_RESERVED_ALL,
	/* provisioning: domain update and delete */
	ST_UPD_TRANSFER_DELETE,
	ST_UPD_SUBORDINATE_LINKS,
	/* provisioning: hosts */
	ST_HOST_BY_NAME,
	ST_HOST_ADDRESSES_OF,
	ST_HOST_RECORD_INSERT,
	ST_HOST_RECORD_UPDATE,
	ST_DOMAIN_SPONSOR_BY_NAME,
	ST_TLD_BY_NAME,
	/* provisioning: contacts */
	ST_CONTACT_GET,
	ST_CONTACT_SET,
	/* provisioning: poll messages, transfers, the registry's clock */
	ST_POLL_ADD,
	ST_POLL_FRONT,
	ST_POLL_ACK,
	ST_TRANSFER_GET,
	ST_TRANSFER_PUT,
	ST_DUE_TRANSFERS,
	ST_DUE_GRACE,
	ST_DUE_EXPIRED,
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
/* Observations merge in EIR_OBSERVE_BATCH rows a statement. */
#define EIR_OBSERVE_BATCH 32
#define EIR_OBSERVE_INSERT "INSERT INTO eir_observation (operator, month, imei, imei_raw, imsi, " \
			   "msisdn, first_seen, last_seen, days, rats) VALUES "
#define EIR_OBSERVE_ROW "(?,?,?,?,?,?,?,?,?,?)"
#define EIR_OBSERVE_ROWS_8 EIR_OBSERVE_ROW "," EIR_OBSERVE_ROW "," EIR_OBSERVE_ROW "," \
	EIR_OBSERVE_ROW "," EIR_OBSERVE_ROW "," EIR_OBSERVE_ROW "," EIR_OBSERVE_ROW "," EIR_OBSERVE_ROW
#define EIR_OBSERVE_MERGE " ON CONFLICT (operator, month, imei, imsi, msisdn) DO UPDATE SET " \
	"first_seen = CASE WHEN excluded.first_seen < eir_observation.first_seen " \
	"THEN excluded.first_seen ELSE eir_observation.first_seen END, " \
	"last_seen = CASE WHEN excluded.last_seen > eir_observation.last_seen " \
	"THEN excluded.last_seen ELSE eir_observation.last_seen END, " \
	"days = eir_observation.days | excluded.days, rats = eir_observation.rats | excluded.rats"
#define NUMRES_ROW "(?,?,?,?,?,?,?,?,?,?,?,?)"
#define NUMRES_ROWS_8 NUMRES_ROW "," NUMRES_ROW "," NUMRES_ROW "," NUMRES_ROW "," \
	NUMRES_ROW "," NUMRES_ROW "," NUMRES_ROW "," NUMRES_ROW
#define NUMRES_BATCH 32

/* Domains, hosts and entities, and their child rows, go in DOMAINS_BATCH rows
 * per INSERT statement as well (ROWS_32); the columns of each row, in order: */
#define DOMAINS_BATCH 32
#define ROWS_4(r) r "," r "," r "," r
#define ROWS_32(r) ROWS_4(r) "," ROWS_4(r) "," ROWS_4(r) "," ROWS_4(r) "," \
	ROWS_4(r) "," ROWS_4(r) "," ROWS_4(r) "," ROWS_4(r)
#define DOMAIN_COLUMNS                                                                      \
	"id, ldh_name, unicode_name, handle, status, registered, expires, last_changed, changed_at, " \
	"index_key, skeleton_key"
#define DOMAIN_NCOL 11
#define DOMAIN_ROW "(?,?,?,?,?,?,?,?,?,?,?)"
#define DS_INSERT "(domain_id, position, key_tag, algorithm, digest_type, digest)"
#define DS_NCOL 6
#define DS_ROW "(?,?,?,?,?,?)"
#define DH_INSERT "(domain_id, position, host_id)"
#define DH_NCOL 3
#define DH_ROW "(?,?,?)"
#define DE_INSERT "(domain_id, position, entity_id, role)"
#define DE_NCOL 4
#define DE_ROW "(?,?,?,?)"
#define HOST_COLUMNS "id, ldh_name, unicode_name, handle, changed_at"
#define HOST_NCOL 5
#define HOST_ROW "(?,?,?,?,?)"
#define HA_INSERT "(host_id, position, family, address)"
#define HA_NCOL 4
#define HA_ROW "(?,?,?,?)"
#define ENTITY_COLUMNS                                                                      \
	"id, handle, kind, fn, org, email, voice, fax, street, locality, region, postal_code, " \
	"country, personal, changed_at"
#define ENTITY_NCOL 15
#define ENTITY_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define MAX_NCOL 15

/* A domain found by a key, with its first registrant's handle. */
#define KEYED_DOMAIN_SELECT                                                                 \
	"SELECT d.id, d.ldh_name, d.unicode_name, d.index_key, "                             \
	"(SELECT e.handle FROM domain_entity de JOIN entity e ON e.id = de.entity_id "      \
	"WHERE de.domain_id = d.id AND de.role = 'registrant' ORDER BY de.position LIMIT 1) " \
	"FROM domain d "

#define REGISTRAR_COLUMNS                                                                   \
	"id, name, password_hash, enabled, cert_sha256, allow, created_at, changed_at"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_BEGIN_READ] = "BEGIN DEFERRED",
	[ST_SAVEPOINT] = "SAVEPOINT job",
	[ST_SAVEPOINT_RELEASE] = "RELEASE job",
	[ST_SAVEPOINT_ROLLBACK] = "ROLLBACK TO job",
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
	[ST_CHANGE_SET_ADD] = "INSERT INTO change_set (at, actor, sv_trid, cl_trid) VALUES (?1, ?2, ?3, ?4)",
	[ST_HISTORY_ADD] = ("INSERT INTO history (change_set, object_type, first_id, last_id, "
			    "action, before_text, after_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
	[ST_EIR_OBSERVE] = EIR_OBSERVE_INSERT EIR_OBSERVE_ROW EIR_OBSERVE_MERGE,
	[ST_EIR_OBSERVE_BATCH] = EIR_OBSERVE_INSERT EIR_OBSERVE_ROWS_8 "," EIR_OBSERVE_ROWS_8 ","
				 EIR_OBSERVE_ROWS_8 "," EIR_OBSERVE_ROWS_8 EIR_OBSERVE_MERGE,
	[ST_EIR_TAC_ALL] = "SELECT tac, '' FROM eir_tac",
	[ST_EIR_TAC_REMOVE] = "DELETE FROM eir_tac WHERE tac = ?1",
	[ST_EIR_TAC_PUT] = "INSERT INTO eir_tac (tac, manufacturer, model, rats, allocated, device_type) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tac) DO UPDATE SET "
			   "manufacturer = ?2, model = ?3, rats = ?4, allocated = ?5, device_type = ?6",
	[ST_EIR_LIST_OF] = "SELECT item, imsi FROM eir_list WHERE list = ?1",
	[ST_EIR_LIST_PUT] = "INSERT INTO eir_list (list, item, imsi, raw, date) VALUES (?1, ?2, ?3, ?4, ?5) "
			    "ON CONFLICT (list, item, imsi) DO UPDATE SET raw = ?4, date = ?5",
	[ST_EIR_LIST_REMOVE] = "DELETE FROM eir_list WHERE list = ?1 AND item = ?2 AND imsi = ?3",
	[ST_EIR_IMPORT_PUT] = "INSERT INTO eir_import (kind, operator, first_date, last_date, days, rows, "
			      "file, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
			      "ON CONFLICT (kind, operator, first_date, last_date) DO UPDATE SET "
			      "days = ?5, rows = ?6, file = ?7",
	[ST_EIR_IMPORTS_OF] = "SELECT kind, operator, first_date, last_date, days, rows, file "
			      "FROM eir_import WHERE kind = ?1 AND operator = ?2 ORDER BY first_date",
#define EIR_OBSERVATION_COLUMNS "operator, month, imei, imei_raw, imsi, msisdn, first_seen, " \
				"last_seen, days, rats"
#define EIR_OBSERVATION_ORDER " ORDER BY imei, operator, month, imsi, msisdn"
	[ST_EIR_OBSERVATIONS_ALL] = "SELECT " EIR_OBSERVATION_COLUMNS " FROM eir_observation"
				    EIR_OBSERVATION_ORDER,
	[ST_EIR_OBSERVATIONS_MONTH] = "SELECT " EIR_OBSERVATION_COLUMNS " FROM eir_observation "
				     "WHERE operator = ?1 AND month = ?2 ORDER BY imei, imsi, msisdn",
	[ST_EIR_SEGMENT_PUT] = "INSERT INTO eir_segment (operator, month, data) VALUES (?1, ?2, ?3) "
			       "ON CONFLICT (operator, month) DO UPDATE SET data = ?3",
	[ST_EIR_SEGMENT_ALL] = "SELECT operator, month, CASE WHEN data IS NULL THEN -1 "
			       "ELSE length(data) END FROM eir_segment ORDER BY operator, month",
	[ST_EIR_SEGMENT_ROWID] = "SELECT rowid FROM eir_segment WHERE operator = ?1 AND month = ?2 "
				 "AND data IS NOT NULL",
	[ST_EIR_OBSERVATIONS_OF] = "SELECT " EIR_OBSERVATION_COLUMNS " FROM eir_observation "
				   "WHERE imei = ?1" EIR_OBSERVATION_ORDER,
	[ST_EIR_TAC_EACH] = "SELECT tac, manufacturer, model, rats, allocated, device_type FROM eir_tac "
			    "ORDER BY tac",
	[ST_EIR_LIST_EACH] = "SELECT item, imsi, raw, date FROM eir_list WHERE list = ?1 "
			     "ORDER BY item, imsi",
#define EIR_CLASS_COLUMNS "imei, condition, start_date, end_date, block_date, blocking, run_id"
#define EIR_CLASS_ORDER " ORDER BY imei, condition, start_date"
	[ST_EIR_CLASS_PUT] = "INSERT INTO eir_class (" EIR_CLASS_COLUMNS ") VALUES "
			     "(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (imei, condition, start_date) "
			     "DO UPDATE SET end_date = ?4, block_date = ?5, blocking = ?6, run_id = ?7",
	[ST_EIR_CLASS_ALL] = "SELECT " EIR_CLASS_COLUMNS " FROM eir_class" EIR_CLASS_ORDER,
	[ST_EIR_CLASS_OF] = "SELECT " EIR_CLASS_COLUMNS " FROM eir_class WHERE imei = ?1"
			    EIR_CLASS_ORDER,
	[ST_EIR_CLASS_CURRENT_ALL] = "SELECT " EIR_CLASS_COLUMNS " FROM eir_class "
				     "WHERE end_date = ''" EIR_CLASS_ORDER,
	[ST_EIR_CLASS_CURRENT_OF] = "SELECT " EIR_CLASS_COLUMNS " FROM eir_class "
				    "WHERE end_date = '' AND imei = ?1" EIR_CLASS_ORDER,
	[ST_EIR_CLASS_RUN_ADD] = "INSERT INTO eir_class_run (run_date, started_at, finished_at, "
				 "conditions, imeis, matched) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_EIR_CLASS_RUN_ALL] = "SELECT id, run_date, started_at, finished_at, conditions, imeis, "
				 "matched FROM eir_class_run ORDER BY id DESC",
	[ST_ID_GET] = "SELECT next_id FROM id_counter WHERE name = ?1",
	[ST_ID_PUT] = "UPDATE id_counter SET next_id = ?2 WHERE name = ?1",
	[ST_DOMAIN_ALL] = "SELECT domain.id, ldh_name, unicode_name, handle, status, registered, "
			  "expires, last_changed, domain.changed_at, index_key, skeleton_key, sponsor, "
			  "(SELECT name FROM registrar WHERE registrar.id = domain.sponsor), creator, "
			  "updater, transferred, (SELECT group_concat(period || ' ' || ends, ',') "
			  "FROM domain_grace WHERE domain_id = domain.id), "
			  "(SELECT group_concat(state || ' ' || ldh_name || ' ' || unicode_name, ',') "
			  "FROM domain_variant WHERE domain_id = domain.id), idn_table "
			  "FROM domain WHERE domain.id BETWEEN ?1 AND ?2 "
			  "ORDER BY domain.id",
	[ST_DOMAIN_DS_ALL] = "SELECT domain_id, key_tag, algorithm, digest_type, digest FROM domain_ds "
			     "WHERE domain_id BETWEEN ?1 AND ?2 ORDER BY domain_id, position",
	[ST_DOMAIN_HOST_ALL] = "SELECT domain_id, host_id FROM domain_host "
			       "WHERE domain_id BETWEEN ?1 AND ?2 ORDER BY domain_id, position",
	[ST_DOMAIN_ENTITY_ALL] = "SELECT domain_id, position, entity_id, role FROM domain_entity "
				 "WHERE domain_id BETWEEN ?1 AND ?2 ORDER BY domain_id, position",
	[ST_DOMAIN_INSERT] = "INSERT INTO domain (" DOMAIN_COLUMNS ") VALUES " DOMAIN_ROW,
	[ST_DOMAIN_INSERT_BATCH] = "INSERT INTO domain (" DOMAIN_COLUMNS ") VALUES "
				   ROWS_32(DOMAIN_ROW),
	[ST_DOMAIN_DS_INSERT] = "INSERT INTO domain_ds " DS_INSERT " VALUES " DS_ROW,
	[ST_DOMAIN_DS_INSERT_BATCH] = "INSERT INTO domain_ds " DS_INSERT " VALUES " ROWS_32(DS_ROW),
	[ST_DOMAIN_HOST_INSERT] = "INSERT INTO domain_host " DH_INSERT " VALUES " DH_ROW,
	[ST_DOMAIN_HOST_INSERT_BATCH] = "INSERT INTO domain_host " DH_INSERT " VALUES " ROWS_32(DH_ROW),
	[ST_DOMAIN_ENTITY_INSERT] = "INSERT INTO domain_entity " DE_INSERT " VALUES " DE_ROW,
	[ST_DOMAIN_ENTITY_INSERT_BATCH] = "INSERT INTO domain_entity " DE_INSERT " VALUES "
					  ROWS_32(DE_ROW),
	[ST_DOMAIN_UPDATE] = "UPDATE domain SET ldh_name = ?2, unicode_name = ?3, handle = ?4, "
			     "status = ?5, registered = ?6, expires = ?7, last_changed = ?8, "
			     "changed_at = ?9, index_key = ?10, skeleton_key = ?11 WHERE id = ?1",
	[ST_DOMAIN_DELETE] = "DELETE FROM domain WHERE id = ?1",
	[ST_DOMAIN_DS_DELETE] = "DELETE FROM domain_ds WHERE domain_id = ?1",
	[ST_DOMAIN_HOST_DELETE] = "DELETE FROM domain_host WHERE domain_id = ?1",
	[ST_DOMAIN_ENTITY_DELETE] = "DELETE FROM domain_entity WHERE domain_id = ?1",
	[ST_HOST_ALL] = "SELECT " HOST_COLUMNS " FROM host WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
	[ST_HOST_ADDRESS_ALL] = "SELECT host_id, family, address FROM host_address "
				"WHERE host_id BETWEEN ?1 AND ?2 ORDER BY host_id, position",
	[ST_HOST_INSERT] = "INSERT INTO host (" HOST_COLUMNS ") VALUES " HOST_ROW,
	[ST_HOST_INSERT_BATCH] = "INSERT INTO host (" HOST_COLUMNS ") VALUES " ROWS_32(HOST_ROW),
	[ST_HOST_ADDRESS_INSERT] = "INSERT INTO host_address " HA_INSERT " VALUES " HA_ROW,
	[ST_HOST_ADDRESS_INSERT_BATCH] = "INSERT INTO host_address " HA_INSERT " VALUES "
					 ROWS_32(HA_ROW),
	[ST_HOST_UPDATE] = "UPDATE host SET ldh_name = ?2, unicode_name = ?3, handle = ?4, "
			   "changed_at = ?5 WHERE id = ?1",
	[ST_HOST_DELETE] = "DELETE FROM host WHERE id = ?1",
	[ST_HOST_ADDRESS_DELETE] = "DELETE FROM host_address WHERE host_id = ?1",
	[ST_ENTITY_ALL] = "SELECT " ENTITY_COLUMNS " FROM entity WHERE id BETWEEN ?1 AND ?2 "
			  "ORDER BY id",
	[ST_ENTITY_INSERT] = "INSERT INTO entity (" ENTITY_COLUMNS ") VALUES " ENTITY_ROW,
	[ST_ENTITY_INSERT_BATCH] = "INSERT INTO entity (" ENTITY_COLUMNS ") VALUES "
				   ROWS_32(ENTITY_ROW),
	[ST_ENTITY_UPDATE] = "UPDATE entity SET handle = ?2, kind = ?3, fn = ?4, org = ?5, "
			     "email = ?6, voice = ?7, fax = ?8, street = ?9, locality = ?10, "
			     "region = ?11, postal_code = ?12, country = ?13, personal = ?14, "
			     "changed_at = ?15 WHERE id = ?1",
	[ST_ENTITY_DELETE] = "DELETE FROM entity WHERE id = ?1",
	[ST_DOMAIN_COUNTS] = "SELECT (SELECT count(*) FROM domain), (SELECT count(*) FROM host), "
			     "(SELECT count(*) FROM entity), "
			     "(SELECT count(*) FROM domain WHERE index_key IS NULL)",
	[ST_DOMAIN_BY_INDEX_KEY] = KEYED_DOMAIN_SELECT "WHERE d.index_key = ?1 ORDER BY d.id",
	[ST_DOMAIN_BY_SKELETON_KEY] = KEYED_DOMAIN_SELECT "WHERE d.skeleton_key = ?1 ORDER BY d.id",
	[ST_DOMAIN_SET_KEYS] = "UPDATE domain SET index_key = ?2, skeleton_key = ?3 WHERE id = ?1",
	[ST_ALLOC_POOL_ADD] = "INSERT INTO alloc_pool (id, type, first, last, reserve, origin, added_at) "
			      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_ALLOC_POOL_ALL] = "SELECT id, type, first, last, reserve, origin, added_at FROM alloc_pool "
			      "ORDER BY id",
	[ST_ALLOC_WAITING_ADD] = "INSERT INTO alloc_waiting (id, type, holder, size, requested_at) "
				 "VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_ALLOC_WAITING_ALL] = "SELECT id, type, holder, size, requested_at FROM alloc_waiting "
				 "ORDER BY id",
	[ST_ALLOC_WAITING_DELETE] = "DELETE FROM alloc_waiting WHERE id = ?1",
	[ST_ALLOC_ASSIGNMENT_ADD] = "INSERT INTO alloc_assignment (id, allocation_id, type, first, last, "
				    "assigned_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_ALLOC_ASSIGNMENT_ALL] = "SELECT id, allocation_id, type, first, last, assigned_at "
				    "FROM alloc_assignment ORDER BY id",
	[ST_ALLOC_ASSIGNMENT_DELETE] = "DELETE FROM alloc_assignment WHERE id = ?1",
	[ST_REGISTRAR_INSERT] = "INSERT INTO registrar (" REGISTRAR_COLUMNS ") "
				"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_REGISTRAR_UPDATE] = "UPDATE registrar SET name = ?2, password_hash = ?3, enabled = ?4, "
				"cert_sha256 = ?5, allow = ?6, changed_at = ?8 WHERE id = ?1",
	[ST_CONTACT_GET] = "SELECT " ENTITY_COLUMNS ", sponsor, creator, created, updater, updated, "
			   "transferred, auth_info, status, postal_int, disclose, "
			   "(SELECT count(DISTINCT domain_id) FROM domain_entity WHERE entity_id = entity.id) "
			   "FROM entity WHERE handle = ?1 COLLATE NOCASE",
	[ST_CONTACT_SET] = "UPDATE entity SET sponsor = ?2, creator = ?3, created = ?4, updater = ?5, "
			   "updated = ?6, transferred = ?7, auth_info = ?8, status = ?9, "
			   "postal_int = ?10, disclose = ?11 WHERE id = ?1",
	[ST_REGISTRAR_GET] = "SELECT " REGISTRAR_COLUMNS " FROM registrar WHERE id = ?1",
	[ST_REGISTRAR_ALL] = "SELECT " REGISTRAR_COLUMNS " FROM registrar ORDER BY id",
	[ST_CHANGE_SET_LAST] = "SELECT coalesce(max(id), 0) FROM change_set",
	[ST_CHANGES_SINCE] = "SELECT object_type, first_id, last_id, action FROM history "
			     "WHERE change_set > ?1 ORDER BY change_set, id",
	[ST_DOMAINS_BY_HOST] = "SELECT DISTINCT domain_id FROM domain_host WHERE host_id = ?1",
	[ST_DOMAINS_BY_ENTITY] = "SELECT DISTINCT domain_id FROM domain_entity WHERE entity_id = ?1",
	/* provisioning: domains */
	[ST_PROV_DOMAIN_GET] = "SELECT " DOMAIN_COLUMNS ", sponsor, creator, updater, transferred, "
			       "auth_info, idn_table FROM domain WHERE ldh_name = ?1",
	[ST_PROV_DOMAIN_DS] = "SELECT key_tag, algorithm, digest_type, digest FROM domain_ds "
			      "WHERE domain_id = ?1 ORDER BY position",
	[ST_PROV_DOMAIN_HOSTS] = "SELECT dh.host_id, h.ldh_name FROM domain_host dh "
				 "JOIN host h ON h.id = dh.host_id WHERE dh.domain_id = ?1 "
				 "ORDER BY dh.position",
	[ST_PROV_DOMAIN_ENTITIES] = "SELECT de.position, de.entity_id, e.handle, de.role "
				    "FROM domain_entity de JOIN entity e ON e.id = de.entity_id "
				    "WHERE de.domain_id = ?1 ORDER BY de.position",
	[ST_PROV_DOMAIN_GRACE] = "SELECT period, ends FROM domain_grace WHERE domain_id = ?1 "
				 "ORDER BY ends, period",
	[ST_PROV_DOMAIN_VARIANTS] = "SELECT ldh_name, unicode_name, state FROM domain_variant "
				    "WHERE domain_id = ?1 ORDER BY ldh_name",
	[ST_PROV_DOMAIN_SET] = "UPDATE domain SET sponsor = ?2, creator = ?3, updater = ?4, "
			       "transferred = ?5, auth_info = ?6, idn_table = ?7 WHERE id = ?1",
	[ST_PROV_GRACE_INSERT] = "INSERT INTO domain_grace (domain_id, period, ends) VALUES (?1, ?2, ?3)",
	[ST_PROV_GRACE_DELETE] = "DELETE FROM domain_grace WHERE domain_id = ?1",
	[ST_PROV_VARIANT_INSERT] = "INSERT INTO domain_variant (ldh_name, unicode_name, domain_id, "
				   "state) VALUES (?1, ?2, ?3, ?4)",
	[ST_PROV_VARIANT_DELETE] = "DELETE FROM domain_variant WHERE domain_id = ?1",
	[ST_PROV_VARIANT_GET] = "SELECT v.domain_id, d.ldh_name, d.unicode_name, d.sponsor, v.state, "
				"(SELECT e.handle FROM domain_entity de JOIN entity e ON "
				"e.id = de.entity_id WHERE de.domain_id = d.id AND "
				"de.role = 'registrant' ORDER BY de.position LIMIT 1) "
				"FROM domain_variant v JOIN domain d ON d.id = v.domain_id "
				"WHERE v.ldh_name = ?1",
	[ST_PROV_HOST_ID] = "SELECT id FROM host WHERE ldh_name = ?1",
	[ST_PROV_ENTITY_ID] = "SELECT id FROM entity WHERE handle = ?1",
	[ST_PROV_SUBORDINATES] = "SELECT ldh_name FROM host WHERE length(ldh_name) > length(?1) + 1 "
				 "AND substr(ldh_name, -length(?1) - 1) = '.' || ?1 ORDER BY ldh_name",
	/* provisioning: TLDs */
#define TLD_COLUMNS "id, name, unicode_name, min_years, max_years, default_years, add_grace_s, " \
		    "renew_grace_s, autorenew_grace_s, transfer_grace_s, redemption_s, "        \
		    "pending_delete_s, transfer_wait_s, idn_tables, created_at, changed_at"
	[ST_TLD_INSERT] = "INSERT INTO tld (" TLD_COLUMNS ") VALUES "
			  "(NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[ST_TLD_UPDATE] = "UPDATE tld SET unicode_name = ?2, min_years = ?3, max_years = ?4, "
			  "default_years = ?5, add_grace_s = ?6, renew_grace_s = ?7, "
			  "autorenew_grace_s = ?8, transfer_grace_s = ?9, redemption_s = ?10, "
			  "pending_delete_s = ?11, transfer_wait_s = ?12, idn_tables = ?13, "
			  "changed_at = ?15 WHERE name = ?1",
	[ST_TLD_GET] = "SELECT " TLD_COLUMNS " FROM tld WHERE name = ?1",
	[ST_TLD_ALL] = "SELECT " TLD_COLUMNS " FROM tld ORDER BY name",
	[ST_TLD_RESERVE] = "INSERT INTO tld_reserved (tld, label, reason) VALUES (?1, ?2, ?3)",
	[ST_TLD_UNRESERVE] = "DELETE FROM tld_reserved WHERE tld = ?1 AND label = ?2",
	[ST_TLD_RESERVED_GET] = "SELECT reason FROM tld_reserved WHERE tld = ?1 AND label = ?2",
	[ST_TLD_RESERVED_ALL] = "SELECT tld, label, reason FROM tld_reserved WHERE tld = ?1 "
				"ORDER BY label",
	/* provisioning: domain update and delete */
	[ST_UPD_TRANSFER_DELETE] = "DELETE FROM object_transfer WHERE object_type = 'domain' "
				   "AND object_id = ?1",
	[ST_UPD_SUBORDINATE_LINKS] = "SELECT h.ldh_name, (SELECT COUNT(DISTINCT dh.domain_id) "
				     "FROM domain_host dh WHERE dh.host_id = h.id AND "
				     "dh.domain_id <> ?2) FROM host h "
				     "WHERE length(h.ldh_name) > length(?1) + 1 AND "
				     "substr(h.ldh_name, -length(?1) - 1) = '.' || ?1 "
				     "ORDER BY h.ldh_name",
#define HOST_RECORD_COLUMNS HOST_COLUMNS ", sponsor, creator, created, updater, updated, " \
	"transferred, status"
	[ST_HOST_BY_NAME] = "SELECT " HOST_RECORD_COLUMNS ", (SELECT count(DISTINCT domain_id) "
			    "FROM domain_host WHERE host_id = host.id) FROM host WHERE ldh_name = ?1",
	[ST_HOST_ADDRESSES_OF] = "SELECT family, address FROM host_address WHERE host_id = ?1 "
				 "ORDER BY position",
	[ST_HOST_RECORD_INSERT] = "INSERT INTO host (" HOST_RECORD_COLUMNS ") VALUES "
				  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[ST_HOST_RECORD_UPDATE] = "UPDATE host SET ldh_name = ?2, unicode_name = ?3, handle = ?4, "
				  "changed_at = ?5, sponsor = ?6, creator = ?7, created = ?8, "
				  "updater = ?9, updated = ?10, transferred = ?11, status = ?12 "
				  "WHERE id = ?1",
	[ST_DOMAIN_SPONSOR_BY_NAME] = "SELECT id, sponsor FROM domain WHERE ldh_name = ?1",
	[ST_TLD_BY_NAME] = "SELECT name FROM tld WHERE name = ?1",
	[ST_POLL_ADD] = "INSERT INTO poll_message (registrar, queued_at, message, resdata) "
			"VALUES (?1, ?2, ?3, ?4)",
	[ST_POLL_FRONT] = "SELECT id, queued_at, message, resdata, (SELECT COUNT(*) FROM poll_message "
			  "WHERE registrar = ?1 AND acked_at IS NULL) FROM poll_message "
			  "WHERE registrar = ?1 AND acked_at IS NULL ORDER BY id LIMIT 1",
	[ST_POLL_ACK] = "UPDATE poll_message SET acked_at = ?3 "
			"WHERE registrar = ?1 AND id = ?2 AND acked_at IS NULL",
	[ST_TRANSFER_GET] = "SELECT status, gaining, losing, requested, action_due, years, "
			    "expires_after FROM object_transfer WHERE object_type = ?1 AND object_id = ?2",
	[ST_TRANSFER_PUT] = "INSERT INTO object_transfer (object_type, object_id, status, gaining, "
			    "losing, requested, action_due, years, expires_after) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
			    "ON CONFLICT (object_type, object_id) DO UPDATE SET status = ?3, "
			    "gaining = ?4, losing = ?5, requested = ?6, action_due = ?7, years = ?8, "
			    "expires_after = ?9",
	[ST_DUE_TRANSFERS] = "SELECT t.object_type, COALESCE(d.ldh_name, e.handle) FROM object_transfer t "
			     "LEFT JOIN domain d ON t.object_type = 'domain' AND d.id = t.object_id "
			     "LEFT JOIN entity e ON t.object_type = 'entity' AND e.id = t.object_id "
			     "WHERE t.status = 'pending' AND t.action_due <= ?1 "
			     "ORDER BY t.action_due, t.object_type, t.object_id LIMIT ?2",
	[ST_DUE_GRACE] = "SELECT g.period, d.ldh_name FROM domain_grace g JOIN domain d ON d.id = g.domain_id "
			 "WHERE g.ends <= ?1 AND g.period <> 'pendingRestore' ORDER BY g.ends, g.domain_id, g.period LIMIT ?2",
	[ST_DUE_EXPIRED] = "SELECT ldh_name FROM domain d WHERE sponsor IS NOT NULL AND expires <= ?1 "
			   "AND NOT EXISTS (SELECT 1 FROM domain_grace g WHERE g.domain_id = d.id AND "
			   "g.period IN ('redemptionPeriod', 'pendingDelete')) "
			   "ORDER BY expires, id LIMIT ?2",
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

static idreg_err sq_begin_read(struct idreg_store *base, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	return exec_simple(s, ST_BEGIN_READ, "starting a read", diag);
}

static idreg_err sq_savepoint(struct idreg_store *base, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	return exec_simple(s, ST_SAVEPOINT, "opening a savepoint", diag);
}

static idreg_err sq_savepoint_release(struct idreg_store *base, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	return exec_simple(s, ST_SAVEPOINT_RELEASE, "releasing a savepoint", diag);
}

/* Some errors (a full disk, an I/O error) make SQLite roll back the whole
 * transaction on its own: then there is no savepoint left to return to, and
 * the transaction's earlier work is lost too, which the caller must hear. */
static idreg_err sq_savepoint_rollback(struct idreg_store *base, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sqlite3_get_autocommit(s->db)) {
		forget_transaction(s);
		return idreg_diag_set(diag, IDREG_ESTORE,
				      "the transaction was rolled back whole by an error");
	}
	idreg_err err = exec_simple(s, ST_SAVEPOINT_ROLLBACK, "rolling back to a savepoint", diag);
	if (err == IDREG_OK) {
		err = exec_simple(s, ST_SAVEPOINT_RELEASE, "closing a savepoint", diag);
	}
	/* The caches may hold rows the savepoint created: read them again.  The
	 * next id stays where it is: ids are never reused, and a gap is harmless. */
	idreg_strmap_clear(&s->holders);
	s->source_name[0] = '\0';
	s->change_at[0] = '\0';
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
				   const char *sv_trid, const char *cl_trid, int64_t *id,
				   struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_CHANGE_SET_ADD, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, sv_trid);
	bind_text_or_null(st, 4, cl_trid);
	snprintf(s->change_at, sizeof(s->change_at), "%s", at);
	err = stmt_done(s, st, "recording a change set", diag);
	if (err == IDREG_OK) {
		*id = sqlite3_last_insert_rowid(s->db);
	}
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

/* ---- the equipment identity register ---- */

static idreg_err sq_eir_observe(struct idreg_store *base, const struct idreg_eir_observation *rows,
				size_t n, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = IDREG_OK;
	for (size_t done = 0; done < n && err == IDREG_OK;) {
		size_t batch = n - done >= EIR_OBSERVE_BATCH ? EIR_OBSERVE_BATCH : 1;
		sqlite3_stmt *st = NULL;
		err = stmt_get(s, batch == EIR_OBSERVE_BATCH ? ST_EIR_OBSERVE_BATCH : ST_EIR_OBSERVE,
			       &st, diag);
		for (size_t i = 0; i < batch && err == IDREG_OK; i++) {
			const struct idreg_eir_observation *o = &rows[done + i];
			const char *texts[] = { o->operator_name, o->month, o->imei, o->imei_raw, o->imsi,
						o->msisdn, o->first_seen, o->last_seen };
			int col = (int)i * 10;
			for (int c = 0; c < 8; c++) {
				sqlite3_bind_text(st, col + c + 1, texts[c], -1, SQLITE_STATIC);
			}
			sqlite3_bind_int64(st, col + 9, (int64_t)o->days);
			sqlite3_bind_int64(st, col + 10, (int64_t)o->rats);
		}
		if (err == IDREG_OK) {
			err = stmt_done(s, st, "recording observations", diag);
		}
		done += batch;
	}
	return err;
}

/*
 * Make a table hold only the keys of @keep ("keyimsi"): remove the rows
 * @select (of @list, unless NULL) finds whose key (columns 0 and 1) is not
 * there, with @remove (?1 the list or the key, then the key and imsi).  Rows
 * that stay are left as they are, so a full file imported again changes
 * nothing, not even the order rows are kept in.
 */
static idreg_err eir_remove_others(struct sqlite_store *s, enum stmt_id select, enum stmt_id remove,
				   const char *list, const struct idreg_strmap *keep,
				   struct idreg_diag *diag)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 64 * 1024, 0);
	char **gone = NULL;
	size_t n_gone = 0, cap_gone = 0;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, select, &st, diag);
	if (err != IDREG_OK) {
		idreg_arena_free(&arena);
		return err;
	}
	if (list != NULL) {
		sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
	}
	int rc = SQLITE_DONE;
	int64_t unused;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		char key[160];
		snprintf(key, sizeof(key), "%s%s", column_text(st, 0), column_text(st, 1));
		if (idreg_strmap_get(keep, key, &unused) == IDREG_OK) {
			continue;
		}
		err = idreg_array_reserve(&gone, &cap_gone, n_gone, sizeof(*gone), 64);
		if (err == IDREG_OK && (gone[n_gone++] = idreg_arena_strndup(&arena, key, strlen(key))) == NULL) {
			err = IDREG_ENOMEM;
		}
	}
	sqlite3_reset(st);
	if (err != IDREG_OK) {
		err = idreg_diag_set(diag, err, "%s: out of memory", s->path);
	} else if (rc != SQLITE_DONE) {
		err = fail(s, rc, "reading what is held", diag);
	}
	for (size_t i = 0; err == IDREG_OK && i < n_gone; i++) {
		const char *key = gone[i];
		const char *sep = strchr(key, '');
		if ((err = stmt_get(s, remove, &st, diag)) != IDREG_OK) {
			break;
		}
		int col = 1;
		if (list != NULL) {
			sqlite3_bind_text(st, col++, list, -1, SQLITE_STATIC);
		}
		sqlite3_bind_text(st, col++, key, (int)(sep - key), SQLITE_STATIC);
		if (list != NULL) {
			sqlite3_bind_text(st, col, sep + 1, -1, SQLITE_STATIC);
		}
		err = stmt_done(s, st, "removing what a full file no longer has", diag);
	}
	free(gone);
	idreg_arena_free(&arena);
	return err;
}

/* The keys of @n entries (TACs when @tacs, else list entries), for eir_remove_others. */
static idreg_err eir_keys(const struct idreg_eir_tac *tacs, const struct idreg_eir_list_entry *items,
			  size_t n, struct idreg_strmap *keys)
{
	idreg_err err = IDREG_OK;
	for (size_t i = 0; i < n && err == IDREG_OK; i++) {
		char key[160];
		snprintf(key, sizeof(key), "%s%s", tacs ? tacs[i].tac : items[i].item,
			 tacs ? "" : items[i].imsi);
		err = idreg_strmap_put(keys, key, 0);
	}
	return err;
}

static idreg_err sq_eir_tac_replace(struct idreg_store *base, const struct idreg_eir_tac *rows,
				    size_t n, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct idreg_strmap keys;
	idreg_strmap_init(&keys);
	idreg_err err = eir_keys(rows, NULL, n, &keys);
	err = err != IDREG_OK ? idreg_diag_set(diag, err, "%s: out of memory", s->path)
			      : eir_remove_others(s, ST_EIR_TAC_ALL, ST_EIR_TAC_REMOVE, NULL, &keys, diag);
	idreg_strmap_free(&keys);
	for (size_t i = 0; i < n && err == IDREG_OK; i++) {
		sqlite3_stmt *st = NULL;
		if ((err = stmt_get(s, ST_EIR_TAC_PUT, &st, diag)) != IDREG_OK) {
			break;
		}
		const struct idreg_eir_tac *t = &rows[i];
		sqlite3_bind_text(st, 1, t->tac, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, t->manufacturer, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, t->model, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (int64_t)t->rats);
		sqlite3_bind_text(st, 5, t->allocated, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, t->device_type, -1, SQLITE_STATIC);
		err = stmt_done(s, st, "recording a TAC", diag);
	}
	return err;
}

static idreg_err sq_eir_list_write(struct idreg_store *base, const char *list, bool full,
				   const struct idreg_eir_list_entry *rows, size_t n,
				   struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = IDREG_OK;
	if (full) {
		struct idreg_strmap keys;
		idreg_strmap_init(&keys);
		err = eir_keys(NULL, rows, n, &keys);
		err = err != IDREG_OK ? idreg_diag_set(diag, err, "%s: out of memory", s->path)
				      : eir_remove_others(s, ST_EIR_LIST_OF, ST_EIR_LIST_REMOVE, list,
							  &keys, diag);
		idreg_strmap_free(&keys);
	}
	for (size_t i = 0; i < n && err == IDREG_OK; i++) {
		const struct idreg_eir_list_entry *e = &rows[i];
		if ((err = stmt_get(s, e->remove ? ST_EIR_LIST_REMOVE : ST_EIR_LIST_PUT, &st, diag)) !=
		    IDREG_OK) {
			break;
		}
		sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, e->item, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, e->imsi, -1, SQLITE_STATIC);
		if (!e->remove) {
			sqlite3_bind_text(st, 4, e->raw, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, e->date, -1, SQLITE_STATIC);
		}
		err = stmt_done(s, st, "writing a list", diag);
	}
	return err;
}

static idreg_err sq_eir_import_put(struct idreg_store *base, const struct idreg_eir_import *imp,
				   struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_IMPORT_PUT, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	char now[32];
	idreg_store_now(now, sizeof(now));
	sqlite3_bind_text(st, 1, imp->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, imp->operator_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, imp->first_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, imp->last_date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, imp->days);
	sqlite3_bind_int64(st, 6, (int64_t)imp->rows);
	sqlite3_bind_text(st, 7, imp->file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
	return stmt_done(s, st, "recording an import", diag);
}

static idreg_err sq_eir_import_each(struct idreg_store *base, const char *kind,
				    const char *operator_name, idreg_eir_import_cb cb, void *ctx,
				    struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_IMPORTS_OF, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, operator_name, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_eir_import imp = {
			.kind = column_text(st, 0),
			.operator_name = column_text(st, 1),
			.first_date = column_text(st, 2),
			.last_date = column_text(st, 3),
			.days = sqlite3_column_int64(st, 4),
			.rows = (uint64_t)sqlite3_column_int64(st, 5),
			.file = column_text(st, 6),
		};
		if ((err = cb(ctx, &imp)) != IDREG_OK) {
			sqlite3_reset(st);
			return err;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "reading earlier imports", diag);
}

/* Step @st (bound), handing each row to @row_cb(@cb, @ctx, @st); reset it after. */
static idreg_err eir_rows(struct sqlite_store *s, sqlite3_stmt *st,
			  idreg_err (*row_cb)(sqlite3_stmt *st, void *cb, void *ctx), void *cb,
			  void *ctx, const char *what, struct idreg_diag *diag)
{
	int rc;
	idreg_err err = IDREG_OK;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = row_cb(st, cb, ctx);
	}
	sqlite3_reset(st);
	if (err != IDREG_OK) {
		return err;
	}
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, what, diag);
}

static idreg_err observation_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct idreg_eir_observation o = {
		.operator_name = column_text(st, 0),
		.month = column_text(st, 1),
		.imei = column_text(st, 2),
		.imei_raw = column_text(st, 3),
		.imsi = column_text(st, 4),
		.msisdn = column_text(st, 5),
		.first_seen = column_text(st, 6),
		.last_seen = column_text(st, 7),
		.days = (uint32_t)sqlite3_column_int64(st, 8),
		.rats = (unsigned)sqlite3_column_int(st, 9),
	};
	return ((idreg_eir_observation_cb)cb)(ctx, &o);
}

static idreg_err sq_eir_observation_each(struct idreg_store *base, const char *imei,
					 idreg_eir_observation_cb cb, void *ctx,
					 struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, imei != NULL ? ST_EIR_OBSERVATIONS_OF : ST_EIR_OBSERVATIONS_ALL,
				 &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (imei != NULL) {
		sqlite3_bind_text(st, 1, imei, -1, SQLITE_STATIC);
	}
	return eir_rows(s, st, observation_row, (void *)cb, ctx, "reading observations", diag);
}

static idreg_err sq_eir_observation_month(struct idreg_store *base, const char *operator_name,
					  const char *month, idreg_eir_observation_cb cb, void *ctx,
					  struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_OBSERVATIONS_MONTH, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, operator_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
	return eir_rows(s, st, observation_row, (void *)cb, ctx, "reading observations", diag);
}

static idreg_err sq_eir_segment_put(struct idreg_store *base, const char *operator_name,
				    const char *month, const void *data, size_t size,
				    struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_SEGMENT_PUT, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, operator_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
	int rc = data == NULL ? sqlite3_bind_null(st, 3)
			      : sqlite3_bind_blob64(st, 3, data, size, SQLITE_STATIC);
	if (rc != SQLITE_OK) { /* SQLITE_TOOBIG: over the longest blob SQLite keeps */
		return fail(s, rc, "recording a segment of observations", diag);
	}
	return stmt_done(s, st, "recording a segment of observations", diag);
}

static idreg_err segment_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	return ((idreg_eir_segment_cb)cb)(ctx, column_text(st, 0), column_text(st, 1),
					  sqlite3_column_int64(st, 2));
}

static idreg_err sq_eir_segment_each(struct idreg_store *base, idreg_eir_segment_cb cb, void *ctx,
				     struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_SEGMENT_ALL, &st, diag);
	return err != IDREG_OK ? err
			       : eir_rows(s, st, segment_row, (void *)cb, ctx,
					  "reading segments of observations", diag);
}

/* Through SQLite's incremental blob I/O: the bytes go from the database pages
 * to @buf, without the whole blob assembled in memory first. */
static idreg_err sq_eir_segment_read(struct idreg_store *base, const char *operator_name,
				     const char *month, uint64_t offset, void *buf, size_t n,
				     struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_SEGMENT_ROWID, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, operator_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_int64 rowid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "no segment %s %s", operator_name,
				      month);
	}
	if (rc != SQLITE_ROW) {
		return fail(s, rc, "reading a segment", diag);
	}
	sqlite3_blob *blob = NULL;
	rc = sqlite3_blob_open(s->db, "main", "eir_segment", "data", rowid, 0, &blob);
	if (rc != SQLITE_OK) {
		sqlite3_blob_close(blob);
		return fail(s, rc, "opening a segment", diag);
	}
	if (offset > (uint64_t)sqlite3_blob_bytes(blob) ||
	    n > (uint64_t)sqlite3_blob_bytes(blob) - offset) {
		sqlite3_blob_close(blob);
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "segment %s %s: %zu bytes at %llu "
				      "beyond its end", operator_name, month, n,
				      (unsigned long long)offset);
	}
	/* sqlite3_blob_read takes an int: large reads go in pieces. */
	for (size_t done = 0; done < n && rc == SQLITE_OK;) {
		int piece = n - done > (1u << 30) ? 1 << 30 : (int)(n - done);
		rc = sqlite3_blob_read(blob, (char *)buf + done, piece, (int)(offset + done));
		done += (size_t)piece;
	}
	sqlite3_blob_close(blob);
	return rc == SQLITE_OK ? IDREG_OK : fail(s, rc, "reading a segment", diag);
}

static idreg_err tac_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct idreg_eir_tac t = {
		.tac = column_text(st, 0),
		.manufacturer = column_text(st, 1),
		.model = column_text(st, 2),
		.rats = (unsigned)sqlite3_column_int(st, 3),
		.allocated = column_text(st, 4),
		.device_type = column_text(st, 5),
	};
	return ((idreg_eir_tac_cb)cb)(ctx, &t);
}

static idreg_err sq_eir_tac_each(struct idreg_store *base, idreg_eir_tac_cb cb, void *ctx,
				 struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_TAC_EACH, &st, diag);
	return err != IDREG_OK ? err
			       : eir_rows(s, st, tac_row, (void *)cb, ctx, "reading the TAC database",
					  diag);
}

static idreg_err list_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct idreg_eir_list_entry e = {
		.item = column_text(st, 0),
		.imsi = column_text(st, 1),
		.raw = column_text(st, 2),
		.date = column_text(st, 3),
	};
	return ((idreg_eir_list_cb)cb)(ctx, &e);
}

static idreg_err sq_eir_list_each(struct idreg_store *base, const char *list, idreg_eir_list_cb cb,
				  void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_LIST_EACH, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
	return eir_rows(s, st, list_row, (void *)cb, ctx, "reading a list", diag);
}

static idreg_err sq_eir_class_put(struct idreg_store *base, const struct idreg_eir_class *rows,
				  size_t n, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = IDREG_OK;
	for (size_t i = 0; i < n && err == IDREG_OK; i++) {
		const struct idreg_eir_class *c = &rows[i];
		sqlite3_stmt *st = NULL;
		if ((err = stmt_get(s, ST_EIR_CLASS_PUT, &st, diag)) != IDREG_OK) {
			break;
		}
		const char *texts[] = { c->imei, c->condition, c->start_date, c->end_date,
					c->block_date };
		for (int col = 0; col < 5; col++) {
			sqlite3_bind_text(st, col + 1, texts[col], -1, SQLITE_STATIC);
		}
		sqlite3_bind_int(st, 6, c->blocking ? 1 : 0);
		sqlite3_bind_int64(st, 7, c->run_id);
		err = stmt_done(s, st, "recording a classification", diag);
	}
	return err;
}

static idreg_err class_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct idreg_eir_class c = {
		.imei = column_text(st, 0),
		.condition = column_text(st, 1),
		.start_date = column_text(st, 2),
		.end_date = column_text(st, 3),
		.block_date = column_text(st, 4),
		.blocking = sqlite3_column_int(st, 5) != 0,
		.run_id = sqlite3_column_int64(st, 6),
	};
	return ((idreg_eir_class_cb)cb)(ctx, &c);
}

static idreg_err sq_eir_class_each(struct idreg_store *base, bool current, const char *imei,
				   idreg_eir_class_cb cb, void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	static const enum stmt_id which[2][2] = {
		{ ST_EIR_CLASS_ALL, ST_EIR_CLASS_OF },
		{ ST_EIR_CLASS_CURRENT_ALL, ST_EIR_CLASS_CURRENT_OF },
	};
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, which[current][imei != NULL], &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (imei != NULL) {
		sqlite3_bind_text(st, 1, imei, -1, SQLITE_STATIC);
	}
	return eir_rows(s, st, class_row, (void *)cb, ctx, "reading classifications", diag);
}

static idreg_err sq_eir_class_run_add(struct idreg_store *base,
				      const struct idreg_eir_class_run *run, int64_t *id,
				      struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_CLASS_RUN_ADD, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, run->run_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run->started_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, run->finished_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, run->conditions, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)run->imeis);
	sqlite3_bind_int64(st, 6, (int64_t)run->matched);
	if ((err = stmt_done(s, st, "recording a classification run", diag)) == IDREG_OK) {
		*id = sqlite3_last_insert_rowid(s->db);
	}
	return err;
}

static idreg_err class_run_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	struct idreg_eir_class_run r = {
		.id = sqlite3_column_int64(st, 0),
		.run_date = column_text(st, 1),
		.started_at = column_text(st, 2),
		.finished_at = column_text(st, 3),
		.conditions = column_text(st, 4),
		.imeis = (uint64_t)sqlite3_column_int64(st, 5),
		.matched = (uint64_t)sqlite3_column_int64(st, 6),
	};
	return ((idreg_eir_class_run_cb)cb)(ctx, &r);
}

static idreg_err sq_eir_class_run_each(struct idreg_store *base, idreg_eir_class_run_cb cb,
				       void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_EIR_CLASS_RUN_ALL, &st, diag);
	return err != IDREG_OK ? err
			       : eir_rows(s, st, class_run_row, (void *)cb, ctx,
					  "reading classification runs", diag);
}

/* ---- domains, hosts, entities ---- */

/* Ids for @n new rows of @table: read and written back per call, in the
 * transaction, so that ids are never reused (history refers to them). */
static idreg_err reserve_ids(struct sqlite_store *s, const char *table, size_t n, int64_t *first,
			     struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_ID_GET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int64_t next = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW || next < 1) {
		return rc == SQLITE_ROW || rc == SQLITE_DONE
			       ? idreg_diag_set(diag, IDREG_ESTORE, "%s: %s id counter missing", s->path, table)
			       : fail(s, rc, "reading an id counter", diag);
	}
	err = stmt_get(s, ST_ID_PUT, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, next + (int64_t)n);
	*first = next;
	return stmt_done(s, st, "recording the next id", diag);
}

/* The time rows written now are changed at. */
static const char *change_time(struct sqlite_store *s)
{
	if (s->change_at[0] == '\0') { /* a write outside any change set: changed now */
		idreg_store_now(s->change_at, sizeof(s->change_at));
	}
	return s->change_at;
}

/* Rows to insert, DOMAINS_BATCH to a statement; a remainder one by one. */
struct sq_value {
	enum { V_NULL, V_INT, V_TEXT } type;
	int64_t i;
	const char *t;
};

struct row_writer {
	struct sqlite_store *s;
	enum stmt_id one, batch;
	int columns;
	const char *doing;
	size_t rows;
	struct sq_value vals[DOMAINS_BATCH * MAX_NCOL];
	struct idreg_arena text; /* texts made for the pending rows */
};

static void rw_init(struct row_writer *w, struct sqlite_store *s, enum stmt_id one,
		    enum stmt_id batch, int columns, const char *doing)
{
	w->s = s;
	w->one = one;
	w->batch = batch;
	w->columns = columns;
	w->doing = doing;
	w->rows = 0;
	idreg_arena_init(&w->text, 16 * 1024, 0);
}

static struct sq_value *rw_row(struct row_writer *w)
{
	struct sq_value *row = &w->vals[w->rows * (size_t)w->columns];
	for (int c = 0; c < w->columns; c++) {
		row[c] = (struct sq_value){ V_NULL, 0, NULL };
	}
	return row;
}

static void v_int(struct sq_value *v, int64_t i)
{
	*v = (struct sq_value){ V_INT, i, NULL };
}

static void v_text(struct sq_value *v, const char *t)
{
	*v = t ? (struct sq_value){ V_TEXT, 0, t } : (struct sq_value){ V_NULL, 0, NULL };
}

static idreg_err rw_step(struct row_writer *w, enum stmt_id id, const struct sq_value *vals,
			 size_t rows, struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(w->s, id, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	for (size_t k = 0; k < rows * (size_t)w->columns; k++) {
		const struct sq_value *v = &vals[k];
		int col = (int)k + 1;
		if (v->type == V_INT) {
			sqlite3_bind_int64(st, col, v->i);
		} else if (v->type == V_TEXT) {
			sqlite3_bind_text(st, col, v->t, -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_null(st, col);
		}
	}
	return stmt_done(w->s, st, w->doing, diag);
}

/* The row from rw_row is filled in: write a full batch. */
static idreg_err rw_add(struct row_writer *w, struct idreg_diag *diag)
{
	if (++w->rows < DOMAINS_BATCH) {
		return IDREG_OK;
	}
	idreg_err err = rw_step(w, w->batch, w->vals, w->rows, diag);
	w->rows = 0;
	idreg_arena_reset(&w->text);
	return err;
}

static idreg_err rw_finish(struct row_writer *w, idreg_err err, struct idreg_diag *diag)
{
	for (size_t r = 0; err == IDREG_OK && r < w->rows; r++) {
		err = rw_step(w, w->one, &w->vals[r * (size_t)w->columns], 1, diag);
	}
	w->rows = 0;
	idreg_arena_free(&w->text);
	return err;
}

static const char *rw_time(struct row_writer *w, int64_t t)
{
	if (t == IDREG_TIME_NONE) {
		return NULL;
	}
	char *text = idreg_arena_alloc(&w->text, IDREG_TIME_TEXT_MAX);
	if (text != NULL) {
		idreg_time_format(t, text);
	}
	return text;
}

/* Names of the set bits of @bits, separated by spaces; "" when none. */
static const char *names_text(struct idreg_arena *arena, uint32_t bits, unsigned count,
			      const char *(*name)(unsigned))
{
	size_t size = 1;
	for (unsigned b = 0; b < count; b++) {
		if (bits & (1u << b)) {
			size += strlen(name(b)) + 1;
		}
	}
	char *text = idreg_arena_alloc(arena, size);
	if (text == NULL) {
		return NULL;
	}
	size_t at = 0;
	text[0] = '\0';
	for (unsigned b = 0; b < count; b++) {
		if (bits & (1u << b)) {
			at += (size_t)snprintf(text + at, size - at, "%s%s", at ? " " : "", name(b));
		}
	}
	return text;
}

static const char *rw_names(struct row_writer *w, uint32_t bits, unsigned count,
			    const char *(*name)(unsigned))
{
	return names_text(&w->text, bits, count, name);
}

static const char *status_name(unsigned b)
{
	return idreg_domain_status_epp_name((enum idreg_domain_status)b);
}

static const char *field_name(unsigned b)
{
	return idreg_entity_field_name((enum idreg_entity_field)b);
}

/* Parse space-separated names back into bits; false on an unknown one. */
static bool parse_names(const char *text, bool (*parse)(const char *, size_t, unsigned *),
			uint32_t *out)
{
	*out = 0;
	while (*text) {
		const char *sp = strchr(text, ' ');
		size_t len = sp ? (size_t)(sp - text) : strlen(text);
		unsigned b;
		if (!parse(text, len, &b) || b >= 32) {
			return false;
		}
		*out |= 1u << b;
		text += len + (sp != NULL);
	}
	return true;
}

static bool status_parse(const char *s, size_t len, unsigned *out)
{
	enum idreg_domain_status st;
	bool ok = idreg_domain_status_parse(s, len, &st);
	*out = (unsigned)st;
	return ok;
}

static bool field_parse(const char *s, size_t len, unsigned *out)
{
	enum idreg_entity_field f;
	bool ok = idreg_entity_field_parse(s, len, &f);
	*out = (unsigned)f;
	return ok;
}

static idreg_err domain_values(struct row_writer *w, struct sq_value *v, int64_t id,
			       const struct idreg_domain_row *row)
{
	const struct idreg_domain *d = row->domain;
	v_int(&v[0], id);
	v_text(&v[1], d->ldh_name);
	v_text(&v[2], d->unicode_name);
	v_text(&v[3], d->handle);
	v_text(&v[4], rw_names(w, d->status, IDREG_DOMAIN_STATUS_COUNT, status_name));
	v_text(&v[5], rw_time(w, d->registered));
	v_text(&v[6], rw_time(w, d->expires));
	v_text(&v[7], rw_time(w, d->last_changed));
	v_text(&v[8], change_time(w->s));
	v_text(&v[9], row->index_key);
	v_text(&v[10], row->skeleton_key);
	return v[4].type == V_NULL || (d->registered != IDREG_TIME_NONE && v[5].type == V_NULL) ||
			       (d->expires != IDREG_TIME_NONE && v[6].type == V_NULL) ||
			       (d->last_changed != IDREG_TIME_NONE && v[7].type == V_NULL)
		       ? IDREG_ENOMEM
		       : IDREG_OK;
}

/* A domain's DS records, nameserver links and entity links. */
struct domain_children {
	struct row_writer ds, hosts, entities;
};

static void children_init(struct domain_children *c, struct sqlite_store *s)
{
	rw_init(&c->ds, s, ST_DOMAIN_DS_INSERT, ST_DOMAIN_DS_INSERT_BATCH, DS_NCOL,
		"adding DS records");
	rw_init(&c->hosts, s, ST_DOMAIN_HOST_INSERT, ST_DOMAIN_HOST_INSERT_BATCH, DH_NCOL,
		"adding nameservers of domains");
	rw_init(&c->entities, s, ST_DOMAIN_ENTITY_INSERT, ST_DOMAIN_ENTITY_INSERT_BATCH, DE_NCOL,
		"adding entities of domains");
}

static idreg_err children_add(struct domain_children *c, int64_t id,
			      const struct idreg_domain_row *row, struct idreg_diag *diag)
{
	const struct idreg_domain *d = row->domain;
	idreg_err err = IDREG_OK;
	for (size_t i = 0; err == IDREG_OK && i < d->n_ds; i++) {
		struct sq_value *v = rw_row(&c->ds);
		v_int(&v[0], id);
		v_int(&v[1], (int64_t)i);
		v_int(&v[2], d->ds[i].key_tag);
		v_int(&v[3], d->ds[i].algorithm);
		v_int(&v[4], d->ds[i].digest_type);
		v_text(&v[5], d->ds[i].digest);
		err = rw_add(&c->ds, diag);
	}
	for (size_t i = 0; err == IDREG_OK && i < d->n_ns; i++) {
		struct sq_value *v = rw_row(&c->hosts);
		v_int(&v[0], id);
		v_int(&v[1], (int64_t)i);
		v_int(&v[2], row->host_ids[i]);
		err = rw_add(&c->hosts, diag);
	}
	for (size_t i = 0; err == IDREG_OK && i < d->n_contacts; i++) {
		for (unsigned r = 0; err == IDREG_OK && r < IDREG_ROLE_COUNT; r++) {
			if ((d->contacts[i].roles & (1u << r)) == 0) {
				continue;
			}
			struct sq_value *v = rw_row(&c->entities);
			v_int(&v[0], id);
			v_int(&v[1], (int64_t)i);
			v_int(&v[2], row->entity_ids[i]);
			v_text(&v[3], idreg_role_name((enum idreg_role)r));
			err = rw_add(&c->entities, diag);
		}
	}
	return err;
}

static idreg_err children_finish(struct domain_children *c, idreg_err err,
				 struct idreg_diag *diag)
{
	err = rw_finish(&c->ds, err, diag);
	err = rw_finish(&c->hosts, err, diag);
	return rw_finish(&c->entities, err, diag);
}

static idreg_err sq_domain_insert(struct idreg_store *base, const struct idreg_domain_row *rows,
				  size_t n, int64_t *first_id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = reserve_ids(s, "domain", n, first_id, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct row_writer *w = malloc(sizeof(*w));
	struct domain_children *c = malloc(sizeof(*c));
	if (w == NULL || c == NULL) {
		free(w);
		free(c);
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	rw_init(w, s, ST_DOMAIN_INSERT, ST_DOMAIN_INSERT_BATCH, DOMAIN_NCOL, "adding domains");
	children_init(c, s);
	for (size_t i = 0; err == IDREG_OK && i < n; i++) {
		int64_t id = *first_id + (int64_t)i;
		err = domain_values(w, rw_row(w), id, &rows[i]);
		if (err == IDREG_OK) {
			err = rw_add(w, diag);
		}
		if (err == IDREG_OK) {
			err = children_add(c, id, &rows[i], diag);
		}
	}
	err = rw_finish(w, err, diag);
	err = children_finish(c, err, diag);
	free(w);
	free(c);
	return err == IDREG_ENOMEM ? idreg_diag_set(diag, err, "out of memory") : err;
}

static idreg_err delete_by_id(struct sqlite_store *s, enum stmt_id id, int64_t key,
			      const char *doing, struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, id, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, key);
	return stmt_done(s, st, doing, diag);
}

static idreg_err delete_domain_children(struct sqlite_store *s, int64_t id, struct idreg_diag *diag)
{
	idreg_err err = delete_by_id(s, ST_DOMAIN_DS_DELETE, id, "removing DS records", diag);
	if (err == IDREG_OK) {
		err = delete_by_id(s, ST_DOMAIN_HOST_DELETE, id, "removing nameservers of a domain", diag);
	}
	if (err == IDREG_OK) {
		err = delete_by_id(s, ST_DOMAIN_ENTITY_DELETE, id, "removing entities of a domain", diag);
	}
	return err;
}

static idreg_err sq_domain_update(struct idreg_store *base, int64_t id,
				  const struct idreg_domain_row *row, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct row_writer *w = malloc(sizeof(*w));
	struct domain_children *c = malloc(sizeof(*c));
	if (w == NULL || c == NULL) {
		free(w);
		free(c);
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	rw_init(w, s, ST_DOMAIN_UPDATE, ST_DOMAIN_UPDATE, DOMAIN_NCOL, "changing a domain");
	children_init(c, s);
	idreg_err err = domain_values(w, rw_row(w), id, row);
	if (err == IDREG_OK) {
		err = rw_step(w, ST_DOMAIN_UPDATE, w->vals, 1, diag);
	}
	if (err == IDREG_OK) {
		err = delete_domain_children(s, id, diag);
	}
	if (err == IDREG_OK) {
		err = children_add(c, id, row, diag);
	}
	err = children_finish(c, err, diag);
	idreg_arena_free(&w->text);
	free(w);
	free(c);
	return err == IDREG_ENOMEM ? idreg_diag_set(diag, err, "out of memory") : err;
}

static idreg_err sq_domain_delete(struct idreg_store *base, int64_t id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = delete_domain_children(s, id, diag);
	return err == IDREG_OK ? delete_by_id(s, ST_DOMAIN_DELETE, id, "removing a domain", diag) : err;
}

/* Children of rows read in id order: a cursor that steps along with them. */
struct child_cursor {
	sqlite3_stmt *st;
	int rc;   /* of the last step: SQLITE_ROW while rows are left */
};

/* Statement @id with the id range @first to @last bound as ?1 and ?2. */
static idreg_err stmt_range(struct sqlite_store *s, enum stmt_id id, int64_t first, int64_t last,
			    sqlite3_stmt **st, struct idreg_diag *diag)
{
	idreg_err err = stmt_get(s, id, st, diag);
	if (err == IDREG_OK) {
		sqlite3_bind_int64(*st, 1, first);
		sqlite3_bind_int64(*st, 2, last);
	}
	return err;
}

/* A cursor over the children of the parents with ids @first to @last. */
static idreg_err cursor_open(struct sqlite_store *s, enum stmt_id id, int64_t first, int64_t last,
			     struct child_cursor *c, struct idreg_diag *diag)
{
	idreg_err err = stmt_range(s, id, first, last, &c->st, diag);
	if (err == IDREG_OK) {
		c->rc = sqlite3_step(c->st);
	}
	return err;
}

/* Skip rows of parents before @id (there should be none); true at a row of @id. */
static bool cursor_at(struct child_cursor *c, int64_t id)
{
	while (c->rc == SQLITE_ROW && sqlite3_column_int64(c->st, 0) < id) {
		c->rc = sqlite3_step(c->st);
	}
	return c->rc == SQLITE_ROW && sqlite3_column_int64(c->st, 0) == id;
}

/* Growable scratch arrays for the children of one row. */
struct domain_scratch {
	struct idreg_ds *ds;
	size_t ds_cap;
	int64_t *host_ids;
	size_t host_cap;
	int64_t *entity_ids;
	struct idreg_domain_contact *contacts;
	size_t entity_cap, contact_cap;
	struct idreg_arena text;
};

static idreg_err read_domain_children(struct child_cursor *cur, int64_t id,
				      struct domain_scratch *sc, struct idreg_domain *d,
				      struct idreg_stored_domain *row)
{
	size_t n = 0;
	for (; cursor_at(&cur[0], id); cur[0].rc = sqlite3_step(cur[0].st), n++) {
		if (idreg_array_reserve(&sc->ds, &sc->ds_cap, n, sizeof(*sc->ds), 8) != IDREG_OK) {
			return IDREG_ENOMEM;
		}
		sqlite3_stmt *st = cur[0].st;
		sc->ds[n] = (struct idreg_ds){ (uint16_t)sqlite3_column_int(st, 1),
					       (uint8_t)sqlite3_column_int(st, 2),
					       (uint8_t)sqlite3_column_int(st, 3), NULL };
		const char *digest = column_text(st, 4);
		sc->ds[n].digest = idreg_arena_strndup(&sc->text, digest, strlen(digest));
		if (sc->ds[n].digest == NULL) {
			return IDREG_ENOMEM;
		}
	}
	d->ds = sc->ds;
	d->n_ds = n;
	n = 0;
	for (; cursor_at(&cur[1], id); cur[1].rc = sqlite3_step(cur[1].st), n++) {
		if (idreg_array_reserve(&sc->host_ids, &sc->host_cap, n, sizeof(*sc->host_ids), 8) !=
		    IDREG_OK) {
			return IDREG_ENOMEM;
		}
		sc->host_ids[n] = sqlite3_column_int64(cur[1].st, 1);
	}
	d->nameservers = NULL;
	d->n_ns = n;
	row->host_ids = sc->host_ids;
	n = 0;
	int64_t position = -1;
	for (; cursor_at(&cur[2], id); cur[2].rc = sqlite3_step(cur[2].st)) {
		sqlite3_stmt *st = cur[2].st;
		enum idreg_role role;
		const char *name = column_text(st, 3);
		if (!idreg_role_parse(name, strlen(name), &role)) {
			return IDREG_ESTORE;
		}
		if (sqlite3_column_int64(st, 1) != position) {
			position = sqlite3_column_int64(st, 1);
			if (idreg_array_reserve(&sc->entity_ids, &sc->entity_cap, n,
						sizeof(*sc->entity_ids), 8) != IDREG_OK ||
			    idreg_array_reserve(&sc->contacts, &sc->contact_cap, n,
						sizeof(*sc->contacts), 8) != IDREG_OK) {
				return IDREG_ENOMEM;
			}
			sc->entity_ids[n] = sqlite3_column_int64(st, 2);
			sc->contacts[n] = (struct idreg_domain_contact){ NULL, 0 };
			n++;
		}
		sc->contacts[n - 1].roles |= 1u << role;
	}
	d->contacts = sc->contacts;
	d->n_contacts = n;
	row->entity_ids = sc->entity_ids;
	return IDREG_OK;
}

static bool column_time(sqlite3_stmt *st, int col, int64_t *out)
{
	*out = IDREG_TIME_NONE;
	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		return true;
	}
	const char *t = column_text(st, col);
	return idreg_time_parse(t, strlen(t), out);
}

static const char *column_text_or_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : column_text(st, col);
}

/* The domains with ids @first to @last, in id order. */
static idreg_err domain_rows(struct idreg_store *base, int64_t first, int64_t last, idreg_domain_cb cb,
			 void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct child_cursor cur[3] = { { NULL, SQLITE_DONE }, { NULL, SQLITE_DONE }, { NULL, SQLITE_DONE } };
	sqlite3_stmt *st = NULL;
	struct domain_scratch sc;
	memset(&sc, 0, sizeof(sc));
	idreg_arena_init(&sc.text, 4096, 0);
	idreg_err err = stmt_range(s, ST_DOMAIN_ALL, first, last, &st, diag);
	if (err == IDREG_OK) {
		err = cursor_open(s, ST_DOMAIN_DS_ALL, first, last, &cur[0], diag);
	}
	if (err == IDREG_OK) {
		err = cursor_open(s, ST_DOMAIN_HOST_ALL, first, last, &cur[1], diag);
	}
	if (err == IDREG_OK) {
		err = cursor_open(s, ST_DOMAIN_ENTITY_ALL, first, last, &cur[2], diag);
	}
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_stored_domain row;
		memset(&row, 0, sizeof(row));
		struct idreg_domain *d = &row.domain;
		row.id = sqlite3_column_int64(st, 0);
		d->ldh_name = column_text(st, 1);
		d->unicode_name = column_text(st, 2);
		d->handle = column_text_or_null(st, 3);
		row.changed_at = column_text(st, 8);
		row.index_key = column_text_or_null(st, 9);
		row.skeleton_key = column_text_or_null(st, 10);
		row.sponsor = column_text_or_null(st, 11);
		row.sponsor_name = column_text_or_null(st, 12);
		row.creator = column_text_or_null(st, 13);
		row.updater = column_text_or_null(st, 14);
		row.grace = column_text_or_null(st, 16);
		row.variants = column_text_or_null(st, 17);
		row.idn_table = column_text_or_null(st, 18);
		idreg_arena_reset(&sc.text);
		bool ok = parse_names(column_text(st, 4), status_parse, &d->status) &&
			  column_time(st, 5, &d->registered) && column_time(st, 6, &d->expires) &&
			  column_time(st, 7, &d->last_changed) && column_time(st, 15, &row.transferred);
		err = ok ? read_domain_children(cur, row.id, &sc, d, &row) : IDREG_ESTORE;
		if (err == IDREG_ESTORE) {
			err = idreg_diag_set(diag, IDREG_ESTORE, "%s: domain %lld is corrupted", s->path,
					     (long long)row.id);
		} else if (err == IDREG_OK) {
			err = cb(ctx, &row);
		}
	}
	for (int i = 0; i < 3; i++) {
		if (err == IDREG_OK && cur[i].rc != SQLITE_ROW && cur[i].rc != SQLITE_DONE) {
			rc = cur[i].rc;
		}
		if (cur[i].st != NULL) {
			sqlite3_reset(cur[i].st);
		}
	}
	if (st != NULL) {
		sqlite3_reset(st);
	}
	free(sc.ds);
	free(sc.host_ids);
	free(sc.entity_ids);
	free(sc.contacts);
	idreg_arena_free(&sc.text);
	if (err == IDREG_ENOMEM) {
		return idreg_diag_set(diag, err, "out of memory while reading domains");
	}
	if (err != IDREG_OK) {
		return err;
	}
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "reading domains", diag);
}

static idreg_err host_values(struct row_writer *w, struct sq_value *v, int64_t id,
			     const struct idreg_host *h)
{
	v_int(&v[0], id);
	v_text(&v[1], h->ldh_name);
	v_text(&v[2], h->unicode_name);
	v_text(&v[3], h->handle);
	v_text(&v[4], change_time(w->s));
	return IDREG_OK;
}

static idreg_err host_addresses_add(struct row_writer *w, int64_t id, const struct idreg_host *h,
				    struct idreg_diag *diag)
{
	idreg_err err = IDREG_OK;
	for (size_t i = 0; err == IDREG_OK && i < h->n_addrs; i++) {
		char *text = idreg_arena_alloc(&w->text, IDREG_IP_TEXT_MAX);
		if (text == NULL) {
			return IDREG_ENOMEM;
		}
		idreg_ip_format(&h->addrs[i], text, IDREG_IP_TEXT_MAX);
		struct sq_value *v = rw_row(w);
		v_int(&v[0], id);
		v_int(&v[1], (int64_t)i);
		v_text(&v[2], idreg_restype_name(h->addrs[i].type));
		v_text(&v[3], text);
		err = rw_add(w, diag);
	}
	return err;
}

static idreg_err sq_host_insert(struct idreg_store *base, const struct idreg_host *const *hosts,
				size_t n, int64_t *first_id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = reserve_ids(s, "host", n, first_id, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct row_writer *w = malloc(2 * sizeof(*w));
	if (w == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	rw_init(&w[0], s, ST_HOST_INSERT, ST_HOST_INSERT_BATCH, HOST_NCOL, "adding hosts");
	rw_init(&w[1], s, ST_HOST_ADDRESS_INSERT, ST_HOST_ADDRESS_INSERT_BATCH, HA_NCOL,
		"adding addresses of hosts");
	for (size_t i = 0; err == IDREG_OK && i < n; i++) {
		int64_t id = *first_id + (int64_t)i;
		err = host_values(&w[0], rw_row(&w[0]), id, hosts[i]);
		if (err == IDREG_OK) {
			err = rw_add(&w[0], diag);
		}
		if (err == IDREG_OK) {
			err = host_addresses_add(&w[1], id, hosts[i], diag);
		}
	}
	err = rw_finish(&w[0], err, diag);
	err = rw_finish(&w[1], err, diag);
	free(w);
	return err == IDREG_ENOMEM ? idreg_diag_set(diag, err, "out of memory") : err;
}

static idreg_err sq_host_update(struct idreg_store *base, int64_t id, const struct idreg_host *h,
				struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct row_writer *w = malloc(2 * sizeof(*w));
	if (w == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	rw_init(&w[0], s, ST_HOST_UPDATE, ST_HOST_UPDATE, HOST_NCOL, "changing a host");
	rw_init(&w[1], s, ST_HOST_ADDRESS_INSERT, ST_HOST_ADDRESS_INSERT_BATCH, HA_NCOL,
		"adding addresses of hosts");
	idreg_err err = host_values(&w[0], rw_row(&w[0]), id, h);
	if (err == IDREG_OK) {
		err = rw_step(&w[0], ST_HOST_UPDATE, w[0].vals, 1, diag);
	}
	if (err == IDREG_OK) {
		err = delete_by_id(s, ST_HOST_ADDRESS_DELETE, id, "removing addresses of a host", diag);
	}
	if (err == IDREG_OK) {
		err = host_addresses_add(&w[1], id, h, diag);
	}
	idreg_arena_free(&w[0].text);
	err = rw_finish(&w[1], err, diag);
	free(w);
	return err == IDREG_ENOMEM ? idreg_diag_set(diag, err, "out of memory") : err;
}

static idreg_err sq_host_delete(struct idreg_store *base, int64_t id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = delete_by_id(s, ST_HOST_ADDRESS_DELETE, id, "removing addresses of a host", diag);
	return err == IDREG_OK ? delete_by_id(s, ST_HOST_DELETE, id, "removing a host", diag) : err;
}

/* The hosts with ids @first to @last, in id order. */
static idreg_err host_rows(struct idreg_store *base, int64_t first, int64_t last, idreg_host_cb cb,
			 void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct child_cursor cur = { NULL, SQLITE_DONE };
	sqlite3_stmt *st = NULL;
	struct idreg_ip *addrs = NULL;
	size_t cap = 0;
	idreg_err err = stmt_range(s, ST_HOST_ALL, first, last, &st, diag);
	if (err == IDREG_OK) {
		err = cursor_open(s, ST_HOST_ADDRESS_ALL, first, last, &cur, diag);
	}
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_stored_host row;
		memset(&row, 0, sizeof(row));
		row.id = sqlite3_column_int64(st, 0);
		row.host.ldh_name = column_text(st, 1);
		row.host.unicode_name = column_text(st, 2);
		row.host.handle = column_text_or_null(st, 3);
		row.changed_at = column_text(st, 4);
		size_t n = 0;
		for (; err == IDREG_OK && cursor_at(&cur, row.id); cur.rc = sqlite3_step(cur.st), n++) {
			if (idreg_array_reserve(&addrs, &cap, n, sizeof(*addrs), 8) != IDREG_OK) {
				err = IDREG_ENOMEM;
				break;
			}
			const char *family = column_text(cur.st, 1), *text = column_text(cur.st, 2);
			enum idreg_restype type;
			if (!idreg_restype_parse(family, strlen(family), &type) ||
			    idreg_ip_parse(text, strlen(text), &addrs[n]) != IDREG_OK ||
			    addrs[n].type != type) {
				err = idreg_diag_set(diag, IDREG_ESTORE, "%s: host %lld is corrupted",
						     s->path, (long long)row.id);
			}
		}
		row.host.addrs = addrs;
		row.host.n_addrs = n;
		if (err == IDREG_OK) {
			err = cb(ctx, &row);
		}
	}
	if (err == IDREG_OK && cur.rc != SQLITE_ROW && cur.rc != SQLITE_DONE) {
		rc = cur.rc;
	}
	if (cur.st != NULL) {
		sqlite3_reset(cur.st);
	}
	if (st != NULL) {
		sqlite3_reset(st);
	}
	free(addrs);
	if (err == IDREG_ENOMEM) {
		return idreg_diag_set(diag, err, "out of memory while reading hosts");
	}
	if (err != IDREG_OK) {
		return err;
	}
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "reading hosts", diag);
}

static idreg_err entity_values(struct row_writer *w, struct sq_value *v, int64_t id,
			       const struct idreg_entity *e)
{
	v_int(&v[0], id);
	v_text(&v[1], e->handle);
	v_text(&v[2], idreg_entity_kind_name(e->kind));
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		v_text(&v[3 + f], e->fields[f]);
	}
	v_text(&v[13], rw_names(w, e->personal, IDREG_ENTITY_FIELD_COUNT, field_name));
	v_text(&v[14], change_time(w->s));
	return v[13].type == V_NULL || e->fields[IDREG_EF_FN] == NULL ? IDREG_ENOMEM : IDREG_OK;
}

static idreg_err sq_entity_insert(struct idreg_store *base,
				  const struct idreg_entity *const *entities, size_t n,
				  int64_t *first_id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = reserve_ids(s, "entity", n, first_id, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct row_writer *w = malloc(sizeof(*w));
	if (w == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	rw_init(w, s, ST_ENTITY_INSERT, ST_ENTITY_INSERT_BATCH, ENTITY_NCOL, "adding entities");
	for (size_t i = 0; err == IDREG_OK && i < n; i++) {
		err = entity_values(w, rw_row(w), *first_id + (int64_t)i, entities[i]);
		if (err == IDREG_OK) {
			err = rw_add(w, diag);
		}
	}
	err = rw_finish(w, err, diag);
	free(w);
	return err == IDREG_ENOMEM ? idreg_diag_set(diag, err, "an entity without a full name, or out of memory") : err;
}

static idreg_err sq_entity_update(struct idreg_store *base, int64_t id,
				  const struct idreg_entity *e, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct row_writer *w = malloc(sizeof(*w));
	if (w == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	rw_init(w, s, ST_ENTITY_UPDATE, ST_ENTITY_UPDATE, ENTITY_NCOL, "changing an entity");
	idreg_err err = entity_values(w, rw_row(w), id, e);
	if (err == IDREG_OK) {
		err = rw_step(w, ST_ENTITY_UPDATE, w->vals, 1, diag);
	}
	idreg_arena_free(&w->text);
	free(w);
	return err == IDREG_ENOMEM ? idreg_diag_set(diag, err, "an entity without a full name, or out of memory") : err;
}

static idreg_err sq_entity_delete(struct idreg_store *base, int64_t id, struct idreg_diag *diag)
{
	return delete_by_id((struct sqlite_store *)base, ST_ENTITY_DELETE, id, "removing an entity",
			    diag);
}

/* An entity from the columns ENTITY_COLUMNS selects; false when corrupted. */
static bool read_entity(sqlite3_stmt *st, struct idreg_stored_entity *row)
{
	memset(row, 0, sizeof(*row));
	row->id = sqlite3_column_int64(st, 0);
	row->entity.handle = column_text(st, 1);
	const char *kind = column_text(st, 2);
	bool ok = idreg_entity_kind_parse(kind, strlen(kind), &row->entity.kind);
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		row->entity.fields[f] = column_text_or_null(st, 3 + (int)f);
	}
	ok = ok && parse_names(column_text(st, 13), field_parse, &row->entity.personal);
	row->changed_at = column_text(st, 14);
	return ok;
}

/* The entities with ids @first to @last, in id order. */
static idreg_err entity_rows(struct idreg_store *base, int64_t first, int64_t last,
			     idreg_entity_cb cb, void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_range(s, ST_ENTITY_ALL, first, last, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_stored_entity row;
		if (!read_entity(st, &row)) {
			sqlite3_reset(st);
			return idreg_diag_set(diag, IDREG_ESTORE, "%s: entity %lld is corrupted", s->path,
					      (long long)row.id);
		}
		err = cb(ctx, &row);
		if (err != IDREG_OK) {
			sqlite3_reset(st);
			return err;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "reading entities", diag);
}

static idreg_err sq_domain_each(struct idreg_store *base, idreg_domain_cb cb, void *ctx,
				struct idreg_diag *diag)
{
	return domain_rows(base, INT64_MIN, INT64_MAX, cb, ctx, diag);
}

static idreg_err sq_host_each(struct idreg_store *base, idreg_host_cb cb, void *ctx,
			      struct idreg_diag *diag)
{
	return host_rows(base, INT64_MIN, INT64_MAX, cb, ctx, diag);
}

static idreg_err sq_entity_each(struct idreg_store *base, idreg_entity_cb cb, void *ctx,
				struct idreg_diag *diag)
{
	return entity_rows(base, INT64_MIN, INT64_MAX, cb, ctx, diag);
}

static idreg_err sq_domain_counts(struct idreg_store *base, struct idreg_domain_counts *out,
				  struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_DOMAIN_COUNTS, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->domains = (uint64_t)sqlite3_column_int64(st, 0);
		out->hosts = (uint64_t)sqlite3_column_int64(st, 1);
		out->entities = (uint64_t)sqlite3_column_int64(st, 2);
		out->without_keys = (uint64_t)sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? IDREG_OK : fail(s, rc, "counting domains", diag);
}

static idreg_err sq_domain_find_key(struct idreg_store *base, enum idreg_domain_key which,
				    const char *key, idreg_keyed_domain_cb cb, void *ctx,
				    struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, which == IDREG_DOMAIN_INDEX_KEY ? ST_DOMAIN_BY_INDEX_KEY
								    : ST_DOMAIN_BY_SKELETON_KEY,
				 &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_keyed_domain row = {
			.id = sqlite3_column_int64(st, 0),
			.ldh_name = column_text(st, 1),
			.unicode_name = column_text(st, 2),
			.index_key = column_text(st, 3),
			.registrant = column_text_or_null(st, 4),
		};
		if ((err = cb(ctx, &row)) != IDREG_OK) {
			sqlite3_reset(st);
			return err;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "finding domains by key", diag);
}

static idreg_err sq_domain_set_keys(struct idreg_store *base, int64_t id, const char *index_key,
				    const char *skeleton_key, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_DOMAIN_SET_KEYS, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, id);
	bind_text_or_null(st, 2, index_key);
	bind_text_or_null(st, 3, skeleton_key);
	return stmt_done(s, st, "recording the keys of a domain", diag);
}

/* ---- what changed since a snapshot (lib/query/snapshot.h) ---- */

static idreg_err sq_change_set_last(struct idreg_store *base, int64_t *id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_CHANGE_SET_LAST, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? IDREG_OK : fail(s, rc, "reading the last change set", diag);
}

static idreg_err sq_changes_since(struct idreg_store *base, int64_t after, idreg_history_cb cb,
				  void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_CHANGES_SINCE, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, after);
	int rc;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *action = column_text(st, 3);
		struct idreg_history_entry e = {
			.object_type = column_text(st, 0),
			.first_id = sqlite3_column_int64(st, 1),
			.last_id = sqlite3_column_int64(st, 2),
			.change = action[0] == 'c' ? IDREG_CHANGE_CREATE
				  : action[0] == 'u' ? IDREG_CHANGE_UPDATE : IDREG_CHANGE_DELETE,
		};
		err = cb(ctx, &e);
	}
	sqlite3_reset(st);
	if (err != IDREG_OK) {
		return err;
	}
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "reading the history", diag);
}

static idreg_err sq_domains_linking(struct idreg_store *base, const char *object_type, int64_t id,
				    idreg_id_cb cb, void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	bool host = strcmp(object_type, "host") == 0;
	idreg_err err = stmt_get(s, host ? ST_DOMAINS_BY_HOST : ST_DOMAINS_BY_ENTITY, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = cb(ctx, sqlite3_column_int64(st, 0));
	}
	sqlite3_reset(st);
	if (err != IDREG_OK) {
		return err;
	}
	return rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "reading the domains of an object", diag);
}

/* ---- the allocation engine: pools, waiting list, assignments ---- */

/* A number on the 128-bit line as 32 hex digits, so that text order is number order. */
static void format_hex128(idreg_u128 v, char out[33])
{
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)(v >> 64), (unsigned long long)v);
}

static bool parse_hex128(const char *text, idreg_u128 *out)
{
	if (strlen(text) != 32) {
		return false;
	}
	idreg_u128 v = 0;
	for (int i = 0; i < 32; i++) {
		char c = text[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
		if (d == 16) {
			return false;
		}
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static bool column_restype(sqlite3_stmt *st, int col, enum idreg_restype *out)
{
	const char *t = column_text(st, col);
	return idreg_restype_parse(t, strlen(t), out);
}

/* Run a DELETE of the row @id; ENOTFOUND when no row went. */
static idreg_err delete_row(struct sqlite_store *s, enum stmt_id which, int64_t id,
			    const char *what, struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, which, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, id);
	err = stmt_done(s, st, what, diag);
	if (err == IDREG_OK && sqlite3_changes(s->db) == 0) {
		err = idreg_diag_set(diag, IDREG_ENOTFOUND, "%s: no such row %lld", what, (long long)id);
	}
	return err;
}

static idreg_err sq_alloc_pool_add(struct idreg_store *base, const struct idreg_alloc_pool *pool,
				   int64_t *id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = reserve_ids(s, "alloc_pool", 1, id, diag);
	sqlite3_stmt *st = NULL;
	if (err != IDREG_OK || (err = stmt_get(s, ST_ALLOC_POOL_ADD, &st, diag)) != IDREG_OK) {
		return err;
	}
	char first[33], last[33], reserve[33];
	format_hex128(pool->first, first);
	format_hex128(pool->last, last);
	format_hex128(pool->reserve, reserve);
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_text(st, 2, idreg_restype_name(pool->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, last, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, reserve, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, pool->origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, change_time(s), -1, SQLITE_STATIC);
	return stmt_done(s, st, "recording a pool", diag);
}

static idreg_err sq_alloc_pool_each(struct idreg_store *base, idreg_alloc_pool_cb cb, void *ctx,
				    struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_ALLOC_POOL_ALL, &st, diag);
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_alloc_pool pool = { .id = sqlite3_column_int64(st, 0),
						 .origin = column_text(st, 5),
						 .added_at = column_text(st, 6) };
		if (!column_restype(st, 1, &pool.type) || !parse_hex128(column_text(st, 2), &pool.first) ||
		    !parse_hex128(column_text(st, 3), &pool.last) ||
		    !parse_hex128(column_text(st, 4), &pool.reserve)) {
			err = idreg_diag_set(diag, IDREG_ESTORE, "%s: pool %lld is corrupted", s->path,
					     (long long)pool.id);
			break;
		}
		err = cb(ctx, &pool);
	}
	if (st != NULL) {
		sqlite3_reset(st);
	}
	return err != IDREG_OK || rc == SQLITE_DONE ? err : fail(s, rc, "reading pools", diag);
}

static idreg_err sq_alloc_waiting_add(struct idreg_store *base, const struct idreg_alloc_waiting *w,
				      int64_t *id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = reserve_ids(s, "alloc_waiting", 1, id, diag);
	sqlite3_stmt *st = NULL;
	if (err != IDREG_OK || (err = stmt_get(s, ST_ALLOC_WAITING_ADD, &st, diag)) != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_text(st, 2, idreg_restype_name(w->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->holder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)w->size);
	sqlite3_bind_text(st, 5, change_time(s), -1, SQLITE_STATIC);
	return stmt_done(s, st, "recording a waiting request", diag);
}

static idreg_err sq_alloc_waiting_each(struct idreg_store *base, idreg_alloc_waiting_cb cb,
				       void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_ALLOC_WAITING_ALL, &st, diag);
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_alloc_waiting w = { .id = sqlite3_column_int64(st, 0),
						 .holder = column_text(st, 2),
						 .size = (uint64_t)sqlite3_column_int64(st, 3),
						 .requested_at = column_text(st, 4) };
		if (!column_restype(st, 1, &w.type)) {
			err = idreg_diag_set(diag, IDREG_ESTORE, "%s: waiting request %lld is corrupted",
					     s->path, (long long)w.id);
			break;
		}
		err = cb(ctx, &w);
	}
	if (st != NULL) {
		sqlite3_reset(st);
	}
	return err != IDREG_OK || rc == SQLITE_DONE ? err : fail(s, rc, "reading the waiting list", diag);
}

static idreg_err sq_alloc_waiting_delete(struct idreg_store *base, int64_t id,
					 struct idreg_diag *diag)
{
	return delete_row((struct sqlite_store *)base, ST_ALLOC_WAITING_DELETE, id,
			  "removing a waiting request", diag);
}

static idreg_err sq_alloc_assignment_add(struct idreg_store *base,
					 const struct idreg_alloc_assignment *a, int64_t *id,
					 struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = reserve_ids(s, "alloc_assignment", 1, id, diag);
	sqlite3_stmt *st = NULL;
	if (err != IDREG_OK || (err = stmt_get(s, ST_ALLOC_ASSIGNMENT_ADD, &st, diag)) != IDREG_OK) {
		return err;
	}
	char first[33], last[33];
	format_hex128(a->first, first);
	format_hex128(a->last, last);
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_int64(st, 2, a->allocation_id);
	sqlite3_bind_text(st, 3, idreg_restype_name(a->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, last, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, change_time(s), -1, SQLITE_STATIC);
	return stmt_done(s, st, "recording an assignment", diag);
}

static idreg_err sq_alloc_assignment_each(struct idreg_store *base, idreg_alloc_assignment_cb cb,
					  void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_ALLOC_ASSIGNMENT_ALL, &st, diag);
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_alloc_assignment a = { .id = sqlite3_column_int64(st, 0),
						    .allocation_id = sqlite3_column_int64(st, 1),
						    .assigned_at = column_text(st, 5) };
		if (!column_restype(st, 2, &a.type) || !parse_hex128(column_text(st, 3), &a.first) ||
		    !parse_hex128(column_text(st, 4), &a.last)) {
			err = idreg_diag_set(diag, IDREG_ESTORE, "%s: assignment %lld is corrupted",
					     s->path, (long long)a.id);
			break;
		}
		err = cb(ctx, &a);
	}
	if (st != NULL) {
		sqlite3_reset(st);
	}
	return err != IDREG_OK || rc == SQLITE_DONE ? err : fail(s, rc, "reading assignments", diag);
}

static idreg_err sq_alloc_assignment_delete(struct idreg_store *base, int64_t id,
					    struct idreg_diag *diag)
{
	return delete_row((struct sqlite_store *)base, ST_ALLOC_ASSIGNMENT_DELETE, id,
			  "removing an assignment", diag);
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

/* For readers: the schema must be the one this build knows, as it is. */
static idreg_err check_schema(struct sqlite_store *s, struct idreg_diag *diag)
{
	int version;
	idreg_err err = schema_version(s, &version, diag);
	if (err == IDREG_OK && version != SCHEMA_VERSION) {
		err = idreg_diag_set(diag, IDREG_ESCHEMA,
				     "%s: schema version %d, this build reads %d; %s", s->path, version,
				     SCHEMA_VERSION,
				     version < SCHEMA_VERSION ? "run any idreg command on it to upgrade it"
							      : "upgrade idreg");
	}
	return err;
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

/* ---- registrars ---- */

static void read_registrar(sqlite3_stmt *st, struct idreg_registrar *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", column_text(st, 0));
	snprintf(r->name, sizeof(r->name), "%s", column_text(st, 1));
	snprintf(r->password_hash, sizeof(r->password_hash), "%s", column_text(st, 2));
	r->enabled = sqlite3_column_int(st, 3) != 0;
	snprintf(r->cert_sha256, sizeof(r->cert_sha256), "%s", column_text(st, 4));
	snprintf(r->allow, sizeof(r->allow), "%s", column_text(st, 5));
	snprintf(r->created_at, sizeof(r->created_at), "%s", column_text(st, 6));
	snprintf(r->changed_at, sizeof(r->changed_at), "%s", column_text(st, 7));
}

static idreg_err sq_registrar_put(struct idreg_store *base, const struct idreg_registrar *r,
				  bool create, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, create ? ST_REGISTRAR_INSERT : ST_REGISTRAR_UPDATE, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	char now[32];
	idreg_store_now(now, sizeof(now));
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, r->enabled ? 1 : 0);
	sqlite3_bind_text(st, 5, r->cert_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->allow, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		sqlite3_reset(st);
		return idreg_diag_set(diag, IDREG_EEXIST, "registrar %s already exists", r->id);
	}
	err = rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, "writing a registrar", diag);
	sqlite3_reset(st);
	if (err == IDREG_OK && !create && sqlite3_changes(s->db) == 0) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "no registrar %s", r->id);
	}
	return err;
}

static idreg_err sq_registrar_get(struct idreg_store *base, const char *id,
				  struct idreg_registrar *out, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_REGISTRAR_GET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_registrar(st, out);
	}
	err = rc == SQLITE_ROW ? IDREG_OK
	      : rc == SQLITE_DONE ? idreg_diag_set(diag, IDREG_ENOTFOUND, "no registrar %s", id)
				  : fail(s, rc, "reading a registrar", diag);
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_registrar_each(struct idreg_store *base, idreg_registrar_cb cb, void *ctx,
				   struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_REGISTRAR_ALL, &st, diag);
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_registrar r;
		read_registrar(st, &r);
		err = cb(ctx, &r);
	}
	if (err == IDREG_OK && rc != SQLITE_DONE) {
		err = fail(s, rc, "reading registrars", diag);
	}
	if (st != NULL) {
		sqlite3_reset(st);
	}
	return err;
}

/* ---- provisioning: hosts ---- */

/* The addresses of host @id, in order, into *@addrs (grown as needed). */
static idreg_err host_addresses_of(struct sqlite_store *s, int64_t id, struct idreg_ip **addrs,
				   size_t *cap, size_t *n, struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_HOST_ADDRESSES_OF, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, id);
	int rc;
	*n = 0;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (idreg_array_reserve(addrs, cap, *n, sizeof(**addrs), 4) != IDREG_OK) {
			err = idreg_diag_set(diag, IDREG_ENOMEM, "out of memory while reading a host");
			break;
		}
		const char *family = column_text(st, 0), *text = column_text(st, 1);
		enum idreg_restype type;
		struct idreg_ip *ip = &(*addrs)[*n];
		if (!idreg_restype_parse(family, strlen(family), &type) ||
		    idreg_ip_parse(text, strlen(text), ip) != IDREG_OK || ip->type != type) {
			err = idreg_diag_set(diag, IDREG_ESTORE, "%s: host %lld is corrupted", s->path,
					     (long long)id);
		}
		++*n;
	}
	if (err == IDREG_OK && rc != SQLITE_DONE) {
		err = fail(s, rc, "reading addresses of a host", diag);
	}
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_host_get(struct idreg_store *base, const char *ldh_name,
			     idreg_host_record_cb cb, void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_HOST_BY_NAME, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, ldh_name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? idreg_diag_set(diag, IDREG_ENOTFOUND, "no host %s", ldh_name)
					: fail(s, rc, "reading a host", diag);
		sqlite3_reset(st);
		return err;
	}
	struct idreg_host_record r = {
		.id = sqlite3_column_int64(st, 0),
		.host = { .ldh_name = column_text(st, 1), .unicode_name = column_text(st, 2),
			  .handle = column_text_or_null(st, 3) },
		.changed_at = column_text(st, 4),
		.sponsor = column_text_or_null(st, 5),
		.creator = column_text_or_null(st, 6),
		.updater = column_text_or_null(st, 8),
		.links = (uint64_t)sqlite3_column_int64(st, 12),
	};
	if (!column_time(st, 7, &r.created) || !column_time(st, 9, &r.updated) ||
	    !column_time(st, 10, &r.transferred) ||
	    !parse_names(column_text(st, 11), status_parse, &r.status)) {
		err = idreg_diag_set(diag, IDREG_ESTORE, "%s: host %lld is corrupted", s->path,
				     (long long)r.id);
	}
	/* The row stays current while its addresses are read by another statement. */
	struct idreg_ip *addrs = NULL;
	size_t cap = 0;
	if (err == IDREG_OK) {
		err = host_addresses_of(s, r.id, &addrs, &cap, &r.host.n_addrs, diag);
	}
	r.host.addrs = addrs;
	if (err == IDREG_OK) {
		err = cb(ctx, &r);
	}
	free(addrs);
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_host_put(struct idreg_store *base, const struct idreg_host_record *r,
			     int64_t *id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	bool create = r->id == 0;
	idreg_err err = IDREG_OK;
	*id = r->id;
	if (create && (err = reserve_ids(s, "host", 1, id, diag)) != IDREG_OK) {
		return err;
	}
	struct row_writer *w = malloc(sizeof(*w));
	if (w == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	rw_init(w, s, ST_HOST_ADDRESS_INSERT, ST_HOST_ADDRESS_INSERT_BATCH, HA_NCOL,
		"adding addresses of a host");
	sqlite3_stmt *st = NULL;
	err = stmt_get(s, create ? ST_HOST_RECORD_INSERT : ST_HOST_RECORD_UPDATE, &st, diag);
	if (err == IDREG_OK) {
		const char *texts[] = {
			r->host.ldh_name, r->host.unicode_name, r->host.handle, change_time(s),
			r->sponsor, r->creator, rw_time(w, r->created), r->updater,
			rw_time(w, r->updated), rw_time(w, r->transferred),
			rw_names(w, r->status, IDREG_DOMAIN_STATUS_COUNT, status_name),
		};
		sqlite3_bind_int64(st, 1, *id);
		for (size_t c = 0; c < sizeof(texts) / sizeof(texts[0]); c++) {
			bind_text_or_null(st, (int)c + 2, texts[c]);
		}
		int rc = sqlite3_step(st);
		err = rc == SQLITE_DONE ? IDREG_OK
		      : (rc & 0xff) == SQLITE_CONSTRAINT
			      ? idreg_diag_set(diag, IDREG_EEXIST, "host %s exists", r->host.ldh_name)
			      : fail(s, rc, "writing a host", diag);
		sqlite3_reset(st);
	}
	if (err == IDREG_OK && !create) {
		err = delete_by_id(s, ST_HOST_ADDRESS_DELETE, *id, "removing addresses of a host", diag);
	}
	if (err == IDREG_OK) {
		err = host_addresses_add(w, *id, &r->host, diag);
	}
	err = rw_finish(w, err, diag);
	free(w);
	return err == IDREG_ENOMEM ? idreg_diag_set(diag, err, "out of memory") : err;
}

/* Step @which for @name: *@found says whether it gave a row, which stays
 * current in *@row until the caller resets it (done here on an error). */
static idreg_err name_row(struct sqlite_store *s, enum stmt_id which, const char *name,
			  bool *found, sqlite3_stmt **row, struct idreg_diag *diag)
{
	idreg_err err = stmt_get(s, which, row, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(*row, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(*row);
	*found = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = fail(s, rc, "looking a name up", diag);
		sqlite3_reset(*row);
	}
	return err;
}

static idreg_err sq_name_zone(struct idreg_store *base, const char *ldh_name,
			      struct idreg_name_zone *out, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	memset(out, 0, sizeof(*out));
	idreg_err err = IDREG_OK;
	/* The name, then each ancestor: the first found is the longest. */
	for (const char *at = ldh_name; err == IDREG_OK && at != NULL && *at != '\0';) {
		sqlite3_stmt *st = NULL;
		bool found = false;
		if (out->domain_id == 0 &&
		    (err = name_row(s, ST_DOMAIN_SPONSOR_BY_NAME, at, &found, &st, diag)) == IDREG_OK) {
			if (found) {
				out->domain_id = sqlite3_column_int64(st, 0);
				snprintf(out->domain, sizeof(out->domain), "%s", at);
				snprintf(out->domain_sponsor, sizeof(out->domain_sponsor), "%s",
					 column_text(st, 1));
			}
			sqlite3_reset(st);
		}
		if (err == IDREG_OK && out->tld[0] == '\0' &&
		    (err = name_row(s, ST_TLD_BY_NAME, at, &found, &st, diag)) == IDREG_OK) {
			if (found) {
				snprintf(out->tld, sizeof(out->tld), "%s", at);
			}
			sqlite3_reset(st);
		}
		at = strchr(at, '.');
		at = at != NULL ? at + 1 : NULL;
	}
	return err;
}


/* ---- provisioning: domains ---- */

/* A copy of column @col in @arena; NULL for SQL NULL (and *@oom when it cannot be made). */
static const char *arena_column(struct idreg_arena *arena, sqlite3_stmt *st, int col, bool *oom)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		return NULL;
	}
	const char *t = column_text(st, col);
	char *copy = idreg_arena_strndup(arena, t, strlen(t));
	if (copy == NULL) {
		*oom = true;
	}
	return copy;
}

/* Step @st's rows into a growing arena array of @size-byte elements, each filled by @row. */
static idreg_err prov_rows(struct sqlite_store *s, sqlite3_stmt *st, struct idreg_arena *arena,
			   size_t size, void **out, size_t *n,
			   bool (*row)(sqlite3_stmt *st, struct idreg_arena *arena, void *elem,
				       size_t index),
			   const char *doing, struct idreg_diag *diag)
{
	size_t cap = 0;
	char *items = NULL;
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t grown = cap ? 2 * cap : 8;
			char *bigger = idreg_arena_alloc(arena, grown * size);
			if (bigger == NULL) {
				sqlite3_reset(st);
				return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory %s", doing);
			}
			if (*n > 0) {
				memcpy(bigger, items, *n * size);
			}
			items = bigger;
			cap = grown;
		}
		if (!row(st, arena, items + *n * size, *n)) {
			sqlite3_reset(st);
			return idreg_diag_set(diag, IDREG_ESTORE, "%s: a corrupted row %s", s->path, doing);
		}
		(*n)++;
	}
	idreg_err err = rc == SQLITE_DONE ? IDREG_OK : fail(s, rc, doing, diag);
	sqlite3_reset(st);
	*out = items;
	return err;
}

static bool ds_row(sqlite3_stmt *st, struct idreg_arena *arena, void *elem, size_t index)
{
	(void)index;
	bool oom = false;
	struct idreg_ds *ds = elem;
	*ds = (struct idreg_ds){ (uint16_t)sqlite3_column_int(st, 0),
				 (uint8_t)sqlite3_column_int(st, 1),
				 (uint8_t)sqlite3_column_int(st, 2), arena_column(arena, st, 3, &oom) };
	return !oom && ds->digest != NULL;
}

/* A nameserver link: host id and name. */
struct prov_ns {
	int64_t id;
	const char *name;
};

static bool ns_row(sqlite3_stmt *st, struct idreg_arena *arena, void *elem, size_t index)
{
	(void)index;
	bool oom = false;
	struct prov_ns *ns = elem;
	ns->id = sqlite3_column_int64(st, 0);
	ns->name = arena_column(arena, st, 1, &oom);
	return !oom && ns->name != NULL;
}

/* A contact link: position, entity id, handle, role. */
struct prov_link {
	int64_t position, id;
	const char *handle;
	enum idreg_role role;
};

static bool link_row(sqlite3_stmt *st, struct idreg_arena *arena, void *elem, size_t index)
{
	(void)index;
	bool oom = false;
	struct prov_link *l = elem;
	l->position = sqlite3_column_int64(st, 0);
	l->id = sqlite3_column_int64(st, 1);
	l->handle = arena_column(arena, st, 2, &oom);
	const char *role = column_text(st, 3);
	return !oom && l->handle != NULL && idreg_role_parse(role, strlen(role), &l->role);
}

static bool grace_row(sqlite3_stmt *st, struct idreg_arena *arena, void *elem, size_t index)
{
	(void)arena;
	(void)index;
	struct idreg_grace *g = elem;
	const char *period = column_text(st, 0);
	return idreg_grace_parse(period, strlen(period), &g->period) &&
	       column_time(st, 1, &g->ends) && g->ends != IDREG_TIME_NONE;
}

static bool variant_row(sqlite3_stmt *st, struct idreg_arena *arena, void *elem, size_t index)
{
	(void)index;
	bool oom = false;
	struct idreg_variant *v = elem;
	v->ldh_name = arena_column(arena, st, 0, &oom);
	v->unicode_name = arena_column(arena, st, 1, &oom);
	const char *state = column_text(st, 2);
	return !oom && v->ldh_name != NULL && v->unicode_name != NULL &&
	       idreg_variant_state_parse(state, strlen(state), &v->state);
}

/* The child rows of statement @id for domain @domain_id. */
static idreg_err prov_children(struct sqlite_store *s, enum stmt_id id, int64_t domain_id,
			       struct idreg_arena *arena, size_t size, void **out, size_t *n,
			       bool (*row)(sqlite3_stmt *, struct idreg_arena *, void *, size_t),
			       const char *doing, struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, id, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, domain_id);
	return prov_rows(s, st, arena, size, out, n, row, doing, diag);
}

/* Nameserver and contact links of @out->id into @out. */
static idreg_err prov_links(struct sqlite_store *s, struct idreg_arena *arena,
			    struct idreg_prov_domain *out, struct idreg_diag *diag)
{
	struct prov_ns *ns = NULL;
	size_t n_ns = 0;
	idreg_err err = prov_children(s, ST_PROV_DOMAIN_HOSTS, out->id, arena, sizeof(*ns),
				      (void **)&ns, &n_ns, ns_row, "reading a domain's nameservers",
				      diag);
	struct prov_link *links = NULL;
	size_t n_links = 0;
	if (err == IDREG_OK) {
		err = prov_children(s, ST_PROV_DOMAIN_ENTITIES, out->id, arena, sizeof(*links),
				    (void **)&links, &n_links, link_row,
				    "reading a domain's contacts", diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	const char **names = idreg_arena_calloc(arena, n_ns + 1, sizeof(*names));
	int64_t *host_ids = idreg_arena_calloc(arena, n_ns + 1, sizeof(*host_ids));
	struct idreg_domain_contact *contacts = idreg_arena_calloc(arena, n_links + 1,
								   sizeof(*contacts));
	int64_t *entity_ids = idreg_arena_calloc(arena, n_links + 1, sizeof(*entity_ids));
	if (names == NULL || host_ids == NULL || contacts == NULL || entity_ids == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory reading a domain");
	}
	for (size_t i = 0; i < n_ns; i++) {
		names[i] = ns[i].name;
		host_ids[i] = ns[i].id;
	}
	size_t n = 0;
	for (size_t i = 0; i < n_links; i++) {
		if (i == 0 || links[i].position != links[i - 1].position) {
			contacts[n] = (struct idreg_domain_contact){ links[i].handle, 0 };
			entity_ids[n++] = links[i].id;
		}
		contacts[n - 1].roles |= 1u << links[i].role;
	}
	out->domain.nameservers = names;
	out->domain.n_ns = n_ns;
	out->host_ids = host_ids;
	out->domain.contacts = contacts;
	out->domain.n_contacts = n;
	out->entity_ids = entity_ids;
	return IDREG_OK;
}

static idreg_err sq_prov_domain_get(struct idreg_store *base, const char *ldh_name,
				    struct idreg_arena *arena, struct idreg_prov_domain *out,
				    struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_PROV_DOMAIN_GET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, ldh_name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE
			      ? idreg_diag_set(diag, IDREG_ENOTFOUND, "no domain %s", ldh_name)
			      : fail(s, rc, "reading a domain", diag);
		sqlite3_reset(st);
		return err;
	}
	memset(out, 0, sizeof(*out));
	struct idreg_domain *d = &out->domain;
	bool oom = false;
	out->id = sqlite3_column_int64(st, 0);
	d->ldh_name = arena_column(arena, st, 1, &oom);
	d->unicode_name = arena_column(arena, st, 2, &oom);
	d->handle = arena_column(arena, st, 3, &oom);
	out->index_key = arena_column(arena, st, 9, &oom);
	out->skeleton_key = arena_column(arena, st, 10, &oom);
	out->sponsor = arena_column(arena, st, 11, &oom);
	out->creator = arena_column(arena, st, 12, &oom);
	out->updater = arena_column(arena, st, 13, &oom);
	out->auth_info = arena_column(arena, st, 15, &oom);
	out->idn_table = arena_column(arena, st, 16, &oom);
	bool ok = parse_names(column_text(st, 4), status_parse, &d->status) &&
		  column_time(st, 5, &d->registered) && column_time(st, 6, &d->expires) &&
		  column_time(st, 7, &d->last_changed) && column_time(st, 14, &out->transferred) &&
		  d->ldh_name != NULL && d->unicode_name != NULL;
	sqlite3_reset(st);
	if (oom) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory reading domain %s", ldh_name);
	}
	if (!ok) {
		return idreg_diag_set(diag, IDREG_ESTORE, "%s: domain %s is corrupted", s->path,
				      ldh_name);
	}
	err = prov_children(s, ST_PROV_DOMAIN_DS, out->id, arena, sizeof(struct idreg_ds),
			    (void **)&d->ds, &d->n_ds, ds_row, "reading a domain's DS records", diag);
	if (err == IDREG_OK) {
		err = prov_links(s, arena, out, diag);
	}
	if (err == IDREG_OK) {
		err = prov_children(s, ST_PROV_DOMAIN_GRACE, out->id, arena,
				    sizeof(struct idreg_grace), (void **)&out->grace, &out->n_grace,
				    grace_row, "reading a domain's grace periods", diag);
	}
	if (err == IDREG_OK) {
		err = prov_children(s, ST_PROV_DOMAIN_VARIANTS, out->id, arena,
				    sizeof(struct idreg_variant), (void **)&out->variants,
				    &out->n_variants, variant_row, "reading a domain's variants", diag);
	}
	return err;
}

/* The provisioning columns, grace rows and variant rows of @d (its id set). */
static idreg_err prov_domain_write(struct sqlite_store *s, const struct idreg_prov_domain *d,
				   struct idreg_diag *diag)
{
	char transferred[IDREG_TIME_TEXT_MAX] = "";
	if (d->transferred != IDREG_TIME_NONE) {
		idreg_time_format(d->transferred, transferred);
	}
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_PROV_DOMAIN_SET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_int64(st, 1, d->id);
	bind_text_or_null(st, 2, d->sponsor);
	bind_text_or_null(st, 3, d->creator);
	bind_text_or_null(st, 4, d->updater);
	bind_text_or_null(st, 5, d->transferred == IDREG_TIME_NONE ? NULL : transferred);
	bind_text_or_null(st, 6, d->auth_info);
	bind_text_or_null(st, 7, d->idn_table);
	err = stmt_done(s, st, "writing a domain's sponsor", diag);
	if (err == IDREG_OK) {
		err = delete_by_id(s, ST_PROV_GRACE_DELETE, d->id, "removing grace periods", diag);
	}
	if (err == IDREG_OK) {
		err = delete_by_id(s, ST_PROV_VARIANT_DELETE, d->id, "removing variants", diag);
	}
	for (size_t i = 0; err == IDREG_OK && i < d->n_grace; i++) {
		char ends[IDREG_TIME_TEXT_MAX];
		idreg_time_format(d->grace[i].ends, ends);
		err = stmt_get(s, ST_PROV_GRACE_INSERT, &st, diag);
		if (err == IDREG_OK) {
			sqlite3_bind_int64(st, 1, d->id);
			sqlite3_bind_text(st, 2, idreg_grace_name(d->grace[i].period), -1,
					  SQLITE_STATIC);
			sqlite3_bind_text(st, 3, ends, -1, SQLITE_STATIC);
			err = stmt_done(s, st, "adding a grace period", diag);
		}
	}
	for (size_t i = 0; err == IDREG_OK && i < d->n_variants; i++) {
		const struct idreg_variant *v = &d->variants[i];
		err = stmt_get(s, ST_PROV_VARIANT_INSERT, &st, diag);
		if (err != IDREG_OK) {
			break;
		}
		sqlite3_bind_text(st, 1, v->ldh_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, v->unicode_name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, d->id);
		sqlite3_bind_text(st, 4, idreg_variant_state_name(v->state), -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		err = rc == SQLITE_DONE ? IDREG_OK
		      : (rc & 0xff) == SQLITE_CONSTRAINT
			      ? idreg_diag_set(diag, IDREG_EEXIST, "%s is a variant of another domain",
					       v->ldh_name)
			      : fail(s, rc, "adding a variant", diag);
		sqlite3_reset(st);
	}
	return err;
}

static struct idreg_domain_row prov_row(const struct idreg_prov_domain *d)
{
	return (struct idreg_domain_row){ &d->domain, d->host_ids, d->entity_ids, d->index_key,
					  d->skeleton_key };
}

static idreg_err sq_prov_domain_insert(struct idreg_store *base, const struct idreg_prov_domain *d,
				       int64_t *id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct idreg_domain_row row = prov_row(d);
	idreg_err err = sq_domain_insert(base, &row, 1, id, diag);
	if (err == IDREG_ESTORE && sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE) {
		return idreg_diag_set(diag, IDREG_EEXIST, "domain %s exists", d->domain.ldh_name);
	}
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_prov_domain with_id = *d;
	with_id.id = *id;
	return prov_domain_write(s, &with_id, diag);
}

static idreg_err sq_prov_domain_update(struct idreg_store *base, const struct idreg_prov_domain *d,
				       struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct idreg_domain_row row = prov_row(d);
	idreg_err err = sq_domain_update(base, d->id, &row, diag);
	return err == IDREG_OK ? prov_domain_write(s, d, diag) : err;
}

static idreg_err sq_prov_variant_get(struct idreg_store *base, const char *ldh_name,
				     struct idreg_arena *arena, struct idreg_variant_of *out,
				     struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_PROV_VARIANT_GET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, ldh_name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		bool oom = false;
		out->domain_id = sqlite3_column_int64(st, 0);
		out->domain_ldh_name = arena_column(arena, st, 1, &oom);
		out->domain_unicode_name = arena_column(arena, st, 2, &oom);
		out->domain_sponsor = arena_column(arena, st, 3, &oom);
		const char *state = column_text(st, 4);
		out->registrant = arena_column(arena, st, 5, &oom);
		err = oom ? idreg_diag_set(diag, IDREG_ENOMEM, "out of memory reading a variant")
		      : !idreg_variant_state_parse(state, strlen(state), &out->state) ||
				out->domain_ldh_name == NULL
			      ? idreg_diag_set(diag, IDREG_ESTORE, "%s: variant %s is corrupted",
					       s->path, ldh_name)
			      : IDREG_OK;
	} else {
		err = rc == SQLITE_DONE
			      ? idreg_diag_set(diag, IDREG_ENOTFOUND, "%s is no variant", ldh_name)
			      : fail(s, rc, "reading a variant", diag);
	}
	sqlite3_reset(st);
	return err;
}

/* The id of the one row statement @id finds by @key. */
static idreg_err prov_id(struct sqlite_store *s, enum stmt_id id, const char *what,
			 const char *key, int64_t *out, struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, id, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		err = IDREG_OK;
	} else {
		err = rc == SQLITE_DONE ? idreg_diag_set(diag, IDREG_ENOTFOUND, "no %s %s", what, key)
					: fail(s, rc, "reading an id", diag);
	}
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_prov_host_id(struct idreg_store *base, const char *ldh_name, int64_t *id,
				 struct idreg_diag *diag)
{
	return prov_id((struct sqlite_store *)base, ST_PROV_HOST_ID, "host", ldh_name, id, diag);
}

static idreg_err sq_prov_entity_id(struct idreg_store *base, const char *handle, int64_t *id,
				   struct idreg_diag *diag)
{
	return prov_id((struct sqlite_store *)base, ST_PROV_ENTITY_ID, "contact", handle, id, diag);
}

static idreg_err sq_prov_subordinate_each(struct idreg_store *base, const char *ldh_name,
					  idreg_name_cb cb, void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_PROV_SUBORDINATES, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, ldh_name, -1, SQLITE_STATIC);
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = cb(ctx, column_text(st, 0));
	}
	if (err == IDREG_OK && rc != SQLITE_DONE) {
		err = fail(s, rc, "reading subordinate hosts", diag);
	}
	sqlite3_reset(st);
	return err;
}

/* ---- provisioning: TLDs ---- */

static idreg_err read_tld(sqlite3_stmt *st, struct idreg_arena *arena, struct idreg_tld *out)
{
	bool oom = false;
	out->id = sqlite3_column_int64(st, 0);
	out->name = arena_column(arena, st, 1, &oom);
	out->unicode_name = arena_column(arena, st, 2, &oom);
	out->min_years = sqlite3_column_int(st, 3);
	out->max_years = sqlite3_column_int(st, 4);
	out->default_years = sqlite3_column_int(st, 5);
	for (int p = 0; p < IDREG_TLD_PERIOD_COUNT; p++) {
		out->periods[p] = sqlite3_column_int64(st, 6 + p);
	}
	out->idn_tables = arena_column(arena, st, 13, &oom);
	out->created_at = arena_column(arena, st, 14, &oom);
	out->changed_at = arena_column(arena, st, 15, &oom);
	return oom ? IDREG_ENOMEM : IDREG_OK;
}

static idreg_err sq_tld_put(struct idreg_store *base, struct idreg_tld *tld, bool create,
			    struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, create ? ST_TLD_INSERT : ST_TLD_UPDATE, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	const char *now = change_time(s);
	sqlite3_bind_text(st, 1, tld->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, tld->unicode_name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, tld->min_years);
	sqlite3_bind_int(st, 4, tld->max_years);
	sqlite3_bind_int(st, 5, tld->default_years);
	for (int p = 0; p < IDREG_TLD_PERIOD_COUNT; p++) {
		sqlite3_bind_int64(st, 6 + p, tld->periods[p]);
	}
	sqlite3_bind_text(st, 13, tld->idn_tables, -1, SQLITE_STATIC);
	if (create) {
		sqlite3_bind_text(st, 14, now, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 15, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	err = rc == SQLITE_DONE ? IDREG_OK
	      : rc == SQLITE_CONSTRAINT_UNIQUE
		      ? idreg_diag_set(diag, IDREG_EEXIST, "TLD %s is served already", tld->name)
		      : fail(s, rc, "writing a TLD", diag);
	sqlite3_reset(st);
	if (err == IDREG_OK && !create && sqlite3_changes(s->db) == 0) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "TLD %s is not served here", tld->name);
	}
	if (err == IDREG_OK && create) {
		tld->id = sqlite3_last_insert_rowid(s->db);
	}
	return err;
}

static idreg_err sq_tld_get(struct idreg_store *base, const char *name, struct idreg_arena *arena,
			    struct idreg_tld *out, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_TLD_GET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		err = read_tld(st, arena, out) == IDREG_OK
			      ? IDREG_OK
			      : idreg_diag_set(diag, IDREG_ENOMEM, "out of memory reading a TLD");
	} else {
		err = rc == SQLITE_DONE
			      ? idreg_diag_set(diag, IDREG_ENOTFOUND, "TLD %s is not served here", name)
			      : fail(s, rc, "reading a TLD", diag);
	}
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_tld_each(struct idreg_store *base, idreg_tld_cb cb, void *ctx,
			     struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_TLD_ALL, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_arena arena;
	idreg_arena_init(&arena, 1024, 0);
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_tld tld;
		idreg_arena_reset(&arena);
		err = read_tld(st, &arena, &tld) == IDREG_OK
			      ? cb(ctx, &tld)
			      : idreg_diag_set(diag, IDREG_ENOMEM, "out of memory reading TLDs");
	}
	if (err == IDREG_OK && rc != SQLITE_DONE) {
		err = fail(s, rc, "reading TLDs", diag);
	}
	sqlite3_reset(st);
	idreg_arena_free(&arena);
	return err;
}

static idreg_err sq_tld_reserve(struct idreg_store *base, const struct idreg_tld_reserved *r,
				struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_TLD_RESERVE, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, r->tld, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->reason, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	err = rc == SQLITE_DONE ? IDREG_OK
	      : rc == SQLITE_CONSTRAINT_PRIMARYKEY
		      ? idreg_diag_set(diag, IDREG_EEXIST, "%s.%s is reserved already", r->label,
				       r->tld)
		      : fail(s, rc, "reserving a label", diag);
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_tld_unreserve(struct idreg_store *base, const char *tld, const char *label,
				  struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_TLD_UNRESERVE, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, tld, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	err = stmt_done(s, st, "unreserving a label", diag);
	if (err == IDREG_OK && sqlite3_changes(s->db) == 0) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "%s.%s is not reserved", label, tld);
	}
	return err;
}

static idreg_err sq_tld_reserved_get(struct idreg_store *base, const char *tld, const char *label,
				     struct idreg_arena *arena, const char **reason,
				     struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_TLD_RESERVED_GET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, tld, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		bool oom = false;
		*reason = arena_column(arena, st, 0, &oom);
		err = oom ? idreg_diag_set(diag, IDREG_ENOMEM, "out of memory") : IDREG_OK;
	} else {
		err = rc == SQLITE_DONE
			      ? idreg_diag_set(diag, IDREG_ENOTFOUND, "%s.%s is not reserved", label, tld)
			      : fail(s, rc, "reading a reserved label", diag);
	}
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_tld_reserved_each(struct idreg_store *base, const char *tld,
				      idreg_tld_reserved_cb cb, void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_TLD_RESERVED_ALL, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, tld, -1, SQLITE_STATIC);
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct idreg_tld_reserved r = { column_text(st, 0), column_text(st, 1),
						column_text(st, 2) };
		err = cb(ctx, &r);
	}
	if (err == IDREG_OK && rc != SQLITE_DONE) {
		err = fail(s, rc, "reading reserved labels", diag);
	}
	sqlite3_reset(st);
	return err;
}

/* ---- provisioning: domain update and delete ---- */

static idreg_err sq_prov_domain_delete(struct idreg_store *base, int64_t id,
				       struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	idreg_err err = delete_by_id(s, ST_PROV_GRACE_DELETE, id, "removing grace periods", diag);
	if (err == IDREG_OK) {
		err = delete_by_id(s, ST_PROV_VARIANT_DELETE, id, "removing variants", diag);
	}
	if (err == IDREG_OK) {
		err = delete_by_id(s, ST_UPD_TRANSFER_DELETE, id, "removing a transfer", diag);
	}
	if (err == IDREG_OK) {
		err = sq_domain_delete(base, id, diag);
	}
	if (err == IDREG_OK && sqlite3_changes(s->db) == 0) {
		err = idreg_diag_set(diag, IDREG_ENOTFOUND, "no domain of id %lld", (long long)id);
	}
	return err;
}

static idreg_err sq_prov_subordinate_links(struct idreg_store *base, const char *ldh_name,
					   int64_t domain_id, idreg_host_links_cb cb, void *ctx,
					   struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_UPD_SUBORDINATE_LINKS, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, ldh_name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, domain_id);
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = cb(ctx, column_text(st, 0), (uint64_t)sqlite3_column_int64(st, 1));
	}
	if (err == IDREG_OK && rc != SQLITE_DONE) {
		err = fail(s, rc, "reading the links of subordinate hosts", diag);
	}
	sqlite3_reset(st);
	return err;
}

/* ---- provisioning: contacts ---- */

static idreg_err sq_contact_get(struct idreg_store *base, const char *handle, idreg_contact_cb cb,
				void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_CONTACT_GET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? idreg_diag_set(diag, IDREG_ENOTFOUND, "no contact %s", handle)
					: fail(s, rc, "reading a contact", diag);
		sqlite3_reset(st);
		return err;
	}
	struct idreg_stored_entity e;
	struct idreg_stored_contact row = { 0 };
	bool ok = read_entity(st, &e);
	row.id = e.id;
	row.changed_at = e.changed_at;
	row.contact.entity = e.entity;
	const char **texts[] = { &row.contact.sponsor, &row.contact.creator, &row.contact.created,
				 &row.contact.updater, &row.contact.updated,
				 &row.contact.transferred, &row.contact.auth_info };
	for (int i = 0; i < (int)(sizeof(texts) / sizeof(texts[0])); i++) {
		*texts[i] = column_text_or_null(st, ENTITY_NCOL + i);
	}
	row.contact.status = column_text(st, ENTITY_NCOL + 7);
	row.contact.postal_int = column_text_or_null(st, ENTITY_NCOL + 8);
	const char *withheld = column_text_or_null(st, ENTITY_NCOL + 9);
	row.contact.withheld = e.entity.personal;
	ok = ok && (withheld == NULL || parse_names(withheld, field_parse, &row.contact.withheld));
	row.linked_domains = (uint64_t)sqlite3_column_int64(st, ENTITY_NCOL + 10);
	err = ok ? cb(ctx, &row)
		 : idreg_diag_set(diag, IDREG_ESTORE, "%s: contact %s is corrupted", s->path, handle);
	sqlite3_reset(st);
	return err;
}

/* The provisioning columns of entity @id. */
static idreg_err contact_set(struct sqlite_store *s, int64_t id, const struct idreg_contact *c,
			     struct idreg_diag *diag)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 512, 0);
	const char *withheld = names_text(&arena, c->withheld, IDREG_ENTITY_FIELD_COUNT, field_name);
	sqlite3_stmt *st = NULL;
	idreg_err err = withheld == NULL ? idreg_diag_set(diag, IDREG_ENOMEM, "out of memory")
					 : stmt_get(s, ST_CONTACT_SET, &st, diag);
	if (err == IDREG_OK) {
		const char *texts[] = { c->sponsor, c->creator, c->created, c->updater, c->updated,
					c->transferred, c->auth_info, c->status, c->postal_int,
					withheld };
		sqlite3_bind_int64(st, 1, id);
		for (int i = 0; i < (int)(sizeof(texts) / sizeof(texts[0])); i++) {
			bind_text_or_null(st, 2 + i, texts[i]);
		}
		err = stmt_done(s, st, "writing a contact", diag);
	}
	idreg_arena_free(&arena);
	return err;
}

static idreg_err sq_contact_insert(struct idreg_store *base, const struct idreg_contact *c,
				   int64_t *id, struct idreg_diag *diag)
{
	const struct idreg_entity *one = &c->entity;
	idreg_err err = sq_entity_insert(base, &one, 1, id, diag);
	return err != IDREG_OK ? err : contact_set((struct sqlite_store *)base, *id, c, diag);
}

static idreg_err sq_contact_update(struct idreg_store *base, int64_t id,
				   const struct idreg_contact *c, struct idreg_diag *diag)
{
	idreg_err err = sq_entity_update(base, id, &c->entity, diag);
	return err != IDREG_OK ? err : contact_set((struct sqlite_store *)base, id, c, diag);
}

/* ---- provisioning: poll messages, transfers, the registry's clock ---- */

static idreg_err sq_poll_add(struct idreg_store *base, const char *registrar, const char *message,
			     const char *resdata, int64_t *id, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_POLL_ADD, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, registrar, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, change_time(s), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, message, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, resdata != NULL ? resdata : "", -1, SQLITE_STATIC);
	err = stmt_done(s, st, "queuing a poll message", diag);
	*id = err == IDREG_OK ? sqlite3_last_insert_rowid(s->db) : 0;
	return err;
}

static idreg_err sq_poll_front(struct idreg_store *base, const char *registrar, idreg_poll_cb cb,
			       void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_POLL_FRONT, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, registrar, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const struct idreg_poll_message m = {
			.id = sqlite3_column_int64(st, 0),
			.queued_at = column_text(st, 1),
			.message = column_text(st, 2),
			.resdata = column_text(st, 3),
			.count = (uint64_t)sqlite3_column_int64(st, 4),
		};
		err = cb(ctx, &m);
	} else if (rc != SQLITE_DONE) {
		err = fail(s, rc, "reading the poll queue", diag);
	}
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_poll_ack(struct idreg_store *base, const char *registrar, int64_t id,
			     struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_POLL_ACK, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, registrar, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, change_time(s), -1, SQLITE_STATIC);
	err = stmt_done(s, st, "acknowledging a poll message", diag);
	if (err == IDREG_OK && sqlite3_changes(s->db) == 0) {
		err = idreg_diag_set(diag, IDREG_ENOTFOUND, "no message %lld waiting for %s",
				     (long long)id, registrar);
	}
	return err;
}

static const char *const transfer_object_table[] = { "domain", "entity" };

static void bind_time_or_null(sqlite3_stmt *st, int col, int64_t t, char text[IDREG_TIME_TEXT_MAX])
{
	if (t == IDREG_TIME_NONE) {
		sqlite3_bind_null(st, col);
	} else {
		idreg_time_format(t, text);
		sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
	}
}

static idreg_err sq_transfer_get(struct idreg_store *base, enum idreg_transfer_object object,
				 int64_t id, struct idreg_transfer *out, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_TRANSFER_GET, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, transfer_object_table[object], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		snprintf(out->status, sizeof(out->status), "%s", column_text(st, 0));
		snprintf(out->gaining, sizeof(out->gaining), "%s", column_text(st, 1));
		snprintf(out->losing, sizeof(out->losing), "%s", column_text(st, 2));
		out->years = (int)sqlite3_column_int(st, 5);
		if (!column_time(st, 3, &out->requested) || !column_time(st, 4, &out->action_due) ||
		    !column_time(st, 6, &out->expires_after)) {
			err = idreg_diag_set(diag, IDREG_ESTORE, "%s: the transfer of %s %lld is corrupted",
					     s->path, transfer_object_table[object], (long long)id);
		}
	} else if (rc == SQLITE_DONE) {
		err = idreg_diag_set(diag, IDREG_ENOTFOUND, "no transfer of %s %lld",
				     transfer_object_table[object], (long long)id);
	} else {
		err = fail(s, rc, "reading a transfer", diag);
	}
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_transfer_put(struct idreg_store *base, enum idreg_transfer_object object,
				 int64_t id, const struct idreg_transfer *t, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, ST_TRANSFER_PUT, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	char requested[IDREG_TIME_TEXT_MAX], due[IDREG_TIME_TEXT_MAX], after[IDREG_TIME_TEXT_MAX];
	sqlite3_bind_text(st, 1, transfer_object_table[object], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, t->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->gaining, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, t->losing, -1, SQLITE_STATIC);
	bind_time_or_null(st, 6, t->requested, requested);
	bind_time_or_null(st, 7, t->action_due, due);
	if (t->years > 0) {
		sqlite3_bind_int(st, 8, t->years);
	}
	bind_time_or_null(st, 9, t->expires_after, after);
	return stmt_done(s, st, "recording a transfer", diag);
}

static idreg_err due_rows(struct sqlite_store *s, enum stmt_id which, const char *now, size_t max,
			  struct idreg_due *due, idreg_due_cb cb, void *ctx, struct idreg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	idreg_err err = stmt_get(s, which, &st, diag);
	if (err != IDREG_OK) {
		return err;
	}
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	int rc = SQLITE_DONE;
	while (err == IDREG_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (which == ST_DUE_TRANSFERS) {
			due->object = strcmp(column_text(st, 0), "domain") == 0 ? IDREG_TRANSFER_DOMAIN
										: IDREG_TRANSFER_CONTACT;
			due->name = column_text(st, 1);
		} else if (which == ST_DUE_GRACE) {
			due->period = column_text(st, 0);
			due->name = column_text(st, 1);
		} else {
			due->name = column_text(st, 0);
		}
		err = cb(ctx, due);
	}
	if (err == IDREG_OK && rc != SQLITE_DONE) {
		err = fail(s, rc, "reading what the clock has to do", diag);
	}
	sqlite3_reset(st);
	return err;
}

static idreg_err sq_clock_due(struct idreg_store *base, int64_t now, size_t max, idreg_due_cb cb,
			      void *ctx, struct idreg_diag *diag)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char at[IDREG_TIME_TEXT_MAX];
	idreg_time_format(now, at);
	struct idreg_due due = { .kind = IDREG_DUE_TRANSFER, .object = IDREG_TRANSFER_DOMAIN };
	idreg_err err = due_rows(s, ST_DUE_TRANSFERS, at, max, &due, cb, ctx, diag);
	if (err == IDREG_OK) {
		due = (struct idreg_due){ .kind = IDREG_DUE_GRACE, .object = IDREG_TRANSFER_DOMAIN };
		err = due_rows(s, ST_DUE_GRACE, at, max, &due, cb, ctx, diag);
	}
	if (err == IDREG_OK) {
		due = (struct idreg_due){ .kind = IDREG_DUE_EXPIRED, .object = IDREG_TRANSFER_DOMAIN };
		err = due_rows(s, ST_DUE_EXPIRED, at, max, &due, cb, ctx, diag);
	}
	return err;
}

static const struct idreg_store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.begin_read = sq_begin_read,
	.savepoint = sq_savepoint,
	.savepoint_release = sq_savepoint_release,
	.savepoint_rollback = sq_savepoint_rollback,
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
	.eir_observe = sq_eir_observe,
	.eir_tac_replace = sq_eir_tac_replace,
	.eir_list_write = sq_eir_list_write,
	.eir_import_put = sq_eir_import_put,
	.eir_import_each = sq_eir_import_each,
	.eir_observation_each = sq_eir_observation_each,
	.eir_observation_month = sq_eir_observation_month,
	.eir_segment_put = sq_eir_segment_put,
	.eir_segment_each = sq_eir_segment_each,
	.eir_segment_read = sq_eir_segment_read,
	.eir_tac_each = sq_eir_tac_each,
	.eir_list_each = sq_eir_list_each,
	.eir_class_put = sq_eir_class_put,
	.eir_class_each = sq_eir_class_each,
	.eir_class_run_add = sq_eir_class_run_add,
	.eir_class_run_each = sq_eir_class_run_each,
	.domain_each = sq_domain_each,
	.domain_insert = sq_domain_insert,
	.domain_update = sq_domain_update,
	.domain_delete = sq_domain_delete,
	.host_each = sq_host_each,
	.host_insert = sq_host_insert,
	.host_update = sq_host_update,
	.host_delete = sq_host_delete,
	.entity_each = sq_entity_each,
	.entity_insert = sq_entity_insert,
	.entity_update = sq_entity_update,
	.entity_delete = sq_entity_delete,
	.domain_counts = sq_domain_counts,
	.domain_find_key = sq_domain_find_key,
	.domain_set_keys = sq_domain_set_keys,
	.alloc_pool_add = sq_alloc_pool_add,
	.alloc_pool_each = sq_alloc_pool_each,
	.alloc_waiting_add = sq_alloc_waiting_add,
	.alloc_waiting_each = sq_alloc_waiting_each,
	.alloc_waiting_delete = sq_alloc_waiting_delete,
	.alloc_assignment_add = sq_alloc_assignment_add,
	.alloc_assignment_each = sq_alloc_assignment_each,
	.alloc_assignment_delete = sq_alloc_assignment_delete,
	.registrar_put = sq_registrar_put,
	.registrar_get = sq_registrar_get,
	.registrar_each = sq_registrar_each,
	.change_set_last = sq_change_set_last,
	.changes_since = sq_changes_since,
	.domain_range = domain_rows,
	.host_range = host_rows,
	.entity_range = entity_rows,
	.domains_linking = sq_domains_linking,
	.prov_domain_get = sq_prov_domain_get,
	.prov_domain_insert = sq_prov_domain_insert,
	.prov_domain_update = sq_prov_domain_update,
	.prov_variant_get = sq_prov_variant_get,
	.prov_host_id = sq_prov_host_id,
	.prov_entity_id = sq_prov_entity_id,
	.prov_subordinate_each = sq_prov_subordinate_each,
	.tld_put = sq_tld_put,
	.tld_get = sq_tld_get,
	.tld_each = sq_tld_each,
	.tld_reserve = sq_tld_reserve,
	.tld_unreserve = sq_tld_unreserve,
	.tld_reserved_get = sq_tld_reserved_get,
	.tld_reserved_each = sq_tld_reserved_each,
	.prov_domain_delete = sq_prov_domain_delete,
	.prov_subordinate_links = sq_prov_subordinate_links,
	.host_get = sq_host_get,
	.host_put = sq_host_put,
	.name_zone = sq_name_zone,
	.contact_get = sq_contact_get,
	.contact_insert = sq_contact_insert,
	.contact_update = sq_contact_update,
	.poll_add = sq_poll_add,
	.poll_front = sq_poll_front,
	.poll_ack = sq_poll_ack,
	.transfer_get = sq_transfer_get,
	.transfer_put = sq_transfer_put,
	.clock_due = sq_clock_due,
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

	int flags = (opts->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    SQLITE_OPEN_NOMUTEX | (opts->create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(opts->path, &s->db, flags, NULL);
	idreg_err err;
	if (rc != SQLITE_OK) {
		err = fail(s, rc, "opening", diag);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, (int)opts->busy_timeout_ms);
	/* Durable commits: in WAL mode, synchronous = FULL syncs the WAL at every
	 * COMMIT, so that a commit that returned survives a power loss; NORMAL
	 * (SQLite's usual WAL choice) syncs only at checkpoints and may lose the
	 * last commits, which would break "acknowledged means kept". */
	err = exec_sql(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
			  "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
		       "configuring", diag);
	if (err == IDREG_OK) {
		err = opts->no_migrate ? check_schema(s, diag) : migrate(s, opts->create, diag);
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
