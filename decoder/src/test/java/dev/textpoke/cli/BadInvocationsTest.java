package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, point 7 ("Bad invocations"): each bad invocation with its exact message and status.
 * Data errors are one line; only a malformed command line gets the usage, and then only its
 * synopsis and where the help is. {@code F} in a case stands for its file.
 */
class BadInvocationsTest {
    @TempDir
    static Path tmp;

    private static final String POKES = TestTraces.trace("pokes/pokes.data").toString();
    private static final String PT = TestTraces.trace("pt/pokes.data").toString();
    private static final String CHAIN = TestTraces.trace("recorded/callchain-fp.data").toString();

    /** One case: the arguments, the status, and stderr line by line. */
    record Case(List<String> args, int status, List<String> err) {
        @Override
        public String toString() {
            return String.join(" ", args);
        }
    }

    private static Case c(int status, String args, String... err) {
        List<String> a = new ArrayList<>();
        for (String s : args.split(" ")) {
            a.add(s.equals("''") ? "" : s);
        }
        return new Case(a, status, List.of(err));
    }

    static Stream<Case> cases() throws Exception {
        Path notPerfDir = Files.createDirectories(tmp.resolve("not-perf-dir"));
        Path ko = Files.writeString(tmp.resolve("mod.ko"), "not read");
        Path badMagic = tmp.resolve("bad-magic.data");
        byte[] b = Files.readAllBytes(TestTraces.trace("recorded/cpu-clock.data"));
        System.arraycopy("NOTPERF!".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 8);
        Files.write(badMagic, b);
        String missing = tmp.resolve("no-such.data").toString();
        Path full = Files.createDirectories(tmp.resolve("full-dir"));
        Files.writeString(full.resolve("f"), "x");
        int bad = ExitStatus.BAD_INPUT;
        String cpuClock = TestTraces.trace("recorded/cpu-clock.data").toString();
        String gone = tmp.resolve("gone").toString();
        return Stream.of(
                // Kernel symbol sources are checked before the samples are read, whether or not a
                // sample needs them (cpu-clock.data's name no kernel address), as pokes checks its own.
                c(bad, "samples --kallsyms " + gone + " " + cpuClock, "textpoke: " + gone + ": no such file"),
                c(bad, "samples --kallsyms " + ko + " " + cpuClock, "textpoke: " + ko + ": at byte 0 (0x0): not a"
                        + " kallsyms line (address type name [module]): not read"),
                c(bad, "samples --kallsyms " + notPerfDir + " " + cpuClock, "textpoke: " + notPerfDir + ": a directory,"
                        + " not a kallsyms file"),
                c(bad, "samples --kcore " + gone + " " + cpuClock, "textpoke: " + gone + "/kallsyms: no such file"),
                c(bad, "samples --vmlinux " + ko + " " + cpuClock, "textpoke: " + ko + ": at byte 0 (0x0): not an ELF"
                        + " file (nor xz, zstd or gzip): starts with 6e6f742072656164"),
                c(bad, "samples --vmlinux " + gone + " " + cpuClock, "textpoke: " + gone + ": no such file"),
                c(bad, "pokes " + POKES + " --image zz:FILE", "textpoke: --image zz:FILE: not a hex address: zz"),
                c(bad, "pokes " + POKES + " --image 1000", "textpoke: --image 1000: an image is ADDR:FILE,"
                        + " e.g. 0xffffffff81000000:text.bin, not 1000"),
                c(bad, "pokes " + POKES + " --module " + tmp.resolve("gone.ko"), "textpoke: " + tmp.resolve("gone.ko")
                        + ": no such file"),
                c(bad, "pokes " + POKES + " --module " + ko, "textpoke: --module " + ko + ": no load address: give"
                        + " KO@ADDR, or --kallsyms with a modules file beside it"),
                c(bad, "pokes " + POKES + " --module " + ko + "@zz", "textpoke: --module " + ko + "@zz: not a hex"
                        + " address: zz"),
                c(bad, "info " + notPerfDir, "textpoke: " + notPerfDir + ": a directory, but not a perf.data"
                        + " directory: it has no file named data"),
                c(bad, "info ''", "textpoke: \"\": no such file"),
                c(bad, "info /dev/zero", "textpoke: /dev/zero: not a perf.data file: a character device"),
                c(bad, "dump /dev/null", "textpoke: /dev/null: not a perf.data file: a character device"),
                c(bad, "samples " + missing, "textpoke: " + missing + ": no such file"),
                c(bad, "info " + badMagic, "textpoke: " + badMagic + ": at byte 0 (0x0): not a perf.data file:"
                        + " magic is 4e4f545045524621, expected PERFILE2 or PERFFILE"),
                c(bad, "samples -F time,cpu " + CHAIN, "textpoke: " + CHAIN + ": samples for 'cpu-clock' event do"
                        + " not have CPU attribute set: cannot print 'cpu' field (perf script's message)"),
                c(bad, "text " + POKES + " --at 1 ffffffff81000000-ffffffff80000000",
                        "textpoke: the range must be 1 byte to 1 MB long: ffffffff81000000-ffffffff80000000"),
                c(bad, "simulate -o " + full, "textpoke: " + full + " exists and is not an empty directory"),
                c(bad, "text " + POKES + " --at 1 no_such_function", "textpoke: no symbol no_such_function in the"
                        + " images, nor a region of that name alive at that time"),
                // Malformed command lines: the problem, the synopsis, where the help is.
                c(bad, "info", "textpoke info: Missing required parameter: 'FILE'", "Usage: textpoke info [-hV]"
                        + " [--json] FILE", "Try 'textpoke info --help' for more information."),
                c(bad, "--frobnicate", "textpoke: Unknown option: '--frobnicate'", "Usage: textpoke [-hV] [COMMAND]",
                        "Try 'textpoke --help' for more information."),
                c(bad, "text " + POKES + " --at soon ffffffff81000000", "textpoke text: not a perf time (ns, or"
                        + " seconds.fraction as perf script prints it): soon", "Usage: textpoke text [-hV]",
                        "Try 'textpoke text --help' for more information."),
                c(bad, "decode -", "textpoke: decode reads the input twice (the trace, then the code"
                        + " modifications in time order): give a file, not standard input"),
                c(bad, "decode --summary --comm swapper " + PT, "textpoke decode: --task, --pid, --tid and --comm are"
                        + " about lines; --summary counts the whole trace", "Usage: textpoke decode [-hV]",
                        "Try 'textpoke decode --help' for more information."),
                c(bad, "decode --pid 1,x " + PT, "textpoke decode: Invalid value for option '--pid' (PID): 'x' is"
                        + " not an int", "Usage: textpoke decode [-hV]",
                        "Try 'textpoke decode --help' for more information."),
                // filters no line can pass: perf refuses the first three ("Invalid cpu_list",
                // "Requested CPU 99 too large", "Invalid time string"); the rest would print nothing
                c(bad, "decode --cpu 3-1 " + PT, "textpoke decode: --cpu 3-1: not a CPU list (e.g. 0,2-3)",
                        "Usage: textpoke decode [-hV]", "Try 'textpoke decode --help' for more information."),
                c(bad, "decode --cpu 0,99 " + PT, "textpoke: --cpu 99: the recording's machine has 2 CPUs (0-1)"),
                c(bad, "decode --time 5,1 " + PT, "textpoke decode: --time 5,1: the start is after the end",
                        "Usage: textpoke decode [-hV]", "Try 'textpoke decode --help' for more information."),
                c(bad, "decode --tid -5 " + PT, "textpoke decode: --tid -5: not a thread id",
                        "Usage: textpoke decode [-hV]", "Try 'textpoke decode --help' for more information."),
                c(bad, "decode --symbol= " + PT, "textpoke decode: --symbol needs names (NAME[,NAME])",
                        "Usage: textpoke decode [-hV]", "Try 'textpoke decode --help' for more information."),
                c(bad, "decode --comm= " + PT, "textpoke decode: --comm needs command names (COMM[,COMM])",
                        "Usage: textpoke decode [-hV]", "Try 'textpoke decode --help' for more information."));
    }

