package dev.textpoke.branches;

import java.util.List;

/**
 * When the branches of a stack ran, as far as the sample says: every one ran before the sample
 * (its time is an upper bound), and the cycles an entry reports (core cycles since the entry
 * before it) move that bound back for the older ones: at most {@code maxCoreHz} cycles pass per
 * second, so {@code C} cycles between a branch and the newest one take at least {@code C /
 * maxCoreHz} seconds. Cycles give no lower bound: a halted core counts none while time passes, so
 * how long before the sample the oldest branch ran is unknown, unless the caller assumes a
 * {@code minCoreHz} (and no idle) and a {@code skidNs} from the newest branch to the sample.
 *
 * <p>Entry {@code k}'s bounds are {@code [lo[k], hi[k]]}; a range between entries {@code k + 1} and
 * {@code k} ran in {@code [lo[k + 1], hi[k]]}, the final block in {@code [lo[0], time]}.
 *
 * @param maxCoreHz the fastest a core clock runs (10 GHz by default: above every CPU's turbo)
 * @param minCoreHz 0 for no lower bounds; else the slowest a running core clock runs
 * @param skidNs    with {@code minCoreHz}: the longest from the newest branch to the sample
 */
public record StackTiming(long maxCoreHz, long minCoreHz, long skidNs) {
    public static final StackTiming DEFAULT = new StackTiming(10_000_000_000L, 0, 0);
    private static final long NS = 1_000_000_000L;

    public StackTiming {
        if (maxCoreHz <= 0 || minCoreHz < 0 || skidNs < 0 || (minCoreHz > maxCoreHz)) {
            throw new IllegalArgumentException("need 0 < maxCoreHz, 0 <= minCoreHz <= maxCoreHz, skidNs >= 0");
        }
    }

    /** Fills {@code lo[k]} and {@code hi[k]} for each entry {@code k} of the sample's stack. */
    public void bounds(BranchSample s, long[] lo, long[] hi) {
        List<Branch> b = s.branches();
        if (!s.hasTime()) {
            for (int k = 0; k < b.size(); k++) {
                lo[k] = Long.MIN_VALUE;
                hi[k] = Long.MAX_VALUE;
            }
            return;
        }
        long cycles = 0;
        boolean lowerKnown = minCoreHz > 0;
        for (int k = 0; k < b.size(); k++) {
            hi[k] = s.time() - (long) ((double) cycles * NS / maxCoreHz);
            lo[k] = lowerKnown ? s.time() - skidNs - (long) Math.ceil((double) cycles * NS / minCoreHz) : Long.MIN_VALUE;
            int c = b.get(k).cycles();
            if (c == 0 || c == Branch.CYCLES_SATURATED) {
                lowerKnown = false;
            }
            cycles += c;
        }
    }
}
