package dev.textpoke.sim.lbr;

/**
 * A branch-stack sample as the simulated PMU took it: CPU, TSC, ip, the hardware index of the
 * newest entry, and the entries newest first, each with what the ground truth needs to find the
 * code that ran between them.
 *
 * @param from        per entry, its source: the branch instruction, or for an asynchronous branch
 *                    the instruction the simulator names (the next one for an interrupt, the
 *                    faulting one, the {@code int3})
 * @param to          per entry, its target
 * @param cycles      per entry, core cycles since the entry before it (16 bits, saturated)
 * @param tsc         per entry, when the branch began
 * @param fromIndex   per entry, the CPU's instruction index of the branch instruction, or -1 for an
 *                    asynchronous branch (its source did not execute)
 * @param nextIndex   per entry, the index of the first instruction the CPU executed after it
 * @param hwIdx       the hardware ring's index of the newest entry, or -1
 */
public record LbrSample(int cpu, long tsc, long ip, boolean user, long hwIdx, long[] from, long[] to,
        int[] cycles, long[] tsc0, long[] fromIndex, long[] nextIndex) {

    public int size() {
        return from.length;
    }

    /** When entry {@code i} began. */
    public long entryTsc(int i) {
        return tsc0[i];
    }
}
