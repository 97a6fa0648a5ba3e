package dev.textpoke.scenario.score;

import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.flow.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/** What a textpoke decoder reported for one CPU, kept for scoring. */
public final class Collector implements FlowSink {
    private final List<Decoded> insns = new ArrayList<>();
    private final List<DecodeIssue> issues = new ArrayList<>();
    private final List<Placement> placements = new ArrayList<>();
    private final LongUnaryOperator toTsc;
    private long undecided;

    /** @param toTsc converts the decoder's times (perf ns, or TSC) to TSC */
    public Collector(LongUnaryOperator toTsc) {
        this.toTsc = toTsc;
    }

    @Override
    public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
        long tsc = toTsc.applyAsLong(time);
        for (int i = from; i < to; i++) {
            insns.add(new Decoded(block.instruction(i).address(), block.hex(i), ambiguous, tsc));
        }
    }

    @Override
    public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
    }

    @Override
    public void issue(DecodeIssue issue) {
        issues.add(issue);
    }

    @Override
    public void undecided(long instructions) {
        undecided++;
    }

    @Override
    public void placement(Placement p) {
        placements.add(p);
    }

    public List<Decoded> insns() {
        return insns;
    }

    public List<DecodeIssue> issues() {
        return issues;
    }

    public List<Placement> placements() {
        return placements;
    }

    /** How many stretches the decoder left undecided. */
    public long undecidedStretches() {
        return undecided;
    }
}
