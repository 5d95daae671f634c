/*
 * idreg eir: the equipment identity register's commands -- the sample
 * generator, the import of operator data, the TAC database and the lists,
 * the classification, an IMEI's record, and the lists sent back to the
 * operators.  Options and files in, lib/eir does the work.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "eir/classify.h"
#include "eir/import.h"
#include "eir/lists.h"
#include "eir/sample.h"

static bool parse_unsigned(const char *text, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v = strtoull(text, &end, 10);
	if (end == text || *end != '\0' || text[0] == '-' || v > max) {
		return false;
	}
	*out = v;
	return true;
}

/* The first code of a list like "639,640". */
static void first_code(const char *list, char *out, size_t size)
{
	size_t n = strcspn(list, ", ");
	snprintf(out, size, "%.*s", (int)n, list);
}

int cli_cmd_eir_sample(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("eir", "sample");
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "operators", required_argument, NULL, 'n' },
		{ "months", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 's' },
		{ "subscribers", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	char mcc[8], cc[8];
	first_code(cli->config.eir_home_mccs, mcc, sizeof(mcc));
	first_code(cli->config.eir_home_cc, cc, sizeof(cc));
	struct idreg_eir_sample_options opts = { .operators = 3, .months = 3, .subscribers = 1000,
						 .seed = 1, .home_mcc = mcc, .home_cc = cc };
	unsigned long long v;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'o': opts.out_dir = optarg; break;
		case 'n':
			if (!parse_unsigned(optarg, 9, &v) || v == 0) {
				return cli_usage_error(cmd, "--operators is 1 to 9");
			}
			opts.operators = (unsigned)v;
			break;
		case 'm':
			if (!parse_unsigned(optarg, 24, &v) || v == 0) {
				return cli_usage_error(cmd, "--months is 1 to 24");
			}
			opts.months = (unsigned)v;
			break;
		case 's':
			if (!parse_unsigned(optarg, UINT64_MAX, &v)) {
				return cli_usage_error(cmd, "--seed is a number");
			}
			opts.seed = v;
			break;
		case 'u':
			if (!parse_unsigned(optarg, 1000000, &v) || v < 50) {
				return cli_usage_error(cmd, "--subscribers is 50 to 1000000");
			}
			opts.subscribers = (unsigned)v;
			break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (opts.out_dir == NULL || optind != argc) {
		return cli_usage_error(cmd, "--out DIR is needed, and nothing else");
	}
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_eir_sample_write(&opts, &diag);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

static void print_report(const char *path, const struct idreg_eir_import_options *opts,
			 const struct idreg_eir_report *rep)
{
	if (opts->kind != IDREG_EIR_OPERATOR) {
		printf("%s: %llu rows, %llu entries written%s\n", path, (unsigned long long)rep->rows,
		       (unsigned long long)rep->written, rep->delta ? " (a delta)" : "");
		return;
	}
	printf("%s: operator %s, %s to %s, %llu rows (%.1f a day), %llu observations\n", path,
	       opts->operator_name, rep->first_date, rep->last_date, (unsigned long long)rep->rows,
	       rep->rows_per_day, (unsigned long long)rep->written);
	printf("  IMEIs:");
	for (int st = 0; st < IDREG_IMEI_STATUS_COUNT; st++) {
		if (rep->imei_status[st] > 0) {
			printf(" %s %llu", idreg_imei_status_name((enum idreg_imei_status)st),
			       (unsigned long long)rep->imei_status[st]);
		}
	}
	printf("\n  empty IMSIs %llu, MSISDNs %llu; foreign IMSIs %llu, MSISDNs %llu\n",
	       (unsigned long long)rep->null_imsi, (unsigned long long)rep->null_msisdn,
	       (unsigned long long)rep->foreign_imsi, (unsigned long long)rep->foreign_msisdn);
}

int cli_cmd_eir_import(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("eir", "import");
	static const struct option options[] = {
		{ "operator", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const struct idreg_config *c = &cli->config;
	struct idreg_eir_import_options opts = {
		.home_mccs = c->eir_home_mccs, .home_cc = c->eir_home_cc,
		.mnc3_mccs = c->eir_mnc3_mccs, .max_null = c->eir_max_null,
		.max_non_numeric = c->eir_max_non_numeric, .max_too_long = c->eir_max_too_long,
		.max_leading_zeros = c->eir_max_leading_zeros,
		.max_foreign_imsi = c->eir_max_foreign_imsi,
		.max_foreign_msisdn = c->eir_max_foreign_msisdn,
		.max_volume_change = c->eir_max_volume_change,
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'o') {
			return cli_usage_error(cmd, "unknown option");
		}
		opts.operator_name = optarg;
	}
	if (argc - optind != 2 || !idreg_eir_kind_parse(argv[optind], &opts.kind)) {
		return cli_usage_error(cmd, "give a KIND (operator, tac, stolen, registered, pairings, "
				       "golden or barred) and one FILE");
	}
	if ((opts.kind == IDREG_EIR_OPERATOR) != (opts.operator_name != NULL)) {
		return cli_usage_error(cmd, "--operator NAME goes with operator files, and only them");
	}
	const char *path = argv[optind + 1];
	struct idreg_diag diag = { "" };
	struct idreg_store *store = NULL;
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	struct idreg_eir_report report;
	if (err == IDREG_OK) {
		err = idreg_eir_import(store, path, &opts, &report, &diag);
	}
	idreg_store_close(store);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	print_report(path, &opts, &report);
	return CLI_OK;
}

int cli_cmd_eir_lists(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("eir", "lists");
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "date", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct idreg_eir_operators operators;
	struct idreg_eir_lists_options opts = { .operators = &operators };
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'o': opts.out_dir = optarg; break;
		case 'd': opts.date = optarg; break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (opts.out_dir == NULL || optind != argc) {
		return cli_usage_error(cmd, "--out DIR is needed, and nothing else but --date");
	}
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_eir_operators_parse(cli->config.eir_operators, &operators, &diag);
	struct idreg_store *store = NULL;
	if (err == IDREG_OK) {
		err = cli_open_store(cli, false, &store, &diag);
	}
	struct idreg_eir_lists_report *report = malloc(sizeof(*report));
	if (err == IDREG_OK && report == NULL) {
		err = idreg_diag_set(&diag, IDREG_ENOMEM, "out of memory");
	}
	if (err == IDREG_OK) {
		err = idreg_eir_lists_write(store, &opts, report, &diag);
	}
	idreg_store_close(store);
	if (err == IDREG_OK) {
		printf("lists as of %s in %s/%s (%s/current)\n", report->date, opts.out_dir,
		       report->run_dir, opts.out_dir);
		for (size_t i = 0; i < report->list_count; i++) {
			const struct idreg_eir_list_count *c = &report->lists[i];
			printf("  %s: %llu rows; %llu added, %llu removed, %llu changed\n", c->name,
			       (unsigned long long)c->rows, (unsigned long long)c->added,
			       (unsigned long long)c->removed, (unsigned long long)c->changed);
		}
	}
	free(report);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

int cli_cmd_eir_classify(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("eir", "classify");
	static const struct option options[] = {
		{ "date", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *date = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'd') {
			return cli_usage_error(cmd, "unknown option");
		}
		date = optarg;
	}
	if (date == NULL || optind != argc) {
		return cli_usage_error(cmd, "--date YYYY-MM-DD is needed, and nothing else");
	}
	struct idreg_diag diag = { "" };
	struct idreg_eir_classify_options opts;
	idreg_err err = idreg_eir_classify_options_from_config(&cli->config, date, &opts, &diag);
	struct idreg_store *store = NULL;
	if (err == IDREG_OK) {
		err = cli_open_store(cli, false, &store, &diag);
	}
	struct idreg_eir_classify_report rep;
	if (err == IDREG_OK) {
		err = idreg_eir_classify(store, &opts, &rep, &diag);
	}
	idreg_store_close(store);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	printf("run %lld as of %s: %llu IMEIs (%llu observations), %llu meet a condition\n",
	       (long long)rep.run_id, date, (unsigned long long)rep.imeis,
	       (unsigned long long)rep.observations, (unsigned long long)rep.matched);
	printf("%-20s %-11s %10s %10s %10s\n", "condition", "kind", "imeis", "new", "ended");
	for (int k = 0; k < IDREG_EIR_CONDITION_COUNT; k++) {
		const struct idreg_eir_condition_rule *r = &opts.rule[k];
		printf("%-20s %-11s %10llu %10llu %10llu\n",
		       idreg_eir_condition_name((enum idreg_eir_condition)k),
		       !r->enabled ? "off" : r->blocking ? "blocking" : "informative",
		       (unsigned long long)rep.met[k], (unsigned long long)rep.started[k],
		       (unsigned long long)rep.ended[k]);
	}
	return CLI_OK;
}

static idreg_err show_observation(void *ctx, const struct idreg_eir_observation *o)
{
	static const char *const rat_names[] = { "2G", "3G", "4G", "5G" };
	(void)ctx;
	printf("observation %s %s imsi %s msisdn %s first %s last %s days %d rats", o->operator_name,
	       o->month, o->imsi, o->msisdn, o->first_seen, o->last_seen,
	       __builtin_popcount(o->days));
	for (unsigned r = 0; r < 4; r++) {
		if (o->rats & (1u << r)) {
			printf(" %s", rat_names[r]);
		}
	}
	printf(" raw %s\n", o->imei_raw);
	return IDREG_OK;
}

static idreg_err show_class(void *ctx, const struct idreg_eir_class *c)
{
	(void)ctx;
	printf("class %s start %s end %s block %s %s\n", c->condition, c->start_date,
	       c->end_date[0] ? c->end_date : "-", c->block_date[0] ? c->block_date : "-",
	       c->blocking ? "blocking" : "informative");
	return IDREG_OK;
}

int cli_cmd_eir_show(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("eir", "show");
	if (argc != 2) {
		return cli_usage_error(cmd, "give one IMEI");
	}
	struct idreg_imei imei;
	const char *key = argv[1];
	if (idreg_imei_status_normalized(idreg_imei_parse(argv[1], strlen(argv[1]), &imei))) {
		key = imei.imei;
	}
	struct idreg_diag diag = { "" };
	struct idreg_store *store = NULL;
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err == IDREG_OK) {
		printf("imei %s\n", key);
		err = store->ops->eir_observation_each(store, key, show_observation, NULL, &diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->eir_class_each(store, false, key, show_class, NULL, &diag);
	}
	idreg_store_close(store);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}
