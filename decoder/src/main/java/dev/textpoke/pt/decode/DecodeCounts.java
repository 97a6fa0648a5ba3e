package dev.textpoke.pt.decode;

import dev.textpoke.pt.PtError;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.TraceEvent;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.flow.Placement;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a decode produced, counted: instructions, ambiguous ones, branches by kind, issues by kind
 * (with the first of each), and how code modifications were placed. Also a sink in its own right
 * (for {@code decode --summary} and benchmarks), and mergeable across queues.
 */
public final class DecodeCounts implements FlowSink {
    private long instructions;
    private long ambiguous;
    private final long[] branches = new long[BranchKind.values().length];
    private final long[] events = new long[TraceEvent.Kind.values().length];
    private final Map<PtError, Long> issues = new EnumMap<>(PtError.class);
    private final Map<PtError, DecodeIssue> firstIssue = new EnumMap<>(PtError.class);
    private long placements;
    private long placedByPackets;
    private long placedBeforeTimestamp;
    private long placedByEstimate;

    @Override
    public void instructions(Block block, int from, int to, long time, boolean amb) {
        instructions += to - from;
        if (amb) {
            ambiguous += to - from;
        }
    }

    @Override
    public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
        branches[kind.ordinal()]++;
    }

    @Override
    public void event(TraceEvent event) {
        events[event.kind().ordinal()]++;
    }

    @Override
    public void issue(DecodeIssue issue) {
        issues.merge(issue.kind(), 1L, Long::sum);
        firstIssue.merge(issue.kind(), issue, DecodeCounts::earlier);
    }

    @Override
    public void placement(Placement p) {
        placements++;
        if (p.byPackets()) {
            placedByPackets++;
        } else {
            placedByEstimate++;
        }
        if (p.beforeTimestamp() && p.byPackets()) {
            placedBeforeTimestamp++;
        }
    }

    /** The earlier of two issues (by time, then offset): what "first" means whatever the merge order. */
    private static DecodeIssue earlier(DecodeIssue a, DecodeIssue b) {
        if (a.time() != b.time()) {
            return a.time() < b.time() ? a : b;
        }
        return a.offset() <= b.offset() ? a : b;
    }

    /** Adds another queue's (or unit's) counts; the result does not depend on the order of adding. */
    public void add(DecodeCounts o) {
        instructions += o.instructions;
        ambiguous += o.ambiguous;
        for (int i = 0; i < branches.length; i++) {
            branches[i] += o.branches[i];
        }
        for (int i = 0; i < events.length; i++) {
            events[i] += o.events[i];
        }
        o.issues.forEach((k, v) -> issues.merge(k, v, Long::sum));
        o.firstIssue.forEach((k, v) -> firstIssue.merge(k, v, DecodeCounts::earlier));
        placements += o.placements;
        placedByPackets += o.placedByPackets;
        placedBeforeTimestamp += o.placedBeforeTimestamp;
        placedByEstimate += o.placedByEstimate;
    }

    public long instructions() {
        return instructions;
    }

    public long ambiguous() {
        return ambiguous;
    }

    public long branches(BranchKind kind) {
        return branches[kind.ordinal()];
    }

    public long branches() {
        long n = 0;
        for (long b : branches) {
            n += b;
        }
        return n;
    }

    /** PTWRITE payloads or power events of a kind. */
    public long events(TraceEvent.Kind kind) {
        return events[kind.ordinal()];
    }

    /** Issues by kind, in {@link PtError} order. */
    public Map<PtError, Long> issues() {
        return issues;
    }

    public DecodeIssue firstIssue(PtError kind) {
        return firstIssue.get(kind);
    }

    /** Decode errors: issues other than gaps in the code ({@code NOMAP}) and lost trace. */
    public long errors() {
        long n = 0;
        for (Map.Entry<PtError, Long> e : issues.entrySet()) {
            if (e.getKey() != PtError.NOMAP && e.getKey() != PtError.LOST) {
                n += e.getValue();
            }
        }
        return n;
    }

    /** Places where no code was known (decoding resumed at the next IP). */
    public long gaps() {
        return issues.getOrDefault(PtError.NOMAP, 0L);
    }

    /** Uncertain switches the decoder considered (one per visit that needed a choice). */
    public long placements() {
        return placements;
    }

    public long placedByPackets() {
        return placedByPackets;
    }

    public long placedByEstimate() {
        return placedByEstimate;
    }

    /** Visits where the packets proved the new code while the timestamps were still before the switch. */
    public long placedBeforeTimestamp() {
        return placedBeforeTimestamp;
    }
}
