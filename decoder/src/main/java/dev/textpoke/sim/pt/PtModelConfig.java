package dev.textpoke.sim.pt;

import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.exec.CplFilter;
import java.util.List;
import java.util.Objects;

/**
 * What the Intel PT model emits: the intel_pt event's configuration ({@link PtConfig}: tsc, mtc,
 * mtc_period, cyc, cyc_thresh, noretcomp, psb_period, branch), the privilege levels traced
 * ({@code intel_pt//k}, {@code //u}, {@code //}), the TSC:crystal ratio of CPUID.15H, and the
 * model's own knobs. The max non-turbo ratio is the machine's ({@link dev.textpoke.sim.exec.ClockConfig}).
 * Together these are the fields of perf's AUXTRACE_INFO.
 *
 * @param tscCtcRatioN     CPUID.15H:EBX (TSC ticks per {@code tscCtcRatioD} crystal ticks)
 * @param tscCtcRatioD     CPUID.15H:EAX
 * @param psbBytes         bytes between PSBs; 0 for the PSB period's {@code 2^(11 + psbPeriod)}
 * @param returnStackDepth entries of the RET-compression call stack (the oldest drops out)
 * @param longTnt          emit TNT-64 packets of up to 47 outcomes (later parts), else TNT-8 only (Skylake)
 * @param ipChoice         how IPs are compressed
 * @param seed             seeds {@link IpChoice#RANDOM}
 * @param overflows        internal buffer overflows to inject
 */
public record PtModelConfig(PtConfig pt, CplFilter filter, long tscCtcRatioN, long tscCtcRatioD, int psbBytes,
        int returnStackDepth, boolean longTnt, IpChoice ipChoice, long seed, List<Overflow> overflows) {
    public PtModelConfig {
        Objects.requireNonNull(pt, "pt");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(ipChoice, "ipChoice");
        overflows = List.copyOf(overflows);
        new CrystalClock(tscCtcRatioN, tscCtcRatioD);
        if (psbBytes < 0 || returnStackDepth < 1) {
            throw new IllegalArgumentException("bad PT model knobs: psbBytes " + psbBytes + ", stack " + returnStackDepth);
        }
    }

    /**
     * perf's default ({@code tsc,mtc,mtc_period=3,psb_period=3,branch}) traced as {@code filter},
     * a Skylake's 24 MHz crystal under a 2.4 GHz TSC (200/2), a 64-entry return stack, short TNT
     * only, the smallest IP compressions.
     */
    public static PtModelConfig defaults(CplFilter filter) {
        return new PtModelConfig(PtConfig.PERF_DEFAULT, filter, 200, 2, 0, 64, false, IpChoice.SMALLEST, 0, List.of());
    }

    /** The bytes after which a PSB+ is due. */
    public int psbPeriodBytes() {
        return psbBytes > 0 ? psbBytes : 1 << (11 + pt.psbPeriod());
    }

    /** The cycles that must pass before a CYC: 0 means every cycle (CycThresh 0), else 2^(CycThresh − 1). */
    public long cycThreshold() {
        return pt.cycThresh() == 0 ? 1 : 1L << (pt.cycThresh() - 1);
    }

    public CrystalClock crystal() {
        return new CrystalClock(tscCtcRatioN, tscCtcRatioD);
    }

    public PtModelConfig withPt(PtConfig c) {
        return new PtModelConfig(c, filter, tscCtcRatioN, tscCtcRatioD, psbBytes, returnStackDepth, longTnt, ipChoice,
                seed, overflows);
    }

    public PtModelConfig withFilter(CplFilter f) {
        return new PtModelConfig(pt, f, tscCtcRatioN, tscCtcRatioD, psbBytes, returnStackDepth, longTnt, ipChoice,
                seed, overflows);
    }

    public PtModelConfig withIpChoice(IpChoice c, long s) {
        return new PtModelConfig(pt, filter, tscCtcRatioN, tscCtcRatioD, psbBytes, returnStackDepth, longTnt, c, s,
                overflows);
    }

    public PtModelConfig withPsbBytes(int bytes) {
        return new PtModelConfig(pt, filter, tscCtcRatioN, tscCtcRatioD, bytes, returnStackDepth, longTnt, ipChoice,
                seed, overflows);
    }

    public PtModelConfig withLongTnt(boolean on) {
        return new PtModelConfig(pt, filter, tscCtcRatioN, tscCtcRatioD, psbBytes, returnStackDepth, on, ipChoice,
                seed, overflows);
    }

    public PtModelConfig withOverflows(List<Overflow> list) {
        return new PtModelConfig(pt, filter, tscCtcRatioN, tscCtcRatioD, psbBytes, returnStackDepth, longTnt, ipChoice,
                seed, list);
    }

    public PtModelConfig withCrystal(long n, long d) {
        return new PtModelConfig(pt, filter, n, d, psbBytes, returnStackDepth, longTnt, ipChoice, seed, overflows);
    }
}
