package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User-space ranges of branch stacks are read from the file the process mapped, as perf reads
 * them: on a user-space LBR recording of a program compiled here ({@link UserProgramTrace}),
 * {@code textpoke profile --format brstackinsn} equals {@code perf script -F brstackinsn} line for
 * line with the program at its recorded path, under {@code --symfs} (the committed {@code
 * traces/branches/user.data} too), and withheld (then neither can read a range); and {@code
 * branches} names the entries' addresses with the program's symbols as {@code perf script -F
 * brstacksym} does.
 */
class UserRangesMatchPerfTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;
    static UserProgramTrace.Program program;

    @BeforeAll
    static void build() throws Exception {
        perf = PerfTool.in(tmp);
        program = UserProgramTrace.compile(tmp);
    }

    private static List<String> perfText(Path dir, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("script", "-F", "brstackinsn", "-i", dir.toString()));
        args.addAll(List.of(more));
        PerfTool.Result p = perf.run(args.toArray(new String[0]));
        assertEquals(0, p.status(), p.err());
        return p.out();
    }

    private static List<String> ours(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(ExitStatus.OK, r.status(), r.err());
        return r.out().lines().toList();
    }

    private static void assertSameLines(List<String> expected, List<String> actual) {
        assertEquals(expected.size(), actual.size(), "lines");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "line " + (i + 1));
        }
    }

    @Test
    void theProgramsRangesAreReadFromItsFileAsPerfReadsThem() throws Exception {
        Path dir = tmp.resolve("user.data");
        UserProgramTrace.write(program, program.file().toString(), dir, 400, 1);
        List<String> expected = perfText(dir);
        // perf read the program: every range's instructions, under the program's own symbols
        assertTrue(expected.stream().filter(l -> l.contains("insn:")).count() > 5_000, String.join("\n", expected));
        for (String fn : List.of("\tentry", "\tmix", "\tcollatz", "\tsum_odd")) {
            assertTrue(expected.stream().anyMatch(l -> l.startsWith(fn) && l.endsWith(":")), fn);
        }
        assertSameLines(expected, ours("profile", "--format", "brstackinsn", dir.toString()));
    }

    /**
     * Branches recorded one byte into their instruction (the LBR of another build): perf prints on
     * past each such range's end while the bytes it read last, then its mismatch line. Samples whose
     * ip lies before their newest branch's target (a missing branch): perf walks 128 bytes from the
     * target to the first branch.
     */
    @Test
    void misalignedRangesAndLaggingSamplesArePrintedAsPerfPrintsThem() throws Exception {
        Path dir = tmp.resolve("faulty-user.data");
        UserProgramTrace.write(program, program.file().toString(), dir, 200, 6, new UserProgramTrace.Faults(25, 5));
        List<String> expected = perfText(dir);
        assertTrue(expected.stream().filter(l -> l.equals("\tmismatch of LBR data and executable")).count() > 20,
                "misaligned ranges");
        assertTrue(expected.stream().filter(l -> l.equals("\t... not reaching sample ...")).count() > 10,
                "samples behind their branches");
        assertSameLines(expected, ours("profile", "--format", "brstackinsn", dir.toString()));
    }

    @Test
    void theEntriesAreNamedWithTheProgramsSymbolsAsPerfNamesThem() throws Exception {
        Path dir = tmp.resolve("named-user.data");
        UserProgramTrace.write(program, program.file().toString(), dir, 200, 4);
        PerfTool.Result p = perf.run("script", "-F", "brstacksym", "-i", dir.toString());
        assertEquals(0, p.status(), p.err());
        // perf: " from+0xoff/to+0xoff/flags..." per entry, newest first, a line per sample
        List<String> expected = new ArrayList<>();
        for (String line : p.out()) {
            for (String entry : line.trim().split("\\s+")) {
                String[] f = entry.split("/");
                if (f.length > 2) {
                    expected.add(f[0] + " -> " + f[1]);
                }
            }
        }
        // textpoke: "\t#N  from sym+off -> to sym+off  kind ..." (an offset of 0 not printed)
        Pattern entry = Pattern.compile(
                "^\t#\\d+ +[0-9a-f]+ (\\S+) -> [0-9a-f]+ (\\S+)  .*");
        List<String> actual = new ArrayList<>();
        List<String> text = ours("branches", dir.toString());
        for (String line : text) {
            Matcher m = entry.matcher(line);
            if (m.matches()) {
                actual.add(perfName(m.group(1)) + " -> " + perfName(m.group(2)));
            }
        }
        assertTrue(expected.size() > 3_000 && expected.stream().allMatch(e -> !e.contains("[unknown]")),
                expected.size() + " entries");
        assertEquals(expected.size(), actual.size(), String.join("\n", text.subList(0, Math.min(8, text.size()))));
        assertEquals(expected, actual);
        // the JSON entries carry the same names
        List<String> json = new ArrayList<>();
        Matcher m = Pattern.compile("\"from_sym\":\"([^\"]+)\",\"to_sym\":\"([^\"]+)\"")
                .matcher(CliRun.of("branches", "--json", dir.toString()).out());
        while (m.find()) {
            json.add(perfName(m.group(1)) + " -> " + perfName(m.group(2)));
        }
        assertEquals(expected, json);
    }

    /** perf's brstacksym always prints the offset. */
    private static String perfName(String symOff) {
        return symOff.contains("+0x") ? symOff : symOff + "+0x0";
    }

    @Test
    void underSymfsTheProgramIsFoundWhereItWasCopied() throws Exception {
        Path dir = tmp.resolve("symfs-user.data");
        String recorded = "/opt/textpoke-test/bin/prog";
        UserProgramTrace.write(program, recorded, dir, 150, 2);
        Path symfs = tmp.resolve("symfs");
        Files.createDirectories(symfs.resolve("opt/textpoke-test/bin"));
        Files.copy(program.file(), symfs.resolve("opt/textpoke-test/bin/prog"));
        List<String> expected = perfText(dir, "--symfs", symfs.toString());
        assertTrue(expected.stream().anyMatch(l -> l.contains("insn:")), "perf found the program under --symfs");
        assertSameLines(expected, ours("profile", "--format", "brstackinsn", "--symfs", symfs.toString(),
                dir.toString()));
    }

    @Test
    void theCommittedRecordingUnderSymfsIsPerfs() throws Exception {
        Path dir = TraceFiles.traces().resolve("branches/user.data");
        String symfs = TraceFiles.traces().resolve("branches/lbr-demo").toString();
        List<String> expected = perfText(dir, "--symfs", symfs);
        assertTrue(expected.stream().filter(l -> l.contains("insn:")).count() > 2_000, "perf read the program");
        assertSameLines(expected, ours("profile", "--format", "brstackinsn", "--symfs", symfs, dir.toString()));
    }

    @Test
    void withoutTheProgramNeitherReadsARange() throws Exception {
        Path dir = tmp.resolve("gone-user.data");
        UserProgramTrace.write(program, tmp.resolve("not-here/prog").toString(), dir, 100, 3);
        List<String> expected = perfText(dir);
        // only the kernel's IRETQ (from the kcore copy) has instructions
        assertTrue(expected.stream().noneMatch(l -> l.contains("insn:") && !l.strip().startsWith("ffffffff")),
                String.join("\n", expected));
        assertSameLines(expected, ours("profile", "--format", "brstackinsn", dir.toString()));
        CliRun summary = CliRun.of("branches", "--summary", "--json", dir.toString());
        assertEquals(ExitStatus.OK, summary.status(), summary.err());
        assertTrue(summary.out().contains("\"inconsistent_ranges\":0"), summary.out());
        Matcher unknown = Pattern.compile("\"unknown_ranges\":(\\d+)").matcher(summary.out());
        assertTrue(unknown.find() && Long.parseLong(unknown.group(1)) > 1_000, summary.out());
    }
}
