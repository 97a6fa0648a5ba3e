package dev.textpoke.perf.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.file.FileAttr;
import dev.textpoke.perf.oracle.PerfReportDump;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read, write, read again: for every recording in {@code traces/recorded/} and every external
 * perf.data perf 6.1 reads, the written file (same mode, same byte order) has the same attrs,
 * features and records, byte for byte, and {@code perf report -D} lists the same records with the
 * same fields for it as for the original (file offsets aside: the layout may differ).
 */
class PerfWriterRoundTripTest {
    @TempDir
    static Path tmp;

    static Stream<Path> inputs() {
        List<Path> all = new ArrayList<>();
        for (Path p : TraceFiles.recordings()) {
            if (Files.isRegularFile(p)) {
                all.add(p);
            }
        }
        for (TraceFiles.External e : TraceFiles.externals()) {
            if (e.verdict() == TraceFiles.PerfVerdict.READS && Files.isRegularFile(e.path())) {
                all.add(e.path());
            }
        }
        return all.stream();
    }

    @TestFactory
    Stream<DynamicTest> writtenFilesEqualTheirOriginals() {
        return inputs().map(p -> DynamicTest.dynamicTest(TraceFiles.root().relativize(p.toAbsolutePath().normalize()).toString()
                .replace("../shared/", ""), () -> roundTrip(p)));
    }

    private static void roundTrip(Path original) throws Exception {
        Path copy = Files.createTempFile(tmp, "copy", ".data");
        try (PerfData in = PerfData.open(original)) {
            if (in.format() == PerfData.Format.PIPE) {
                try (OutputStream os = Files.newOutputStream(copy);
                        PerfWriter w = PerfWriter.pipe(os, in.order())) {
                    PerfCopy.copy(in, w);
                }
            } else {
                try (PerfWriter w = PerfWriter.file(copy, in.order())) {
                    PerfCopy.copy(in, w);
                }
            }
        }
        try (PerfData a = PerfData.open(original); PerfData b = PerfData.open(copy)) {
            assertEquals(a.format(), b.format());
            assertEquals(a.order(), b.order());
            assertEquals(attrs(a), attrs(b));
            assertEquals(a.features().ids(), b.features().ids());
            for (int id : a.features().ids()) {
                assertEquals(a.features().raw(id), b.features().raw(id), "feature " + id);
            }
            assertEquals(records(a), records(b));
        }
        PerfTool perf = PerfTool.in(tmp);
        assertEquals(withoutOffsets(perf.reportDump(original)), withoutOffsets(perf.reportDump(copy)));
    }

    private static List<String> attrs(PerfData d) {
        return d.fileAttrs().stream().map((FileAttr f) -> f.attr() + " " + f.ids()).toList();
    }

    /** Every record as read (decompressed ones included) with its payload's size. */
    private static List<String> records(PerfData d) throws IOException {
        List<String> out = new ArrayList<>();
        try (RecordReader r = d.records()) {
            while (r.next()) {
                RecordView v = r.current();
                byte[] bytes = new byte[v.size()];
                v.buffer().get(v.start(), bytes);
                out.add(Bytes.wrapOwned(bytes).hex() + " +" + v.payloadSize() + (v.inCompressed() ? " z" : ""));
            }
        }
        assertFalse(out.isEmpty(), d.source());
        return out;
    }

    private static List<String> withoutOffsets(PerfReportDump dump) {
        return dump.records().stream().map(r -> r.size() + " " + r.type() + " " + r.name() + " "
                + r.line().replaceFirst("(0x[0-9a-f]+|0) \\[0x", "[0x") + " " + r.sample()).toList();
    }
}
