package dev.textpoke.scenario;

import java.nio.file.Path;

/**
 * How a scenario run is made.
 *
 * @param perf         also decode each x86 kernel trace with perf 6.1 ({@code perf script}) and score it
 * @param workDir      where perf.data directories are written ({@code SCENARIO-PROTOCOL.data}); null
 *                     for a temporary directory removed afterwards
 * @param keepDecodes  keep every decoded instruction in the results (for tests; a decode is ~50
 *                     bytes an instruction)
 */
public record RunOptions(boolean perf, Path workDir, boolean keepDecodes) {
    public RunOptions(boolean perf, Path workDir) {
        this(perf, workDir, false);
    }

    public static RunOptions defaults() {
        return new RunOptions(false, null, false);
    }

    public RunOptions keepingDecodes() {
        return new RunOptions(perf, workDir, true);
    }
}
