package dev.textpoke.io;

/**
 * The ASCII digits of numbers, written into byte arrays: the one place the text builders of
 * {@code samples} (decoder's {@code TextBytes}) and of tracepoint fields ({@code TraceText}) take
 * them from, so that a line is made without Strings.
 */
public final class AsciiDigits {
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    /** "00".."99": two digits per division. */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private AsciiDigits() {}

    /** Room for any long's decimal digits. */
    public static final int MAX_DECIMAL = 20;

    /**
     * The decimal digits of {@code x >= 0} at the end of {@code digits} (at least {@link
     * #MAX_DECIMAL} long); returns how many.
     */
    public static int decimal(long x, byte[] digits) {
        int at = digits.length;
        while (x >= 100) {
            long q = x / 100;
            int r = (int) (x - q * 100);
            digits[--at] = PAIRS[2 * r + 1];
            digits[--at] = PAIRS[2 * r];
            x = q;
        }
        if (x >= 10) {
            digits[--at] = PAIRS[2 * (int) x + 1];
            digits[--at] = PAIRS[2 * (int) x];
        } else {
            digits[--at] = (byte) ('0' + x);
        }
        return digits.length - at;
    }

    /** How many lower-case hex digits {@code v} has (1 for 0). */
    public static int hexLength(long v) {
        return Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
    }

    /** Writes {@code v}'s {@code count} low hex digits at {@code dst[at]}; returns the end. */
    public static int hex(long v, int count, byte[] dst, int at) {
        for (int shift = (count - 1) * 4; shift >= 0; shift -= 4) {
            dst[at++] = HEX[(int) (v >>> shift) & 0xf];
        }
        return at;
    }
}
