package dev.textpoke.perf.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.file.FileAttr;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import dev.textpoke.perf.write.Copies.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read, write through the typed path ({@link PerfCopy}), read again.
 *
 * <p>A copy in the same mode and byte order has the same attrs, features (values and the bytes
 * after them) and records, byte for byte, for every perf.data of {@code traces/} and every
 * external one (perf 6.1 refuses some; textpoke reads them all); its AUXTRACE index points at
 * the same AUXTRACE records in their new places. For those perf reads, {@code perf report -D}
 * (the independent oracle) lists the same records with the same fields for the copy as for the
 * original.
 *
 * <p>Copies in the other byte order, the other mode (file to pipe, pipe to file) and with the
 * kernel records compressed by the writer read back to the same typed records, and perf lists the
 * same records with the same fields for them, leaving aside the records that carry the mode's and
 * the compression's own metadata (pipe ATTR, FEATURE and BUILD_ID records, COMPRESSED). Where
 * perf 6.1 misreads or stops on a byte-swapped input ({@link PerfLimits}), the fields it gets
 * wrong are left out, and a listing perf ends early must agree as far as it goes.
 *
 * <p>For the traces of {@code traces/}, {@code perf script} also prints the same for every copy
 * as for the original (byte-swapped pipes and copies perf stops on aside).
 */
class PerfWriterRoundTripTest {
    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> copiesHoldTheSameBytes() {
        return Copies.allInputs().stream().map(p -> DynamicTest.dynamicTest(Copies.name(p), () -> sameCopy(p)));
    }

    @TestFactory
    Stream<DynamicTest> perfListsTheSameRecordsForEveryVariant() {
        return Copies.perfReadable().stream().flatMap(p -> Stream.of(Variant.OTHER_ORDER, Variant.OTHER_MODE,
                Variant.COMPRESSED).filter(v -> v != Variant.OTHER_MODE || Files.isRegularFile(p))
                .map(v -> DynamicTest.dynamicTest(Copies.name(p) + " " + v, () -> variant(p, v))));
    }

    private static void sameCopy(Path original) throws Exception {
        Path copy = tmp.resolve("same-" + Copies.name(original).replace('/', '_'));
        if (Copies.damaged(original)) {
            // The copy holds what could be read; the reader's error reaches the caller.
            assertThrows(PerfFormatException.class, () -> Copies.copy(original, copy, Variant.SAME));
        } else {
            assertEquals(List.of(), Copies.copy(original, copy, Variant.SAME).notes());
        }
        try (PerfData a = PerfData.open(original); PerfData b = PerfData.open(copy)) {
            assertEquals(a.format(), b.format());
            assertEquals(a.order(), b.order());
            assertEquals(attrs(a), attrs(b));
            if (a.format() != PerfData.Format.PIPE) {
                assertEquals(a.features().ids(), b.features().ids());
                for (int id : a.features().ids()) {
                    assertSameFeature(a, b, id);
                }
            }
            List<String> records = Copies.records(a, true);
            assertFalse(records.isEmpty());
            assertEquals(records, Copies.records(b, true));
            assertEquals(a.kcoreDir().isPresent(), b.kcoreDir().isPresent());
        }
        if (Copies.perfReadable().contains(original)) {
            PerfTool perf = PerfTool.in(tmp);
            assertEquals(Copies.dumped(perf.reportDump(original), Set.of()), Copies.dumped(perf.reportDump(copy), Set.of()));
        }
        if (Copies.ownTraces().contains(original)) {
            assertSameScript(original, copy);
        }
    }

    /**
     * {@code perf script} (perf's default fields, symbols resolved, the poke traces' TEXT_POKE
     * records shown) prints the same for the copy as for the original, and succeeds on both. Run on
     * the traces of {@code traces/} only: perf script on every external trace would take minutes.
     */
    private static void assertSameScript(Path original, Path copy) throws Exception {
        PerfTool perf = PerfTool.in(tmp);
        PerfTool.Result want = perf.run("script", "--show-text-poke-events", "-i", original.toString());
        PerfTool.Result got = perf.run("script", "--show-text-poke-events", "-i", copy.toString());
        assertEquals(0, want.status(), want.err());
        assertEquals(0, got.status(), got.err());
        assertFalse(want.out().isEmpty(), original + ": perf script printed nothing");
        assertSameList(want.out(), got.out(), Copies.name(original) + ": perf script");
    }

