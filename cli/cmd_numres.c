/*
 * The number-resource commands of idreg: init, import rir, export rir,
 * lookup and summary.  Each turns arguments into calls to lib/ and results
 * into text.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/log.h"
#include "formats/rir.h"
#include "numres/bootstrap.h"
#include "numres/import.h"
#include "numres/numindex.h"
#include "numres/rirfiles.h"

int cli_cmd_init(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		return cli_usage_error(cli_find_command("init", NULL), "takes no arguments");
	}
	struct idreg_store *store;
	struct idreg_diag diag = { "" };
	idreg_err err = cli_open_store(cli, true, &store, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	idreg_store_close(store);
	printf("created an empty registry at %s\n", cli->config.store_path);
	return CLI_OK;
}

/* ---- import ---- */

struct progress {
	bool enabled;
	const char *label;
	int last_percent;
};

static void show_progress(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	int percent = total ? (int)(done * 100 / total) : 100;
	if (!p->enabled || percent == p->last_percent) {
		return;
	}
	p->last_percent = percent;
	int filled = percent / 4;
	fprintf(stderr, "\r%-40.40s [%.*s%*s] %3d%%", p->label, filled,
		"#########################", 25 - filled, "", percent);
	if (done == total) {
		fprintf(stderr, "\r%*s\r", 80, "");
	}
	fflush(stderr);
}

struct import_flags {
	bool skip_bad, force, ignore_counts;
};

static idreg_err import_one(struct cli *cli, struct idreg_store *store, const char *path,
			    const struct import_flags *flags)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 1024 * 1024, 0);
	struct idreg_rir_read_options read_opts = {
		.max_line = (size_t)cli->config.import_max_line,
		.max_records = (size_t)cli->config.import_max_records,
		.max_file = (size_t)1 << 30,
		.skip_bad = flags->skip_bad,
		.ignore_counts = flags->ignore_counts,
	};
	struct idreg_rir_file file;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_rir_read_file(path, &read_opts, &arena, &file, &diag);
	if (err != IDREG_OK) {
		cli_fail(&diag, err);
		goto out;
	}
	if (file.warning[0]) {
		idreg_log_warn("%s", file.warning);
	}
	cli_warn_skips(path, file.skips, file.skipped);

	const char *slash = strrchr(path, '/');
	struct progress progress = { .enabled = isatty(STDERR_FILENO),
				     .label = slash ? slash + 1 : path, .last_percent = -1 };
	struct idreg_import_options opts = { .force = flags->force, .progress = show_progress,
					     .progress_ctx = &progress };
	struct idreg_import_result result;
	err = idreg_import_rir(store, &file, &opts, &result, &diag);
	if (err != IDREG_OK) {
		cli_fail(&diag, err);
		goto out;
	}
	printf("%s: %s serial %s: %zu records (%zu new, %zu changed, %zu removed, %zu unchanged)",
	       path, file.header.registry, file.header.serial, file.count, result.created,
	       result.updated, result.deleted, result.unchanged);
	if (file.skipped) {
		printf(", %zu bad lines skipped", file.skipped);
	}
	printf("\n");
out:
	idreg_arena_free(&arena);
	return err;
}

int cli_cmd_import_rir(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("import", "rir");
	static const struct option options[] = {
		{ "skip-bad", no_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "ignore-counts", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_flags flags = { false, false, false };
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's': flags.skip_bad = true; break;
		case 'f': flags.force = true; break;
		case 'i': flags.ignore_counts = true; break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (optind >= argc) {
		return cli_usage_error(cmd, "name at least one file or directory");
	}
	struct idreg_store *store;
	struct idreg_diag diag = { "" };
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	int status = CLI_OK;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			struct idreg_rir_choices found = { 0 };
			if (idreg_rir_choose_dir(&found, argv[i], &diag) != IDREG_OK) {
				cli_fail(&diag, IDREG_EIO);
				status = CLI_FAIL;
			}
			if (found.count == 0) {
				idreg_log_error("%s: no exchange files found", argv[i]);
				status = CLI_FAIL;
			}
			idreg_rir_choices_sort(&found);
			for (size_t k = 0; k < found.count; k++) {
				if (import_one(cli, store, found.items[k].path, &flags) != IDREG_OK) {
					status = CLI_FAIL;
				}
			}
			idreg_rir_choices_free(&found);
		} else if (import_one(cli, store, argv[i], &flags) != IDREG_OK) {
			status = CLI_FAIL;
		}
	}
	idreg_store_close(store);
	return status;
}

