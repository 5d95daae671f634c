/*
 * The IDN registration policy (policy.h): the settings from the
 * configuration, the keys held names are found by, and the decision for a
 * name against the names held -- IDNA2008, LGR disposition, variants taken,
 * the variant set, confusables.
 */
#include "idn/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/array.h"
#include "idn/idna2008.h"

#define IDREG__IDN_NAME(name, text) text,
static const char *const variants_names[] = { IDREG_IDN_VARIANTS_LIST(IDREG__IDN_NAME) NULL };
static const char *const confusables_names[] = { IDREG_IDN_CONFUSABLES_LIST(IDREG__IDN_NAME) NULL };
static const char *const fate_names[] = { IDREG_IDN_FATE_LIST(IDREG__IDN_NAME) };
#undef IDREG__IDN_NAME
#define IDREG__IDN_VERDICT(name, verdict, text) verdict,
static const char *const outcome_verdicts[] = { IDREG_IDN_OUTCOME_LIST(IDREG__IDN_VERDICT) };
#undef IDREG__IDN_VERDICT
#define IDREG__IDN_TEXT(name, verdict, text) text,
static const char *const outcome_texts[] = { IDREG_IDN_OUTCOME_LIST(IDREG__IDN_TEXT) };
#undef IDREG__IDN_TEXT

/* Held names of one variant set kept for a decision, at most. */
#define HELD_KEPT 64
/* Room for a label's UTF-8 text. */
#define LABEL_TEXT_MAX (4 * IDREG_LGR_LABEL_MAX + 1)

/* One zone's policy, loaded. */
struct zone_policy {
	char zone[IDREG_UTS46_UNICODE_MAX]; /* U-label form, lower case; "": the default */
	struct idreg_idn_policy_settings settings;
	struct idreg_lgr *lgr; /* NULL: none */
};

struct idreg_idn_policy {
	struct zone_policy zones[IDREG_IDN_MAX_ZONES + 1]; /* [0]: the default */
	size_t n_zones;
};

struct idreg_idn_checker {
	const struct idreg_idn_policy *policy;
	struct idreg_lgr_eval *evs[IDREG_IDN_MAX_ZONES + 1]; /* per zone; NULL without an LGR */
	/* The zone of the name at hand (chosen by choose_zone): */
	const struct zone_policy *zone;
	struct idreg_lgr_eval *ev;
	struct idreg_arena text;   /* strings of the current decision */
	struct idreg_idn_variant *variants;
	size_t n_variants, variants_cap;
	char index_key[IDREG_IDN_INDEX_KEY_MAX];
	char skeleton_key[IDREG_IDN_SKELETON_KEY_MAX];
	char skeleton[IDREG_CONFUSABLE_SKELETON_MAX];
};

const char *idreg_idn_outcome_verdict(enum idreg_idn_outcome outcome)
{
	return outcome_verdicts[outcome];
}

const char *idreg_idn_fate_name(enum idreg_idn_fate fate)
{
	return fate_names[fate];
}

static bool choice(const char *const *names, const char *value, int *out)
{
	for (int i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], value) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

static idreg_err parse_variants(const char *value, enum idreg_idn_variants *out,
				struct idreg_diag *diag)
{
	int v;
	if (!choice(variants_names, value, &v)) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "idn.variants: '%s' is not reserve, activate or block",
				      value);
	}
	*out = (enum idreg_idn_variants)v;
	return IDREG_OK;
}

static idreg_err parse_confusables(const char *value, enum idreg_idn_confusables *out,
				   struct idreg_diag *diag)
{
	int v;
	if (!choice(confusables_names, value, &v)) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "idn.confusables: '%s' is not refuse, flag or allow",
				      value);
	}
	*out = (enum idreg_idn_confusables)v;
	return IDREG_OK;
}

static idreg_err parse_level(const char *value, enum idreg_confusable_level *out,
			     struct idreg_diag *diag)
{
	if (!idreg_confusable_level_parse(value, out)) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "idn.restriction_level: '%s' is no UTS #39 level",
				      value);
	}
	return IDREG_OK;
}

/* A count of an [idn.ZONE] key, which the configuration checked already. */
static size_t zone_count(const char *value)
{
	return (size_t)strtoul(value, NULL, 10);
}

