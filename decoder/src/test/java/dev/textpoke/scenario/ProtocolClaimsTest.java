package dev.textpoke.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.protocol.Window;
import dev.textpoke.scenario.score.CpuScore;
import dev.textpoke.scenario.score.Run;
import dev.textpoke.scenario.score.Truth;
import dev.textpoke.scenario.spec.Scenario;
import dev.textpoke.scenario.spec.ScenarioFileException;
import dev.textpoke.scenario.spec.ScenarioParser;
import dev.textpoke.sim.exec.CplFilter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What each protocol other than the INT3 one shows, on scenario files run under it, against the
 * ground truth: arm64 nosync leaves windows in which another CPU ran either word, and the decoder
 * says how many it resolved from the trace (counts that add up, measured per window against the
 * windows the ground truth has); stop_machine and the brk-mediated scheme leave none and decode
 * without error; naive x86 writes are executed torn; user space without membarrier SYNC_CORE runs
 * stale code after the patcher's log says it switched, with it the decode is right.
 */
class ProtocolClaimsTest {
    static final Path DIR = ScenarioFilesTest.DIR;

    static ProtocolResult run(String file, String protocol) throws Exception {
        Scenario s = ScenarioParser.read(DIR.resolve(file));
        return ScenarioRunner.run(s, Protocol.byName(protocol), RunOptions.defaults());
    }

    @Test
    void nosyncWindowsAreCountedAndResolvedFromTheTraceWhereItCan() throws Exception {
        int windows = 0;
        int resolved = 0;
        int ambiguous = 0;
        for (String f : List.of("single-site.json", "batch-2.json", "cpus-8.json", "ftrace-and-jump-labels.json")) {
            ProtocolResult r = run(f, "arm64-nosync");
            List<Window> truth = r.outcome().windows();
            assertTrue(!truth.isEmpty(), f + ": nosync leaves windows");
            assertTrue(truth.stream().noneMatch(w -> w.cpu() == r.scenario().patcher()), f + ": the patcher has none");
            DecoderResult d = r.decode("textpoke", true);
            for (int cpu = 0; cpu < d.windows().size(); cpu++) {
                WindowStats w = d.windows().get(cpu);
                int c = cpu;
                assertEquals(truth.stream().filter(x -> x.cpu() == c).count(), w.windows(), f + " cpu " + cpu);
                assertEquals(w.decided(), w.resolved() + w.ambiguous(), f + " cpu " + cpu);
                assertTrue(w.decided() <= w.windows() && w.executed() <= w.windows(), f + " cpu " + cpu + " " + w);
                windows += w.windows();
                resolved += w.resolved();
                ambiguous += w.ambiguous();
            }
            // The ground truth has CPUs running the old word inside a window.
            assertTrue(r.truth().stream().mapToLong(CpuTruth::stale).sum() > 0, f + ": old words run in windows");
        }
        assertTrue(resolved > 0, "the trace resolves some windows: " + resolved + " of " + windows);
        assertTrue(ambiguous > 0, "and leaves others ambiguous: " + ambiguous + " of " + windows);
    }

    /**
     * Where a loop passes a site many times inside one window, each visit may read either word,
     * and readings that consumed the same waypoints with other instructions merge again and
     * again: what a merged reading stood for must stay ambiguous in the one kept. Before, a reading
     * that had absorbed the true one lost that when it was itself absorbed, and int3-hits (cpu 0)
     * and mixed-6cpu decoded 28 instructions each wrong and unmarked. The oracle is the ground
     * truth: no unambiguous instruction differs from what ran.
     */
    @Test
    void readingsMergedInsideANosyncWindowKeepWhatTheyStoodFor() throws Exception {
        for (String f : List.of("int3-hits.json", "mixed-6cpu.json", "rapid-flips.json")) {
            ProtocolResult r = run(f, "arm64-nosync");
            DecoderResult d = r.decode("textpoke", true);
            long ambiguous = 0;
            for (CpuScore c : d.cpus()) {
                assertEquals(0, c.wrong(), f + " cpu " + c.cpu() + " " + c.runs());
                assertEquals(0, c.missed(), f + " cpu " + c.cpu() + " " + c.runs());
                assertEquals(0, c.desyncs(), f + " cpu " + c.cpu());
                ambiguous += c.ambiguous();
            }
            assertTrue(ambiguous > 0, f + ": the windows leave readings the trace cannot tell apart");
        }
    }

