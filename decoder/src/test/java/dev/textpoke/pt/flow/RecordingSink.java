package dev.textpoke.pt.flow;

import java.util.ArrayList;
import java.util.List;

/** Collects what a {@link FlowDecoder} reports, for tests. */
final class RecordingSink implements FlowSink {
    final List<Long> ips = new ArrayList<>();
    final List<Boolean> ambiguous = new ArrayList<>();
    final List<String> branches = new ArrayList<>();
    final List<DecodeIssue> issues = new ArrayList<>();
    final List<Placement> placements = new ArrayList<>();

    @Override
    public void instructions(Block block, int from, int to, long time, boolean amb) {
        for (int i = from; i < to; i++) {
            ips.add(block.instruction(i).address());
            ambiguous.add(amb);
        }
    }

    @Override
    public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
        branches.add(kind.perfName() + " " + Long.toHexString(from) + "->" + Long.toHexString(to));
    }

    @Override
    public void issue(DecodeIssue issue) {
        issues.add(issue);
    }

    @Override
    public void placement(Placement placement) {
        placements.add(placement);
    }
}
