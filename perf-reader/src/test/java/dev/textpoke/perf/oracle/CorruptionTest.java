package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.oracle.SeedFile.Span;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real files with one field made impossible: a record size below its header or beyond the data,
 * a COMPRESSED2 data size beyond its record, an AUXTRACE payload beyond the input, a damaged zstd
 * stream, a wrong magic. The reader delivers every record before the damage, then stops with
 * {@link PerfFormatException} of the right kind at the damaged record's offset.
 */
class CorruptionTest {
    @TempDir
    Path tmp;

    static Stream<Path> seeds() {
        Path r = TraceFiles.traces().resolve("recorded");
        return Stream.of(r.resolve("cpu-clock.data"), r.resolve("pipe.data"), r.resolve("cpu-clock.be.data"),
                r.resolve("compressed.data"));
    }

    private ReadEverything.Outcome readWith(SeedFile seed, byte[] bytes) throws Exception {
        Path p = tmp.resolve(seed.name());
        Files.write(p, bytes);
        return ReadEverything.read(p);
    }

    private static long outerBefore(ReadEverything.Outcome o) {
        return o.records().stream().filter(d -> !d.inCompressed()).count();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aRecordSizeBelowItsHeaderIsBadSizeThere(Path path) throws Exception {
        SeedFile seed = SeedFile.of(path);
        for (int i = 0; i < seed.records().size(); i++) {
            Span s = seed.records().get(i);
            for (int size : new int[] {0, 1, 7}) {
                byte[] b = seed.bytes().clone();
                ByteBuffer.wrap(b).order(seed.order()).putShort((int) s.offset() + 6, (short) size);
                ReadEverything.Outcome o = readWith(seed, b);
                String where = seed.name() + ": record " + i + " at " + s.offset() + " with size " + size;
                PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure(), where);
                assertEquals(Kind.BAD_SIZE, e.kind(), where + ": " + e.getMessage());
                assertEquals(s.offset(), e.offset(), where);
                assertEquals(i, outerBefore(o), where);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aRecordRunningPastTheDataIsTruncatedThere(Path path) throws Exception {
        SeedFile seed = SeedFile.of(path);
        List<Span> records = seed.records();
        // The last records: a size of 0xffff takes them past the end of the data.
        for (int i = Math.max(0, records.size() - 20); i < records.size(); i++) {
            Span s = records.get(i);
            if (s.offset() + 0xffff <= seed.dataEnd() || s.isCompressed()) {
                continue;
            }
            byte[] b = seed.bytes().clone();
            ByteBuffer.wrap(b).order(seed.order()).putShort((int) s.offset() + 6, (short) 0xffff);
            ReadEverything.Outcome o = readWith(seed, b);
            String where = seed.name() + ": record " + i + " at " + s.offset() + " with size 0xffff";
            PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure(), where);
            assertEquals(Kind.TRUNCATED, e.kind(), where + ": " + e.getMessage());
            assertEquals(s.offset(), e.offset(), where);
            assertEquals(i, outerBefore(o), where);
        }
    }

    @Test
    void aDamagedZstdStreamFailsAtItsCompressedRecord() throws Exception {
        SeedFile seed = SeedFile.of(TraceFiles.traces().resolve("recorded/compressed.data"));
        for (Span s : seed.records()) {
            if (!s.isCompressed()) {
                continue;
            }
            byte[] b = seed.bytes().clone();
            for (int k = 8; k < s.size(); k += 3) { // garbage over the whole payload
                b[(int) s.offset() + k] ^= 0x5a;
            }
            ReadEverything.Outcome o = readWith(seed, b);
            PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure(), "at " + s.offset());
            assertEquals(s.offset(), e.offset(), e.getMessage());
            assertTrue(e.kind() == Kind.DECOMPRESSION || e.kind() == Kind.BAD_SIZE || e.kind() == Kind.TRUNCATED,
                    e.kind() + ": " + e.getMessage());
        }
    }

    @Test
    void aCompressed2DataSizeBeyondItsRecordIsBadSize() throws Exception {
        SeedFile seed = SeedFile.of(TraceFiles.externalTraces().resolve("linux-perf-data/tests/fixtures/sleep.compressed2.data"));
        Span c = seed.records().stream().filter(s -> s.type() == 83).findFirst().orElseThrow();
        byte[] b = seed.bytes().clone();
        ByteBuffer.wrap(b).order(seed.order()).putLong((int) c.offset() + 8, c.size() - 15);
        ReadEverything.Outcome o = readWith(seed, b);
        PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure());
        assertEquals(Kind.BAD_SIZE, e.kind(), e.getMessage());
        assertEquals(c.offset(), e.offset());
        assertEquals(seed.records().indexOf(c), outerBefore(o));
    }

    @Test
    void anAuxtracePayloadBeyondTheInputIsTruncatedAtItsRecord() throws Exception {
        for (String name : new String[] {"perf.data.intel_pt-4.14", "perf.data.piped.intel_pt-4.14"}) {
            SeedFile seed = SeedFile.of(TraceFiles.externalTraces().resolve("perf_data_converter/src/quipper/testdata/" + name));
            Span aux = seed.records().stream().filter(s -> s.type() == 71).findFirst().orElseThrow();
            for (long size : new long[] {seed.bytes().length, Long.MAX_VALUE, -8}) {
                byte[] b = seed.bytes().clone();
                ByteBuffer.wrap(b).order(seed.order()).putLong((int) aux.offset() + 8, size);
                ReadEverything.Outcome o = readWith(seed, b);
                PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure(), name + " " + size);
                assertEquals(Kind.TRUNCATED, e.kind(), e.getMessage());
                assertEquals(aux.offset(), e.offset(), e.getMessage());
                assertEquals(seed.records().indexOf(aux) + 1, outerBefore(o), "the AUXTRACE record itself is read");
            }
        }
    }

    @Test
    void wrongMagicIsBadMagicAtByteZero() throws Exception {
        byte[] good = Files.readAllBytes(TraceFiles.traces().resolve("recorded/cpu-clock.data"));
        List<byte[]> magics = List.of("PERFILE3".getBytes(StandardCharsets.US_ASCII),
                new byte[8], "\u007fELF\u0002\u0001\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1),
                "perfile2".getBytes(StandardCharsets.US_ASCII));
        for (byte[] magic : magics) {
            byte[] b = good.clone();
            System.arraycopy(magic, 0, b, 0, 8);
            Path p = tmp.resolve("magic.data");
            Files.write(p, b);
            ReadEverything.Outcome o = ReadEverything.read(p);
            PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure(), new String(magic, StandardCharsets.ISO_8859_1));
            assertEquals(Kind.BAD_MAGIC, e.kind(), e.getMessage());
            assertEquals(0, e.offset());
        }
        // simpleperf's own negative fixture
        ReadEverything.Outcome o = ReadEverything.read(
                TraceFiles.externalTraces().resolve("platform_system_extras/simpleperf/testdata/invalid_perf.data"));
        PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure());
        assertEquals(Kind.BAD_MAGIC, e.kind(), e.getMessage());
    }

    @Test
    void anEmptyFileFailsAtByteZero() throws Exception {
        Path p = tmp.resolve("empty.data");
        Files.write(p, new byte[0]);
        PerfFormatException e = assertInstanceOf(PerfFormatException.class, ReadEverything.read(p).failure());
        assertEquals(0, e.offset(), e.getMessage());
    }
}
