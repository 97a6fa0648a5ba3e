package dev.textpoke.cli.patcher;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.patcher.Arch;
import dev.textpoke.patcher.CostResult;
import dev.textpoke.patcher.CostSpec;
import dev.textpoke.patcher.Patcher;
import dev.textpoke.patcher.PatcherException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke patcher cost}: the latency of one membarrier(PRIVATE_EXPEDITED_SYNC_CORE) call
 * against plain PRIVATE_EXPEDITED, the mprotect trick and a bare syscall, with 0..N other threads
 * of the process spinning on other CPUs (the CPUs membarrier must interrupt).
 */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Times membarrier SYNC_CORE against plain PRIVATE_EXPEDITED, the mprotect trick and"
                + " a plain syscall, by number of other threads spinning on other CPUs.")
final class PatcherCostCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--threads", paramLabel = "LIST",
            description = "Numbers of spinning threads to measure with, e.g. 0,1,2 or 0-3"
                    + " (default: 0 to the number of CPUs minus one).")
    String threads;

    @Option(names = "--calls", paramLabel = "N", defaultValue = "" + CostSpec.DEFAULT_CALLS,
            description = "Timed calls per method and thread count (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--arch", paramLabel = "ARCH", converter = PatcherConverters.ArchConverter.class,
            description = "x86-64 or aarch64 (default: this machine's; the other one is emulated).")
    Arch arch;

    @Option(names = "--cpus", paramLabel = "LIST", converter = PatcherConverters.CpuListConverter.class,
            description = "CPUs to use (default: the affinity mask); the measuring thread runs on the first.")
    long cpus;

    @Option(names = "--deny-membarrier", paramLabel = "ERRNO[:CMD]",
            description = "Run under a seccomp filter that makes membarrier fail with ENOSYS, EPERM or EINVAL.")
    String denyMembarrier;

    @Option(names = "--realtime", description = "Run the measuring thread and the spinners SCHED_RR (root),"
            + " so that other load cannot deschedule the spinners membarrier must interrupt.")
    boolean realtime;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            converter = PatcherConverters.RunCountConverter.class,
            description = "Measure N times; the table then shows the spread of the runs' medians"
                    + " (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--json", description = "One JSON object per method and thread count (and run).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Integer> points = threadCounts();
        try (Patcher patcher = Patcher.open()) {
            Arch a = arch != null ? arch : patcher.hostArch();
            List<CostResult> runs = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                CostResult r;
                try {
                    r = patcher.cost(new CostSpec(a, points, calls, cpus, denyMembarrier, realtime ? 1 : 0));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                runs.add(r);
                if (json) {
                    for (CostResult.Point p : r.points()) {
                        out.println(PatcherReport.costJson(r, p).put("run", i + 1));
                    }
                    out.flush();
                }
            }
            if (!json && repeat == 1) {
                PatcherReport.costTable(out, runs.get(0));
            } else if (!json) {
                PatcherSummary.costTable(out, runs);
            }
            out.flush();
            return ExitStatus.OK;
        } catch (PatcherException e) {
            return PatcherReport.fail(err, "patcher cost", e);
        }
    }

    private List<Integer> threadCounts() {
        if (threads == null) {
            int cpusNow = Runtime.getRuntime().availableProcessors();
            return IntStream.range(0, Math.max(1, Math.min(cpusNow, 16))).boxed().collect(Collectors.toList());
        }
        try {
            return PatcherConverters.numbers(threads);
        } catch (CommandLine.TypeConversionException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--threads': " + e.getMessage());
        }
    }
}
