/*
 * What RDAP and WHOIS cost to show a commit at once (docs/benchmarks.md):
 * loading the snapshot whole (idreg_snapshot_load, what a reload per commit
 * would cost) side by side with refreshing it after one commit
 * (idreg_snapshot_refresh: the changed objects read again and laid over
 * the base), in one run on the same registry.
 *
 * usage: bench_refresh DB [RUNS [COMMITS]]
 *   DB       a registry with domains (e.g. bench/gen_domains, imported);
 *            it is written to: COMMITS entities get a new email
 *   RUNS     whole loads timed; the median is reported (default 3)
 *   COMMITS  commits made one after the other, each an entity update with
 *            its change set and history line as an EPP contact update
 *            writes them, each followed by a refresh (default 1000); the
 *            entities are contacts of at most two domains, spread over the
 *            registry, each changed once
 *
 * Prints the whole load's median, the refresh after the first commit and
 * the refresh when 10, 100 and COMMITS commits lie over the base (each the
 * median of the refreshes around that count), and their ratio, by wall
 * time and by the thread's CPU time.  Then one more commit changes the
 * contact named by the most domains: its refresh reads all of them again
 * (a domain shows its contacts), and is timed on its own.  A checksum of what the lookups after
 * each refresh found keeps the work from being optimised away and shows the
 * refreshed snapshot answers with each commit's email.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query/snapshot.h"

struct clock_pair {
	double wall, cpu;
};

static struct clock_pair now(void)
{
	struct timespec w, c;
	clock_gettime(CLOCK_MONOTONIC, &w);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
	return (struct clock_pair){ (double)w.tv_sec + (double)w.tv_nsec * 1e-9,
				    (double)c.tv_sec + (double)c.tv_nsec * 1e-9 };
}

static int double_order(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), double_order);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, const struct idreg_diag *diag)
{
	fprintf(stderr, "bench_refresh: %s: %s\n", what, diag->text);
	exit(1);
}

/* One entity, copied out of the store's callback. */
struct entity_copy {
	struct idreg_entity e;
	char text[IDREG_ENTITY_FIELD_COUNT][512];
	char handle[128];
	bool found;
};

static idreg_err copy_entity(void *ctx, const struct idreg_stored_entity *row)
{
	struct entity_copy *c = ctx;
	c->e = row->entity;
	snprintf(c->handle, sizeof(c->handle), "%s", row->entity.handle);
	c->e.handle = c->handle;
	for (int f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		if (row->entity.fields[f] != NULL) {
			snprintf(c->text[f], sizeof(c->text[f]), "%s", row->entity.fields[f]);
			c->e.fields[f] = c->text[f];
		}
	}
	c->found = true;
	return IDREG_OK;
}

/* Commit @n: entity @id gets the email "commit-N@bench.example", as one change set. */
static void commit_update(struct idreg_store *s, int64_t id, unsigned n, struct entity_copy *c)
{
	struct idreg_diag diag = { "" };
	char at[32], email[64];
	idreg_store_now(at, sizeof(at));
	snprintf(email, sizeof(email), "commit-%u@bench.example", n);
	c->found = false;
	int64_t cs;
	idreg_err err = s->ops->begin(s, &diag);
	if (err == IDREG_OK) {
		err = s->ops->entity_range(s, id, id, copy_entity, c, &diag);
	}
	if (err == IDREG_OK && !c->found) {
		err = idreg_diag_set(&diag, IDREG_ENOTFOUND, "no entity %" PRId64, id);
	}
	if (err == IDREG_OK) {
		err = s->ops->change_set_add(s, at, "bench_refresh", "BENCH-SV", NULL, &cs, &diag);
	}
	if (err == IDREG_OK) {
		c->e.fields[IDREG_EF_EMAIL] = email;
		err = s->ops->entity_update(s, id, &c->e, &diag);
	}
	if (err == IDREG_OK) {
		const struct idreg_history_entry h = { .change_set = cs, .object_type = "entity",
						       .first_id = id, .last_id = id,
						       .change = IDREG_CHANGE_UPDATE, .before = "{}",
						       .after = "{}" };
		err = s->ops->history_add(s, &h, &diag);
	}
	if (err == IDREG_OK) {
		err = s->ops->commit(s, &diag);
	} else {
		s->ops->rollback(s);
	}
	if (err != IDREG_OK) {
		die("writing a commit", &diag);
	}
}

/* How many domains name an entity. */
struct link_count {
	int64_t id;
	unsigned domains;
};

