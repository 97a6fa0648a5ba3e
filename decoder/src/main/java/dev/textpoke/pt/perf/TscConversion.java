package dev.textpoke.pt.perf;

import dev.textpoke.perf.record.PerfRecord;

/**
 * perf time (the nanoseconds of every record's {@code sample_id.time}) and TSC (the clock of Intel
 * PT's timing packets), converted both ways exactly as perf does in tools/perf/util/tsc.c, from the
 * {@code perf_event_mmap_page} fields that AUXTRACE_INFO (words 1-3) and PERF_RECORD_TIME_CONV
 * carry.
 *
 * <p>Arithmetic is perf's u64 arithmetic: Java's long operations wrap exactly as C's unsigned
 * ones, and every division, comparison and right shift here is the unsigned one. So a conversion
 * gives perf's value bit for bit, overflow included (a {@code time_zero} near 2^64, as on the
 * quipper Skylake file, is the common case, not an edge).
 *
 * <pre>
 *   tsc -> ns   (tsc_to_perf_time)   if cap_user_time_short: tsc = time_cycles + ((tsc - time_cycles) &amp; time_mask)
 *                                    ns = time_zero + (tsc &gt;&gt; shift) * mult + (((tsc &amp; (2^shift - 1)) * mult) &gt;&gt; shift)
 *   ns -> tsc   (perf_time_to_tsc)   t = ns - time_zero
 *                                    tsc = (t / mult) &lt;&lt; shift + ((t % mult) &lt;&lt; shift) / mult
 * </pre>
 *
 * The second is a floor, not an inverse: several TSC values share a nanosecond (a 2.4 GHz TSC
 * ticks 2.4 times per ns). {@link #firstTscAtOrAfter} and {@link #lastTscAtOrBefore} give the exact
 * edges, as perf's {@code intel_pt_tsc_start} and {@code intel_pt_tsc_end} do for {@code --time}.
 *
 * @param timeShift         {@code time_shift} (0-63)
 * @param timeMult          {@code time_mult} (a u32 in the mmap page)
 * @param timeZero          {@code time_zero}
 * @param timeCycles        {@code time_cycles} (TIME_CONV only; used with cap_user_time_short)
 * @param timeMask          {@code time_mask} (TIME_CONV only)
 * @param capUserTimeZero   the three words are valid (x86 with a stable TSC)
 * @param capUserTimeShort  the counter is narrower than 64 bits (arm64's and RISC-V's; never x86's)
 */
