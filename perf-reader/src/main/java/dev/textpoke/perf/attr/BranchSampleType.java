package dev.textpoke.perf.attr;

/** {@code enum perf_branch_sample_type}: what a BRANCH_STACK sample holds. */
public final class BranchSampleType {
    public static final long USER = 1L << 0;
    public static final long KERNEL = 1L << 1;
    public static final long HV = 1L << 2;
    public static final long ANY = 1L << 3;
    public static final long CALL_STACK = 1L << 11;
    /** The sample's branch stack carries a u64 {@code hw_idx} after {@code nr}. */
    public static final long HW_INDEX = 1L << 17;
    /** The events of this group ask for per-branch counters after the entries. */
    public static final long COUNTERS = 1L << 19;

    /** perf's names, by bit ({@code __p_branch_sample_type}). */
    private static final String[] NAMES = {
        "USER", "KERNEL", "HV", "ANY", "ANY_CALL", "ANY_RETURN", "IND_CALL", "ABORT_TX", "IN_TX",
        "NO_TX", "COND", "CALL_STACK", "IND_JUMP", "CALL", "NO_FLAGS", "NO_CYCLES", "TYPE_SAVE",
        "HW_INDEX", "PRIV_SAVE", "COUNTERS",
    };

    private BranchSampleType() {}

    public static String names(long branchSampleType) {
        return BitNames.join(branchSampleType, NAMES);
    }
}
