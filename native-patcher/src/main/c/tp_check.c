/*
 * The timeline check: which outcomes each logged execution may have, given the patches
 * that had completed before it began and those that had started before it returned.
 *
 * For an entry (site s, done a, started b): the patches of s numbered <= a had completed
 * (barrier included) before the call, so s held the version they leave, v(a); a patch of s
 * numbered in (a, b] overlapped the call. Hence:
 *   - no patch of s in (a, b]: only v(a) may run; the other version, or a trap hit, is
 *     stale (the executor fetched code that a completed patch had replaced), except that a
 *     page-wide trap (mprotect, TP_CHECK_TRAP_PAGE_WIDE) may delay an execution of v(a);
 *   - some patch of s in (a, b]: either version may run, and a trap hit may happen; with
 *     exactly one such patch, a handler that emulates the installed instruction runs the
 *     version that patch installs, so the other one is torn (TP_CHECK_TRAP_EMULATES);
 *   - a torn outcome is torn whatever the timeline; with no patch of s in flight it is also
 *     counted as torn_idle, which no correct harness should ever see.
 */
#include "tp_internal.h"

#include <stdlib.h>

/* Number of elements of the sorted list <= x. */
static uint64_t upper_bound(const uint32_t *list, uint64_t len, uint64_t x)
{
	uint64_t lo = 0, hi = len;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (list[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void first_last(uint64_t *first, uint64_t *last, uint64_t lo, uint64_t hi)
{
	if (*first == 0 || lo < *first)
		*first = lo;
	if (hi > *last)
		*last = hi;
}

int tp_check(uint32_t sites, const uint64_t *op_masks, uint64_t ops,
	     const struct tp_log_entry *entries, uint64_t n, uint32_t flags,
	     struct tp_site_check *per_site)
{
	uint64_t len[TP_MAX_SITES] = {0};
	uint32_t *touch[TP_MAX_SITES] = {0};
	int err = 0;

	if (sites == 0 || sites > TP_MAX_SITES || (ops && !op_masks) || (n && !entries) ||
	    !per_site || ops > UINT32_MAX)
		return -tp_invalid;
	/* The patches of each site, in order. */
	for (uint64_t j = 0; j < ops; j++) {
		for (uint32_t s = 0; s < sites; s++)
			len[s] += (op_masks[j] >> s) & 1;
	}
	for (uint32_t s = 0; s < sites; s++) {
		touch[s] = malloc((len[s] ? len[s] : 1) * sizeof(uint32_t));
		if (!touch[s]) {
			err = -tp_nomem;
			goto out;
		}
		len[s] = 0;
	}
	for (uint64_t j = 0; j < ops; j++) {
		for (uint32_t s = 0; s < sites; s++) {
			if ((op_masks[j] >> s) & 1)
				touch[s][len[s]++] = (uint32_t)(j + 1);
		}
	}

	for (uint64_t i = 0; i < n; i++) {
		const struct tp_log_entry *e = &entries[i];
		if (e->site >= sites || e->started > ops || e->done > e->started) {
			err = -tp_invalid;
			goto out;
		}
		struct tp_site_check *c = &per_site[e->site];
		uint64_t before = upper_bound(touch[e->site], len[e->site], e->done);
		uint64_t in_flight = upper_bound(touch[e->site], len[e->site], e->started) - before;
		uint32_t version = (uint32_t)(before & 1);
		/* The patch whose completion a stale execution contradicts. */
		uint64_t last_done = before ? touch[e->site][before - 1] : 0;

		for (uint32_t o = 0; o < tp_outcome_count; o++) {
			uint64_t k = e->count[o];
			if (k == 0)
				continue;
			c->executions += k;
			if (o == tp_outcome_torn) {
				c->torn += k;
				if (in_flight == 0)
					c->torn_idle += k;
				first_last(&c->first_torn_seq, &c->last_torn_seq, e->done + 1ull,
					   e->started);
				continue;
			}
			uint32_t ran = (o == tp_outcome_new || o == tp_outcome_trap_new) ? 1 : 0;
			int trap = o == tp_outcome_trap_old || o == tp_outcome_trap_new;
			if (in_flight == 0) {
				if (trap && ran == version && (flags & TP_CHECK_TRAP_PAGE_WIDE)) {
					c->trap_hits += k;
				} else if (trap || ran != version) {
					c->stale += k;
					first_last(&c->first_stale_seq, &c->last_stale_seq,
						   last_done, last_done);
				} else if (ran) {
					c->new_runs += k;
				} else {
					c->old_runs += k;
				}
			} else if (trap) {
				if ((flags & TP_CHECK_TRAP_EMULATES) && in_flight == 1 &&
				    ran != (version ^ 1)) {
					c->trap_mismatch += k;
					c->torn += k;
					first_last(&c->first_torn_seq, &c->last_torn_seq,
						   e->done + 1ull, e->started);
				} else {
					c->trap_hits += k;
				}
			} else if (ran) {
				c->new_runs += k;
			} else {
				c->old_runs += k;
			}
		}
	}
out:
	for (uint32_t s = 0; s < sites; s++)
		free(touch[s]);
	return err;
}
