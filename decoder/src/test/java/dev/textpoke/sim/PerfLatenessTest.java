package dev.textpoke.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.patch.Flips;
import dev.textpoke.sim.patch.Int3Protocol;
import dev.textpoke.sim.patch.KprobeProtocol;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.patch.Poke;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.pt.PtModelConfig;
import dev.textpoke.sim.truth.Executed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where perf 6.1 is late with code modifications, per the ground truth. perf switches a site's
 * text when its decode timestamp reaches the TEXT_POKE's time ({@code intel_pt_process_event}),
 * and that timestamp is the last timing packet read, so it lags the instructions by up to the
 * spacing of timing packets. The kernel's INT3 protocol hides the lag while CPUs that reach the
 * site trap on the {@code int3}, until the first byte is written after the last sync. With timing
 * packets finer than that window perf decodes every instruction exactly; with coarse timing and
 * short syncs it decodes a site with its old bytes after the CPU ran the new ones, and from there
 * walks a path the CPU did not take.
 */
class PerfLatenessTest {
    @TempDir
    static Path tmp;
    private static PerfTool perf;

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
    }

    /** One late instruction: the site perf decoded with old bytes. */
    record Late(int cpu, Executed executed, String perfBytes, long perfTime, Poke poke) {}

    private static SimulatedTrace run(long seed, PtConfig timing, Int3Protocol int3) {
        Program p = RandomProgram.generate(RandomProgramConfig.defaults().withCpus(2, 0).withSites(6, 6, 8, 0), seed);
        long start = ClockConfig.defaults().startTsc();
        long end = start + 200_000;
        List<PatchPlan> plans = Flips.random(p, int3, KprobeProtocol.defaults(), start + 1_000, end, 8, 0, 2, seed);
        SimulatedTrace.Builder b = SimulatedTrace.builder().program(p).seed(seed)
                .pt(PtModelConfig.defaults(CplFilter.KERNEL).withPt(timing)).until(end);
        plans.forEach(b::patches);
        return b.run();
    }

    /** Compares perf's decode with the ground truth CPU by CPU; returns the late sites before each first divergence. */
    private static List<Late> compare(SimulatedTrace t, Path dir, boolean expectExact) throws Exception {
        PerfDataExport x = new PerfDataExport(t);
        x.write(dir);
        PerfScript s = PerfScript.run(perf, dir);
        List<Late> late = new ArrayList<>();
        for (int cpu = 0; cpu < t.cpus(); cpu++) {
            List<Executed> truth = t.groundTruth().instructions(cpu, CplFilter.KERNEL);
            List<PerfScript.Insn> decoded = s.cpu(cpu);
            int n = Math.min(truth.size(), decoded.size());
            int i = 0;
            while (i < n && truth.get(i).ip() == decoded.get(i).ip()) {
                Executed e = truth.get(i);
                PerfScript.Insn d = decoded.get(i);
                if (!e.insn().bytes().spacedHex().equals(d.bytes())) {
                    late.add(new Late(cpu, e, d.bytes(), d.time(), lastPokeAt(t, e)));
                }
                i++;
            }
            if (expectExact) {
                assertEquals(truth.size(), i, "cpu " + cpu + " diverges at " + i);
                assertEquals(truth.size(), decoded.size());
            } else if (i < truth.size()) {
                // perf walks a wrong path only after reading a site with stale bytes.
                int cpuOf = cpu;
                int at = i;
                assertTrue(late.stream().anyMatch(l -> l.cpu() == cpuOf && l.executed().index() < at),
                        "cpu " + cpu + " diverges at " + i + " with no stale site before: " + truth.get(i));
            }
        }
        for (Late l : late) {
            String where = "cpu " + l.cpu() + " " + l.executed();
            Poke k = l.poke();
            assertTrue(k != null, where + ": stale bytes where no poke had been announced");
            // The CPU ran the bytes the poke announced, after its time ...
            assertEquals(k.newBytes().spacedHex(), l.executed().insn().bytes().spacedHex(), where);
            assertTrue(l.executed().tsc() >= k.tsc(), where);
            // ... and perf decoded the bytes before it, its clock not yet at the poke's time.
            assertEquals(k.oldBytes().spacedHex(), l.perfBytes(), where);
            assertTrue(l.perfTime() < x.perfTime(k.tsc()), where + ": perf at " + l.perfTime() + ", poke at "
                    + x.perfTime(k.tsc()));
        }
        return late;
    }

    private static Poke lastPokeAt(SimulatedTrace t, Executed e) {
        Poke last = null;
        for (Poke k : t.pokes()) {
            if (k.address() == e.ip() && k.tsc() <= e.tsc()) {
                last = k;
            }
        }
        return last;
    }

    @Test
    void withFineTimingTheInt3WindowHidesPerfsLag() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            SimulatedTrace t = run(seed, PtConfig.PERF_DEFAULT, Int3Protocol.defaults());
            assertTrue(t.pokes().size() > 50);
            assertEquals(List.of(), compare(t, tmp.resolve("fine" + seed), true));
        }
    }

    @Test
    void withCoarseTimingPerfDecodesSitesWithTheirOldBytesAfterThePoke() throws Exception {
        // MTC every 512 crystal ticks (21 us at 24 MHz), syncs of 500 TSC ticks (0.2 us).
        PtConfig coarse = PtConfig.PERF_DEFAULT.withTiming(true, true, 9, false, 0);
        Int3Protocol quick = new Int3Protocol(500, 20, -1);
        List<Late> all = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            all.addAll(compare(run(seed, coarse, quick), tmp.resolve("coarse" + seed), false));
        }
        assertTrue(all.size() >= 3, "perf was late " + all.size() + " times");
    }
}
