package dev.textpoke.sim.bench;

import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.pt.PtModelConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The simulator's benchmark (not a test): a random kernel of 40 functions on two CPUs, 20 million
 * instructions per CPU, with no listener, with the PT model, and with the PT model and the ground
 * truth; instructions per second on one thread, medians of several rounds after a warm-up round.
 * Run by {@code bench/simulator.sh}.
 */
public final class SimulatorBenchmark {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long perCpu = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        Program p = RandomProgram.generate(RandomProgramConfig.defaults().withCpus(2, 0).withSites(0, 0, 0, 0), 1);
        String[] names = {"executor alone", "with the PT model", "with PT and ground truth"};
        for (int mode = 0; mode < 3; mode++) {
            run(p, mode, perCpu);
            List<Double> rates = new ArrayList<>();
            long bytes = 0;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                SimulatedTrace t = run(p, mode, perCpu);
                double s = (System.nanoTime() - t0) / 1e9;
                rates.add(2 * perCpu / s / 1e6);
                bytes = mode == 0 ? 0 : t.pt(0).bytes().length() + t.pt(1).bytes().length();
            }
            Collections.sort(rates);
            System.out.printf(Locale.ROOT, "%-26s %5.1f M instructions/s (median of %d; min %.1f, max %.1f)%s%n",
                    names[mode], rates.get(rates.size() / 2), rounds, rates.get(0), rates.get(rates.size() - 1),
                    mode == 0 ? "" : String.format(Locale.ROOT, ", %.3f PT bytes per instruction",
                            bytes / (2.0 * perCpu)));
        }
    }

    private static SimulatedTrace run(Program p, int mode, long perCpu) {
        SimulatedTrace.Builder b = SimulatedTrace.builder().program(p).groundTruth(mode == 2).maxInstructions(perCpu);
        if (mode > 0) {
            b.pt(PtModelConfig.defaults(CplFilter.KERNEL));
        }
        return b.run();
    }
}
