package dev.textpoke.branches;

import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.lbr.LbrExport;
import dev.textpoke.sim.lbr.LbrRecorder;
import dev.textpoke.sim.lbr.LbrTraceWriter;
import dev.textpoke.sim.patch.Flips;
import dev.textpoke.sim.patch.Int3Protocol;
import dev.textpoke.sim.patch.KprobeProtocol;
import dev.textpoke.sim.patch.PatchPlan;
import dev.textpoke.sim.patch.Poke;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the benchmark's LBR trace (run by {@code bench/branches.sh}): a random kernel of 200
 * functions on 2 CPUs, its 2- and 5-byte jump labels and ftrace sites flipping through the x86
 * INT3 protocol (default timing, with IPIs) and its kprobes armed and disarmed, with timer
 * interrupts, sampled by the simulated PMU every 16 kernel branches with 16 entries, streamed to
 * the LBR trace writer with its TEXT_POKEs and kcore copy; without ground truth (constant memory).
 *
 * <p>{@code SimLbrBenchmarkTrace DIR SAMPLES}
 */
public final class SimLbrBenchmarkTrace {
    private SimLbrBenchmarkTrace() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long samples = Long.parseLong(args[1]);
        long seed = 11;
        int cpus = 2;
        long period = 16;
        Program p = RandomProgram.generate(RandomProgramConfig.kernelOnly(200, cpus).withSites(8, 8, 8, 4), seed);
        ClockConfig clock = ClockConfig.defaults();
        // A sample every 16 branches, ~5 instructions a branch: this many instructions per CPU.
        long perCpu = samples * period * 6 / cpus + 100_000;
        long ticks = perCpu * 3;
        long start = clock.startTsc();
        long end = start + ticks;
        Int3Protocol int3 = Int3Protocol.defaults().withIpis(RandomProgram.CALL_FUNCTION_VECTOR);
        List<PatchPlan> plans = Flips.random(p, int3, KprobeProtocol.defaults(), start + 10_000, end - 10_000,
                (int) Math.max(4, ticks / 2_000_000), 0, cpus, seed);
        List<Poke> pokes = new ArrayList<>();
        plans.forEach(plan -> pokes.addAll(plan.pokes()));
        List<Interrupt> irqs = new ArrayList<>();
        for (long t = start + 50_000; t < end; t += 250_000) {
            for (int c = 0; c < cpus; c++) {
                irqs.add(Interrupt.at(c, t + 1000L * c, RandomProgram.TIMER_VECTOR));
            }
        }
        try (LbrExport.Streaming out = LbrExport.stream(dir, p, clock, pokes,
                new LbrTraceWriter.Config(period, false, cpus), samples)) {
            SimulatedTrace.Builder b = SimulatedTrace.builder().program(p).seed(seed).cpus(cpus).clock(clock)
                    .until(end).maxInstructions(perCpu).interrupts(irqs).groundTruth(false)
                    .listener(new LbrRecorder(LbrRecorder.Config.kernel(period), seed, out));
            plans.forEach(b::patches);
            b.run();
            System.err.println("samples written: " + out.written() + ", pokes: " + pokes.size());
        }
    }
}
