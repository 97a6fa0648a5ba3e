package dev.textpoke.branches;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a sample's branch stack into its ranges and walks each with {@link RangeWalker}, in the time
 * bounds {@link StackTiming} gives it: for {@code n} entries (newest first, {@code e[0]} the last
 * branch), the oldest entry's branch at {@code e[n-1].from}; the range from {@code e[i+1].to} to
 * {@code e[i].from} for {@code i = n-2 .. 0}; the final block from {@code e[0].to} to the sample's
 * ip, unless the sample was taken at the newest branch itself ({@code e[0].from == ip}) or that
 * branch was a transaction abort (perf's {@code perf_sample__fprintf_brstackinsn} skips it then).
 *
 * <p>A range that starts or ends at 0 is no range: its entry is one the hardware left empty (an LBR
 * not yet full holds {@code 0 -> 0} entries after the real ones), so it is neither walked nor
 * returned, as perf's {@code grab_bb} returns nothing for {@code !start || !end} (and does not join
 * such a range with the next one). The entries stay in the sample. Not thread-safe.
 */
public final class StackWalker {
    private final RangeWalker walker;
    private final StackTiming timing;
    private final UserCode user;
    /** The user-space segments of {@code walker}'s timeline (images given by hand): they come first. */
    private final long[][] givenUserCode;
    private long[] lo = new long[64];
    private long[] hi = new long[64];

    public StackWalker(RangeWalker walker, StackTiming timing) {
        this(walker, timing, null);
    }

    /**
     * @param user the processes' code for user-space ranges (null: every range is read from {@code
     *             walker}'s timeline)
     */
    public StackWalker(RangeWalker walker, StackTiming timing, UserCode user) {
        this.walker = walker;
        this.timing = timing;
        this.user = user;
        List<long[]> given = new ArrayList<>();
        for (BaseImage image : walker.timeline().images()) {
            for (ImageSegment seg : image.segments()) {
                if (seg.address() >= 0) {
                    given.add(new long[] {seg.address(), seg.address() + seg.bytes().length()});
                }
            }
        }
        this.givenUserCode = given.toArray(new long[0][]);
    }

    /**
     * The walker of a range from {@code start} to {@code end} of sample {@code s}: the process's
     * mapping that holds the start for a user-space range (as perf's {@code grab_bb} finds it), unless
     * an image given by hand holds it; else the kernel's timeline.
     */
    private RangeWalker walkerFor(BranchSample s, long start, long end) {
        if (user == null || start < 0 || end < 0) {
            return walker;
        }
        for (long[] g : givenUserCode) {
            if (start >= g[0] && start < g[1]) {
                return walker;
            }
        }
        RangeWalker w = user.walker(s.pid(), start, s.hasTime() ? s.time() : Long.MAX_VALUE);
        return w == null ? walker : w;
    }

    public RangeWalker rangeWalker() {
        return walker;
    }

    /** The code that holds {@code addr} for sample {@code s}: its process's mapping, or the kernel's. */
    public WalkCode codeAt(BranchSample s, long addr) {
        return walkerFor(s, addr, addr).code();
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
        if (oldest.from() != 0) {
            out.add(new WalkedRange(RangeKind.OLDEST_BRANCH, n - 1, oldest.from(), oldest.from(), lo[n - 1],
                    hi[n - 1], walkerFor(s, oldest.from(), oldest.from()).walk(oldest.from(), oldest.from(),
                            oldest.to(), RangeKind.OLDEST_BRANCH, lo[n - 1], hi[n - 1], sampleTime), null));
        }
        for (int i = n - 2; i >= 0; i--) {
            long start = b.get(i + 1).to();
            long end = b.get(i).from();
            if (start == 0 || end == 0) {
                continue; // an empty entry's
            }
            RangeResult joined = null;
            if ((start < 0) != (end < 0) && i > 0 && b.get(i - 1).from() != 0) {
                long on = b.get(i - 1).from();
                joined = walkerFor(s, start, on).walk(start, on, b.get(i - 1).to(), RangeKind.BETWEEN, lo[i + 1],
                        hi[i - 1], sampleTime);
            }
            out.add(new WalkedRange(RangeKind.BETWEEN, i, start, end, lo[i + 1], hi[i],
                    walkerFor(s, start, end).walk(start, end, b.get(i).to(), RangeKind.BETWEEN, lo[i + 1], hi[i],
                            sampleTime), joined));
        }
        Branch newest = b.get(0);
        // An empty newest entry leaves the final block without a start: perf then prints the
        // sample's instruction alone (BrstackinsnText does, through codeAt).
        if (newest.from() != s.ip() && !newest.abort() && newest.to() != 0) {
            long high = s.hasTime() ? s.time() : Long.MAX_VALUE;
            out.add(new WalkedRange(RangeKind.FINAL, -1, newest.to(), s.ip(), lo[0], high,
                    walkerFor(s, newest.to(), s.ip()).walk(newest.to(), s.ip(), s.ip(), RangeKind.FINAL, lo[0], high,
                            sampleTime), null));
        }
        return new WalkedStack(s, null, out);
    }
}
