package dev.textpoke.cli.scenario;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke scenario}: replays code patching under each protocol on a simulated machine,
 * traces it, decodes the trace and scores the decode against what really ran (docs/scenarios.md).
 */
@Command(name = "scenario", mixinStandardHelpOptions = true,
        description = {"Replays jump-label, ftrace and static-call patching under a protocol on simulated CPUs,"
                + " traces them (Intel PT on x86-64, an ETMv4-style waypoint trace on arm64), decodes the trace with"
                + " and without replay (and with perf 6.1 on x86), and scores each decode against what ran"
                + " (docs/scenarios.md)."},
        subcommands = {ScenarioRunCommand.class, ScenarioFuzzCommand.class})
public final class ScenarioCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }
}
