package dev.textpoke.pt.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.patch.Flips;
import dev.textpoke.sim.patch.Int3Protocol;
import dev.textpoke.sim.patch.KprobeProtocol;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.pt.IpChoice;
import dev.textpoke.sim.pt.PtModelConfig;
import dev.textpoke.sim.truth.Executed;
import dev.textpoke.sim.truth.Mismatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * textpoke's decoder against the simulator's ground truth: every instruction each CPU ran, in
 * order, for random programs, configurations and interrupts, and, with code modifications made by
 * the kernel's INT3 protocol and kprobes while the CPUs run, with exactly the instructions the
 * decoder reports ambiguous as the only ones that may differ.
 */
class GroundTruthDecodeTest {
    static final long START = ClockConfig.defaults().startTsc();
    static InstructionClassifier classifier;

    @BeforeAll
    static void open() {
        classifier = InstructionClassifier.open(Isa.X86_64);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    static PtModelConfig config(SplittableRandom r, CplFilter filter, boolean coarse) {
        boolean mtc = !coarse || r.nextBoolean();
        int mtcPeriod = coarse ? 6 + r.nextInt(4) : r.nextInt(4);
        boolean cyc = !coarse && r.nextInt(3) == 0;
        PtConfig pt = PtConfig.PERF_DEFAULT.withTiming(true, mtc, mtcPeriod, cyc, r.nextInt(4))
                .withReturnCompression(r.nextInt(4) != 0);
        return PtModelConfig.defaults(filter).withPt(pt)
                .withIpChoice(r.nextBoolean() ? IpChoice.RANDOM : IpChoice.SMALLEST, r.nextLong())
                .withLongTnt(r.nextBoolean())
                .withPsbBytes(r.nextBoolean() ? 0 : 256 + r.nextInt(4096));
    }

    static List<Interrupt> interrupts(SplittableRandom r, int cpus) {
        List<Interrupt> irqs = new ArrayList<>();
        for (int i = 0, n = r.nextInt(12); i < n; i++) {
            int cpu = r.nextInt(cpus);
            long at = START + r.nextLong(60_000);
            irqs.add(r.nextInt(4) == 0 ? Interrupt.fault(cpu, at) : Interrupt.at(cpu, at, RandomProgram.TIMER_VECTOR));
        }
        return irqs;
    }

    @Test
    void randomProgramsWithoutModificationsDecodeToWhatRan() {
        int streams = 0;
        long instructions = 0;
        for (long seed = 1; seed <= 60; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int cpus = 1 + r.nextInt(3);
            int user = r.nextInt(cpus + 1);
            CplFilter filter = user == 0 ? CplFilter.KERNEL : CplFilter.values()[r.nextInt(3)];
            Program p = RandomProgram.generate(RandomProgramConfig.defaults().withCpus(cpus, user).withSites(0, 0, 0, 0),
                    seed);
            SimulatedTrace t = SimulatedTrace.builder().program(p).seed(seed).pt(config(r, filter, r.nextBoolean()))
                    .interrupts(interrupts(r, cpus)).maxInstructions(5_000 + r.nextInt(20_000)).run();
            CodeTimeline code = t.announcedCode();
            for (int cpu = 0; cpu < t.cpus(); cpu++) {
                SimDecode d = SimDecode.decode(t, cpu, code, classifier);
                String what = "seed " + seed + " cpu " + cpu + " " + t.ptConfig();
                assertEquals(List.of(), d.issues, what);
                Optional<Mismatch> m = t.groundTruth().firstDifference(cpu, filter, d.ips.stream()
                        .mapToLong(Long::longValue).iterator());
                assertTrue(m.isEmpty(), what + ": " + m.map(Mismatch::toString).orElse(""));
                streams++;
                instructions += d.ips.size();
            }
        }
        assertTrue(streams >= 100, "streams " + streams);
        assertTrue(instructions > 500_000, "instructions " + instructions);
    }

    /** A random kernel with every kind of site flipped by the INT3 protocol and kprobes while 2-4 CPUs run it. */
    static SimulatedTrace patchedRun(long seed, boolean coarse) {
        SplittableRandom r = new SplittableRandom(seed * 31 + (coarse ? 1 : 0));
        int cpus = 2 + r.nextInt(3);
        Program p = RandomProgram.generate(RandomProgramConfig.defaults().withCpus(cpus, 0).withSites(4, 4, 6, 4), seed);
        long end = START + 300_000;
        Int3Protocol int3 = Int3Protocol.defaults().withIpis(RandomProgram.CALL_FUNCTION_VECTOR);
        List<PatchPlan> plans = Flips.random(p, int3, KprobeProtocol.defaults(), START + 1000, end, 10, 0, cpus, seed);
        SimulatedTrace.Builder b = SimulatedTrace.builder().program(p).seed(seed).until(end)
                .pt(config(r, CplFilter.KERNEL, coarse)).interrupts(interrupts(r, cpus));
        plans.forEach(b::patches);
        return b.run();
    }

    static CodeTimeline baseOnly(SimulatedTrace t) {
        try {
            return CodeTimeline.builder().image(t.image()).build();
        } catch (dev.textpoke.code.ImageOverlapException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * With MTC periods up to perf's default (3) the decode with replay equals what ran but for
     * instructions reported ambiguous, each stretch of which is undecidable from the packets (see
     * {@link TruthAlignment}); without replay (the base image only) the same traces give errors.
     */
    @Test
    void modificationsAreReplayedWhereThePacketsPutThem() {
        long instructions = 0;
        long ambiguous = 0;
        long placedEarly = 0;
        long errorsWithoutReplay = 0;
        long pokes = 0;
        for (long seed = 1; seed <= 16; seed++) {
            {
                boolean coarse = false;
                SimulatedTrace t = patchedRun(seed, coarse);
                pokes += t.pokes().size();
                CodeTimeline code = t.announcedCode();
                CodeTimeline base = baseOnly(t);
                for (int cpu = 0; cpu < t.cpus(); cpu++) {
                    String what = "seed " + seed + (coarse ? " coarse" : " fine") + " cpu " + cpu + " " + t.ptConfig();
                    SimDecode d = SimDecode.decode(t, cpu, code, classifier);
                    assertEquals(List.of(), d.issues, what);
                    List<Executed> truth = t.groundTruth().instructions(cpu, CplFilter.KERNEL);
                    TruthAlignment.check(truth, d, t.ptConfig().pt().returnCompression(), what);
                    instructions += d.ips.size();
                    ambiguous += d.ambiguousCount();
                    placedEarly += d.placements.stream().filter(x -> x.beforeTimestamp()).count();
                    errorsWithoutReplay += SimDecode.decode(t, cpu, base, classifier).issues.size();
                }
            }
        }
        assertTrue(pokes > 200, "pokes " + pokes);
        assertTrue(instructions > 1_000_000, "instructions " + instructions);
        assertTrue(placedEarly > 0, "the packets placed some switches before the timestamps reached them");
        assertTrue(errorsWithoutReplay > 50, "without replay the decode fails: " + errorsWithoutReplay);
        assertTrue(ambiguous * 1000 < instructions, "ambiguous " + ambiguous + " of " + instructions);
    }

    /**
     * Coarse timing (MTC every 2^6..2^9 CTC periods, or TSC only, at PSBs) over the same patched
     * kernels, a switch every few hundred cycles: most switches fall between two timing points,
     * and many readings fit the packets for long. The decode reports no error; every instruction
     * it does not mark ambiguous is what ran; and on most streams each undecided stretch is shown
     * undecidable from the packets ({@link TruthAlignment#checkLenient} says why not on the
     * others; the test prints them).
     */
    @Test
    void withCoarseTimingWhatIsNotMarkedAmbiguousIsWhatRan() {
        long instructions = 0;
        long ambiguous = 0;
        int streams = 0;
        List<String> unverified = new ArrayList<>();
        for (long seed = 1; seed <= 16; seed++) {
            SimulatedTrace t = patchedRun(seed, true);
            CodeTimeline code = t.announcedCode();
            for (int cpu = 0; cpu < t.cpus(); cpu++) {
                String what = "seed " + seed + " coarse cpu " + cpu + " mtc " + t.ptConfig().pt().mtc() + " period "
                        + t.ptConfig().pt().mtcPeriod();
                SimDecode d = SimDecode.decode(t, cpu, code, classifier);
                assertEquals(List.of(), d.issues, what);
                List<Executed> truth = t.groundTruth().instructions(cpu, CplFilter.KERNEL);
                TruthAlignment.Checked c = TruthAlignment.checkLenient(truth, d,
                        t.ptConfig().pt().returnCompression(), what);
                if (c.unverified() > 0) {
                    unverified.add(what + ": " + c.unverified() + " of " + c.stretches() + " stretches");
                }
                streams++;
                instructions += d.ips.size();
                ambiguous += d.ambiguousCount();
            }
        }
        System.out.printf("coarse timing: %d streams, %d instructions, %d ambiguous (%.1f%%); undecidability not"
                + " shown on %d streams%n", streams, instructions, ambiguous, 100.0 * ambiguous / instructions,
                unverified.size());
        unverified.forEach(u -> System.out.println("  " + u));
        assertTrue(streams >= 40, "streams " + streams);
        assertTrue(unverified.size() * 100 <= streams * 15, unverified.size() + " of " + streams + " unverified");
        assertTrue(ambiguous * 4 < instructions, "ambiguous " + ambiguous + " of " + instructions);
    }
}
