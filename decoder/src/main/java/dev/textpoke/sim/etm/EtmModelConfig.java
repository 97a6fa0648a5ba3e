package dev.textpoke.sim.etm;

/**
 * How the waypoint-trace model emits timing and synchronisation, as CoreSight ETMv4's perf driver
 * configures it ({@code cs_etm/timestamp=N/}: a counter reloaded with {@code 2^(N-1)} that counts
 * cycles and requests a timestamp when it underflows, {@code etm4_config_timestamp_event} in
 * drivers/hwtracing/coresight/coresight-etm4x-core.c; TRCSYNCPR.PERIOD: an A-Sync every 4096
 * bytes by default, each followed by a timestamp).
 *
 * @param timestampCycles core cycles between timestamp requests; 0 for timestamps at syncs only
 * @param syncBytes       trace bytes between A-Syncs
 */
public record EtmModelConfig(long timestampCycles, int syncBytes) {
    public EtmModelConfig {
        if (timestampCycles < 0 || syncBytes < 64) {
            throw new IllegalArgumentException("bad waypoint trace configuration: timestamps every "
                    + timestampCycles + " cycles, syncs every " + syncBytes + " bytes");
        }
    }

    /** {@code cs_etm/timestamp=level/}: a timestamp every {@code 2^(level-1)} cycles (level 1 to 14; 15: syncs only). */
    public static EtmModelConfig timestampLevel(int level, int syncBytes) {
        if (level < 1 || level > 15) {
            throw new IllegalArgumentException("timestamp level 1..15: " + level);
        }
        return new EtmModelConfig(level == 15 ? 0 : 1L << (level - 1), syncBytes);
    }

    /** Level 10 (a timestamp every 512 cycles), syncs every 4096 bytes. */
    public static EtmModelConfig defaults() {
        return timestampLevel(10, 4096);
    }
}
