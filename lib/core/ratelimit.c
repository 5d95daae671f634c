/*
 * Token buckets in a sharded, fixed-size open-addressing table; see
 * ratelimit.h.
 */
#include "core/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#define SHARDS 16
#define SLOTS_PER_SHARD 4096 /* a power of two */
#define PROBE 8

struct bucket {
	idreg_u128 key; /* address, with the family in the top bit for IPv4 */
	bool used;
	double tokens;
	double seen;    /* last refill time */
};

struct shard {
	pthread_mutex_t lock;
	struct bucket slots[SLOTS_PER_SHARD];
};

struct idreg_ratelimit {
	/* Read on every request, written on reload: atomics, not a lock every
	 * request would take. */
	_Atomic double per_second, burst;
	struct shard shards[SHARDS];
};

idreg_err idreg_ratelimit_new(double per_second, double burst, struct idreg_ratelimit **out)
{
	struct idreg_ratelimit *rl = calloc(1, sizeof(*rl));
	if (rl == NULL) {
		return IDREG_ENOMEM;
	}
	for (int i = 0; i < SHARDS; i++) {
		pthread_mutex_init(&rl->shards[i].lock, NULL);
	}
	idreg_ratelimit_set(rl, per_second, burst);
	*out = rl;
	return IDREG_OK;
}

void idreg_ratelimit_set(struct idreg_ratelimit *rl, double per_second, double burst)
{
	atomic_store_explicit(&rl->per_second, per_second, memory_order_relaxed);
	atomic_store_explicit(&rl->burst, burst < 1 ? 1 : burst, memory_order_relaxed);
}

static uint64_t mix(idreg_u128 key)
{
	uint64_t h = (uint64_t)key ^ (uint64_t)(key >> 64) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 29);
}

unsigned idreg_ratelimit_take(struct idreg_ratelimit *rl, const struct idreg_ip *client,
			      double now)
{
	double per_second = atomic_load_explicit(&rl->per_second, memory_order_relaxed);
	double burst = atomic_load_explicit(&rl->burst, memory_order_relaxed);
	if (per_second <= 0) {
		return 0;
	}
	idreg_u128 key = client->value;
	if (client->type == IDREG_RES_IPV4) {
		key |= (idreg_u128)1 << 127;
	}
	uint64_t h = mix(key);
	struct shard *shard = &rl->shards[h % SHARDS];
	size_t start = (size_t)(h / SHARDS) & (SLOTS_PER_SHARD - 1);

	pthread_mutex_lock(&shard->lock);
	struct bucket *b = NULL, *oldest = NULL;
	for (size_t i = 0; i < PROBE; i++) {
		struct bucket *s = &shard->slots[(start + i) & (SLOTS_PER_SHARD - 1)];
		if (s->used && s->key == key) {
			b = s;
			break;
		}
		if (oldest == NULL || !s->used || (oldest->used && s->seen < oldest->seen)) {
			oldest = s;
		}
	}
	if (b == NULL) { /* a new client, or one forgotten: a full bucket */
		b = oldest;
		b->used = true;
		b->key = key;
		b->tokens = burst;
		b->seen = now;
	}
	b->tokens = fmin(burst, b->tokens + (now - b->seen) * per_second);
	b->seen = now;
	unsigned wait = 0;
	if (b->tokens >= 1) {
		b->tokens -= 1;
	} else {
		wait = (unsigned)ceil((1 - b->tokens) / per_second);
		if (wait == 0) {
			wait = 1;
		}
	}
	pthread_mutex_unlock(&shard->lock);
	return wait;
}

void idreg_ratelimit_free(struct idreg_ratelimit *rl)
{
	if (rl == NULL) {
		return;
	}
	for (int i = 0; i < SHARDS; i++) {
		pthread_mutex_destroy(&rl->shards[i].lock);
	}
	free(rl);
}
