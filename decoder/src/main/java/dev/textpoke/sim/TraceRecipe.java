package dev.textpoke.sim;

import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.patch.Flips;
import dev.textpoke.sim.patch.Int3Protocol;
import dev.textpoke.sim.patch.KprobeProtocol;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.pt.PtModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Everything that makes a generated Intel PT trace, as one value: a random program, its CPUs, the
 * patching of its sites, interrupts, and the trace configuration. The same recipe always makes the
 * same run (and the same perf.data), so a trace is reproduced from its recipe: the {@code textpoke
 * simulate} command, {@code traces/pt/generate.sh} and the tests all go through here.
 *
 * @param seed            seeds the program, the run, the flips and the interrupts
 * @param cpus            CPUs
 * @param userCpus        of them, how many start in user space (0: no user part)
 * @param functions       kernel functions of the random program
 * @param jumpLabels      2-byte and as many 5-byte jump-label sites
 * @param ftraceSites     ftrace sites
 * @param kprobes         kprobe-able instructions, each armed once
 * @param flips           flips of each jump-label and ftrace site over the run (0: no patching)
 * @param syncTicks       TSC ticks of each sync of the INT3 protocol
 * @param durationTicks   the run's length in TSC ticks
 * @param maxInstructions instructions per CPU at most
 * @param interrupts      timer interrupts per CPU, spread over the run at seeded times
 * @param pt              the intel_pt event's configuration
 * @param filter          privilege levels traced
 * @param chunkBytes      AUX chunk size of the perf.data
 */
public record TraceRecipe(long seed, int cpus, int userCpus, int functions, int jumpLabels, int ftraceSites,
        int kprobes, int flips, long syncTicks, long durationTicks, long maxInstructions, int interrupts,
        PtConfig pt, CplFilter filter, int chunkBytes) {

    public TraceRecipe {
        Objects.requireNonNull(pt, "pt");
        Objects.requireNonNull(filter, "filter");
        if (cpus < 1 || userCpus < 0 || userCpus > cpus || functions < 1 || jumpLabels < 0 || ftraceSites < 0
                || ftraceSites > functions || kprobes < 0 || flips < 0 || syncTicks < 1 || durationTicks < 1
                || maxInstructions < 1 || interrupts < 0 || chunkBytes < 64) {
            throw new IllegalArgumentException("bad trace recipe: " + this);
        }
    }

    /**
     * Two kernel CPUs, 40 functions, 4+4 jump labels, 6 ftrace sites, 2 kprobes, 4 flips of each
     * site, 8 interrupts per CPU, 200,000 TSC ticks (83 us at 2.4 GHz), perf's default {@code
     * intel_pt//k}, 64 KB chunks.
     */
    public static TraceRecipe defaults(long seed) {
        return new TraceRecipe(seed, 2, 0, 40, 4, 6, 2, 4, Int3Protocol.defaults().syncTicks(), 200_000,
                Long.MAX_VALUE, 8, PtConfig.PERF_DEFAULT, CplFilter.KERNEL, 64 * 1024);
    }

    /** The program this recipe runs. */
    public Program program() {
        // The function count first: the sites are checked against it (more ftrace sites than the
        // default 40 functions are fine in a larger program).
        RandomProgramConfig d = RandomProgramConfig.defaults();
        RandomProgramConfig c = new RandomProgramConfig(functions, d.minStatements(), d.maxStatements(),
                d.maxLoopIterations(), d.maxDepth(), jumpLabels, jumpLabels, ftraceSites, kprobes,
                userCpus > 0 ? 8 : 0, cpus, userCpus);
        return RandomProgram.generate(c, seed);
    }

    /** A builder for the run, ready to {@link SimulatedTrace.Builder#run()} (callers may add listeners). */
    public SimulatedTrace.Builder builder() {
        Program p = program();
        ClockConfig clock = ClockConfig.defaults();
        long start = clock.startTsc();
        long end = start + durationTicks;
        SimulatedTrace.Builder b = SimulatedTrace.builder().program(p).cpus(cpus).seed(seed).clock(clock)
                .until(end).maxInstructions(maxInstructions)
                .pt(PtModelConfig.defaults(filter).withPt(pt));
        if (flips > 0) {
            Int3Protocol int3 = new Int3Protocol(syncTicks, Int3Protocol.defaults().writeTicks(),
                    RandomProgram.CALL_FUNCTION_VECTOR);
            KprobeProtocol kp = new KprobeProtocol(syncTicks, KprobeProtocol.defaults().writeTicks());
            Flips.random(p, int3, kp, start + 1_000, end, flips, 0, cpus, seed).forEach(b::patches);
        }
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        List<Interrupt> irqs = new ArrayList<>();
        for (int cpu = 0; cpu < cpus; cpu++) {
            for (int k = 0; k < interrupts; k++) {
                irqs.add(Interrupt.at(cpu, start + 1 + r.nextLong(durationTicks), RandomProgram.TIMER_VECTOR));
            }
        }
        return b.interrupts(irqs);
    }

    /** Runs the recipe. */
    public SimulatedTrace run() {
        return builder().run();
    }
}
