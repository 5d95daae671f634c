/*
 * The allocation commands of idreg (alloc pool, request, return, transfer,
 * grow, assign, unassign, show, waiting): arguments into calls to
 * lib/numres/alloc.h, results into tab-separated lines.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "numres/alloc.h"

/* PREFIX, range, AS number or AS range, as 'idreg lookup' reads them. */
static bool parse_block(const struct cli_command *cmd, const char *text,
			struct idreg_resource_query *out)
{
	struct idreg_diag diag = { "" };
	if (idreg_resource_query_parse(text, strlen(text), out, &diag) != IDREG_OK) {
		cli_usage_error(cmd, "%s", diag.text);
		return false;
	}
	if (out->is_point && out->type != IDREG_RES_ASN) {
		cli_usage_error(cmd, "'%s' is one address: give a prefix", text);
		return false;
	}
	return true;
}

/*
 * The options of a command that takes one block and one option with a value
 * (--to, --size, --within): the value in *@value, the block in *@block.
 * false when the command line is wrong, after saying so with @usage.
 */
static bool block_and_option(const struct cli_command *cmd, int argc, char **argv,
			     const char *option, const char *usage, const char **value,
			     struct idreg_resource_query *block)
{
	const struct option options[] = {
		{ option, required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	*value = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'o') {
			cli_usage_error(cmd, "unknown option");
			return false;
		}
		*value = optarg;
	}
	if (*value == NULL || optind + 1 != argc) {
		cli_usage_error(cmd, "%s", usage);
		return false;
	}
	return parse_block(cmd, argv[optind], block);
}

/* What a command works with: the store, the policy, and the change set's
 * actor (the command as typed, bounded). */
struct session {
	struct idreg_store *store;
	struct idreg_alloc_policy policy;
	struct idreg_diag diag;
	char actor[600];
};

static idreg_err session_open(struct cli *cli, int argc, char **argv, const char *words,
			      struct session *s)
{
	s->store = NULL;
	s->diag = (struct idreg_diag){ "" };
	cli_actor(argc, argv, words, s->actor, sizeof(s->actor));
	idreg_alloc_policy_from_config(&cli->config, &s->policy);
	return cli_open_store(cli, false, &s->store, &s->diag);
}

/* Close the store: CLI_OK after @err IDREG_OK, else the failure, said. */
static int session_close(struct session *s, idreg_err err)
{
	idreg_store_close(s->store);
	return err == IDREG_OK ? CLI_OK : cli_fail(&s->diag, err);
}

/* ---- alloc pool ---- */

static int pool_list(struct cli *cli, int argc, char **argv)
{
	struct session s;
	struct idreg_alloc_view view;
	idreg_err err = session_open(cli, argc, argv, "alloc pool", &s);
	if (err == IDREG_OK) {
		err = idreg_alloc_view_load(s.store, &s.policy, &view, &s.diag);
		if (err != IDREG_OK) {
			idreg_alloc_view_free(&view);
		}
	}
	if (session_close(&s, err) != CLI_OK) {
		return CLI_FAIL;
	}
	printf("# pool\tid\ttype\tblock\treserve\tfree\torigin\n");
	for (size_t i = 0; i < view.pool_count; i++) {
		const struct idreg_alloc_pool *p = &view.pools[i];
		char block[IDREG_RANGE_TEXT_MAX], reserve[48], free_numbers[48];
		idreg_block_format(p->type, p->first, p->last, block, sizeof(block));
		idreg_format_u128(p->reserve, reserve, sizeof(reserve));
		idreg_format_u128(idreg_alloc_pool_free(&view, i), free_numbers, sizeof(free_numbers));
		printf("pool\t%" PRId64 "\t%s\t%s\t%s\t%s\t", p->id, idreg_restype_name(p->type), block,
		       reserve, free_numbers);
		cli_put_field(p->origin, strlen(p->origin), stdout);
		printf("\n");
	}
	idreg_alloc_view_free(&view);
	return CLI_OK;
}

