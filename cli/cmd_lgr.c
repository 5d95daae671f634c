/*
 * The label generation rules commands of idreg (lib/idn/lgr.h): idn check
 * gives each label's disposition under an RFC 7940 LGR, the reason for it
 * and the label's index label; idn variants lists a label's variant labels
 * with their dispositions.  Labels come from the command line or, given
 * none, one a line from standard input; every answer is a tab-separated
 * line, so that batches can be processed by other tools.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "idn/lgr.h"

/* A label line longer than this is refused before it is decoded. */
#define LABEL_LINE_MAX (4 * IDREG_LGR_LABEL_MAX)

struct lgr_command {
	const struct cli_command *cmd;
	const char *lgr_path;
	struct idreg_lgr_options load;
	struct idreg_lgr_variant_options variants;
	struct idreg_lgr *lgr;
	struct idreg_lgr_eval *ev;
	int status;
	size_t labels; /* read so far */
	const char *error_columns; /* after the label, before the reason, on an error line */
	/* the work for one label */
	void (*each)(struct lgr_command *c, const char *text, size_t len, const uint32_t *cps,
		     size_t n);
};

static int parse_options(struct lgr_command *c, int argc, char **argv, bool variants)
{
	static const struct option options[] = {
		{ "lgr", required_argument, NULL, 'l' },
		{ "schema", required_argument, NULL, 's' },
		{ "max", required_argument, NULL, 'm' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'l': c->lgr_path = optarg; break;
		case 's': c->load.schema_path = optarg; break;
		case 'm':
			if (!variants) {
				return cli_usage_error(c->cmd, "--max is an option of 'idn variants'");
			}
			c->variants.max_generated = strtoul(optarg, &end, 10);
			if (*end != '\0' || optarg[0] < '1' || optarg[0] > '9' ||
			    c->variants.max_generated > 100000000) {
				return cli_usage_error(c->cmd, "--max takes a number from 1 to 100000000");
			}
			break;
		case 'a':
			if (!variants) {
				return cli_usage_error(c->cmd, "--all is an option of 'idn variants'");
			}
			c->variants.include_invalid = true;
			break;
		default:
			return cli_usage_error(c->cmd,
					       "unknown option (a LABEL starting with '-' goes after --)");
		}
	}
	if (c->lgr_path == NULL) {
		return cli_usage_error(c->cmd, "name the LGR with --lgr FILE");
	}
	if (variants && argc - optind > 1) {
		return cli_usage_error(c->cmd, "one LABEL (or none, to read labels from standard input)");
	}
	return CLI_OK;
}

/* The label's UTF-8 text as a TSV field. */
static void put_label(const char *text, size_t len)
{
	if (len <= LABEL_LINE_MAX) {
		cli_put_field(text, len, stdout);
	} else {
		cli_put_field(text, 64, stdout);
		fputs("...", stdout);
	}
}

/* Room for the UTF-8 text of an index label. */
#define INDEX_TEXT_MAX (4 * IDREG_LGR_INDEX_MAX + 1)

static void put_cps(const uint32_t *cps, size_t n)
{
	char text[INDEX_TEXT_MAX];
	if (idreg_lgr_label_encode(cps, n, text, sizeof(text)) == IDREG_OK) {
		fputs(text, stdout);
	}
}

static void put_reason(const struct idreg_lgr *lgr, const struct idreg_lgr_disposition *d)
{
	char reason[512];
	idreg_lgr_reason(lgr, d, reason, sizeof(reason));
	fputs(reason, stdout);
}

/* The index label as text, or "-" for a label that is invalid. */
static void index_text(struct lgr_command *c, const uint32_t *cps, size_t n,
		       const struct idreg_lgr_disposition *d, char *out, size_t size)
{
	uint32_t index[IDREG_LGR_INDEX_MAX];
	size_t len;
	if (idreg_lgr_is_invalid(d) ||
	    idreg_lgr_index_label(c->ev, cps, n, index, IDREG_LGR_INDEX_MAX, &len) != IDREG_OK ||
	    idreg_lgr_label_encode(index, len, out, size) != IDREG_OK) {
		snprintf(out, size, "-");
	}
}

/* Decode one label and do the command's work, or say why it cannot be read. */
static void one_label(struct lgr_command *c, const char *text, size_t len)
{
	uint32_t cps[IDREG_LGR_LABEL_MAX];
	size_t n;
	struct idreg_diag diag = { "" };
	c->labels++;
	if (len > LABEL_LINE_MAX) {
		idreg_diag_set(&diag, IDREG_EPARSE, "longer than %d code points", IDREG_LGR_LABEL_MAX);
	} else if (idreg_lgr_label_decode(text, len, cps, &n, &diag) == IDREG_OK) {
		c->each(c, text, len, cps, n);
		return;
	}
	put_label(text, len);
	printf("%s%s\n", c->error_columns, diag.text);
	c->status = CLI_FAIL;
}

