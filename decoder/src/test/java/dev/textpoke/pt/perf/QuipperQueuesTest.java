package dev.textpoke.pt.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.oracle.PerfWalk;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queues and sideband of quipper's real Intel PT recordings, against perf 6.1's {@code report
 * -D} of them: every AUXTRACE piece (file offset, size, AUX offset, reference, idx, tid, cpu) and
 * every AUX record (time, CPU, offset, size, flags), the packets perf dumps at a piece's start, the
 * threads perf's switch records put on each CPU. The pipe-mode file, which perf 6.1 stops reading
 * from a file after its first piece, is checked against the independent record walk, the trace
 * bytes, and perf reading it through a pipe.
 */
class QuipperQueuesTest {
    private static final Pattern AUXTRACE = Pattern.compile("^0 0 (0x[0-9a-f]+) \\[0x30\\]: PERF_RECORD_AUXTRACE size: "
            + "(0x[0-9a-f]+)  offset: (0x[0-9a-f]+|0)  ref: (0x[0-9a-f]+)  idx: (\\d+)  tid: (-?\\d+)  cpu: (-?\\d+)");
    private static final Pattern AUX = Pattern.compile("^(-?\\d+) (\\d+) (0x[0-9a-f]+) \\[0x40\\]: PERF_RECORD_AUX "
            + "offset: (0x[0-9a-f]+|0) size: (0x[0-9a-f]+) flags: (0x[0-9a-f]+|0)");
    private static final Pattern SWITCH = Pattern.compile("^(\\d+) (\\d+) 0x[0-9a-f]+ \\[0x30\\]: "
            + "PERF_RECORD_SWITCH_CPU_WIDE (OUT|IN) +(?:next|prev) pid/tid: +(\\d+)/(\\d+)");
    private static final Pattern ITRACE = Pattern.compile("^(\\d+) (\\d+) 0x[0-9a-f]+ \\[0x30\\]: "
            + "PERF_RECORD_ITRACE_START pid: (\\d+) tid: (\\d+)");

    @Test
    void piecesAndAuxRecordsAreWhatPerfLists() throws Exception {
        List<String> dump = QuipperIntelPt.dump(QuipperIntelPt.NAME);
        try (PerfData data = PerfData.open(QuipperIntelPt.file(QuipperIntelPt.NAME));
                IntelPtData pt = IntelPtData.read(data)) {
            assertTrue(pt.damage().isEmpty());
            AuxQueues q = pt.queues();
            assertTrue(q.perCpu());
            assertFalse(q.snapshot());
            List<AuxBuffer> pieces = q.buffers();
            List<String> lines = QuipperIntelPt.records(dump, "AUXTRACE ");
            assertEquals(2, lines.size());
            assertEquals(lines.size(), pieces.size());
            for (String line : lines) {
                Matcher m = AUXTRACE.matcher(line);
                assertTrue(m.find(), line);
                int idx = Integer.parseInt(m.group(5));
                AuxBuffer b = q.queue(idx).orElseThrow().buffers().get(0);
                assertEquals(hex(m.group(1)), b.recordOffset());
                assertEquals(hex(m.group(1)) + 0x30, b.payloadOffset());
                assertEquals(hex(m.group(2)), b.size());
                assertEquals(hex(m.group(3)), b.auxOffset());
                assertEquals(hex(m.group(4)), b.reference());
                assertEquals(Integer.parseInt(m.group(6)), b.tid());
                assertEquals(Integer.parseInt(m.group(7)), b.cpu());
                assertEquals(b.cpu(), q.queue(idx).orElseThrow().cpu());
            }
            // The sizes the brief and MANIFEST give: cpu 0 12240 bytes, cpu 3 137728.
            assertEquals(12240, q.byCpu(0).orElseThrow().totalSize());
            assertEquals(137728, q.byCpu(3).orElseThrow().totalSize());

            List<String> auxLines = QuipperIntelPt.records(dump, "AUX ");
            assertEquals(10, auxLines.size());
            List<AuxWrite> writes = q.writes();
            assertEquals(auxLines.size(), writes.size());
            for (int i = 0; i < auxLines.size(); i++) {
                Matcher m = AUX.matcher(auxLines.get(i));
                assertTrue(m.find(), auxLines.get(i));
                AuxWrite w = writes.get(i);
                assertEquals(Integer.parseInt(m.group(1)), w.cpu());
                assertEquals(Long.parseLong(m.group(2)), w.time());
                assertEquals(hex(m.group(3)), w.recordOffset());
                assertEquals(hex(m.group(4)), w.auxOffset());
                assertEquals(hex(m.group(5)), w.size());
                assertEquals(hex(m.group(6)), w.flags());
                // Each AUX record is on its CPU's queue, in the one piece that holds its range.
                AuxQueue queue = q.byCpu(w.cpu()).orElseThrow();
                assertEquals(queue.number(), w.queue());
                assertEquals(0, w.buffer());
                assertTrue(queue.writes().contains(w));
            }
            // Together, a CPU's AUX records report exactly the bytes of its piece: nothing is missing.
            for (AuxQueue queue : q.queues()) {
                long reported = queue.writes().stream().mapToLong(AuxWrite::size).sum();
                assertEquals(queue.totalSize(), reported);
                assertEquals(List.of(), queue.gaps());
            }
        }
    }

