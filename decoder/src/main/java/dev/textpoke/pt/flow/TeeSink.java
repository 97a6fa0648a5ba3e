package dev.textpoke.pt.flow;

/** Gives everything to two sinks, the first first. */
public final class TeeSink implements FlowSink {
    private final FlowSink a;
    private final FlowSink b;

    public TeeSink(FlowSink a, FlowSink b) {
        this.a = a;
        this.b = b;
    }

    @Override
    public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
        a.instructions(block, from, to, time, ambiguous);
        b.instructions(block, from, to, time, ambiguous);
    }

    @Override
    public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
        a.branch(kind, from, to, time, inTx);
        b.branch(kind, from, to, time, inTx);
    }

    @Override
    public void event(TraceEvent event) {
        a.event(event);
        b.event(event);
    }

    @Override
    public void issue(DecodeIssue issue) {
        a.issue(issue);
        b.issue(issue);
    }

    @Override
    public void placement(Placement placement) {
        a.placement(placement);
        b.placement(placement);
    }
}
