package dev.textpoke.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.SiteKind;
import dev.textpoke.scenario.perf.PerfScript;
import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.score.CpuScore;
import dev.textpoke.scenario.score.Run;
import dev.textpoke.scenario.spec.Scenario;
import dev.textpoke.scenario.spec.ScenarioParser;
import dev.textpoke.scenario.workload.PatchSite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenarios in {@code traces/scenarios/} under the x86 INT3 protocol, against the simulator's
 * ground truth: with replay, textpoke's decode of the perf.data written for each run (as {@code
 * textpoke decode} reads it) has no wrong instruction, none missed and no desynchronisation, on
 * every CPU; without replay it goes wrong, and how much is counted; perf 6.1 decodes the same
 * perf.data, and every stretch where it differs from what ran is attributed to a site, a
 * protocol phase and a reason.
 */
class ScenarioFilesTest {
    static final Path DIR = Path.of(System.getProperty("textpoke.root", ".."), "traces", "scenarios");

    @TempDir
    Path tmp;

    static List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void theInt3ProtocolDecodesEveryScenarioAsItRan() throws Exception {
        assertTrue(PerfScript.available(), "perf is the oracle here: install linux-perf (scripts/ensure-deps test)");
        List<Path> files = files();
        assertTrue(files.size() >= 12, "scenario files: " + files);
        Set<Integer> cpuCounts = new HashSet<>();
        Set<Integer> batchSizes = new HashSet<>();
        Set<SiteKind> kinds = new HashSet<>();
        long traps = 0;
        long irqScenarios = 0;
        long wrongWithoutReplay = 0;
        long perfDiffers = 0;
        List<String> perfWhy = new ArrayList<>();
        for (Path f : files) {
            Scenario s = ScenarioParser.read(f);
            ProtocolResult r = ScenarioRunner.run(s, Protocol.byName("x86-int3"), new RunOptions(true, tmp.resolve(s.name())));
            String what = f.getFileName().toString();
            DecoderResult on = r.decode("textpoke", true);
            for (CpuScore c : on.cpus()) {
                assertEquals(0, c.wrong(), what + " cpu " + c.cpu() + ": " + c.runs());
                assertEquals(0, c.missed(), what + " cpu " + c.cpu() + ": " + c.runs());
                assertEquals(0, c.desyncs(), what + " cpu " + c.cpu());
                assertTrue(c.decoded() > 1000, what + " cpu " + c.cpu() + " decoded " + c.decoded());
            }
            DecoderResult off = r.decode("textpoke", false);
            long offBad = off.wrong() + off.missed();
            assertTrue(offBad > 0, what + ": without replay the decode should go wrong");
            wrongWithoutReplay += offBad;
            DecoderResult perf = r.decode("perf", true);
            assertNotNull(perf, what + ": perf's decode");
            assertTrue(perf.decoded() > 0, what + ": perf decoded nothing");
            for (CpuScore c : perf.cpus()) {
                for (Run x : c.runs()) {
                    assertFalse(x.site().equals("-"), what + ": perf's stretch without a site: " + x);
                    assertFalse(x.phase().isEmpty(), what + ": " + x);
                    perfWhy.add(x.why());
                }
                perfDiffers += c.wrong() + c.missed();
            }
            cpuCounts.add(s.cpus());
            r.batches().forEach(b -> batchSizes.add(b.patches().size()));
            r.program().sites().stream().map(PatchSite::kind).forEach(kinds::add);
            traps += r.truth().stream().mapToLong(CpuTruth::trapHits).sum();
            if (!s.interrupts().isEmpty()) {
                irqScenarios++;
            }
        }
        assertTrue(cpuCounts.contains(2) && cpuCounts.contains(8), "2 to 8 CPUs: " + cpuCounts);
        assertTrue(batchSizes.contains(1) && batchSizes.contains(2) && batchSizes.contains(50), "batch sizes " + batchSizes);
        assertTrue(kinds.containsAll(Set.of(SiteKind.JUMP_LABEL_2, SiteKind.JUMP_LABEL_5, SiteKind.FTRACE,
                SiteKind.STATIC_CALL)), "site kinds " + kinds);
        assertTrue(traps > 100, "CPUs hit the int3: " + traps);
        assertTrue(irqScenarios >= 2, "scenarios with interrupts: " + irqScenarios);
        assertTrue(wrongWithoutReplay > 10_000, "without replay: " + wrongWithoutReplay);
        assertTrue(perfDiffers > 0, "perf differs somewhere (coarse timing, ftrace trampolines)");
        assertTrue(perfWhy.stream().anyMatch(w -> w.startsWith("perf read ")), "perf's stretches say what it read");
    }
}
