package dev.textpoke.cli;

/** perf time (ns) as perf script prints it with --ns: seconds.nanoseconds. */
final class PerfTime {
    private PerfTime() {}

    static String format(long ns) {
        return Long.toUnsignedString(Long.divideUnsigned(ns, 1_000_000_000L)) + "."
                + String.format("%09d", Long.remainderUnsigned(ns, 1_000_000_000L));
    }
}
