package dev.textpoke.cli;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import java.io.PrintWriter;

/**
 * What a command says about its perf.data besides its output: notes before it (a data size of 0:
 * perf record did not finish; the records are read to the end of the file, as perf does), and,
 * after everything that could be read, damage that did not stop the records from being read
 * (feature sections past the end of a cut file). perf carries on silently over such damage;
 * textpoke names it in one line each on stderr and exits with status 2.
 */
public final class InputWarnings {
    private InputWarnings() {}

    /** Says what is unusual about the input, before the command reads it. */
    public static void notes(PerfData data, PrintWriter err) {
        for (PerfFormatException n : data.notes()) {
            err.println("textpoke: warning: " + n.getMessage());
        }
        err.flush();
    }

    /**
     * Names the damage found while opening, after the output; returns {@link ExitStatus#BAD_INPUT}
     * when there was some, else {@code status}.
     */
    public static int after(PerfData data, PrintWriter out, PrintWriter err, int status) {
        if (data.warnings().isEmpty()) {
            return status;
        }
        out.flush();
        for (PerfFormatException w : data.warnings()) {
            err.println("textpoke: " + w.getMessage());
        }
        err.flush();
        return ExitStatus.BAD_INPUT;
    }
}
