package dev.textpoke.pt.perf;

/**
 * The Intel PT configuration of an intel_pt event: the terms of its {@code attr.config}, which the
 * kernel copies into IA32_RTIT_CTL (arch/x86/events/intel/pt.c, {@code pt_config}). The same record
 * serves the decoder (what the trace was recorded with) and the simulator (what to emit).
 *
 * <p>Which bit holds which term is the PMU's {@code format/} in sysfs, which a perf.data does not
 * hold. AUXTRACE_INFO carries the masks of tsc, noretcomp, mtc, mtc_period and cyc (perf's {@code
 * intel_pt_*_bit} words, read by {@code intel_pt_parse_terms} at record time); the other terms are
 * where the kernel has always put them ({@code PMU_FORMAT_ATTR} in arch/x86/events/intel/pt.c),
 * which is {@link Format#KERNEL}.
 *
 * @param pt         trace enable (TraceEn is set by the kernel; the term lets a user clear it
 *                   to get only sideband, perf's {@code pt=0})
 * @param cyc        CYC packets (CYCEn)
 * @param pwrEvt     power event packets: MWAIT, PWRE, PWRX, EXSTOP (PwrEvtEn)
 * @param fupOnPtw   a FUP after each PTWRITE (FUPonPTW)
 * @param mtc        MTC packets (MTCEn)
 * @param tsc        TSC packets (TSCEn)
 * @param noRetComp  return compression disabled (DisRETC): every RET gives a TIP
 * @param ptw        PTWRITE packets (PTWEn)
 * @param branch     branch tracing (BranchEn); without it only timing and PSB+ are emitted
 * @param event      event trace packets: CFE, EVD (EventEn)
 * @param noTnt      TNT packets disabled (DisTNT)
 * @param mtcPeriod  MTC frequency encoding (MTCFreq, 0-15): an MTC when CTC bit {@code mtcPeriod} flips
 * @param cycThresh  CYC threshold encoding (CycThresh, 0-15)
 * @param psbPeriod  PSB frequency encoding (PSBFreq, 0-15): a PSB every 2^(11 + psbPeriod) bytes
 * @param otherBits  bits of attr.config that no term holds, kept for writing the value back
 */
