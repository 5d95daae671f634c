/*
 * idn register-check: the IDN registration policy (lib/idn/policy.h, the
 * [idn] configuration) applied to names against the registry's domains:
 * the decision and its reason, and each variant label with what becomes of
 * it.  Also the loading of the configured policy, which import domains
 * uses to key the domains it writes.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "domains/held.h"

idreg_err cli_idn_policy(struct cli *cli, struct idreg_idn_policy **policy,
			 struct idreg_idn_checker **checker, struct idreg_diag *diag)
{
	struct idreg_idn_policy_settings settings[IDREG_IDN_MAX_ZONES + 1];
	size_t n;
	idreg_err err = idreg_idn_policy_settings(&cli->config, settings, &n, diag);
	if (err == IDREG_OK) {
		err = idreg_idn_policy_load(settings, n, policy, diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	if (idreg_idn_checker_new(*policy, checker) != IDREG_OK) {
		idreg_idn_policy_free(*policy);
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	return IDREG_OK;
}

void cli_idn_policy_free(struct idreg_idn_policy *policy, struct idreg_idn_checker *checker)
{
	idreg_idn_checker_free(checker);
	idreg_idn_policy_free(policy);
}

struct register_check {
	struct idreg_idn_checker *checker;
	struct idreg_idn_holdings holdings;
	const char *registrant;
};

/* A name as a TSV field: whole, or its first 64 bytes when the line was longer than kept. */
static void put_name(const char *text, size_t len, size_t kept)
{
	if (len <= kept) {
		cli_put_field(text, len, stdout);
	} else {
		cli_put_field(text, 64, stdout);
		fputs("...", stdout);
	}
}

static void put_text(const char *text)
{
	cli_put_field(text, strlen(text), stdout);
}

/*
 * "NAME\tU-NAME\tVERDICT\tREASON", then for each variant label
 * "NAME\tVARIANT\tFATE\tDISPOSITION: REASON".  CLI_OK when accepted or
 * flagged, CLI_FAIL when refused, -1 when the check itself failed.
 */
static int check_name(const struct register_check *rc, const char *text, size_t len, size_t kept)
{
	struct idreg_idn_decision d;
	struct idreg_diag diag = { "" };
	if (len > kept) {
		put_name(text, len, kept);
		printf("\t-\trefused\tlonger than a name can be\n");
		return CLI_FAIL;
	}
	idreg_err err = idreg_idn_decide(rc->checker, text, len, rc->registrant, &rc->holdings, &d,
					 &diag);
	if (err != IDREG_OK) {
		cli_fail(&diag, err);
		return -1;
	}
	const char *verdict = idreg_idn_outcome_verdict(d.outcome);
	put_name(text, len, kept);
	fputc('\t', stdout);
	put_text(d.unicode_name[0] ? d.unicode_name : "-");
	printf("\t%s\t", verdict);
	put_text(d.reason);
	fputc('\n', stdout);
	for (size_t i = 0; i < d.n_variants; i++) {
		const struct idreg_idn_variant *v = &d.variants[i];
		put_name(text, len, kept);
		fputc('\t', stdout);
		put_text(v->unicode_name);
		printf("\t%s\t%s: ", idreg_idn_fate_name(v->fate), v->disposition);
		put_text(v->reason);
		fputc('\n', stdout);
	}
	if (d.variants_truncated) {
		idreg_log_warn("%s: more variant labels than idn.max_variants permutations; not all listed",
			       d.unicode_name);
	}
	return strcmp(verdict, "refused") == 0 ? CLI_FAIL : CLI_OK;
}

static int check_all(const struct register_check *rc, int argc, char **argv)
{
	int status = CLI_OK;
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			size_t len = strlen(argv[i]);
			int one = check_name(rc, argv[i], len, IDREG_UTS46_INPUT_MAX);
			if (one < 0) {
				return CLI_FAIL;
			}
			status = one != CLI_OK ? one : status;
		}
		return status;
	}
	char line[IDREG_UTS46_INPUT_MAX + 1];
	size_t len;
	while (cli_next_line(line, sizeof(line), &len)) {
		int one = check_name(rc, line, len, IDREG_UTS46_INPUT_MAX);
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

int cli_cmd_idn_register_check(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("idn", "register-check");
	static const struct option options[] = {
		{ "registrant", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct register_check rc = { 0 };
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'r') {
			return cli_usage_error(cmd, "unknown option (a NAME starting with '-' goes after --)");
		}
		if (optarg[0] == '\0') {
			return cli_usage_error(cmd, "--registrant takes an entity handle");
		}
		rc.registrant = optarg;
	}
	struct idreg_idn_policy *policy;
	struct idreg_store *store;
	struct idreg_diag diag = { "" };
	idreg_err err = cli_idn_policy(cli, &policy, &rc.checker, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	err = cli_open_store(cli, false, &store, &diag);
	if (err != IDREG_OK) {
		cli_idn_policy_free(policy, rc.checker);
		return cli_fail(&diag, err);
	}
	struct idreg_domain_counts counts;
	err = store->ops->domain_counts(store, &counts, &diag);
	int status = CLI_FAIL;
	if (err != IDREG_OK) {
		cli_fail(&diag, err);
		goto out;
	}
	if (counts.without_keys > 0) {
		idreg_log_warn("%llu of the registry's domains have no IDN keys yet and are not found: "
			       "'idreg import domains' with this configuration sets them",
			       (unsigned long long)counts.without_keys);
	}
	idreg_held_domains(store, &rc.holdings);
	status = check_all(&rc, argc, argv);
out:
	idreg_store_close(store);
	cli_idn_policy_free(policy, rc.checker);
	return status;
}