/* ---- export ---- */

/* Write @path through a temporary file renamed into place, so that a reader
 * never sees half a file. */
static FILE *open_replacement(const char *path, char *tmp, size_t size, struct idreg_diag *diag)
{
	snprintf(tmp, size, "%s.tmp.%ld", path, (long)getpid());
	FILE *out = fopen(tmp, "w");
	if (out == NULL) {
		idreg_diag_set(diag, IDREG_EIO, "%s: cannot write: %s", tmp, strerror(errno));
	}
	return out;
}

static idreg_err close_replacement(FILE *out, const char *tmp, const char *path, idreg_err err,
				   struct idreg_diag *diag)
{
	if (fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0) {
		if (err == IDREG_OK) {
			err = idreg_diag_set(diag, IDREG_EIO, "%s: write error: %s", tmp, strerror(errno));
		}
	}
	if (fclose(out) != 0 && err == IDREG_OK) {
		err = idreg_diag_set(diag, IDREG_EIO, "%s: %s", tmp, strerror(errno));
	}
	if (err == IDREG_OK && rename(tmp, path) != 0) {
		err = idreg_diag_set(diag, IDREG_EIO, "%s: %s", path, strerror(errno));
	}
	if (err != IDREG_OK) {
		unlink(tmp);
	}
	return err;
}


static idreg_err collect_record(void *ctx, const struct idreg_stored_numres *row)
{
	struct idreg_numindex_meta meta = { row->source, row->changed_at };
	return idreg_numindex_add(ctx, &row->rec, &meta);
}

