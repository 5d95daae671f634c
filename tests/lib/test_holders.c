/*
 * Unit tests for holders of number resources: the holder runs of
 * lib/numres/numindex.c (exact and case-blind matches, the same opaque id in
 * two registries, records without one, the order within a run, the empty
 * index), every holder of the real AFRINIC and LACNIC extended files against
 * a count made here, the entity answer of lib/query/answer.c (which
 * resources are listed under the result cap), and the percent-encoding of
 * the links to holders (lib/query/rdap_json.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "formats/rir.h"
#include "numres/numindex.h"
#include "query/answer.h"
#include "query/render.h"

/* Everything a test allocates, freed by the teardown even after a failed assertion. */
static struct idreg_snapshot g_snap;
static struct idreg_arena g_arena;
static struct idreg_answer *g_answer;
static const struct idreg_numres **g_sorted;

static int setup(void **state)
{
	(void)state;
	memset(&g_snap, 0, sizeof(g_snap));
	idreg_numindex_init(&g_snap.numbers);
	idreg_domindex_init(&g_snap.names);
	idreg_arena_init(&g_arena, 1 << 20, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	idreg_numindex_free(&g_snap.numbers);
	idreg_domindex_free(&g_snap.names);
	idreg_arena_free(&g_arena);
	free(g_answer);
	free(g_sorted);
	g_answer = NULL;
	g_sorted = NULL;
	return 0;
}

/* Add a record: type, first, last, status, registry, opaque id (NULL for none). */
static void add(enum idreg_restype type, idreg_u128 first, idreg_u128 last,
		enum idreg_status status, const char *registry, const char *opaque_id)
{
	struct idreg_numres rec = {
		.type = type, .first = first, .last = last, .value = (uint64_t)(last - first + 1),
		.date = 20200101, .status = status, .registry = registry, .cc = "ZZ",
		.opaque_id = opaque_id,
	};
	struct idreg_numindex_meta meta = { registry, "2024-05-06T07:08:09Z" };
	assert_int_equal(idreg_numindex_add(&g_snap.numbers, &rec, &meta), IDREG_OK);
}

static const struct idreg_numres *run_record(const struct idreg_numindex_holder *h, uint32_t i)
{
	return &g_snap.numbers.records[g_snap.numbers.by_holder[h->first + i]];
}

static bool find(const char *handle, struct idreg_numindex_holder *h)
{
	return idreg_numindex_find_holder(&g_snap.numbers, handle, strlen(handle), h);
}

/*
 * Holder "abc" of arin: two AS blocks, two IPv4 and one IPv6 network, added
 * out of order; "ABC" in apnic and "abc" in ripencc; records without an
 * opaque id or with an empty one; "abcd" and "ab", one record each.
 */
static void add_hand_built(void)
{
	add(IDREG_RES_IPV6, 0x20010db8, 0x20010db8, IDREG_STATUS_ALLOCATED, "arin", "abc");
	add(IDREG_RES_IPV4, 0x0a000000, 0x0a0000ff, IDREG_STATUS_ASSIGNED, "arin", "abc");
	add(IDREG_RES_ASN, 65000, 65000, IDREG_STATUS_ALLOCATED, "arin", "abc");
	add(IDREG_RES_IPV4, 0x01000000, 0x01ffffff, IDREG_STATUS_ALLOCATED, "arin", "abc");
	add(IDREG_RES_ASN, 64496, 64511, IDREG_STATUS_ALLOCATED, "arin", "abc");
	add(IDREG_RES_IPV4, 0x02000000, 0x020000ff, IDREG_STATUS_ALLOCATED, "apnic", "ABC");
	add(IDREG_RES_ASN, 1, 1, IDREG_STATUS_ALLOCATED, "ripencc", "abc");
	add(IDREG_RES_IPV4, 0x03000000, 0x030000ff, IDREG_STATUS_AVAILABLE, "arin", NULL);
	add(IDREG_RES_IPV4, 0x04000000, 0x040000ff, IDREG_STATUS_AVAILABLE, "arin", "");
	add(IDREG_RES_ASN, 2, 2, IDREG_STATUS_RESERVED, "arin", "abcd");
	add(IDREG_RES_ASN, 3, 3, IDREG_STATUS_ALLOCATED, "arin", "ab");
	assert_int_equal(idreg_numindex_build(&g_snap.numbers), IDREG_OK);
}

static void test_hand_built(void **state)
{
	(void)state;
	add_hand_built();
	/* Records without an opaque id, or with an empty one, name no holder. */
	assert_int_equal(g_snap.numbers.n_by_holder, 9);

	struct idreg_numindex_holder h;
	assert_true(find("abc", &h));
	assert_string_equal(h.opaque_id, "abc");
	assert_string_equal(h.registry, "arin"); /* before ripencc; apnic's is "ABC" */
	assert_int_equal(h.count, 5);
	assert_int_equal(h.n_autnums, 2);
	/* AS blocks first, then IPv4 and IPv6, each in address order. */
	static const struct {
		enum idreg_restype type;
		uint32_t first;
	} order[] = { { IDREG_RES_ASN, 64496 },      { IDREG_RES_ASN, 65000 },
		      { IDREG_RES_IPV4, 0x01000000 }, { IDREG_RES_IPV4, 0x0a000000 },
		      { IDREG_RES_IPV6, 0x20010db8 } };
	for (uint32_t i = 0; i < 5; i++) {
		assert_int_equal(run_record(&h, i)->type, order[i].type);
		assert_true(run_record(&h, i)->first == order[i].first);
	}

	/* The exact spelling wins; another spelling finds the first in byte order. */
	assert_true(find("ABC", &h));
	assert_string_equal(h.registry, "apnic");
	assert_int_equal(h.count, 1);
	assert_int_equal(h.n_autnums, 0);
	assert_true(find("Abc", &h));
	assert_string_equal(h.opaque_id, "ABC");
	assert_string_equal(h.registry, "apnic");

	/* Neighbours in the order are other holders. */
	assert_true(find("ab", &h));
	assert_int_equal(h.count, 1);
	assert_true(find("ABCD", &h));
	assert_string_equal(h.opaque_id, "abcd");
	assert_int_equal(h.count, 1);
	assert_int_equal(h.n_autnums, 1);
	assert_false(find("a", &h));
	assert_false(find("abcde", &h));
	assert_false(find("", &h));
	assert_false(idreg_numindex_find_holder(&g_snap.numbers, "abc\0x", 5, &h));
	/* A handle need not be NUL-terminated: the first 3 bytes of "abcd". */
	assert_true(idreg_numindex_find_holder(&g_snap.numbers, "abcd", 3, &h));
	assert_string_equal(h.opaque_id, "abc");

	/* Active: holds an allocated or assigned resource; changed: the latest. */
	assert_true(find("abc", &h));
	assert_true(idreg_numindex_holder_active(&g_snap.numbers, &h));
	assert_string_equal(idreg_numindex_holder_changed_at(&g_snap.numbers, &h),
			    "2024-05-06T07:08:09Z");
	assert_true(find("abcd", &h));
	assert_false(idreg_numindex_holder_active(&g_snap.numbers, &h));
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(idreg_numindex_build(&g_snap.numbers), IDREG_OK);
	struct idreg_numindex_holder h;
	assert_false(find("abc", &h));
	add(IDREG_RES_ASN, 1, 1, IDREG_STATUS_ALLOCATED, "arin", NULL);
	assert_int_equal(idreg_numindex_build(&g_snap.numbers), IDREG_OK);
	assert_false(find("abc", &h));
}

/* An entity query for @handle with a result cap of @max. */
static const struct idreg_answer *ask(const char *handle, size_t max)
{
	if (g_answer == NULL) {
		g_answer = malloc(sizeof(*g_answer));
		assert_non_null(g_answer);
	}
	struct idreg_query q = { .kind = IDREG_Q_ENTITY };
	snprintf(q.text, sizeof(q.text), "%s", handle);
	idreg_answer_query(&g_snap, &q, max, g_answer);
	return g_answer;
}

static size_t count_type(const struct idreg_answer *a, bool networks)
{
	size_t n = 0;
	for (size_t i = 0; i < a->n_results; i++) {
		n += (g_snap.numbers.records[a->results[i]].type != IDREG_RES_ASN) == networks;
	}
	return n;
}

/*
 * A holder of 12 AS blocks and 30 networks: the cap is shared, each kind
 * getting half when it has that many and what the other leaves; the
 * listed ones are the first of each kind, autnums before networks.
 */
static void test_answer_cap(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 12; i++) {
		add(IDREG_RES_ASN, 100 + i, 100 + i, IDREG_STATUS_ALLOCATED, "lacnic", "27835");
	}
	for (uint32_t i = 0; i < 30; i++) {
		add(IDREG_RES_IPV4, 0x0b000000 + i * 256, 0x0b0000ff + i * 256, IDREG_STATUS_ALLOCATED,
		    "lacnic", "27835");
	}
	assert_int_equal(idreg_numindex_build(&g_snap.numbers), IDREG_OK);
	static const struct {
		size_t max, autnums, networks;
	} cases[] = {
		{ 100, 12, 30 }, { 42, 12, 30 }, { 41, 12, 29 }, { 20, 10, 10 }, { 21, 10, 11 },
		{ 24, 12, 12 },	 { 1, 0, 1 },	 { 2, 1, 1 },	 { 3, 1, 2 },	  { 2000, 12, 30 },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct idreg_answer *a = ask("27835", cases[c].max);
		assert_int_equal(a->kind, IDREG_ANSWER_HOLDER);
		assert_int_equal(a->status, 200);
		assert_int_equal(a->total, 42);
		assert_int_equal(count_type(a, false), cases[c].autnums);
		assert_int_equal(count_type(a, true), cases[c].networks);
		assert_int_equal(a->n_results, cases[c].autnums + cases[c].networks);
		for (size_t i = 0; i < a->n_results; i++) {
			const struct idreg_numres *r = &g_snap.numbers.records[a->results[i]];
			bool autnum = i < cases[c].autnums;
			assert_int_equal(r->type, autnum ? IDREG_RES_ASN : IDREG_RES_IPV4);
			assert_true(r->first == (autnum ? 100 + i
							: 0x0b000000 + (i - cases[c].autnums) * 256));
		}
	}
	/* A cap of 0 lists nothing, and says how many there are. */
	const struct idreg_answer *a = ask("27835", 0);
	assert_int_equal(a->n_results, 0);
	assert_int_equal(a->total, 42);
	assert_int_equal(ask("27836", 10)->status, 404);
	assert_int_equal(ask("27835", 10)->holder.count, 42);
}

