package dev.textpoke.sim.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.pt.oracle.LibiptHarness;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.truth.Mismatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libipt, Intel's reference decoder, decodes the model's traces of random programs (no code
 * changes, so a static image is the truth) to exactly the instructions the executor ran, per CPU
 * and in order: for random filters (kernel, user, both), return compression on and off, random IP
 * compressions, TNT-8 or TNT-64, PSB periods, MTC periods, CYC, interrupts, exceptions and system
 * calls.
 */
class LibiptFlowTest {
    private static LibiptHarness harness;

    @TempDir
    Path tmp;

    @BeforeAll
    static void build() throws Exception {
        harness = LibiptHarness.build();
    }

    static PtModelConfig randomConfig(SplittableRandom r, CplFilter filter) {
        PtConfig pt = PtConfig.PERF_DEFAULT.withTiming(r.nextInt(4) != 0, r.nextBoolean(), r.nextInt(10),
                r.nextInt(3) == 0, r.nextInt(6)).withReturnCompression(r.nextInt(4) != 0);
        return PtModelConfig.defaults(filter).withPt(pt)
                .withIpChoice(r.nextBoolean() ? IpChoice.RANDOM : IpChoice.SMALLEST, r.nextLong())
                .withLongTnt(r.nextBoolean())
                .withPsbBytes(r.nextBoolean() ? 0 : 256 + r.nextInt(4096));
    }

    static SimulatedTrace randomRun(long seed, boolean logAll) {
        SplittableRandom r = new SplittableRandom(seed);
        int cpus = 1 + r.nextInt(3);
        int user = r.nextInt(cpus + 1);
        RandomProgramConfig pc = RandomProgramConfig.defaults().withCpus(cpus, user).withSites(0, 0, 0, 0);
        CplFilter filter = user == 0 ? CplFilter.KERNEL : CplFilter.values()[r.nextInt(3)];
        long start = ClockConfig.defaults().startTsc();
        List<Interrupt> irqs = new ArrayList<>();
        for (int i = 0; i < r.nextInt(12); i++) {
            int cpu = r.nextInt(cpus);
            long at = start + r.nextLong(60_000);
            irqs.add(r.nextInt(4) == 0 ? Interrupt.fault(cpu, at) : Interrupt.at(cpu, at, RandomProgram.TIMER_VECTOR));
        }
        SimulatedTrace.Builder b = SimulatedTrace.builder().program(RandomProgram.generate(pc, seed)).seed(seed)
                .pt(randomConfig(r, filter)).interrupts(irqs).maxInstructions(5_000 + r.nextInt(20_000))
                .logAllPackets(logAll);
        if (r.nextBoolean()) {
            b.coreRatio(0, 16 + r.nextInt(30));
        }
        return b.run();
    }

    @Test
    void libiptDecodesExactlyWhatRan() throws Exception {
        int streams = 0;
        long instructions = 0;
        for (long seed = 1; seed <= 80; seed++) {
            SimulatedTrace t = randomRun(seed, false);
            CplFilter filter = t.ptConfig().filter();
            for (int cpu = 0; cpu < t.cpus(); cpu++) {
                Path dir = Files.createDirectories(tmp.resolve("s" + seed));
                LibiptRun run = LibiptRun.of(harness, t, cpu, dir, false);
                String what = "seed " + seed + " cpu " + cpu + " " + t.ptConfig();
                assertEquals(List.of(), run.errors(), what);
                Optional<Mismatch> m = t.groundTruth().firstDifference(cpu, filter,
                        run.ips().stream().mapToLong(Long::longValue).iterator());
                assertTrue(m.isEmpty(), what + ": " + m.map(Mismatch::toString).orElse(""));
                streams++;
                instructions += run.ips().size();
            }
        }
        assertTrue(streams >= 150, "streams " + streams);
        assertTrue(instructions > 700_000, "instructions " + instructions);
    }
}
