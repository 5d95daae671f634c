/*
 * The names a registry holds, as the IDN registration policy asks for them
 * (lib/idn/policy.h): the domains of a store found by their index key or
 * skeleton key, each with its registrant.
 */
#ifndef IDREG_DOMAINS_HELD_H
#define IDREG_DOMAINS_HELD_H

#include "idn/policy.h"
#include "store/store.h"

/** Holdings that look names up in @store (which must outlive them). */
void idreg_held_domains(struct idreg_store *store, struct idreg_idn_holdings *out);

#endif
