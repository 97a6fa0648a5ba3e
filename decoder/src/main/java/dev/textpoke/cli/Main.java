package dev.textpoke.cli;

import dev.textpoke.cli.arm64.ValidateArm64Command;
import dev.textpoke.cli.code.PokesCommand;
import dev.textpoke.cli.code.TextCommand;
import dev.textpoke.cli.decode.DecodeCommand;
import dev.textpoke.cli.patcher.PatcherCommand;
import dev.textpoke.cli.perf.DumpCommand;
import dev.textpoke.cli.perf.InfoCommand;
import dev.textpoke.cli.perf.SamplesCommand;
import dev.textpoke.cli.scenario.ScenarioCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code textpoke} command line. Subcommands are listed here and live one per class in the
 * package of their family ({@code cli.perf}, {@code cli.code}, ...); formatting is in {@code
 * cli.format}. This package tree is the only place in textpoke that prints.
 *
 * <p>Exit status: 0 success; 1 the command ran and found what it reports as a failure (for
 * example an unsafe patch); 2 bad usage or bad input (a one-line message naming the file, the
 * byte offset and the problem); 70 an internal error.
 */
@Command(
        name = "textpoke",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Replays Linux kernel code patching over a time-indexed model of kernel text"
                + " and decodes branch traces across it.",
        subcommands = {
            CommandLine.HelpCommand.class,
            InfoCommand.class,
            DumpCommand.class,
            SamplesCommand.class,
            ValidateArm64Command.class,
            PatcherCommand.class,
            PokesCommand.class,
            TextCommand.class,
            DecodeCommand.class,
            ScenarioCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** Builds the configured command line; tests drive it with their own writers. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorReporter());
        return cl;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, false);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = commandLine(out, err).execute(args);
        out.flush();
        System.exit(status);
    }
}
