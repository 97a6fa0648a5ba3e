package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.oracle.ReadEverything.Delivered;
import dev.textpoke.perf.oracle.SeedFile.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real files cut at every record boundary and at several points inside every record and payload:
 * every record that lies wholly before the cut is delivered, in order, and then the reader stops
 * with {@code TRUNCATED} at the offset of the record it could not finish; a pipe stream cut
 * exactly between two records is a shorter valid stream. Cuts in the header or attr section fail
 * to open. The record positions come from the independent walk ({@link PerfWalk}).
 */
class TruncationTest {
    @TempDir
    Path tmp;

    static Stream<Path> seeds() {
        Path r = TraceFiles.traces().resolve("recorded");
        Path q = TraceFiles.externalTraces().resolve("perf_data_converter/src/quipper/testdata");
        return Stream.of(r.resolve("cpu-clock.data"), r.resolve("pipe.data"), r.resolve("compressed.data"),
                r.resolve("pipe-compressed.data"), r.resolve("cpu-clock.be.data"),
                r.resolve("tracepoints-pipe.data"), q.resolve("perf.data.intel_pt-4.14"),
                q.resolve("perf.data.piped.intel_pt-4.14"),
                TraceFiles.externalTraces().resolve("linux-perf-data/tests/fixtures/fibo.compressed2.pipe.data"));
    }