    @Test
    void piecesStartWithThePacketsPerfDumps() throws Exception {
        // perf -D dumps each piece's packets after its AUXTRACE line; the first is a PSB at 0, then
        // "TSC 0x...". Read from the file at the piece's payload offset, the bytes are those packets.
        List<String> packets = QuipperIntelPt.packets(QuipperIntelPt.NAME);
        try (PerfData data = PerfData.open(QuipperIntelPt.file(QuipperIntelPt.NAME));
                IntelPtData pt = IntelPtData.read(data)) {
            for (AuxBuffer b : pt.queues().buffers()) {
                int at = indexOf(packets, "idx: " + b.queue() + " ");
                ByteBuffer bytes = pt.queues().map(b);
                assertEquals(b.size(), bytes.remaining());
                for (int i = at + 1; i < at + 6; i++) {
                    // ".  00000036:  19 32 fc be 4c bc 00 00   TSC 0xbc4cbefc32"
                    String[] f = packets.get(i).substring(3).strip().split(":", 2);
                    int off = Integer.parseInt(f[0], 16);
                    // perf prints " %02x" per byte, then the packet's name: read pairs up to the name.
                    String[] tokens = f[1].strip().split(" +");
                    for (int k = 0; k < tokens.length && tokens[k].matches("[0-9a-f]{2}"); k++) {
                        assertEquals(Integer.parseInt(tokens[k], 16), bytes.get(off + k) & 0xff, packets.get(i));
                    }
                }
                Bytes heap = pt.queues().read(b);
                assertEquals(b.size(), heap.length());
                ByteBuffer part = ByteBuffer.allocate(100);
                assertEquals(100, pt.queues().read(b, 16, part));
                assertEquals(heap.get(16), part.get(0) & 0xff);
            }
        }
    }

    @Test
    void threadsOnEachCpuFollowPerfsSwitchRecords() throws Exception {
        // have_sched_switch 3: a switch out names the next task, a switch in is the sample's task
        // (perf -D prints the previous one for an IN record, so the IN lines check the OUT before).
        List<String> dump = QuipperIntelPt.dump(QuipperIntelPt.NAME);
        try (PerfData data = PerfData.open(QuipperIntelPt.file(QuipperIntelPt.NAME));
                IntelPtData pt = IntelPtData.read(data)) {
            Sideband sb = pt.sideband();
            assertEquals(152, sb.of(SidebandEvent.Switch.class).size());
            assertEquals(2, sb.of(SidebandEvent.ItraceStart.class).size());
            assertEquals(10, sb.of(AuxWrite.class).size());
            int checked = 0;
            for (String line : dump) {
                Matcher m = SWITCH.matcher(line);
                if (m.find() && m.group(3).equals("OUT")) {
                    int cpu = Integer.parseInt(m.group(1));
                    long time = Long.parseLong(m.group(2));
                    Sideband.RunningThread t = sb.threadAt(cpu, time).orElseThrow();
                    assertEquals(Integer.parseInt(m.group(5)), t.tid(), line);
                    assertEquals(Integer.parseInt(m.group(4)), t.pid(), line);
                    checked++;
                }
                m = ITRACE.matcher(line);
                if (m.find()) {
                    int cpu = Integer.parseInt(m.group(1));
                    long time = Long.parseLong(m.group(2));
                    assertEquals(Integer.parseInt(m.group(4)), sb.threadAt(cpu, time).orElseThrow().tid(), line);
                    assertTrue(sb.threadAt(cpu, time).orElseThrow().cause() instanceof SidebandEvent.ItraceStart
                            || sb.threadAt(cpu, time).orElseThrow().since() == time);
                    checked++;
                }
            }
            assertEquals(76 + 2, checked);
            // Before a CPU's first record nothing is known.
            assertTrue(sb.threadAt(3, 641_255_848_110L).isEmpty());
        }
    }

