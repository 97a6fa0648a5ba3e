package dev.textpoke.perf.record;

/**
 * {@code struct perf_branch_entry}: from, to and the flags bit-fields, held in the little-endian
 * bit numbering ({@link #FIELDS}) whatever the file's order: mispred 0, predicted 1, in_tx 2,
 * abort 3, cycles 4-19, type 20-23, spec 24-25, new_type 26-29, priv 30-32, reserved 33-63.
 */
public record BranchEntry(@Hex long from, @Hex long to, @Hex long flags) {
    /** {@code {lsb, width}} of every bit-field of the flags word, including the reserved rest. */
    public static final int[][] FIELDS = {
        {0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 16}, {20, 4}, {24, 2}, {26, 4}, {30, 3}, {33, 31},
    };

    public boolean mispredicted() {
        return (flags & 1) != 0;
    }

    public boolean predicted() {
        return (flags >>> 1 & 1) != 0;
    }

    public boolean inTransaction() {
        return (flags >>> 2 & 1) != 0;
    }

    public boolean abort() {
        return (flags >>> 3 & 1) != 0;
    }

    public int cycles() {
        return (int) (flags >>> 4 & 0xffff);
    }

    /** {@code PERF_BR_*}: 0 unknown, 1 cond, 2 uncond, 3 ind, 4 call, 5 ind_call, 6 ret, ... */
    public int branchType() {
        return (int) (flags >>> 20 & 0xf);
    }

    public int spec() {
        return (int) (flags >>> 24 & 0x3);
    }

    public int newType() {
        return (int) (flags >>> 26 & 0xf);
    }

    public int priv() {
        return (int) (flags >>> 30 & 0x7);
    }
}
