package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfReportDump.DumpedRecord;
import dev.textpoke.perf.oracle.PerfScriptOutput.ScriptSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The oracles checked against each other before anything is checked against them: perf's
 * {@code report -D} counts equal the independent Python walk, and {@code perf script} lists the
 * samples {@code report -D} lists, on every recording in {@code traces/}.
 */
class PerfOutputParsersTest {

    static List<Path> recordings() {
        return TraceFiles.recordings();
    }

    static Map<String, Long> prefixed(Map<String, Long> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put("PERF_RECORD_" + k, v));
        return out;
    }

    static PerfReportDump committedDump(Path recording) throws Exception {
        return PerfReportDump.parse(Files.readAllLines(TraceFiles.expected(recording, "report-D.txt")));
    }

    @ParameterizedTest
    @MethodSource("recordings")
    void perfsCountsEqualTheIndependentWalk(Path recording) throws Exception {
        PerfReportDump dump = committedDump(recording);
        PerfWalk walk = PerfWalk.of(recording);
        assertNull(walk.errorAt(), walk.problem());
        assertEquals(walk.counts(), prefixed(dump.countsOfInputRecords()));
        long listed = dump.records().stream().filter(r -> !r.synthesized()).count();
        long compressed = dump.aggregatedStats().getOrDefault("COMPRESSED", 0L);
        assertEquals(walk.counts().values().stream().mapToLong(Long::longValue).sum(), listed + compressed,
                "perf lists every record but COMPRESSED with an event line");
    }

    @ParameterizedTest
    @MethodSource("recordings")
    void perfScriptListsTheSamplesOfReportD(Path recording) throws Exception {
        PerfReportDump dump = committedDump(recording);
        List<String> lines = Files.readAllLines(TraceFiles.expected(recording, "script.txt"));
        Set<String> fields = Set.of(lines.get(0).replace("# fields: ", "").split(","));
        PerfScriptOutput script = PerfScriptOutput.parse(lines, fields);
        List<DumpedRecord> dumped = dump.samples();
        assertEquals(dump.aggregatedStats().get("SAMPLE"), (long) dumped.size());
        // perf delivers a sample with READ values as one sample per counter (session.c,
        // deliver_sample_group): the period is the counter's increase since its last read.
        long delivered = dumped.stream().mapToLong(r -> r.sample().reads() == null ? 1 : r.sample().reads().size()).sum();
        assertEquals(delivered, script.samples().size());
        assertFalse(script.mmaps().isEmpty());
        Comparator<long[]> byAll = Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1])
                .thenComparingLong(a -> a[2]);
        List<long[]> fromDump = dumped.stream()
                .flatMap(r -> java.util.stream.Stream.generate(() -> r).limit(r.sample().reads() == null ? 1 : r.sample().reads().size()))
                .map(r -> new long[] {r.sample().time(), r.sample().pid(), r.sample().tid()})
                .sorted(byAll).toList();
        List<long[]> fromScript = script.samples().stream()
                .map(s -> new long[] {s.time(), s.pid(), s.tid()}).sorted(byAll).toList();
        for (int i = 0; i < fromDump.size(); i++) {
            assertEquals(List.of(fromDump.get(i)[0], fromDump.get(i)[1], fromDump.get(i)[2]),
                    List.of(fromScript.get(i)[0], fromScript.get(i)[1], fromScript.get(i)[2]));
        }
        // Call chains: perf script prints every frame of the raw chain but the context markers.
        Map<Long, Integer> dumpFrames = dumped.stream().filter(r -> r.sample().callchain() != null)
                .collect(Collectors.toMap(r -> r.sample().time(),
                        r -> (int) r.sample().callchain().stream().filter(ip -> Long.compareUnsigned(ip, -4095L) < 0).count(),
                        (a, b) -> a));
        for (ScriptSample s : script.samples()) {
            if (s.callchain() != null && !recording.toString().contains("dwarf") && dumpFrames.containsKey(s.time())) {
                assertEquals(dumpFrames.get(s.time()), s.callchain().size(), "frames at " + s.time());
            }
        }
    }

    @Test
    void committedOutputsAreWhatPerfSaysToday(@TempDir Path tmp) throws Exception {
        if (PerfTool.offline()) {
            return; // nothing to compare with
        }
        PerfTool perf = PerfTool.in(tmp);
        for (Path recording : recordings()) {
            PerfTool.Result r = perf.run("report", "-D", "-i", recording.toString());
            assertEquals(0, r.status(), r.err());
            PerfReportDump live = PerfReportDump.parse(r.out());
            PerfReportDump committed = committedDump(recording);
            assertEquals(committed.aggregatedStats(), live.aggregatedStats(), recording.toString());
            assertEquals(committed.samples().size(), live.samples().size());
            for (int i = 0; i < live.samples().size(); i++) {
                assertEquals(committed.samples().get(i).sample(), live.samples().get(i).sample());
            }
        }
    }

    @Test
    void sampleLinesWithAndWithoutCpuAndChain() {
        PerfReportDump d = PerfReportDump.parse(List.of(
                "0x4b0@x.data [0x58]: event: 9",
                ". ... raw event: size 88 bytes",
                "1392697079110 0x4b0 [0x58]: PERF_RECORD_SAMPLE(IP, 0x2): 7732/7733: 0x5645d53c3317 period: 1000000 addr: 0",
                "... FP chain: nr:2",
                ".....  0: fffffffffffffe00",
                ".....  1: 00005645d53c3317",
                " ... thread: workload:7732",
                "0@(null) [0x90]: event: 64",
                "0 0 0 [0x90]: PERF_RECORD_ATTR",
                "0x500@x.data [0x30]: event: 9",
                "3 77 0x500 [0x30]: PERF_RECORD_SAMPLE(IP, 0x1): -1/0: 0xffffffff81000000 period: 5 addr: 0x10",
                "Aggregated stats:",
                "           TOTAL events:          3",
                "          SAMPLE events:          2  (66.7%)",
                "            ATTR events:          1  (33.3%)",
                "cpu-clock stats:",
                "          SAMPLE events:          1"));
        assertEquals(3, d.records().size());
        var first = d.records().get(0).sample();
        assertEquals(new PerfReportDump.DumpedSample(null, 1392697079110L, 2, 7732, 7733, 0x5645d53c3317L,
                1000000, 0, List.of(0xfffffffffffffe00L, 0x5645d53c3317L), null, null), first);
        assertTrue(d.records().get(1).synthesized());
        var third = d.records().get(2).sample();
        assertEquals(3L, third.cpu());
        assertEquals(77L, third.time());
        assertEquals(-1, third.pid());
        assertEquals(0x10, third.addr());
        assertEquals(Map.of("SAMPLE", 2L, "ATTR", 1L), d.aggregatedStats());
        assertEquals(Map.of("SAMPLE", 2L), d.countsOfInputRecords());
    }

    @Test
    void scriptSampleWithChainAndBranchStack() {
        PerfScriptOutput o = PerfScriptOutput.parse(List.of(
                "perf  6520/6520  [000]  2488.437657339:    1495736 cycles: ",
                "\tffffffff81068283",
                "\t            ece0 (inlined)",
                " 0xffffffff81068283/0xffffffff8106827e/P/-/-/0/  0x1/0x2/M/X/A/17/COND ",
                "",
                "memfd:sealed-91     0/0     [001]     0.000000000: PERF_RECORD_MMAP2 1056/1056: [0x7fc068c29000(0x2000) @ 0 00:00 0 0]: r-xp [vdso]",
                "   sh  5/6  [001]  1.000000002:          1 sched:sched_switch:  ffffffff81000000 0x3/0x4/-/-/-/0/ "),
                Set.of("comm", "tid", "pid", "cpu", "time", "period", "event", "ip", "brstack"));
        assertEquals(2, o.samples().size());
        ScriptSample s = o.samples().get(0);
        assertEquals("perf", s.comm());
        assertEquals(List.of(0xffffffff81068283L, 0xece0L), s.callchain());
        assertNull(s.ip());
        assertEquals(2, s.brstack().size());
        assertEquals(new PerfScriptOutput.ScriptBranch(1, 2, "M", true, true, 17, "COND"), s.brstack().get(1));
        assertEquals(2488_437657339L, s.time());
        ScriptSample t = o.samples().get(1);
        assertEquals("sched:sched_switch", t.event());
        assertEquals(0xffffffff81000000L, t.ip());
        assertEquals(1L, t.period());
        assertEquals(1, t.brstack().size());
        assertEquals(new PerfScriptOutput.ScriptMmap(1056, 1056, 0x7fc068c29000L, 0x2000, 0, "[vdso]"), o.mmaps().get(0));
    }
}
