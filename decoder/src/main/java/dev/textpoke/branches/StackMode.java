package dev.textpoke.branches;

import dev.textpoke.perf.attr.BranchSampleType;

/**
 * What the entries of an event's branch stacks are, from its {@code branch_sample_type}
 * ({@code enum perf_branch_sample_type}, {@code include/uapi/linux/perf_event.h}): only a stack of
 * every taken branch has straight-line code between consecutive entries.
 */
public enum StackMode {
    /**
     * Every taken branch of the privilege levels recorded ({@code ANY}, or no type bit at all, as in
     * the stacks {@code perf inject --itrace=l} synthesises from ETM or Intel PT with only
     * {@code HW_INDEX} set): the code between one entry's target and the next entry's source ran
     * without a taken branch.
     */
    ALL_BRANCHES,
    /** Some kinds only (calls, returns, conditional, indirect jumps...): entries are not consecutive. */
    FILTERED,
    /** {@code CALL_STACK}: the hardware's call stack (Intel LBR call-stack mode), not a history. */
    CALL_STACK;

    /** Bits that select kinds of branch ({@code ANY_CALL} up to {@code CALL}, but not {@code ANY}). */
    private static final long KIND_BITS = 0x3ff0L & ~BranchSampleType.CALL_STACK;

    public static StackMode of(long branchSampleType) {
        if ((branchSampleType & BranchSampleType.CALL_STACK) != 0) {
            return CALL_STACK;
        }
        if ((branchSampleType & BranchSampleType.ANY) != 0 || (branchSampleType & KIND_BITS) == 0) {
            return ALL_BRANCHES;
        }
        return FILTERED;
    }
}
