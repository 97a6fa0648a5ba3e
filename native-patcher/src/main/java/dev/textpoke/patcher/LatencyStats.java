package dev.textpoke.patcher;

/** A distribution of latencies in nanoseconds (struct tp_stat); count 0: nothing measured. */
public record LatencyStats(long count, long min, long median, long p90, long p99, long max, long mean) {}