int cli_cmd_alloc_pool(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("alloc", "pool");
	if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0)) {
		return cli_usage_error(cmd, "say add or list");
	}
	if (strcmp(argv[1], "list") == 0) {
		return argc == 2 ? pool_list(cli, argc, argv)
				 : cli_usage_error(cmd, "list takes no arguments");
	}
	static const struct option options[] = {
		{ "reserve", required_argument, NULL, 'r' },
		{ "from-registry", required_argument, NULL, 'f' },
		{ "cc", required_argument, NULL, 'c' },
		{ "holder-id", required_argument, NULL, 'h' },
		{ "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reserve_text = NULL;
	struct idreg_alloc_pool_filter filter = { .any_type = true };
	/* "add" is the argv[0] of the options that follow it. */
	int sub_argc = argc - 1;
	char **sub_argv = argv + 1;
	int opt;
	while ((opt = getopt_long(sub_argc, sub_argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'r': reserve_text = optarg; break;
		case 'f': filter.registry = optarg; break;
		case 'c': filter.cc = optarg; break;
		case 'h': filter.holder_id = optarg; break;
		case 't':
			if (!idreg_restype_parse(optarg, strlen(optarg), &filter.type)) {
				return cli_usage_error(cmd, "--type is ipv4, ipv6 or asn");
			}
			filter.any_type = false;
			break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	struct idreg_resource_query block = { .type = filter.type };
	if (filter.registry == NULL) {
		if (optind + 1 != sub_argc || filter.cc || filter.holder_id || !filter.any_type) {
			return cli_usage_error(cmd, "add takes one PREFIX or AS range (or --from-registry)");
		}
		if (!parse_block(cmd, sub_argv[optind], &block)) {
			return CLI_USAGE;
		}
	} else if (optind != sub_argc) {
		return cli_usage_error(cmd, "--from-registry takes no PREFIX");
	}
	idreg_u128 reserve = 0;
	if (reserve_text != NULL) {
		if (filter.registry != NULL && filter.any_type && reserve_text[0] == '/') {
			return cli_usage_error(cmd, "a /N reserve needs --type with --from-registry");
		}
		enum idreg_restype rtype = filter.registry == NULL ? block.type
					   : filter.any_type ? IDREG_RES_IPV6 : filter.type;
		if (!idreg_alloc_parse_reserve(rtype, reserve_text, strlen(reserve_text), &reserve)) {
			return cli_usage_error(cmd, "--reserve takes /N or a count of %s",
					       rtype == IDREG_RES_ASN ? "AS numbers" : "addresses");
		}
	}
	struct session s;
	idreg_err err = session_open(cli, argc, argv, "alloc pool", &s);
	if (err == IDREG_OK && filter.registry != NULL) {
		filter.reserve = reserve;
		size_t added;
		err = idreg_alloc_pool_from_registry(s.store, &s.policy, &filter, s.actor, &added,
						     &s.diag);
		if (err == IDREG_OK) {
			printf("added %zu pools from registry %s\n", added, filter.registry);
		}
	} else if (err == IDREG_OK) {
		err = idreg_alloc_pool_add(s.store, &s.policy, block.type, block.first, block.last,
					   reserve, s.actor, &s.diag);
		if (err == IDREG_OK) {
			char text[IDREG_RANGE_TEXT_MAX];
			idreg_block_format(block.type, block.first, block.last, text, sizeof(text));
			printf("added pool %s\n", text);
		}
	}
	return session_close(&s, err);
}

/* ---- alloc request ---- */

int cli_cmd_alloc_request(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("alloc", "request");
	static const struct option options[] = {
		{ "holder", required_argument, NULL, 'h' },
		{ "size", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "type", required_argument, NULL, 't' },
		{ "no-wait", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct idreg_alloc_request req = { .type = IDREG_RES_IPV4 };
	const char *size_text = NULL, *count_text = NULL;
	bool typed = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'h': req.holder = optarg; break;
		case 's': size_text = optarg; break;
		case 'n': count_text = optarg; break;
		case 'w': req.no_wait = true; break;
		case 't':
			if (!idreg_restype_parse(optarg, strlen(optarg), &req.type)) {
				return cli_usage_error(cmd, "--type is ipv4, ipv6 or asn");
			}
			typed = true;
			break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (count_text != NULL && !typed) {
		req.type = IDREG_RES_ASN;
	}
	if (req.holder == NULL || optind != argc) {
		return cli_usage_error(cmd, "give --holder H and a size, nothing else");
	}
	if (req.type == IDREG_RES_ASN) {
		if (size_text != NULL || count_text == NULL ||
		    !idreg_alloc_parse_size(req.type, count_text, strlen(count_text), &req.size)) {
			return cli_usage_error(cmd, "AS numbers are asked for with --count N");
		}
	} else if (count_text != NULL || size_text == NULL ||
		   !idreg_alloc_parse_size(req.type, size_text, strlen(size_text), &req.size)) {
		return cli_usage_error(cmd, "%s blocks are asked for with --size /N (N at most %u)",
				       idreg_restype_name(req.type), idreg_restype_bits(req.type));
	}
	struct session s;
	struct idreg_alloc_outcome out;
	idreg_err err = session_open(cli, argc, argv, "alloc request", &s);
	if (err == IDREG_OK) {
		err = idreg_alloc_request(s.store, &s.policy, &req, s.actor, &out, &s.diag);
	}
	if (session_close(&s, err) != CLI_OK) {
		return CLI_FAIL;
	}
	if (out.waiting) {
		printf("waiting\t%zu\t%" PRId64 "\t%s\n", out.position, out.id, req.holder);
		idreg_log_error("not allocated: %s; the request waits at position %zu "
				"(waiting request %" PRId64 ", 'idreg alloc waiting')",
				out.reason, out.position, out.id);
		return CLI_FAIL;
	}
	char text[IDREG_RANGE_TEXT_MAX];
	idreg_block_format(req.type, out.block.first, out.block.last, text, sizeof(text));
	printf("allocated\t%s\t%s\n", text, req.holder);
	return CLI_OK;
}

/* ---- alloc return, transfer, grow ---- */

int cli_cmd_alloc_return(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("alloc", "return");
	struct idreg_resource_query block;
	if (argc != 2 || argv[1][0] == '-') {
		return cli_usage_error(cmd, "give the allocation: one PREFIX or AS number");
	}
	if (!parse_block(cmd, argv[1], &block)) {
		return CLI_USAGE;
	}
	struct session s;
	idreg_err err = session_open(cli, argc, argv, "alloc return", &s);
	if (err == IDREG_OK) {
		err = idreg_alloc_return(s.store, &s.policy, block.type, block.first, block.last,
					 s.actor, &s.diag);
	}
	int status = session_close(&s, err);
	if (status == CLI_OK) {
		printf("returned\t%s\n", argv[1]);
	}
	return status;
}

int cli_cmd_alloc_transfer(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("alloc", "transfer");
	const char *to;
	struct idreg_resource_query block;
	if (!block_and_option(cmd, argc, argv, "to", "give one allocation and --to HOLDER", &to,
			      &block)) {
		return CLI_USAGE;
	}
	struct session s;
	idreg_err err = session_open(cli, argc, argv, "alloc transfer", &s);
	if (err == IDREG_OK) {
		err = idreg_alloc_transfer(s.store, &s.policy, block.type, block.first, block.last, to,
					   s.actor, &s.diag);
	}
	int status = session_close(&s, err);
	if (status == CLI_OK) {
		printf("transferred\t%s\t%s\n", argv[optind], to);
	}
	return status;
}

int cli_cmd_alloc_grow(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("alloc", "grow");
	const char *size_text;
	struct idreg_resource_query block;
	uint64_t len;
	if (!block_and_option(cmd, argc, argv, "size", "give one allocation and --size /N",
			      &size_text, &block)) {
		return CLI_USAGE;
	}
	if (block.type == IDREG_RES_ASN ||
	    !idreg_alloc_parse_size(block.type, size_text, strlen(size_text), &len)) {
		return cli_usage_error(cmd, "--size takes /N");
	}
	struct session s;
	struct idreg_alloc_range grown;
	idreg_err err = session_open(cli, argc, argv, "alloc grow", &s);
	if (err == IDREG_OK) {
		err = idreg_alloc_grow(s.store, &s.policy, block.type, block.first, block.last,
				       (unsigned)len, s.actor, &grown, &s.diag);
	}
	int status = session_close(&s, err);
	if (status == CLI_OK) {
		char text[IDREG_RANGE_TEXT_MAX];
		idreg_block_format(block.type, grown.first, grown.last, text, sizeof(text));
		printf("grown\t%s\t%s\n", argv[optind], text);
	}
	return status;
}

/* ---- alloc assign, unassign ---- */

int cli_cmd_alloc_assign(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("alloc", "assign");
	const char *within_text;
	struct idreg_resource_query block, within;
	if (!block_and_option(cmd, argc, argv, "within", "give one PREFIX and --within ALLOCATION",
			      &within_text, &block) ||
	    !parse_block(cmd, within_text, &within)) {
		return CLI_USAGE;
	}
	if (block.type != within.type) {
		return cli_usage_error(cmd, "the assignment and the allocation are of different types");
	}
	struct session s;
	struct idreg_alloc_range b = { block.first, block.last }, w = { within.first, within.last };
	int64_t id;
	idreg_err err = session_open(cli, argc, argv, "alloc assign", &s);
	if (err == IDREG_OK) {
		err = idreg_alloc_assign(s.store, &s.policy, block.type, &b, &w, s.actor, &id, &s.diag);
	}
	int status = session_close(&s, err);
	if (status == CLI_OK) {
		printf("assigned\t%s\t%s\n", argv[optind], within_text);
	}
	return status;
}

int cli_cmd_alloc_unassign(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("alloc", "unassign");
	struct idreg_resource_query block;
	if (argc != 2 || argv[1][0] == '-') {
		return cli_usage_error(cmd, "give the assignment: one PREFIX");
	}
	if (!parse_block(cmd, argv[1], &block)) {
		return CLI_USAGE;
	}
	struct session s;
	struct idreg_alloc_range b = { block.first, block.last };
	idreg_err err = session_open(cli, argc, argv, "alloc unassign", &s);
	if (err == IDREG_OK) {
		err = idreg_alloc_unassign(s.store, &s.policy, block.type, &b, s.actor, &s.diag);
	}
	int status = session_close(&s, err);
	if (status == CLI_OK) {
		printf("unassigned\t%s\n", argv[1]);
	}
	return status;
}

/* ---- alloc show ---- */

/* "utilisation 50.00% (128/256)", "hd-ratio 0.3333 (256/16777216 /56)", or "-". */
static void usage_text(enum idreg_restype type, const struct idreg_alloc_usage *u, char *out,
		       size_t size)
{
	char a[48], b[48];
	if (type == IDREG_RES_IPV4) {
		idreg_format_u128(u->assigned, a, sizeof(a));
		idreg_format_u128(u->numbers, b, sizeof(b));
		snprintf(out, size, "utilisation %.2f%% (%s/%s)",
			 u->numbers ? 100.0 * (double)u->assigned / (double)u->numbers : 0.0, a, b);
	} else if (type == IDREG_RES_IPV6) {
		double hd;
		idreg_format_u128(u->assigned_units, a, sizeof(a));
		idreg_format_u128(u->units, b, sizeof(b));
		if (idreg_alloc_hd_ratio(u->assigned_units, u->units, &hd)) {
			snprintf(out, size, "hd-ratio %.4f (%s/%s /%d)", hd, a, b, IDREG_ALLOC_HD_UNIT_LEN);
		} else {
			snprintf(out, size, "hd-ratio - (%s/%s /%d)", a, b, IDREG_ALLOC_HD_UNIT_LEN);
		}
	} else {
		snprintf(out, size, "-");
	}
}

static void print_allocation(const struct idreg_alloc_view *view, const struct idreg_alloc_held *h)
{
	const struct idreg_numres *r = &h->rec;
	char block[IDREG_RANGE_TEXT_MAX], measure[160];
	idreg_block_format(r->type, r->first, r->last, block, sizeof(block));
	struct idreg_alloc_usage u = { 0 };
	idreg_alloc_usage_add(view, h, &u);
	usage_text(r->type, &u, measure, sizeof(measure));
	printf("allocation\t%s\t%s\t%s\t%04d-%02d-%02d\t%zu\t%s\n", block, idreg_restype_name(r->type),
	       r->opaque_id ? r->opaque_id : "-", r->date / 10000, r->date / 100 % 100, r->date % 100,
	       u.assignments, measure);
}

static int show_holder(const struct idreg_alloc_view *view, const char *holder)
{
	struct idreg_alloc_usage per_type[IDREG_RESTYPE_COUNT] = { { 0 } };
	size_t count[IDREG_RESTYPE_COUNT] = { 0 };
	for (size_t i = 0; i < view->held_count; i++) {
		const struct idreg_alloc_held *h = &view->held[i];
		if (h->rec.opaque_id != NULL && strcmp(h->rec.opaque_id, holder) == 0) {
			print_allocation(view, h);
			idreg_alloc_usage_add(view, h, &per_type[h->rec.type]);
			count[h->rec.type]++;
		}
	}
	size_t total = 0;
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		if (count[t] == 0) {
			continue;
		}
		char measure[160];
		usage_text((enum idreg_restype)t, &per_type[t], measure, sizeof(measure));
		printf("holder\t%s\t%s\t%zu allocations\t%zu assignments\t%s\n", holder,
		       idreg_restype_name((enum idreg_restype)t), count[t], per_type[t].assignments,
		       measure);
		total += count[t];
	}
	if (total == 0) {
		idreg_log_error("holder '%s' has no allocations", holder);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int show_block(const struct idreg_alloc_view *view, const struct idreg_resource_query *q,
		      const char *text)
{
	bool found = false;
	for (size_t i = 0; i < view->held_count; i++) {
		const struct idreg_alloc_held *h = &view->held[i];
		if (h->rec.type != q->type || h->rec.first > q->last || q->first > h->rec.last) {
			continue;
		}
		found = true;
		print_allocation(view, h);
		for (size_t k = 0; k < view->assignment_count; k++) {
			const struct idreg_alloc_assignment *a = &view->assignments[k];
			if (a->allocation_id == h->id) {
				char block[IDREG_RANGE_TEXT_MAX];
				idreg_block_format(a->type, a->first, a->last, block, sizeof(block));
				printf("assignment\t%s\t%s\n", block, a->assigned_at);
			}
		}
	}
	if (!found) {
		idreg_log_error("%s: no allocation overlaps it", text);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int cli_cmd_alloc_show(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("alloc", "show");
	static const struct option options[] = {
		{ "holder", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *holder = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'h') {
			return cli_usage_error(cmd, "unknown option");
		}
		holder = optarg;
	}
	struct idreg_resource_query q = { .type = IDREG_RES_ASN };
	if (optind + (holder == NULL ? 1 : 0) < argc || (holder != NULL && optind != argc)) {
		return cli_usage_error(cmd, "give --holder H, or one PREFIX, or nothing");
	}
	if (optind < argc && !parse_block(cmd, argv[optind], &q)) {
		return CLI_USAGE;
	}
	struct session s;
	struct idreg_alloc_view view;
	idreg_err err = session_open(cli, argc, argv, "alloc show", &s);
	if (err != IDREG_OK) {
		return session_close(&s, err);
	}
	err = idreg_alloc_view_load(s.store, &s.policy, &view, &s.diag);
	int status = session_close(&s, err);
	if (status == CLI_OK && holder != NULL) {
		status = show_holder(&view, holder);
	} else if (status == CLI_OK && optind < argc) {
		status = show_block(&view, &q, argv[optind]);
	} else if (status == CLI_OK) {
		for (size_t i = 0; i < view.held_count; i++) {
			print_allocation(&view, &view.held[i]);
		}
	}
	idreg_alloc_view_free(&view);
	return status;
}

/* ---- alloc waiting ---- */

/* The served requests are written to @ctx (a memory stream) and printed
 * once the transaction has committed. */
static void note_served(void *ctx, const struct idreg_alloc_waiting *w,
			const struct idreg_alloc_range *block, int64_t id)
{
	(void)id;
	char text[IDREG_RANGE_TEXT_MAX];
	idreg_block_format(w->type, block->first, block->last, text, sizeof(text));
	fprintf(ctx, "served\t%" PRId64 "\t%s\t%s\n", w->id, text, w->holder);
}

int cli_cmd_alloc_waiting(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("alloc", "waiting");
	static const struct option options[] = {
		{ "serve", no_argument, NULL, 's' },
		{ "cancel", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	bool serve = false;
	const char *cancel_text = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's': serve = true; break;
		case 'c': cancel_text = optarg; break;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	idreg_u128 cancel_id = 0;
	if (optind != argc || (serve && cancel_text != NULL) ||
	    (cancel_text != NULL && (!idreg_parse_u128(cancel_text, strlen(cancel_text), &cancel_id) ||
				     cancel_id > INT64_MAX))) {
		return cli_usage_error(cmd, "give --serve, --cancel ID, or nothing");
	}
	struct session s;
	idreg_err err = session_open(cli, argc, argv, "alloc waiting", &s);
	if (err != IDREG_OK) {
		return session_close(&s, err);
	}
	if (serve) {
		size_t served = 0, text_size = 0;
		char *text = NULL;
		FILE *lines = open_memstream(&text, &text_size);
		if (lines == NULL) {
			err = idreg_diag_set(&s.diag, IDREG_ENOMEM, "out of memory");
		} else {
			err = idreg_alloc_serve(s.store, &s.policy, s.actor, note_served, lines, &served,
						&s.diag);
			fclose(lines);
		}
		if (err == IDREG_OK) {
			printf("%s# %zu served\n", text, served);
		}
		free(text);
	} else if (cancel_text != NULL) {
		err = idreg_alloc_cancel(s.store, &s.policy, (int64_t)cancel_id, s.actor, &s.diag);
		if (err == IDREG_OK) {
			printf("cancelled\t%s\n", cancel_text);
		}
	} else {
		struct idreg_alloc_view view;
		err = idreg_alloc_view_load(s.store, &s.policy, &view, &s.diag);
		if (err == IDREG_OK) {
			printf("# waiting\tposition\tid\ttype\tsize\tholder\tsince\n");
		}
		for (size_t i = 0; err == IDREG_OK && i < view.waiting_count; i++) {
			const struct idreg_alloc_waiting *w = &view.waiting[i];
			printf("waiting\t%zu\t%" PRId64 "\t%s\t%s%llu\t%s\t%s\n",
			       idreg_alloc_waiting_position(&view, i), w->id, idreg_restype_name(w->type),
			       w->type == IDREG_RES_ASN ? "" : "/", (unsigned long long)w->size, w->holder,
			       w->requested_at);
		}
		idreg_alloc_view_free(&view);
	}
	return session_close(&s, err);
}
