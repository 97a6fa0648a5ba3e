package dev.textpoke.sim.exec;

/**
 * CPU {@code cpu} runs at core ratio {@code coreRatio} (CBR: core clock = ratio × 100 MHz) from
 * {@code tsc} on: the P-state change after which Intel PT emits a CBR packet.
 */
public record FrequencyChange(int cpu, long tsc, int coreRatio) {
    public FrequencyChange {
        if (coreRatio < 1 || coreRatio > 255) {
            throw new IllegalArgumentException("core ratio must be 1..255: " + coreRatio);
        }
    }
}
