package dev.textpoke.cli.perf;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.InputWarnings;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.format.RecordPrinter;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.record.RecordType;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke dump FILE}: every record in file order, one line each (offset, perf's type name,
 * size, decoded fields), or one JSON object each; {@code --counts}: records per type, counted as
 * perf report -D's "Aggregated stats" counts them.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Prints every record of a perf.data in file order: offset, type, size and decoded fields.",
            "Records decompressed from a COMPRESSED record show that record's offset, as perf does."})
public final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "perf.data file, directory, or - for a pipe on stdin")
    String file;

    @Option(names = "--counts", description = "Print one line per record type, PERF_RECORD_<NAME> <count>,"
            + " counting as perf report -D does (records inside COMPRESSED count as their own types,"
            + " COMPRESSED itself too).")
    boolean counts;

    @Option(names = "--json", description = "One JSON object per record (offset, type, size and the decoded fields).")
    boolean json;

    @Option(names = "--pt", description = "Print every Intel PT packet of every AUXTRACE buffer instead of the records,"
            + " laid out as perf report -D prints them (--json: one object per packet). See docs/intel-pt.md.")
    boolean pt;

    @Override
    public Integer call() throws IOException {
        if (pt && counts) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--pt and --counts do not go together");
        }
        if (pt) {
            try (PerfData data = PerfData.open(file)) {
                InputWarnings.notes(data, spec.commandLine().getErr());
                int status = PtDump.run(data, spec.commandLine().getOut(), spec.commandLine().getErr(), json);
                return InputWarnings.after(data, spec.commandLine().getOut(), spec.commandLine().getErr(), status);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "dump");
        TreeMap<Long, Long> perType = new TreeMap<>();
        try (PerfData data = PerfData.open(file)) {
            InputWarnings.notes(data, spec.commandLine().getErr());
            RecordPrinter printer = new RecordPrinter(data, json);
            try {
                FileOrderWalk.run(data, progress, v -> {
                    perType.merge(Integer.toUnsignedLong(v.type()), 1L, Long::sum);
                    if (!counts) {
                        out.println(printer.line(v));
                    }
                });
            } finally {
                if (counts) {
                    printCounts(out, perType);
                }
                out.flush();
            }
            return InputWarnings.after(data, out, spec.commandLine().getErr(), ExitStatus.OK);
        }
    }

    /** perf lists types in id order, with its names; types it does not know come last. */
    private static void printCounts(PrintWriter out, TreeMap<Long, Long> perType) {
        perType.forEach((type, n) -> {
            if (RecordType.of(type) != null) {
                out.println(RecordType.displayName(type) + " " + n);
            }
        });
        perType.forEach((type, n) -> {
            if (RecordType.of(type) == null) {
                out.println(RecordType.displayName(type) + " " + n);
            }
        });
    }
}
