package dev.textpoke.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it prints; for tests. */
public record CliRun(int status, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            int status = Main.commandLine(o, e).execute(args);
            o.flush();
            e.flush();
            return new CliRun(status, out.toString(), err.toString());
        }
    }
}