    @Test
    void pipeModePiecesAreWhereTheRecordWalkFindsThem(@TempDir Path tmp) throws Exception {
        Path piped = QuipperIntelPt.file(QuipperIntelPt.PIPED);
        List<Long> auxtraceOffsets = new ArrayList<>();
        for (PerfWalk.WalkedRecord r : PerfWalk.of(piped).records()) {
            if (r.type() == 71) {
                auxtraceOffsets.add(r.offset());
            }
        }
        assertEquals(2, auxtraceOffsets.size());
        try (PerfData data = PerfData.open(piped); IntelPtData pt = IntelPtData.read(data);
                FileChannel ch = FileChannel.open(piped, StandardOpenOption.READ)) {
            List<AuxBuffer> pieces = pt.queues().buffers();
            assertEquals(2, pieces.size());
            for (int i = 0; i < 2; i++) {
                AuxBuffer b = pieces.get(i);
                assertEquals(auxtraceOffsets.get(i), b.recordOffset());
                // struct perf_record_auxtrace {header; u64 size, offset, reference; u32 idx, tid, cpu, reserved}
                ByteBuffer rec = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(rec, b.recordOffset());
                assertEquals(rec.getLong(8), b.size());
                assertEquals(rec.getLong(16), b.auxOffset());
                assertEquals(rec.getLong(24), b.reference());
                assertEquals(rec.getInt(32), b.queue());
                assertEquals(rec.getInt(36), b.tid());
                assertEquals(rec.getInt(40), b.cpu());
                assertEquals(b.recordOffset() + 48, b.payloadOffset());
                // The next record starts right after the bytes: the walk steps over them the same way.
                ByteBuffer bytes = pt.queues().map(b);
                for (int k = 0; k < 16; k += 2) {
                    assertEquals(0x02, bytes.get(k));
                    assertEquals((byte) 0x82, bytes.get(k + 1));
                }
            }
            // perf 6.1 reads a pipe file's pieces only through a pipe (see PerfViaPipe); there it lists
            // both, with the fields read here.
            PerfViaPipe.Result r = PerfViaPipe.run(tmp.resolve("home"), piped, "report", "-D");
            List<String> lines = r.out().stream().filter(l -> l.contains("PERF_RECORD_AUXTRACE ")).toList();
            assertEquals(2, lines.size(), r.err());
            for (int i = 0; i < 2; i++) {
                Matcher m = AUXTRACE.matcher(lines.get(i));
                assertTrue(m.find(), lines.get(i));
                assertEquals(hex(m.group(2)), pieces.get(i).size());
                assertEquals(hex(m.group(3)), pieces.get(i).auxOffset());
                assertEquals(hex(m.group(4)), pieces.get(i).reference());
                assertEquals(Integer.parseInt(m.group(5)), pieces.get(i).queue());
                assertEquals(Integer.parseInt(m.group(6)), pieces.get(i).tid());
                assertEquals(Integer.parseInt(m.group(7)), pieces.get(i).cpu());
            }
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("PERF_RECORD_AUXTRACE ") && lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no AUXTRACE line with " + text);
    }

    private static long hex(String s) {
        return s.equals("0") ? 0 : Long.parseUnsignedLong(s.substring(2), 16);
    }
}
