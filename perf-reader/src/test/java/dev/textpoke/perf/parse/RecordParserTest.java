package dev.textpoke.perf.parse;

import static dev.textpoke.perf.attr.SampleFormat.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.ByteWindow;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.event.EventSet;
import dev.textpoke.perf.record.CpuMapData;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.testing.Enc;
import dev.textpoke.perf.testing.PerfFileBuilder;
import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordParserTest {
    private static final long TRAILER = TID | TIME | CPU | IDENTIFIER;

    private static List<PerfRecord> parseAll(ByteOrder o, long sampleType, boolean sampleIdAll, byte[]... recs)
            throws Exception {
        EventSet events = new EventSet();
        byte[] a = PerfFileBuilder.attr(o, 136, 0, 0, sampleType, sampleIdAll ? 1L << 18 : 0);
        events.add(EventAttr.read(ByteCursor.of(a, o, "t", 0)), List.of(7L), "ev");
        Enc all = new Enc(o);
        for (byte[] r : recs) {
            all.bytes(r);
        }
        RecordParser p = new RecordParser(events);
        List<PerfRecord> out = new ArrayList<>();
        try (RecordReader r = new RecordReader("t", ByteWindow.stream(Channels.newChannel(
                new ByteArrayInputStream(all.toArray()))), o, 0, Long.MAX_VALUE)) {
            while (r.next()) {
                out.add(p.parse(r.current()));
            }
        }
        return out;
    }

    private static Enc trailer(Enc e, int pid, long time) {
        return e.u32(pid).u32(pid + 1).u64(time).u32(2).u32(0).u64(7);
    }

    @Test
    void stringRecordsEndWhereTheTrailerBeginsInBothOrders() throws Exception {
        for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            byte[] comm = Enc.record(o, 3, 1 << 13, trailer(new Enc(o).u32(5).u32(6).cstring("bash", 8), 5, 1000).toArray());
            byte[] mmap = Enc.record(o, 1, 2, trailer(new Enc(o).u32(5).u32(5).u64(0x400000).u64(0x1000).u64(0)
                    .cstring("/bin/true", 8), 5, 1001).toArray());
            List<PerfRecord> rs = parseAll(o, TRAILER, true, comm, mmap);
            PerfRecord.Comm c = assertInstanceOf(PerfRecord.Comm.class, rs.get(0));
            assertEquals("bash", c.comm().text());
            assertEquals(8, c.comm().field().length());
            assertEquals(true, c.exec());
            assertEquals(1000, c.sampleId().time());
            assertEquals(6, c.sampleId().tid());
            assertEquals(2, c.sampleId().cpu());
            assertEquals(7, c.sampleId().identifier());
            PerfRecord.Mmap m = assertInstanceOf(PerfRecord.Mmap.class, rs.get(1));
            assertEquals("/bin/true", m.filename().text());
            assertEquals(0x400000, m.addr());
            assertEquals(1001, m.sampleId().time());
        }
    }

    @Test
    void textPokeKeepsOldThenNewBytesAndItsPadding() throws Exception {
        for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            Enc body = new Enc(o).u64(0xffffffff81000000L).u16(5).u16(5)
                    .bytes(new byte[] {0x0f, 0x1f, 0x44, 0, 0}).bytes(new byte[] {(byte) 0xe9, 1, 2, 3, 4})
                    .zeros(2);
            byte[] tp = Enc.record(o, 20, 1, trailer(body, 0, 2000).toArray());
            PerfRecord.TextPoke t = assertInstanceOf(PerfRecord.TextPoke.class, parseAll(o, TRAILER, true, tp).get(0));
            assertEquals(0xffffffff81000000L, t.addr());
            assertEquals("0f1f440000", t.oldBytes().hex());
            assertEquals("e901020304", t.newBytes().hex());
            assertEquals("0000", t.tail().hex());
            assertEquals(2000, t.sampleId().time());
        }
    }

    @Test
    void withoutSampleIdAllThereIsNoTrailer() throws Exception {
        byte[] lost = Enc.record(ByteOrder.LITTLE_ENDIAN, 2, 0, Enc.le().u64(7).u64(3).toArray());
        PerfRecord.Lost l = assertInstanceOf(PerfRecord.Lost.class, parseAll(ByteOrder.LITTLE_ENDIAN, TRAILER, false, lost).get(0));
        assertEquals(3, l.lost());
        assertNull(l.sampleId());
    }

    @Test
    void recordTooShortForItsTrailerIsBadRecordAtTheRecord() {
        byte[] sw = Enc.record(ByteOrder.LITTLE_ENDIAN, 14, 0, new byte[8]);
        PerfFormatException e = assertThrows(PerfFormatException.class,
                () -> parseAll(ByteOrder.LITTLE_ENDIAN, TRAILER, true, sw));
        assertEquals(Kind.BAD_RECORD, e.kind());
        assertEquals(8, e.offset());
    }

    @Test
    void userRecordsDecodeTheirLayouts() throws Exception {
        ByteOrder o = ByteOrder.BIG_ENDIAN;
        byte[] idIndex = Enc.record(o, 69, 0, new Enc(o).u64(1).u64(7).u64(0).u64(3).u64(99).u64(0).u64(1).toArray());
        byte[] cpus = Enc.record(o, 74, 0, new Enc(o).u16(0).u16(2).u16(1).u16(3).toArray());
        byte[] mask = Enc.record(o, 74, 0, new Enc(o).u16(1).u16(1).u16(8).zeros(4).u64(0b1011).toArray());
        byte[] range = Enc.record(o, 74, 0, new Enc(o).u16(2).u8(0).u8(0).u16(2).u16(5).toArray());
        byte[] timeConv = Enc.record(o, 79, 0, new Enc(o).u64(10).u64(20).u64(30).toArray());
        List<PerfRecord> rs = parseAll(o, TRAILER, true, idIndex, cpus, mask, range, timeConv);
        PerfRecord.IdIndex ii = assertInstanceOf(PerfRecord.IdIndex.class, rs.get(0));
        assertEquals(3, ii.entries().get(0).cpu());
        assertEquals(99, ii.entries().get(0).tid());
        assertEquals(1, ii.entries().get(0).vcpu());
        assertEquals(List.of(1, 3), ((PerfRecord.CpuMap) rs.get(1)).data().cpus());
        assertEquals(List.of(0, 1, 3), ((PerfRecord.CpuMap) rs.get(2)).data().cpus());
        assertInstanceOf(CpuMapData.Range.class, ((PerfRecord.CpuMap) rs.get(3)).data());
        assertEquals(List.of(2, 3, 4, 5), ((PerfRecord.CpuMap) rs.get(3)).data().cpus());
        PerfRecord.TimeConv tc = assertInstanceOf(PerfRecord.TimeConv.class, rs.get(4));
        assertEquals(false, tc.hasCycles());
        assertEquals(30, tc.timeZero());
    }

    @Test
    void unknownTypesAreKeptAsBytes() throws Exception {
        byte[] u = Enc.record(ByteOrder.LITTLE_ENDIAN, 200, 3, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        PerfRecord.Unknown k = assertInstanceOf(PerfRecord.Unknown.class, parseAll(ByteOrder.LITTLE_ENDIAN, TRAILER, true, u).get(0));
        assertEquals(200, k.header().type());
        assertEquals("0102030405060708", k.body().hex());
    }
}
