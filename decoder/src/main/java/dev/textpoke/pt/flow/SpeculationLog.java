package dev.textpoke.pt.flow;

import dev.textpoke.isa.Instruction;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of one candidate while the decoder tries both versions of changing code: kept
 * aside, per instruction, until the candidates are compared; the winner's is then replayed into
 * the real sink with the instructions that differ from another surviving candidate marked
 * ambiguous.
 */
final class SpeculationLog implements FlowSink {
    private sealed interface Entry permits Insn, Branch, Issue, Place {}

    private record Insn(Block block, int index, long time, boolean ambiguous) implements Entry {}

    private record Branch(BranchKind kind, long from, long to, long time) implements Entry {}

    private record Issue(DecodeIssue issue) implements Entry {}

    private record Place(Placement placement) implements Entry {}

    private final List<Entry> entries = new ArrayList<>();
    private final List<Integer> instructionEntries = new ArrayList<>();
    private boolean failed;
    private long instructions;

    @Override
    public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
        for (int i = from; i < to; i++) {
            instructionEntries.add(entries.size());
            entries.add(new Insn(block, i, time, ambiguous));
        }
        instructions += to - from;
    }

    @Override
    public void branch(BranchKind kind, long from, long to, long time) {
        entries.add(new Branch(kind, from, to, time));
    }

    @Override
    public void issue(DecodeIssue issue) {
        entries.add(new Issue(issue));
        if (issue.isMismatch() || issue.kind() == dev.textpoke.pt.PtError.NOMAP
                || issue.kind() == dev.textpoke.pt.PtError.BAD_INSN) {
            failed = true;
        }
    }

    @Override
    public void placement(Placement placement) {
        entries.add(new Place(placement));
    }

    /** Whether the candidate met something the trace contradicts (or code it cannot decode). */
    boolean failed() {
        return failed;
    }

    long instructionCount() {
        return instructions;
    }

    /** The i-th instruction this candidate decoded. */
    Instruction instruction(int i) {
        Insn e = (Insn) entries.get(instructionEntries.get(i));
        return e.block().instruction(e.index());
    }

    int size() {
        return instructionEntries.size();
    }

    /**
     * Marks ambiguous the instructions of this log that another surviving candidate did not
     * decode the same way: everything between their common beginning and their common end
     * (instructions compared by address and decoding).
     */
    void markDifferences(SpeculationLog other) {
        int n = size();
        int m = other.size();
        int prefix = 0;
        while (prefix < n && prefix < m && instruction(prefix).equals(other.instruction(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < n - prefix && suffix < m - prefix
                && instruction(n - 1 - suffix).equals(other.instruction(m - 1 - suffix))) {
            suffix++;
        }
        for (int i = prefix; i < n - suffix; i++) {
            int at = instructionEntries.get(i);
            Insn e = (Insn) entries.get(at);
            entries.set(at, new Insn(e.block(), e.index(), e.time(), true));
        }
    }

    /** Sends everything to {@code sink}, in order, runs of instructions together. */
    void replay(FlowSink sink) {
        int i = 0;
        while (i < entries.size()) {
            Entry e = entries.get(i);
            if (e instanceof Insn first) {
                int j = i + 1;
                int to = first.index() + 1;
                while (j < entries.size() && entries.get(j) instanceof Insn next && next.block() == first.block()
                        && next.index() == to && next.time() == first.time()
                        && next.ambiguous() == first.ambiguous()) {
                    to++;
                    j++;
                }
                sink.instructions(first.block(), first.index(), to, first.time(), first.ambiguous());
                i = j;
                continue;
            }
            if (e instanceof Branch b) {
                sink.branch(b.kind(), b.from(), b.to(), b.time());
            } else if (e instanceof Issue is) {
                sink.issue(is.issue());
            } else if (e instanceof Place p) {
                sink.placement(p.placement());
            }
            i++;
        }
    }
}
