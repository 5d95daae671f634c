/*
 * Shared state of the idreg command-line tool: the configuration, the
 * command table, and helpers the command files use.
 */
#ifndef IDREG_CLI_CLI_H
#define IDREG_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/config.h"
#include "core/error.h"
#include "core/skip.h"
#include "idn/policy.h"
#include "store/store.h"

struct cli {
	struct idreg_config config;
	const char *program;
};

/** A command: "import rir", "lookup", ... declared once in main.c. */
struct cli_command {
	const char *name;     /* first word */
	const char *object;   /* second word, or NULL */
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;    /* arguments after the command words */
	const char *summary;  /* one line */
	const char *help;     /* the rest of --help */
};

/** Exit statuses. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/** The actor of a change set: "idreg @words" and the arguments after argv[0], as
 * typed (call it before getopt reorders @argv), bounded by @size. */
void cli_actor(int argc, char **argv, const char *words, char *out, size_t size);

/** Print "idreg: message" for @err and return CLI_FAIL. */
int cli_fail(const struct idreg_diag *diag, idreg_err err);

/** Print a usage error with a pointer to --help; returns CLI_USAGE. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Print a command's --help. */
void cli_print_help(const struct cli_command *cmd);

/** Open the configured registry (create: make a new one). */
idreg_err cli_open_store(struct cli *cli, bool create, struct idreg_store **out,
			 struct idreg_diag *diag);

/** Warn about the lines of @path left out by --skip-bad. */
void cli_warn_skips(const char *path, const struct idreg_skip *kept, size_t count);

/** Does @arg ask for help? */
bool cli_is_help(const char *arg);

/** Write @text to @out with tabs, line ends and other control characters as '?'. */
void cli_put_field(const char *text, size_t len, FILE *out);

/**
 * The next line of standard input, without its line end, in @buf: at most
 * @size bytes kept, its whole length in *@len.  false at the end of input.
 */
bool cli_next_line(char *buf, size_t size, size_t *len);

/* Commands, in cmd_numres.c. */
int cli_cmd_init(struct cli *cli, int argc, char **argv);
int cli_cmd_import_rir(struct cli *cli, int argc, char **argv);
int cli_cmd_export_rir(struct cli *cli, int argc, char **argv);
int cli_cmd_export_bootstrap(struct cli *cli, int argc, char **argv);
int cli_cmd_lookup(struct cli *cli, int argc, char **argv);
int cli_cmd_summary(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_domains.c. */
int cli_cmd_import_domains(struct cli *cli, int argc, char **argv);
int cli_cmd_show_domain(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_idn.c. */
int cli_cmd_idn_toascii(struct cli *cli, int argc, char **argv);
int cli_cmd_idn_tounicode(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_lgr.c. */
int cli_cmd_idn_check(struct cli *cli, int argc, char **argv);
int cli_cmd_idn_variants(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_confusable.c. */
int cli_cmd_idn_confusable(struct cli *cli, int argc, char **argv);
int cli_cmd_idn_email(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_policy.c. */
int cli_cmd_idn_register_check(struct cli *cli, int argc, char **argv);

/** The configured IDN policy ([idn]), loaded, and a checker for it. */
idreg_err cli_idn_policy(struct cli *cli, struct idreg_idn_policy **policy,
			 struct idreg_idn_checker **checker, struct idreg_diag *diag);
void cli_idn_policy_free(struct idreg_idn_policy *policy, struct idreg_idn_checker *checker);

/* Commands, in cmd_eir.c. */
int cli_cmd_eir_sample(struct cli *cli, int argc, char **argv);
int cli_cmd_eir_import(struct cli *cli, int argc, char **argv);
int cli_cmd_eir_classify(struct cli *cli, int argc, char **argv);
int cli_cmd_eir_show(struct cli *cli, int argc, char **argv);
int cli_cmd_eir_lists(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_alloc.c. */
int cli_cmd_alloc_pool(struct cli *cli, int argc, char **argv);
int cli_cmd_alloc_request(struct cli *cli, int argc, char **argv);
int cli_cmd_alloc_return(struct cli *cli, int argc, char **argv);
int cli_cmd_alloc_transfer(struct cli *cli, int argc, char **argv);
int cli_cmd_alloc_grow(struct cli *cli, int argc, char **argv);
int cli_cmd_alloc_assign(struct cli *cli, int argc, char **argv);
int cli_cmd_alloc_unassign(struct cli *cli, int argc, char **argv);
int cli_cmd_alloc_show(struct cli *cli, int argc, char **argv);
int cli_cmd_alloc_waiting(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_epp.c. */
int cli_cmd_epp_tick(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_registrar.c. */
int cli_cmd_registrar_add(struct cli *cli, int argc, char **argv);
int cli_cmd_registrar_list(struct cli *cli, int argc, char **argv);
int cli_cmd_registrar_passwd(struct cli *cli, int argc, char **argv);
int cli_cmd_registrar_disable(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_lock.c. */
int cli_cmd_domain_lock(struct cli *cli, int argc, char **argv);
int cli_cmd_domain_unlock(struct cli *cli, int argc, char **argv);
int cli_cmd_host_lock(struct cli *cli, int argc, char **argv);
int cli_cmd_host_unlock(struct cli *cli, int argc, char **argv);
int cli_cmd_contact_lock(struct cli *cli, int argc, char **argv);
int cli_cmd_contact_unlock(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_domain.c. */
int cli_cmd_domain_show(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_tld.c. */
int cli_cmd_tld_add(struct cli *cli, int argc, char **argv);
int cli_cmd_tld_set(struct cli *cli, int argc, char **argv);
int cli_cmd_tld_show(struct cli *cli, int argc, char **argv);
int cli_cmd_tld_list(struct cli *cli, int argc, char **argv);
int cli_cmd_tld_reserve(struct cli *cli, int argc, char **argv);
int cli_cmd_tld_unreserve(struct cli *cli, int argc, char **argv);

/* Commands, in cmd_stats.c. */
int cli_cmd_stats(struct cli *cli, int argc, char **argv);

/** The command table and its lookup, in main.c. */
const struct cli_command *cli_find_command(const char *name, const char *object);

#endif
