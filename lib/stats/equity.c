/*
 * Gini, Theil and the Lorenz curve; see equity.h.
 */
#include "stats/equity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ranked {
	size_t item;
	double ratio; /* amount per weight */
};

static int ranked_order(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->ratio != y->ratio) {
		return x->ratio < y->ratio ? -1 : 1;
	}
	return x->item < y->item ? -1 : x->item > y->item;
}

/* s ln(s / p), with the limit 0 for s = 0. */
static double theil_term(double s, double p)
{
	return s > 0 ? s * log(s / p) : 0;
}

idreg_err idreg_equity_measure(const double *amount, const double *weight, const int *group,
			       size_t n, size_t groups, struct idreg_arena *arena,
			       struct idreg_equity *out)
{
	memset(out, 0, sizeof(*out));
	out->gini = out->theil = out->theil_within = out->theil_between = NAN;
	struct ranked *rank = idreg_arena_calloc(arena, n ? n : 1, sizeof(*rank));
	double *group_amount = idreg_arena_calloc(arena, groups ? groups : 1, sizeof(double));
	double *group_weight = idreg_arena_calloc(arena, groups ? groups : 1, sizeof(double));
	out->lorenz = idreg_arena_calloc(arena, n + 1, sizeof(*out->lorenz));
	if (rank == NULL || group_amount == NULL || group_weight == NULL || out->lorenz == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (weight[i] <= 0) {
			continue;
		}
		rank[out->count++] = (struct ranked){ i, amount[i] / weight[i] };
		out->amount += amount[i];
		out->weight += weight[i];
		group_amount[group[i]] += amount[i];
		group_weight[group[i]] += weight[i];
	}
	qsort(rank, out->count, sizeof(*rank), ranked_order);
	double sum_amount = 0, sum_weight = 0;
	for (size_t k = 0; k < out->count; k++) {
		sum_amount += amount[rank[k].item];
		sum_weight += weight[rank[k].item];
		out->lorenz[k + 1] = (struct idreg_lorenz_point){
			rank[k].item, sum_weight / out->weight,
			out->amount > 0 ? sum_amount / out->amount : NAN,
		};
	}
	if (out->amount <= 0 || out->weight <= 0) {
		return IDREG_OK;
	}
	/* Gini: one minus twice the area under the Lorenz curve (trapezoids). */
	double area2 = 0;
	for (size_t k = 1; k <= out->count; k++) {
		const struct idreg_lorenz_point *a = &out->lorenz[k - 1], *b = &out->lorenz[k];
		area2 += (b->weight_share - a->weight_share) * (b->amount_share + a->amount_share);
	}
	out->gini = 1 - area2;
	/* Theil T = sum s_i ln(s_i / p_i); between = sum S_g ln(S_g / P_g);
	 * within = sum S_g T_g, T_g the index inside group g. */
	out->theil = out->theil_between = out->theil_within = 0;
	for (size_t k = 0; k < out->count; k++) {
		size_t i = rank[k].item;
		double s = amount[i] / out->amount, p = weight[i] / out->weight;
		out->theil += theil_term(s, p);
		int g = group[i];
		if (group_amount[g] > 0) {
			double share = group_amount[g] / out->amount;
			out->theil_within += share * theil_term(amount[i] / group_amount[g],
								weight[i] / group_weight[g]);
		}
	}
	for (size_t g = 0; g < groups; g++) {
		if (group_weight[g] > 0) {
			out->theil_between += theil_term(group_amount[g] / out->amount,
							 group_weight[g] / out->weight);
		}
	}
	return IDREG_OK;
}
