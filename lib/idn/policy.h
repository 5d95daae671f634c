/*
 * The IDN registration policy of the zones a registry holds: may this name
 * be registered by this registrant, given the names the registry holds, and
 * what becomes of its variant labels?
 *
 * The policy (idn.* in the configuration, docs/idn-policy.md) names an LGR
 * for the label under the zone (RFC 7940; none: IDNA2008 alone), what
 * becomes of a registered label's allocatable variants (reserved for its
 * registrant, activated with it, or blocked like every other variant), how
 * many of them may be active beside it, and what a label that looks like a
 * held name gets (UTS #39 skeletons: refused, flagged or allowed) at which
 * restriction level.  A zone may have its own policy ([idn.ZONE]: the
 * names whose parent is ZONE); every other name has the [idn] one.  The
 * decision, in this order, each refusal with its reason:
 *
 *   1. the IDNA2008 registration check of the whole name (idna2008.h);
 *   2. the LGR disposition of its first label: invalid or blocked refuse,
 *      with the LGR's reason;
 *   3. is any variant of the label taken?  One lookup of the name's index
 *      key (the label's index label under the LGR, RFC 7940 section 8.5,
 *      and the parent zone): the name itself held is refused; a variant
 *      held by another registrant is refused; one held by the same
 *      registrant makes the name its reserved variant, which may be
 *      registered if the LGR makes it allocatable, the policy does not block
 *      variants, and fewer than max_activated variants are held beside the
 *      first name of the set;
 *   4. the variant set of the accepted label: each variant label with its
 *      disposition and its fate (activated, reserved, blocked, or held
 *      already);
 *   5. confusables: the label's UTS #39 restriction level, then one lookup
 *      of its skeleton key: a held name outside its variant set with the
 *      same skeleton, held by another registrant, refuses or flags the
 *      name, as the policy says.
 *
 * Held names come through struct idreg_idn_holdings, two lookups that a
 * store (lib/domains/held.h) or EPP's own view of it provides.
 *
 * A loaded policy is immutable and may be shared; a checker (scratch space
 * and the LGR evaluation) is one per thread.
 */
#ifndef IDREG_IDN_POLICY_H
#define IDREG_IDN_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/error.h"
#include "idn/confusable.h"
#include "idn/lgr.h"
#include "idn/uts46.h"

/* Room for an index key: a label's index label (4 bytes a code point), '.', the parent. */
#define IDREG_IDN_INDEX_KEY_MAX (4 * IDREG_LGR_INDEX_MAX + IDREG_UTS46_UNICODE_MAX + 2)
/* Room for a skeleton key: the label's skeleton, '.', the parent. */
#define IDREG_IDN_SKELETON_KEY_MAX (IDREG_CONFUSABLE_SKELETON_MAX + IDREG_UTS46_UNICODE_MAX + 2)

/* X(NAME, name): what becomes of a registered label's allocatable variants. */
#define IDREG_IDN_VARIANTS_LIST(X) X(RESERVE, "reserve") X(ACTIVATE, "activate") X(BLOCK, "block")
/* X(NAME, name): what a label that looks like a held name gets. */
#define IDREG_IDN_CONFUSABLES_LIST(X) X(REFUSE, "refuse") X(FLAG, "flag") X(ALLOW, "allow")

#define IDREG__IDN_ENUM_VARIANTS(name, text) IDREG_IDN_VARIANTS_##name,
#define IDREG__IDN_ENUM_CONFUSABLES(name, text) IDREG_IDN_CONFUSABLES_##name,
enum idreg_idn_variants { IDREG_IDN_VARIANTS_LIST(IDREG__IDN_ENUM_VARIANTS) };
enum idreg_idn_confusables { IDREG_IDN_CONFUSABLES_LIST(IDREG__IDN_ENUM_CONFUSABLES) };
#undef IDREG__IDN_ENUM_VARIANTS
#undef IDREG__IDN_ENUM_CONFUSABLES

/* Zones with a policy of their own, at most. */
#define IDREG_IDN_MAX_ZONES 64

/** One zone's policy, as the configuration's [idn] and [idn.ZONE] sections give it. */
struct idreg_idn_policy_settings {
	const char *zone;     /* the parent of the names it governs; "": every other name */
	const char *lgr_path; /* NULL or "": no LGR */
	enum idreg_idn_variants variants;
	size_t max_activated;
	size_t max_variants; /* permutations examined per label */
	enum idreg_idn_confusables confusables;
	enum idreg_confusable_level restriction_level;
};

struct idreg_idn_policy;
struct idreg_idn_checker;

/**
 * The settings of @cfg: the [idn] section's (zone "") first, then one per
 * zone of the [idn.ZONE] sections, in the order they first appear, each the
 * [idn] settings with the zone's own keys over them; their number in *@n
 * (at most IDREG_IDN_MAX_ZONES + 1).  The strings are @cfg's.
 * IDREG_ECONFIG for a value that names nothing or too many zones.
 */
idreg_err idreg_idn_policy_settings(const struct idreg_config *cfg,
				    struct idreg_idn_policy_settings out[IDREG_IDN_MAX_ZONES + 1],
				    size_t *n, struct idreg_diag *diag);

/**
 * Load a policy from @n settings, the first of zone "" (its LGRs: errors as
 * idreg_lgr_load gives them, with the zone).  A zone is written in A-label
 * or U-label form; two settings of one zone are an IDREG_ECONFIG.
 */
idreg_err idreg_idn_policy_load(const struct idreg_idn_policy_settings *settings, size_t n,
				struct idreg_idn_policy **out, struct idreg_diag *diag);
