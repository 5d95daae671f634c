/*
 * The IDNA commands of idreg: idn toascii and idn tounicode check names as
 * a registry must before registering them (lib/idn/idna2008.h) and print
 * their A-label or U-label form; given no name, they read one per line from
 * standard input and write a tab-separated line for each, for batch use.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "idn/idna2008.h"

/* Check each line of standard input: "NAME\tok\tFORM" or "NAME\trefused\tREASON". */
static int convert_lines(bool to_ascii)
{
	/* A longer line is refused for its length before its bytes are looked at. */
	char line[IDREG_UTS46_INPUT_MAX + 1];
	size_t len;
	int status = CLI_OK;
	while (cli_next_line(line, sizeof(line), &len)) {
		struct idreg_idna2008_name name;
		struct idreg_diag diag = { "" };
		idreg_err err = idreg_idna2008_check_name(line, len, &name, NULL, &diag);
		if (len <= IDREG_UTS46_INPUT_MAX) {
			cli_put_field(line, len, stdout);
		} else {
			cli_put_field(line, 64, stdout);
			fputs("...", stdout);
		}
		if (err == IDREG_OK) {
			printf("\tok\t%s\n", to_ascii ? name.ascii : name.unicode);
			continue;
		}
		fputs("\trefused\t", stdout);
		cli_put_field(diag.text, strlen(diag.text), stdout);
		fputc('\n', stdout);
		if (err != IDREG_EPARSE) {
			return cli_fail(&diag, err);
		}
		status = CLI_FAIL;
	}
	if (ferror(stdin)) {
		idreg_log_error("reading standard input failed");
		return CLI_FAIL;
	}
	return status;
}

static int convert(const char *command, bool to_ascii, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("idn", command);
	static const struct option options[] = { { NULL, 0, NULL, 0 } };
	if (getopt_long(argc, argv, "", options, NULL) != -1) {
		return cli_usage_error(cmd, "unknown option (a NAME starting with '-' goes after --)");
	}
	if (optind >= argc) {
		return convert_lines(to_ascii);
	}
	int status = CLI_OK;
	for (int i = optind; i < argc; i++) {
		struct idreg_idna2008_name name;
		struct idreg_diag diag = { "" };
		idreg_err err = idreg_idna2008_check_name(argv[i], strlen(argv[i]), &name, NULL, &diag);
		if (err == IDREG_OK) {
			printf("%s\n", to_ascii ? name.ascii : name.unicode);
		} else if (err == IDREG_EPARSE) {
			idreg_log_error("%s: %s", argv[i], diag.text);
			status = CLI_FAIL;
		} else {
			return cli_fail(&diag, err);
		}
	}
	return status;
}

int cli_cmd_idn_toascii(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	return convert("toascii", true, argc, argv);
}

int cli_cmd_idn_tounicode(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	return convert("tounicode", false, argc, argv);
}
