/*
 * idreg eir: the equipment identity register's commands -- the sample
 * generator and the import of operator data, the TAC database and the
 * lists.  Options and files in, lib/eir does the work.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
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
