/*
 * The domain-name commands of idreg: import domains (JSON Lines files, see
 * docs/domains-format.md) and show domain (a look into the in-memory index
 * the daemon answers from: a domain by name, or the domains matching a
 * search pattern).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/log.h"
#include "domains/domindex.h"
#include "domains/format.h"
#include "domains/import.h"
#include "idn/uts46.h"

/* ---- import domains ---- */

static void print_counts(const char *what, const struct idreg_import_counts *c)
{
	printf("%s: %zu new, %zu changed, %zu removed, %zu unchanged", what, c->created, c->updated,
	       c->deleted, c->unchanged);
}

static idreg_err import_file(struct cli *cli, struct idreg_store *store, const char *path,
			     const struct idreg_domains_import_options *opts)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 1024 * 1024, 0);
	struct idreg_domains_read_options read_opts = {
		.max_line = (size_t)cli->config.import_max_domain_line,
		.max_domains = (size_t)cli->config.import_max_records,
		.skip_bad = opts->skip_bad,
	};
	struct idreg_domains_file file;
	struct idreg_diag diag = { "" };
	struct idreg_domains_import_result result;
	idreg_err err = idreg_domains_read_file(path, &read_opts, &arena, &file, &diag);
	if (err != IDREG_OK) {
		cli_fail(&diag, err);
		goto out;
	}
	cli_warn_skips(path, file.skips, file.skipped);
	err = idreg_import_domains(store, &file, opts, &result, &diag);
	if (err != IDREG_OK) {
		cli_fail(&diag, err);
		goto out;
	}
	cli_warn_skips(path, result.skips, result.skipped);
	printf("%s: %zu domains (%zu new, %zu changed, %zu removed, %zu unchanged); ", path,
	       file.count - result.skipped, result.domains.created, result.domains.updated,
	       result.domains.deleted, result.domains.unchanged);
	print_counts("hosts", &result.hosts);
	printf("; ");
	print_counts("entities", &result.entities);
	if (result.keys_set > 0) {
		printf("; IDN keys set for %zu domains held before", result.keys_set);
	}
	if (file.skipped + result.skipped > 0) {
		printf("; %zu bad lines skipped", file.skipped + result.skipped);
	}
	printf("\n");
out:
	idreg_domains_file_free(&file);
	idreg_arena_free(&arena);
	return err;
}

