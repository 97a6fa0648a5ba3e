package dev.textpoke.pt.time;

/**
 * The time of a position in an Intel PT packet stream, in TSC ticks, from its timing packets (TSC,
 * TMA, MTC, CYC, CBR), computed the way perf's decoder does ({@code intel-pt-decoder.c}: {@code
 * intel_pt_calc_tsc_timestamp}, {@code _calc_tma}, {@code _calc_mtc_timestamp}, {@code
 * _calc_cyc_timestamp}), so that times agree with {@code perf script}'s where perf's rules apply:
 *
 * <ul>
 *   <li>TSC: the low 7 bytes of the TSC; the top byte comes from the reference timestamp of the
 *       buffer or from the previous value, with wrap-around, and a step backwards smaller than
 *       {@code 0x10000} ticks is suppressed (a TSC can slip past MTCs).
 *   <li>TMA (right after the TSC of a PSB+): CTC[15:0] and the fast counter; it anchors the crystal
 *       clock: {@code ctcTimestamp = TSC - FC - (CTC mod 2^s) * n / d} with {@code s} the MTC
 *       period and {@code n/d} the TSC:crystal ratio (CPUID 0x15).
 *   <li>MTC: CTC[s+7:s]; each one adds its distance from the last (1..256) {@code << s} crystal
 *       ticks, times {@code n/d} TSC ticks; time never goes backwards.
 *   <li>CYC: core cycles since the last CYC; with CBR and the maximum non-turbo ratio a cycle is
 *       {@code maxNonTurbo / cbr} TSC ticks. perf calibrates the ratio by looking ahead to the next
 *       MTC; this clock uses the CBR ratio only (documented in docs/intel-pt.md).
 * </ul>
 *
 * <p>Mutable and small; {@link #copyFrom} snapshots it for speculative decoding.
 */
public final class PacketClock {
    /** perf's {@code tsc_slip}: how far a TSC may appear to go backwards and be ignored. */
    static final long TSC_SLIP = 0x10000;

    private final int mtcShift;
    private final long ctcRemMask;
    private final long ratioN;
    private final long ratioD;
    private final long tscCtcMult;
    private final int maxNonTurboRatio;

    private long timestamp;
    private long tscTimestamp;
    private long refTimestamp;
    private boolean haveTma;
    private boolean fixupLastMtc;
    private long ctcTimestamp;
    private long ctcDelta;
    private int lastMtc;
    private int cbr;
    private double cbrCycToTsc;
    private long cycRefTimestamp;
    private long cycleCount;

    /**
     * @param mtcPeriod the MTC frequency bits of the event ({@code mtc_period}, 0..15)
     * @param tscCtcRatioN CPUID 0x15 EBX (0: no crystal clock ratio, MTC and TMA are ignored)
     * @param tscCtcRatioD CPUID 0x15 EAX
     * @param maxNonTurboRatio the TSC's ratio to 100 MHz, for CYC (0: CYC gives no time)
     */
    public PacketClock(int mtcPeriod, long tscCtcRatioN, long tscCtcRatioD, int maxNonTurboRatio) {
        this.mtcShift = mtcPeriod;
        this.ctcRemMask = (1L << mtcPeriod) - 1;
        this.ratioN = tscCtcRatioN;
        this.ratioD = tscCtcRatioN == 0 ? 0 : tscCtcRatioD;
        this.tscCtcMult = ratioD != 0 && ratioN % ratioD == 0 ? ratioN / ratioD : 0;
        this.maxNonTurboRatio = maxNonTurboRatio;
    }

    /** The current time in TSC ticks; 0 before the first timing packet. */
    public long timestamp() {
        return timestamp;
    }

    /** Whether any timing packet has given a time yet. */
    public boolean hasTime() {
        return timestamp != 0;
    }

    /** A new buffer that does not continue the previous one: perf forgets the time it had. */
    public void reposition(long referenceTimestamp) {
        timestamp = 0;
        haveTma = false;
        refTimestamp = referenceTimestamp;
    }

    /** A TSC packet with the low 56 bits of the TSC. */
    public void tsc(long payload, boolean afterCyc) {
        haveTma = false;
        if (refTimestamp != 0) {
            long t = eightByteTsc(payload, refTimestamp);
            tscTimestamp = t;
            timestamp = t;
            refTimestamp = 0;
        } else if (timestamp != 0) {
            long t = payload | (timestamp & (0xffL << 56));
            tscTimestamp = t;
            if (Long.compareUnsigned(t, timestamp) < 0 && timestamp - t < TSC_SLIP) {
                t = timestamp;
            }
            if (Long.compareUnsigned(t, timestamp) < 0) {
                t += 1L << 56;
                tscTimestamp = t;
            }
            timestamp = t;
        } else {
            // perf keeps no time until a buffer reference or a previous time gives the top byte; a
            // first TSC without either still starts the clock (the top byte is then 0).
            tscTimestamp = payload;
            timestamp = payload;
        }
        if (afterCyc) {
            cycRefTimestamp = timestamp;
            cycleCount = 0;
        }
    }

    /** perf's {@code intel_pt_8b_tsc}: the 7-byte TSC completed from a reference, with wrap-around. */
    static long eightByteTsc(long payload, long ref) {
        long t = payload | (ref & (0xffL << 56));
        if (Long.compareUnsigned(t, ref) < 0) {
            if (ref - t > (1L << 55)) {
                t += 1L << 56;
            }
        } else if (t - ref > (1L << 55)) {
            t -= 1L << 56;
        }
        return t;
    }

