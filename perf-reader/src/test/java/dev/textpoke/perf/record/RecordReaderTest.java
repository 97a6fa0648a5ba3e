package dev.textpoke.perf.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.textpoke.io.ByteWindow;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.testing.Enc;
import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordReaderTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** A reader over {@code data} as a stream starting at absolute offset {@code base}. */
    private static RecordReader reader(byte[] data, long base, long end) {
        return new RecordReader("t", ByteWindow.stream(Channels.newChannel(new ByteArrayInputStream(data))),
                LE, base, end);
    }

    private static List<String> walk(RecordReader r) throws Exception {
        List<String> out = new ArrayList<>();
        while (r.next()) {
            RecordView v = r.current();
            out.add(v.type() + "@" + v.offset() + (v.inCompressed() ? "z" + v.decompressedOffset() : "") + "/" + v.size());
        }
        return out;
    }

    private static byte[] cat(byte[]... parts) {
        Enc e = Enc.le();
        for (byte[] p : parts) {
            e.bytes(p);
        }
        return e.toArray();
    }

    private static byte[] comm(int pid) {
        return Enc.record(LE, 3, 0, Enc.le().u32(pid).u32(pid).cstring("proc", 8).toArray());
    }

    @Test
    void emptyInputHasNoRecords() throws Exception {
        assertEquals(List.of(), walk(reader(new byte[0], 0, Long.MAX_VALUE)));
    }

    @Test
    void walksRecordsWithTheirAbsoluteOffsets() throws Exception {
        byte[] d = cat(comm(1), Enc.record(LE, 68, 0, new byte[0]), comm(2));
        assertEquals(List.of("3@500/24", "68@524/8", "3@532/24"), walk(reader(d, 500, Long.MAX_VALUE)));
    }

    @Test
    void recordCutInTheMiddleIsTruncatedAtItsStartAfterTheGoodOnes() throws Exception {
        byte[] d = cat(comm(1), comm(2));
        RecordReader r = reader(Arrays.copyOf(d, 24 + 10), 0, Long.MAX_VALUE);
        assertTrue(r.next());
        PerfFormatException e = assertThrows(PerfFormatException.class, r::next);
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals(24, e.offset());
        assertFalse(r.next());
    }

    @Test
    void headerCutIsTruncated() throws Exception {
        byte[] d = cat(comm(1), comm(2));
        RecordReader r = reader(Arrays.copyOf(d, 24 + 5), 0, Long.MAX_VALUE);
        assertTrue(r.next());
        assertEquals(Kind.TRUNCATED, assertThrows(PerfFormatException.class, r::next).kind());
    }

    @Test
    void textAfterTheRecordsIsNamedAsText() throws Exception {
        // perf record -o - > f 2>&1: its closing messages follow the last record
        byte[] tail = ("[ perf record: Woken up 1 times to write data ]\n"
                + "[ perf record: Captured and wrote 0.030 MB - ]\n").getBytes(StandardCharsets.US_ASCII);
        RecordReader r = reader(cat(comm(1), tail), 0, Long.MAX_VALUE);
        assertTrue(r.next());
        PerfFormatException e = assertThrows(PerfFormatException.class, r::next);
        assertEquals(Kind.BAD_RECORD, e.kind());
        assertEquals(24, e.offset());
        assertEquals("text where a record should start: \"[ perf record: Woken up 1 times to write data ]\" (perf"
                + " record's messages written into its output, as by 2>&1?)", e.problem());
    }

    @Test
    void aHeaderWithOneUnprintableByteIsNotText() throws Exception {
        byte[] d = cat(comm(1), "abcd\0efg".getBytes(StandardCharsets.US_ASCII));
        RecordReader r = reader(d, 0, Long.MAX_VALUE);
        assertTrue(r.next());
        PerfFormatException e = assertThrows(PerfFormatException.class, r::next);
        assertFalse(e.problem().startsWith("text"), e.problem());
    }

    @Test
    void sizeBelowTheHeaderIsBadSize() throws Exception {
        byte[] d = cat(comm(1), new Enc(LE).u32(9).u16(0).u16(4).toArray());
        RecordReader r = reader(d, 0, Long.MAX_VALUE);
        assertTrue(r.next());
        PerfFormatException e = assertThrows(PerfFormatException.class, r::next);
        assertEquals(Kind.BAD_SIZE, e.kind());
        assertEquals(24, e.offset());
    }

    @Test
    void recordRunningPastTheDataSectionIsTruncated() throws Exception {
        byte[] d = cat(comm(1), comm(2));
        RecordReader r = reader(d, 0, 30);
        assertTrue(r.next());
        PerfFormatException e = assertThrows(PerfFormatException.class, r::next);
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals(24, e.offset());
    }

    @Test
    void auxtracePayloadAfterTheRecordIsSkippedOrRead() throws Exception {
        byte[] aux = Enc.record(LE, 71, 0, Enc.le().u64(5).u64(0).u64(0).u32(0).u32(0).u32(0).u32(0).toArray());
        byte[] d = cat(aux, new byte[] {1, 2, 3, 4, 5}, comm(1));
        assertEquals(List.of("71@0/48", "3@53/24"), walk(reader(d, 0, Long.MAX_VALUE)));
        RecordReader r = reader(d, 0, Long.MAX_VALUE);
        assertTrue(r.next());
        assertEquals(5, r.current().payloadSize());
        assertEquals(48, r.current().payloadOffset());
        assertEquals("0102030405", r.readPayload(100).hex());
        assertTrue(r.next());
        assertEquals(53, r.current().offset());
    }

    @Test
    void auxtracePayloadCutShortIsTruncatedAtItsRecord() throws Exception {
        byte[] aux = Enc.record(LE, 71, 0, Enc.le().u64(50).u64(0).u64(0).u32(0).u32(0).u32(0).u32(0).toArray());
        RecordReader r = reader(cat(comm(1), aux, new byte[10]), 0, Long.MAX_VALUE);
        assertTrue(r.next());
        assertTrue(r.next());
        PerfFormatException e = assertThrows(PerfFormatException.class, r::next);
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals(24, e.offset());
    }

    /** Records decompressed from COMPRESSED follow it, may span two compressed records, share one stream. */
    @Test
    void compressedRecordsYieldTheirContentAcrossChunkBoundaries() throws Exception {
        byte[] inner = cat(comm(1), comm(2), comm(3));
        byte[] z1 = Zstd.compress(Arrays.copyOf(inner, 30));
        byte[] z2 = Zstd.compress(Arrays.copyOfRange(inner, 30, inner.length));
        byte[] c1 = Enc.record(LE, 81, 0, z1);
        byte[] c2 = Enc.record(LE, 83, 0, Enc.le().u64(z2.length).bytes(z2).align(8).toArray());
        byte[] d = cat(c1, c2, comm(9));
        int c2At = c1.length;
        int tailAt = c1.length + c2.length;
        assertEquals(List.of(
                "81@0/" + c1.length, "3@0z0/24",
                "83@" + c2At + "/" + c2.length, "3@" + c2At + "z24/24", "3@" + c2At + "z48/24",
                "3@" + tailAt + "/24"), walk(reader(d, 0, Long.MAX_VALUE)));
    }

    @Test
    void compressed2DataSizeBeyondItsRecordIsBadSize() throws Exception {
        byte[] c2 = Enc.record(LE, 83, 0, Enc.le().u64(1000).zeros(16).toArray());
        PerfFormatException e = assertThrows(PerfFormatException.class, () -> walk(reader(cat(comm(1), c2), 0, Long.MAX_VALUE)));
        assertEquals(Kind.BAD_SIZE, e.kind());
        assertEquals(24, e.offset());
    }

    @Test
    void corruptZstdIsDecompressionErrorAtTheCompressedRecord() throws Exception {
        byte[] c = Enc.record(LE, 81, 0, new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 9, 9, 9, 9, 9, 9, 9, 9});
        RecordReader r = reader(cat(comm(1), c), 0, Long.MAX_VALUE);
        assertTrue(r.next());
        assertTrue(r.next());
        PerfFormatException e = assertThrows(PerfFormatException.class, r::next);
        assertEquals(Kind.DECOMPRESSION, e.kind());
        assertEquals(24, e.offset());
    }

    @Test
    void decompressedStreamEndingInsideARecordIsTruncatedAtTheLastCompressedRecord() throws Exception {
        byte[] z = Zstd.compress(Arrays.copyOf(comm(1), 20));
        byte[] c = Enc.record(LE, 81, 0, z);
        RecordReader r = reader(cat(comm(2), c), 0, Long.MAX_VALUE);
        assertTrue(r.next());
        assertTrue(r.next());
        PerfFormatException e = assertThrows(PerfFormatException.class, r::next);
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals(24, e.offset());
    }

    @Test
    void tracingDataPayloadFollowsAPerfRecordButNotASimpleperfOne() throws Exception {
        byte[] perf = Enc.record(LE, 66, 0, Enc.le().u32(16).u32(0).toArray());
        assertEquals(List.of("66@0/16", "3@32/24"), walk(reader(cat(perf, new byte[16], comm(1)), 0, Long.MAX_VALUE)));
        byte[] simpleperf = Enc.record(LE, 66, 0, Enc.le().u32(12).zeros(12).toArray());
        assertEquals(List.of("66@0/24", "3@24/24"), walk(reader(cat(simpleperf, comm(1)), 0, Long.MAX_VALUE)));
    }
}
