/*
 * libFuzzer target: the domains format (lib/domains/format.c).
 *
 * The input is parsed as one line with idreg_domains_parse_line.  Whatever
 * parses must make sense: the name's A-label form is lower-case LDH and its
 * U-label form converts back to it; nameservers likewise; statuses, roles
 * and personal fields are known bits; the canonical text of the domain, its
 * hosts and entities is valid for the format, and the domain's text parses
 * again to the same text.  A rejected line has a message.  Then the input
 * is read as a whole file (idreg_domains_read_buffer), once refusing bad
 * lines and once skipping them.  A violation calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "domains/domain.h"
#include "domains/format.h"
#include "idn/uts46.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static void check_name(const char *ldh, const char *unicode)
{
	check(idreg_uts46_is_ldh(ldh, strlen(ldh)));
	for (const char *p = ldh; *p; p++) {
		check(!(*p >= 'A' && *p <= 'Z'));
	}
	char back[IDREG_UTS46_ASCII_MAX];
	check(idreg_uts46_to_ascii(unicode, strlen(unicode), back, sizeof(back), NULL) == IDREG_OK);
	check(strcmp(back, ldh) == 0);
}

static void check_line(const struct idreg_domain_line *pl, struct idreg_arena *arena)
{
	const struct idreg_domain *d = &pl->domain;
	check_name(d->ldh_name, d->unicode_name);
	check(d->status < (1u << IDREG_DOMAIN_STATUS_COUNT));
	check(d->n_ns <= IDREG_DOMAINS_MAX_NAMESERVERS && d->n_ds <= IDREG_DOMAINS_MAX_DS &&
	      d->n_contacts <= IDREG_DOMAINS_MAX_ENTITIES);
	struct idreg_buf text;
	idreg_buf_init(&text, 1 << 20);
	for (size_t i = 0; i < d->n_ns; i++) {
		check_name(pl->hosts[i].ldh_name, pl->hosts[i].unicode_name);
		check(strcmp(d->nameservers[i], pl->hosts[i].ldh_name) == 0);
		check(pl->hosts[i].n_addrs <= IDREG_DOMAINS_MAX_ADDRESSES);
		check(idreg_host_format(&pl->hosts[i], &text) == IDREG_OK);
		idreg_buf_clear(&text);
	}
	for (size_t i = 0; i < d->n_ds; i++) {
		check(d->ds[i].algorithm >= 1 && d->ds[i].digest_type >= 1);
		size_t len = strlen(d->ds[i].digest);
		check(len > 0 && len % 2 == 0 && len <= IDREG_DOMAINS_MAX_DIGEST);
	}
	for (size_t i = 0; i < d->n_contacts; i++) {
		check(d->contacts[i].roles != 0 && d->contacts[i].roles < (1u << IDREG_ROLE_COUNT));
		const struct idreg_entity *e = &pl->entities[i];
		check(strcmp(e->handle, d->contacts[i].handle) == 0);
		check(e->personal < (1u << IDREG_ENTITY_FIELD_COUNT));
		if (pl->entity_defined[i]) {
			check(e->fields[IDREG_EF_FN] != NULL);
			for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
				check(!(e->personal & (1u << f)) || e->fields[f] != NULL);
			}
			check(idreg_entity_format(e, &text) == IDREG_OK);
			idreg_buf_clear(&text);
		}
	}
	/* The domain's canonical text is a line of the format, and a fixed point. */
	check(idreg_domain_format(d, &text) == IDREG_OK);
	struct idreg_domain_line again;
	struct idreg_diag diag;
	char *copy = malloc(text.len + 1);
	check(copy != NULL);
	memcpy(copy, text.data, text.len + 1);
	check(idreg_domains_parse_line(copy, text.len, arena, &again, &diag) == IDREG_OK);
	idreg_buf_clear(&text);
	check(idreg_domain_format(&again.domain, &text) == IDREG_OK);
	check(strcmp(text.data, copy) == 0);
	free(copy);
	idreg_buf_free(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that reading past the line is an ASan report. */
	char *line = malloc(size ? size : 1);
	if (line == NULL) {
		return 0;
	}
	if (size > 0) {
		memcpy(line, data, size);
	}
	struct idreg_arena arena;
	idreg_arena_init(&arena, 16 * 1024, 0);
	struct idreg_domain_line pl;
	struct idreg_diag diag;
	diag.text[0] = '\0';
	idreg_err err = idreg_domains_parse_line(line, size, &arena, &pl, &diag);
	if (err == IDREG_OK) {
		check_line(&pl, &arena);
	} else if (err != IDREG_ENOTFOUND) {
		check(err < 0 && diag.text[0] != '\0');
		check(memchr(diag.text, '\0', sizeof(diag.text)) != NULL);
	}
	for (int skip = 0; skip < 2; skip++) {
		struct idreg_domains_read_options opts = { 1024, 64, skip == 1 };
		struct idreg_domains_file file;
		err = idreg_domains_read_buffer("fuzz", line, size, &opts, &arena, &file, &diag);
		if (err == IDREG_OK) {
			check(file.count <= 64);
			for (size_t i = 0; i < file.count; i++) {
				const struct idreg_file_domain *fd = &file.domains[i];
				for (size_t k = 0; k < fd->domain.n_ns; k++) {
					check(fd->host_ix[k] < file.n_hosts);
				}
				for (size_t k = 0; k < fd->domain.n_contacts; k++) {
					check(fd->entity_ix[k] < file.n_entities);
				}
			}
			idreg_domains_file_free(&file);
		} else {
			check(diag.text[0] != '\0');
		}
	}
	idreg_arena_free(&arena);
	free(line);
	return 0;
}
