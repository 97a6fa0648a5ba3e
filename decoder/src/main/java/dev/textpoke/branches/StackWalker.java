package dev.textpoke.branches;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a sample's branch stack into its ranges and walks each with {@link RangeWalker}, in the time
 * bounds {@link StackTiming} gives it: for {@code n} entries (newest first, {@code e[0]} the last
 * branch), the oldest entry's branch at {@code e[n-1].from}; the range from {@code e[i+1].to} to
 * {@code e[i].from} for {@code i = n-2 .. 0}; the final block from {@code e[0].to} to the sample's
 * ip, unless the sample was taken at the newest branch itself ({@code e[0].from == ip}) or that
 * branch was a transaction abort (perf's {@code perf_sample__fprintf_brstackinsn} skips it then).
 * Not thread-safe.
 */
public final class StackWalker {
    private final RangeWalker walker;
    private final StackTiming timing;
    private long[] lo = new long[64];
    private long[] hi = new long[64];

    public StackWalker(RangeWalker walker, StackTiming timing) {
        this.walker = walker;
        this.timing = timing;
    }

    public RangeWalker rangeWalker() {
        return walker;
    }

    public WalkedStack walk(BranchSample s) {
        if (s.mode() == StackMode.CALL_STACK) {
            return new WalkedStack(s, WalkedStack.NotWalked.CALL_STACK, List.of());
        }
        if (s.mode() == StackMode.FILTERED) {
            return new WalkedStack(s, WalkedStack.NotWalked.FILTERED, List.of());
        }
        List<Branch> b = s.branches();
        int n = b.size();
        if (n == 0) {
            return new WalkedStack(s, WalkedStack.NotWalked.EMPTY, List.of());
        }
        if (lo.length < n) {
            lo = new long[n];
            hi = new long[n];
        }
        timing.bounds(s, lo, hi);
        long sampleTime = s.hasTime() ? s.time() : Long.MAX_VALUE;
        List<WalkedRange> out = new ArrayList<>(n + 1);
        Branch oldest = b.get(n - 1);
        out.add(new WalkedRange(RangeKind.OLDEST_BRANCH, n - 1, oldest.from(), oldest.from(), lo[n - 1], hi[n - 1],
                walker.walk(oldest.from(), oldest.from(), oldest.to(), RangeKind.OLDEST_BRANCH, lo[n - 1], hi[n - 1],
                        sampleTime)));
        for (int i = n - 2; i >= 0; i--) {
            long start = b.get(i + 1).to();
            long end = b.get(i).from();
            out.add(new WalkedRange(RangeKind.BETWEEN, i, start, end, lo[i + 1], hi[i],
                    walker.walk(start, end, b.get(i).to(), RangeKind.BETWEEN, lo[i + 1], hi[i], sampleTime)));
        }
        Branch newest = b.get(0);
        if (newest.from() != s.ip() && !newest.abort()) {
            long high = s.hasTime() ? s.time() : Long.MAX_VALUE;
            out.add(new WalkedRange(RangeKind.FINAL, -1, newest.to(), s.ip(), lo[0], high,
                    walker.walk(newest.to(), s.ip(), s.ip(), RangeKind.FINAL, lo[0], high, sampleTime)));
        }
        return new WalkedStack(s, null, out);
    }
}
