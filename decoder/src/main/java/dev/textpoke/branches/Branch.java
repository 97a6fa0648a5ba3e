package dev.textpoke.branches;

import dev.textpoke.perf.record.BranchEntry;

/**
 * One entry of a branch stack ({@code struct perf_branch_entry}, {@code
 * include/uapi/linux/perf_event.h}) with its flags as the kernel defines them: mispredicted,
 * predicted, in a transaction, a transaction abort, the cycles since the previous entry (0: not
 * reported), the type, the speculation, the new type and the target's privilege; and its branch
 * counter word when the event sampled them ({@code PERF_SAMPLE_BRANCH_COUNTERS}).
 *
 * <p>{@code from} need not be a branch: an interrupt or exception records the instruction it
 * stopped at.
 *
 * @param flags   the raw flags word, in the little-endian bit numbering of {@link BranchEntry#FIELDS}
 * @param counter the counters word, or {@link #NO_COUNTER}
 */
public record Branch(long from, long to, long flags, long counter) {
    public static final long NO_COUNTER = -1;
    /** The cycles field is 16 bits wide; hardware that counts more saturates there. */
    public static final int CYCLES_SATURATED = 0xffff;

    public static Branch of(BranchEntry e, long counter) {
        return new Branch(e.from(), e.to(), e.flags(), counter);
    }

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

    /** Core cycles between the previous (older) entry's branch and this one; 0 when not reported. */
    public int cycles() {
        return (int) (flags >>> 4 & 0xffff);
    }

    public BranchType type() {
        return BranchType.of((int) (flags >>> 20 & 0xf));
    }

    public BranchSpec spec() {
        return BranchSpec.of((int) (flags >>> 24 & 3));
    }

    public NewBranchType newType() {
        return NewBranchType.of((int) (flags >>> 26 & 0xf));
    }

    public BranchPriv priv() {
        return BranchPriv.of((int) (flags >>> 30 & 7));
    }

    public boolean hasCounter() {
        return counter != NO_COUNTER;
    }

    /**
     * Counter {@code i} of the counters word, each {@code width} bits wide (the PMU's {@code
     * branch_counter_width}, 2 on Intel: a count of 0 to 3, where 3 means 3 or more).
     */
    public int counter(int i, int width) {
        return (int) (counter >>> (i * width) & ((1L << width) - 1));
    }

    /** perf's type text in {@code brstack}: empty for UNKNOWN, the new type's name for EXTEND_ABI. */
    public String perfTypeName() {
        BranchType t = type();
        if (t == BranchType.UNKNOWN) {
            return "";
        }
        return t == BranchType.EXTEND_ABI ? newType().perfName() : t.perfName();
    }
}