/* Put a zone's own value of the [idn] key @name over @s. */
static idreg_err zone_key_apply(struct idreg_idn_policy_settings *s, const char *name,
				const char *value, struct idreg_diag *diag)
{
	if (strcmp(name, "lgr") == 0) {
		s->lgr_path = value;
	} else if (strcmp(name, "variants") == 0) {
		return parse_variants(value, &s->variants, diag);
	} else if (strcmp(name, "max_activated") == 0) {
		s->max_activated = zone_count(value);
	} else if (strcmp(name, "max_variants") == 0) {
		s->max_variants = zone_count(value);
	} else if (strcmp(name, "confusables") == 0) {
		return parse_confusables(value, &s->confusables, diag);
	} else if (strcmp(name, "restriction_level") == 0) {
		return parse_level(value, &s->restriction_level, diag);
	} else {
		return idreg_diag_set(diag, IDREG_ECONFIG, "[idn.%s]: unknown key '%s'", s->zone, name);
	}
	return IDREG_OK;
}

idreg_err idreg_idn_policy_settings(const struct idreg_config *cfg,
				    struct idreg_idn_policy_settings out[IDREG_IDN_MAX_ZONES + 1],
				    size_t *n, struct idreg_diag *diag)
{
	struct idreg_idn_policy_settings *base = &out[0];
	*base = (struct idreg_idn_policy_settings){
		.zone = "",
		.lgr_path = cfg->idn_lgr,
		.max_activated = (size_t)cfg->idn_max_activated,
		.max_variants = (size_t)cfg->idn_max_variants,
	};
	idreg_err err;
	if ((err = parse_variants(cfg->idn_variants, &base->variants, diag)) != IDREG_OK ||
	    (err = parse_confusables(cfg->idn_confusables, &base->confusables, diag)) != IDREG_OK ||
	    (err = parse_level(cfg->idn_restriction_level, &base->restriction_level, diag)) != IDREG_OK) {
		return err;
	}
	*n = 1;
	for (size_t i = 0; i < cfg->idn_zone_key_count; i++) {
		const struct idreg_config_zone_key *k = &cfg->idn_zone_keys[i];
		size_t z = 1;
		while (z < *n && strcmp(out[z].zone, k->zone) != 0) {
			z++;
		}
		if (z == *n) {
			if (*n == IDREG_IDN_MAX_ZONES + 1) {
				return idreg_diag_set(diag, IDREG_ECONFIG,
						      "[idn.%s]: more than %d zones with a policy of their own",
						      k->zone, IDREG_IDN_MAX_ZONES);
			}
			out[z] = *base;
			out[z].zone = k->zone;
			(*n)++;
		}
		if ((err = zone_key_apply(&out[z], k->name, k->value, diag)) != IDREG_OK) {
			return err;
		}
	}
	return IDREG_OK;
}

/* @zone as policies are looked up by: U-label form, lower case. */
static idreg_err zone_form(const char *zone, char *out, size_t size, struct idreg_diag *diag)
{
	if (zone[0] == '\0') {
		out[0] = '\0';
		return IDREG_OK;
	}
	struct idreg_diag why = { "" };
	if (idreg_uts46_to_unicode(zone, strlen(zone), out, size, &why) != IDREG_OK) {
		return idreg_diag_set(diag, IDREG_ECONFIG, "[idn.%s]: not a zone name: %s", zone,
				      why.text);
	}
	return IDREG_OK;
}

static void zones_free(struct idreg_idn_policy *p)
{
	for (size_t i = 0; i < p->n_zones; i++) {
		idreg_lgr_free(p->zones[i].lgr);
	}
	free(p);
}

