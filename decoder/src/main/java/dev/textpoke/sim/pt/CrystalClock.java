package dev.textpoke.sim.pt;

import java.math.BigInteger;

/**
 * The core crystal clock (ART) beside the TSC, whose counter (CTC) MTC and TMA packets carry.
 * CPUID.15H gives the TSC's ratio to it, {@code n/d} TSC ticks per crystal tick (EBX/EAX; perf's
 * AUXTRACE_INFO {@code tsc_ctc_ratio_n/d}). Both counters start at 0 together, so crystal tick
 * {@code k} happens at TSC {@code ceil(k·n/d)} (the first TSC tick at or after the edge) and at TSC
 * {@code t} the CTC reads {@code floor(t·d/n)}. TMA's fast counter is the TSC ticks since the last
 * crystal edge, as libipt ({@code pt_time_update_tma}: base = TSC − FC) and perf ({@code
 * intel_pt_calc_tma}) read it; it must fit its 9 bits, so {@code n/d < 512}.
 */
public record CrystalClock(long n, long d) {
    public CrystalClock {
        if (n <= 0 || d <= 0 || n >= 512 * d) {
            throw new IllegalArgumentException("TSC:crystal ratio " + n + "/" + d + " outside (0, 512)");
        }
    }

    /** The CTC at TSC {@code tsc}: crystal ticks since 0. */
    public long ctc(long tsc) {
        return mulDiv(tsc, d, n);
    }

    /** The TSC of crystal edge {@code k}: the first TSC tick at or after it. */
    public long edgeTsc(long k) {
        long kn = k * n;
        if (Math.multiplyHigh(k, n) == 0 && kn >= 0) {
            return kn / d + (kn % d == 0 ? 0 : 1);
        }
        BigInteger[] qr = BigInteger.valueOf(k).multiply(BigInteger.valueOf(n)).divideAndRemainder(BigInteger.valueOf(d));
        return qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
    }

    /** TMA's fast counter at {@code tsc}: TSC ticks since the last crystal edge. */
    public int fastCounter(long tsc) {
        return (int) (tsc - edgeTsc(ctc(tsc)));
    }

    /** The first crystal edge {@code k > after} with bit {@code period} flipping: a multiple of 2^period. */
    public static long nextMtcTick(long after, int period) {
        long step = 1L << period;
        return (after / step + 1) * step;
    }

    /** {@code floor(a·b/c)} for non-negative operands, exact past 64 bits. */
    static long mulDiv(long a, long b, long c) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi == 0 && lo >= 0) {
            return lo / c;
        }
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValueExact();
    }
}
