package dev.textpoke.cli.patcher;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.Progress;
import dev.textpoke.patcher.Patcher;
import dev.textpoke.patcher.PatcherException;
import dev.textpoke.patcher.Protocol;
import dev.textpoke.patcher.RaceResult;
import dev.textpoke.patcher.RaceSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke patcher race --protocol P}: one race. Exit status 1 when the run saw what the
 * protocol promises cannot happen (torn, or stale after the barrier); naive tearing is not that.
 */
@Command(name = "race", mixinStandardHelpOptions = true,
        description = {"Runs one race: executor threads pinned to the other CPUs call the patch sites"
                + " in a loop while this protocol toggles them; every execution is checked against the"
                + " patch timeline.",
            "Exit status 1 if the protocol's guarantee was violated."})
final class PatcherRaceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--protocol", required = true, paramLabel = "P",
            converter = PatcherConverters.ProtocolConverter.class,
            description = "naive, atomic, int3, int3-sync, mprotect, batch (x86-64); brk, brk-sync, naive,"
                    + " atomic (aarch64).")
    Protocol protocol;

    @Mixin
    PatcherRaceOptions options;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Patcher patcher = Patcher.open()) {
            RaceSpec race = options.spec(protocol, options.arch(patcher.hostArch()));
            List<RaceResult> runs = new ArrayList<>();
            for (int i = 0; i < options.repeat; i++) {
                Progress progress = Progress.onTerminal(err, "patcher race " + protocol.label()
                        + (options.repeat > 1 ? " (run " + (i + 1) + " of " + options.repeat + ")" : ""));
                RaceResult r;
                try {
                    r = patcher.race(race, (done, total) -> progress.update(done, total, "patches"));
                } finally {
                    progress.done();
                }
                runs.add(r);
                if (options.json) {
                    out.println(PatcherReport.raceJson(r).put("run", i + 1));
                    out.flush();
                }
            }
            if (!options.json && runs.size() == 1) {
                PatcherReport.table(out, List.of(PatcherReport.RACE_HEADER, PatcherReport.raceRow(runs.get(0))));
                PatcherReport.raceDetails(out, runs.get(0));
            } else if (!options.json) {
                PatcherReport.table(out, List.of(PatcherSummary.HEADER, PatcherSummary.row(runs)));
                out.println();
                PatcherReport.table(out, PatcherSummary.kinds(runs));
            }
            out.flush();
            return runs.stream().anyMatch(RaceResult::violatesGuarantee) ? ExitStatus.FINDINGS : ExitStatus.OK;
        } catch (PatcherException e) {
            return PatcherReport.fail(err, "patcher race", e);
        }
    }
}
