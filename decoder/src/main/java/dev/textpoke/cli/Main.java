package dev.textpoke.cli;

import dev.textpoke.cli.arm64.ValidateArm64Command;
import dev.textpoke.cli.branches.BranchesCommand;
import dev.textpoke.cli.branches.ProfileCommand;
import dev.textpoke.cli.code.PokesCommand;
import dev.textpoke.cli.code.TextCommand;
import dev.textpoke.cli.decode.DecodeCommand;
import dev.textpoke.cli.patcher.PatcherCommand;
import dev.textpoke.cli.perf.DumpCommand;
import dev.textpoke.cli.perf.InfoCommand;
import dev.textpoke.cli.perf.SamplesCommand;
import dev.textpoke.cli.scenario.ScenarioCommand;
import dev.textpoke.cli.sim.SimulateCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code textpoke} command line. Subcommands are listed here and live one per class in the
 * package of their family ({@code cli.perf}, {@code cli.code}, ...); formatting is in {@code
 * cli.format}. This package tree is the only place in textpoke that prints.
 *
 * <p>Exit status ({@link ExitStatus}): 0 success; 1 the command ran and found what it reports as a
 * failure (for example an unsafe patch); 2 bad usage or bad input (a one-line message naming the
 * file, the byte offset and the problem); 70 an internal error; 141 the reader of standard output
 * went away (as a shell reports perf killed by SIGPIPE).
 */
@Command(
        name = "textpoke",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Reads perf.data files completely, and keeps a time-indexed model of Linux kernel"
                + " text with every code modification (TEXT_POKE: jump labels, ftrace, kprobes, BPF)"
                + " applied at its time.",
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
            BranchesCommand.class,
            ProfileCommand.class,
            SimulateCommand.class,
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
        cl.setParameterExceptionHandler(new UsageErrors());
        return cl;
    }

    /**
     * The command line for {@code args}: when they name a subcommand, that subcommand alone, named
     * {@code textpoke NAME} (picocli builds the model of every subcommand it is given, by
     * reflection, and that was most of a short command's start-up); otherwise the whole.
     */
    static CommandLine commandLineFor(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length > 0) {
            for (Class<?> sub : Main.class.getAnnotation(Command.class).subcommands()) {
                Command c = sub.getAnnotation(Command.class);
                if (c != null && c.name().equals(args[0]) && sub != CommandLine.HelpCommand.class) {
                    try {
                        CommandLine cl = new CommandLine(sub.getDeclaredConstructor().newInstance());
                        cl.setCommandName("textpoke " + c.name());
                        cl.setOut(out);
                        cl.setErr(err);
                        cl.setExecutionExceptionHandler(new ErrorReporter());
                        cl.setParameterExceptionHandler(new UsageErrors());
                        return cl;
                    } catch (ReflectiveOperationException e) {
                        break; // the whole command line will say what is wrong
                    }
                }
            }
        }
        return commandLine(out, err);
    }

    public static void main(String[] args) {
        PrintWriter out = StandardOutput.open();
        PrintWriter err = new PrintWriter(System.err, true);
        CommandLine cl = commandLineFor(args, out, err);
        int status = cl == null ? ExitStatus.INTERNAL
                : cl.getCommandName().equals("textpoke") ? cl.execute(args)
                : cl.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        try {
            out.flush();
        } catch (OutputClosedException e) {
            status = e.brokenPipe() ? ExitStatus.CLOSED_OUTPUT : ExitStatus.OUTPUT_ERROR;
        }
        System.exit(status);
    }
}