idreg_err idreg_idn_policy_load(const struct idreg_idn_policy_settings *settings, size_t n,
				struct idreg_idn_policy **out, struct idreg_diag *diag)
{
	if (n == 0 || n > IDREG_IDN_MAX_ZONES + 1 || settings[0].zone == NULL ||
	    settings[0].zone[0] != '\0') {
		return idreg_diag_set(diag, IDREG_EINVAL, "a policy needs the default settings first");
	}
	struct idreg_idn_policy *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	idreg_err err = IDREG_OK;
	for (size_t i = 0; i < n && err == IDREG_OK; i++) {
		struct zone_policy *z = &p->zones[i];
		z->settings = settings[i];
		if ((err = zone_form(settings[i].zone, z->zone, sizeof(z->zone), diag)) != IDREG_OK) {
			break;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(p->zones[j].zone, z->zone) == 0) {
				err = idreg_diag_set(diag, IDREG_ECONFIG, "[idn.%s]: the zone %s has two policies",
						     settings[i].zone, z->zone);
			}
		}
		const char *path = settings[i].lgr_path;
		if (err == IDREG_OK && path != NULL && path[0] != '\0') {
			struct idreg_lgr_options opts = { 0 };
			if ((err = idreg_lgr_load(path, &opts, &z->lgr, diag)) != IDREG_OK && i > 0) {
				char why[sizeof(diag->text)];
				snprintf(why, sizeof(why), "%s", diag->text);
				idreg_diag_set(diag, err, "[idn.%s] lgr: %s", settings[i].zone, why);
			}
		}
		z->settings.zone = z->zone; /* the caller's strings; the zone is copied, the LGR loaded */
		z->settings.lgr_path = NULL;
		p->n_zones = i + 1;
	}
	if (err != IDREG_OK) {
		zones_free(p);
		return err;
	}
	*out = p;
	return IDREG_OK;
}

void idreg_idn_policy_free(struct idreg_idn_policy *policy)
{
	if (policy != NULL) {
		zones_free(policy);
	}
}

idreg_err idreg_idn_checker_new(const struct idreg_idn_policy *policy,
				struct idreg_idn_checker **out)
{
	struct idreg_idn_checker *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return IDREG_ENOMEM;
	}
	c->policy = policy;
	idreg_arena_init(&c->text, 16 * 1024, 0);
	for (size_t i = 0; i < policy->n_zones; i++) {
		const struct idreg_lgr *lgr = policy->zones[i].lgr;
		if (lgr != NULL && idreg_lgr_eval_new(lgr, &c->evs[i]) != IDREG_OK) {
			idreg_idn_checker_free(c);
			return IDREG_ENOMEM;
		}
	}
	*out = c;
	return IDREG_OK;
}

void idreg_idn_checker_free(struct idreg_idn_checker *checker)
{
	if (checker != NULL) {
		for (size_t i = 0; i < checker->policy->n_zones; i++) {
			idreg_lgr_eval_free(checker->evs[i]);
		}
		idreg_arena_free(&checker->text);
		free(checker->variants);
		free(checker);
	}
}

/* "TEXT.PARENT", or TEXT alone for a name of one label, into @out. */
static idreg_err join_parent(const char *text, const char *parent, char *out, size_t size)
{
	int n = snprintf(out, size, "%s%s%s", text, parent[0] ? "." : "", parent);
	return n >= 0 && (size_t)n < size ? IDREG_OK : IDREG_ETOOBIG;
}

/* The first label of @name: its length; the parent after the dot in *@parent ("" for none). */
static size_t first_label(const char *name, const char **parent)
{
	const char *dot = strchr(name, '.');
	*parent = dot ? dot + 1 : "";
	return dot ? (size_t)(dot - name) : strlen(name);
}

/* The index label of @cps as text, or @label itself when it has none (or without an LGR). */
static idreg_err index_text(struct idreg_idn_checker *c, const char *label, size_t len,
			    const uint32_t *cps, size_t n, char *out, size_t size)
{
	uint32_t index[IDREG_LGR_INDEX_MAX];
	size_t index_len;
	if (c->ev != NULL &&
	    idreg_lgr_index_label(c->ev, cps, n, index, IDREG_LGR_INDEX_MAX, &index_len) == IDREG_OK) {
		return idreg_lgr_label_encode(index, index_len, out, size);
	}
	if (len >= size) {
		return IDREG_ETOOBIG;
	}
	memcpy(out, label, len);
	out[len] = '\0';
	return IDREG_OK;
}

/* Make the policy of @parent's zone (the default when it has none) the one at hand. */
static void choose_zone(struct idreg_idn_checker *c, const char *parent)
{
	size_t i = c->policy->n_zones - 1;
	while (i > 0 && strcasecmp(c->policy->zones[i].zone, parent) != 0) {
		i--;
	}
	c->zone = &c->policy->zones[i];
	c->ev = c->evs[i];
}