    /** A TMA packet: CTC[15:0] and the fast counter at the TSC before it. */
    public void tma(int ctc, int fastCounter) {
        if (ratioD == 0) {
            return;
        }
        long rem = ctc & ctcRemMask;
        lastMtc = (ctc >>> mtcShift) & 0xff;
        ctcTimestamp = tscTimestamp - fastCounter - ctcToTsc(rem);
        ctcDelta = 0;
        haveTma = true;
        fixupLastMtc = true;
    }

    /** An MTC packet: CTC[s+7:s]. */
    public void mtc(int payload, boolean afterCyc) {
        if (!haveTma) {
            return;
        }
        int mtc = payload & 0xff;
        if (mtcShift > 8 && fixupLastMtc) {
            fixupLastMtc = false;
            lastMtc = fixupLastMtc(mtc, mtcShift, lastMtc);
        }
        int delta = mtc > lastMtc ? mtc - lastMtc : mtc + 256 - lastMtc;
        ctcDelta += (long) delta << mtcShift;
        long t = ctcTimestamp + ctcToTsc(ctcDelta);
        if (Long.compareUnsigned(t, timestamp) >= 0) {
            timestamp = t;
        }
        lastMtc = mtc;
        if (afterCyc) {
            cycRefTimestamp = timestamp;
            cycleCount = 0;
        }
    }

    /**
     * With an MTC period above 8 the TMA lacks MTC bits: take them from the first MTC, assuming it
     * comes after the TMA by the least distance (perf's {@code intel_pt_fixup_last_mtc}).
     */
    static int fixupLastMtc(int mtc, int shift, int lastMtc) {
        int firstMissingBit = 1 << (16 - shift);
        int mask = ~(firstMissingBit - 1);
        int last = lastMtc | (mtc & mask);
        if (last >= mtc) {
            last = (last - firstMissingBit) & 0xff;
        }
        return last;
    }

    /** A CBR packet: the core:bus ratio. */
    public void cbr(int ratio) {
        int r = ratio & 0xff;
        if (r == cbr || r == 0) {
            return;
        }
        cbr = r;
        cbrCycToTsc = (double) maxNonTurboRatio / r;
    }

    public int cbr() {
        return cbr;
    }

    /** A CYC packet: core cycles since the previous CYC. */
    public void cyc(long cycles) {
        cycleCount += cycles;
        if (cycRefTimestamp == 0 || cbr == 0 || maxNonTurboRatio == 0) {
            return;
        }
        long t = cycRefTimestamp + (long) (cycleCount * cbrCycToTsc);
        if (Long.compareUnsigned(t, timestamp) >= 0) {
            timestamp = t;
        }
    }

    /** perf's {@code multdiv}: {@code t * n / d} without overflowing for t below 2^32 * d. */
    private long ctcToTsc(long ctc) {
        if (tscCtcMult != 0) {
            return ctc * tscCtcMult;
        }
        if (ratioD == 0) {
            return 0;
        }
        return (ctc / ratioD) * ratioN + ((ctc % ratioD) * ratioN) / ratioD;
    }

    /** The clock's state as a value (for a unit of work that starts in the middle of a trace). */
    public record State(long timestamp, long tscTimestamp, long refTimestamp, boolean haveTma, boolean fixupLastMtc,
            long ctcTimestamp, long ctcDelta, int lastMtc, int cbr, long cycRefTimestamp, long cycleCount)
            implements java.io.Serializable {}

    public State state() {
        return new State(timestamp, tscTimestamp, refTimestamp, haveTma, fixupLastMtc, ctcTimestamp, ctcDelta,
                lastMtc, cbr, cycRefTimestamp, cycleCount);
    }

    /** Takes a state from {@link #state()} of a clock with the same configuration. */
    public void restore(State st) {
        timestamp = st.timestamp();
        tscTimestamp = st.tscTimestamp();
        refTimestamp = st.refTimestamp();
        haveTma = st.haveTma();
        fixupLastMtc = st.fixupLastMtc();
        ctcTimestamp = st.ctcTimestamp();
        ctcDelta = st.ctcDelta();
        lastMtc = st.lastMtc();
        cbr = 0;
        cbr(st.cbr());
        cycRefTimestamp = st.cycRefTimestamp();
        cycleCount = st.cycleCount();
    }

    /** Makes this clock equal to {@code o} (same configuration assumed). */
    public void copyFrom(PacketClock o) {
        timestamp = o.timestamp;
        tscTimestamp = o.tscTimestamp;
        refTimestamp = o.refTimestamp;
        haveTma = o.haveTma;
        fixupLastMtc = o.fixupLastMtc;
        ctcTimestamp = o.ctcTimestamp;
        ctcDelta = o.ctcDelta;
        lastMtc = o.lastMtc;
        cbr = o.cbr;
        cbrCycToTsc = o.cbrCycToTsc;
        cycRefTimestamp = o.cycRefTimestamp;
        cycleCount = o.cycleCount;
    }

    /** A clock with the same configuration and state. */
    public PacketClock copy() {
        PacketClock c = new PacketClock(mtcShift, ratioN, ratioD == 0 ? 1 : ratioD, maxNonTurboRatio);
        c.copyFrom(this);
        return c;
    }
}
