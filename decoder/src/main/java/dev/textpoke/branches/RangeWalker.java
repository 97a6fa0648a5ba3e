package dev.textpoke.branches;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.WindowSide;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.Undecodable;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the ranges of branch stacks over a {@link CodeTimeline}: the instructions from a range's
 * start to its end, each range read with the code of its own time. When the code of a range changed
 * within the time bounds of when it ran, every version it may have had is walked, and the one that
 * explains the recorded branches is kept (a walk that meets a taken branch before the end, or steps
 * over it, read bytes that did not run); when several explain them equally, the range is ambiguous.
 *
 * <p>Each range is walked once per content of its bytes, and the walks are kept (up to a limit of
 * ranges, then started over): a loop that runs a million times costs one walk. Not thread-safe: one
 * per thread, with its own {@link InstructionCache}.
 */
public final class RangeWalker {
    /** Longer ranges are not walked ({@link WalkStatus#TOO_LONG}): perf's MAXBB is 16 KiB. */
    public static final int MAX_RANGE = 16 << 10;
    private static final int RANGES_KEPT = 1 << 20;

    private final CodeTimeline timeline;
    private final InstructionCache cache;
    private final WalkCode code;
    private final int maxLength;
    private final PairCache<RangeHistory> histories = new PairCache<>(RANGES_KEPT);
    private final List<Instruction> scratch = new ArrayList<>();

    /**
     * @param maxLength the longest instruction of the code's ISA ({@code Isa.maxLength()})
     */
    public RangeWalker(CodeTimeline timeline, InstructionCache cache, int maxLength) {
        this(WalkCode.of(timeline, cache), maxLength);
    }

    /** A walker over {@code code}, which names the walks' addresses. */
    public RangeWalker(WalkCode code, int maxLength) {
        this.timeline = code.timeline();
        this.cache = code.cache();
        this.code = code;
        this.maxLength = maxLength;
    }

    public CodeTimeline timeline() {
        return timeline;
    }

    /** The code this walker reads. */
    public WalkCode code() {
        return code;
    }

    /**
     * Walks the range {@code [start, end]} of a stack sampled at {@code sampleTime}, whose code ran
     * at some time in {@code [lo, hi]}, and whose branch at {@code end} went to {@code to}.
     */
    public RangeResult walk(long start, long end, long to, RangeKind kind, long lo, long hi, long sampleTime) {
        RangeHistory h = history(start, end);
        if (h.contents() == 1) {
            Walk w = walkOf(h, 0);
            WalkStatus s = w.status(to, kind);
            RangeResult r = h.single[s.ordinal()];
            if (r == null) {
                r = new RangeResult(w, s, 1, false, false, false, w);
                h.single[s.ordinal()] = r;
            }
            return r;
        }
        int from = h.stateAt(lo);
        int until = h.stateAt(hi);
        int sampleState = h.stateAt(sampleTime);
        RangeResult known = h.memo(from, until, sampleState, to, kind);
        if (known != null) {
            return known;
        }
        RangeResult r = decide(h, from, until, sampleState, to, kind);
        h.remember(from, until, sampleState, to, kind, r);
        return r;
    }

    private RangeResult decide(RangeHistory h, int from, int until, int sampleState, long to, RangeKind kind) {
        Walk atSample = walkOf(h, h.newContent[sampleState]);
        // The different walks among the contents possible in [lo, hi]. Versions without code (a
        // region not there yet, or gone) are no versions of the code, unless there is nothing else.
        Walk[] pool = new Walk[h.contents()];
        int versions = 0;
        int absent = 0;
        for (int pass = 0; pass < 2 && versions == 0; pass++) {
            for (int c = 0; c < h.contents(); c++) {
                if (!h.occursIn(c, from, until)) {
                    continue;
                }
                Walk w = walkOf(h, c);
                if (pass == 0 && w.failure() == WalkStatus.NO_CODE) {
                    absent++;
                    continue;
                }
                boolean seen = false;
                for (int k = 0; k < versions && !seen; k++) {
                    seen = pool[k].sameAs(w);
                }
                if (!seen) {
                    pool[versions++] = w;
                }
            }
            if (absent == 0) {
                break;
            }
        }
        if (versions == 0) {
            // Bounds that meet no state (lo > hi): keep what the code at the sample's time says.
            return new RangeResult(atSample, atSample.status(to, kind), 0, false, false, false, atSample);
        }
        int bestRank = Integer.MAX_VALUE;
        for (int k = 0; k < versions; k++) {
            bestRank = Math.min(bestRank, rank(pool[k], to, kind, atSample));
        }
        Walk chosen = null;
        int best = 0;
        boolean atSampleInPool = false;
        for (int k = 0; k < versions; k++) {
            atSampleInPool |= pool[k].sameAs(atSample);
            if (rank(pool[k], to, kind, atSample) == bestRank) {
                best++;
                // Of equally good walks keep the one at the sample's time (perf's), else the latest.
                if (chosen == null || pool[k].sameAs(atSample)
                        || (!chosen.sameAs(atSample) && pool[k].readTime() > chosen.readTime())) {
                    chosen = pool[k];
                }
            }
        }
        WalkStatus status = chosen.status(to, kind);
        boolean ambiguous = best > 1 && status.possible();
        if (!status.possible() && atSampleInPool) {
            // Nothing explains the branches: show what the code at the sample's time says.
            chosen = atSample;
            status = atSample.status(to, kind);
        }
        return new RangeResult(chosen, status, versions, versions > 1, !chosen.sameAs(atSample), ambiguous,
                atSample);
    }