    /**
     * The same bytes, except where the writer must differ: the AUXTRACE index holds the records'
     * new offsets, and BPF_PROG_INFO's padding bytes are zero ({@link BpfPadding}).
     */
    private static void assertSameFeature(PerfData a, PerfData b, int id) throws IOException {
        if (id == FeatureId.AUXTRACE.id()) {
            assertAuxtraceIndexFollows(a, b);
            return;
        }
        var want = a.features().raw(id).orElseThrow();
        if (id == FeatureId.BPF_PROG_INFO.id()) {
            want = BpfPadding.zeroed(want, a.features().get(FeatureId.BPF_PROG_INFO, Feature.BpfProgInfo.class)
                    .orElseThrow());
        }
        assertEquals(want, b.features().raw(id).orElseThrow(), "feature " + FeatureId.displayName(id));
    }

    /**
     * A file copy in the other order or compressed has the original's features with the same
     * typed values. COMPRESSED is the copy's own (added when the writer compresses, left out when
     * it writes the records decompressed); the AUXTRACE index lists the records at their new
     * offsets, so only its length is compared. A file without HOSTNAME read in the other order
     * shows only its BUILD_ID feature (perf's bitmap rule, see docs/perf-reader.md), so only that
     * is compared there.
     */
    private static void assertSameFeatureValues(PerfData a, PerfData b, String what) throws IOException {
        List<Integer> want = new ArrayList<>(a.features().ids());
        List<Integer> got = new ArrayList<>(b.features().ids());
        want.remove(Integer.valueOf(FeatureId.COMPRESSED.id()));
        got.remove(Integer.valueOf(FeatureId.COMPRESSED.id()));
        if (a.order() != b.order() && !want.contains(FeatureId.HOSTNAME.id())) {
            want.retainAll(List.of(FeatureId.BUILD_ID.id()));
        }
        assertEquals(want, got, what);
        for (int id : want) {
            Feature fa = a.features().get(id).orElseThrow();
            Feature fb = b.features().get(id).orElseThrow();
            if (fa instanceof Feature.AuxtraceIndex ia && fb instanceof Feature.AuxtraceIndex ib) {
                assertEquals(ia.entries().size(), ib.entries().size(), what);
            } else {
                assertEquals(fa, fb, what + ": feature " + FeatureId.displayName(id));
            }
        }
    }

    /** The index lists the AUXTRACE records in order, at their offsets in each file, with their sizes. */
    private static void assertAuxtraceIndexFollows(PerfData a, PerfData b) throws IOException {
        var ia = a.features().get(FeatureId.AUXTRACE, Feature.AuxtraceIndex.class).orElseThrow();
        var ib = b.features().get(FeatureId.AUXTRACE, Feature.AuxtraceIndex.class).orElseThrow();
        assertEquals(auxtraceRecords(a), ia.entries(), "the original's index lists its AUXTRACE records");
        assertEquals(auxtraceRecords(b), ib.entries());
    }

    private static List<Feature.AuxtraceIndexEntry> auxtraceRecords(PerfData d) throws IOException {
        List<Feature.AuxtraceIndexEntry> out = new ArrayList<>();
        try (RecordReader r = d.records()) {
            while (r.next()) {
                if (r.current().recordType() == RecordType.AUXTRACE) {
                    out.add(new Feature.AuxtraceIndexEntry(r.current().offset(), r.current().size()));
                }
            }
        }
        return out;
    }

