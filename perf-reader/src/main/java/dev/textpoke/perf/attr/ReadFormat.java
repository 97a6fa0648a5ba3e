package dev.textpoke.perf.attr;

/** {@code enum perf_event_read_format}: the layout of READ values in samples and READ records. */
public final class ReadFormat {
    public static final long TOTAL_TIME_ENABLED = 1L << 0;
    public static final long TOTAL_TIME_RUNNING = 1L << 1;
    public static final long ID = 1L << 2;
    public static final long GROUP = 1L << 3;
    public static final long LOST = 1L << 4;

    private static final String[] NAMES = {"TOTAL_TIME_ENABLED", "TOTAL_TIME_RUNNING", "ID", "GROUP", "LOST"};

    private ReadFormat() {}

    public static String names(long readFormat) {
        return BitNames.join(readFormat, NAMES);
    }
}