public record TscConversion(int timeShift, long timeMult, long timeZero, long timeCycles, long timeMask,
        boolean capUserTimeZero, boolean capUserTimeShort) {

    public TscConversion {
        if (timeShift < 0 || timeShift > 63) {
            throw new IllegalArgumentException("time_shift " + timeShift + " is outside 0..63");
        }
    }

    /** A conversion with only shift, mult and zero (what AUXTRACE_INFO carries), cap_user_time_zero set. */
    public static TscConversion of(int timeShift, long timeMult, long timeZero) {
        return new TscConversion(timeShift, timeMult, timeZero, 0, 0, true, false);
    }

    /**
     * The parameters the kernel puts in the mmap page for a TSC of {@code tscHz} ticks per second
     * ({@code arch/x86/events/core.c}, {@code arch_perf_update_userpage}: {@code cyc2ns} with
     * shift 31 and {@code time_zero} = offset). {@code perfTimeAtTscZero} is what perf time reads
     * at TSC 0 (a u64: boot time minus the TSC's age, usually "negative").
     */
    public static TscConversion forFrequency(long tscHz, long perfTimeAtTscZero) {
        // mult = 10^9 * 2^31 / f, rounded down (10^9 * 2^31 fits in 63 bits).
        long mult = tscHz <= 0 ? 0 : (1_000_000_000L << 31) / tscHz;
        if (mult <= 0 || mult > 0xffff_ffffL) {
            throw new IllegalArgumentException("a " + tscHz + " Hz TSC has no 32-bit multiplier at shift 31");
        }
        return of(31, mult, perfTimeAtTscZero);
    }

    /** From AUXTRACE_INFO's words 1-4 (what perf's Intel PT decoder uses). */
    public static TscConversion of(IntelPtInfo info) {
        return info.tscConversion();
    }

    /**
     * From PERF_RECORD_TIME_CONV: a record without {@code time_cycles} (before perf 5.12) gives 0
     * cycles and mask and no cap_user_time_short; one without the caps (also old) counts as
     * cap_user_time_zero, which perf only wrote the record for.
     */
    public static TscConversion of(PerfRecord.TimeConv t) {
        if (Long.compareUnsigned(t.timeShift(), 63) > 0) {
            throw new IllegalArgumentException("time_shift " + Long.toUnsignedString(t.timeShift()) + " is outside 0..63");
        }
        boolean zero = t.capUserTimeZero() == null || t.capUserTimeZero() != 0;
        boolean shortCounter = t.capUserTimeShort() != null && t.capUserTimeShort() != 0;
        return new TscConversion((int) t.timeShift(), t.timeMult(), t.timeZero(), t.hasCycles() ? t.timeCycles() : 0,
                t.hasCycles() ? t.timeMask() : 0, zero, shortCounter);
    }

    /** perf time in ns of a TSC value ({@code tsc_to_perf_time}). */
    public long toPerfTime(long tsc) {
        long cyc = tsc;
        if (capUserTimeShort) {
            cyc = timeCycles + ((cyc - timeCycles) & timeMask);
        }
        long quot = cyc >>> timeShift;
        long rem = cyc & ((1L << timeShift) - 1);
        return timeZero + quot * timeMult + ((rem * timeMult) >>> timeShift);
    }

    /**
     * A TSC value for a perf time ({@code perf_time_to_tsc}): perf's floor, which may convert back
     * to a slightly different time. Throws for a zero multiplier, where perf would divide by zero.
     */
    public long toTsc(long perfTime) {
        if (timeMult == 0) {
            throw new ArithmeticException("time_mult is 0: no TSC for a perf time");
        }
        long t = perfTime - timeZero;
        long quot = Long.divideUnsigned(t, timeMult);
        long rem = Long.remainderUnsigned(t, timeMult);
        return (quot << timeShift) + Long.divideUnsigned(rem << timeShift, timeMult);
    }

    /**
     * The smallest TSC whose perf time is at least {@code perfTime}: what perf's {@code
     * intel_pt_tsc_start} finds by stepping one tick at a time from {@link #toTsc}, found here by
     * galloping and bisection so that a conversion read from a damaged file cannot make it spin.
     */
    public long firstTscAtOrAfter(long perfTime) {
        return edge(perfTime, true);
    }

    /** The largest TSC whose perf time is at most {@code perfTime} (perf's {@code intel_pt_tsc_end}). */
    public long lastTscAtOrBefore(long perfTime) {
        return edge(perfTime, false) ;
    }

    /**
     * first: the smallest x with f(x) >= ns; otherwise the largest x with f(x) <= ns, where f =
     * {@link #toPerfTime}, non-decreasing in unsigned order over the TSC values a trace holds.
     */
    private long edge(long ns, boolean first) {
        long x = toTsc(ns);
        // p(x): x is past the edge (for first: f(x) >= ns; for last: f(x) > ns).
        java.util.function.LongPredicate past = first
                ? v -> Long.compareUnsigned(toPerfTime(v), ns) >= 0
                : v -> Long.compareUnsigned(toPerfTime(v), ns) > 0;
        long lo;
        long hi;
        if (past.test(x)) {
            hi = x;
            long step = 1;
            lo = x - step;
            while (Long.compareUnsigned(lo, hi) < 0 && past.test(lo)) {
                hi = lo;
                step <<= 1;
                lo = step <= 0 || Long.compareUnsigned(hi, step) < 0 ? 0 : hi - step;
                if (lo == 0) {
                    break;
                }
            }
        } else {
            lo = x;
            long step = 1;
            hi = x + step;
            while (Long.compareUnsigned(hi, lo) > 0 && !past.test(hi)) {
                lo = hi;
                step <<= 1;
                hi = step <= 0 || Long.compareUnsigned(-1L - lo, step) < 0 ? -1L : lo + step;
                if (hi == -1L) {
                    break;
                }
            }
        }
        // Invariant (where the ends are not clamped): !past(lo), past(hi).
        if (past.test(lo)) {
            return first ? lo : lo - 1;
        }
        while (Long.compareUnsigned(hi - lo, 1) > 0) {
            long mid = lo + ((hi - lo) >>> 1);
            if (past.test(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return first ? hi : lo;
    }
}
