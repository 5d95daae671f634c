/*
 * idreg stats: statistics on IPv6 adoption and the equity of the
 * distribution of number resources, from exchange files and the economy
 * data.  Chooses the files, reads them, and hands them to lib/stats.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/log.h"
#include "numres/rirfiles.h"
#include "stats/stats.h"

static bool pick_name(const char *arg, const char *const *names, int count, int *out)
{
	for (int i = 0; i < count; i++) {
		if (strcmp(arg, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

static idreg_err choose_files(int argc, char **argv, struct idreg_rir_choices *files,
			      struct idreg_diag *diag)
{
	for (int i = 0; i < argc; i++) {
		struct stat st;
		bool dir = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode);
		idreg_err err = dir ? idreg_rir_choose_dir(files, argv[i], diag)
				    : idreg_rir_choose_file(files, argv[i], diag);
		if (err != IDREG_OK) {
			return err;
		}
	}
	if (files->count == 0) {
		return idreg_diag_set(diag, IDREG_ENOTFOUND, "no exchange files found");
	}
	idreg_rir_choices_sort(files);
	return IDREG_OK;
}

static idreg_err read_files(struct cli *cli, const struct idreg_rir_choices *files,
			    struct idreg_stats *stats, struct idreg_diag *diag)
{
	struct idreg_rir_read_options opts = {
		.max_line = (size_t)cli->config.import_max_line,
		.max_records = (size_t)cli->config.import_max_records,
		.max_file = (size_t)1 << 30,
	};
	idreg_err err = IDREG_OK;
	for (size_t i = 0; i < files->count && err == IDREG_OK; i++) {
		if (!idreg_stats_counts(files->items[i].header.registry)) {
			idreg_log_warn("%s: left out: %s's file says what the RIRs got, not what they "
				       "hand out", files->items[i].path, files->items[i].header.registry);
			continue;
		}
		struct idreg_arena arena;
		idreg_arena_init(&arena, 1024 * 1024, 0);
		struct idreg_rir_file file;
		err = idreg_rir_read_file(files->items[i].path, &opts, &arena, &file, diag);
		if (err == IDREG_OK) {
			if (file.warning[0]) {
				idreg_log_warn("%s", file.warning);
			}
			err = idreg_stats_add_file(stats, &file, diag);
		}
		idreg_arena_free(&arena);
	}
	return err;
}

int cli_cmd_stats(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("stats", NULL);
	static const struct option options[] = {
		{ "economies", required_argument, NULL, 'e' },
		{ "codes", required_argument, NULL, 'c' },
		{ "population", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "by", required_argument, NULL, 'b' },
		{ "table", required_argument, NULL, 't' },
		{ "year", required_argument, NULL, 'y' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *economies_dir = cli->config.stats_economies, *codes = NULL, *population = NULL;
	struct idreg_stats_request req = { .by = IDREG_STATS_BY_ECONOMY };
	int opt, choice;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'e': economies_dir = optarg; break;
		case 'c': codes = optarg; break;
		case 'p': population = optarg; break;
		case 'f':
			if (!pick_name(optarg, idreg_stats_format_names, IDREG_STATS_FORMAT_COUNT, &choice)) {
				return cli_usage_error(cmd, "--format is csv, json or html");
			}
			req.format = (enum idreg_stats_format)choice;
			break;
		case 'b':
			if (!pick_name(optarg, idreg_stats_by_names, IDREG_STATS_BY_COUNT, &choice)) {
				return cli_usage_error(cmd, "--by is economy, rir, region, subregion or group");
			}
			req.by = (enum idreg_stats_by)choice;
			break;
		case 't':
			if (!pick_name(optarg, idreg_stats_table_names, IDREG_STATS_TABLE_COUNT, &choice)) {
				return cli_usage_error(cmd, "--table is figures, series, equity, lorenz or unknown");
			}
			req.table = (enum idreg_stats_table)choice;
			break;
		case 'l':
			if (!pick_name(optarg, idreg_stats_lang_names, IDREG_STATS_LANG_COUNT, &choice)) {
				return cli_usage_error(cmd, "--lang is en or zh");
			}
			req.lang = (enum idreg_stats_lang)choice;
			break;
		case 'y': {
			char *end;
			long year = strtol(optarg, &end, 10);
			if (*end != '\0' || year < IDREG_ECONOMY_FIRST_YEAR || year > IDREG_ECONOMY_LAST_YEAR) {
				return cli_usage_error(cmd, "--year is a year from %d to %d",
						       IDREG_ECONOMY_FIRST_YEAR, IDREG_ECONOMY_LAST_YEAR);
			}
			req.year = (int)year;
			break;
		}
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (optind >= argc) {
		return cli_usage_error(cmd, "name at least one exchange file or directory");
	}
	char codes_path[4096], population_path[4096];
	snprintf(codes_path, sizeof(codes_path), "%s/country-codes.csv", economies_dir);
	snprintf(population_path, sizeof(population_path), "%s/population.csv", economies_dir);

	struct idreg_diag diag = { "" };
	struct idreg_arena arena;
	idreg_arena_init(&arena, 256 * 1024, 0);
	struct idreg_economies economies;
	struct idreg_rir_choices files = { 0 };
	struct idreg_stats *stats = NULL;
	idreg_err err = idreg_economies_load(codes ? codes : codes_path,
					     population ? population : population_path, &arena,
					     &economies, &diag);
	if (err == IDREG_OK) {
		err = choose_files(argc - optind, argv + optind, &files, &diag);
	}
	if (err == IDREG_OK && files.superseded > 0) {
		idreg_log_warn("%zu exchange files left out for a newer file of the same registry "
			       "(--log-level info names them)", files.superseded);
	}
	if (err == IDREG_OK) {
		err = idreg_stats_new(&economies, &stats);
	}
	if (err == IDREG_OK) {
		err = read_files(cli, &files, stats, &diag);
	}
	if (err == IDREG_OK) {
		char codes_text[1024];
		size_t unknown = idreg_stats_unknown_summary(stats, codes_text, sizeof(codes_text));
		if (unknown > 0) {
			idreg_log_warn("%zu held records have an economy code that is no economy, "
				       "counted apart: %s", unknown, codes_text);
		}
		err = idreg_stats_write(stats, &req, stdout, &diag);
	}
	idreg_stats_free(stats);
	idreg_rir_choices_free(&files);
	idreg_arena_free(&arena);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}
