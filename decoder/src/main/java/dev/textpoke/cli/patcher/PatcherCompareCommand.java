package dev.textpoke.cli.patcher;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.Progress;
import dev.textpoke.patcher.Arch;
import dev.textpoke.patcher.Patcher;
import dev.textpoke.patcher.PatcherException;
import dev.textpoke.patcher.ProgressListener;
import dev.textpoke.patcher.Protocol;
import dev.textpoke.patcher.RaceResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke patcher compare}: every protocol of the architecture, one after the other with
 * the same options, in one table. A protocol this environment cannot run (no SYNC_CORE, a seccomp
 * filter) gets a "skipped" row; one that no protocol could run with (one CPU) stops the command.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Races every protocol of the architecture with the same options and prints one table.",
            "Exit status 1 if some protocol's guarantee was violated."})
final class PatcherCompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PatcherRaceOptions options;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Patcher patcher = Patcher.open()) {
            Arch arch = options.arch(patcher.hostArch());
            boolean emulated = patcher.emulated(arch);
            List<Protocol> protocols = Protocol.of(arch);
            List<List<String>> rows = new ArrayList<>();
            rows.add(options.repeat > 1 ? PatcherSummary.HEADER : PatcherReport.RACE_HEADER);
            boolean violated = false;
            int total = protocols.size() * options.repeat;
            Progress progress = Progress.onTerminal(err, "patcher compare");
            try {
                for (int i = 0; i < protocols.size(); i++) {
                    Protocol p = protocols.get(i);
                    List<RaceResult> runs = new ArrayList<>();
                    try {
                        for (int k = 0; k < options.repeat; k++) {
                            progress.update((long) i * options.repeat + k, total, "runs");
                            RaceResult r = patcher.race(options.spec(p, arch), ProgressListener.NONE);
                            runs.add(r);
                            violated |= r.violatesGuarantee();
                            if (options.json) {
                                out.println(PatcherReport.raceJson(r).put("run", k + 1));
                                out.flush();
                            }
                        }
                        rows.add(options.repeat > 1 ? PatcherSummary.row(runs) : PatcherReport.raceRow(runs.get(0)));
                    } catch (PatcherException e) {
                        if (!e.concernsOneProtocol()) {
                            throw e;
                        }
                        if (options.json) {
                            out.println(PatcherReport.skippedJson(p.label(), arch.label(), emulated,
                                    e.getMessage()));
                        }
                        rows.add(PatcherReport.skippedRow(p.label(), arch.label(), emulated, e.getMessage()));
                    }
                }
            } finally {
                progress.done();
            }
            if (!options.json) {
                PatcherReport.table(out, rows);
            }
            out.flush();
            return violated ? ExitStatus.FINDINGS : ExitStatus.OK;
        } catch (PatcherException e) {
            return PatcherReport.fail(err, "patcher compare", e);
        }
    }
}
