package dev.textpoke.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.perf.AuxBuffer;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.AuxWrite;
import dev.textpoke.pt.perf.IntelPtData;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.pt.perf.SidebandEvent;
import dev.textpoke.pt.perf.TscConversion;
import dev.textpoke.pt.packet.IpCompression;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.packet.PacketType;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * perf 6.1 decodes the Intel PT of perf.data directories the writer makes, without PT hardware:
 * the instructions it prints are the ones the packets ({@link PacketEncoder}) imply over a gcc-built kernel
 * (addresses from nm, bytes from objdump), at the times the TSC packets give (perf's formula
 * redone in exact integer math), with a TEXT_POKE applied between two runs of the same code.
 * textpoke's reader reads every value back.
 */
class PtPerfDataWriterTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;
    static TestKernel kernel;

    /** 1000 s of a 2.4 GHz TSC. */
    static final long TSC0 = 2_400_000_000_000L;
    static final TscConversion TSC = TscConversion.forFrequency(2_400_000_000L, 0);

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
        kernel = TestKernel.build(tmp);
    }

    /** PSB+ with a TSC, then tracing enabled at {@code ip} in 64-bit mode. */
    static PacketEncoder start(long tsc, long ip) {
        return new PacketEncoder().psb().tsc(tsc).psbend().modeExec(64, false).tipPge(ip);
    }

    /** Tracing disabled at the next branch (TIP.PGD, IP suppressed), and the bytes. */
    static Bytes end(PacketEncoder e) {
        return Bytes.wrapOwned(e.ip(PacketType.TIP_PGD, IpCompression.SUPPRESSED, 0).toByteArray());
    }

    /** T, T, N, T: loop3's three jnz and leaf's compressed ret, oldest in the highest bit. */
    static final long TTNT = 0b1101;

    static long ns(long tsc) {
        // perf's tsc_to_perf_time is floor(tsc * mult / 2^shift) + time_zero, mod 2^64.
        return BigInteger.valueOf(tsc).multiply(BigInteger.valueOf(TSC.timeMult())).shiftRight(TSC.timeShift())
                .add(BigInteger.valueOf(TSC.timeZero())).longValue();
    }

    @Test
    void perfDecodesTheInstructionsThePacketsImply() throws Exception {
        // loop3: mov; dec; jnz (taken, taken, not taken); call leaf; nop; ret (compressed: a taken
        // bit); ret out of the traced region (TIP.PGD).
        Bytes trace = end(start(TSC0, kernel.at("loop3")).tnt(TTNT, 4));
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2)
                .stream(AuxStream.ofCpu(1, trace, ns(TSC0) + 5_000))
                .sideband(new SidebandEvent.ItraceStart(ns(TSC0) - 1_000, 1, 0, 0, -1))
                .build();
        Path dir = tmp.resolve("loop3.data");
        PtPerfDataWriter.writeDirectory(rec, dir);

        PerfInsns out = PerfInsns.run(perf, "-i", dir.toString());
        List<Long> path = List.of(kernel.insn("loop3", 0), kernel.insn("loop3", 1), kernel.insn("loop3", 2),
                kernel.insn("loop3", 1), kernel.insn("loop3", 2), kernel.insn("loop3", 1), kernel.insn("loop3", 2),
                kernel.insn("loop3", 3), kernel.insn("leaf", 0), kernel.insn("leaf", 1), kernel.insn("loop3", 4));
        assertEquals(path.size(), out.insns().size(), out.toString());
        for (int i = 0; i < path.size(); i++) {
            PerfInsns.Insn in = out.insns().get(i);
            assertEquals(path.get(i), in.ip(), "instruction " + i);
            assertEquals(kernel.insnBytes().get(path.get(i)), in.bytes(), "instruction " + i);
            assertEquals(1, in.cpu());
            assertEquals(ns(TSC0), in.time(), "no MTC: every instruction has the PSB's TSC");
            String fn = in.ip() >= kernel.at("leaf") ? "leaf" : "loop3";
            assertEquals(fn + "+0x" + Long.toHexString(in.ip() - kernel.at(fn)), in.symOff());
        }
    }

    @Test
    void aPokeBetweenTwoRunsChangesTheCodeTheSecondRuns() throws Exception {
        long site = kernel.at("patched_site");
        long slow = kernel.at("patched_slow");
        Bytes nop5 = Bytes.ofHex(kernel.insnBytes().get(site));
        assertEquals(Bytes.ofHex("0f1f440000"), nop5);
        long rel = slow - (site + 5);
        Bytes jmp = Bytes.of((byte) 0xe9, (byte) rel, (byte) (rel >> 8), (byte) (rel >> 16), (byte) (rel >> 24));
        long run2 = TSC0 + 48_000;
        Bytes trace = Bytes.wrapOwned(concat(end(start(TSC0, kernel.at("patched"))),
                end(start(run2, kernel.at("patched")))));
        long pokeTime = ns(TSC0 + 24_000);
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2)
                .stream(AuxStream.ofCpu(0, trace, ns(run2) + 5_000))
                .sideband(new SidebandEvent.ItraceStart(ns(TSC0) - 1_000, 0, 0, 0, -1))
                .sideband(new SidebandEvent.TextPoke(pokeTime, 1, site, nop5, jmp, -1))
                .build();
        Path dir = tmp.resolve("poke.data");
        PtPerfDataWriter.writeDirectory(rec, dir);

        PerfInsns out = PerfInsns.run(perf, "-i", dir.toString(), "--show-text-poke-events");
        List<Long> before = List.of(kernel.insn("patched", 0), kernel.insn("patched", 1), kernel.insn("patched", 2));
        List<Long> after = List.of(site, kernel.insn("patched", 3), kernel.insn("patched", 4));
        List<Long> ips = out.insns().stream().map(PerfInsns.Insn::ip).toList();
        List<Long> expected = new ArrayList<>(before);
        expected.addAll(after);
        assertEquals(expected, ips, out.toString());
        assertEquals("0f 1f 44 00 00", out.insns().get(0).bytes());
        assertEquals(hex(jmp), out.insns().get(3).bytes());
        assertEquals(ns(TSC0), out.insns().get(0).time());
        assertEquals(ns(run2), out.insns().get(3).time());
        // --show-text-poke-events: "[001] <time>: PERF_RECORD_TEXT_POKE <addr> <sym>+<off> old len 5 new len 5".
        String poke = out.otherLines().stream().filter(l -> l.contains("PERF_RECORD_TEXT_POKE")).findFirst()
                .orElseThrow(() -> new AssertionError(out.toString()));
        assertTrue(poke.contains(Long.toHexString(site) + " patched+0x0 old len 5 new len 5"), poke);
        assertTrue(poke.startsWith("[001]"), poke);
        assertTrue(out.otherLines().contains("            Old bytes: " + hex(nop5)), out.toString());
        assertTrue(out.otherLines().contains("            New bytes: " + hex(jmp)), out.toString());
    }

    @Test
    void theReaderReadsBackWhatWasWritten() throws Exception {
        Bytes cpu0 = end(start(TSC0, kernel.at("loop3")).tnt(TTNT, 4));
        Bytes cpu1 = end(start(TSC0 + 100, kernel.at("leaf")));
        PtConfig config = PtConfig.PERF_DEFAULT.withReturnCompression(false).withTiming(true, true, 6, true, 2);
        List<SidebandEvent> sideband = List.of(
                new SidebandEvent.Comm(0, 0, 0, 0, "swapper", false, -1),
                new SidebandEvent.ItraceStart(ns(TSC0) - 1_000, 0, 0, 0, -1),
                new SidebandEvent.ItraceStart(ns(TSC0) - 900, 1, 7, 8, -1),
                new SidebandEvent.Switch(ns(TSC0) + 200, 1, 7, 8, true, true, true, 9, 10, -1),
                new SidebandEvent.Ksymbol(ns(TSC0) + 300, 0, 0xffffffffc0400000L, 256, 2, false, "tramp", -1),
                new SidebandEvent.TextPoke(ns(TSC0) + 400, 0, 0xffffffffc0400000L, Bytes.EMPTY, Bytes.ofHex("c3"), -1));
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2).config(config)
                .stream(AuxStream.cut(0, cpu0, 16, end -> ns(TSC0) + 10 * end))
                .stream(AuxStream.ofCpu(1, cpu1, ns(TSC0) + 1_000))
                .sideband(sideband)
                .build();
        Path dir = tmp.resolve("readback.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
        try (PerfData data = PerfData.open(dir); IntelPtData pt = IntelPtData.read(data)) {
            assertTrue(pt.damage().isEmpty());
            assertEquals(PtPerfDataWriter.info(rec), pt.info());
            assertEquals(config, pt.config());
            assertEquals(TSC, pt.tsc());
            assertEquals(TSC, TscConversion.of(pt.timeConv().orElseThrow()));
            assertEquals("intel_pt//k", pt.events().get(0).name());
            assertTrue(pt.events().get(0).tracesKernel());
            assertTrue(!pt.events().get(0).tracesUser());
            // cpu 0's trace in 16-byte chunks, each padded to 8 and continuing the one before.
            AuxQueue q0 = pt.queues().byCpu(0).orElseThrow();
            assertEquals((cpu0.length() + 15) / 16, q0.buffers().size());
            byte[] joined = new byte[cpu0.length()];
            for (AuxBuffer b : q0.buffers()) {
                Bytes piece = pt.queues().read(b);
                int real = (int) Math.min(16, cpu0.length() - b.auxOffset());
                piece.copyTo(0, joined, (int) b.auxOffset(), real);
                assertEquals(b.index() > 0, b.continues());
                assertEquals(TSC.toTsc(q0.writes().get(b.index()).time()), b.reference());
                assertEquals(0, b.size() % 8);
            }
            assertEquals(cpu0, Bytes.wrapOwned(joined));
            assertEquals(List.of(), q0.gaps());
            AuxQueue q1 = pt.queues().byCpu(1).orElseThrow();
            assertEquals(cpu1, pt.queues().read(q1.buffers().get(0)).slice(0, cpu1.length()));
            AuxWrite w1 = q1.writes().get(0);
            assertEquals(ns(TSC0) + 1_000, w1.time());
            assertEquals(cpu1.length(), w1.size());
            // The running thread the AUX record's sample_id names: cpu 1 switched to 9/10 at +200.
            assertEquals(10, w1.tid());
            // The sideband, in time order, as given (AUX records interleaved).
            List<SidebandEvent> back = new ArrayList<>();
            for (SidebandEvent e : pt.sideband().events()) {
                boolean kernelMap = e instanceof SidebandEvent.Mmap m && m.filename().equals("[kernel.kallsyms]_text");
                if (!(e instanceof AuxWrite) && !kernelMap) {
                    back.add(withoutOffset(e));
                }
            }
            assertEquals(sideband, back);
            assertEquals(10, pt.sideband().threadAt(1, ns(TSC0) + 200).orElseThrow().tid());
            assertEquals(8, pt.sideband().threadAt(1, ns(TSC0) + 199).orElseThrow().tid());
        }
    }

    @Test
    void perfCountsTheRecordsTextpokeCounts() throws Exception {
        Bytes trace = end(start(TSC0, kernel.at("loop3")).tnt(TTNT, 4));
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2)
                .stream(AuxStream.cut(1, trace, 8, end -> ns(TSC0) + end))
                .sideband(new SidebandEvent.ItraceStart(ns(TSC0) - 1_000, 1, 0, 0, -1))
                .sideband(new SidebandEvent.Comm(0, 1, 0, 0, "swapper", false, -1))
                .build();
        Path dir = tmp.resolve("counts.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
        var perfCounts = perf.reportDump(dir).countsOfInputRecords();
        try (PerfData data = PerfData.open(dir); IntelPtData pt = IntelPtData.read(data)) {
            int chunks = (trace.length() + 7) / 8;
            assertEquals(chunks, pt.queues().buffers().size());
            assertEquals((long) chunks, perfCounts.get("AUXTRACE"));
            assertEquals((long) chunks, perfCounts.get("AUX"));
            assertEquals(1L, perfCounts.get("ITRACE_START"));
            assertEquals(1L, perfCounts.get("AUXTRACE_INFO"));
            assertEquals(1L, perfCounts.get("TIME_CONV"));
            assertEquals(1L, perfCounts.get("MMAP"));
        }
    }

    private static SidebandEvent withoutOffset(SidebandEvent e) {
        if (e instanceof SidebandEvent.Comm c) {
            return new SidebandEvent.Comm(c.time(), c.cpu(), c.pid(), c.tid(), c.name(), c.exec(), -1);
        } else if (e instanceof SidebandEvent.ItraceStart s) {
            return new SidebandEvent.ItraceStart(s.time(), s.cpu(), s.pid(), s.tid(), -1);
        } else if (e instanceof SidebandEvent.Switch s) {
            return new SidebandEvent.Switch(s.time(), s.cpu(), s.pid(), s.tid(), s.out(), s.preempt(), s.cpuWide(),
                    s.nextPrevPid(), s.nextPrevTid(), -1);
        } else if (e instanceof SidebandEvent.Ksymbol k) {
            return new SidebandEvent.Ksymbol(k.time(), k.cpu(), k.addr(), k.len(), k.ksymType(), k.unregister(),
                    k.name(), -1);
        } else if (e instanceof SidebandEvent.TextPoke p) {
            return new SidebandEvent.TextPoke(p.time(), p.cpu(), p.addr(), p.oldBytes(), p.newBytes(), -1);
        }
        return e;
    }

    private static byte[] concat(Bytes a, Bytes b) {
        byte[] all = new byte[a.length() + b.length()];
        a.copyTo(all, 0);
        b.copyTo(all, a.length());
        return all;
    }

    private static String hex(Bytes b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length(); i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", b.get(i)));
        }
        return s.toString();
    }
}