static int holder_key_order(const void *pa, const void *pb)
{
	const struct idreg_numres *a = *(const struct idreg_numres *const *)pa;
	const struct idreg_numres *b = *(const struct idreg_numres *const *)pb;
	int c = strcmp(a->opaque_id, b->opaque_id);
	return c != 0 ? c : strcmp(a->registry, b->registry);
}

static void read_into_index(const char *name)
{
	const char *shared = getenv("IDREG_SHARED");
	if (shared == NULL) {
		skip();
	}
	char path[1024];
	snprintf(path, sizeof(path), "%s/data/rir/current/%s", shared, name);
	struct idreg_rir_read_options opts = { .max_line = 4096, .max_records = 10000000,
					       .max_file = (size_t)256 << 20 };
	struct idreg_rir_file file;
	struct idreg_diag diag;
	idreg_err err = idreg_rir_read_file(path, &opts, &g_arena, &file, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	struct idreg_numindex_meta meta = { file.header.registry, NULL };
	for (size_t i = 0; i < file.count; i++) {
		assert_int_equal(idreg_numindex_add(&g_snap.numbers, &file.records[i], &meta), IDREG_OK);
	}
}

/*
 * Every holder of the real extended files: the records with its opaque id
 * in its registry, counted here from the records grouped by (id, registry),
 * are the run found for it, whatever the case of the handle.
 */
static void test_real_files(void **state)
{
	(void)state;
	read_into_index("delegated-afrinic-extended-latest");
	read_into_index("delegated-lacnic-extended-latest");
	assert_int_equal(idreg_numindex_build(&g_snap.numbers), IDREG_OK);
	const struct idreg_numindex *ix = &g_snap.numbers;

	size_t n = 0;
	g_sorted = malloc(ix->count * sizeof(*g_sorted));
	assert_non_null(g_sorted);
	for (size_t i = 0; i < ix->count; i++) {
		if (ix->records[i].opaque_id != NULL && ix->records[i].opaque_id[0] != '\0') {
			g_sorted[n++] = &ix->records[i];
		}
	}
	assert_int_equal(ix->n_by_holder, n);
	qsort(g_sorted, n, sizeof(*g_sorted), holder_key_order);
	size_t holders = 0, largest = 0;
	for (size_t start = 0, end; start < n; start = end) {
		uint32_t autnums = 0;
		for (end = start; end < n && holder_key_order(&g_sorted[start], &g_sorted[end]) == 0;
		     end++) {
			autnums += g_sorted[end]->type == IDREG_RES_ASN;
		}
		const char *id = g_sorted[start]->opaque_id;
		char lower[256];
		size_t len = strlen(id);
		assert_true(len < sizeof(lower));
		for (size_t i = 0; i <= len; i++) {
			lower[i] = (char)(id[i] >= 'A' && id[i] <= 'Z' ? id[i] + 32 : id[i]);
		}
		const char *spellings[] = { id, lower };
		for (int s = 0; s < 2; s++) {
			struct idreg_numindex_holder h;
			assert_true(find(spellings[s], &h));
			assert_string_equal(h.opaque_id, id);
			assert_string_equal(h.registry, g_sorted[start]->registry);
			assert_int_equal(h.count, end - start);
			assert_int_equal(h.n_autnums, autnums);
			for (uint32_t i = 0; i < h.count; i++) {
				const struct idreg_numres *r = run_record(&h, i);
				assert_string_equal(r->opaque_id, id);
				assert_int_equal(r->type == IDREG_RES_ASN, i < autnums);
				if (i > 0) {
					assert_true(idreg_numres_order(run_record(&h, i - 1), r) <= 0);
				}
			}
		}
		holders++;
		largest = end - start > largest ? end - start : largest;
	}
	/* The files hold thousands of holders, some with hundreds of resources. */
	assert_true(holders > 10000);
	assert_true(largest >= 300);
	print_message("%zu holders of %zu records; the largest holds %zu\n", holders, n, largest);
}

static void test_uri_append(void **state)
{
	(void)state;
	char out[64] = "https://r.example/entity/";
	idreg_render_uri_append(out, sizeof(out), "a-Z_9.~", "");
	assert_string_equal(out, "https://r.example/entity/a-Z_9.~");
	strcpy(out, "x/");
	idreg_render_uri_append(out, sizeof(out), "a b/c%d\xc3\xa9?", "");
	assert_string_equal(out, "x/a%20b%2Fc%25d%C3%A9%3F");
	strcpy(out, "x/");
	idreg_render_uri_append(out, sizeof(out), "a/b:c", "/:");
	assert_string_equal(out, "x/a/b:c");
	/* What does not fit is left out, never half an escape. */
	char small[8] = "ab";
	idreg_render_uri_append(small, sizeof(small), "c d e", "");
	assert_string_equal(small, "abc%20");
	char tiny[6] = "ab";
	idreg_render_uri_append(tiny, sizeof(tiny), " x", "");
	assert_string_equal(tiny, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hand_built, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_files, setup, teardown),
		cmocka_unit_test(test_uri_append),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
