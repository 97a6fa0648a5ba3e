package dev.textpoke.perf.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.CString;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.SampleId;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The record types no trace of {@code traces/} or of the external traces holds (AUX_OUTPUT_HW_ID,
 * CALLCHAIN_DEFERRED, AUXTRACE_ERROR, STAT_CONFIG, STAT, STAT_ROUND, BPF_METADATA,
 * SCHEDSTAT_CPU/DOMAIN): written from typed values in both byte orders, they read back to the
 * same values; and those perf 6.1 knows, written little-endian, are printed by {@code perf report
 * -D} with the values written (perf's own decoding, the independent oracle).
 */
class RareRecordsTest {
    @TempDir
    Path tmp;

    private static final long SAMPLE_TYPE = SampleFormat.TID | SampleFormat.TIME | SampleFormat.CPU
            | SampleFormat.IDENTIFIER;
    private static final long EVENT_ID = 7;

    private static EventAttr attr() {
        // cpu-clock (PERF_TYPE_SOFTWARE 1, config 0) with sample_id_all
        return new EventAttr(1, EventAttr.SIZE_VER7, 0, 1000, SAMPLE_TYPE, 0, 1L << AttrFlag.SAMPLE_ID_ALL.bit(), 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Bytes.EMPTY);
    }

    private static SampleId sampleId(long time) {
        return new SampleId(SAMPLE_TYPE, 100, 101, time, -1, -1, 1, 0, EVENT_ID);
    }

    private static RecordHeader h(RecordType t) {
        return RecordHeader.of(t, 0);
    }

    private static CString text(String s, int align) {
        return CString.of(s, align);
    }

    /** The records perf 6.1 knows. */
    private static List<PerfRecord> knownToPerf() {
        return List.of(
                new PerfRecord.AuxOutputHwId(h(RecordType.AUX_OUTPUT_HW_ID), 0x1234, Bytes.EMPTY, sampleId(1000)),
                new PerfRecord.StatConfig(h(RecordType.STAT_CONFIG), List.of(new PerfRecord.StatConfigEntry(0, 1),
                        new PerfRecord.StatConfigEntry(1, 1_000_000), new PerfRecord.StatConfigEntry(2, 1)), Bytes.EMPTY),
                new PerfRecord.Stat(h(RecordType.STAT), EVENT_ID, 1, 0, 123456, 2000, 1500, Bytes.EMPTY),
                new PerfRecord.StatRound(h(RecordType.STAT_ROUND), 1, 5000, Bytes.EMPTY),
                // perf 6.1's layout (fmt 1: no machine_pid, vcpu) and the newer one (fmt 2)
                new PerfRecord.AuxtraceError(h(RecordType.AUXTRACE_ERROR), 1, 2, 1, 100, 101, 1, 0xffffffff81000010L,
                        6000, text("decoder lost sync", 64), null, null, Bytes.EMPTY),
                new PerfRecord.AuxtraceError(h(RecordType.AUXTRACE_ERROR), 1, 3, 0, 100, 102, 2, 0x401000L, 7000,
                        text("overflow packet", 64), 5, 6, Bytes.EMPTY));
    }

    /** Records of newer perfs than 6.1. */
    private static List<PerfRecord> newer() {
        return List.of(
                new PerfRecord.CallchainDeferred(h(RecordType.CALLCHAIN_DEFERRED), 0xabcdef,
                        U64s.of(0x401000L, 0x402000L, 0x403000L), Bytes.EMPTY, sampleId(8000)),
                new PerfRecord.BpfMetadata(h(RecordType.BPF_METADATA), text("prog_a", 256),
                        List.of(new PerfRecord.BpfMetadataEntry(text("key", 64), text("value", 256))), Bytes.EMPTY),
                new PerfRecord.SchedstatCpu(h(RecordType.SCHEDSTAT_CPU), 9000, 1, 15,
                        Bytes.wrapOwned(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0})),
                new PerfRecord.SchedstatDomain(h(RecordType.SCHEDSTAT_DOMAIN), 9100, 0, 15,
                        Bytes.wrapOwned(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0, 0})));
    }

    private Path write(List<PerfRecord> records, ByteOrder order, String name) throws IOException {
        Path p = tmp.resolve(name);
        try (PerfWriter w = PerfWriter.file(p, order)) {
            w.event(attr(), new long[] {EVENT_ID});
            for (PerfRecord r : records) {
                w.record(r);
            }
        }
        return p;
    }

    /** The records of {@code p} parsed, each with the header it was read with. */
    private static List<PerfRecord> read(Path p) throws IOException {
        List<PerfRecord> out = new ArrayList<>();
        try (PerfData d = PerfData.open(p); RecordReader r = d.records()) {
            RecordParser parser = new RecordParser(d.events());
            while (r.next()) {
                out.add(parser.parse(r.current()));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void readBackAsWritten(String orderName) throws IOException {
        ByteOrder order = orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<PerfRecord> written = new ArrayList<>(knownToPerf());
        written.addAll(newer());
        List<PerfRecord> got = read(write(written, order, "rare-" + orderName + ".data"));
        assertEquals(written.size(), got.size());
        RecordEncoder enc = new RecordEncoder(order);
        for (int i = 0; i < written.size(); i++) {
            PerfRecord w = written.get(i);
            // the header written: its size is the encoded record's
            RecordHeader sized = new RecordHeader(w.header().type(), w.header().misc(), enc.encode(w).length);
            assertEquals(sized, got.get(i).header());
            assertEquals(w.toString().replace(w.header().toString(), sized.toString()), got.get(i).toString());
        }
    }

    /**
     * perf 6.1's lines for the records it knows carry the values written (STAT_CONFIG tags:
     * aggr_mode 0, interval 1, scale 2; STAT_ROUND type 1 is FINAL). perf -D prints AUXTRACE_ERROR
     * as "unhandled" without its fields: their sizes (fmt 1 without, fmt 2 with machine_pid and
     * vcpu) and perf's count of instruction trace errors are checked.
     */
    @Test
    void perfPrintsTheValuesWritten() throws Exception {
        Path p = write(knownToPerf(), ByteOrder.LITTLE_ENDIAN, "rare-perf.data");
        PerfTool perf = PerfTool.in(tmp);
        PerfTool.Result r = perf.run(line -> line.contains("PERF_RECORD_") || line.startsWith("...")
                || line.contains("error"), "report", "-D", "-i", p.toString());
        String out = String.join("\n", r.out());
        List<String> missing = new ArrayList<>();
        for (String want : List.of(
                "PERF_RECORD_AUX_OUTPUT_HW_ID hw_id: 0x1234",
                "PERF_RECORD_STAT_CONFIG", "... aggr_mode 1", "... scale     1", "... interval  1000000",
                "PERF_RECORD_STAT", "... id 7, cpu 1, thread 0", "... value 123456, enabled 2000, running 1500",
                "PERF_RECORD_STAT_ROUND", "... time 5000, type FINAL",
                "[0x70]: PERF_RECORD_AUXTRACE_ERROR", "[0x78]: PERF_RECORD_AUXTRACE_ERROR")) {
            if (!out.contains(want)) {
                missing.add(want);
            }
        }
        assertTrue(missing.isEmpty(), "perf report -D does not print " + missing + ":\n" + out + "\n" + r.err());
        assertTrue(r.err().contains("2 instruction trace errors"), r.err());
    }

    /**
     * A real {@code perf stat record} file (STAT_CONFIG, STAT, STAT_ROUND, THREAD_MAP, CPU_MAP,
     * EVENT_UPDATE), recorded here by perf 6.1: every record encodes from its typed value to its
     * bytes, and {@code perf report -D} lists the same records with the same fields for its copies
     * in the same mode and as a pipe as for the original.
     */
    @Test
    void perfStatRecordCopiesAreListedAlike() throws Exception {
        PerfTool perf = PerfTool.in(tmp);
        Path original = tmp.resolve("stat.data");
        PerfTool.Result rec = perf.run("stat", "record", "-o", original.toString(), "-e", "task-clock", "--", "true");
        Assumptions.assumeTrue(rec.status() == 0, "perf stat record cannot count here: " + rec.err());
        List<PerfRecord> records = read(original);
        assertTrue(records.stream().anyMatch(r -> r instanceof PerfRecord.Stat), "no STAT record: " + records);
        try (PerfData d = PerfData.open(original); RecordReader r = d.records()) {
            RecordParser parser = new RecordParser(d.events());
            RecordEncoder enc = new RecordEncoder(d.order());
            while (r.next()) {
                assertEquals(r.current().bytes(), Bytes.wrapOwned(enc.encode(parser.parse(r.current()))));
            }
        }
        List<String> want = Copies.dumped(perf.reportDump(original), Copies.METADATA);
        assertTrue(want.stream().anyMatch(l -> l.contains("PERF_RECORD_STAT_ROUND")), want.toString());
        for (Copies.Variant v : List.of(Copies.Variant.SAME, Copies.Variant.OTHER_MODE)) {
            Path copy = tmp.resolve("stat-" + v + ".data");
            Copies.copy(original, copy, v);
            List<String> got = Copies.dumped(perf.reportDump(copy), Copies.METADATA);
            PerfWriterRoundTripTest.assertSameList(want.stream().map(PerfLimits::withoutUserRecordPrefix).toList(),
                    got.stream().map(PerfLimits::withoutUserRecordPrefix).toList(), "perf stat record " + v);
        }
    }
}
