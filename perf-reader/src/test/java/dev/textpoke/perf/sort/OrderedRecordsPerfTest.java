package dev.textpoke.perf.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The order of samples equals the order perf script prints them in: perf's own ordered_events
 * is the oracle (files with many rounds, several CPUs, compressed and pipe inputs).
 */
class OrderedRecordsPerfTest {
    private static final Path TRACES = Path.of(System.getProperty("textpoke.shared", "../../shared"), "external-traces");

    static List<String> perfScriptTimes(Path f) throws Exception {
        Process p = new ProcessBuilder("perf", "script", "-F", "time", "--ns", "-i", f.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "perf script failed on " + f);
        List<String> times = new ArrayList<>();
        for (String line : out.split("\n")) {
            String t = line.strip();
            if (!t.isEmpty()) {
                times.add(t.endsWith(":") ? t.substring(0, t.length() - 1) : t);
            }
        }
        return times;
    }

    static List<String> ourTimes(Path f) throws Exception {
        List<String> times = new ArrayList<>();
        try (PerfData d = PerfData.open(f); RecordSource r = d.ordered()) {
            while (r.next()) {
                RecordView v = r.current();
                if (v.type() != 9) {
                    continue;
                }
                Event e = d.events().eventOf(v.buffer(), v.start(), v.type(), v.size());
                long t = e.layout().time(v.buffer(), v.start(), v.type(), v.size());
                times.add(String.format("%d.%09d", t / 1_000_000_000L, t % 1_000_000_000L));
            }
        }
        return times;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "perfparser/tests/auto/perfdata/parallel_static_gcc/perf.data.zstd",
        "perfparser/tests/auto/perfdata/vector_static_gcc/perf.data",
        "perfparser/tests/auto/perfdata/fork_static_gcc/perf.data.zstd",
        "linux-perf-data/tests/fixtures/sleep.compressed.pipe.data",
        "perf_data_converter/src/quipper/testdata/perf.data.hybrid_topology",
        "perf_data_converter/src/quipper/testdata/perf.data.piped.ctx_switch_namespaces-4.14",
        "perf_data_converter/src/quipper/testdata/perf.data.systemwide.5-3.8",
        "perf_data_converter/src/quipper/testdata/perf.data.callgraph_and_branch-3.8",
        "perf_data_converter/src/quipper/testdata/perf.data.branch-4.14",
    })
    void sampleOrderEqualsPerfScript(String file) throws Exception {
        Path f = TRACES.resolve(file);
        List<String> perf = perfScriptTimes(f);
        assertTrue(perf.size() > 5, () -> "perf printed too few samples for " + file + ": " + perf);
        List<String> ours = ourTimes(f);
        for (int i = 0; i < Math.min(perf.size(), ours.size()); i++) {
            int at = i;
            assertEquals(perf.get(i), ours.get(i), () -> "sample " + at + " of " + file);
        }
        assertEquals(perf.size(), ours.size(), "samples of " + file);
    }
}
