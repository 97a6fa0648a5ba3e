package dev.textpoke.scenario.score;

/**
 * A stretch of a decode that is not what ran: {@code count} instructions decoded wrong (or marked
 * ambiguous, or executed but not decoded) from the {@code decodedIndex}-th decoded instruction
 * and the {@code truthIndex}-th executed one on, standing for {@code truthCount} executed
 * instructions (an ambiguous stretch: what ran there; missed: {@code count}; wrong: none); with the
 * site and the protocol phase it is attributed to, and why.
 */
public record Run(Kind kind, int cpu, long decodedIndex, long truthIndex, long count, long truthCount, long tsc,
        long address, String site, String phase, String why) {
    /** What the stretch is. */
    public enum Kind {
        /** Decoded instructions that are not the ones that ran there. */
        WRONG,
        /** Decoded instructions the decoder marked ambiguous. */
        AMBIGUOUS,
        /** Executed instructions the decode skipped (lost in a desynchronisation). */
        MISSED
    }
}