    @Test
    void aFileNameTheLocaleCannotEncodeIsOneLine() throws Exception {
        // java itself, not the launcher (which gives the JVM a UTF-8 locale): LC_ALL=C makes the
        // JVM encode file names as ASCII, and a UTF-8 name was an internal error. The name's bytes
        // come from printf: this JVM (the tests') may not be able to encode them either.
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                CliProcess.shell("info") + " \"$(printf '" + tmp + "/caf\\303\\251.data')\"");
        pb.environment().put("LC_ALL", "C");
        Path err = tmp.resolve("locale-err.txt");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        assertEquals(ExitStatus.BAD_INPUT, pb.start().waitFor());
        List<String> lines = Files.readAllLines(err, StandardCharsets.ISO_8859_1);
        assertEquals(1, lines.size(), lines.toString());
        assertEquals(true, lines.get(0).startsWith("textpoke: ") && lines.get(0).endsWith(": this file name cannot"
                + " be encoded in the locale's character set (ANSI_X3.4-1968): run with a UTF-8 locale, e.g."
                + " LC_ALL=C.UTF-8"), lines.get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBadInvocationHasItsMessageAndStatus(Case c) {
        CliRun run = CliRun.of(c.args().toArray(String[]::new));
        assertEquals(c.status(), run.status(), run.err());
        List<String> err = run.err().lines().toList();
        if (c.err().size() == 3 && c.err().get(1).startsWith("Usage: ")) {
            // The synopsis is picocli's: compare its first line only.
            assertEquals(c.err().get(0), err.get(0));
            assertEquals(c.err().get(2), err.get(err.size() - 1));
            assertEquals(true, err.get(1).startsWith(c.err().get(1).substring(0, c.err().get(1).indexOf('['))),
                    run.err());
            assertEquals(true, err.size() <= 10, "the synopsis, not the whole help: " + run.err());
            // a synopsis of several lines goes on under its first option, as in --help
            int column = err.get(1).indexOf('[');
            for (String line : err.subList(2, err.size() - 1)) {
                assertEquals(column, line.length() - line.stripLeading().length(), run.err());
            }
        } else {
            assertEquals(c.err(), err);
        }
        assertEquals("", run.out());
    }
}