idreg_err idreg_idn_keys(struct idreg_idn_checker *c, const char *unicode_name,
			 char index_key[IDREG_IDN_INDEX_KEY_MAX],
			 char skeleton_key[IDREG_IDN_SKELETON_KEY_MAX], struct idreg_diag *diag)
{
	const char *parent;
	size_t len = first_label(unicode_name, &parent);
	choose_zone(c, parent);
	uint32_t cps[IDREG_LGR_LABEL_MAX];
	size_t n = 0;
	idreg_err err = IDREG_OK;
	if (c->ev != NULL) {
		err = idreg_lgr_label_decode(unicode_name, len, cps, &n, diag);
	}
	if (err == IDREG_OK) {
		char index[4 * IDREG_LGR_INDEX_MAX + 1];
		err = index_text(c, unicode_name, len, cps, n, index, sizeof(index));
		if (err == IDREG_OK) {
			err = join_parent(index, parent, index_key, IDREG_IDN_INDEX_KEY_MAX);
		}
	}
	if (err == IDREG_OK) {
		err = idreg_confusable_skeleton(unicode_name, len, c->skeleton, sizeof(c->skeleton), diag);
	}
	if (err == IDREG_OK) {
		err = join_parent(c->skeleton, parent, skeleton_key, IDREG_IDN_SKELETON_KEY_MAX);
	}
	if (err == IDREG_ETOOBIG) {
		return idreg_diag_set(diag, IDREG_EPARSE, "%s: the keys of the name are too long",
				      unicode_name);
	}
	return err;
}

/* ---- the decision ---- */

/* What the lookup of the index key found. */
struct variant_set {
	struct idreg_idn_checker *c;
	const char *name;       /* the name decided on */
	const char *registrant; /* who asks; NULL: nobody known */
	const char *held[HELD_KEPT]; /* names held, the earliest first */
	size_t n_held;
	bool name_held;
	const char *name_holder;
	const char *other;       /* a name held by another registrant, and its holder */
	const char *other_holder;
};

static const char *keep(struct idreg_idn_checker *c, const char *s)
{
	return s == NULL ? NULL : idreg_arena_strndup(&c->text, s, strlen(s));
}

