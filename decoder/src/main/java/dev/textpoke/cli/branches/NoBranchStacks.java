package dev.textpoke.cli.branches;

import dev.textpoke.branches.BranchStackReader;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import java.io.PrintWriter;

/**
 * What to tell a user whose perf.data holds no branch stacks, once all of it was read: whether the
 * recording asked for them at all ({@code PERF_SAMPLE_BRANCH_STACK}, which {@code perf record -b}
 * and {@code -j} set) or took no sample of an event that did. Nothing is wrong with such a file, so
 * it is a note on stderr, and the exit status stays 0.
 */
final class NoBranchStacks {
    private NoBranchStacks() {}

    /** Says so on stderr when {@code reader} read to the end and returned no stack. */
    static void note(String command, String file, PerfData data, BranchStackReader reader, PrintWriter err) {
        if (reader.stacks() > 0) {
            return;
        }
        err.println("textpoke " + command + ": " + file + " holds no branch stacks" + why(data, reader));
        err.flush();
    }

    static String why(PerfData data, BranchStackReader reader) {
        for (Event e : data.events().events()) {
            if (e.attr().has(SampleFormat.BRANCH_STACK)) {
                return ": the recording asked for them (PERF_SAMPLE_BRANCH_STACK), and took no sample of an event"
                        + " that did";
            }
        }
        String aux = reader.auxTrace()
                ? "; perf inject --itrace=il64 synthesises them from this file's AUX trace (given the traced binaries)"
                : "";
        return " (no sample has PERF_SAMPLE_BRANCH_STACK): no event of the recording asked for them; perf record"
                + " -b (every taken branch) or -j any,u (user-space ones) records them" + aux;
    }
}
