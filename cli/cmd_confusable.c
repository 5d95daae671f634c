/*
 * The confusables and email commands of idreg: idn confusable checks
 * labels against the restriction levels of UTS #39 and gives their
 * skeletons (lib/idn/confusable.h); idn email checks contact addresses
 * (lib/idn/email.h).  Both take their input from the command line or,
 * given none, one item a line from standard input, and write one
 * tab-separated line per item.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "idn/confusable.h"
#include "idn/email.h"

/* An item as a TSV field: whole, or its first 64 bytes when the line was longer than kept. */
static void put_item(const char *text, size_t len, size_t kept)
{
	if (len <= kept) {
		cli_put_field(text, len, stdout);
	} else {
		cli_put_field(text, 64, stdout);
		fputs("...", stdout);
	}
}

static void put_or_dash(const char *text)
{
	if (text[0] == '\0') {
		fputc('-', stdout);
	} else {
		cli_put_field(text, strlen(text), stdout);
	}
}

/* One item checked: CLI_OK, CLI_FAIL when refused, or -1 when the library itself failed. */
typedef int (*check_item)(const void *how, const char *text, size_t len, size_t kept);

/* Check each argument, or each line of standard input (lines of up to @kept bytes kept). */
static int each_item(check_item check, const void *how, int argc, char **argv, char *line,
		     size_t kept)
{
	int status = CLI_OK;
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			size_t len = strlen(argv[i]);
			int one = check(how, argv[i], len, len);
			if (one < 0) {
				return CLI_FAIL;
			}
			status = one != CLI_OK ? one : status;
		}
		return status;
	}
	size_t len;
	while (cli_next_line(line, kept, &len)) {
		int one = check(how, line, len, kept);
		if (one < 0) {
			return CLI_FAIL;
		}
		status = one != CLI_OK ? one : status;
	}
	if (ferror(stdin)) {
		idreg_log_error("reading standard input failed");
		return CLI_FAIL;
	}
	return status;
}

/* ---- idn confusable ---- */

/* "LABEL\tVERDICT\tLEVEL\tSCRIPTS\tWHOLE-SCRIPT\tSKELETON\tREASON" */
static int check_label(const void *how, const char *text, size_t len, size_t kept)
{
	const enum idreg_confusable_level *level = how;
	struct idreg_confusable_verdict verdict;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_confusable_check(text, len, *level, &verdict, &diag);
	if (err != IDREG_OK && err != IDREG_EPARSE) {
		cli_fail(&diag, err);
		return -1;
	}
	char skeleton[IDREG_CONFUSABLE_SKELETON_MAX] = "";
	bool readable = verdict.problem != IDREG_CONFUSABLE_INPUT;
	if (readable && idreg_confusable_skeleton(text, len, skeleton, sizeof(skeleton), &diag) !=
			       IDREG_OK) {
		cli_fail(&diag, IDREG_EINVAL);
		return -1;
	}
	put_item(text, len, kept);
	printf("\t%s\t%s\t", err == IDREG_OK ? "ok" : readable ? "refused" : "error",
	       readable ? idreg_confusable_level_name(verdict.level) : "-");
	put_or_dash(verdict.scripts);
	fputc('\t', stdout);
	put_or_dash(verdict.whole_script);
	fputc('\t', stdout);
	put_or_dash(skeleton);
	fputc('\t', stdout);
	put_or_dash(diag.text);
	fputc('\n', stdout);
	return err == IDREG_OK ? CLI_OK : CLI_FAIL;
}

int cli_cmd_idn_confusable(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	const struct cli_command *cmd = cli_find_command("idn", "confusable");
	static const struct option options[] = {
		{ "level", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	enum idreg_confusable_level level = IDREG_CONFUSABLE_LEVEL_DEFAULT;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'l') {
			return cli_usage_error(cmd,
					       "unknown option (a LABEL starting with '-' goes after --)");
		}
		if (!idreg_confusable_level_parse(optarg, &level)) {
			return cli_usage_error(cmd,
					       "--level takes ascii, single-script, highly-restrictive, "
					       "moderately-restrictive, minimally-restrictive or "
					       "unrestricted");
		}
	}
	char line[IDREG_CONFUSABLE_INPUT_MAX + 1];
	return each_item(check_label, &level, argc, argv, line, sizeof(line));
}

/* ---- idn email ---- */

/* "ADDRESS\tvalid\tLOCAL@ASCII-DOMAIN" or "ADDRESS\tinvalid\tREASON" */
static int check_address(const void *how, const char *text, size_t len, size_t kept)
{
	(void)how;
	struct idreg_email email;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_email_check(text, len, &email, NULL, &diag);
	if (err != IDREG_OK && err != IDREG_EPARSE) {
		cli_fail(&diag, err);
		return -1;
	}
	put_item(text, len, kept);
	if (err == IDREG_OK) {
		fputs("\tvalid\t", stdout);
		cli_put_field(text, email.local_len + 1, stdout);
		printf("%s\n", email.domain_ascii);
		return CLI_OK;
	}
	fputs("\tinvalid\t", stdout);
	cli_put_field(diag.text, strlen(diag.text), stdout);
	fputc('\n', stdout);
	return CLI_FAIL;
}

int cli_cmd_idn_email(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	const struct cli_command *cmd = cli_find_command("idn", "email");
	static const struct option options[] = { { NULL, 0, NULL, 0 } };
	if (getopt_long(argc, argv, "", options, NULL) != -1) {
		return cli_usage_error(cmd, "unknown option (an ADDRESS starting with '-' goes after --)");
	}
	char line[IDREG_EMAIL_ADDRESS_MAX + 1];
	return each_item(check_address, NULL, argc, argv, line, sizeof(line));
}
