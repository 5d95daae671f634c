/*
 * The domains exchange format (docs/domains-format.md): JSON Lines, one
 * domain per line with its nameservers (and their addresses), DS records,
 * statuses, dates and entities (with their roles and, once per file at
 * least, their details).  A line parser (jansson, json_loadb per line) that
 * checks every field against its limits and names the field that is wrong,
 * and a file reader that also checks the lines against each other: a domain
 * given twice, a host or an entity described differently on two lines, a
 * domain handle used twice.
 */
#ifndef IDREG_DOMAINS_FORMAT_H
#define IDREG_DOMAINS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/skip.h"
#include "domains/domain.h"

/* Limits on one domain line. */
#define IDREG_DOMAINS_MAX_NAMESERVERS 20
#define IDREG_DOMAINS_MAX_ADDRESSES 16   /* per nameserver */
#define IDREG_DOMAINS_MAX_DS 16
#define IDREG_DOMAINS_MAX_ENTITIES 16
#define IDREG_DOMAINS_MAX_STREET 3       /* postal address lines */
#define IDREG_DOMAINS_MAX_HANDLE 100     /* bytes */
#define IDREG_DOMAINS_MAX_TEXT 255       /* bytes of fn, org, email, a street line, ... */
#define IDREG_DOMAINS_MAX_PHONE 64
#define IDREG_DOMAINS_MAX_POSTAL_CODE 32
#define IDREG_DOMAINS_MAX_DIGEST 128     /* hexadecimal digits (SHA-512) */

/** One line, parsed: the domain, and each nameserver's and entity's details. */
struct idreg_domain_line {
	uint32_t line;                   /* line number in its file */
	struct idreg_domain domain;
	struct idreg_host *hosts;        /* one per nameserver, in order */
	bool *host_detailed;             /* the line gives the host's addresses or handle */
	struct idreg_entity *entities;   /* one per contact, in order */
	bool *entity_defined;            /* the line gives the entity's details */
};

/**
 * Parse one line (without its line end).  Strings go into @arena.  On
 * error, @diag says "field: reason" (e.g. "nameservers[1].addresses[0]: bad
 * IP address '1.2.3'"), without the file and line.  An empty or all-blank
 * line is IDREG_ENOTFOUND (nothing to parse), not an error.
 */
idreg_err idreg_domains_parse_line(const char *line, size_t len, struct idreg_arena *arena,
				   struct idreg_domain_line *out, struct idreg_diag *diag);

struct idreg_domains_read_options {
	size_t max_line;     /* longest line, in bytes */
	size_t max_domains;  /* most domains in one file */
	bool skip_bad;       /* leave bad lines out (and say which) instead of failing */
};


/** A host as the file describes it, merged from every line that names it. */
struct idreg_file_host {
	struct idreg_host host;
	uint32_t detail_line;            /* the first line giving its details; 0 when none */
};

/** An entity as the file describes it. */
struct idreg_file_entity {
	struct idreg_entity entity;      /* details valid when defined_line != 0 */
	uint32_t defined_line;           /* the first line giving its details; 0 when none */
	uint32_t first_line;             /* the first line naming it */
};

/** A domain of the file, its nameservers and entities as indexes into the file's lists. */
struct idreg_file_domain {
	uint32_t line;
	struct idreg_domain domain;
	const uint32_t *host_ix;         /* per nameserver: index in hosts */
	const uint32_t *entity_ix;       /* per contact: index in entities */
};

struct idreg_domains_file {
	const char *path;
	struct idreg_file_domain *domains;  /* in file order */
	size_t count;
	struct idreg_file_host *hosts;      /* every host named, in order of first mention */
	size_t n_hosts;
	struct idreg_file_entity *entities; /* every entity named, in order of first mention */
	size_t n_entities;
	size_t skipped;
	struct idreg_skip skips[IDREG_SKIPS_KEPT];
};

/**
 * Read and check a whole file.  A bad line fails the read with "PATH: line
 * N: field: reason" in @diag, unless skip_bad, which leaves it out.  The
 * domains, hosts and entities live in @arena and in arrays that
 * idreg_domains_file_free releases.
 */
idreg_err idreg_domains_read_file(const char *path, const struct idreg_domains_read_options *opts,
				  struct idreg_arena *arena, struct idreg_domains_file *out,
				  struct idreg_diag *diag);

/** Same, from a buffer in memory; @name is used in messages. */
idreg_err idreg_domains_read_buffer(const char *name, const char *data, size_t size,
				    const struct idreg_domains_read_options *opts,
				    struct idreg_arena *arena, struct idreg_domains_file *out,
				    struct idreg_diag *diag);

void idreg_domains_file_free(struct idreg_domains_file *file);

/** Are two entities' details the same (handle, kind, fields, personal)? */
bool idreg_entity_equal(const struct idreg_entity *a, const struct idreg_entity *b);

#endif
