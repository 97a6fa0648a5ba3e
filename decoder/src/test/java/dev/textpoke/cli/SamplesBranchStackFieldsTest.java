package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code samples -F ...,brstacksym}: every branch entry's source and target named as {@code perf
 * script -F brstacksym} names them ({@code sym+0xoff} or {@code [unknown]}, with {@code dso} their
 * objects), and {@code -F brstack,dso} with each address's object, line for line: a user-space LBR recording of a program (under {@code --symfs}), a
 * kernel one whose code was patched (its symbols from the kcore copy, a trampoline's from its
 * KSYMBOL), and quipper's real LBR recordings, whose files are not here.
 */
class SamplesBranchStackFieldsTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    /** flips.data's kallsyms without the kcore beside it: perf then knows the kernel's symbols only. */
    static final Path KALLSYMS_ALONE;

    static {
        try {
            KALLSYMS_ALONE = java.nio.file.Files.createTempDirectory("kallsyms-alone").resolve("kallsyms");
            java.nio.file.Files.copy(TraceFiles.traces().resolve("branches/flips.data/kcore_dir/kallsyms"), KALLSYMS_ALONE);
            KALLSYMS_ALONE.toFile().deleteOnExit();
            KALLSYMS_ALONE.getParent().toFile().deleteOnExit();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void perf() throws Exception {
        perf = PerfTool.in(tmp);
    }

    static Stream<List<String>> cases() {
        String user = TraceFiles.traces().resolve("branches/user.data").toString();
        String symfs = TraceFiles.traces().resolve("branches/lbr-demo").toString();
        String kernel = TraceFiles.traces().resolve("branches/flips.data").toString();
        Path quipper = TraceFiles.root().resolve("../shared/external-traces/perf_data_converter/src/quipper/testdata");
        return Stream.of(
                List.of(user, "--symfs", symfs, "-F", "brstacksym"),
                List.of(user, "--symfs", symfs, "-F", "comm,tid,time,ip,sym,dso,brstacksym"),
                List.of(kernel, "-F", "comm,tid,time,ip,sym,brstacksym"),
                List.of(kernel, "-F", "brstacksym,dso"),
                List.of(user, "--symfs", symfs, "-F", "ip,dso,brstack"),
                List.of(kernel, "-F", "brstack,dso"),
                List.of(quipper.resolve("perf.data.branch-4.14").toString(), "-F", "brstacksym,dso"),
                List.of(quipper.resolve("perf.data.branch-4.14").toString(), "-F", "brstack,dso"),
                List.of(quipper.resolve("perf.data.branch_stack_spec").toString(), "-F", "tid,ip,brstacksym"),
                // brstackoff: the address where perf read the object from a file, else the offset
                // into it (the program found or not, the kernel from kcore or from kallsyms alone, a
                // trampoline's KSYMBOL, a real recording whose files are not here)
                List.of(user, "--symfs", symfs, "-F", "brstackoff"),
                List.of(user, "-F", "ip,dso,brstackoff"),
                List.of(kernel, "-F", "brstackoff,dso"),
                List.of(kernel, "--kallsyms", KALLSYMS_ALONE.toString(), "-F", "brstackoff,dso"),
                List.of(quipper.resolve("perf.data.branch-4.14").toString(), "-F", "brstackoff,dso"),
                List.of(quipper.resolve("perf.data.branch-4.14").toString(), "-F", "brstack,brstackoff"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theEntriesAreNamedAsPerfNamesThem(List<String> args) throws Exception {
        List<String> perfs = SamplesAgainstPerf.assertSameLines(perf, args.get(0), args.subList(1, args.size()));
        assertTrue(perfs.stream().anyMatch(l -> l.contains("/P/") || l.contains("/M/") || l.contains("/-/")),
                "entries: " + perfs);
    }

    /**
     * Samples without a branch stack: perf 6.1 accepts the branch stack fields (it checks no
     * sample_type bit for them, unlike addr or cpu) and prints nothing for them, a line per sample;
     * so does samples, and its JSON has no branch stack.
     */
    @ParameterizedTest
    @MethodSource("fieldsWithoutBranchStacks")
    void withoutBranchStacksTheFieldsAreEmptyAsInPerf(String fields) throws Exception {
        String file = TraceFiles.traces().resolve("recorded/cpu-clock.data").toString();
        PerfTool.Result p = perf.run("script", "--ns", "-i", file, "-F", fields);
        assertEquals(0, p.status(), p.err());
        assertTrue(p.out().size() > 10, "samples: " + p.out());
        CliRun r = CliRun.of("samples", "-F", fields, file);
        assertEquals(ExitStatus.OK, r.status(), r.err());
        assertEquals(p.out(), r.out().lines().toList());
        CliRun json = CliRun.of("samples", "--json", "-F", fields, file);
        assertEquals(ExitStatus.OK, json.status(), json.err());
        assertEquals(p.out().size(), json.out().lines().count());
        assertTrue(json.out().lines().noneMatch(l -> l.contains("\"brstack")), json.out());
    }

    static Stream<String> fieldsWithoutBranchStacks() {
        return Stream.of("brstack", "brstacksym", "brstackoff", "tid,ip,brstack", "brstacksym,dso");
    }

    /** The names are there: the program's functions and the kernel's. */
    @Test
    void theProgramAndTheKernelAreNamed() {
        String out = CliRun.of("samples", "--symfs", TraceFiles.traces().resolve("branches/lbr-demo").toString(),
                "-F", "brstacksym", TraceFiles.traces().resolve("branches/user.data").toString()).out();
        assertTrue(out.contains("collatz+0x") && out.contains("irq_return+0x0/entry+0x"), out);
        String json = CliRun.of("samples", "--json", "-F", "brstacksym",
                TraceFiles.traces().resolve("branches/flips.data").toString()).out();
        assertTrue(json.contains("\"from_sym\":\"start_kernel+0x"), json.substring(0, Math.min(600, json.length())));
    }
}
