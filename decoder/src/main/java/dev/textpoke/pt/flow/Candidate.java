package dev.textpoke.pt.flow;

import dev.textpoke.isa.Instruction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One way the flow could have gone since the decoder met code whose version the timestamps cannot
 * tell: a decoder state and what it decoded, kept aside until the packets rule out the other
 * candidates (then this one's output goes to the real sink) or show that both fit (then the
 * instructions in which they differ are marked ambiguous). Candidates that branch off share the
 * output they had in common ({@link Node}s), so a split costs nothing in proportion to the past.
 */
final class Candidate implements FlowSink {
    sealed interface Entry permits Run, Branch, Event, Issue, Decision {}

    record Run(Block block, int from, int to, long time) implements Entry {}

    record Branch(BranchKind kind, long from, long to, long time, boolean inTx) implements Entry {}

    record Event(TraceEvent event) implements Entry {}

    record Issue(DecodeIssue issue) implements Entry {}

    /** A choice of version at a visit: the placement to report if this candidate wins. */
    record Decision(long time, long switchTime, long ip, long offset, boolean newVersion, boolean beforeTimestamp)
            implements Entry {}

    /** Output shared by candidates that branched off here; {@code end} counts instructions from the start. */
    record Node(Node prev, Entry[] entries, long end) {}

    final FlowDecoder.State state = new FlowDecoder.State();
    /** Creation order: ties between candidates go to the older. */
    final int order;
    private Node frozen;
    private List<Entry> tail = new ArrayList<>();
    private long instructions;
    /** Decisions against the time estimate: the fewer, the more the candidate follows the kernel's contract. */
    int penalty;
    boolean failed;
    boolean ended;
    /**
     * Instructions (counted from the start of the speculation) that another candidate decoded
     * differently with the same packets.
     */
    private final AmbiguousSpans ambiguous = new AmbiguousSpans();
    /** Whether another reading was absorbed (or could not be compared): the speculation stayed undecided. */
    private boolean undecided;
    /** Decisions another candidate matched with the other version. */
    private final Set<Decision> contested = Collections.newSetFromMap(new IdentityHashMap<>());

    Candidate(int order) {
        this.order = order;
    }

    /** A candidate that shares this one's output so far. */
    Candidate branch(int order) {
        freeze();
        Candidate c = new Candidate(order);
        c.frozen = frozen;
        c.instructions = instructions;
        c.penalty = penalty;
        c.ambiguous.add(ambiguous);
        c.undecided = undecided;
        c.contested.addAll(contested);
        return c;
    }

    private void freeze() {
        if (!tail.isEmpty()) {
            frozen = new Node(frozen, tail.toArray(Entry[]::new), instructions);
            tail = new ArrayList<>();
        }
    }

    void decide(Decision d, boolean againstEstimate) {
        tail.add(d);
        if (againstEstimate) {
            penalty++;
        }
    }

    @Override
    public void instructions(Block block, int from, int to, long time, boolean amb) {
        if (to > from) {
            tail.add(new Run(block, from, to, time));
            instructions += to - from;
        }
    }

    @Override
    public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
        tail.add(new Branch(kind, from, to, time, inTx));
    }

    @Override
    public void event(TraceEvent event) {
        tail.add(new Event(event));
    }

    @Override
    public void issue(DecodeIssue issue) {
        tail.add(new Issue(issue));
        if (issue.isMismatch() || issue.kind() == dev.textpoke.pt.PtError.NOMAP
                || issue.kind() == dev.textpoke.pt.PtError.BAD_INSN) {
            failed = true;
        }
    }

    /** Entries since {@code ancestor} (exclusive; null for all), in order, and the instructions before them. */
    private List<Entry> entriesSince(Node ancestor) {
        List<Entry[]> parts = new ArrayList<>();
        for (Node n = frozen; n != ancestor && n != null; n = n.prev()) {
            parts.add(n.entries());
        }
        List<Entry> out = new ArrayList<>();
        for (int i = parts.size() - 1; i >= 0; i--) {
            Collections.addAll(out, parts.get(i));
        }
        out.addAll(tail);
        return out;
    }

    private static List<Instruction> instructionsOf(List<Entry> entries) {
        List<Instruction> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e instanceof Run r) {
                for (int i = r.from(); i < r.to(); i++) {
                    out.add(r.block().instruction(i));
                }
            }
        }
        return out;
    }

    /**
     * {@code other} fits the same packets: marks ambiguous what this candidate decoded differently
     * since they branched apart, and marks this one's decisions since then as contested.
     */
    void absorb(Candidate other) {
        freeze();
        other.freeze();
        Set<Node> mine = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n = frozen; n != null; n = n.prev()) {
            mine.add(n);
        }
        Node ancestor = other.frozen;
        while (ancestor != null && !mine.contains(ancestor)) {
            ancestor = ancestor.prev();
        }
        long base = ancestor == null ? 0 : ancestor.end();
        List<Entry> ours = entriesSince(ancestor);
        ambiguous.absorb(other.ambiguous, base, instructionsOf(ours), instructionsOf(other.entriesSince(ancestor)));
        undecided = true;
        for (Entry e : ours) {
            if (e instanceof Decision d) {
                contested.add(d);
            }
        }
    }

    /** Everything from the start of the speculation to {@code sink}, with ambiguity and placements. */
    void replay(FlowSink sink) {
        freeze();
        long at = 0;
        for (Entry e : entriesSince(null)) {
            if (e instanceof Run r) {
                int i = r.from();
                while (i < r.to()) {
                    boolean inside = ambiguous.contains(at);
                    long stop = ambiguous.boundaryAfter(at);
                    int j = (int) Math.min(r.to(), i + (stop - at));
                    sink.instructions(r.block(), i, j, r.time(), inside);
                    at += j - i;
                    i = j;
                }
            } else if (e instanceof Branch b) {
                sink.branch(b.kind(), b.from(), b.to(), b.time(), b.inTx());
            } else if (e instanceof Event ev) {
                sink.event(ev.event());
            } else if (e instanceof Issue is) {
                sink.issue(is.issue());
            } else if (e instanceof Decision d) {
                sink.placement(new Placement(d.time(), d.switchTime(), d.ip(), d.offset(), d.newVersion(),
                        !contested.contains(d), d.beforeTimestamp()));
            }
        }
        if (undecided) {
            sink.undecided(at);
        }
    }

    /** Marks everything it decoded ambiguous (when it could not be compared with the others). */
    void markAllAmbiguous() {
        undecided = true;
        ambiguous.add(0, Long.MAX_VALUE);
        for (Entry e : entriesSince(null)) {
            if (e instanceof Decision d) {
                contested.add(d);
            }
        }
    }
}