    /**
     * batch-50: fifty windows open at once on each CPU, most of them left ambiguous. The scorer
     * once counted 11,387 of its instructions wrong and 3,043 missed: it placed an ambiguous
     * stretch that fewer than eight right instructions separate from the next one where eight
     * agreed, hundreds of instructions on. Two oracles: the scorer, and {@link UnmarkedPlacement},
     * which places no stretch on its own.
     */
    @Test
    void fiftyWindowsOpenAtOnceLeaveNothingWrongUnmarked() throws Exception {
        Scenario s = ScenarioParser.read(DIR.resolve("batch-50.json"));
        ProtocolResult r = ScenarioRunner.run(s, Protocol.byName("arm64-nosync"),
                RunOptions.defaults().keepingDecodes());
        DecoderResult d = r.decode("textpoke", true);
        long ambiguous = 0;
        for (CpuScore c : d.cpus()) {
            assertEquals(0, c.wrong(), "cpu " + c.cpu() + " " + c.runs());
            assertEquals(0, c.missed(), "cpu " + c.cpu() + " " + c.runs());
            ambiguous += c.ambiguous();
            List<Truth> truth = ScenarioRunner.truth(r.trace().groundTruth(), c.cpu(), CplFilter.KERNEL);
            String problem = UnmarkedPlacement.problem(truth, d.instructions().get(c.cpu()));
            assertNull(problem, "cpu " + c.cpu() + ": " + problem);
        }
        assertTrue(ambiguous > 0, "the windows leave readings the trace cannot tell apart");
    }

    @Test
    void stopMachineAndBrkLeaveNoWindowAndDecodeWithoutError() throws Exception {
        for (String protocol : List.of("arm64-stop-machine", "arm64-brk")) {
            for (String f : List.of("single-site.json", "batch-2.json", "static-calls.json", "irq-in-int3-phase.json")) {
                ProtocolResult r = run(f, protocol);
                String what = protocol + " " + f;
                assertEquals(List.of(), r.outcome().windows(), what);
                assertEquals(List.of(), r.outcome().notes(), what);
                DecoderResult d = r.decode("textpoke", true);
                assertEquals(List.of(), d.windows(), what);
                for (CpuScore c : d.cpus()) {
                    assertEquals(0, c.wrong(), what + " cpu " + c.cpu() + " " + c.runs());
                    assertEquals(0, c.missed(), what + " cpu " + c.cpu() + " " + c.runs());
                    assertEquals(0, c.desyncs(), what + " cpu " + c.cpu());
                }
                assertTrue(r.decode("textpoke", false).wrong() > 0, what + ": without the timeline it goes wrong");
            }
        }
        assertTrue(run("int3-hits.json", "arm64-brk").truth().stream().mapToLong(CpuTruth::trapHits).sum() > 0,
                "CPUs hit the brk");
    }

    @Test
    void naiveWritesAreExecutedTornAndTheDecodeSaysWhere() throws Exception {
        ProtocolResult r = run("cpus-8.json", "x86-naive");
        long torn = r.truth().stream().mapToLong(CpuTruth::torn).sum();
        assertTrue(torn > 0, "torn executions in the ground truth");
        List<Run> runs = r.decode("textpoke", true).cpus().stream().flatMap(c -> c.runs().stream()).toList();
        assertTrue(runs.stream().anyMatch(x -> x.phase().contains("torn")), "stretches in the torn phase: " + runs);
    }

    @Test
    void userSpaceNeedsMembarrier() throws Exception {
        ProtocolResult with = run("single-site.json", "user-membarrier");
        for (CpuScore c : with.decode("textpoke", true).cpus()) {
            assertEquals(0, c.wrong() + c.missed() + c.desyncs(), "with membarrier cpu " + c.cpu());
        }
        ProtocolResult without = run("single-site.json", "user-no-membarrier");
        assertTrue(without.truth().stream().mapToLong(CpuTruth::stale).sum() > 0, "stale executions without membarrier");
        assertTrue(without.decode("textpoke", true).wrong() > 0, "the announced switch is wrong for a stale CPU");
    }

    @Test
    void userSpaceProtocolsDoNotApplyWhereInterruptsRunWorkloadCode() throws Exception {
        // In user space an interrupt enters the kernel, so a scenario whose interrupt handlers call
        // the patched functions has no user-space reading; its kernel protocols still apply.
        Scenario irq = ScenarioParser.read(DIR.resolve("irq-in-int3-phase.json"));
        Scenario plain = ScenarioParser.read(DIR.resolve("single-site.json"));
        for (String name : List.of("user-membarrier", "user-no-membarrier")) {
            Protocol p = Protocol.byName(name);
            assertFalse(ScenarioRunner.applies(irq, p), name);
            assertTrue(ScenarioRunner.applies(plain, p), name);
            ScenarioFileException e = assertThrows(ScenarioFileException.class,
                    () -> ScenarioRunner.run(irq, p, RunOptions.defaults()));
            assertEquals(ScenarioFileException.Kind.BAD_WORKLOAD, e.kind());
        }
        for (String name : List.of("x86-int3", "x86-naive")) {
            assertTrue(ScenarioRunner.applies(irq, Protocol.byName(name)), name);
        }
    }
}
