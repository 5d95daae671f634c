/*
 * Region allocator: a linked list of blocks, bump allocation inside a block.
 * Requests larger than a block get a block of their own.
 */
#include "core/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct idreg__arena_block {
	struct idreg__arena_block *next;
	size_t size; /* usable bytes in data[] */
	size_t fill; /* bytes handed out */
	alignas(max_align_t) unsigned char data[];
};

#define ARENA_ALIGN alignof(max_align_t)

void idreg_arena_init(struct idreg_arena *arena, size_t block_size, size_t limit)
{
	arena->head = NULL;
	arena->block_size = block_size ? block_size : 64 * 1024;
	arena->used = 0;
	arena->limit = limit;
}

static struct idreg__arena_block *arena_grow(struct idreg_arena *arena, size_t need)
{
	size_t size = need > arena->block_size ? need : arena->block_size;
	if (arena->limit && (size > arena->limit || arena->used > arena->limit - size)) {
		return NULL;
	}
	struct idreg__arena_block *block = malloc(sizeof(*block) + size);
	if (block == NULL) {
		return NULL;
	}
	block->size = size;
	block->fill = 0;
	block->next = arena->head;
	arena->head = block;
	arena->used += size;
	return block;
}

void *idreg_arena_alloc(struct idreg_arena *arena, size_t size)
{
	if (size == 0) {
		size = 1;
	}
	if (size > SIZE_MAX - ARENA_ALIGN) {
		return NULL;
	}
	size_t rounded = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	struct idreg__arena_block *block = arena->head;
	if (block == NULL || block->size - block->fill < rounded) {
		block = arena_grow(arena, rounded);
		if (block == NULL) {
			return NULL;
		}
	}
	void *p = block->data + block->fill;
	block->fill += rounded;
	return p;
}

void *idreg_arena_calloc(struct idreg_arena *arena, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size) {
		return NULL;
	}
	void *p = idreg_arena_alloc(arena, count * size);
	if (p != NULL) {
		memset(p, 0, count * size);
	}
	return p;
}

char *idreg_arena_strndup(struct idreg_arena *arena, const char *s, size_t len)
{
	if (len == SIZE_MAX) {
		return NULL;
	}
	char *p = idreg_arena_alloc(arena, len + 1);
	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

void idreg_arena_reset(struct idreg_arena *arena)
{
	struct idreg__arena_block *block = arena->head;
	if (block == NULL) {
		return;
	}
	/* The oldest block is at the tail; keep it, free the rest. */
	while (block->next != NULL) {
		struct idreg__arena_block *next = block->next;
		arena->used -= block->size;
		free(block);
		block = next;
	}
	block->fill = 0;
	arena->head = block;
}

void idreg_arena_free(struct idreg_arena *arena)
{
	struct idreg__arena_block *block = arena->head;
	while (block != NULL) {
		struct idreg__arena_block *next = block->next;
		free(block);
		block = next;
	}
	arena->head = NULL;
	arena->used = 0;
}