    private static void variant(Path original, Variant v) throws Exception {
        Path copy = tmp.resolve(v + "-" + Copies.name(original).replace('/', '_'));
        String what = Copies.name(original) + " " + v;
        PerfCopy.Result result = Copies.copy(original, copy, v);
        try (PerfData a = PerfData.open(original); PerfData b = PerfData.open(copy)) {
            assertEquals(v == Variant.OTHER_ORDER ? Copies.other(a.order()) : a.order(), b.order());
            assertSameList(typedRecords(a), typedRecords(b), what + ", notes: " + result.notes());
            if (a.format() != PerfData.Format.PIPE && b.format() != PerfData.Format.PIPE) {
                assertSameFeatureValues(a, b, what);
            }
        }
        if (v == Variant.COMPRESSED) {
            try (PerfData b = PerfData.open(copy)) {
                assertTrue(Copies.records(b, true).stream().anyMatch(r -> r.endsWith(" z")), what + ": nothing compressed");
            }
        }
        if (v == Variant.COMPRESSED && !PerfLimits.readsEveryFeature(original)) {
            return;
        }
        boolean bigEndianPipe = PerfLimits.isBigEndianPipe(original) || PerfLimits.isBigEndianPipe(copy);
        Path forPerf = PerfLimits.isBigEndianPipe(copy) ? PerfLimits.withoutFeatureRecords(copy) : copy;
        PerfTool perf = PerfTool.in(tmp);
        Set<String> skipped = v == Variant.OTHER_ORDER ? PerfLimits.NOT_SWAPPED : Copies.METADATA;
        List<String> want = Copies.dumped(perf.reportDump(original), skipped);
        List<String> got = Copies.dumped(perf.reportDump(forPerf), skipped);
        if (v == Variant.OTHER_ORDER) {
            want = want.stream().map(PerfLimits::withoutMmap2Prot).map(PerfLimits::withoutBranchReserved).toList();
            got = got.stream().map(PerfLimits::withoutMmap2Prot).map(PerfLimits::withoutBranchReserved).toList();
        }
        if (v == Variant.OTHER_MODE) {
            want = want.stream().map(PerfLimits::withoutUserRecordPrefix).toList();
            got = got.stream().map(PerfLimits::withoutUserRecordPrefix).toList();
        }
        if (bigEndianPipe) {
            want = want.stream().map(PerfLimits::withoutU32Pairs).toList();
            got = got.stream().map(PerfLimits::withoutU32Pairs).toList();
        }
        assertFalse(want.isEmpty(), what);
        if (got.size() < want.size() && PerfLimits.perfStopsEarly(original, copy)) {
            // perf lists what it read before it stopped: that much must agree, but for the last
            // record, which perf's lost buffered output may have cut
            if (!got.isEmpty() && got.get(got.size() - 1).matches("\\d+ \\d+ null .*")) {
                got = got.subList(0, got.size() - 1);
            }
            want = want.subList(0, got.size());
        }
        assertSameList(want, got, what);
        if (Copies.ownTraces().contains(original) && !bigEndianPipe && !PerfLimits.perfStopsEarly(original, copy)) {
            assertSameScript(original, copy);
        }
    }

    /**
     * Every record parsed, pipe metadata and COMPRESSED records aside; payload offsets (which move
     * with the layout) set to 0.
     */
    private static List<String> typedRecords(PerfData d) throws IOException {
        Set<RecordType> skipped = new HashSet<>(List.of(RecordType.HEADER_ATTR, RecordType.HEADER_FEATURE,
                RecordType.HEADER_TRACING_DATA, RecordType.HEADER_BUILD_ID, RecordType.COMPRESSED, RecordType.COMPRESSED2));
        List<String> out = new ArrayList<>();
        RecordParser parser = new RecordParser(d.events());
        for (int i = 0; i < d.inputCount(); i++) {
            try (RecordReader r = d.records(i)) {
                while (r.next()) {
                    RecordView v = r.current();
                    if (v.recordType() != null && skipped.contains(v.recordType())) {
                        continue;
                    }
                    PerfRecord p = parser.parse(v);
                    if (p instanceof PerfRecord.Auxtrace x) {
                        p = new PerfRecord.Auxtrace(x.header(), x.size(), x.offset(), x.reference(), x.idx(), x.tid(),
                                x.cpu(), x.reserved(), 0, x.tail());
                    }
                    out.add(i + " " + p);
                }
            }
        }
        return out;
    }

    /** Equal lists, or a message naming the first element that differs (the lists are long). */
    static void assertSameList(List<String> want, List<String> got, String what) {
        int n = Math.min(want.size(), got.size());
        for (int i = 0; i < n; i++) {
            if (!want.get(i).equals(got.get(i))) {
                throw new AssertionError(what + ": element " + i + " of " + want.size() + "/" + got.size()
                        + " differs:\n want " + want.get(i) + "\n got  " + got.get(i));
            }
        }
        assertEquals(want.size(), got.size(), what + ": lengths (first " + n + " equal)");
    }

    private static List<String> attrs(PerfData d) {
        return d.fileAttrs().stream().map((FileAttr f) -> f.attr() + " " + f.ids()).toList();
    }
}
