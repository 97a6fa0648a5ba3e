package dev.textpoke.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.perf.SidebandEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code textpoke decode --insns} lists the same instructions as perf 6.1 ({@code perf script
 * --itrace=i0ns}) on writer-made recordings where perf is right: same CPU, address, symbol+offset
 * and bytes, in the same order; and on the simulator's traces in {@code traces/pt/}.
 */
class DecodeMatchesPerfTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;
    static TestKernel kernel;

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
        kernel = TestKernel.build(tmp);
    }

    private static final Pattern INSN = Pattern.compile(
            "^\\{\"cpu\":(\\d+),\"time\":(\\d+),\"type\":\"insn\",\"ip\":\"0x([0-9a-f]+)\",\"sym\":(?:\"([^\"]+)\"|null),"
                    + "\"symoff\":(\\d+|null),\"bytes\":\"([0-9a-f]+)\",");

    record Line(int cpu, long ip, String symOff, String bytes) {}

    static List<Line> textpoke(Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("decode", "--insns", "--json"));
        args.addAll(List.of(extra));
        args.add(dir.toString());
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        List<Line> out = new ArrayList<>();
        for (String l : r.out().split("\n")) {
            Matcher m = INSN.matcher(l);
            if (m.find()) {
                // perf names what it cannot name [unknown], and gives no offset then
                String symOff = m.group(4) == null ? "[unknown]" : m.group(4) + "+0x" + Long.toHexString(Long.parseLong(m.group(5)));
                out.add(new Line(Integer.parseInt(m.group(1)), Long.parseUnsignedLong(m.group(3), 16), symOff, m.group(6)));
            }
        }
        return out;
    }

    static List<Line> perf(Path dir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-i", dir.toString()));
        args.addAll(List.of(extra));
        List<Line> out = new ArrayList<>();
        for (PerfInsns.Insn i : PerfInsns.run(perf, args.toArray(String[]::new)).insns()) {
            out.add(new Line(i.cpu(), i.ip(), i.symOff(), i.bytes().replace(" ", "")));
        }
        return out;
    }

    @Test
    void loopsCallsAndReturnsAsPerfDecodesThem() throws Exception {
        Bytes trace = PtPerfDataWriterTest.end(PtPerfDataWriterTest.start(PtPerfDataWriterTest.TSC0,
                kernel.at("loop3")).tnt(PtPerfDataWriterTest.TTNT, 4));
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2)
                .stream(AuxStream.ofCpu(1, trace, PtPerfDataWriterTest.ns(PtPerfDataWriterTest.TSC0) + 5_000))
                .sideband(new SidebandEvent.ItraceStart(PtPerfDataWriterTest.ns(PtPerfDataWriterTest.TSC0) - 1_000,
                        1, 0, 0, -1))
                .build();
        Path dir = tmp.resolve("loop3.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
        List<Line> perfs = perf(dir);
        assertTrue(perfs.size() >= 10, perfs.toString());
        assertEquals(perfs, textpoke(dir));
    }

    /**
     * Tracing enabled by a WRMSR: the PSB+ gives the WRMSR's IP (here loop3's first instruction)
     * and the TIP.PGE the next instruction's. perf takes the TIP.PGE as the trace's start, without
     * an error ({@code --itrace=be} prints none), and decodes from there; textpoke does the same.
     * (The Skylake recording of quipper's {@code perf.data.intel_pt-4.14} starts so.)
     */
    @Test
    void aTraceEnabledAfterThePsbIpStartsWithoutAnError() throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0 + 40_000;
        long l = kernel.at("loop3");
        Bytes trace = PtPerfDataWriterTest.end(new PacketEncoder().psb().tsc(t0).fup(l)
                .psbend().modeExec(64, false).tipPge(l + 5).tnt(PtPerfDataWriterTest.TTNT, 4));
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2)
                .stream(AuxStream.ofCpu(1, trace, PtPerfDataWriterTest.ns(t0) + 5_000))
                .sideband(new SidebandEvent.ItraceStart(PtPerfDataWriterTest.ns(t0) - 1_000, 1, 0, 0, -1))
                .build();
        Path dir = tmp.resolve("wrmsr.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
        PerfTool.Result errors = perf.run("script", "-i", dir.toString(), "--itrace=be");
        assertEquals(0, errors.status(), errors.err());
        assertTrue(errors.out().stream().noneMatch(x -> x.contains("error")), errors.out().toString());
        // the trace starts at the TIP.PGE's target
        assertTrue(errors.out().get(0).contains("0 [unknown] ([unknown]) => " + Long.toHexString(l + 5)),
                errors.out().toString());
        CliRun ours = CliRun.of("decode", dir.toString());
        assertEquals(0, ours.status(), ours.err());
        assertTrue(ours.out().lines().noneMatch(x -> x.contains(" error ")), ours.out());
        List<Line> perfs = perf(dir);
        assertTrue(perfs.size() >= 9, perfs.toString());
        assertEquals(perfs, textpoke(dir));
    }

    @Test
    void twoCpusMergeByTimeAndTheThreadCountChangesNothing() throws Exception {
        long t0 = PtPerfDataWriterTest.TSC0;
        Bytes cpu0 = PtPerfDataWriterTest.end(PtPerfDataWriterTest.start(t0, kernel.at("loop3"))
                .tnt(PtPerfDataWriterTest.TTNT, 4));
        Bytes cpu1 = PtPerfDataWriterTest.end(PtPerfDataWriterTest.start(t0 + 2_400, kernel.at("loop3"))
                .tnt(PtPerfDataWriterTest.TTNT, 4));
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2)
                .stream(AuxStream.ofCpu(0, cpu0, PtPerfDataWriterTest.ns(t0) + 5_000))
                .stream(AuxStream.ofCpu(1, cpu1, PtPerfDataWriterTest.ns(t0) + 6_000))
                .sideband(new SidebandEvent.ItraceStart(PtPerfDataWriterTest.ns(t0) - 1_000, 0, 0, 0, -1))
                .sideband(new SidebandEvent.ItraceStart(PtPerfDataWriterTest.ns(t0) - 1_000, 1, 0, 0, -1))
                .build();
        Path dir = tmp.resolve("two.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
        List<Line> perfs = perf(dir);
        assertEquals(perfs, textpoke(dir));
        for (String mode : List.of("--insns", "--json", "--summary")) {
            CliRun one = CliRun.of("decode", mode, "--threads", "1", dir.toString());
            CliRun two = CliRun.of("decode", mode, "--threads", "2", dir.toString());
            assertEquals(0, one.status(), one.err());
            assertEquals(one.out(), two.out(), mode);
        }
        CliRun summary = CliRun.of("decode", "--summary", "--json", dir.toString());
        assertTrue(summary.out().contains("\"instructions\":" + perfs.size() + ","), summary.out());
    }

    /**
     * The simulator's committed traces, made as {@code perf record -e intel_pt//k --kcore -a}
     * makes them: interrupts, several CPUs, CYC and no return compression ({@code cyc.data}),
     * jump labels, ftrace sites and kprobes flipped under fine timing ({@code pokes.data}, where
     * perf's switching by timestamp is right), and user code of three threads of a process, read
     * from the file its MMAP2 names through {@code --symfs} ({@code user.data}): every instruction
     * as perf decodes it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"kernel.data", "cyc.data", "pokes.data", "user.data"})
    void simulatedTracesDecodeAsPerfDecodesThem(String name) throws Exception {
        Path dir = dev.textpoke.perf.oracle.TraceFiles.root().resolve("traces/pt").resolve(name);
        // user.data maps its user code from /program/user.bin, which the directory holds
        String[] symfs = name.equals("user.data") ? new String[] {"--symfs", dir.toString()} : new String[0];
        List<Line> perfs = perf(dir, symfs);
        assertTrue(perfs.size() > 50_000, name + ": perf decoded " + perfs.size());
        List<Line> ours = textpoke(dir, symfs);
        assertEquals(perfs.size(), ours.size(), name + ": instructions");
        // per CPU, in order (how two CPUs' lines interleave at equal times is perf's sort's business)
        for (int cpu = 0; cpu < 8; cpu++) {
            int c = cpu;
            List<Line> p = perfs.stream().filter(l -> l.cpu() == c).toList();
            List<Line> o = ours.stream().filter(l -> l.cpu() == c).toList();
            int i = 0;
            while (i < p.size() && i < o.size() && p.get(i).equals(o.get(i))) {
                i++;
            }
            assertTrue(i == p.size() && i == o.size(), name + " cpu " + cpu + ": first difference at " + i + ": perf "
                    + p.subList(i, Math.min(p.size(), i + 3)) + " textpoke " + o.subList(i, Math.min(o.size(), i + 3)));
        }
    }
}
