package dev.textpoke.sim.pt;

/**
 * An internal buffer overflow injected on CPU {@code cpu}: from the first instruction boundary at
 * or after {@code tsc}, packets are lost for {@code ticks} TSC ticks; then an OVF comes, followed by
 * a FUP with the IP where tracing resumes when the CPU is in traced code (else the next TIP.PGE):
 * SDM Vol. 3C, "Overflow" in the compound packet table.
 */
public record Overflow(int cpu, long tsc, long ticks) {
    public Overflow {
        if (ticks < 1) {
            throw new IllegalArgumentException("an overflow lasts at least a tick");
        }
    }
}
