package dev.textpoke.cli.branches;

import dev.textpoke.branches.BranchSample;
import dev.textpoke.branches.BranchStackReader;
import dev.textpoke.branches.BranchSummary;
import dev.textpoke.branches.DamagedStack;
import dev.textpoke.branches.StackItem;
import dev.textpoke.branches.WalkedStack;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.InputWarnings;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.code.ImageOptions;
import dev.textpoke.cli.code.MappedFileOptions;
import dev.textpoke.cli.format.BranchJson;
import dev.textpoke.cli.format.BranchText;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.cli.perf.PerfEventName;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.PerfData;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke branches FILE}: the branch stacks of a perf.data (LBR, BRBE, or synthesised from
 * ETM or Intel PT by {@code perf inject}), each range read with the code of its own time.
 */
@Command(name = "branches", mixinStandardHelpOptions = true,
        description = {"Prints the branch stacks of a perf.data, in file order: each sample's entries, newest first,"
                + " with the kind of branch the code says and the flags the hardware recorded; with --insns the"
                + " instructions of every range, oldest first, as perf script -F brstackinsn lays them out, each"
                + " range read with the code of the time it ran (TEXT_POKE applied), and a # line where a"
                + " modification changed it while it may have run, where it ran in other code than the sample's"
                + " time had, where no version of the code explains it, or where the code is not known.",
            "A damaged stack is reported on stderr, the others are read on; the exit status is then 2. Other"
                + " damage ends the reading: one line on stderr after what was read, status 2."})
public final class BranchesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "perf.data file, directory, or - for a pipe on stdin")
    String file;

    @Option(names = "--insns", description = "The instructions of every range instead of the entries.")
    boolean insns;

    @Option(names = "--json", description = "JSON Lines: an object per sample (per instruction with --insns).")
    boolean json;

    @Option(names = "--summary", description = "Only the counts: samples, ranges, ranges crossing a modification,"
            + " corrected, ambiguous, inconsistent.")
    boolean summaryOnly;

    @Mixin
    ImageOptions images;

    @Mixin
    MappedFileOptions mappedFiles;

    @Mixin
    TimingOptions timing;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = Progress.onTerminal(err, "branches");
        BranchSummary summary = new BranchSummary();
        int damaged = 0;
        TextOut buf = new TextOut(out);
        StringBuilder sb = buf.sb();
        InputFormatException damage = null; // ends the reading: reported after the summary of what was read
        PerfData data;
        try (BranchSession session = open();
                BranchStackReader reader = session.reader(BranchStackReader.Order.FILE)) {
            data = session.data;
            BranchText text = new BranchText(session.names());
            BranchJson js = new BranchJson(session.names());
            try {
                StackItem item;
                while ((item = reader.next()) != null) {
                    if (item instanceof DamagedStack d) {
                        summary.damaged();
                        damaged++;
                        buf.flushAll();
                        err.println("textpoke branches: damaged branch stack in sample " + d.index() + ": "
                                + d.problem().getMessage());
                        if (json && !summaryOnly) {
                            out.println(BranchJson.damaged(d));
                        }
                        continue;
                    }
                    BranchSample s = (BranchSample) item;
                    WalkedStack w = session.walker.walk(s);
                    summary.add(w);
                    if (summaryOnly) {
                        continue;
                    }
                    String comm = session.comm(s.tid());
                    String event = name(s.event());
                    if (json) {
                        if (insns) {
                            js.instructions(w, line -> sb.append(line).append('\n'));
                        } else {
                            sb.append(js.sample(w, comm, event)).append('\n');
                        }
                    } else {
                        text.header(sb, s, comm, event);
                        if (insns) {
                            text.instructions(sb, w);
                        } else {
                            text.branches(sb, w);
                        }
                    }
                    buf.maybeFlush();
                    if ((s.index() & 0x3fff) == 0) {
                        progress.update(s.offset(), session.data.fileSize(), "bytes");
                    }
                }
                progress.done();
                NoBranchStacks.note("branches", file, session.data, reader, err);
            } catch (InputFormatException e) {
                damage = e;
            } finally {
                progress.done();
                buf.flushAll();
            }
        }
        if (summaryOnly) {
            if (json) {
                out.println(BranchJson.summary(summary));
            } else {
                BranchText.summary(sb, summary);
                buf.flush();
            }
            out.flush();
        }
        if (damage != null) {
            throw damage;
        }
        // Damage that did not stop the records (feature sections past the end of a cut file).
        return InputWarnings.after(data, out, err, damaged > 0 ? ExitStatus.BAD_INPUT : ExitStatus.OK);
    }

    private BranchSession open() throws IOException {
        try {
            return BranchSession.open(file, images, mappedFiles, timing.timing());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static String name(Event e) {
        return e == null ? "(unknown event)" : PerfEventName.of(e);
    }

}