void idreg_idn_policy_free(struct idreg_idn_policy *policy);

idreg_err idreg_idn_checker_new(const struct idreg_idn_policy *policy,
				struct idreg_idn_checker **out);
void idreg_idn_checker_free(struct idreg_idn_checker *checker);

/**
 * The keys a held name is found by, for the U-label form @unicode_name (as
 * the registration check or the domains import gives it): the index key,
 * its first label's index label under the LGR of its zone's policy (the
 * label itself when there
 * is no LGR or the label has no index label) then '.' and the parent zone;
 * and the skeleton key, the first label's UTS #39 skeleton, '.' and the
 * parent.  A name of one label has no parent part.  IDREG_EPARSE when the
 * label cannot be read, with the reason.
 */
idreg_err idreg_idn_keys(struct idreg_idn_checker *checker, const char *unicode_name,
			 char index_key[IDREG_IDN_INDEX_KEY_MAX],
			 char skeleton_key[IDREG_IDN_SKELETON_KEY_MAX], struct idreg_diag *diag);

/** A held name, as a lookup reports it. */
struct idreg_idn_held {
	const char *unicode_name;
	const char *registrant; /* handle; NULL when none */
	const char *index_key;
};

/** Called for each held name a lookup finds; IDREG_OK to go on. */
typedef idreg_err (*idreg_idn_held_fn)(void *ctx, const struct idreg_idn_held *held);

/** Where held names come from: every name with the key, the earliest registered first. */
struct idreg_idn_holdings {
	void *source;
	idreg_err (*by_index_key)(void *source, const char *key, idreg_idn_held_fn fn, void *ctx,
				  struct idreg_diag *diag);
	idreg_err (*by_skeleton_key)(void *source, const char *key, idreg_idn_held_fn fn, void *ctx,
				     struct idreg_diag *diag);
};

/* X(NAME, verdict, text): the outcomes of a decision; verdict is accepted, flagged or refused. */
#define IDREG_IDN_OUTCOME_LIST(X)                                                               \
	X(REGISTRABLE, "accepted", "may be registered")                                          \
	X(RESERVED_VARIANT, "accepted", "an allocatable variant reserved for this registrant")   \
	X(CONFUSABLE_FLAGGED, "flagged", "looks like a held name (same UTS #39 skeleton)")       \
	X(IDNA2008, "refused", "refused by the IDNA2008 registration check")                     \
	X(LGR_INVALID, "refused", "invalid under the LGR")                                        \
	X(LGR_BLOCKED, "refused", "blocked under the LGR")                                        \
	X(HELD, "refused", "already registered")                                                  \
	X(VARIANT_OF_OTHER, "refused", "a variant of a name another registrant holds")            \
	X(VARIANT_BLOCKED, "refused", "a variant of a held name that is not allocatable")         \
	X(VARIANTS_EXHAUSTED, "refused", "the held name has all the active variants allowed")     \
	X(RESTRICTION_LEVEL, "refused", "beyond the restriction level (UTS #39)")                 \
	X(CONFUSABLE, "refused", "looks like a held name (same UTS #39 skeleton)")

#define IDREG__IDN_OUTCOME(name, verdict, text) IDREG_IDN_##name,
enum idreg_idn_outcome { IDREG_IDN_OUTCOME_LIST(IDREG__IDN_OUTCOME) };
#undef IDREG__IDN_OUTCOME

/* X(NAME, name): what becomes of a variant label of an accepted name. */
#define IDREG_IDN_FATE_LIST(X) \
	X(ACTIVATED, "activated") X(RESERVED, "reserved") X(BLOCKED, "blocked") X(HELD, "held")

#define IDREG__IDN_FATE(name, text) IDREG_IDN_FATE_##name,
enum idreg_idn_fate { IDREG_IDN_FATE_LIST(IDREG__IDN_FATE) };
#undef IDREG__IDN_FATE

/** A variant of the name decided on. */
struct idreg_idn_variant {
	const char *unicode_name; /* the variant label and the parent */
	const char *disposition;  /* under the LGR */
	enum idreg_idn_fate fate;
	const char *reason;       /* the LGR's reason for the disposition */
};

/** A decision; its strings live in the checker until its next decision. */
struct idreg_idn_decision {
	enum idreg_idn_outcome outcome;
	char unicode_name[IDREG_UTS46_UNICODE_MAX]; /* the name in U-label form ("" if refused by IDNA2008) */
	char reason[1024];       /* the outcome in words, with the LGR's reason, the held name, ... */
	const struct idreg_idn_variant *variants; /* accepted names only */
	size_t n_variants;
	bool variants_truncated; /* more permutations than max_variants */
};

/**
 * Decide whether the UTF-8 name @name of @len bytes may be registered by
 * @registrant (a handle; NULL: unknown, which holds nothing), as described
 * at the top of this file.  IDREG_OK with the decision in *@out, accepted
 * or not; another error when a lookup or ICU fails, with @diag.
 */
idreg_err idreg_idn_decide(struct idreg_idn_checker *checker, const char *name, size_t len,
			   const char *registrant, const struct idreg_idn_holdings *holdings,
			   struct idreg_idn_decision *out, struct idreg_diag *diag);

/** "accepted", "flagged" or "refused". */
const char *idreg_idn_outcome_verdict(enum idreg_idn_outcome outcome);
/** "activated", "reserved", "blocked", "held". */
const char *idreg_idn_fate_name(enum idreg_idn_fate fate);

#endif
