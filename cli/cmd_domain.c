/*
 * idreg domain show: everything the registry keeps about one provisioned
 * domain.  Its server locks are set in cmd_lock.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "idn/uts46.h"
#include "provision/domain.h"

static void print_time(const char *key, int64_t t)
{
	char text[IDREG_TIME_TEXT_MAX];
	if (t == IDREG_TIME_NONE) {
		printf("%s\t-\n", key);
		return;
	}
	idreg_time_format(t, text);
	printf("%s\t%s\n", key, text);
}

static void print_text(const char *key, const char *value)
{
	printf("%s\t", key);
	if (value != NULL) {
		cli_put_field(value, strlen(value), stdout);
	} else {
		putchar('-');
	}
	putchar('\n');
}

static void print_domain(const struct idreg_prov_domain *d)
{
	char roid[64];
	idreg_prov_domain_roid(d, roid, sizeof(roid));
	print_text("name", d->domain.ldh_name);
	print_text("unicode_name", d->domain.unicode_name);
	print_text("roid", roid);
	printf("status\t");
	for (enum idreg_domain_status st = 0, n = 0; st < IDREG_DOMAIN_STATUS_COUNT; st++) {
		if (d->domain.status & (1u << st)) {
			printf("%s%s", n++ ? " " : "", idreg_domain_status_epp_name(st));
		}
	}
	putchar('\n');
	print_text("sponsor", d->sponsor != NULL ? d->sponsor : "(registry)");
	print_text("creator", d->creator);
	print_text("updater", d->updater);
	print_time("created", d->domain.registered);
	print_time("expires", d->domain.expires);
	print_time("updated", d->domain.last_changed);
	print_time("transferred", d->transferred);
	print_text("auth_info", d->auth_info != NULL ? "set" : NULL);
	print_text("idn_table", d->idn_table);
	for (size_t i = 0; i < d->domain.n_contacts; i++) {
		for (int r = 0; r < IDREG_ROLE_COUNT; r++) {
			if (d->domain.contacts[i].roles & (1u << r)) {
				printf("contact\t%s\t", idreg_role_name((enum idreg_role)r));
				cli_put_field(d->domain.contacts[i].handle,
					      strlen(d->domain.contacts[i].handle), stdout);
				putchar('\n');
			}
		}
	}
	for (size_t i = 0; i < d->domain.n_ns; i++) {
		print_text("nameserver", d->domain.nameservers[i]);
	}
	for (size_t i = 0; i < d->domain.n_ds; i++) {
		const struct idreg_ds *ds = &d->domain.ds[i];
		printf("ds\t%u %u %u %s\n", ds->key_tag, ds->algorithm, ds->digest_type, ds->digest);
	}
	for (size_t i = 0; i < d->n_grace; i++) {
		char ends[IDREG_TIME_TEXT_MAX];
		idreg_time_format(d->grace[i].ends, ends);
		printf("grace\t%s\t%s\n", idreg_grace_name(d->grace[i].period), ends);
	}
	for (size_t i = 0; i < d->n_variants; i++) {
		printf("variant\t%s\t", idreg_variant_state_name(d->variants[i].state));
		cli_put_field(d->variants[i].ldh_name, strlen(d->variants[i].ldh_name), stdout);
		putchar('\t');
		cli_put_field(d->variants[i].unicode_name, strlen(d->variants[i].unicode_name),
			      stdout);
		putchar('\n');
	}
}

int cli_cmd_domain_show(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("domain", "show");
	if (argc != 2) {
		return cli_usage_error(cmd, "give one NAME");
	}
	struct idreg_diag diag = { "" };
	char ldh[IDREG_UTS46_ASCII_MAX];
	struct idreg_store *store = NULL;
	struct idreg_arena arena;
	idreg_arena_init(&arena, 4096, 0);
	idreg_err err = idreg_uts46_to_ascii(argv[1], strlen(argv[1]), ldh, sizeof(ldh), &diag);
	if (err == IDREG_OK) {
		err = cli_open_store(cli, false, &store, &diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->begin(store, &diag);
	}
	if (err == IDREG_OK) {
		struct idreg_prov_domain d;
		err = store->ops->prov_domain_get(store, ldh, &arena, &d, &diag);
		if (err == IDREG_OK) {
			print_domain(&d);
		}
		store->ops->rollback(store);
	}
	idreg_store_close(store);
	idreg_arena_free(&arena);
	return err == IDREG_OK ? CLI_OK : cli_fail(&diag, err);
}
