package dev.textpoke.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.JsonSchemaTest;
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

/**
 * {@code decode --task} and its filters against perf 6.1's default columns ({@code perf script
 * --itrace=b}, {@code --tid}, {@code --pid}, {@code --comm}) on a recording our writer makes: one
 * CPU runs loop3 in task "first" (100), a CPU-wide context switch puts thread 201 of process 200 on
 * it, forked from 200 "second" and so named by no COMM of its own, and loop3 runs again.
 */
class DecodeTasksMatchPerfTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
        TestKernel kernel = TestKernel.build(tmp);
        long t0 = PtPerfDataWriterTest.TSC0;
        long t1 = t0 + 240_000; // 100 us later
        long loop3 = kernel.at("loop3");
        PacketEncoder e = PtPerfDataWriterTest.start(t0, loop3).tnt(PtPerfDataWriterTest.TTNT, 4);
        e.ip(dev.textpoke.pt.packet.PacketType.TIP_PGD, dev.textpoke.pt.packet.IpCompression.SUPPRESSED, 0);
        Bytes trace = PtPerfDataWriterTest.end(e.psb().tsc(t1).psbend().modeExec(64, false).tipPge(loop3)
                .tnt(PtPerfDataWriterTest.TTNT, 4));
        long mid = PtPerfDataWriterTest.ns(t0 + 120_000);
        long start = PtPerfDataWriterTest.ns(t0) - 1_000;
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2)
                .stream(AuxStream.ofCpu(1, trace, PtPerfDataWriterTest.ns(t1) + 5_000))
                .sideband(SidebandEvent.Comm.of(start - 3_000, 0, 100, 100, "first"))
                .sideband(SidebandEvent.Comm.of(start - 2_000, 0, 200, 200, "second"))
                .sideband(new SidebandEvent.Fork(start - 1_500, 0, 200, 200, 201, 200, -1))
                .sideband(new SidebandEvent.ItraceStart(start, 1, 100, 100, -1))
                .sideband(SidebandEvent.Switch.out(mid, 1, 100, 100, 200, 201, true))
                .sideband(SidebandEvent.Switch.in(mid + 1, 1, 200, 201, 100, 100))
                .build();
        dir = tmp.resolve("tasks.data");
        PtPerfDataWriter.writeDirectory(rec, dir);
    }

    private static final Pattern PERF = Pattern.compile(
            "^\\s*(\\S+)\\s+(\\d+) \\[(\\d+)\\]\\s+\\S+:\\s+\\d+\\s+branches:\\S*.*?\\s([0-9a-f]+) \\S+"
                    + " \\([^)]*\\) =>\\s+([0-9a-f]+) ");
    private static final Pattern OURS = Pattern.compile(
            "^\\s*(\\S+)\\s+(\\d+) \\[(\\d+)\\] \\S+: [a-z ]{7} ([0-9a-f]{16}) .*? => ([0-9a-f]{16}) ");

    static List<String> lines(List<String> text, Pattern p) {
        List<String> out = new ArrayList<>();
        for (String l : text) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                out.add(m.group(1) + " " + m.group(2) + " [" + Integer.parseInt(m.group(3)) + "] "
                        + Long.toHexString(Long.parseUnsignedLong(m.group(4), 16)) + " => "
                        + Long.toHexString(Long.parseUnsignedLong(m.group(5), 16)));
            }
        }
        return out;
    }

    static List<String> perfLines(String... filter) throws Exception {
        List<String> args = new ArrayList<>(List.of("script", "-i", dir.toString(), "--itrace=b"));
        args.addAll(List.of(filter));
        PerfTool.Result r = perf.run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return lines(r.out(), PERF);
    }

    static List<String> ourLines(String... filter) {
        List<String> args = new ArrayList<>(List.of("decode", "--task"));
        args.addAll(List.of(filter));
        args.add(dir.toString());
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return lines(List.of(r.out().split("\n")), OURS);
    }

    @Test
    void everyLineNamesTheTaskPerfNames() throws Exception {
        List<String> perfs = perfLines();
        assertTrue(perfs.stream().anyMatch(l -> l.startsWith("first 100 ")), perfs.toString());
        assertTrue(perfs.stream().anyMatch(l -> l.startsWith("second 201 ")), perfs.toString());
        assertEquals(perfs, ourLines());
    }

    @Test
    void theFiltersChooseTheLinesPerfChooses() throws Exception {
        for (String[] f : List.of(new String[] {"--tid", "201"}, new String[] {"--pid", "100"},
                new String[] {"--comm", "second"}, new String[] {"--pid", "100,200"}, new String[] {"--tid", "7"})) {
            List<String> perfs = perfLines(f);
            assertEquals(perfs, ourLines(f), String.join(" ", f));
        }
        assertTrue(perfLines("--tid", "201").size() >= 4);
    }

    @Test
    void jsonLinesCarryTheTask() {
        CliRun r = CliRun.of("decode", "--task", "--json", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("\"pid\":200,\"tid\":201,\"comm\":\"second\",\"type\":\"branch\""), r.out());
        JsonSchemaTest.assertDocumented("decode", r.out());
    }
}
