package dev.textpoke.cli.branches;

import dev.textpoke.branches.AutoFdoProfile;
import dev.textpoke.branches.BranchSample;
import dev.textpoke.branches.BranchStackReader;
import dev.textpoke.branches.DamagedStack;
import dev.textpoke.branches.StackItem;
import dev.textpoke.branches.WalkedStack;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.InputWarnings;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.code.ImageOptions;
import dev.textpoke.cli.code.MappedFileOptions;
import dev.textpoke.cli.format.AutoFdoText;
import dev.textpoke.cli.format.BrstackinsnText;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfData;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke profile FILE --format autofdo|brstackinsn}: profiles from branch stacks whose
 * ranges were read with the code of their own time.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Writes a profile of the branch stacks of a perf.data (AutoFDO text, or perf's brstackinsn"
                + " text), from ranges read with the code of the time they ran.",
            "--format chooses:",
            "  autofdo: the AutoFDO text profile (range, address and branch counts per binary), as simpleperf inject"
                + " writes it, for create_llvm_prof --profiler=text and create_gcov; ranges that no version of"
                + " their known code explains are left out;",
            "  brstackinsn: perf script -F brstackinsn's text, in perf's order, each range's instructions as they"
                + " were when it ran."})
public final class ProfileCommand implements Callable<Integer> {
    /** The profile formats. */
    public enum Format {
        autofdo,
        brstackinsn
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "perf.data file, directory, or - for a pipe on stdin")
    String file;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "autofdo or brstackinsn.")
    Format format;

    @Option(names = "--addresses", paramLabel = "elf|load", defaultValue = "elf",
            description = "autofdo: addresses relative to each binary's ELF (default: the kernel's from _text, a"
                    + " module's from its load address, a file's from its load bias), or load addresses.")
    String addresses;

    @Option(names = "--binary", paramLabel = "REGEX",
            description = "autofdo: only binaries whose path (perf's [kernel.kallsyms] for the kernel) matches.")
    String binary;

    @Mixin
    ImageOptions images;

    @Mixin
    MappedFileOptions mappedFiles;

    @Mixin
    TimingOptions timing;

    @Override
    public Integer call() throws IOException {
        AutoFdoText.Addresses mode = switch (addresses) {
            case "elf" -> AutoFdoText.Addresses.ELF;
            case "load" -> AutoFdoText.Addresses.LOAD;
            default -> throw new ParameterException(spec.commandLine(), "--addresses is elf or load, not " + addresses);
        };
        Pattern only;
        try {
            only = binary == null ? null : Pattern.compile(binary);
        } catch (PatternSyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--binary: " + e.getDescription());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = Progress.onTerminal(err, "profile");
        int damaged = 0;
        TextOut buf = new TextOut(out);
        StringBuilder sb = buf.sb();
        BranchSession session;
        try {
            session = BranchSession.open(file, images, mappedFiles, timing.timing());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        BranchStackReader.Order order = format == Format.brstackinsn
                ? BranchStackReader.Order.TIME : BranchStackReader.Order.FILE;
        InputFormatException damage = null; // ends the reading: reported after the profile of what was read
        PerfData data;
        try (session; BranchStackReader reader = session.reader(order)) {
            data = session.data;
            AutoFdoProfile profile = new AutoFdoProfile(session.binaries);
            BrstackinsnText text = new BrstackinsnText(session.walker);
            long n = 0;
            try {
                StackItem item;
                while ((item = reader.next()) != null) {
                    if (item instanceof DamagedStack d) {
                        damaged++;
                        buf.flushAll();
                        err.println("textpoke profile: damaged branch stack in sample " + d.index() + ": "
                                + d.problem().getMessage());
                        continue;
                    }
                    WalkedStack w = session.walker.walk((BranchSample) item);
                    if (format == Format.autofdo) {
                        profile.add(w);
                    } else {
                        text.append(sb, w);
                        buf.maybeFlush();
                    }
                    if ((++n & 0x3fff) == 0) {
                        progress.update(item.offset(), session.data.fileSize(), "bytes");
                    }
                }
                progress.done();
                NoBranchStacks.note("profile", file, session.data, reader, err);
            } catch (InputFormatException e) {
                damage = e;
            } finally {
                progress.done();
                buf.flushAll();
            }
            if (format == Format.autofdo) {
                List<AutoFdoProfile.Counts> binaries = profile.binaries().stream()
                        .filter(c -> only == null || only.matcher(c.binary().path()).find()).toList();
                AutoFdoText.append(sb, binaries, mode);
                buf.flushAll();
                if (profile.dropped() > 0) {
                    err.println("textpoke profile: " + profile.dropped() + " ranges left out: no version of their"
                            + " code explains them");
                }
            }
        }
        if (damage != null) {
            throw damage;
        }
        // Damage that did not stop the records (feature sections past the end of a cut file).
        return InputWarnings.after(data, out, err, damaged > 0 ? ExitStatus.BAD_INPUT : ExitStatus.OK);
    }
}
