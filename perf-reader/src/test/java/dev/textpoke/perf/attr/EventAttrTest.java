package dev.textpoke.perf.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.testing.Enc;
import dev.textpoke.perf.testing.PerfFileBuilder;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventAttrTest {
    @Test
    void emptyInputIsRefusedAtItsOffset() {
        InputFormatException e = assertThrows(InputFormatException.class,
                () -> EventAttr.read(ByteCursor.of(new byte[0], ByteOrder.LITTLE_ENDIAN, "x", 100)));
        assertEquals(100, e.offset());
    }

    @Test
    void sizeZeroMeansTheOriginal64ByteLayout() throws Exception {
        byte[] a = PerfFileBuilder.attr(ByteOrder.LITTLE_ENDIAN, 64, 1, 9, 0x7, 1L << 18);
        a[4] = 0;
        EventAttr attr = EventAttr.read(ByteCursor.of(a, ByteOrder.LITTLE_ENDIAN, "x", 0));
        assertEquals(0, attr.declaredSize());
        assertEquals(64, attr.size());
        assertEquals(0, attr.branchSampleType());
    }

    @Test
    void truncatedAttrIsRefusedBeforeAllocating() {
        byte[] a = PerfFileBuilder.attr(ByteOrder.LITTLE_ENDIAN, 136, 1, 0, 0, 0);
        byte[] cut = java.util.Arrays.copyOf(a, 100);
        assertThrows(InputFormatException.class,
                () -> EventAttr.read(ByteCursor.of(cut, ByteOrder.LITTLE_ENDIAN, "x", 0)));
    }

    @Test
    void misalignedSizeIsRefusedAtTheSizeField() {
        byte[] a = PerfFileBuilder.attr(ByteOrder.LITTLE_ENDIAN, 72, 1, 0, 0, 0);
        a[4] = 70;
        InputFormatException e = assertThrows(InputFormatException.class,
                () -> EventAttr.read(ByteCursor.of(a, ByteOrder.LITTLE_ENDIAN, "x", 1000)));
        assertEquals(1004, e.offset());
    }

    /** Every field at its UAPI offset, in both byte orders; flag bits per byte-reversed on big-endian. */
    @Test
    void readsEveryVer8FieldInBothOrders() throws Exception {
        for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            long flags = (1L << 0) | (1L << 18) | (3L << 15) | (1L << 33) | (1L << 37);
            Enc e = new Enc(o).u32(4).u32(144).u64(0x1234).u64(4000).u64(0x1c7).u64(0x1f)
                    .bytes(PerfFileBuilder.flagBytes(o, flags))
                    .u32(5).u32(6).u64(0xaaaa).u64(0xbbbb).u64(1L << 17).u64(0xff0fff).u32(8192).u32(-7)
                    .u64(0x3).u32(99).u16(127).u16(0).u32(4096).u32(2).u64(0xdead).u64(0xcccc)
                    .u64(0x1122334455667788L);
            byte[] b = e.toArray();
            EventAttr a = EventAttr.read(ByteCursor.of(b, o, "x", 0));
            assertEquals(4, a.type());
            assertEquals(0x1234, a.config());
            assertEquals(4000, a.samplePeriod());
            assertEquals(0x1c7, a.sampleType());
            assertEquals(0x1f, a.readFormat());
            assertEquals(flags, a.flags());
            assertEquals(1, a.flag(AttrFlag.DISABLED));
            assertEquals(3, a.flag(AttrFlag.PRECISE_IP));
            assertEquals(1, a.flag(AttrFlag.TEXT_POKE));
            assertEquals(1, a.flag(AttrFlag.SIGTRAP));
            assertEquals(0, a.flag(AttrFlag.INHERIT));
            assertEquals(5, a.wakeupEvents());
            assertEquals(6, a.bpType());
            assertEquals(0xaaaa, a.config1());
            assertEquals(0xbbbb, a.config2());
            assertEquals(1L << 17, a.branchSampleType());
            assertEquals(0xff0fff, a.sampleRegsUser());
            assertEquals(8192, a.sampleStackUser());
            assertEquals(-7, a.clockid());
            assertEquals(0x3, a.sampleRegsIntr());
            assertEquals(99, a.auxWatermark());
            assertEquals(127, a.sampleMaxStack());
            assertEquals(4096, a.auxSampleSize());
            assertEquals(2, a.auxAction());
            assertEquals(0xdead, a.sigData());
            assertEquals(0xcccc, a.config3());
            assertEquals(8, a.tail().length());
            assertEquals(o == ByteOrder.LITTLE_ENDIAN ? "8877665544332211" : "1122334455667788", a.tail().hex());
        }
    }

    /**
     * A big-endian compiler allocates bit-fields from the most significant bit and keeps each
     * field's value: precise_ip = 1 (2 bits at little-endian bits 15-16) is bit 47 of the stored u64.
     */
    @Test
    void bigEndianMultiBitFieldKeepsItsValue() throws Exception {
        byte[] a = new Enc(ByteOrder.BIG_ENDIAN).u32(0).u32(64).u64(0).u64(0).u64(0).u64(0)
                .u64((1L << 47) | (1L << 63)).zeros(16).toArray();
        EventAttr attr = EventAttr.read(ByteCursor.of(a, ByteOrder.BIG_ENDIAN, "x", 0));
        assertEquals(1, attr.flag(AttrFlag.PRECISE_IP));
        assertEquals(1, attr.flag(AttrFlag.DISABLED));
        assertEquals((1L << 15) | 1L, attr.flags());
    }
}
