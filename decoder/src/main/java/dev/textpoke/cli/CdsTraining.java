package dev.textpoke.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run for textpoke's class-data archive: the launcher runs it once per build with
 * {@code -XX:DumpLoadedClassList}, then dumps the classes it loaded into a static archive ({@code
 * -Xshare:dump}), so that later runs map the classes a command needs parsed and verified instead of
 * loading them. A static archive, because only that kind holds class files older than Java 6, and
 * picocli's are Java 5's. It runs the everyday commands on the repository's own small traces,
 * output discarded; what it loads is what they load.
 *
 * <p>Usage: {@code java -XX:DumpLoadedClassList=L -cp textpoke.jar dev.textpoke.cli.CdsTraining ROOT}
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        String cpu = root.resolve("traces/recorded/cpu-clock.data").toString();
        String chain = root.resolve("traces/recorded/callchain-fp.data").toString();
        String dwarf = root.resolve("traces/recorded/callchain-dwarf.data").toString();
        String tracepoints = root.resolve("traces/recorded/tracepoints.data").toString();
        String pokes = root.resolve("traces/pokes/pokes.data").toString();
        List<String[]> runs = List.of(
                new String[] {"--version"},
                new String[] {"info", cpu}, new String[] {"info", "--json", cpu},
                new String[] {"dump", cpu}, new String[] {"dump", "--json", chain}, new String[] {"dump", "--counts", cpu},
                new String[] {"samples", chain}, new String[] {"samples", "--json", chain}, new String[] {"samples", dwarf},
                new String[] {"samples", tracepoints}, new String[] {"samples", "-F", "time,tid,ip,period", cpu},
                new String[] {"pokes", pokes}, new String[] {"pokes", "--json", pokes},
                new String[] {"text", pokes, "--at", "0.000008500", "do_sys_open"});
        for (String[] run : runs) {
            if (run.length > 1 && !Files.exists(Path.of(run[run[0].equals("text") ? 1 : run.length - 1]))) {
                continue;
            }
            PrintWriter none = new PrintWriter(Writer.nullWriter());
            picocli.CommandLine cl = Main.commandLineFor(run, none, none);
            // as Main runs it: the whole command line gets every argument, a subcommand the rest
            cl.execute(cl.getCommandName().equals("textpoke") ? run
                    : java.util.Arrays.copyOfRange(run, 1, run.length));
        }
    }
}
