/*
 * idreg registrar: the accounts EPP clients log in with -- add, list,
 * change a password, disable.  Passwords come from standard input or a
 * file, never from the command line (where other users' ps would see
 * them); lib/registrar checks and hashes them and the store keeps them.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "registrar/registrar.h"

/* Longer than any password accepted, so that a long one is refused, not cut. */
#define PASSWORD_READ_MAX 256

/* The first line of @path ("-" or NULL: standard input), without its line end. */
static idreg_err read_password(const char *path, char *out, size_t size, struct idreg_diag *diag)
{
	bool from_stdin = path == NULL || strcmp(path, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(path, "r");
	if (f == NULL) {
		return idreg_diag_set(diag, IDREG_EIO, "%s: cannot open the password file", path);
	}
	bool got = fgets(out, (int)size, f) != NULL;
	if (!from_stdin) {
		fclose(f);
	}
	if (!got) {
		return idreg_diag_set(diag, IDREG_EINVAL, "%s: no password there",
				      from_stdin ? "standard input" : path);
	}
	out[strcspn(out, "\r\n")] = '\0';
	return IDREG_OK;
}

/* Write @r (new with @create) in one transaction. */
static idreg_err store_registrar(struct cli *cli, const struct idreg_registrar *r, bool create,
				 struct idreg_diag *diag)
{
	struct idreg_store *store = NULL;
	idreg_err err = cli_open_store(cli, false, &store, diag);
	if (err == IDREG_OK) {
		err = store->ops->begin(store, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->registrar_put(store, r, create, diag);
		if (err == IDREG_OK) {
			err = store->ops->commit(store, diag);
		} else {
			store->ops->rollback(store);
		}
	}
	idreg_store_close(store);
	return err;
}

static idreg_err load_registrar(struct cli *cli, const char *id, struct idreg_registrar *r,
				struct idreg_diag *diag)
{
	struct idreg_store *store = NULL;
	idreg_err err = cli_open_store(cli, false, &store, diag);
	if (err == IDREG_OK) {
		err = store->ops->registrar_get(store, id, r, diag);
	}
	idreg_store_close(store);
	return err;
}

int cli_cmd_registrar_add(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("registrar", "add");
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "cert-sha256", required_argument, NULL, 'c' },
		{ "allow", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *password_file = NULL, *pin = "", *allow = "";
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'n': name = optarg; break;
		case 'p': password_file = optarg; break;
		case 'c': pin = optarg; break;
		case 'a': allow = optarg; break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (argc - optind != 1 || name == NULL) {
		return cli_usage_error(cmd, "give one ID and --name NAME");
	}
	struct idreg_registrar r = { .enabled = true };
	struct idreg_diag diag = { "" };
	char password[PASSWORD_READ_MAX];
	idreg_err err = idreg_registrar_check_id(argv[optind], &diag);
	if (err == IDREG_OK && (name[0] == '\0' || strlen(name) > IDREG_REGISTRAR_NAME_MAX)) {
		err = idreg_diag_set(&diag, IDREG_EINVAL, "--name: 1 to %d bytes",
				     IDREG_REGISTRAR_NAME_MAX);
	}
	if (err == IDREG_OK) {
		snprintf(r.id, sizeof(r.id), "%s", argv[optind]);
		snprintf(r.name, sizeof(r.name), "%s", name);
		err = idreg_registrar_set_pin(&r, pin, &diag);
	}
	if (err == IDREG_OK) {
		err = idreg_registrar_set_allow(&r, allow, &diag);
	}
	if (err == IDREG_OK) {
		err = read_password(password_file, password, sizeof(password), &diag);
	}
	if (err == IDREG_OK) {
		err = idreg_registrar_set_password(&r, password, &diag);
	}
	if (err == IDREG_OK) {
		err = store_registrar(cli, &r, true, &diag);
	}
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

static idreg_err print_registrar(void *ctx, const struct idreg_registrar *r)
{
	(void)ctx;
	fputs(r->id, stdout);
	putchar('\t');
	cli_put_field(r->name, strlen(r->name), stdout);
	printf("\t%s\t%s\t%s\t%s\n", r->enabled ? "enabled" : "disabled",
	       r->cert_sha256[0] ? r->cert_sha256 : "-", r->allow[0] ? r->allow : "-",
	       r->changed_at);
	return IDREG_OK;
}

int cli_cmd_registrar_list(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("registrar", "list");
	if (argc > 1) {
		return cli_usage_error(cmd, "no arguments");
	}
	struct idreg_diag diag = { "" };
	struct idreg_store *store = NULL;
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err == IDREG_OK) {
		err = store->ops->registrar_each(store, print_registrar, NULL, &diag);
	}
	idreg_store_close(store);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

int cli_cmd_registrar_passwd(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("registrar", "passwd");
	static const struct option options[] = {
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *password_file = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'p') {
			return cli_usage_error(cmd, "unknown option");
		}
		password_file = optarg;
	}
	if (argc - optind != 1) {
		return cli_usage_error(cmd, "give one ID");
	}
	struct idreg_registrar r;
	struct idreg_diag diag = { "" };
	char password[PASSWORD_READ_MAX];
	idreg_err err = load_registrar(cli, argv[optind], &r, &diag);
	if (err == IDREG_OK) {
		err = read_password(password_file, password, sizeof(password), &diag);
	}
	if (err == IDREG_OK) {
		err = idreg_registrar_set_password(&r, password, &diag);
	}
	if (err == IDREG_OK) {
		err = store_registrar(cli, &r, false, &diag);
	}
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

int cli_cmd_registrar_disable(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("registrar", "disable");
	if (argc != 2) {
		return cli_usage_error(cmd, "give one ID");
	}
	struct idreg_registrar r;
	struct idreg_diag diag = { "" };
	idreg_err err = load_registrar(cli, argv[1], &r, &diag);
	if (err == IDREG_OK) {
		r.enabled = false;
		err = store_registrar(cli, &r, false, &diag);
	}
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}
