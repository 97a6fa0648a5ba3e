package dev.textpoke.pt.perf;

/**
 * What a core:bus ratio (CBR packet) means in a recording, as perf computes it for its {@code cbr}
 * events ({@code intel_pt_synth_cbr_sample}, {@code perf_sample__fprintf_synth_cbr}): the TSC
 * frequency (from the time conversion) divided by the max non-turbo ratio (AUXTRACE_INFO) is the
 * bus clock, in kHz per ratio step; the percentage is of the non-turbo frequency.
 *
 * @param khzPerRatio  kHz per ratio step (0 when not known)
 * @param maxNonTurbo  the max non-turbo ratio (0 when not known)
 */
public record CbrScale(long khzPerRatio, int maxNonTurbo) {
    public static final CbrScale UNKNOWN = new CbrScale(0, 0);

    /** The scale of a recording: perf's {@code tsc_freq / max_non_turbo_ratio / 1000}. */
    public static CbrScale of(TscConversion tsc, long maxNonTurbo) {
        if (maxNonTurbo <= 0 || maxNonTurbo > 255 || tsc.timeMult() == 0) {
            return UNKNOWN;
        }
        long ticksPerSecond = tsc.toTsc(tsc.timeZero() + 1_000_000_000L); // perf's intel_pt_ns_to_ticks
        return new CbrScale(ticksPerSecond / maxNonTurbo / 1000, (int) maxNonTurbo);
    }

    /** The core frequency in MHz at {@code ratio}, rounded as perf rounds it. */
    public long mhz(int ratio) {
        return (ratio * khzPerRatio + 500) / 1000;
    }

    /** {@code ratio} as a percentage of the non-turbo frequency, rounded as perf does; -1 when not known. */
    public int percent(int ratio) {
        return maxNonTurbo == 0 ? -1 : (int) ((5 + 1000L * ratio / maxNonTurbo) / 10);
    }
}
