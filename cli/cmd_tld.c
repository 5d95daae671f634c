/*
 * idreg tld: the TLDs the registry serves -- add one, change its settings,
 * show one or all, keep labels back from registration.  lib/provision
 * does the work, one transaction each with its history line.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "provision/tld_admin.h"

/* The actor of a change set: the command as typed, bounded. */
static void actor_of(int argc, char **argv, const char *words, char *out, size_t size)
{
	size_t used = (size_t)snprintf(out, size, "idreg %s", words);
	for (int i = 1; i < argc && used < size; i++) {
		used += (size_t)snprintf(out + used, size - used, " %s", argv[i]);
	}
}

/* tld add / tld set: NAME and the settings' options. */
static int tld_write(struct cli *cli, int argc, char **argv, bool create)
{
	const char *verb = create ? "add" : "set";
	const struct cli_command *cmd = cli_find_command("tld", verb);
	static const struct option options[] = {
		{ "periods", required_argument, NULL, 0 },
		{ "default-period", required_argument, NULL, 0 },
		{ "add-grace", required_argument, NULL, 0 },
		{ "renew-grace", required_argument, NULL, 0 },
		{ "autorenew-grace", required_argument, NULL, 0 },
		{ "transfer-grace", required_argument, NULL, 0 },
		{ "redemption", required_argument, NULL, 0 },
		{ "pending-delete", required_argument, NULL, 0 },
		{ "transfer-wait", required_argument, NULL, 0 },
		{ "idn-tables", required_argument, NULL, 0 },
		{ NULL, 0, NULL, 0 },
	};
	/* The actor before getopt_long reorders argv. */
	char words[16], actor[600];
	snprintf(words, sizeof(words), "tld %s", verb);
	actor_of(argc, argv, words, actor, sizeof(actor));
	struct idreg_tld_edit edit;
	memset(&edit, 0, sizeof(edit));
	struct idreg_diag diag = { "" };
	int opt, index = 0;
	bool changed = false;
	while ((opt = getopt_long(argc, argv, "", options, &index)) != -1) {
		if (opt != 0) {
			return cli_usage_error(cmd, "unknown option");
		}
		if (idreg_tld_edit_option(&edit, options[index].name, optarg, &diag) != IDREG_OK) {
			return cli_usage_error(cmd, "%s", diag.text);
		}
		changed = true;
	}
	if (argc - optind != 1) {
		return cli_usage_error(cmd, "give one NAME");
	}
	if (!create && !changed) {
		return cli_usage_error(cmd, "give a setting to change");
	}
	struct idreg_store *store = NULL;
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err == IDREG_OK) {
		err = idreg_tld_write(store, argv[optind], create, &edit, actor, &diag);
	}
	idreg_store_close(store);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

int cli_cmd_tld_add(struct cli *cli, int argc, char **argv)
{
	return tld_write(cli, argc, argv, true);
}

int cli_cmd_tld_set(struct cli *cli, int argc, char **argv)
{
	return tld_write(cli, argc, argv, false);
}

static idreg_err print_reserved(void *ctx, const struct idreg_tld_reserved *r)
{
	(void)ctx;
	printf("reserved\t%s\t", r->label);
	cli_put_field(r->reason, strlen(r->reason), stdout);
	putchar('\n');
	return IDREG_OK;
}

int cli_cmd_tld_show(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("tld", "show");
	if (argc != 2) {
		return cli_usage_error(cmd, "give one NAME");
	}
	struct idreg_diag diag = { "" };
	char ldh[IDREG_UTS46_ASCII_MAX], unicode[IDREG_UTS46_UNICODE_MAX];
	struct idreg_store *store = NULL;
	struct idreg_arena arena;
	idreg_arena_init(&arena, 1024, 0);
	idreg_err err = idreg_label_forms(argv[1], ldh, unicode, &diag);
	if (err == IDREG_OK) {
		err = cli_open_store(cli, false, &store, &diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->begin(store, &diag);
	}
	if (err == IDREG_OK) {
		struct idreg_tld t;
		err = store->ops->tld_get(store, ldh, &arena, &t, &diag);
		if (err == IDREG_OK) {
			printf("name\t%s\nunicode_name\t%s\nperiods\t%d-%d\ndefault-period\t%d\n",
			       t.name, t.unicode_name, t.min_years, t.max_years, t.default_years);
			for (int p = 0; p < IDREG_TLD_PERIOD_COUNT; p++) {
				char d[32];
				idreg_duration_format(t.periods[p], d, sizeof(d));
				printf("%s\t%s\n", idreg_tld_period_option((enum idreg_tld_period)p), d);
			}
			printf("idn-tables\t%s\ncreated\t%s\nchanged\t%s\n",
			       t.idn_tables[0] ? t.idn_tables : "-", t.created_at, t.changed_at);
			err = store->ops->tld_reserved_each(store, ldh, print_reserved, NULL, &diag);
		}
		store->ops->rollback(store);
	}
	idreg_store_close(store);
	idreg_arena_free(&arena);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

static idreg_err print_tld(void *ctx, const struct idreg_tld *t)
{
	(void)ctx;
	printf("%s\t%s\t%d-%d\t%d\t%s\n", t->name, t->unicode_name, t->min_years, t->max_years,
	       t->default_years, t->idn_tables[0] ? t->idn_tables : "-");
	return IDREG_OK;
}

int cli_cmd_tld_list(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("tld", "list");
	if (argc > 1) {
		return cli_usage_error(cmd, "no arguments");
	}
	(void)argv;
	struct idreg_diag diag = { "" };
	struct idreg_store *store = NULL;
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err == IDREG_OK) {
		err = store->ops->tld_each(store, print_tld, NULL, &diag);
	}
	idreg_store_close(store);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

/* tld reserve / tld unreserve: NAME LABEL [--reason TEXT]. */
static int tld_reservation(struct cli *cli, int argc, char **argv, bool reserve)
{
	const char *verb = reserve ? "reserve" : "unreserve";
	const struct cli_command *cmd = cli_find_command("tld", verb);
	static const struct option options[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	char words[16], actor[600];
	snprintf(words, sizeof(words), "tld %s", verb);
	actor_of(argc, argv, words, actor, sizeof(actor));
	const char *reason = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "", reserve ? options : options + 1, NULL)) != -1) {
		if (opt != 'r') {
			return cli_usage_error(cmd, "unknown option");
		}
		reason = optarg;
	}
	if (argc - optind != 2 || (reserve && reason == NULL)) {
		return cli_usage_error(cmd, reserve ? "give NAME, LABEL and --reason TEXT"
						    : "give NAME and LABEL");
	}
	struct idreg_diag diag = { "" };
	struct idreg_store *store = NULL;
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err == IDREG_OK) {
		err = idreg_tld_reserve_label(store, argv[optind], argv[optind + 1], reason, reserve,
					      actor, &diag);
	}
	idreg_store_close(store);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

int cli_cmd_tld_reserve(struct cli *cli, int argc, char **argv)
{
	return tld_reservation(cli, argc, argv, true);
}

int cli_cmd_tld_unreserve(struct cli *cli, int argc, char **argv)
{
	return tld_reservation(cli, argc, argv, false);
}
