package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.textpoke.perf.oracle.PerfTool;
import java.util.ArrayList;
import java.util.List;

/** {@code textpoke samples} against {@code perf script --ns} with the same options, line for line. */
final class SamplesAgainstPerf {
    private SamplesAgainstPerf() {}

    /**
     * Runs both on {@code file} with {@code options}, asserts that both succeed and print the same
     * lines, and returns perf's (for what a test asks of them besides).
     */
    static List<String> assertSameLines(PerfTool perf, String file, List<String> options) throws Exception {
        List<String> perfArgs = new ArrayList<>(List.of("script", "--ns", "-i", file));
        perfArgs.addAll(options);
        PerfTool.Result p = perf.run(perfArgs.toArray(String[]::new));
        assertEquals(0, p.status(), p.err());
        List<String> ours = new ArrayList<>(List.of("samples"));
        ours.addAll(options);
        ours.add(file);
        CliRun r = CliRun.of(ours.toArray(String[]::new));
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<String> mine = r.out().lines().toList();
        assertEquals(p.out().size(), mine.size(), "lines");
        for (int i = 0; i < mine.size(); i++) {
            assertEquals(p.out().get(i), mine.get(i), "line " + (i + 1));
        }
        return p.out();
    }
}