    /**
     * Better walks rank lower: explained, then async, then the unknowns, then the impossible. The
     * final block's last instruction is the one at the sample's ip, which the interrupt came before:
     * it is the code of the sample's time, so a version with another instruction there ranks as
     * less likely (as async), whatever ran before it.
     */
    private static int rank(Walk w, long to, RangeKind kind, Walk atSample) {
        int r = rank(w.status(to, kind));
        if (kind == RangeKind.FINAL && r == 0 && atSample.atEnd() && !w.lastSameAs(atSample)) {
            r = 1;
        }
        return r;
    }

    private static int rank(WalkStatus s) {
        if (s == WalkStatus.EXPLAINED) {
            return 0;
        }
        if (s == WalkStatus.ASYNC) {
            return 1;
        }
        return s.unknown() ? 2 : 3;
    }

    private RangeHistory history(long start, long end) {
        RangeHistory h = histories.get(start, end);
        if (h == null) {
            long span = end - start;
            int len = Long.compareUnsigned(span, MAX_RANGE) <= 0 ? (int) span + maxLength : 0;
            h = len == 0 ? RangeHistory.of(timeline, start, end, 0) : RangeHistory.of(timeline, start, end, len);
            histories.put(start, end, h);
        }
        return h;
    }

    private Walk walkOf(RangeHistory h, int content) {
        Walk w = h.walks[content];
        if (w == null) {
            w = walk(h.start, h.end, h.contentTime[content], h.contentSide[content]);
            h.walks[content] = w;
        }
        return w;
    }

    /** Walks {@code [start, end]} in the code at {@code time} on {@code side} of windows. */
    private Walk walk(long start, long end, long time, WindowSide side) {
        scratch.clear();
        WalkStatus failure = null;
        if ((start < 0) != (end < 0)) {
            failure = WalkStatus.PRIVILEGE_CHANGE;
        } else if (Long.compareUnsigned(end, start) < 0) {
            failure = WalkStatus.BACKWARDS;
        } else if (Long.compareUnsigned(end - start, MAX_RANGE) > 0) {
            failure = WalkStatus.TOO_LONG;
        } else {
            // Linear, as perf walks a block: on past a taken branch (remembering the first), so that a
            // walk that fails still shows what a reader of this version sees.
            long a = start;
            while (true) {
                Decoded d = cache.at(a, time, side);
                if (d instanceof Undecodable u) {
                    if (failure == null) {
                        failure = u.available() < maxLength ? WalkStatus.NO_CODE : WalkStatus.UNDECODABLE;
                    }
                    break;
                }
                Instruction insn = (Instruction) d;
                scratch.add(insn);
                if (a == end) {
                    break;
                }
                BranchClass c = insn.branchClass();
                if (failure == null && c != BranchClass.NONE && c != BranchClass.CONDITIONAL) {
                    failure = WalkStatus.LEFT_RANGE;
                }
                long next = insn.next();
                if (Long.compareUnsigned(next, end) > 0 || Long.compareUnsigned(next, a) < 0) {
                    if (failure == null) {
                        failure = WalkStatus.MISALIGNED;
                    }
                    break;
                }
                a = next;
            }
        }
        Instruction[] insns = scratch.toArray(new Instruction[0]);
        int n = 0;
        for (Instruction i : insns) {
            n += i.length();
        }
        byte[] bytes = new byte[n];
        if (n > 0) {
            timeline.read(start, time, side, bytes, 0, n);
        }
        return new Walk(start, end, failure, insns, bytes, time, side, this.code);
    }
}
