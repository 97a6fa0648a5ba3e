package dev.textpoke.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ByteCursorTest {
    private static final byte[] DATA = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    @Test
    void readsInTheGivenOrder() throws Exception {
        ByteCursor le = ByteCursor.of(DATA, ByteOrder.LITTLE_ENDIAN, "t", 100);
        assertEquals(0x0201, le.u16("a"));
        assertEquals(0x06050403L, le.u32("b"));
        ByteCursor be = ByteCursor.of(DATA, ByteOrder.BIG_ENDIAN, "t", 100);
        assertEquals(0x0102, be.u16("a"));
        assertEquals(0x030405060708090aL, be.u64("b"));
        assertEquals(110, be.offset());
    }

    @Test
    void shortReadNamesTheAbsoluteOffset() throws Exception {
        ByteCursor c = ByteCursor.of(DATA, ByteOrder.LITTLE_ENDIAN, "f", 1000);
        c.skip(8, "head");
        InputFormatException e = assertThrows(InputFormatException.class, () -> c.u64("tail"));
        assertEquals(1008, e.offset());
        assertEquals("f", e.source());
    }

    @Test
    void hostileCountIsRefusedBeforeAllocation() {
        byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 0, 0, 0, 0};
        ByteCursor c = ByteCursor.of(huge, ByteOrder.LITTLE_ENDIAN, "f", 0);
        InputFormatException e = assertThrows(InputFormatException.class, () -> c.count32(8, "nr"));
        assertEquals(0, e.offset());
    }

    @Test
    void negativeLengthIsRefused() {
        ByteCursor c = ByteCursor.of(DATA, ByteOrder.LITTLE_ENDIAN, "f", 0);
        assertThrows(InputFormatException.class, () -> c.bytes(-1, "x"));
    }

    @Test
    void sliceIsBoundedAndKeepsAbsoluteOffsets() throws Exception {
        ByteCursor c = ByteCursor.of(DATA, ByteOrder.LITTLE_ENDIAN, "f", 50);
        c.skip(2, "pad");
        ByteCursor s = c.slice(4, "body");
        assertEquals(52, s.offset());
        assertEquals(0x0403, s.u16("x"));
        s.u16("y");
        InputFormatException e = assertThrows(InputFormatException.class, () -> s.u8("z"));
        assertEquals(56, e.offset());
        assertEquals(56, c.offset());
    }

    @Test
    void stringsStopAtTheirTerminator() throws Exception {
        byte[] d = {'a', 'b', 0, 0, 'c', 'd'};
        ByteCursor c = ByteCursor.of(d, ByteOrder.LITTLE_ENDIAN, "f", 0);
        assertEquals("ab", c.fixedString(4, "s"));
        assertEquals("cd", c.cString("t"));
        assertEquals(0, c.remaining());
    }
}
