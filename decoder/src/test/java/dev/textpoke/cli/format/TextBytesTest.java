package dev.textpoke.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Numbers written as bytes are what C's printf (here Java's String.format) writes for the same conversion. */
class TextBytesTest {
    private static List<Long> values() {
        List<Long> v = new ArrayList<>(List.of(0L, 1L, 9L, 10L, 11L, 99L, 100L, 101L, 999L, 1000L, 4294967295L,
                999_999_999L, 1_000_000_000L, Long.MAX_VALUE, Long.MAX_VALUE - 1, -1L, -9L, -10L, -99L, -100L,
                Long.MIN_VALUE, Long.MIN_VALUE + 1));
        long x = 1;
        for (int i = 0; i < 19; i++) {
            v.add(x - 1);
            v.add(x);
            v.add(x + 1);
            v.add(-x);
            x *= 10;
        }
        return v;
    }

    @Test
    void decimalsAreRightAlignedAsPercentD() {
        TextBytes t = new TextBytes();
        for (long v : values()) {
            for (int width : new int[] {0, 1, 5, 10, 25}) {
                t.reset();
                t.decimal(v, width);
                assertEquals(String.format("%" + (width == 0 ? "" : width) + "d", v), t.toString(), v + " " + width);
            }
        }
    }

    @Test
    void zeroPaddedNumbersAreAsPercentZeroD() {
        TextBytes t = new TextBytes();
        for (long v : values()) {
            if (v < 0) {
                continue; // the formatter writes the sign itself
            }
            for (int width : new int[] {0, 2, 3, 9, 21}) {
                t.reset();
                t.zeroPadded(v, width);
                assertEquals(width == 0 ? Long.toString(v) : String.format("%0" + width + "d", v), t.toString());
            }
        }
    }

    @Test
    void unsignedNumbersAreAsPercentLu() {
        TextBytes t = new TextBytes();
        for (long v : values()) {
            t.reset();
            t.unsigned(v, 10);
            assertEquals(String.format("%10s", Long.toUnsignedString(v)), t.toString());
        }
    }
}
