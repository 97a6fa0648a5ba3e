package dev.textpoke.cli.perf;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The header summary equals what perf report --header-only says about the same file. */
class InfoCommandTest {
    private static final Path TRACES = Path.of(System.getProperty("textpoke.shared", "../../shared"), "external-traces");

    @TempDir
    Path tmp;

    private static List<String> perfHeader(Path f) throws Exception {
        Process p = new ProcessBuilder("perf", "report", "--header-only", "-i", f.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return Arrays.asList(out.split("\n"));
    }

    private static String value(List<String> lines, String key) {
        for (String l : lines) {
            if (l.startsWith("# " + key) && l.contains(" : ")) {
                return l.substring(l.indexOf(" : ") + 3).strip();
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "linux-perf-data/tests/fixtures/sleep.compressed.pipe.data",
        "perfparser/tests/auto/perfdata/vector_static_gcc/perf.data",
        "perf_data_converter/src/quipper/testdata/perf.data.intel_pt-4.14",
        "perf_data_converter/src/quipper/testdata/perf.data.armv7-3.4",
    })
    void machineAndEventsEqualPerfHeaderOnly(String file) throws Exception {
        Path f = TRACES.resolve(file);
        CliRun r = CliRun.of("info", f.toString());
        assertEquals(0, r.status(), r.err());
        List<String> ours = Arrays.asList(r.out().split("\n"));
        List<String> perf = perfHeader(f);
        for (String[] k : new String[][] {{"hostname", "hostname"}, {"os release", "os release"},
                {"perf version", "perf version"}, {"arch", "arch"}, {"nrcpus online", "nrcpus online"},
                {"nrcpus avail", "nrcpus avail"}, {"cpuid", "cpuid"}, {"total memory", "total memory"}}) {
            assertEquals(value(perf, k[0]), value(ours, k[1]), k[0] + " of " + file);
        }
        // perf ends the command line with a space.
        assertEquals(value(perf, "cmdline"), value(ours, "cmdline"));
        List<String> perfNames = new ArrayList<>();
        List<String> ourNames = new ArrayList<>();
        for (String l : perf) {
            if (l.startsWith("# event : name = ")) {
                perfNames.add(l.substring(17, l.indexOf(',')));
            }
        }
        for (String l : ours) {
            if (l.startsWith("# event : name = ")) {
                ourNames.add(l.substring(17, l.indexOf(',')));
            }
        }
        assertEquals(perfNames, ourNames, "event names of " + file);
    }

    @Test
    void aCutFileStillGetsItsSummaryThenTheErrorLine() throws Exception {
        Path f = TRACES.resolve("perfparser/tests/auto/perfdata/vector_static_gcc/perf.data");
        byte[] all = Files.readAllBytes(f);
        Path cut = tmp.resolve("cut.data");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        CliRun r = CliRun.of("info", cut.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.out().contains("# event : name = "), r.out());
        assertTrue(r.out().contains("#   PERF_RECORD_MMAP "), r.out());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }
}
