/*
 * Region allocator: a request (or an import, or a CLI command) allocates from
 * one arena and drops everything at once.  Allocations are never freed one by
 * one.  An arena has a ceiling so that no input can make it grow without end.
 */
#ifndef IDREG_CORE_ARENA_H
#define IDREG_CORE_ARENA_H

#include <stddef.h>

struct idreg__arena_block;

struct idreg_arena {
	struct idreg__arena_block *head; /* block being filled */
	size_t block_size;               /* default size of a new block */
	size_t used;                     /* bytes held in all blocks */
	size_t limit;                    /* ceiling on @used; 0 = none */
};

/** Set up an empty arena; @limit bounds its total size (0 = unbounded). */
void idreg_arena_init(struct idreg_arena *arena, size_t block_size, size_t limit);

/** Allocate @size bytes aligned for any type; NULL when out of memory or over the limit. */
void *idreg_arena_alloc(struct idreg_arena *arena, size_t size);

/** Allocate and zero an array of @count elements of @size; NULL on overflow. */
void *idreg_arena_calloc(struct idreg_arena *arena, size_t count, size_t size);

/** Copy @len bytes of @s into the arena, NUL-terminated. */
char *idreg_arena_strndup(struct idreg_arena *arena, const char *s, size_t len);

/** Release every block but the first, and rewind; the arena stays usable. */
void idreg_arena_reset(struct idreg_arena *arena);

/** Release all memory. */
void idreg_arena_free(struct idreg_arena *arena);

#endif
