package dev.textpoke.perf.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.testing.Enc;
import dev.textpoke.perf.testing.PerfFileBuilder;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileHeaderTest {
    private static final String SRC = "test.data";

    @Test
    void emptyInputIsTruncatedAtZero() {
        PerfFormatException e = assertThrows(PerfFormatException.class, () -> FileHeader.parse(new byte[0], SRC));
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals(0, e.offset());
    }

    @Test
    void wrongMagicIsBadMagicAtZero() {
        byte[] b = "NOTPERF!".getBytes(StandardCharsets.US_ASCII);
        PerfFormatException e = assertThrows(PerfFormatException.class, () -> FileHeader.parse(b, SRC));
        assertEquals(Kind.BAD_MAGIC, e.kind());
        assertEquals(0, e.offset());
    }

    @Test
    void headerCutAfterTheMagicIsTruncatedWhereItEnds() {
        byte[] full = new PerfFileBuilder(ByteOrder.LITTLE_ENDIAN).build();
        PerfFormatException e = assertThrows(PerfFormatException.class,
                () -> FileHeader.parse(Arrays.copyOf(full, 40), SRC));
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals(40, e.offset());
    }

    @Test
    void readsBothByteOrdersToTheSameValues() throws Exception {
        for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            byte[] f = new PerfFileBuilder(o)
                    .attr(PerfFileBuilder.attr(o, 128, 1, 0, 0x107, 1L << 18), 7, 8)
                    .record(Enc.record(o, 68, 0, new byte[0]))
                    .feature(3, new Enc(o).u32(8).cstring("host", 8).toArray())
                    .build();
            FileHeader h = FileHeader.parse(Arrays.copyOf(f, 104), SRC);
            assertEquals(o, h.order());
            assertEquals(Magic.PERFILE2, h.magic());
            assertEquals(144, h.attrSize());
            assertEquals(List.of(3), h.features());
            assertEquals(8, h.data().size());
            assertFalse(h.featureBitmapFallback());
        }
    }

    @Test
    void oldHeaderWithoutFeatureBitmapHasNoFeatures() throws Exception {
        byte[] f = new PerfFileBuilder(ByteOrder.LITTLE_ENDIAN).feature(3, new byte[8]).build();
        byte[] old = Arrays.copyOf(f, 72);
        old[8] = 72;
        FileHeader h = FileHeader.parse(old, SRC);
        assertEquals(72, h.headerSize());
        assertTrue(h.features().isEmpty());
    }

    @Test
    void impossibleHeaderSizeIsBadSize() {
        byte[] f = new PerfFileBuilder(ByteOrder.LITTLE_ENDIAN).build();
        f[8] = 80;
        PerfFormatException e = assertThrows(PerfFormatException.class, () -> FileHeader.parse(f, SRC));
        assertEquals(Kind.BAD_SIZE, e.kind());
        assertEquals(8, e.offset());
    }

    @Test
    void legacyMagicTakesItsOrderFromAttrSize() throws Exception {
        for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            byte[] f = new PerfFileBuilder(o).attr(PerfFileBuilder.attr(o, 80, 0, 0, 0, 0)).build();
            System.arraycopy("PERFFILE".getBytes(StandardCharsets.US_ASCII), 0, f, 0, 8);
            FileHeader h = FileHeader.parse(Arrays.copyOf(f, 104), SRC);
            assertEquals(Magic.PERFFILE, h.magic());
            assertEquals(o, h.order());
            assertEquals(96, h.attrSize());
        }
    }

    @Test
    void legacyMagicWithUnknownAttrSizeIsBadSize() {
        byte[] f = new PerfFileBuilder(ByteOrder.LITTLE_ENDIAN).attr(PerfFileBuilder.attr(ByteOrder.LITTLE_ENDIAN, 80, 0, 0, 0, 0))
                .attrEntrySize(100).build();
        System.arraycopy("PERFFILE".getBytes(StandardCharsets.US_ASCII), 0, f, 0, 8);
        PerfFormatException e = assertThrows(PerfFormatException.class, () -> FileHeader.parse(f, SRC));
        assertEquals(Kind.BAD_SIZE, e.kind());
        assertEquals(16, e.offset());
    }

    /**
     * perf's quirk for byte-swapped files: the bitmap was written as unsigned longs, 64- or 32-bit
     * wide; HOSTNAME (bit 3) tells which, and without it only BUILD_ID is assumed.
     */
    @Test
    void swappedFeatureBitmapIsReadAs64Then32BitWordsThenFallsBack() throws Exception {
        byte[] f = new PerfFileBuilder(ByteOrder.BIG_ENDIAN).build();
        // 64-bit big-endian words: bits 3 (HOSTNAME) and 40.
        byte[] w64 = new Enc(ByteOrder.BIG_ENDIAN).u64((1L << 3) | (1L << 40)).u64(0).u64(0).u64(0).toArray();
        System.arraycopy(w64, 0, f, 72, 32);
        assertEquals(List.of(3, 40), FileHeader.parse(f, SRC).features());
        // 32-bit big-endian words from a 32-bit writer: word 0 has bits 3 and 5, word 1 has bit 40-32.
        byte[] w32 = new Enc(ByteOrder.BIG_ENDIAN).u32((1 << 3) | (1 << 5)).u32(1 << 8).zeros(24).toArray();
        System.arraycopy(w32, 0, f, 72, 32);
        assertEquals(List.of(3, 5, 40), FileHeader.parse(f, SRC).features());
        // Neither reading has HOSTNAME: BUILD_ID only.
        byte[] none = new Enc(ByteOrder.BIG_ENDIAN).u64(1L << 7).zeros(24).toArray();
        System.arraycopy(none, 0, f, 72, 32);
        FileHeader h = FileHeader.parse(f, SRC);
        assertEquals(List.of(2), h.features());
        assertTrue(h.featureBitmapFallback());
    }

    @Test
    void zeroAttrSizeIsBadSize() {
        byte[] f = new PerfFileBuilder(ByteOrder.LITTLE_ENDIAN).build();
        Arrays.fill(f, 16, 24, (byte) 0);
        PerfFormatException e = assertThrows(PerfFormatException.class, () -> FileHeader.parse(f, SRC));
        assertEquals(Kind.BAD_SIZE, e.kind());
        assertEquals(16, e.offset());
    }
}
