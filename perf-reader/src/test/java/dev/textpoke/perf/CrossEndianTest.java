package dev.textpoke.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.testing.ByteSwapper;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No big-endian perf.data exists among the external traces (quipper has 32-bit producers, not
 * big-endian ones), so every little-endian one is rewritten as a big-endian machine would have
 * written it ({@link ByteSwapper}, an independent field-by-field transformation) and must read to
 * the same events, features and records, in the same order.
 */
class CrossEndianTest {
    private static final Path TRACES = Path.of(System.getProperty("textpoke.shared", "../../shared"), "external-traces");

    @TempDir
    Path tmp;

    static Stream<String> littleEndianTraces() throws Exception {
        List<String> out = new ArrayList<>();
        try (var s = Files.walk(TRACES)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String rel = TRACES.relativize(p).toString();
                if (rel.startsWith("_debian") || rel.matches(".*\\.(zlib|txt|md|gz|pb_text|buildids|foldedstack)$")) {
                    continue;
                }
                if (readsCleanly(p)) {
                    out.add(rel);
                }
            }
        }
        assertTrue(out.size() > 60, "external traces found: " + out.size());
        return out.stream();
    }

    private static boolean readsCleanly(Path p) {
        try (PerfData d = PerfData.open(p); RecordReader r = d.records()) {
            while (r.next()) {
                // read all
            }
            return d.order() == ByteOrder.LITTLE_ENDIAN && d.format() != PerfData.Format.DIRECTORY;
        } catch (Exception e) {
            return false;
        }
    }

    /** Payload offsets move when the file is laid out again; everything else must be equal. */
    private static PerfRecord normalized(PerfRecord r) {
        if (r instanceof PerfRecord.Auxtrace a) {
            return new PerfRecord.Auxtrace(a.header(), a.size(), a.offset(), a.reference(), a.idx(), a.tid(), a.cpu(),
                    a.reserved(), 0, a.tail());
        }
        if (r instanceof PerfRecord.HeaderTracingData t) {
            return new PerfRecord.HeaderTracingData(t.header(), t.size(), t.inline(), 0);
        }
        return r;
    }

    private static boolean compared(int type) {
        // Compressed bytes and HEADER_FEATURE payloads are bytes in the writer's order; their content
        // is compared as the records decompressed from them and as parsed features.
        return RecordType.of(type) != null && type != RecordType.COMPRESSED.id() && type != RecordType.COMPRESSED2.id()
                && type != RecordType.HEADER_FEATURE.id();
    }

    @ParameterizedTest
    @MethodSource("littleEndianTraces")
    void bigEndianRewriteReadsToTheSameRecords(String file) throws Exception {
        Path le = TRACES.resolve(file);
        Path be = tmp.resolve("be.data");
        Files.write(be, ByteSwapper.toBigEndian(Files.readAllBytes(le)));
        try (PerfData a = PerfData.open(le); PerfData b = PerfData.open(be)) {
            assertEquals(ByteOrder.BIG_ENDIAN, b.order());
            assertEquals(a.format(), b.format());
            RecordParser pa = new RecordParser(a.events());
            RecordParser pb = new RecordParser(b.events());
            List<PerfRecord> ra = new ArrayList<>();
            List<PerfRecord> rb = new ArrayList<>();
            try (RecordReader x = a.records(); RecordReader y = b.records()) {
                while (x.next()) {
                    if (compared(x.current().type())) {
                        ra.add(normalized(pa.parse(x.current())));
                    }
                }
                while (y.next()) {
                    if (compared(y.current().type())) {
                        rb.add(normalized(pb.parse(y.current())));
                    }
                }
            }
            assertEquals(ra.size(), rb.size(), "records");
            for (int i = 0; i < ra.size(); i++) {
                assertEquals(ra.get(i), rb.get(i), "record " + i);
            }
            assertEquals(a.events().size(), b.events().size());
            for (int i = 0; i < a.events().size(); i++) {
                Event ea = a.events().get(i);
                Event eb = b.events().get(i);
                assertEquals(ea.attr(), eb.attr(), "attr " + i);
                assertEquals(ea.ids(), eb.ids());
                assertEquals(ea.name(), eb.name());
                assertEquals(ea.layout(), eb.layout());
            }
            if (a.format() == PerfData.Format.FILE && !a.features().ids().contains(FeatureId.HOSTNAME.id())) {
                // perf's rule for byte-swapped bitmaps needs HOSTNAME to tell 64- from 32-bit words;
                // without it only BUILD_ID is assumed (simpleperf writes no HOSTNAME).
                assertTrue(b.header().orElseThrow().featureBitmapFallback());
                assertEquals(List.of(FeatureId.BUILD_ID.id()), b.features().ids());
            } else {
                assertTrue(a.features().ids().containsAll(b.features().ids()));
                assertTrue(b.features().ids().contains(FeatureId.HOSTNAME.id()) || a.format() == PerfData.Format.PIPE);
                for (int id : b.features().ids()) {
                    assertEquals(a.features().get(id), b.features().get(id), "feature " + id);
                }
            }
            assertEquals(times(le), times(be), "ordered records");
            assertFalse(ra.isEmpty());
        }
    }

    private static List<Long> times(Path f) throws Exception {
        List<Long> out = new ArrayList<>();
        try (PerfData d = PerfData.open(f); RecordSource r = d.ordered()) {
            while (r.next()) {
                var v = r.current();
                if (!compared(v.type())) {
                    continue;
                }
                out.add((long) v.type() << 48 ^ d.events().timeOf(v.buffer(), v.start(), v.type(), v.size()));
            }
        }
        return out;
    }
}
