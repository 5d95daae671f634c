/*
 * Inequality of a resource across economies: the Lorenz curve, the Gini
 * index and the Theil index (T) with its split into the part between groups
 * (regions) and the part within them.  Each economy has an amount and a
 * weight: weight 1 for "raw" figures (every economy counts once), its
 * population for "per capita" figures (every person counts once).  See
 * docs/statistics.md for the formulas.
 */
#ifndef IDREG_STATS_EQUITY_H
#define IDREG_STATS_EQUITY_H

#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"

struct idreg_lorenz_point {
	size_t item;        /* which input item this step adds; the first point has none */
	double weight_share, amount_share; /* cumulative, from 0 to 1 */
};

struct idreg_equity {
	size_t count;       /* items with a positive weight */
	double amount, weight;
	/* NAN when undefined (nothing held, or no weight) */
	double gini, theil, theil_within, theil_between;
	struct idreg_lorenz_point *lorenz; /* count + 1 points, the first (0, 0) */
};

/**
 * Measure @n items: @amount[i] >= 0, @weight[i] (items with weight <= 0 are
 * left out), @group[i] in [0, @groups) for the Theil split.  The Lorenz
 * points come from @arena.
 */
idreg_err idreg_equity_measure(const double *amount, const double *weight, const int *group,
			       size_t n, size_t groups, struct idreg_arena *arena,
			       struct idreg_equity *out);

#endif