static idreg_err count_link(void *ctx, int64_t domain_id)
{
	(void)domain_id;
	((struct link_count *)ctx)->domains++;
	return IDREG_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_refresh DB [RUNS [COMMITS]]\n");
		return 2;
	}
	unsigned runs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 3;
	unsigned commits = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 1000;
	if (runs == 0 || commits < 100) {
		fprintf(stderr, "bench_refresh: RUNS at least 1, COMMITS at least 100\n");
		return 2;
	}
	struct idreg_diag diag = { "" };
	struct idreg_store_options opts = { .backend = "sqlite", .path = argv[1],
					    .busy_timeout_ms = 5000 };
	struct idreg_store *store;
	if (idreg_store_open(&opts, &store, &diag) != IDREG_OK) {
		die(argv[1], &diag);
	}
	struct idreg_snapshot *snap = NULL;
	double *load_wall = calloc(runs, sizeof(double)), *load_cpu = calloc(runs, sizeof(double));
	double *ref_wall = calloc(commits, sizeof(double)), *ref_cpu = calloc(commits, sizeof(double));
	struct entity_copy *copy = malloc(sizeof(*copy));
	if (!load_wall || !load_cpu || !ref_wall || !ref_cpu || !copy) {
		fprintf(stderr, "bench_refresh: out of memory\n");
		return 1;
	}
	for (unsigned r = 0; r < runs; r++) {
		idreg_snapshot_unref(snap);
		struct clock_pair t0 = now();
		if (idreg_snapshot_load(store, false, &snap, &diag) != IDREG_OK) {
			die("loading", &diag);
		}
		struct clock_pair t1 = now();
		load_wall[r] = t1.wall - t0.wall;
		load_cpu[r] = t1.cpu - t0.cpu;
	}
	uint32_t n_entities = snap->names.n_entities, n_domains = snap->names.n_domains;
	if (n_entities < commits) {
		fprintf(stderr, "bench_refresh: %u entities, fewer than %u commits\n", n_entities, commits);
		return 1;
	}
	/* Contacts of at most two domains spread over the registry, and the one
	 * of the most domains. */
	int64_t *ids = calloc(commits, sizeof(*ids));
	if (ids == NULL) {
		fprintf(stderr, "bench_refresh: out of memory\n");
		return 1;
	}
	struct link_count most = { 0, 0 };
	for (uint32_t i = 0; i < n_entities; i++) {
		struct idreg_domindex_entity e;
		idreg_domindex_entity(&snap->names, i, &e);
		struct link_count c = { e.store_id, 0 };
		if (store->ops->domains_linking(store, "entity", e.store_id, count_link, &c, &diag) !=
		    IDREG_OK) {
			die("counting links", &diag);
		}
		if (c.domains > most.domains) {
			most = c;
		}
	}
	unsigned picked = 0;
	for (uint32_t i = 0; i < n_entities && picked < commits; i++) {
		struct idreg_domindex_entity e;
		idreg_domindex_entity(&snap->names,
				      (uint32_t)(((uint64_t)i * 7919 + picked) % n_entities), &e);
		struct link_count c = { e.store_id, 0 };
		store->ops->domains_linking(store, "entity", e.store_id, count_link, &c, &diag);
		bool taken = false;
		for (unsigned k = 0; k < picked && !taken; k++) {
			taken = ids[k] == e.store_id;
		}
		if (c.domains <= 2 && !taken) {
			ids[picked++] = e.store_id;
		}
	}
	if (picked < commits) {
		fprintf(stderr, "bench_refresh: only %u contacts of at most two domains\n", picked);
		return 1;
	}
	uint64_t checksum = 0;
	unsigned shown = 0;
	double big_wall = 0, big_cpu = 0;
	size_t big_objects = 0;
	for (unsigned n = 0; n <= commits; n++) {
		bool big = n == commits; /* the last: the contact of the most domains */
		commit_update(store, big ? most.id : ids[n], n, copy);
		struct idreg_snapshot *fresh;
		struct clock_pair t0 = now();
		if (idreg_snapshot_refresh(snap, store, &fresh, &diag) != IDREG_OK) {
			die("refreshing", &diag);
		}
		struct clock_pair t1 = now();
		if (big) {
			big_wall = t1.wall - t0.wall;
			big_cpu = t1.cpu - t0.cpu;
			big_objects = idreg_snapshot_recent_objects(fresh);
		} else {
			ref_wall[n] = t1.wall - t0.wall;
			ref_cpu[n] = t1.cpu - t0.cpu;
		}
		const struct idreg_domindex *ix;
		uint32_t id = idreg_snapshot_find_entity(fresh, copy->handle, strlen(copy->handle), &ix);
		if (id != IDREG_DOMINDEX_NONE) {
			struct idreg_domindex_entity got;
			idreg_domindex_entity(ix, id, &got);
			char want[64];
			snprintf(want, sizeof(want), "commit-%u@bench.example", n);
			if (got.entity.fields[IDREG_EF_EMAIL] != NULL &&
			    strcmp(got.entity.fields[IDREG_EF_EMAIL], want) == 0) {
				shown++;
			}
			checksum = checksum * 31 + id;
		}
		idreg_snapshot_unref(snap);
		snap = fresh;
	}
	double lw = median(load_wall, runs), lc = median(load_cpu, runs);
	printf("registry: %u domains, %u entities; %u whole loads, %u + 1 commits (%u shown at once)\n",
	       n_domains, n_entities, runs, commits, shown);
	printf("%-44s %12s %12s %12s\n", "", "wall ms", "cpu ms", "load/this");
	printf("%-44s %12.1f %12.1f %12s\n", "whole load (idreg_snapshot_load)", lw * 1e3, lc * 1e3, "1");
	unsigned at[] = { 1, 10, 100, commits };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		/* the median of the refreshes from at/2 to at (the first alone) */
		unsigned hi = at[i], lo = hi / 2;
		double w = median(ref_wall + lo, hi - lo > 0 ? hi - lo : 1);
		double c = median(ref_cpu + lo, hi - lo > 0 ? hi - lo : 1);
		char label[64];
		snprintf(label, sizeof(label), "refresh, %u commit%s over the base", hi, hi > 1 ? "s" : "");
		printf("%-44s %12.3f %12.3f %12.0f\n", label, w * 1e3, c * 1e3, lw / w);
	}
	char label[96];
	snprintf(label, sizeof(label), "then a contact of %u domains (%zu objects)", most.domains,
		 big_objects);
	printf("%-44s %12.3f %12.3f %12.0f\n", label, big_wall * 1e3, big_cpu * 1e3, lw / big_wall);
	printf("checksum %" PRIu64 "\n", checksum);
	idreg_snapshot_unref(snap);
	idreg_store_close(store);
	free(load_wall);
	free(load_cpu);
	free(ref_wall);
	free(ref_cpu);
	free(copy);
	free(ids);
	return shown == commits + 1 ? 0 : 1;
}
