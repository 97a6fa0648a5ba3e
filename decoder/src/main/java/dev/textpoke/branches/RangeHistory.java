package dev.textpoke.branches;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.WindowSide;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The versions the bytes of one range ever had: the times at which they change cut time into
 * stretches ("states"), and equal contents are numbered once, so that a range is walked once per
 * content however often its code flipped back and forth. Built once per range and kept by {@link
 * RangeWalker}; the walks are filled in when first asked for.
 */
final class RangeHistory {
    final long start;
    final long end;
    /** The change times of the range's bytes, sorted: state {@code j} is {@code [times[j-1], times[j])}. */
    final long[] times;
    /** Per state, the content on the NEW side of windows (the only side outside them). */
    final int[] newContent;
    /** Per content, the states where it occurs on either side, sorted. */
    final int[][] statesOf;
    /** Per content, a time and side at which the code has it. */
    final long[] contentTime;
    final WindowSide[] contentSide;
    final Walk[] walks;
    /** The results of occurrences with one content, by status: they need no object each. */
    final RangeResult[] single = new RangeResult[WalkStatus.values().length];
    /**
     * The last results of occurrences with several contents, by what decides them (the states of
     * the bounds and of the sample, the branch's target, the kind): a range run a million times
     * between the same two flips is decided once.
     */
    private final long[] memoKey = new long[5 * MEMO];
    private final RangeResult[] memo = new RangeResult[MEMO];
    private int memoNext;
    private static final int MEMO = 4;

    private RangeHistory(long start, long end, long[] times, int[] newContent, int[][] statesOf, long[] contentTime,
            WindowSide[] contentSide) {
        this.start = start;
        this.end = end;
        this.times = times;
        this.newContent = newContent;
        this.statesOf = statesOf;
        this.contentTime = contentTime;
        this.contentSide = contentSide;
        this.walks = new Walk[contentTime.length];
    }

    /** The history of {@code [start, start + len)}, the bytes a walk from start to end may read. */
    static RangeHistory of(CodeTimeline timeline, long start, long end, int len) {
        long[] times = timeline.changeTimes(start, len);
        if (times.length == 0) {
            return new RangeHistory(start, end, times, new int[] {0}, new int[][] {{0}}, new long[] {0},
                    new WindowSide[] {WindowSide.NEW});
        }
        int states = times.length + 1;
        int[] newContent = new int[states];
        Map<Signature, Integer> ids = new HashMap<>();
        long[] contentTime = new long[4];
        WindowSide[] contentSide = new WindowSide[4];
        int[][] statesOf = new int[4][];
        int[] stateCount = new int[4];
        int contents = 0;
        for (int j = 0; j < states; j++) {
            long t = j == 0 ? times[0] - 1 : times[j - 1];
            boolean window = !timeline.inFlight(start, len, t).isEmpty();
            for (WindowSide side : window ? new WindowSide[] {WindowSide.NEW, WindowSide.OLD}
                    : new WindowSide[] {WindowSide.NEW}) {
                Signature sig = Signature.of(timeline, start, len, t, side);
                Integer id = sig == null ? null : ids.get(sig);
                if (id == null) {
                    id = contents++;
                    if (sig != null) {
                        ids.put(sig, id);
                    }
                    if (id == contentTime.length) {
                        int n = 2 * id;
                        contentTime = Arrays.copyOf(contentTime, n);
                        contentSide = Arrays.copyOf(contentSide, n);
                        statesOf = Arrays.copyOf(statesOf, n);
                        stateCount = Arrays.copyOf(stateCount, n);
                    }
                    contentTime[id] = t;
                    contentSide[id] = side;
                    statesOf[id] = new int[4];
                }
                if (side == WindowSide.NEW) {
                    newContent[j] = id;
                }
                int[] list = statesOf[id];
                int k = stateCount[id];
                if (k == 0 || list[k - 1] != j) {
                    if (k == list.length) {
                        statesOf[id] = list = Arrays.copyOf(list, 2 * k);
                    }
                    list[k] = j;
                    stateCount[id] = k + 1;
                }
            }
        }
        for (int c = 0; c < contents; c++) {
            statesOf[c] = Arrays.copyOf(statesOf[c], stateCount[c]);
        }
        return new RangeHistory(start, end, times, newContent, Arrays.copyOf(statesOf, contents),
                Arrays.copyOf(contentTime, contents), Arrays.copyOf(contentSide, contents));
    }

    RangeResult memo(int from, int until, int atSample, long to, RangeKind kind) {
        for (int i = 0; i < MEMO; i++) {
            RangeResult r = memo[i];
            if (r != null && memoKey[5 * i] == from && memoKey[5 * i + 1] == until && memoKey[5 * i + 2] == atSample
                    && memoKey[5 * i + 3] == to && memoKey[5 * i + 4] == kind.ordinal()) {
                return r;
            }
        }
        return null;
    }

    void remember(int from, int until, int atSample, long to, RangeKind kind, RangeResult r) {
        int i = memoNext;
        memoNext = (memoNext + 1) % MEMO;
        memoKey[5 * i] = from;
        memoKey[5 * i + 1] = until;
        memoKey[5 * i + 2] = atSample;
        memoKey[5 * i + 3] = to;
        memoKey[5 * i + 4] = kind.ordinal();
        memo[i] = r;
    }

    int contents() {
        return contentTime.length;
    }

    /** The state holding time {@code t}: how many change times are at or before it. */
    int stateAt(long t) {
        int lo = 0;
        int hi = times.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Whether content {@code c} occurs in a state of {@code [from, to]}. */
    boolean occursIn(int c, int from, int to) {
        int[] s = statesOf[c];
        int i = Arrays.binarySearch(s, from);
        if (i < 0) {
            i = -i - 1;
        }
        return i < s.length && s[i] <= to;
    }

    /**
     * The versions of the 16-byte chunks under the range at a time: equal signatures, equal bytes.
     * Null when the timeline composes the bytes rather than storing them (never equal to another).
     */
    private record Signature(long[] versions) {
        static Signature of(CodeTimeline timeline, long start, int len, long t, WindowSide side) {
            long first = start & -CodeTimeline.VERSION_SPAN;
            long last = (start + len - 1) & -CodeTimeline.VERSION_SPAN;
            int n = (int) ((last - first) / CodeTimeline.VERSION_SPAN) + 1;
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = timeline.version(first + (long) i * CodeTimeline.VERSION_SPAN, t, side);
                if (v[i] == CodeTimeline.UNVERSIONED) {
                    return null;
                }
            }
            return new Signature(v);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Signature s && Arrays.equals(s.versions, versions);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(versions);
        }
    }
}
