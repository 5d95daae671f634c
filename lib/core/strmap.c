/*
 * String-to-integer hash map: FNV-1a hashing, linear probing, doubling at
 * half load.
 */
#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

struct idreg__strmap_slot {
	const char *key; /* NULL when empty */
	uint64_t hash;
	int64_t value;
};

static uint64_t hash_string(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	}
	return h;
}

void idreg_strmap_init(struct idreg_strmap *map)
{
	map->slots = NULL;
	map->capacity = 0;
	map->count = 0;
	idreg_arena_init(&map->keys, 64 * 1024, 0);
}

static struct idreg__strmap_slot *find_slot(struct idreg__strmap_slot *slots, size_t capacity,
					    const char *key, uint64_t hash)
{
	size_t i = (size_t)hash & (capacity - 1);
	while (slots[i].key != NULL && (slots[i].hash != hash || strcmp(slots[i].key, key) != 0)) {
		i = (i + 1) & (capacity - 1);
	}
	return &slots[i];
}

idreg_err idreg_strmap_get(const struct idreg_strmap *map, const char *key, int64_t *value)
{
	if (map->count == 0) {
		return IDREG_ENOTFOUND;
	}
	struct idreg__strmap_slot *slot = find_slot(map->slots, map->capacity, key, hash_string(key));
	if (slot->key == NULL) {
		return IDREG_ENOTFOUND;
	}
	*value = slot->value;
	return IDREG_OK;
}

static idreg_err grow(struct idreg_strmap *map)
{
	size_t capacity = map->capacity ? map->capacity * 2 : 256;
	struct idreg__strmap_slot *slots = calloc(capacity, sizeof(*slots));
	if (slots == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < map->capacity; i++) {
		if (map->slots[i].key != NULL) {
			*find_slot(slots, capacity, map->slots[i].key, map->slots[i].hash) = map->slots[i];
		}
	}
	free(map->slots);
	map->slots = slots;
	map->capacity = capacity;
	return IDREG_OK;
}

idreg_err idreg_strmap_put(struct idreg_strmap *map, const char *key, int64_t value)
{
	if ((map->count + 1) * 2 > map->capacity) {
		idreg_err err = grow(map);
		if (err != IDREG_OK) {
			return err;
		}
	}
	uint64_t hash = hash_string(key);
	struct idreg__strmap_slot *slot = find_slot(map->slots, map->capacity, key, hash);
	if (slot->key == NULL) {
		char *copy = idreg_arena_strndup(&map->keys, key, strlen(key));
		if (copy == NULL) {
			return IDREG_ENOMEM;
		}
		slot->key = copy;
		slot->hash = hash;
		map->count++;
	}
	slot->value = value;
	return IDREG_OK;
}

void idreg_strmap_clear(struct idreg_strmap *map)
{
	if (map->slots != NULL) {
		memset(map->slots, 0, map->capacity * sizeof(*map->slots));
	}
	map->count = 0;
	idreg_arena_reset(&map->keys);
}

void idreg_strmap_free(struct idreg_strmap *map)
{
	free(map->slots);
	idreg_arena_free(&map->keys);
	map->slots = NULL;
	map->capacity = map->count = 0;
}
