package dev.textpoke.cli.format;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** perf time (ns) as perf script prints it: seconds.nanoseconds with --ns, seconds.microseconds without. */
public final class PerfTime {
    /** Raw nanoseconds, or seconds and up to nine digits of fraction; perf script's trailing colon allowed. */
    private static final Pattern TEXT = Pattern.compile("(\\d{1,20})(?:\\.(\\d{1,9}))?:?");

    private PerfTime() {}

    public static String format(long ns) {
        return Long.toUnsignedString(Long.divideUnsigned(ns, 1_000_000_000L)) + "."
                + String.format("%09d", Long.remainderUnsigned(ns, 1_000_000_000L));
    }

    /**
     * {@code 12345.678901} (perf script), {@code 12345.678901234} (with --ns) or {@code
     * 12345678901234} (ns), as ns.
     *
     * @throws NumberFormatException when it is none of these or does not fit 64 bits
     */
    public static long parse(String s) {
        Matcher m = TEXT.matcher(s.strip());
        if (!m.matches()) {
            throw new NumberFormatException("not a perf time: " + s);
        }
        if (m.group(2) == null) {
            return Long.parseUnsignedLong(m.group(1));
        }
        long seconds = Long.parseUnsignedLong(m.group(1));
        long frac = Long.parseLong((m.group(2) + "00000000").substring(0, 9));
        if (Long.compareUnsigned(seconds, Long.divideUnsigned(-1L - frac, 1_000_000_000L)) > 0) {
            throw new NumberFormatException("perf time out of range: " + s);
        }
        return seconds * 1_000_000_000L + frac;
    }
}
