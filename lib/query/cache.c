/*
 * The rendered-answer cache; see cache.h.  A slot holds one entry (key and
 * body in one allocation); slot i is guarded by lock i % LOCKS.  The bytes
 * held are counted under the slot's lock with an atomic total.
 */
#include "query/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LOCKS 256
/* One slot for each this many bytes of budget: about one domain answer. */
#define BYTES_PER_SLOT 4096
#define MIN_SLOTS 64

struct entry {
	enum idreg_cache_space space;
	uint64_t generation;
	size_t key_len;
	size_t body_len;
	char data[]; /* the key, then the body */
};

struct idreg_answer_cache {
	size_t max_bytes;
	atomic_size_t held;
	size_t slot_mask;
	struct entry **slots;
	pthread_mutex_t locks[LOCKS];
};

idreg_err idreg_answer_cache_new(size_t max_bytes, struct idreg_answer_cache **out)
{
	*out = NULL;
	if (max_bytes == 0) {
		return IDREG_OK;
	}
	size_t slots = MIN_SLOTS;
	while (slots < max_bytes / BYTES_PER_SLOT) {
		slots *= 2;
	}
	struct idreg_answer_cache *c = calloc(1, sizeof(*c));
	if (c == NULL || (c->slots = calloc(slots, sizeof(*c->slots))) == NULL) {
		free(c);
		return IDREG_ENOMEM;
	}
	c->max_bytes = max_bytes;
	c->slot_mask = slots - 1;
	atomic_init(&c->held, 0);
	for (int i = 0; i < LOCKS; i++) {
		pthread_mutex_init(&c->locks[i], NULL);
	}
	*out = c;
	return IDREG_OK;
}

/* FNV-1a: keys are short paths and queries. */
static size_t slot_of(const struct idreg_answer_cache *c, enum idreg_cache_space space,
		      const char *key, size_t len)
{
	uint64_t h = (0xcbf29ce484222325u ^ (unsigned)space) * 0x100000001b3u;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ (unsigned char)key[i]) * 0x100000001b3u;
	}
	return (size_t)(h ^ (h >> 32)) & c->slot_mask;
}

bool idreg_answer_cache_get(struct idreg_answer_cache *c, enum idreg_cache_space space,
			    uint64_t generation, const char *key, struct idreg_buf *out)
{
	if (c == NULL) {
		return false;
	}
	size_t len = strlen(key), slot = slot_of(c, space, key, len);
	pthread_mutex_t *lock = &c->locks[slot % LOCKS];
	bool found = false;
	pthread_mutex_lock(lock);
	const struct entry *e = c->slots[slot];
	if (e != NULL && e->space == space && e->generation == generation && e->key_len == len && memcmp(e->data, key, len) == 0) {
		idreg_buf_clear(out);
		found = idreg_buf_append(out, e->data + len, e->body_len) == IDREG_OK;
	}
	pthread_mutex_unlock(lock);
	return found;
}

void idreg_answer_cache_put(struct idreg_answer_cache *c, enum idreg_cache_space space,
			    uint64_t generation, const char *key, const char *body, size_t len)
{
	if (c == NULL || len > IDREG_CACHE_ANSWER_MAX) {
		return;
	}
	size_t key_len = strlen(key), slot = slot_of(c, space, key, key_len);
	size_t size = sizeof(struct entry) + key_len + len;
	struct entry *fresh = malloc(size);
	if (fresh == NULL) {
		return;
	}
	fresh->space = space;
	fresh->generation = generation;
	fresh->key_len = key_len;
	fresh->body_len = len;
	memcpy(fresh->data, key, key_len);
	memcpy(fresh->data + key_len, body, len);

	pthread_mutex_t *lock = &c->locks[slot % LOCKS];
	pthread_mutex_lock(lock);
	struct entry *old = c->slots[slot];
	size_t old_size = old ? sizeof(*old) + old->key_len + old->body_len : 0;
	if (atomic_load(&c->held) - old_size + size <= c->max_bytes) {
		c->slots[slot] = fresh;
		atomic_fetch_add(&c->held, size);
		atomic_fetch_sub(&c->held, old_size);
		fresh = old;
	}
	pthread_mutex_unlock(lock);
	free(fresh); /* the one replaced, or the one that did not fit */
}

void idreg_answer_cache_free(struct idreg_answer_cache *c)
{
	if (c == NULL) {
		return;
	}
	for (size_t i = 0; i <= c->slot_mask; i++) {
		free(c->slots[i]);
	}
	for (int i = 0; i < LOCKS; i++) {
		pthread_mutex_destroy(&c->locks[i]);
	}
	free(c->slots);
	free(c);
}
