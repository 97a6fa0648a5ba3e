package dev.textpoke.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.testing.Enc;
import dev.textpoke.perf.testing.PerfFileBuilder;
import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerfDataTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] b) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    private static byte[] twoEventFile(ByteOrder o) {
        long st = SampleFormat.IP | SampleFormat.TID | SampleFormat.TIME | SampleFormat.IDENTIFIER;
        return new PerfFileBuilder(o)
                .attr(PerfFileBuilder.attr(o, 136, 0, 0, st, 1L << 18), 11, 12)
                .attr(PerfFileBuilder.attr(o, 136, 1, 9, st, 1L << 18), 21)
                .record(Enc.record(o, 9, 1, new Enc(o).u64(21).u64(0xffffffff81000000L).u32(5).u32(6).u64(1000).toArray()))
                .record(Enc.record(o, 68, 0, new byte[0]))
                .feature(FeatureId.HOSTNAME.id(), new Enc(o).u32(8).cstring("box", 8).toArray())
                .feature(FeatureId.NRCPUS.id(), new Enc(o).u32(8).u32(4).toArray())
                .build();
    }

    @Test
    void opensAFileInEitherByteOrderToTheSameEventsFeaturesAndRecords() throws Exception {
        for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            try (PerfData d = PerfData.open(write("f" + o, twoEventFile(o)))) {
                assertEquals(PerfData.Format.FILE, d.format());
                assertEquals(o, d.order());
                assertEquals(2, d.events().size());
                assertEquals(List.of(11L, 12L), d.events().get(0).ids());
                assertEquals(9, d.events().get(1).attr().config());
                assertTrue(d.events().get(1).attr().sampleIdAll());
                assertEquals("box", d.features().string(FeatureId.HOSTNAME).orElseThrow());
                List<Integer> types = new ArrayList<>();
                try (RecordReader r = d.records()) {
                    while (r.next()) {
                        types.add(r.current().type());
                        if (r.current().type() == 9) {
                            var v = r.current();
                            assertEquals(1, d.events().eventOf(v.buffer(), v.start(), v.type(), v.size()).index());
                            assertEquals(1000, d.events().get(1).layout().time(v.buffer(), v.start(), v.type(), v.size()));
                        }
                    }
                }
                assertEquals(List.of(9, 68), types);
            }
        }
    }

    /**
     * A file-mode perf.data given as a stream (cat FILE | textpoke info -) is refused at its header
     * size field as a format the stream cannot have, not reported as a header cut short: the
     * stream goes on past the header.
     */
    @Test
    void aFileModePerfDataOnAStreamIsRefusedAtItsHeaderSize() throws Exception {
        byte[] file = Files.readAllBytes(dev.textpoke.perf.oracle.TraceFiles.traces().resolve("recorded/cpu-clock.data"));
        assertEquals(104, java.nio.ByteBuffer.wrap(file, 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
        PerfFormatException e = assertThrows(PerfFormatException.class,
                () -> PerfData.openStream(new ByteArrayInputStream(file), "(stdin)"));
        assertEquals(Kind.BAD_SIZE, e.kind());
        assertEquals(8, e.offset());
    }

    @Test
    void readsPipeModeFromAStreamWithEventsFromHeaderAttr() throws Exception {
        ByteOrder o = ByteOrder.LITTLE_ENDIAN;
        byte[] attr = PerfFileBuilder.attr(o, 128, 0, 0, SampleFormat.IP | SampleFormat.TIME, 1L << 18);
        byte[] stream = new Enc(o).bytes("PERFILE2".getBytes()).u64(16)
                .bytes(Enc.record(o, 64, 0, new Enc(o).bytes(attr).u64(77).toArray()))
                .bytes(Enc.record(o, 80, 0, new Enc(o).u64(FeatureId.HOSTNAME.id()).u32(8).cstring("pipe", 8).toArray()))
                .bytes(Enc.record(o, 9, 0, new Enc(o).u64(0x400000).u64(42).toArray()))
                .toArray();
        try (PerfData d = PerfData.openStream(new ByteArrayInputStream(stream), "(stdin)")) {
            assertEquals(PerfData.Format.PIPE, d.format());
            try (RecordReader r = d.records()) {
                List<Integer> types = new ArrayList<>();
                while (r.next()) {
                    types.add(r.current().type());
                }
                assertEquals(List.of(64, 80, 9), types);
                assertEquals(16, r.count() == 3 ? 16 : -1);
            }
            assertEquals(1, d.events().size());
            assertEquals(List.of(77L), d.events().get(0).ids());
            assertEquals("pipe", d.features().string(FeatureId.HOSTNAME).orElseThrow());
            assertThrows(IllegalStateException.class, d::records);
        }
    }

    @Test
    void aPipeStreamSavedToAFileIsReadAsPipe() throws Exception {
        byte[] stream = new Enc(ByteOrder.BIG_ENDIAN).bytes(new byte[] {'2', 'E', 'L', 'I', 'F', 'R', 'E', 'P'}).u64(16)
                .bytes(Enc.record(ByteOrder.BIG_ENDIAN, 68, 0, new byte[0])).toArray();
        try (PerfData d = PerfData.open(write("pipe.data", stream))) {
            assertEquals(PerfData.Format.PIPE, d.format());
            assertEquals(ByteOrder.BIG_ENDIAN, d.order());
            try (RecordReader r = d.records()) {
                assertTrue(r.next());
                assertEquals(68, r.current().type());
                assertEquals(16, r.current().offset());
            }
        }
    }

    @Test
    void fileCutInsideTheDataSectionReportsWhereItEnds() throws Exception {
        byte[] f = twoEventFile(ByteOrder.LITTLE_ENDIAN);
        // The data section starts after header, ids and attrs: 104 + 24 + 2 * 152.
        int dataAt = 104 + 24 + 2 * 152;
        Path p = write("cut.data", Arrays.copyOf(f, dataAt + 10));
        try (PerfData d = PerfData.open(p); RecordReader r = d.records()) {
            PerfFormatException e = assertThrows(PerfFormatException.class, r::next);
            assertEquals(Kind.TRUNCATED, e.kind());
            assertEquals(dataAt, e.offset());
        }
    }

    @Test
    void attrSectionOutsideTheFileIsBadSize() throws Exception {
        byte[] f = twoEventFile(ByteOrder.LITTLE_ENDIAN);
        f[32] = (byte) 0xff;
        f[33] = (byte) 0xff;
        f[34] = (byte) 0xff;
        PerfFormatException e = assertThrows(PerfFormatException.class, () -> PerfData.open(write("bad.data", f)));
        assertEquals(Kind.BAD_SIZE, e.kind());
    }
}
