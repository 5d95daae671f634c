/*
 * A small open-addressing hash map from strings to 64-bit integers, for
 * interning (holder ids during an import, for instance).  Keys are copied
 * into the map's own arena.
 */
#ifndef IDREG_CORE_STRMAP_H
#define IDREG_CORE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"

struct idreg__strmap_slot;

struct idreg_strmap {
	struct idreg__strmap_slot *slots;
	size_t capacity; /* a power of two */
	size_t count;
	struct idreg_arena keys;
};

void idreg_strmap_init(struct idreg_strmap *map);

/** Find @key; returns IDREG_OK and sets @value, or IDREG_ENOTFOUND. */
idreg_err idreg_strmap_get(const struct idreg_strmap *map, const char *key, int64_t *value);

/** Insert or replace @key. */
idreg_err idreg_strmap_put(struct idreg_strmap *map, const char *key, int64_t value);

/** Remove every entry. */
void idreg_strmap_clear(struct idreg_strmap *map);

void idreg_strmap_free(struct idreg_strmap *map);

#endif
