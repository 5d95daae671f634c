/*
 * Lines left out of an import by --skip-bad: how many, and the first few
 * with their line number and reason, for the operator to read.  Every reader
 * and importer that can skip lines keeps them the same way.
 */
#ifndef IDREG_CORE_SKIP_H
#define IDREG_CORE_SKIP_H

#include <stddef.h>
#include <stdint.h>

struct idreg_skip {
	uint32_t line;
	char reason[200];
};

/* How many skipped lines keep their reason. */
#define IDREG_SKIPS_KEPT 20

/** Count one more skipped line in *@count, keeping it in @kept while there is room. */
void idreg_skip_note(struct idreg_skip kept[IDREG_SKIPS_KEPT], size_t *count, uint32_t line,
		     const char *reason);

#endif
