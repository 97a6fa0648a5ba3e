package dev.textpoke.branches;

/**
 * Counts over the walked stacks of a file: what {@code textpoke branches --summary} reports. A
 * stack of {@code n} entries has up to {@code n + 1} ranges: the oldest branch's instruction, the
 * {@code n - 1} ranges between entries, and the final one up to the sample's ip. Not thread-safe.
 */
public final class BranchSummary {
    private long samples;
    private long damaged;
    private long callStack;
    private long filtered;
    private long empty;
    private long inconsistentStacks;
    private long ranges;
    private long crossing;
    private long corrected;
    private long ambiguous;
    private long inconsistent;
    private long unknown;

    public void add(WalkedStack w) {
        samples++;
        if (w.notWalked() != null) {
            switch (w.notWalked()) {
                case CALL_STACK -> callStack++;
                case FILTERED -> filtered++;
                case EMPTY -> empty++;
            }
            return;
        }
        boolean bad = false;
        for (WalkedRange r : w.ranges()) {
            RangeResult x = r.result();
            ranges++;
            crossing += x.crossing() ? 1 : 0;
            corrected += x.corrected() ? 1 : 0;
            ambiguous += x.ambiguous() ? 1 : 0;
            if (x.inconsistent()) {
                inconsistent++;
                bad = true;
            }
            unknown += x.status().unknown() ? 1 : 0;
        }
        inconsistentStacks += bad ? 1 : 0;
    }

    public void damaged() {
        damaged++;
    }

    /** Samples with a branch stack, damaged ones not included. */
    public long samples() {
        return samples;
    }

    /** Samples whose stack could not be read. */
    public long damagedStacks() {
        return damaged;
    }

    /** Stacks not walked: LBR call-stack mode. */
    public long callStackStacks() {
        return callStack;
    }

    /** Stacks not walked: some kinds of branch only. */
    public long filteredStacks() {
        return filtered;
    }

    public long emptyStacks() {
        return empty;
    }

    /** Stacks with at least one inconsistent range. */
    public long inconsistentStacks() {
        return inconsistentStacks;
    }

    public long ranges() {
        return ranges;
    }

    /** Ranges whose instructions a modification changed within the time they may have run. */
    public long crossing() {
        return crossing;
    }

    /** Ranges whose instructions differ from the code at their sample's time (what perf shows). */
    public long corrected() {
        return corrected;
    }

    public long ambiguous() {
        return ambiguous;
    }

    /** Ranges of known code that no version of it explains. */
    public long inconsistent() {
        return inconsistent;
    }

    /** Ranges whose code is not known, or that are not one stretch of code. */
    public long unknown() {
        return unknown;
    }
}
