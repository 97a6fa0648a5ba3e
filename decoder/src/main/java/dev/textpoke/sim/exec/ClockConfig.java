package dev.textpoke.sim.exec;

/**
 * The simulated clocks. The TSC ticks at {@code maxNonTurboRatio} × 100 MHz on every CPU and starts
 * at {@code startTsc} (the TSCs are synchronised, as on current x86 parts); a core clock ticks at
 * its CBR × 100 MHz, so a CPU that runs {@code c} core cycles at core ratio {@code r} advances its
 * TSC by {@code c × maxNonTurboRatio / r} (Intel SDM Vol. 3C, "Frequency Ratio (CBR)" and the TSC
 * packet; perf's {@code intel_pt_calc_cyc_timestamp} uses the same ratio).
 *
 * @param maxNonTurboRatio TSC ratio (MSR_PLATFORM_INFO[15:8]); perf's AUXTRACE_INFO carries it
 * @param startTsc         the TSC when the simulation starts
 */
public record ClockConfig(int maxNonTurboRatio, long startTsc) {
    public ClockConfig {
        if (maxNonTurboRatio < 1 || maxNonTurboRatio > 255) {
            throw new IllegalArgumentException("max non-turbo ratio must be 1..255: " + maxNonTurboRatio);
        }
        if (startTsc < 0) {
            throw new IllegalArgumentException("start TSC must not be negative");
        }
    }

    /** A 2.4 GHz TSC (ratio 24) starting at 2^32: a Skylake-class server part some seconds after boot. */
    public static ClockConfig defaults() {
        return new ClockConfig(24, 1L << 32);
    }

    /** TSC ticks per second. */
    public long tscHz() {
        return maxNonTurboRatio * 100_000_000L;
    }
}
