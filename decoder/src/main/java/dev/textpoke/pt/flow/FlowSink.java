package dev.textpoke.pt.flow;

/**
 * What the flow decoder produces, in execution order for one CPU. Times are perf times (ns).
 * Implementations must not keep {@link Block}s' instructions beyond what they need: the decoder
 * calls with blocks from its cache.
 */
public interface FlowSink {
    /** Instructions {@code [from, to)} of {@code block} ran, in order. */
    void instructions(Block block, int from, int to, long time, boolean ambiguous);

    /**
     * A taken branch (or trace start/end): {@code to} is 0 when not known; {@code inTx} when an
     * instruction inside a TSX transaction took it (perf's {@code (x)}).
     */
    void branch(BranchKind kind, long from, long to, long time, boolean inTx);

    /** A PTWRITE payload or a power event, in order with the flow around it. */
    default void event(TraceEvent event) {
    }

    /** Something went wrong, or data is missing; decoding goes on. */
    void issue(DecodeIssue issue);

    /**
     * The last {@code instructions} reported were decoded while several readings of changing code
     * fitted the packets and stayed undecided: the instructions not marked ambiguous among them
     * are common to all the readings, and after them every reading goes on the same way.
     */
    default void undecided(long instructions) {
    }

    /**
     * A code modification whose switch time fell between two timing points was placed by the
     * packets (or by the time estimate, when both versions agreed with them).
     */
    default void placement(Placement placement) {
    }
}
