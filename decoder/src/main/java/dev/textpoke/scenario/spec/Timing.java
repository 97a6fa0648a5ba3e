package dev.textpoke.scenario.spec;

/**
 * How finely the traces are timed, and how unevenly the CPUs run. Intel PT: {@code tsc} always, MTC
 * on or off with its period (perf's {@code mtc_period}: an MTC every {@code 2^period} crystal
 * ticks), CYC with its threshold, the PSB period, return compression. The waypoint trace:
 * a timestamp every {@code 2^(level-1)} cycles (perf's {@code cs_etm/timestamp=level/}; 15: at syncs
 * only) and an A-Sync every {@code etmSyncBytes}. {@code jitter}: up to that many extra cycles per
 * instruction, seeded.
 */
public record Timing(boolean mtc, int mtcPeriod, boolean cyc, int cycThresh, int psbPeriod, boolean returnCompression,
        int etmTimestampLevel, int etmSyncBytes, int jitter) {

    /** perf's default Intel PT timing ({@code tsc,mtc,mtc_period=3,psb_period=3}), ETM timestamps every 512 cycles. */
    public static Timing defaults() {
        return new Timing(true, 3, false, 0, 3, true, 10, 4096, 3);
    }
}