int cli_cmd_import_domains(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("import", "domains");
	static const struct option options[] = {
		{ "skip-bad", no_argument, NULL, 's' },
		{ "replace", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct idreg_domains_import_options opts = { false, false, NULL };
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's': opts.skip_bad = true; break;
		case 'r': opts.replace = true; break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (optind >= argc) {
		return cli_usage_error(cmd, "name at least one file");
	}
	if (opts.replace && argc - optind > 1) {
		return cli_usage_error(cmd, "--replace takes one file (each file would replace the one before)");
	}
	struct idreg_store *store;
	struct idreg_idn_policy *policy;
	struct idreg_diag diag = { "" };
	idreg_err err = cli_idn_policy(cli, &policy, &opts.keys, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	err = cli_open_store(cli, false, &store, &diag);
	if (err != IDREG_OK) {
		cli_idn_policy_free(policy, opts.keys);
		return cli_fail(&diag, err);
	}
	int status = CLI_OK;
	for (int i = optind; i < argc; i++) {
		if (import_file(cli, store, argv[i], &opts) != IDREG_OK) {
			status = CLI_FAIL;
		}
	}
	idreg_store_close(store);
	cli_idn_policy_free(policy, opts.keys);
	return status;
}

/* ---- show domain ---- */

static void print_time(const char *key, int64_t t)
{
	if (t != IDREG_TIME_NONE) {
		char text[IDREG_TIME_TEXT_MAX];
		idreg_time_format(t, text);
		printf("%-16s%s\n", key, text);
	}
}

static void print_entity(const struct idreg_domindex *ix, uint32_t id, uint32_t roles)
{
	struct idreg_domindex_entity view;
	idreg_domindex_entity(ix, id, &view);
	const struct idreg_entity e = view.entity;
	printf("%-16s%s (", "entity:", e.handle);
	bool first = true;
	for (unsigned r = 0; r < IDREG_ROLE_COUNT; r++) {
		if (roles & (1u << r)) {
			printf("%s%s", first ? "" : ", ", idreg_role_name((enum idreg_role)r));
			first = false;
		}
	}
	printf(")\n");
	printf("  %-14s%s\n", "kind:", idreg_entity_kind_name(e.kind));
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		if (e.fields[f] == NULL) {
			continue;
		}
		char key[32];
		snprintf(key, sizeof(key), "%s:", idreg_entity_field_name((enum idreg_entity_field)f));
		const char *v = e.fields[f];
		for (;;) {
			const char *nl = strchr(v, '\n');
			printf("  %-14s%.*s%s\n", key, (int)(nl ? (size_t)(nl - v) : strlen(v)), v,
			       (e.personal & (1u << f)) ? "  (personal)" : "");
			if (nl == NULL) {
				break;
			}
			v = nl + 1;
		}
	}
}

static void print_domain(const struct idreg_domindex *ix, uint32_t id)
{
	struct idreg_domindex_domain d;
	idreg_domindex_domain(ix, id, &d);
	printf("%-16s%s\n", "domain:", d.ldh_name);
	if (strcmp(d.unicode_name, d.ldh_name) != 0) {
		printf("%-16s%s\n", "unicode:", d.unicode_name);
	}
	if (d.handle != NULL) {
		printf("%-16s%s\n", "handle:", d.handle);
	}
	for (unsigned s = 0; s < IDREG_DOMAIN_STATUS_COUNT; s++) {
		if (d.status & (1u << s)) {
			printf("%-16s%s\n", "status:", idreg_domain_status_epp_name((enum idreg_domain_status)s));
		}
	}
	print_time("registered:", d.registered);
	print_time("expires:", d.expires);
	print_time("last-changed:", d.last_changed);
	for (uint32_t i = 0; i < d.n_ns; i++) {
		struct idreg_domindex_host h;
		idreg_domindex_host(ix, d.nameservers[i], &h);
		printf("%-16s%s", "nameserver:", h.ldh_name);
		for (uint32_t a = 0; a < h.n_addrs; a++) {
			char text[IDREG_IP_TEXT_MAX];
			idreg_ip_format(&h.addrs[a], text, sizeof(text));
			printf(" %s", text);
		}
		printf("\n");
	}
	for (uint32_t i = 0; i < d.n_ds; i++) {
		printf("%-16s%u %u %u %s\n", "ds:", d.ds[i].key_tag, d.ds[i].algorithm,
		       d.ds[i].digest_type, d.ds[i].digest);
	}
	for (uint32_t i = 0; i < d.n_contacts; i++) {
		print_entity(ix, d.contacts[i].entity, d.contacts[i].roles);
	}
	print_time("changed:", d.changed_at);
}

int cli_cmd_show_domain(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("show", "domain");
	static const struct option options[] = {
		{ "max", required_argument, NULL, 'm' },
		{ "stats", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	long max = 10;
	bool stats = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "m:", options, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'm':
			max = strtol(optarg, &end, 10);
			if (*end != '\0' || max < 0 || max > 100000) {
				return cli_usage_error(cmd, "--max takes a count up to 100000");
			}
			break;
		case 's': stats = true; break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (optind >= argc) {
		return cli_usage_error(cmd, "name at least one domain or pattern");
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct idreg_store *store;
	struct idreg_diag diag = { "" };
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	struct idreg_domindex ix;
	idreg_domindex_init(&ix);
	err = idreg_domindex_load(&ix, store, &diag);
	idreg_store_close(store);
	if (err != IDREG_OK) {
		idreg_domindex_free(&ix);
		return cli_fail(&diag, err);
	}
	if (stats) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long pages = 0, resident = 0;
		FILE *f = fopen("/proc/self/statm", "r");
		if (f != NULL) {
			if (fscanf(f, "%ld %ld", &pages, &resident) != 2) {
				resident = 0;
			}
			fclose(f);
		}
		fprintf(stderr,
			"%% index: %u domains, %u hosts, %u entities; loaded in %.2f s; %.1f MB of "
			"arrays and strings; process resident %.1f MB\n",
			ix.n_domains, ix.n_hosts, ix.n_entities,
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
			(double)idreg_domindex_memory(&ix) / 1e6,
			(double)resident * (double)sysconf(_SC_PAGESIZE) / 1e6);
	}
	int status = CLI_OK;
	uint32_t *found = malloc(((size_t)max + 1) * sizeof(*found));
	for (int i = optind; found != NULL && i < argc; i++) {
		const char *q = argv[i];
		printf("%% %s\n", q);
		if (strchr(q, '*') == NULL) {
			char ascii[IDREG_UTS46_ASCII_MAX];
			if (idreg_uts46_to_ascii(q, strlen(q), ascii, sizeof(ascii), &diag) != IDREG_OK) {
				idreg_log_error("%s: %s", q, diag.text);
				status = CLI_FAIL;
				continue;
			}
			uint32_t id = idreg_domindex_find_domain(&ix, ascii, strlen(ascii));
			if (id == IDREG_DOMINDEX_NONE) {
				idreg_log_error("%s: no such domain", q);
				status = CLI_FAIL;
				continue;
			}
			print_domain(&ix, id);
			printf("\n");
			continue;
		}
		struct idreg_name_pattern pattern;
		if (idreg_name_pattern_parse(q, strlen(q), &pattern, &diag) != IDREG_OK) {
			idreg_log_error("%s: %s", q, diag.text);
			status = CLI_FAIL;
			continue;
		}
		size_t total = 0;
		err = idreg_domindex_search_domains(&ix, &pattern, found, (size_t)max, &total);
		if (err != IDREG_OK) {
			idreg_log_error("%s: %s", q, idreg_strerror(err));
			status = CLI_FAIL;
			continue;
		}
		for (size_t k = 0; k < total && k < (size_t)max; k++) {
			struct idreg_domindex_domain d;
			idreg_domindex_domain(&ix, found[k], &d);
			printf("%s%s%s\n", d.ldh_name, strcmp(d.unicode_name, d.ldh_name) ? "  " : "",
			       strcmp(d.unicode_name, d.ldh_name) ? d.unicode_name : "");
		}
		printf("%% %zu found%s\n\n", total, total > (size_t)max ? " (--max N shows more)" : "");
		if (total == 0) {
			status = CLI_FAIL;
		}
	}
	if (found == NULL) {
		idreg_log_error("out of memory");
		status = CLI_FAIL;
	}
	free(found);
	idreg_domindex_free(&ix);
	return status;
}
