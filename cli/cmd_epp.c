/*
 * `idreg epp tick`: one tick of the registry's clock (lib/epp/clock.h), as
 * idregd runs every epp.clock_interval_s seconds, at the present time or at
 * the time --now gives (to see what a date will bring, and for tests).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "domains/domain.h"
#include "epp/clock.h"

int cli_cmd_epp_tick(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("epp", "tick");
	static const struct option options[] = {
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t now = (int64_t)time(NULL);
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'n') {
			return cli_usage_error(cmd, "unknown option");
		}
		if (!idreg_time_parse(optarg, strlen(optarg), &now)) {
			return cli_usage_error(cmd, "--now %s: not a time like 2027-01-31T12:00:00Z",
					       optarg);
		}
	}
	if (argc - optind != 0) {
		return cli_usage_error(cmd, "no arguments");
	}
	struct idreg_diag diag = { "" };
	struct idreg_store *store = NULL;
	struct idreg_epp_clock_report report;
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err == IDREG_OK) {
		struct idreg_epp_store_access access;
		idreg_epp_direct_access(store, &access);
		err = idreg_epp_clock_tick(&access, now, &report, &diag);
	}
	idreg_store_close(store);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	printf("transfers approved\t%u\ngrace periods ended\t%u\nredemptions ended\t%u\n"
	       "domains purged\t%u\ndomains renewed\t%u\nchanges failed\t%u\n",
	       report.transfers_approved, report.grace_ended, report.redemptions_ended,
	       report.purged, report.renewed, report.failed);
	return report.failed == 0 ? CLI_OK : CLI_FAIL;
}
