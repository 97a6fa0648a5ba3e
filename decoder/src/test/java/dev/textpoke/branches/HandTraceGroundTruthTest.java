package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.perf.oracle.MiniJson;
import dev.textpoke.perf.oracle.PerfTool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-run of the poke kernel's loop ({@link HandTrace}) with its 5- and 2-byte jump labels
 * flipping, and its ftrace site hooked to a trampoline that is later freed, sampled after every
 * branch: every range {@code textpoke branches --insns} prints is what ran (0 wrong instructions),
 * while perf's brstackinsn, which reads the whole stack with the code of the sample's time, shows
 * other instructions exactly on the ranges that ran before a flip, and drops the trampoline's once
 * it is gone; the summary's corrected count is the number of ranges whose code at the sample's time
 * differs from what ran.
 */
class HandTraceGroundTruthTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws Exception {
        perf = PerfTool.in(tmp);
    }

    static HandTrace scenario() throws Exception {
        return new HandTrace().iterations(2).schedTick(true).iterations(2).schedstat(true).iterations(1)
                .schedTick(false).iterations(1).ftraceOn().iterations(2).schedstat(false).iterations(1)
                .ftraceOff().iterations(2).sampleEvery(1);
    }

    /** Per sample, per range (oldest first), the instructions as "address:bytes". */
    static List<List<List<String>>> ranges(String jsonLines) {
        Map<Long, Map<Long, List<String>>> bySample = new LinkedHashMap<>();
        for (String line : jsonLines.split("\n")) {
            Map<String, Object> o = MiniJson.object(line);
            bySample.computeIfAbsent((Long) o.get("sample"), k -> new LinkedHashMap<>())
                    .computeIfAbsent((Long) o.get("range"), k -> new ArrayList<>())
                    .add(Long.parseUnsignedLong(((String) o.get("ip")).substring(2), 16) + ":" + o.get("bytes"));
        }
        List<List<List<String>>> out = new ArrayList<>();
        bySample.values().forEach(m -> out.add(new ArrayList<>(m.values())));
        return out;
    }

    static String text(Instruction i, HandTrace t, long time) {
        byte[] b = t.bytes(i.address(), i.length(), time);
        return i.address() + ":" + HexFormat.of().formatHex(b);
    }

    /** What ran, per sample, per range oldest first: the oldest branch, the ranges between, the final block. */
    static List<List<List<String>>> truth(HandTrace t, InstructionClassifier c) {
        List<List<List<String>>> out = new ArrayList<>();
        for (HandTrace.Sample s : t.samples) {
            List<HandTrace.Branch> b = s.newestFirst();
            List<List<String>> ranges = new ArrayList<>();
            HandTrace.Branch oldest = b.get(b.size() - 1);
            ranges.add(t.ran(c, oldest.from(), oldest.from(), oldest.time() - 1).stream()
                    .map(i -> text(i, t, oldest.time() - 1)).toList());
            for (int i = b.size() - 2; i >= 0; i--) {
                long when = b.get(i + 1).time();
                ranges.add(t.ran(c, b.get(i + 1).to(), b.get(i).from(), when).stream()
                        .map(x -> text(x, t, when)).toList());
            }
            ranges.add(t.ran(c, b.get(0).to(), s.ip(), s.time()).stream().map(x -> text(x, t, s.time())).toList());
            out.add(ranges);
        }
        return out;
    }

    @Test
    void everyRangeIsWhatRanAndPerfIsWrongWhereTheCodeFlipped() throws Exception {
        HandTrace t = scenario();
        Path dir = t.write(tmp.resolve("flips.data"));
        List<List<List<String>>> truth;
        try (InstructionClassifier c = InstructionClassifier.open(Isa.X86_64)) {
            truth = truth(t, c);
        }
        CliRun run = CliRun.of("branches", "--insns", "--json", dir.toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        List<List<List<String>>> ours = ranges(run.out());
        assertEquals(truth.size(), ours.size(), "samples");
        long instructions = 0;
        for (int s = 0; s < truth.size(); s++) {
            assertEquals(truth.get(s), ours.get(s), "sample " + s);
            instructions += truth.get(s).stream().mapToLong(List::size).sum();
        }
        assertTrue(instructions > 5000, "instructions checked: " + instructions);

        // perf, on the same file: each block against what ran, by the range it ends.
        PerfTool.Result p = perf.run("script", "-F", "brstackinsn", "-i", dir.toString());
        assertEquals(0, p.status(), p.err());
        List<List<PerfBrstackinsnOutput.Block>> perfSamples = PerfBrstackinsnOutput.parse(p.out());
        assertEquals(truth.size(), perfSamples.size(), "perf's samples");
        long perfWrong = 0;
        long perfWrongRanges = 0;
        long perfMissingRanges = 0;
        long shouldBeCorrected = 0;
        for (int s = 0; s < truth.size(); s++) {
            HandTrace.Sample sample = t.samples.get(s);
            List<List<String>> expected = truth.get(s);
            List<PerfBrstackinsnOutput.Block> blocks = perfSamples.get(s);
            int k = 0;
            for (int r = 0; r < expected.size(); r++) {
                List<String> want = expected.get(r);
                long end = Long.parseLong(want.get(want.size() - 1).split(":")[0]);
                PerfBrstackinsnOutput.Block got = null;
                if (k < blocks.size()) {
                    PerfBrstackinsnOutput.Block b = blocks.get(k);
                    long last = b.insns().get(b.insns().size() - 1).address();
                    if (last == end || (r == expected.size() - 1 && !b.jump())) {
                        got = b;
                        k++;
                    }
                }
                List<String> perfs = got == null ? List.of()
                        : got.insns().stream().map(i -> i.address() + ":" + i.bytes()).toList();
                if (!perfs.equals(want)) {
                    perfWrongRanges++;
                    if (got == null) {
                        perfMissingRanges++;
                    }
                    for (int i = 0; i < want.size(); i++) {
                        if (i >= perfs.size() || !perfs.get(i).equals(want.get(i))) {
                            perfWrong++;
                        }
                    }
                }
                // Independently of perf: does the code at the sample's time differ from what ran?
                List<String> atSample = new ArrayList<>();
                for (String x : want) {
                    String[] f = x.split(":");
                    atSample.add(f[0] + ":" + HexFormat.of().formatHex(t.bytes(Long.parseLong(f[0]),
                            f[1].length() / 2, sample.time())));
                }
                if (!atSample.equals(want)) {
                    shouldBeCorrected++;
                }
            }
        }
        System.out.printf("hand trace: %d samples, %d instructions; perf wrong on %d ranges (%d instructions),"
                + " %d ranges missing%n", truth.size(), instructions, perfWrongRanges, perfWrong, perfMissingRanges);
        assertTrue(perfWrong > 0, "perf reads the sample's code for every range, so it must be wrong somewhere");
        assertTrue(perfMissingRanges > 0, "the freed trampoline's ranges are not in perf's output");

        CliRun summary = CliRun.of("branches", "--summary", "--json", dir.toString());
        assertEquals(ExitStatus.OK, summary.status(), summary.err());
        Map<String, Object> sum = MiniJson.object(summary.out().strip());
        assertEquals((long) truth.size(), sum.get("samples"));
        assertEquals(0L, sum.get("inconsistent_ranges"));
        assertEquals(0L, sum.get("ambiguous_ranges"));
        assertEquals(0L, sum.get("unknown_ranges"));
        assertEquals(shouldBeCorrected, sum.get("corrected_ranges"));
        assertTrue(shouldBeCorrected > 0);
        // perf is wrong exactly on the ranges whose code changed between their run and the sample.
        assertEquals(shouldBeCorrected, perfWrongRanges);
    }
}