    /**
     * Cut points inside and around record {@code s}, its payload included: in the header, just
     * after it, in the middle and at the last byte; fewer for files with many records.
     */
    static TreeSet<Long> cutsIn(Span s, boolean many) {
        TreeSet<Long> cuts = new TreeSet<>();
        long[] ks = many ? new long[] {0, 4, s.size() / 2} : new long[] {0, 1, 4, 7, 8, s.size() / 2, s.size() - 1};
        for (long k : ks) {
            if (k < s.size()) {
                cuts.add(s.offset() + k);
            }
        }
        if (s.end() > s.offset() + s.size()) { // a payload: cut at its start, inside it, at its last byte
            cuts.add(s.offset() + s.size());
            cuts.add((s.offset() + s.size() + s.end()) / 2);
            cuts.add(s.end() - 1);
        }
        return cuts;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyRecordBoundaryAndInsideEveryRecord(Path path) throws Exception {
        SeedFile seed = SeedFile.of(path);
        Path cut = tmp.resolve("cut.data");
        int checked = 0;
        boolean many = seed.records().size() > 300;
        int pipeBoundariesWalked = 0;
        for (Span s : seed.records()) {
            for (long at : cutsIn(s, many)) {
                Files.write(cut, Arrays.copyOf(seed.bytes(), (int) at));
                ReadEverything.Outcome o = ReadEverything.read(cut);
                String where = seed.name() + " cut at " + at;
                List<Span> expected = wholeRecordsBefore(seed, at);
                assertEquals(spans(expected), outer(o.records()), where);
                assertInnerRecordsFollowTheirCompressedRecord(o.records(), where);
                // In perf's order and parsed, the same records are delivered before the same damage.
                assertEquals(o.records().size(), o.parsed(), where + ": ordered and parsed");
                assertEquals(o.failure() == null ? null : ((PerfFormatException) o.failure()).offset(),
                        o.parseFailure() == null ? null : ((PerfFormatException) o.parseFailure()).offset(), where);
                boolean pipeBoundary = seed.pipe() && at == s.offset();
                long lastCompressed = expected.stream().filter(Span::isCompressed).mapToLong(Span::offset).max().orElse(-1);
                if (pipeBoundary && lastCompressed >= 0 && o.failure() != null) {
                    // A shorter stream, unless a record decompressed from the compressed records
                    // is cut (records span compressed chunks): the walk must find that too.
                    PerfWalk walk = PerfWalk.of(cut);
                    assertTrue(walk.errorAt() != null && walk.errorAt().startsWith("z"), where + ": " + o.failure());
                    PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure(), where);
                    assertEquals(Kind.TRUNCATED, e.kind(), where);
                    assertEquals(lastCompressed, e.offset(), where);
                } else if (pipeBoundary) {
                    assertNull(o.failure(), where);
                    if (lastCompressed >= 0 && pipeBoundariesWalked++ % 8 == 0) { // the walk is slow
                        assertNull(PerfWalk.of(cut).errorAt(), where);
                    }
                } else {
                    PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure(), where);
                    assertEquals(Kind.TRUNCATED, e.kind(), where + ": " + e.getMessage());
                    // The record it could not finish: the one cut, or the one whose payload is cut;
                    // in file mode a cut between records leaves the data section short right there.
                    long expectedAt = at < s.offset() + s.size() ? s.offset()
                            : at == s.offset() ? at : s.offset();
                    assertEquals(expectedAt, e.offset(), where + ": " + e.getMessage());
                    assertEquals(cut.toString(), e.source(), where);
                }
                checked++;
            }
        }
        assertTrue(checked > 50, "only " + checked + " cuts");
    }

    /** The outer records that end before {@code cut}; a record whose payload is cut is delivered. */
    private static List<Span> wholeRecordsBefore(SeedFile seed, long cut) {
        List<Span> out = new ArrayList<>();
        for (Span s : seed.records()) {
            if (s.offset() + s.size() > cut) {
                break;
            }
            out.add(s);
            if (s.end() > cut) {
                break;
            }
        }
        return out;
    }

    private static List<List<Long>> spans(List<Span> spans) {
        return spans.stream().map(s -> List.of(s.offset(), (long) s.type(), (long) s.size())).toList();
    }

    private static List<List<Long>> outer(List<Delivered> records) {
        return records.stream().filter(r -> !r.inCompressed())
                .map(r -> List.of(r.offset(), (long) r.type(), (long) r.size())).toList();
    }

    /** Records decompressed from a COMPRESSED record come right after it and carry its offset. */
    private static void assertInnerRecordsFollowTheirCompressedRecord(List<Delivered> records, String where) {
        long lastCompressed = -1;
        for (Delivered d : records) {
            if (d.inCompressed()) {
                assertEquals(lastCompressed, d.offset(), where);
            } else if (d.type() == 81 || d.type() == 83) {
                lastCompressed = d.offset();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void cutsAfterACompressedRecordDeliverWhatTheIndependentWalkDecompresses(Path path) throws Exception {
        SeedFile seed = SeedFile.of(path);
        Path cut = tmp.resolve("cut.data");
        List<Span> compressed = seed.records().stream().filter(Span::isCompressed).toList();
        int step = Math.max(1, compressed.size() / 16); // the walk takes 50 ms a run
        for (int i = 0; i < compressed.size(); i += step) {
            Span s = compressed.get(i);
            Files.write(cut, Arrays.copyOf(seed.bytes(), (int) s.end()));
            ReadEverything.Outcome o = ReadEverything.read(cut);
            PerfWalk walk = PerfWalk.of(cut);
            long inner = o.records().stream().filter(Delivered::inCompressed).count();
            long walked = walk.records().stream().filter(PerfWalk.WalkedRecord::decompressed).count();
            assertEquals(walked, inner, seed.name() + " cut after the compressed record at " + s.offset());
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void cutsInTheHeaderOrAttrsFailToOpen(Path path) throws Exception {
        SeedFile seed = SeedFile.of(path);
        Path cut = tmp.resolve("cut.data");
        for (long at = 0; at < seed.dataOffset(); at++) {
            Files.write(cut, Arrays.copyOf(seed.bytes(), (int) at));
            ReadEverything.Outcome o = ReadEverything.read(cut);
            PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure(), "cut at " + at);
            assertTrue(e.offset() >= 0 && e.offset() <= at, "cut at " + at + ": " + e.getMessage());
            assertEquals(List.of(), o.records());
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void cutsInTheFeatureSectionsKeepEveryRecord(Path path) throws Exception {
        SeedFile seed = SeedFile.of(path);
        if (seed.pipe()) {
            return;
        }
        Path cut = tmp.resolve("cut.data");
        for (long at = seed.dataEnd(); at < seed.bytes().length; at += 7) {
            Files.write(cut, Arrays.copyOf(seed.bytes(), (int) at));
            ReadEverything.Outcome o = ReadEverything.read(cut);
            assertNull(o.failure(), "cut at " + at);
            assertEquals(spans(seed.records()), outer(o.records()), "cut at " + at);
            if (o.featureFailure() != null) {
                PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.featureFailure());
                assertTrue(e.offset() >= seed.dataEnd(), "cut at " + at + ": " + e.getMessage());
            }
        }
    }

    @Test
    void aDirectorysDataFileCutMidRecordNamesThatFile() throws Exception {
        Path dir = tmp.resolve("threads.data");
        Files.createDirectories(dir);
        Path src = TraceFiles.traces().resolve("recorded/threads.data");
        for (String member : new String[] {"data", "data.0", "data.1"}) {
            Files.copy(src.resolve(member), dir.resolve(member));
        }
        byte[] member0 = Files.readAllBytes(src.resolve("data.0"));
        List<PerfWalk.WalkedRecord> walked = PerfWalk.of(src).records().stream()
                .filter(r -> r.input().equals("data.0")).toList();
        for (PerfWalk.WalkedRecord r : walked) {
            long at = r.offset() + r.size() / 2;
            Files.write(dir.resolve("data.0"), Arrays.copyOf(member0, (int) at));
            ReadEverything.Outcome o = ReadEverything.read(dir);
            PerfFormatException e = assertInstanceOf(PerfFormatException.class, o.failure(), "cut at " + at);
            assertEquals(Kind.TRUNCATED, e.kind());
            assertEquals(r.offset(), e.offset());
            assertEquals(dir.resolve("data.0").toString(), e.source());
            long deliveredFrom0 = o.records().stream().filter(d -> d.input() == 1).count();
            assertEquals(walked.indexOf(r), deliveredFrom0, "cut at " + at);
        }
    }
}
