package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.oracle.MiniJson;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.sim.lbr.LbrTraceWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged branch stacks get reports, not exceptions: a stack whose {@code nr} runs past its record
 * is reported on stderr with the file, the byte offset of {@code nr} and the problem (exit status
 * 2), and the samples after it are still read; entries whose addresses lie outside every image are
 * walked as unknown code and counted, not refused.
 */
class DamagedStacksTest {
    @TempDir
    Path tmp;

    /** Byte offset of a sample's branch {@code nr}: header, then the six u64 fields the writer samples. */
    private static final int NR_AT = 8 + 6 * 8;

    /** Three samples of two entries; the third's older entry is {@code outside -> outside + 0x80}. */
    private Path trace(long fromOutside) throws Exception {
        HandTrace t = new HandTrace();
        Path dir = tmp.resolve("damaged.data");
        try (LbrTraceWriter w = LbrTraceWriter.create(dir, t.image, new LbrTraceWriter.Config(1000, false, 2), 100)) {
            for (int s = 0; s < 3; s++) {
                List<BranchEntry> e = new ArrayList<>();
                e.add(new BranchEntry(HandTrace.k(0x24), HandTrace.k(0xad), 2 | 5 << 4));
                e.add(s == 2 ? new BranchEntry(fromOutside, fromOutside + 0x80, 2 | 9 << 4)
                        : new BranchEntry(HandTrace.k(0xa8), HandTrace.k(0x10), 2 | 9 << 4));
                w.sample(1000 + s, 0, 0, 0, HandTrace.k(0xad), -1, e);
            }
        }
        return dir;
    }

    /** The offsets of the samples' records, from the perf-reader's framing. */
    private static List<Long> sampleOffsets(Path dir) throws Exception {
        List<Long> out = new ArrayList<>();
        try (PerfData d = PerfData.open(dir); RecordReader r = d.records()) {
            while (r.next()) {
                if (r.current().type() == 9) {
                    out.add(r.current().offset());
                }
            }
        }
        return out;
    }

    private static void setNr(Path data, long recordOffset, long nr) throws Exception {
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, nr), recordOffset + NR_AT);
        }
    }

    @Test
    void aStackLongerThanItsRecordIsReportedAndTheOthersAreRead() throws Exception {
        Path dir = trace(HandTrace.k(0xa8));
        List<Long> offsets = sampleOffsets(dir);
        assertEquals(3, offsets.size());
        setNr(dir.resolve("data"), offsets.get(1), 1000);

        CliRun run = CliRun.of("branches", dir.toString());
        assertEquals(ExitStatus.BAD_INPUT, run.status(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        long at = offsets.get(1) + NR_AT;
        assertTrue(err.startsWith("textpoke branches: damaged branch stack in sample 1: " + dir.resolve("data")
                + ": at byte " + at + " (0x" + Long.toHexString(at) + "): "), err);
        assertEquals(2, run.out().lines().filter(l -> !l.startsWith("\t")).count(), run.out());

        CliRun json = CliRun.of("branches", "--json", dir.toString());
        assertEquals(ExitStatus.BAD_INPUT, json.status());
        List<Map<String, Object>> lines = json.out().lines().map(MiniJson::object).toList();
        assertEquals(List.of(0L, 1L, 2L), lines.stream().map(o -> o.get("sample")).toList());
        assertEquals(at, lines.get(1).get("at"));
        assertEquals(offsets.get(1), lines.get(1).get("offset"));

        CliRun summary = CliRun.of("branches", "--summary", "--json", dir.toString());
        assertEquals(ExitStatus.BAD_INPUT, summary.status());
        Map<String, Object> s = MiniJson.object(summary.out().strip());
        assertEquals(2L, s.get("samples"));
        assertEquals(1L, s.get("damaged_stacks"));

        CliRun profile = CliRun.of("profile", "--format", "autofdo", dir.toString());
        assertEquals(ExitStatus.BAD_INPUT, profile.status());
        assertTrue(profile.out().contains("// [kernel.kallsyms]"), profile.out());
    }

    @Test
    void entriesOutsideEveryImageAreUnknownCodeNotErrors() throws Exception {
        Path dir = trace(0x1234_5678L);
        CliRun run = CliRun.of("branches", "--summary", "--json", dir.toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        Map<String, Object> s = MiniJson.object(run.out().strip());
        assertEquals(3L, s.get("samples"));
        // The third sample's oldest branch (outside every image) and the range from its target to
        // the kernel: a stack of one privilege level misses the transition between.
        assertEquals(2L, s.get("unknown_ranges"));
        assertEquals(0L, s.get("inconsistent_ranges"));
        CliRun text = CliRun.of("branches", "--insns", dir.toString());
        assertEquals(ExitStatus.OK, text.status(), text.err());
        assertTrue(text.out().contains("\t# 12345678: code not known"), text.out());
        assertTrue(text.out().contains("starts and ends at different privilege levels"), text.out());
    }

    /**
     * A pipe-mode recording whose HEADER_ATTR sample_type gained bits (READ, BRANCH_STACK and
     * unknown high ones): every sample's callchain is misread before its stack. That is not the
     * stack's damage: {@code branches} and {@code profile} report it once, the line {@code samples}
     * reports, at the first sample perf's dump of the undamaged file lists, and stop with status 2.
     */
    @Test
    void damageBeforeTheStackIsReportedOnceAsSamplesReportsIt() throws Exception {
        Path original = dev.textpoke.perf.oracle.TraceFiles.traces().resolve("recorded/pipe.data");
        byte[] b = java.nio.file.Files.readAllBytes(original);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = 16; // after the pipe header
        while (bb.getInt(at) != 64) { // PERF_RECORD_HEADER_ATTR
            at += bb.getShort(at + 6) & 0xffff;
        }
        int sampleType = at + 8 + 24;
        bb.putLong(sampleType, bb.getLong(sampleType) | 0x7e000000L | 0x800 | 0x10);
        Path f = tmp.resolve("pipe-sample-type.data");
        java.nio.file.Files.write(f, b);

        PerfTool perf = PerfTool.in(tmp);
        // perf's dump counts a pipe's offsets from after its 16-byte header
        long firstSample = 16 + perf.reportDump(original).samples().get(0).offset();
        CliRun samples = CliRun.of("samples", f.toString());
        assertEquals(ExitStatus.BAD_INPUT, samples.status(), samples.err());
        String line = samples.err().strip();
        assertEquals(1, line.lines().count(), line);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^textpoke: " + java.util.regex.Pattern.quote(
                f.toString()) + ": at byte (\\d+) ").matcher(line);
        assertTrue(m.find(), line);
        long damage = Long.parseLong(m.group(1));
        assertTrue(line.contains("PERF_RECORD_SAMPLE at " + firstSample + ": "), line + " vs the first sample at "
                + firstSample);
        assertTrue(damage > firstSample && damage < firstSample + 0x68, damage + " vs the first sample at " + firstSample);
        for (List<String> c : List.of(List.of("branches"), List.of("branches", "--summary"),
                List.of("branches", "--insns", "--json"), List.of("profile", "--format", "autofdo"),
                List.of("profile", "--format", "brstackinsn"))) {
            List<String> args = new ArrayList<>(c);
            args.add(f.toString());
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(ExitStatus.BAD_INPUT, r.status(), c + ": " + r.err());
            assertEquals(line, r.err().strip(), c.toString());
        }
    }
}
