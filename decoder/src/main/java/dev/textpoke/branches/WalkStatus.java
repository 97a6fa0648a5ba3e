package dev.textpoke.branches;

/**
 * How walking the straight-line code of a range in one version of the code ended. Only the first
 * two say the version can have run: a range recorded between two consecutive taken branches is
 * code that ran without a taken branch, so a walk that meets one before the range's end, or steps
 * over the end, read bytes that were not the ones executed.
 */
public enum WalkStatus {
    /**
     * Reached the range's end on an instruction boundary, and the instruction there explains the
     * recorded branch: a direct branch or call to the recorded target, or an indirect one, a
     * return, a far transfer or a trap (whose target the code does not say).
     */
    EXPLAINED(true),
    /**
     * Reached the end, but the instruction there does not branch to the recorded target: an
     * interrupt or an exception taken at that instruction, which hardware records with the
     * interrupted instruction as the source. Possible, and less likely than {@link #EXPLAINED}.
     */
    ASYNC(true),
    /** Met an unconditional jump, a call, a return, a far transfer or a trap before the end. */
    LEFT_RANGE(false),
    /** Stepped over the end: the instruction boundaries of this version do not meet it. */
    MISALIGNED(false),
    /** Bytes that are no instruction before the end. */
    UNDECODABLE(false),
    /** No image holds the bytes (or they were unknown then): the code cannot say. */
    NO_CODE(false),
    /** Longer than a walk is allowed to be ({@link RangeWalker#MAX_RANGE}), as perf skips such blocks. */
    TOO_LONG(false),
    /**
     * The range ends before it starts: the stack misses a branch (an interrupt's skid lets the
     * sample's ip trail the newest entry), so it says nothing of the code.
     */
    BACKWARDS(false),
    /**
     * The range starts and ends at different privilege levels (kernel and user addresses): a stack
     * that records one privilege level has no entry for the transition, so the code between is not
     * one range (perf patches it up by joining the next range).
     */
    PRIVILEGE_CHANGE(false);

    private final boolean possible;

    WalkStatus(boolean possible) {
        this.possible = possible;
    }

    /** Whether this version of the code can be the one that ran. */
    public boolean possible() {
        return possible;
    }

    /** Whether the walk says nothing either way: no code, or a range that is not one stretch of code. */
    public boolean unknown() {
        return this == NO_CODE || this == TOO_LONG || this == PRIVILEGE_CHANGE || this == BACKWARDS;
    }
}
