package dev.textpoke.patcher;

import java.util.List;

/**
 * What one cost measurement does (struct tp_cost_config).
 *
 * @param arch where to run it (not the host's: emulated)
 * @param threads numbers of other threads spinning on other CPUs, one measurement point each
 * @param calls timed calls per method and point
 * @param cpus CPUs to use as a bit mask; 0: the affinity mask
 * @param denyMembarrier null, or {@code ERRNO[:CMD]} (see {@link RaceSpec})
 * @param realtimePriority 0, or the SCHED_RR priority (1..99) of the measuring thread and the
 *     spinners, so that other load on a shared machine cannot deschedule the spinners
 */
public record CostSpec(Arch arch, List<Integer> threads, int calls, long cpus, String denyMembarrier,
        int realtimePriority) {
    public static final int DEFAULT_CALLS = 20_000;
    static final int MAX_POINTS = 16;

    public CostSpec {
        threads = List.copyOf(threads);
        if (threads.isEmpty() || threads.size() > MAX_POINTS) {
            throw new IllegalArgumentException("1 to " + MAX_POINTS + " thread counts, not "
                    + threads.size());
        }
    }
}
