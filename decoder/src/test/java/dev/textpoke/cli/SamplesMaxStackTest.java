package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * perf script prints at most {@code --max-stack} frames of a call chain (127 by default, the
 * sysctl kernel.perf_event_max_stack's default); quipper's {@code perf.data.callgraph-3.4} has
 * chains of 254 entries. {@code samples} stops where perf stops, with the default and with the
 * option, line for line.
 */
class SamplesMaxStackTest {
    private static final Path FILE = TraceFiles.root()
            .resolve("../shared/external-traces/perf_data_converter/src/quipper/testdata/perf.data.callgraph-3.4");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 1000})
    void chainsStopWherePerfStops(int maxStack) throws Exception {
        List<String> perfArgs = new ArrayList<>(List.of("script", "--ns", "-i", FILE.toString()));
        List<String> ours = new ArrayList<>(List.of("samples"));
        if (maxStack > 0) {
            perfArgs.addAll(List.of("--max-stack", Integer.toString(maxStack)));
            ours.addAll(List.of("--max-stack", Integer.toString(maxStack)));
        }
        ours.add(FILE.toString());
        PerfTool.Result p = PerfTool.in(tmp).run(perfArgs.toArray(String[]::new));
        assertEquals(0, p.status(), p.err());
        CliRun r = CliRun.of(ours.toArray(String[]::new));
        assertEquals(ExitStatus.OK, r.status(), r.err());
        assertEquals(p.out(), r.out().lines().toList());
        // the longest chain printed: the limit, or the recording's longest
        int longest = 0;
        int run = 0;
        for (String l : p.out()) {
            run = l.startsWith("\t") ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        assertTrue(maxStack == 0 ? longest == 127 : maxStack == 5 ? longest == 5 : longest > 127, "longest " + longest);
    }
}
