package dev.textpoke.pt.flow;

import dev.textpoke.isa.Instruction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The stretches of one reading of a trace that another reading of the same packets decoded
 * differently: both fit, so those instructions are reported ambiguous. Indices count instructions
 * from a point the readings share (they are the same up to where they parted).
 *
 * <p>Both decoders that follow several readings at once keep one per reading: the Intel PT flow
 * decoder's {@link Candidate}s and the arm64 waypoint decoder's. Readings that reach the same state
 * are merged, over and over while a window stays open, and the one kept must go on standing for
 * every reading it absorbed ({@link #absorb}); the list stays sorted and coalesced, so that it does
 * not grow with every merge.
 */
public final class AmbiguousSpans {
    /** Instructions {@code [from, to)}. */
    private record Span(long from, long to) {}

    private final List<Span> spans = new ArrayList<>();

    /** Marks {@code [from, to)}; nothing when it is empty. */
    public void add(long from, long to) {
        addAll(List.of(new Span(from, to)));
    }

    /** Marks everything {@code other} marks (a reading that branches off starts with its parent's). */
    public void add(AmbiguousSpans other) {
        addAll(other.spans);
    }

    public void clear() {
        spans.clear();
    }

    /** Whether instruction {@code index} is marked. */
    public boolean contains(long index) {
        for (Span s : spans) {
            if (index >= s.from() && index < s.to()) {
                return true;
            }
        }
        return false;
    }

    /** The first index after {@code at} where a marked stretch begins or ends ({@code Long.MAX_VALUE}: none). */
    public long boundaryAfter(long at) {
        long b = Long.MAX_VALUE;
        for (Span s : spans) {
            if (s.from() > at) {
                b = Math.min(b, s.from());
            }
            if (s.to() > at) {
                b = Math.min(b, s.to());
            }
        }
        return b;
    }

    /**
     * Another reading fits the same packets and is dropped in favour of this one: marks what the
     * two decoded differently since they parted, and what the other had itself marked (against the
     * readings it absorbed earlier).
     *
     * @param other the other reading's marks
     * @param base the instructions both decoded before they parted
     * @param ours this reading's instructions since they parted
     * @param theirs the other reading's instructions since they parted
     */
    public void absorb(AmbiguousSpans other, long base, List<Instruction> ours, List<Instruction> theirs) {
        // Everything between their common beginning and their common end: which instruction of one
        // corresponds to which of the other in there is itself undecidable (one reading may take
        // a TNT bit early that the other takes late), so no finer split would be honest.
        int prefix = 0;
        while (prefix < ours.size() && prefix < theirs.size() && ours.get(prefix).equals(theirs.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < ours.size() - prefix && suffix < theirs.size() - prefix
                && ours.get(ours.size() - 1 - suffix).equals(theirs.get(theirs.size() - 1 - suffix))) {
            suffix++;
        }
        // The other's own marks, each mapped on its own: through the common beginning (the same
        // indices) or the common end (the same distance from the end); one that reaches into the
        // part where the two differ widens that part instead.
        long from = base + prefix;
        long to = base + ours.size() - suffix;
        long ourEnd = base + ours.size();
        long theirEnd = base + theirs.size();
        long theirFrom = base + prefix;
        long theirTo = base + theirs.size() - suffix;
        boolean differs = prefix < ours.size() - suffix || prefix < theirs.size() - suffix;
        List<Span> mapped = new ArrayList<>();
        for (Span x : other.spans) {
            long xf = Math.min(x.from(), theirEnd);
            long xt = Math.min(x.to(), theirEnd);
            if (xt <= theirFrom) {
                mapped.add(new Span(xf, xt));
            } else if (xf >= theirTo) {
                mapped.add(new Span(ourEnd - (theirEnd - xf), ourEnd - (theirEnd - xt)));
            } else {
                from = Math.min(from, xf);
                if (xt > theirTo) {
                    to = Math.max(to, ourEnd - (theirEnd - xt));
                }
                differs = true;
            }
        }
        if (differs) {
            mapped.add(new Span(from, Math.max(from, to)));
        }
        addAll(mapped);
    }

    private void addAll(List<Span> more) {
        if (more.isEmpty()) {
            return;
        }
        List<Span> all = new ArrayList<>(spans);
        all.addAll(more);
        all.sort(Comparator.comparingLong(Span::from));
        spans.clear();
        Span cur = null;
        for (Span x : all) {
            if (x.to() <= x.from()) {
                continue;
            }
            if (cur != null && x.from() <= cur.to()) {
                cur = new Span(cur.from(), Math.max(cur.to(), x.to()));
            } else {
                if (cur != null) {
                    spans.add(cur);
                }
                cur = x;
            }
        }
        if (cur != null) {
            spans.add(cur);
        }
    }
}
