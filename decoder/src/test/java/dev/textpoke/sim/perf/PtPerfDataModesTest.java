package dev.textpoke.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.packet.IpCompression;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.pt.perf.AuxGap;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.AuxWrite;
import dev.textpoke.pt.perf.IntelPtData;
import dev.textpoke.pt.perf.SidebandEvent;
import dev.textpoke.pt.perf.TscConversion;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's other shapes of a recording, each decoded by perf 6.1 and read back by textpoke:
 * pipe mode, a CPU's trace cut into many AUXTRACE pieces (packets split across them), AUX records
 * with TRUNCATED (perf reports "Lost trace data") and bytes perf record did not keep, and
 * per-thread queues.
 */
class PtPerfDataModesTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;
    static TestKernel kernel;

    static final long TSC0 = 2_400_000_000_000L;
    static final TscConversion TSC = TscConversion.forFrequency(2_400_000_000L, 0);

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
        kernel = TestKernel.build(tmp);
    }

    /**
     * One run of loop3 (T, T, N, T) from a PSB+ with TSC {@code tsc}, then PAD packets to a multiple
     * of 8 bytes, as the AUX area gets them.
     */
    static Bytes loop3(long tsc) {
        PacketEncoder e = new PacketEncoder().psb().tsc(tsc).psbend().modeExec(64, false)
                .tipPge(kernel.at("loop3")).tnt(0b1101, 4).ip(PacketType.TIP_PGD, IpCompression.SUPPRESSED, 0);
        while (e.size() % AuxStream.ALIGNMENT != 0) {
            e.pad();
        }
        return Bytes.wrapOwned(e.toByteArray());
    }

    /** loop3's 11 instructions, as the packets imply them (addresses from objdump). */
    static List<Long> loop3Path() {
        return List.of(kernel.insn("loop3", 0), kernel.insn("loop3", 1), kernel.insn("loop3", 2),
                kernel.insn("loop3", 1), kernel.insn("loop3", 2), kernel.insn("loop3", 1), kernel.insn("loop3", 2),
                kernel.insn("loop3", 3), kernel.insn("leaf", 0), kernel.insn("leaf", 1), kernel.insn("loop3", 4));
    }

    static List<Long> ips(PerfInsns out) {
        return out.insns().stream().map(PerfInsns.Insn::ip).toList();
    }

    static Bytes join(Bytes... parts) {
        int n = 0;
        for (Bytes b : parts) {
            n += b.length();
        }
        byte[] all = new byte[n];
        int at = 0;
        for (Bytes b : parts) {
            b.copyTo(all, at);
            at += b.length();
        }
        return Bytes.wrapOwned(all);
    }

    static long ns(long tsc) {
        return TSC.toPerfTime(tsc);
    }

    @Test
    void pipeModeIsDecodedWithTheKcoreNamedByKallsyms() throws Exception {
        Bytes trace = join(loop3(TSC0), loop3(TSC0 + 10_000));
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(1)
                .stream(AuxStream.ofCpu(0, trace, ns(TSC0 + 20_000)))
                .sideband(SidebandEvent.ItraceStart.of(ns(TSC0) - 100, 0, 0, 0))
                .build();
        Path pipe = tmp.resolve("pipe.data");
        try (OutputStream out = Files.newOutputStream(pipe)) {
            PtPerfDataWriter.writePipe(rec, out);
        }
        Path kcore = tmp.resolve("pipe-kcore");
        KcoreDirWriter.write(rec.kernel(), kcore);
        // Through a pipe: perf 6.1 reads pipe-mode trace bytes from nothing else (PerfViaPipe).
        PerfInsns out = PerfInsns.viaPipe(tmp.resolve("pipe-home"), pipe, "--kallsyms", kcore.resolve("kallsyms").toString());
        List<Long> twice = new ArrayList<>(loop3Path());
        twice.addAll(loop3Path());
        assertEquals(twice, ips(out), out.toString());
        assertEquals("loop3+0x0", out.insns().get(0).symOff());
        assertEquals(ns(TSC0 + 10_000), out.insns().get(11).time());
        try (PerfData data = PerfData.open(pipe); IntelPtData pt = IntelPtData.read(data)) {
            assertEquals(PerfData.Format.PIPE, data.format());
            assertEquals(PtPerfDataWriter.info(rec), pt.info());
            assertEquals(trace, pt.queues().read(pt.queues().byCpu(0).orElseThrow().buffers().get(0))
                    .slice(0, trace.length()));
        }
    }

    @Test
    void aTraceInManyPiecesDecodesAsOne() throws Exception {
        // Each run cut in two at a packet boundary (after PSB and TSC, 24 bytes in): six pieces, each
        // continuing the one before, which perf decodes as one stream. (perf 6.1 on 64 bits does not
        // join a packet split between two pieces: it reads "Bad packet" and resyncs at the next
        // PSB, intel_pt_get_split_packet being used only when BITS_PER_LONG is 32. So the pieces
        // here end between packets; textpoke's reader marks them continuing either way.)
        Bytes[] runs = {loop3(TSC0), loop3(TSC0 + 10_000), loop3(TSC0 + 20_000)};
        List<AuxChunk> chunks = new ArrayList<>();
        for (int i = 0; i < runs.length; i++) {
            long read = ns(TSC0 + 10_000L * i + 5_000);
            chunks.add(AuxChunk.of(runs[i].slice(0, 24), read));
            chunks.add(AuxChunk.of(runs[i].slice(24, runs[i].length()), read + 1));
        }
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(1)
                .stream(new AuxStream(0, -1, -1, chunks))
                .sideband(SidebandEvent.ItraceStart.of(ns(TSC0) - 100, 0, 0, 0))
                .build();
        Path dir = tmp.resolve("pieces.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
        PerfInsns out = PerfInsns.run(perf, "-i", dir.toString());
        List<Long> thrice = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            thrice.addAll(loop3Path());
        }
        assertEquals(thrice, ips(out), out.toString());
        try (PerfData data = PerfData.open(dir); IntelPtData pt = IntelPtData.read(data)) {
            AuxQueue q = pt.queues().byCpu(0).orElseThrow();
            assertEquals(6, q.buffers().size());
            assertTrue(q.buffers().stream().skip(1).allMatch(b -> b.continues()));
            assertEquals(List.of(), q.gaps());
            assertEquals(6L, perf.reportDump(dir).countsOfInputRecords().get("AUXTRACE"));
            for (int i = 0; i < 6; i++) {
                assertEquals(i, q.writes().get(i).buffer());
            }
        }
    }

    @Test
    void truncatedAndUnrecordedTraceAreGapsAndPerfReportsTheLoss() throws Exception {
        // The AUX area fills after the first run: the kernel ends the transaction TRUNCATED and
        // tracing stops. perf record then keeps the second run but not the third (recorded false).
        Bytes run1 = loop3(TSC0);
        Bytes run2 = loop3(TSC0 + 100_000);
        Bytes run3 = loop3(TSC0 + 200_000);
        long lostAt = ns(TSC0 + 50_000);
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(1)
                .stream(new AuxStream(0, -1, -1, List.of(
                        new AuxChunk(run1, lostAt, AuxWrite.TRUNCATED, true),
                        AuxChunk.of(run2, ns(TSC0 + 150_000)),
                        new AuxChunk(run3, ns(TSC0 + 250_000), 0, false))))
                .sideband(SidebandEvent.ItraceStart.of(ns(TSC0) - 100, 0, 0, 0))
                .build();
        Path dir = tmp.resolve("lost.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
        PerfInsns out = PerfInsns.run(perf, "-i", dir.toString(), "--itrace=i0nse");
        List<Long> twice = new ArrayList<>(loop3Path());
        twice.addAll(loop3Path());
        assertEquals(twice, ips(out), out.toString());
        // intel_pt_lost: "instruction trace error type 1 time T cpu 0 pid P tid T ip 0x0 code 8: Lost trace data"
        List<String> lost = out.otherLines().stream().filter(l -> l.contains("Lost trace data")).toList();
        assertEquals(1, lost.size(), out.toString());
        assertTrue(lost.get(0).contains(String.format("time %d.%09d cpu 0 ", lostAt / 1_000_000_000L,
                lostAt % 1_000_000_000L)), lost.get(0));
        assertTrue(lost.get(0).contains("code 8: Lost trace data"), lost.get(0));

        try (PerfData data = PerfData.open(dir); IntelPtData pt = IntelPtData.read(data)) {
            AuxQueue q = pt.queues().byCpu(0).orElseThrow();
            assertEquals(2, q.buffers().size());
            assertEquals(3, q.writes().size());
            assertTrue(q.writes().get(0).truncated());
            assertEquals(-1, q.writes().get(2).buffer());
            List<AuxGap> gaps = q.gaps();
            assertEquals(2, gaps.size(), gaps.toString());
            AuxGap truncated = gaps.get(0);
            assertEquals(AuxGap.Reason.TRUNCATED, truncated.reason());
            assertEquals(run1.length(), truncated.auxOffset());
            assertEquals(1, truncated.buffer());
            assertEquals(0, truncated.bufferOffset());
            assertEquals(lostAt, truncated.time());
            AuxGap notRecorded = gaps.get(1);
            assertEquals(AuxGap.Reason.NOT_RECORDED, notRecorded.reason());
            assertEquals(run1.length() + run2.length(), notRecorded.auxOffset());
            assertEquals(run3.length(), notRecorded.size());
            assertEquals(2, notRecorded.buffer());
        }
    }

    @Test
    void perThreadQueuesAreThreads() throws Exception {
        // perf record --per-thread: one AUX area per thread, AUXTRACE cpu -1 and the thread's tid,
        // AUXTRACE_INFO per_cpu_mmaps 0 and no switch records (have_sched_switch 0).
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2)
                .stream(AuxStream.ofThread(100, 101, List.of(AuxChunk.of(loop3(TSC0), ns(TSC0 + 5_000)))))
                .stream(AuxStream.ofThread(200, 202, List.of(AuxChunk.of(loop3(TSC0 + 1_000), ns(TSC0 + 6_000)))))
                .sideband(SidebandEvent.Comm.of(0, 0, 100, 101, "one"))
                .sideband(SidebandEvent.Comm.of(0, 0, 200, 202, "two"))
                .sideband(SidebandEvent.ItraceStart.of(ns(TSC0) - 100, 0, 100, 101))
                .sideband(SidebandEvent.ItraceStart.of(ns(TSC0) - 50, 1, 200, 202))
                .build();
        Path dir = tmp.resolve("threads.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
        PerfInsns out = PerfInsns.run(perf, "-i", dir.toString());
        List<Long> twice = new ArrayList<>(loop3Path());
        twice.addAll(loop3Path());
        assertEquals(twice, ips(out), out.toString());
        // A per-thread queue has no CPU: perf prints [-01].
        assertEquals(-1, out.insns().get(0).cpu());
        assertEquals(ns(TSC0), out.insns().get(0).time());
        assertEquals(ns(TSC0 + 1_000), out.insns().get(11).time());
        try (PerfData data = PerfData.open(dir); IntelPtData pt = IntelPtData.read(data)) {
            assertEquals(0, pt.info().perCpuMmaps());
            assertEquals(0, pt.info().haveSchedSwitch());
            assertTrue(!pt.queues().perCpu());
            AuxQueue one = pt.queues().byTid(101).orElseThrow();
            AuxQueue two = pt.queues().byTid(202).orElseThrow();
            assertEquals(0, one.number());
            assertEquals(1, two.number());
            assertEquals(-1, one.cpu());
            assertEquals(one.number(), one.writes().get(0).queue());
            assertEquals(two.number(), two.writes().get(0).queue());
            assertEquals(101, one.writes().get(0).tid());
        }
    }
}