int cli_cmd_export_rir(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("export", "rir");
	static const struct option options[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *registry = NULL, *output = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "r:o:", options, NULL)) != -1) {
		switch (opt) {
		case 'r': registry = optarg; break;
		case 'o': output = optarg; break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (registry == NULL || optind < argc) {
		return cli_usage_error(cmd, "give --registry NAME and nothing else");
	}
	struct idreg_store *store;
	struct idreg_diag diag = { "" };
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	struct idreg_source source;
	struct idreg_numindex list;
	idreg_numindex_init(&list);
	char tmp[4200] = "";
	FILE *out = stdout;
	err = store->ops->source_get(store, registry, &source, &diag);
	if (err == IDREG_OK) {
		err = store->ops->numres_each(store, registry, collect_record, &list, &diag);
	}
	if (err != IDREG_OK) {
		goto out;
	}
	if (list.count > 0) {
		qsort(list.records, list.count, sizeof(*list.records), idreg_numres_order);
	}
	if (output != NULL && (out = open_replacement(output, tmp, sizeof(tmp), &diag)) == NULL) {
		err = IDREG_EIO;
		goto out;
	}
	err = idreg_rir_write(out, &source.header, list.records, list.count);
	if (err == IDREG_EIO) {
		idreg_diag_set(&diag, err, "%s: write error", output ? tmp : "standard output");
	}
	if (output != NULL) {
		err = close_replacement(out, tmp, output, err, &diag);
	} else if (fflush(out) != 0 && err == IDREG_OK) {
		err = idreg_diag_set(&diag, IDREG_EIO, "standard output: %s", strerror(errno));
	}
out:
	idreg_numindex_free(&list);
	idreg_store_close(store);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

int cli_cmd_export_bootstrap(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("export", "bootstrap");
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "url", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *url_arg = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "o:u:", options, NULL)) != -1) {
		switch (opt) {
		case 'o': dir = optarg; break;
		case 'u': url_arg = optarg; break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (dir == NULL || optind < argc) {
		return cli_usage_error(cmd, "give --out DIR (and optionally --url URL)");
	}
	char url[1024];
	if (url_arg != NULL) {
		size_t n = strlen(url_arg);
		snprintf(url, sizeof(url), "%s%s", url_arg, n > 0 && url_arg[n - 1] == '/' ? "" : "/");
	} else {
		idreg_config_rdap_base_url(&cli->config, url, sizeof(url));
	}
	struct idreg_store *store;
	struct idreg_diag diag = { "" };
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	struct idreg_numindex ix;
	idreg_numindex_init(&ix);
	err = idreg_numindex_load(&ix, store, &diag);
	idreg_store_close(store);
	char publication[32];
	idreg_store_now(publication, sizeof(publication));
	for (int t = 0; t < IDREG_RESTYPE_COUNT && err == IDREG_OK; t++) {
		char path[4096], tmp[4200];
		snprintf(path, sizeof(path), "%s/%s", dir, idreg_bootstrap_file_name((enum idreg_restype)t));
		FILE *out = open_replacement(path, tmp, sizeof(tmp), &diag);
		if (out == NULL) {
			err = IDREG_EIO;
			break;
		}
		size_t entries;
		err = idreg_bootstrap_write(&ix, (enum idreg_restype)t, url, publication, out, &entries);
		if (err == IDREG_EIO) {
			idreg_diag_set(&diag, err, "%s: write error", tmp);
		}
		err = close_replacement(out, tmp, path, err, &diag);
		if (err == IDREG_OK) {
			printf("%s: %zu %s\n", path, entries, t == IDREG_RES_ASN ? "AS ranges" : "prefixes");
		}
	}
	idreg_numindex_free(&ix);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

/* ---- lookup ---- */

static void print_date(const char *key, int32_t date)
{
	if (date > 0) {
		printf("%-12s%04d-%02d-%02d\n", key, date / 10000, date / 100 % 100, date % 100);
	}
}

static void print_record(const struct idreg_numindex *ix, uint32_t id, const char *role)
{
	const struct idreg_numres *rec = &ix->records[id];
	char range[IDREG_RANGE_TEXT_MAX];
	idreg_range_format(rec->type, rec->first, rec->last, range, sizeof(range));
	printf("%-12s%s\n", rec->type == IDREG_RES_ASN ? "aut-num:" : rec->type == IDREG_RES_IPV4 ? "inetnum:" : "inet6num:", range);
	if (rec->type != IDREG_RES_ASN) {
		struct idreg_prefix prefixes[8];
		size_t n = idreg_range_to_prefixes(rec->type, rec->first, rec->last, prefixes, 8);
		printf("%-12s", "cidr:");
		for (size_t i = 0; i < n && i < 8; i++) {
			char text[IDREG_PREFIX_TEXT_MAX];
			idreg_prefix_format(&prefixes[i], text, sizeof(text));
			printf("%s%s", i ? ", " : "", text);
		}
		printf("%s\n", n > 8 ? ", ..." : "");
	}
	printf("%-12s%s\n", "role:", role);
	printf("%-12s%s\n", "status:", idreg_status_name(rec->status));
	printf("%-12s%s\n", "economy:", rec->cc[0] ? rec->cc : "(none)");
	printf("%-12s%s\n", "registry:", rec->registry);
	print_date("date:", rec->date);
	if (rec->opaque_id != NULL && rec->opaque_id[0]) {
		printf("%-12s%s\n", "holder-id:", rec->opaque_id);
	}
	if (rec->extensions != NULL) {
		printf("%-12s%s\n", "extensions:", rec->extensions);
	}
	printf("%-12s%s\n", "source:", ix->meta[id].source);
	if (ix->meta[id].changed_at != NULL) {
		printf("%-12s%s\n", "changed:", ix->meta[id].changed_at);
	}
}

static bool lookup_one(const struct idreg_numindex *ix, const char *query, long more)
{
	struct idreg_resource_query q;
	struct idreg_diag diag = { "" };
	if (idreg_resource_query_parse(query, strlen(query), &q, &diag) != IDREG_OK) {
		idreg_log_error("%s", diag.text);
		return false;
	}
	uint32_t found[16];
	size_t n = idreg_numindex_covering(ix, q.type, q.first, q.last, found, 16);
	printf("%% %s\n", query);
	if (n == 0) {
		printf("%% no record covers all of it\n\n");
	}
	for (size_t i = 0; i < n && i < 16; i++) {
		print_record(ix, found[i], "most specific");
		printf("\n");
	}
	uint32_t above;
	if (n > 0 && idreg_numindex_above(ix, q.type, ix->records[found[0]].first,
					  ix->records[found[0]].last, &above)) {
		print_record(ix, above, "covering");
		printf("\n");
	}
	size_t inside_total = 0;
	if (!q.is_point) {
		uint32_t inside[256];
		size_t cap = more < 256 ? (size_t)more : 256;
		inside_total = idreg_numindex_inside(ix, q.type, q.first, q.last, inside, cap);
		char line[IDREG_RIR_RECORD_TEXT_MAX];
		printf("%% records inside: %zu\n", inside_total);
		for (size_t i = 0; i < inside_total && i < cap; i++) {
			idreg_rir_format_record(&ix->records[inside[i]], line, sizeof(line));
			printf("%s\n", line);
		}
		if (inside_total > cap) {
			printf("%% ... %zu more (--more N shows more)\n", inside_total - cap);
		}
		printf("\n");
	}
	if (n == 0 && inside_total == 0) {
		idreg_log_error("%s: no record covers it or lies inside it", query);
		return false;
	}
	return true;
}

int cli_cmd_lookup(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("lookup", NULL);
	static const struct option options[] = {
		{ "more", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	long more = 10;
	int opt;
	while ((opt = getopt_long(argc, argv, "m:", options, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'm':
			more = strtol(optarg, &end, 10);
			if (*end != '\0' || more < 0) {
				return cli_usage_error(cmd, "--more takes a count");
			}
			break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (optind >= argc) {
		return cli_usage_error(cmd, "name at least one address, prefix or AS number");
	}
	struct idreg_store *store;
	struct idreg_diag diag = { "" };
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	struct idreg_numindex ix;
	idreg_numindex_init(&ix);
	err = idreg_numindex_load(&ix, store, &diag);
	idreg_store_close(store);
	if (err != IDREG_OK) {
		idreg_numindex_free(&ix);
		return cli_fail(&diag, err);
	}
	int status = CLI_OK;
	for (int i = optind; i < argc; i++) {
		if (!lookup_one(&ix, argv[i], more)) {
			status = CLI_FAIL;
		}
	}
	idreg_numindex_free(&ix);
	return status;
}

/* ---- summary ---- */

struct summary_row {
	char source[32];
	uint64_t by_status[IDREG_RESTYPE_COUNT][IDREG_STATUS_COUNT];
};

struct summary {
	struct summary_row rows[64];
	size_t count;
	bool overflow;
};

static idreg_err add_count(void *ctx, const struct idreg_count_row *row)
{
	struct summary *sum = ctx;
	struct summary_row *r = NULL;
	for (size_t i = 0; i < sum->count; i++) {
		if (strcmp(sum->rows[i].source, row->source) == 0) {
			r = &sum->rows[i];
		}
	}
	if (r == NULL) {
		if (sum->count == sizeof(sum->rows) / sizeof(sum->rows[0])) {
			sum->overflow = true;
			return IDREG_OK;
		}
		r = &sum->rows[sum->count++];
		memset(r, 0, sizeof(*r));
		snprintf(r->source, sizeof(r->source), "%s", row->source);
	}
	r->by_status[row->type][row->status] += row->count;
	return IDREG_OK;
}

struct summary_print {
	const struct summary *sum;
	uint64_t total;
};

static idreg_err print_source(void *ctx, const struct idreg_source *src)
{
	struct summary_print *sp = ctx;
	const struct summary_row *r = NULL;
	for (size_t i = 0; i < sp->sum->count; i++) {
		if (strcmp(sp->sum->rows[i].source, src->header.registry) == 0) {
			r = &sp->sum->rows[i];
		}
	}
	printf("%s: serial %s, imported %s from %s\n", src->header.registry, src->header.serial,
	       src->imported_at, src->file);
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		uint64_t total = 0;
		printf("  %-8s %-5s", src->header.registry, idreg_restype_name((enum idreg_restype)t));
		for (int s = 0; s < IDREG_STATUS_COUNT; s++) {
			uint64_t n = r ? r->by_status[t][s] : 0;
			printf(" %10llu", (unsigned long long)n);
			total += n;
		}
		printf(" %10llu %10llu\n", (unsigned long long)total,
		       (unsigned long long)src->summary[t]);
		sp->total += total;
	}
	return IDREG_OK;
}

int cli_cmd_summary(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		return cli_usage_error(cli_find_command("summary", NULL), "takes no arguments");
	}
	struct idreg_store *store;
	struct idreg_diag diag = { "" };
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	static struct summary sum;
	sum.count = 0;
	err = store->ops->numres_count(store, add_count, &sum, &diag);
	if (err == IDREG_OK) {
		printf("  %-8s %-5s %10s %10s %10s %10s %10s %10s\n", "registry", "type", "allocated",
		       "assigned", "available", "reserved", "total", "file says");
		struct summary_print sp = { .sum = &sum };
		err = store->ops->source_each(store, print_source, &sp, &diag);
		if (err == IDREG_OK) {
			printf("total records: %llu\n", (unsigned long long)sp.total);
		}
	}
	struct idreg_domain_counts names;
	if (err == IDREG_OK && (err = store->ops->domain_counts(store, &names, &diag)) == IDREG_OK) {
		printf("names: %llu domains, %llu nameservers, %llu entities\n",
		       (unsigned long long)names.domains, (unsigned long long)names.hosts,
		       (unsigned long long)names.entities);
	}
	idreg_store_close(store);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}