public record PtConfig(
        boolean pt,
        boolean cyc,
        boolean pwrEvt,
        boolean fupOnPtw,
        boolean mtc,
        boolean tsc,
        boolean noRetComp,
        boolean ptw,
        boolean branch,
        boolean event,
        boolean noTnt,
        int mtcPeriod,
        int cycThresh,
        int psbPeriod,
        long otherBits) {

    /**
     * perf's default for {@code -e intel_pt//} on a CPU with MTC and PSB period support: {@code
     * tsc,mtc,mtc_period=3,psb_period=3,pt,branch} ({@code intel_pt_pmu_default_config},
     * tools/perf/arch/x86/util/intel-pt.c), attr.config 0x300e601.
     */
    public static final PtConfig PERF_DEFAULT =
            new PtConfig(true, false, false, false, true, true, false, false, true, false, false, 3, 0, 3, 0);

    public PtConfig {
        check("mtcPeriod", mtcPeriod);
        check("cycThresh", cycThresh);
        check("psbPeriod", psbPeriod);
    }

    private static void check(String name, int v) {
        if (v < 0 || v > 15) {
            throw new IllegalArgumentException(name + " " + v + " is outside 0..15");
        }
    }

    /** Whether RET instructions may be compressed into a TNT bit (perf's {@code intel_pt_return_compression}). */
    public boolean returnCompression() {
        return !noRetComp;
    }

    /** The same configuration with other timing packets. */
    public PtConfig withTiming(boolean tsc, boolean mtc, int mtcPeriod, boolean cyc, int cycThresh) {
        return new PtConfig(pt, cyc, pwrEvt, fupOnPtw, mtc, tsc, noRetComp, ptw, branch, event, noTnt, mtcPeriod,
                cycThresh, psbPeriod, otherBits);
    }

    /** The same configuration with return compression on or off. */
    public PtConfig withReturnCompression(boolean on) {
        return new PtConfig(pt, cyc, pwrEvt, fupOnPtw, mtc, tsc, !on, ptw, branch, event, noTnt, mtcPeriod,
                cycThresh, psbPeriod, otherBits);
    }

    /** The same configuration with another PSB period encoding. */
    public PtConfig withPsbPeriod(int period) {
        return new PtConfig(pt, cyc, pwrEvt, fupOnPtw, mtc, tsc, noRetComp, ptw, branch, event, noTnt, mtcPeriod,
                cycThresh, period, otherBits);
    }

    /** Reads attr.config with {@code format}. */
    public static PtConfig decode(long config, Format format) {
        return format.decode(config);
    }

    /** attr.config for this configuration under {@code format}. */
    public long encode(Format format) {
        return format.encode(this);
    }

    /**
     * Where each term of the configuration is in attr.config: a mask per term (several bits for
     * the periods). A mask of 0 means the term is unknown to the recording perf, and reads as off.
     */
    public record Format(long pt, long cyc, long pwrEvt, long fupOnPtw, long mtc, long tsc, long noretcomp, long ptw,
            long branch, long event, long noTnt, long mtcPeriod, long cycThresh, long psbPeriod) {

        /**
         * The kernel's {@code PMU_FORMAT_ATTR}s for intel_pt: pt config:0, cyc 1, pwr_evt 4,
         * fup_on_ptw 5, mtc 9, tsc 10, noretcomp 11, ptw 12, branch 13, mtc_period 14-17,
         * cyc_thresh 19-22, psb_period 24-27, event 31, notnt 55 (arch/x86/events/intel/pt.c).
         */
        public static final Format KERNEL = new Format(1L, 1L << 1, 1L << 4, 1L << 5, 1L << 9, 1L << 10, 1L << 11,
                1L << 12, 1L << 13, 1L << 31, 1L << 55, 0xfL << 14, 0xfL << 19, 0xfL << 24);

        /**
         * The format of a recording: tsc, noretcomp, mtc, mtc_period and cyc from its AUXTRACE_INFO
         * (0 when its generation predates them or the PMU lacked them: the term is then off, as
         * perf reads it), the other terms from {@link #KERNEL}.
         */
        public static Format of(IntelPtInfo info) {
            return new Format(KERNEL.pt, info.cycBit(), KERNEL.pwrEvt, KERNEL.fupOnPtw, info.mtcBit(), info.tscBit(),
                    info.noretcompBit(), KERNEL.ptw, KERNEL.branch, KERNEL.event, KERNEL.noTnt, info.mtcFreqBits(),
                    KERNEL.cycThresh, KERNEL.psbPeriod);
        }

        private long all() {
            return pt | cyc | pwrEvt | fupOnPtw | mtc | tsc | noretcomp | ptw | branch | event | noTnt | mtcPeriod
                    | cycThresh | psbPeriod;
        }

        PtConfig decode(long c) {
            return new PtConfig(on(c, pt), on(c, cyc), on(c, pwrEvt), on(c, fupOnPtw), on(c, mtc), on(c, tsc),
                    on(c, noretcomp), on(c, ptw), on(c, branch), on(c, event), on(c, noTnt), field(c, mtcPeriod),
                    field(c, cycThresh), field(c, psbPeriod), c & ~all());
        }

        long encode(PtConfig p) {
            long c = p.otherBits & ~all();
            c |= set(p.pt, pt) | set(p.cyc, cyc) | set(p.pwrEvt, pwrEvt) | set(p.fupOnPtw, fupOnPtw) | set(p.mtc, mtc)
                    | set(p.tsc, tsc) | set(p.noRetComp, noretcomp) | set(p.ptw, ptw) | set(p.branch, branch)
                    | set(p.event, event) | set(p.noTnt, noTnt);
            c |= put(p.mtcPeriod, mtcPeriod, "mtc_period") | put(p.cycThresh, cycThresh, "cyc_thresh")
                    | put(p.psbPeriod, psbPeriod, "psb_period");
            return c;
        }

        private static boolean on(long c, long mask) {
            return mask != 0 && (c & mask) != 0;
        }

        /** A several-bit term: its bits shifted down, as perf's {@code intel_pt_mtc_period} does. */
        private static int field(long c, long mask) {
            return mask == 0 ? 0 : (int) ((c & mask) >>> Long.numberOfTrailingZeros(mask));
        }

        private static long set(boolean on, long mask) {
            if (on && mask == 0) {
                throw new IllegalArgumentException("a term is on that this format has no bit for");
            }
            return on ? mask : 0;
        }

        private static long put(int v, long mask, String name) {
            if (v == 0) {
                return 0;
            }
            long shifted = (long) v << Long.numberOfTrailingZeros(mask);
            if (mask == 0 || (shifted & ~mask) != 0) {
                throw new IllegalArgumentException(name + " " + v + " does not fit the format's bits");
            }
            return shifted;
        }
    }
}
