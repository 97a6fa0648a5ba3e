package dev.textpoke.branches;

/**
 * The privilege level of the branch target, as the entry's 3-bit {@code priv} field says ({@code
 * PERF_BR_PRIV_*}, {@code include/uapi/linux/perf_event.h}; filled when the event asks for
 * {@code PERF_SAMPLE_BRANCH_PRIV_SAVE}, by arm64's BRBE).
 */
public enum BranchPriv {
    UNKNOWN,
    USER,
    KERNEL,
    HV,
    /** Values 4 to 7, which no kernel defines. */
    RESERVED;

    public static BranchPriv of(int value) {
        int v = value & 7;
        return v < RESERVED.ordinal() ? values()[v] : RESERVED;
    }
}
