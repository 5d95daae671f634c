/*
 * idreg domain|host|contact lock|unlock: the registry operator's server
 * locks (lib/provision/lock.h), one transaction each with its history line.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "provision/lock.h"

/* OBJECT lock / OBJECT unlock: NAME STATUS... */
static int object_lock(struct cli *cli, int argc, char **argv, enum idreg_lock_object object,
		       bool lock)
{
	const char *noun = idreg_lock_object_name(object);
	const char *verb = lock ? "lock" : "unlock";
	const struct cli_command *cmd = cli_find_command(noun, verb);
	if (argc < 3) {
		return cli_usage_error(cmd, "give %s and one STATUS or more",
				       object == IDREG_LOCK_CONTACT ? "ID" : "NAME");
	}
	char words[32], actor[600];
	snprintf(words, sizeof(words), "%s %s", noun, verb);
	cli_actor(argc, argv, words, actor, sizeof(actor));
	struct idreg_diag diag = { "" };
	uint32_t statuses = 0;
	for (int i = 2; i < argc; i++) {
		if (idreg_server_lock_parse(object, argv[i], &statuses, &diag) != IDREG_OK) {
			return cli_usage_error(cmd, "%s", diag.text);
		}
	}
	struct idreg_store *store = NULL;
	idreg_err err = cli_open_store(cli, false, &store, &diag);
	if (err == IDREG_OK) {
		err = idreg_server_lock(store, object, argv[1], statuses, lock, actor, &diag);
	}
	idreg_store_close(store);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}

int cli_cmd_domain_lock(struct cli *cli, int argc, char **argv)
{
	return object_lock(cli, argc, argv, IDREG_LOCK_DOMAIN, true);
}

int cli_cmd_domain_unlock(struct cli *cli, int argc, char **argv)
{
	return object_lock(cli, argc, argv, IDREG_LOCK_DOMAIN, false);
}

int cli_cmd_host_lock(struct cli *cli, int argc, char **argv)
{
	return object_lock(cli, argc, argv, IDREG_LOCK_HOST, true);
}

int cli_cmd_host_unlock(struct cli *cli, int argc, char **argv)
{
	return object_lock(cli, argc, argv, IDREG_LOCK_HOST, false);
}

int cli_cmd_contact_lock(struct cli *cli, int argc, char **argv)
{
	return object_lock(cli, argc, argv, IDREG_LOCK_CONTACT, true);
}

int cli_cmd_contact_unlock(struct cli *cli, int argc, char **argv)
{
	return object_lock(cli, argc, argv, IDREG_LOCK_CONTACT, false);
}
