package dev.textpoke.branches;

/**
 * The pieces of code a branch stack of {@code n} entries tells about, oldest first (as {@code perf
 * script -F brstackinsn} prints them: {@code perf_sample__fprintf_brstackinsn}).
 */
public enum RangeKind {
    /** The oldest entry's branch instruction alone: where the code before it started is unknown. */
    OLDEST_BRANCH,
    /** From entry {@code i + 1}'s target to entry {@code i}'s source: code that ran without a taken branch. */
    BETWEEN,
    /**
     * From the newest entry's target to the sample's ip, the ip's instruction included (perf prints
     * it): the code that ran after the last branch, up to the interrupt.
     */
    FINAL
}
