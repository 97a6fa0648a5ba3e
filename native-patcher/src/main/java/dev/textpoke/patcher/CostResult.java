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

    /** One method at one number of spinning threads; not available: stats are empty. */
    public record Point(CostMethod method, int threads, boolean available, LatencyStats stats) {}
}
