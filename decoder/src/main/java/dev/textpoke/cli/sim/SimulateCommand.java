package dev.textpoke.cli.sim;

import dev.textpoke.cli.CommandError;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.format.JsonLine;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.PerfDataExport;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.TraceRecipe;
import dev.textpoke.sim.code.Insn;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.ExecutionListener;
import dev.textpoke.sim.exec.Outcome;
import dev.textpoke.sim.patch.Poke;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke simulate -o DIR}: runs a seeded random program on the simulated machine, traces
 * it with the Intel PT model, and writes the perf.data directory perf 6.1 and {@code textpoke
 * decode} read (with its kcore copy). The same options always make the same bytes. Prints what ran:
 * instructions per CPU (kernel and user), PT bytes, why each CPU stopped, the code modifications
 * announced.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Runs a seeded random kernel program on simulated CPUs, traces it with the Intel PT model"
                + " (jump labels, ftrace sites and kprobes patched under the x86 INT3 protocol) and writes a"
                + " perf.data directory with its kcore copy.")
public final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "The perf.data directory to write (must not exist or be empty)")
    Path output;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seeds everything (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "2", description = "CPUs (default ${DEFAULT-VALUE})")
    int cpus;

    @Option(names = "--user-cpus", paramLabel = "N", defaultValue = "0",
            description = "How many of the CPUs start in user space and enter the kernel by syscall"
                    + " (default ${DEFAULT-VALUE})")
    int userCpus;

    @Option(names = "--functions", paramLabel = "N", defaultValue = "40",
            description = "Kernel functions (default ${DEFAULT-VALUE})")
    int functions;

    @Option(names = "--jump-labels", paramLabel = "N", defaultValue = "4",
            description = "2-byte and as many 5-byte jump-label sites (default ${DEFAULT-VALUE})")
    int jumpLabels;

    @Option(names = "--ftrace", paramLabel = "N", defaultValue = "6",
            description = "Ftrace sites (default ${DEFAULT-VALUE})")
    int ftrace;

    @Option(names = "--kprobes", paramLabel = "N", defaultValue = "2",
            description = "Kprobes, each armed once (default ${DEFAULT-VALUE})")
    int kprobes;

    @Option(names = "--flips", paramLabel = "N", defaultValue = "4",
            description = "Flips of each jump-label and ftrace site; 0 patches nothing (default ${DEFAULT-VALUE})")
    int flips;

    @Option(names = "--sync-ticks", paramLabel = "TICKS", defaultValue = "2000",
            description = "TSC ticks of each sync of the INT3 protocol (default ${DEFAULT-VALUE})")
    long syncTicks;

    @Option(names = "--duration", paramLabel = "TICKS", defaultValue = "200000",
            description = "TSC ticks to run, at 2.4 GHz (default ${DEFAULT-VALUE})")
    long duration;

    @Option(names = "--instructions", paramLabel = "N",
            description = "Instructions per CPU at most (default: no limit but the duration)")
    Long instructions;

    @Option(names = "--interrupts", paramLabel = "N", defaultValue = "8",
            description = "Timer interrupts per CPU at seeded times (default ${DEFAULT-VALUE})")
    int interrupts;

    @Option(names = "--trace", defaultValue = "k", paramLabel = "k|u|ku",
            description = "Privilege levels traced: k (intel_pt//k), u or ku (default ${DEFAULT-VALUE})")
    String trace;

    @Option(names = "--mtc-period", paramLabel = "N", defaultValue = "3",
            description = "MTC period, 0-15 (default ${DEFAULT-VALUE})")
    int mtcPeriod;

    @Option(names = "--no-mtc", description = "No MTC packets")
    boolean noMtc;

    @Option(names = "--no-tsc", description = "No TSC packets (a timeless trace)")
    boolean noTsc;

    @Option(names = "--cyc", description = "Cycle-accurate mode (CYC packets)")
    boolean cyc;

    @Option(names = "--cyc-thresh", paramLabel = "N", defaultValue = "0",
            description = "CYC threshold, 0-15 (default ${DEFAULT-VALUE})")
    int cycThresh;

    @Option(names = "--noretcomp", description = "No return compression")
    boolean noRetComp;

    @Option(names = "--psb-period", paramLabel = "N", defaultValue = "3",
            description = "A PSB every 2^(11+N) bytes, 0-15 (default ${DEFAULT-VALUE})")
    int psbPeriod;

    @Option(names = "--chunk-kb", paramLabel = "KB", defaultValue = "64",
            description = "AUX chunk size in KB (default ${DEFAULT-VALUE})")
    int chunkKb;

    @Option(names = "--json", description = "One JSON object per CPU and one for the whole run")
    boolean json;

    /** The run the options describe. */
    TraceRecipe recipe() {
        CplFilter filter = switch (trace) {
            case "k" -> CplFilter.KERNEL;
            case "u" -> CplFilter.USER;
            case "ku", "uk" -> CplFilter.BOTH;
            default -> throw new ParameterException(spec.commandLine(), "--trace is k, u or ku: " + trace);
        };
        try {
            PtConfig pt = PtConfig.PERF_DEFAULT.withTiming(!noTsc, !noMtc, mtcPeriod, cyc, cycThresh)
                    .withReturnCompression(!noRetComp).withPsbPeriod(psbPeriod);
            return new TraceRecipe(seed, cpus, userCpus, functions, jumpLabels, ftrace, kprobes, flips, syncTicks,
                    duration, instructions == null ? Long.MAX_VALUE : instructions, interrupts, pt, filter,
                    chunkKb * 1024);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws IOException {
        TraceRecipe recipe = recipe();
        if (Files.exists(output) && (!Files.isDirectory(output) || !isEmpty(output))) {
            // the command line is right; the file system is not as it needs: one line, no synopsis
            throw new CommandError(output + " exists and is not an empty directory");
        }
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "simulate");
        Counts counts = new Counts(recipe.cpus(), progress, recipe.durationTicks());
        SimulatedTrace t = recipe.builder().groundTruth(false).listener(counts).run();
        progress.done();
        new PerfDataExport(t, recipe.chunkBytes()).write(output);
        print(out, t, counts);
        out.flush();
        return ExitStatus.OK;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private void print(PrintWriter out, SimulatedTrace t, Counts counts) {
        Map<String, Integer> kinds = new TreeMap<>();
        for (Poke p : t.pokes()) {
            kinds.merge(p.kind().label(), 1, Integer::sum);
        }
        long ptBytes = 0;
        for (int cpu = 0; cpu < t.cpus(); cpu++) {
            long bytes = t.pt(cpu).bytes().length();
            ptBytes += bytes;
            if (json) {
                out.println(new JsonLine().put("cpu", cpu).put("instructions", counts.kernel[cpu] + counts.user[cpu])
                        // "kernel" is patcher's kernel release: named for what they count (docs/json.md)
                        .put("kernel_instructions", counts.kernel[cpu]).put("user_instructions", counts.user[cpu])
                        .put("pt_bytes", bytes)
                        .put("halt", t.halts().get(cpu).name().toLowerCase(java.util.Locale.ROOT)).toString());
            } else {
                out.printf("cpu %d: %d instructions (%d kernel, %d user), %d PT bytes, stopped: %s%n", cpu,
                        counts.kernel[cpu] + counts.user[cpu], counts.kernel[cpu], counts.user[cpu], bytes,
                        t.halts().get(cpu).name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            }
        }
        if (json) {
            JsonLine j = new JsonLine().put("output", output.toString()).put("seed", seed).put("cpus", t.cpus())
                    .put("pt_bytes", ptBytes).put("pokes", t.pokes().size());
            out.println(j.toString());
        } else {
            StringBuilder k = new StringBuilder();
            kinds.forEach((name, n) -> k.append(k.length() == 0 ? "" : ", ").append(name).append(' ').append(n));
            out.printf("pokes: %d%s%n", t.pokes().size(), kinds.isEmpty() ? "" : " (" + k + ")");
            out.printf("wrote %s (%d PT bytes)%n", output, ptBytes);
        }
    }

    /** Counts instructions per CPU and privilege level, and reports progress by time simulated. */
    private static final class Counts implements ExecutionListener {
        final long[] kernel;
        final long[] user;
        final Progress progress;
        final long duration;
        long start = -1;
        long seen;

        Counts(int cpus, Progress progress, long duration) {
            kernel = new long[cpus];
            user = new long[cpus];
            this.progress = progress;
            this.duration = duration;
        }

        @Override
        public void instruction(int cpu, long tsc, Insn insn, int outcome, long nextIp) {
            if ((outcome & Outcome.USER) != 0) {
                user[cpu]++;
            } else {
                kernel[cpu]++;
            }
            if (start < 0) {
                start = tsc;
            }
            if ((++seen & 0xfffff) == 0) {
                progress.update(Math.min(duration, tsc - start), duration, "ticks");
            }
        }
    }
}