static int run(struct lgr_command *c, int argc, char **argv)
{
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_lgr_load(c->lgr_path, &c->load, &c->lgr, &diag);
	if (err != IDREG_OK) {
		return cli_fail(&diag, err);
	}
	if (idreg_lgr_eval_new(c->lgr, &c->ev) != IDREG_OK) {
		idreg_lgr_free(c->lgr);
		idreg_log_error("out of memory");
		return CLI_FAIL;
	}
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			one_label(c, argv[i], strlen(argv[i]));
		}
	} else {
		char line[LABEL_LINE_MAX + 1];
		size_t len;
		while (cli_next_line(line, sizeof(line), &len)) {
			one_label(c, line, len);
		}
		if (ferror(stdin)) {
			idreg_log_error("reading standard input failed");
			c->status = CLI_FAIL;
		}
	}
	idreg_lgr_eval_free(c->ev);
	idreg_lgr_free(c->lgr);
	return c->status;
}

/* ---- idn check ---- */

/* LABEL, DISPOSITION, INDEX, REASON */
static void check_label(struct lgr_command *c, const char *text, size_t len, const uint32_t *cps,
			size_t n)
{
	struct idreg_lgr_disposition d;
	if (idreg_lgr_disposition(c->ev, cps, n, &d) != IDREG_OK) {
		put_label(text, len);
		printf("%sout of memory\n", c->error_columns);
		c->status = CLI_FAIL;
		return;
	}
	char index[INDEX_TEXT_MAX];
	index_text(c, cps, n, &d, index, sizeof(index));
	put_label(text, len);
	printf("\t%s\t%s\t", d.disp, index);
	put_reason(c->lgr, &d);
	fputc('\n', stdout);
}

int cli_cmd_idn_check(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	struct lgr_command c = { .cmd = cli_find_command("idn", "check"),
				 .error_columns = "\terror\t-\t",
				 .each = check_label };
	int status = parse_options(&c, argc, argv, false);
	return status != CLI_OK ? status : run(&c, argc, argv);
}

/* ---- idn variants ---- */

/* What the lines of one label share: the label and its index label. */
struct variant_lines {
	struct lgr_command *c;
	const char *text;
	size_t len;
	char index[INDEX_TEXT_MAX];
};

/* LABEL, INDEX, VARIANT, DISPOSITION, TYPES, REASON */
static bool put_variant(void *ctx, const uint32_t *cps, size_t n,
			const struct idreg_lgr_disposition *d)
{
	const struct variant_lines *v = ctx;
	char types[1024];
	idreg_lgr_types_text(v->c->lgr, d->types, types, sizeof(types));
	put_label(v->text, v->len);
	printf("\t%s\t", v->index);
	put_cps(cps, n);
	printf("\t%s\t%s\t", d->disp, types[0] ? types : "-");
	put_reason(v->c->lgr, d);
	fputc('\n', stdout);
	return true;
}

/* The label's own line, then one per variant label. */
static void variants_of_label(struct lgr_command *c, const char *text, size_t len,
			      const uint32_t *cps, size_t n)
{
	struct idreg_lgr_disposition d;
	struct idreg_lgr_variant_summary sum;
	struct variant_lines *v = malloc(sizeof(*v));
	if (v == NULL || idreg_lgr_disposition(c->ev, cps, n, &d) != IDREG_OK) {
		goto no_memory;
	}
	*v = (struct variant_lines){ .c = c, .text = text, .len = len };
	index_text(c, cps, n, &d, v->index, sizeof(v->index));
	put_variant(v, cps, n, &d);
	if (idreg_lgr_variants(c->ev, cps, n, &c->variants, put_variant, v, &sum) != IDREG_OK) {
		goto no_memory;
	}
	if (sum.truncated) {
		idreg_log_warn("label %zu: stopped after %zu permutations (--max); it has more variants",
			       c->labels, sum.generated);
	}
	free(v);
	return;
no_memory:
	free(v);
	idreg_log_error("label %zu: out of memory", c->labels);
	c->status = CLI_FAIL;
}

int cli_cmd_idn_variants(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	struct lgr_command c = { .cmd = cli_find_command("idn", "variants"),
				 .error_columns = "\t-\t-\terror\t-\t",
				 .each = variants_of_label };
	int status = parse_options(&c, argc, argv, true);
	return status != CLI_OK ? status : run(&c, argc, argv);
}
