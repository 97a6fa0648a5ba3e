package dev.textpoke.patcher;

import java.util.List;

/**
 * What a cost measurement found (struct tp_cost_result): per method and number of spinning
 * threads, the latency of one call.
 *
 * @param unavailableReason why some method could not be measured, or null
 */
public record CostResult(Arch arch, boolean emulated, int cpusUsed, long membarrierQuery,
        List<Point> points, String unavailableReason) {

    /**
     * One method at one number of spinning threads; not available: stats are empty.
     * {@code spinnerCpuShare}: how much of the time the spinners were on a CPU (0..1), since
     * membarrier only interrupts CPUs that are running a thread of the process.
     */
    public record Point(CostMethod method, int threads, boolean available, LatencyStats stats,
            double spinnerCpuShare) {}
}
