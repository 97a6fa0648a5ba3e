package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, point 9 ("Samples symbols"): {@code samples} names addresses as perf script does:
 * kernel symbols from kallsyms (perf's build-id cache, {@code --kallsyms}), user-space symbols
 * from the mapped files and their debug files, the dso, the offset into the symbol, user-space
 * frames as offsets into the mapped file. The oracle is perf script on recordings made here, with
 * the same build-id cache; the output must be the same, line for line.
 */
class SamplesSymbolsTest {
    @TempDir
    static Path tmp;

    static FreshRecordings fresh;
    static Path fp;
    static Path systemWide;

    @BeforeAll
    static void record() throws Exception {
        fresh = FreshRecordings.in(tmp);
        fp = fresh.record("fp.data", List.of("-e", "cpu-clock", "-F", "2000", "-g"), 200);
        systemWide = fresh.record("system-wide.data", List.of("-a", "-e", "cpu-clock", "-F", "500", "-g"), 200);
    }

    static Stream<List<String>> fieldLists() {
        return Stream.of(List.of(), List.of("-F", "comm,tid,time,ip,sym,symoff,dso"), List.of("-F", "tid,time,ip,sym,dso"),
                List.of("-F", "comm,pid,tid,time,period,event,ip,sym"),
                List.of("--hide-call-graph", "-F", "comm,tid,time,ip,sym,symoff,dso"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldLists")
    void aFrameChainRecordingIsNamedAsPerfNamesIt(List<String> options) throws Exception {
        assertSameAsPerf(fp, options);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldLists")
    void aSystemWideRecordingIsNamedAsPerfNamesIt(List<String> options) throws Exception {
        assertSameAsPerf(systemWide, options);
    }

    /** -a recordings sample the CPU too; C++ programs (the JVMs running the tests) have demangled names. */
    @Test
    void cpusAndDemangledNamesAreAsPerfPrintsThem() throws Exception {
        assertSameAsPerf(systemWide, List.of("-F", "comm,pid,tid,cpu,time,period,event,ip,sym,symoff,dso"));
        String out = CliRun.of("samples", "--buildid-dir", fresh.buildIdDir().toString(), "-F", "ip,sym",
                systemWide.toString()).out();
        assertTrue(out.lines().noneMatch(l -> l.contains(" _ZN")), "mangled names");
    }

    private static void assertSameAsPerf(Path file, List<String> options) throws Exception {
        assertTrue(fresh.assertSamplesAsPerfScript(file, options).size() > 50, "a recording with samples");
    }

    /**
     * {@code --symfs}: a recording's files copied under another root, as to another machine (every
     * file its BUILD_ID feature names, {@code perf record -N} so that no build-id cache holds
     * them, the program itself moved there), named as {@code perf script --symfs} names them.
     */
    @Test
    void filesCopiedUnderSymfsAreNamedAsPerfNamesThem() throws Exception {
        FreshRecordings moved = FreshRecordings.in(Files.createDirectories(tmp.resolve("moved")));
        Path file = moved.record("moved.data", List.of("-N", "-e", "cpu-clock:u", "-F", "2000", "-g"), 200);
        Path symfs = tmp.resolve("symfs");
        PerfTool.Result ids = moved.perf().run("buildid-list", "-i", file.toString());
        assertEquals(0, ids.status(), ids.err());
        for (String line : ids.out()) {
            String path = line.substring(line.indexOf(' ') + 1);
            if (path.startsWith("/")) {
                Path copy = symfs.resolve(path.substring(1));
                Files.createDirectories(copy.getParent());
                Files.copy(Path.of(path), copy);
            }
        }
        Files.delete(moved.workload());
        List<String> perf = moved.assertSamplesAsPerfScript(file,
                List.of("--symfs", symfs.toString(), "-F", "comm,tid,time,ip,sym,symoff,dso"));
        assertTrue(perf.stream().anyMatch(l -> l.contains(" leaf+0x")), String.join("\n", perf));
    }

    /** Kernel and user symbols both appear: the comparison above is not of two columns of [unknown]. */
    @Test
    void theRecordingsHaveKernelAndUserSymbols() throws Exception {
        String out = CliRun.of("samples", "--buildid-dir", fresh.buildIdDir().toString(), systemWide.toString()).out();
        assertTrue(out.contains(" ([kernel.kallsyms])") && out.lines().anyMatch(l -> l.matches("\\s+[0-9a-f]+ [a-z_].*\\+0x[0-9a-f]+ \\(\\[kernel.kallsyms\\]\\)")), out);
        String user = CliRun.of("samples", "--buildid-dir", fresh.buildIdDir().toString(), fp.toString()).out();
        assertTrue(user.contains(" leaf+0x") && user.contains(" main+0x") && user.contains("(" + fresh.workload() + ")"), user);
    }

    /** --kallsyms names kernel addresses without perf's cache, as perf's cache copy of the same file does. */
    @Test
    void kallsymsGivenOnTheCommandLineNamesTheKernel() throws Exception {
        Path cached;
        try (Stream<Path> s = Files.walk(fresh.buildIdDir().resolve("[kernel.kallsyms]"))) {
            cached = s.filter(p -> p.getFileName().toString().equals("kallsyms")).findFirst().orElseThrow();
        }
        Path empty = Files.createDirectories(tmp.resolve("empty-cache"));
        String fields = "comm,tid,time,ip,sym,symoff,dso";
        List<String> perf = fresh.script("-F", fields, "-i", systemWide.toString());
        CliRun run = CliRun.of("samples", "--buildid-dir", empty.toString(), "--kallsyms", cached.toString(), "-F", fields,
                systemWide.toString());
        List<String> ours = run.out().lines().toList();
        assertEquals(perf.size(), ours.size());
        for (int i = 0; i < perf.size(); i++) {
            if (perf.get(i).endsWith("([kernel.kallsyms])")) {
                assertEquals(perf.get(i), ours.get(i), "line " + (i + 1));
            }
        }
    }
}