static bool same_registrant(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

static idreg_err note_held(void *ctx, const struct idreg_idn_held *held)
{
	struct variant_set *vs = ctx;
	const char *name = keep(vs->c, held->unicode_name);
	const char *holder = keep(vs->c, held->registrant);
	if (name == NULL || (held->registrant != NULL && holder == NULL)) {
		return IDREG_ENOMEM;
	}
	if (strcmp(name, vs->name) == 0) {
		vs->name_held = true;
		vs->name_holder = holder;
	} else if (vs->other == NULL && !same_registrant(holder, vs->registrant)) {
		vs->other = name;
		vs->other_holder = holder;
	}
	if (vs->n_held < HELD_KEPT) {
		vs->held[vs->n_held] = name;
	}
	vs->n_held++;
	return IDREG_OK;
}

static bool is_held(const struct variant_set *vs, const char *name)
{
	for (size_t i = 0; i < vs->n_held && i < HELD_KEPT; i++) {
		if (strcmp(vs->held[i], name) == 0) {
			return true;
		}
	}
	return false;
}

/* The label @cps looked for among the variant labels of another: its disposition there. */
struct variant_search {
	const uint32_t *cps;
	size_t n;
	bool found;
	struct idreg_lgr_disposition d;
};

static bool find_variant(void *ctx, const uint32_t *cps, size_t n,
			 const struct idreg_lgr_disposition *d)
{
	struct variant_search *s = ctx;
	if (n == s->n && memcmp(cps, s->cps, n * sizeof(*cps)) == 0) {
		s->found = true;
		s->d = *d;
		return false;
	}
	return true;
}

static void set_reason(struct idreg_idn_decision *out, enum idreg_idn_outcome outcome,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_reason(struct idreg_idn_decision *out, enum idreg_idn_outcome outcome,
		       const char *fmt, ...)
{
	out->outcome = outcome;
	int n = snprintf(out->reason, sizeof(out->reason), "%s: ", outcome_texts[outcome]);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->reason + n, sizeof(out->reason) - (size_t)n, fmt, ap);
	va_end(ap);
}

static const char *holder_words(const char *holder)
{
	return holder ? holder : "a holder without a registrant";
}

/* Step 3 for a name whose variant set is held by its registrant: may it join it? */
static idreg_err reserved_variant(struct idreg_idn_checker *c, const struct variant_set *vs,
				  const uint32_t *cps, size_t n, struct idreg_idn_decision *out)
{
	const struct idreg_idn_policy_settings *set = &c->zone->settings;
	const char *first = vs->held[0];
	if (c->ev == NULL) { /* keys made under an LGR the policy no longer names */
		set_reason(out, IDREG_IDN_VARIANT_BLOCKED,
			   "shares its index key with %s, which the policy without an LGR cannot weigh "
			   "('idreg import domains' keys the registry again)", first);
		return IDREG_OK;
	}
	if (set->variants == IDREG_IDN_VARIANTS_BLOCK) {
		set_reason(out, IDREG_IDN_VARIANT_BLOCKED,
			   "a variant of %s, and the policy blocks every variant (idn.variants = block)",
			   first);
		return IDREG_OK;
	}
	const char *parent;
	size_t len = first_label(first, &parent);
	uint32_t held_cps[IDREG_LGR_LABEL_MAX];
	size_t held_n;
	struct idreg_diag diag = { "" };
	struct variant_search search = { .cps = cps, .n = n };
	struct idreg_lgr_variant_options opts = { .max_generated = set->max_variants,
						  .include_invalid = true };
	struct idreg_lgr_variant_summary sum;
	if (idreg_lgr_label_decode(first, len, held_cps, &held_n, &diag) == IDREG_OK) {
		idreg_err err = idreg_lgr_variants(c->ev, held_cps, held_n, &opts, find_variant, &search,
						   &sum);
		if (err != IDREG_OK) {
			return err;
		}
	}
	if (!search.found) {
		set_reason(out, IDREG_IDN_VARIANT_BLOCKED,
			   "shares its index label with %s but is not among its first %zu variant labels",
			   first, set->max_variants);
		return IDREG_OK;
	}
	if (strcmp(search.d.disp, "allocatable") != 0) {
		char why[512];
		idreg_lgr_reason(c->zone->lgr, &search.d, why, sizeof(why));
		set_reason(out, IDREG_IDN_VARIANT_BLOCKED, "%s as a variant of %s, held by %s: %s",
			   search.d.disp, first, vs->registrant, why);
		return IDREG_OK;
	}
	if (vs->n_held - 1 >= set->max_activated) {
		set_reason(out, IDREG_IDN_VARIANTS_EXHAUSTED,
			   "%s has %zu variant%s registered beside it, as many as idn.max_activated (%zu)",
			   first, vs->n_held - 1, vs->n_held == 2 ? "" : "s", set->max_activated);
		return IDREG_OK;
	}
	set_reason(out, IDREG_IDN_RESERVED_VARIANT, "an allocatable variant of %s, held by %s", first,
		   vs->registrant);
	return IDREG_OK;
}

/* Step 4: the variant set of an accepted label. */
struct variant_lister {
	struct idreg_idn_checker *c;
	const struct variant_set *vs;
	const char *parent;
	size_t budget; /* variants that may still be activated */
	idreg_err err;
};

static bool list_variant(void *ctx, const uint32_t *cps, size_t n,
			 const struct idreg_lgr_disposition *d)
{
	struct variant_lister *l = ctx;
	struct idreg_idn_checker *c = l->c;
	char label[LABEL_TEXT_MAX], name[IDREG_UTS46_UNICODE_MAX], why[512];
	if (idreg_lgr_label_encode(cps, n, label, sizeof(label)) != IDREG_OK ||
	    join_parent(label, l->parent, name, sizeof(name)) != IDREG_OK) {
		return true; /* a variant too long for a name is no name anyone can hold */
	}
	if (idreg_array_reserve(&c->variants, &c->variants_cap, c->n_variants, sizeof(*c->variants),
				16) != IDREG_OK) {
		l->err = IDREG_ENOMEM;
		return false;
	}
	idreg_lgr_reason(c->zone->lgr, d, why, sizeof(why));
	struct idreg_idn_variant *v = &c->variants[c->n_variants];
	*v = (struct idreg_idn_variant){ .unicode_name = keep(c, name), .disposition = d->disp,
					 .reason = keep(c, why) };
	if (v->unicode_name == NULL || v->reason == NULL) {
		l->err = IDREG_ENOMEM;
		return false;
	}
	if (is_held(l->vs, name)) {
		v->fate = IDREG_IDN_FATE_HELD;
	} else if (strcmp(d->disp, "allocatable") != 0 ||
		   c->zone->settings.variants == IDREG_IDN_VARIANTS_BLOCK) {
		v->fate = IDREG_IDN_FATE_BLOCKED;
	} else if (c->zone->settings.variants == IDREG_IDN_VARIANTS_ACTIVATE && l->budget > 0) {
		v->fate = IDREG_IDN_FATE_ACTIVATED;
		l->budget--;
	} else {
		v->fate = IDREG_IDN_FATE_RESERVED;
	}
	c->n_variants++;
	return true;
}

static idreg_err variant_set(struct idreg_idn_checker *c, const struct variant_set *vs,
			     const uint32_t *cps, size_t n, const char *parent,
			     struct idreg_idn_decision *out)
{
	size_t max = c->zone->settings.max_activated;
	struct variant_lister l = { .c = c, .vs = vs, .parent = parent,
				    .budget = vs->n_held < max ? max - vs->n_held : 0 };
	struct idreg_lgr_variant_options opts = { .max_generated = c->zone->settings.max_variants };
	struct idreg_lgr_variant_summary sum;
	idreg_err err = idreg_lgr_variants(c->ev, cps, n, &opts, list_variant, &l, &sum);
	out->variants_truncated = sum.truncated;
	return err != IDREG_OK ? err : l.err;
}

/* Step 5: the first held name outside the variant set with the same skeleton
 * key that another registrant holds (a registrant may hold look-alikes of its
 * own names: they protect it, they do not deceive anyone about who it is). */
struct look_alike {
	struct idreg_idn_checker *c;
	const char *index_key;
	const char *registrant; /* who asks */
	const char *name, *holder;
};

static idreg_err note_look_alike(void *ctx, const struct idreg_idn_held *held)
{
	struct look_alike *la = ctx;
	if (la->name != NULL || strcmp(held->index_key, la->index_key) == 0 ||
	    same_registrant(held->registrant, la->registrant)) {
		return IDREG_OK;
	}
	la->name = keep(la->c, held->unicode_name);
	la->holder = keep(la->c, held->registrant);
	return la->name == NULL ? IDREG_ENOMEM : IDREG_OK;
}

static idreg_err confusables(struct idreg_idn_checker *c, const char *label, size_t len,
			     const char *registrant, const struct idreg_idn_holdings *holdings,
			     struct idreg_idn_decision *out, struct idreg_diag *diag)
{
	const struct idreg_idn_policy_settings *set = &c->zone->settings;
	struct idreg_confusable_verdict verdict;
	struct idreg_diag why = { "" };
	idreg_err err = idreg_confusable_check(label, len, set->restriction_level, &verdict, &why);
	if (err == IDREG_EPARSE) {
		set_reason(out, IDREG_IDN_RESTRICTION_LEVEL, "%s", why.text);
		return IDREG_OK;
	}
	if (err != IDREG_OK || set->confusables == IDREG_IDN_CONFUSABLES_ALLOW) {
		return err == IDREG_OK ? IDREG_OK : idreg_diag_set(diag, err, "%s", why.text);
	}
	struct look_alike la = { .c = c, .index_key = c->index_key, .registrant = registrant };
	err = holdings->by_skeleton_key(holdings->source, c->skeleton_key, note_look_alike, &la, diag);
	if (err != IDREG_OK || la.name == NULL) {
		return err;
	}
	const char *verdict_text = out->outcome == IDREG_IDN_RESERVED_VARIANT ? " (and is a reserved variant)" : "";
	set_reason(out,
		   set->confusables == IDREG_IDN_CONFUSABLES_REFUSE ? IDREG_IDN_CONFUSABLE
								    : IDREG_IDN_CONFUSABLE_FLAGGED,
		   "%s, held by %s (skeleton %s)%s", la.name, holder_words(la.holder),
		   c->skeleton_key, verdict_text);
	return IDREG_OK;
}

idreg_err idreg_idn_decide(struct idreg_idn_checker *c, const char *name, size_t len,
			   const char *registrant, const struct idreg_idn_holdings *holdings,
			   struct idreg_idn_decision *out, struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	idreg_arena_reset(&c->text);
	c->n_variants = 0;

	/* 1. IDNA2008 */
	struct idreg_idna2008_name forms;
	struct idreg_diag why = { "" };
	idreg_err err = idreg_idna2008_check_name(name, len, &forms, NULL, &why);
	if (err == IDREG_EPARSE) {
		set_reason(out, IDREG_IDN_IDNA2008, "%s", why.text);
		return IDREG_OK;
	}
	if (err != IDREG_OK) {
		return idreg_diag_set(diag, err, "%s", why.text);
	}
	snprintf(out->unicode_name, sizeof(out->unicode_name), "%s", forms.unicode);
	const char *parent;
	size_t label_len = first_label(forms.unicode, &parent);
	choose_zone(c, parent);

	/* 2. the LGR disposition */
	uint32_t cps[IDREG_LGR_LABEL_MAX];
	size_t n = 0;
	if (c->ev != NULL) {
		struct idreg_lgr_disposition d;
		if (idreg_lgr_label_decode(forms.unicode, label_len, cps, &n, &why) != IDREG_OK) {
			set_reason(out, IDREG_IDN_LGR_INVALID, "%s", why.text);
			return IDREG_OK;
		}
		if ((err = idreg_lgr_disposition(c->ev, cps, n, &d)) != IDREG_OK) {
			return idreg_diag_set(diag, err, "out of memory");
		}
		bool invalid = idreg_lgr_is_invalid(&d);
		if (invalid || strcmp(d.disp, "blocked") == 0) {
			char reason[512];
			idreg_lgr_reason(c->zone->lgr, &d, reason, sizeof(reason));
			set_reason(out, invalid ? IDREG_IDN_LGR_INVALID : IDREG_IDN_LGR_BLOCKED, "%s", reason);
			return IDREG_OK;
		}
	}

	/* 3. is any variant taken? */
	if ((err = idreg_idn_keys(c, forms.unicode, c->index_key, c->skeleton_key, diag)) != IDREG_OK) {
		return err;
	}
	struct variant_set vs = { .c = c, .name = forms.unicode, .registrant = registrant };
	err = holdings->by_index_key(holdings->source, c->index_key, note_held, &vs, diag);
	if (err != IDREG_OK) {
		return err == IDREG_ENOMEM ? idreg_diag_set(diag, err, "out of memory") : err;
	}
	set_reason(out, IDREG_IDN_REGISTRABLE, "%s", c->ev ? "valid under the LGR, no variant held"
							     : "no LGR; not held");
	if (vs.name_held) {
		set_reason(out, IDREG_IDN_HELD, "held by %s", holder_words(vs.name_holder));
		return IDREG_OK;
	}
	if (vs.other != NULL) {
		set_reason(out, IDREG_IDN_VARIANT_OF_OTHER, "%s, held by %s (index label %s)", vs.other,
			   holder_words(vs.other_holder), c->index_key);
		return IDREG_OK;
	}
	if (vs.n_held > 0) {
		if ((err = reserved_variant(c, &vs, cps, n, out)) != IDREG_OK) {
			return idreg_diag_set(diag, err, "out of memory");
		}
		if (out->outcome != IDREG_IDN_RESERVED_VARIANT) {
			return IDREG_OK;
		}
	}

	/* 4. the variant set */
	if (c->ev != NULL && (err = variant_set(c, &vs, cps, n, parent, out)) != IDREG_OK) {
		return idreg_diag_set(diag, err, "out of memory");
	}

	/* 5. confusables */
	err = confusables(c, forms.unicode, label_len, registrant, holdings, out, diag);
	if (err == IDREG_OK && strcmp(idreg_idn_outcome_verdict(out->outcome), "refused") == 0) {
		c->n_variants = 0; /* a refused name has no variant set */
	}
	out->variants = c->variants;
	out->n_variants = c->n_variants;
	return err;
}
