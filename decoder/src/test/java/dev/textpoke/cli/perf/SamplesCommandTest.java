package dev.textpoke.cli.perf;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Usage of {@code textpoke samples}; what it prints is checked against perf field by field in
 * {@code dev.textpoke.perf.oracle.SampleFieldsOracleTest}.
 */
class SamplesCommandTest {
    private static final String CPU_CLOCK = Path.of(System.getProperty("textpoke.root", ".."))
            .resolve("traces/recorded/cpu-clock.data").toString();

    @Test
    void aFieldTheSamplesLackIsOneLineWithPerfsMessage() {
        CliRun run = CliRun.of("samples", "-F", "comm,cpu", CPU_CLOCK);
        assertEquals(ExitStatus.BAD_INPUT, run.status());
        assertEquals("textpoke: " + CPU_CLOCK + ": samples for 'cpu-clock' event do not have CPU attribute set:"
                + " cannot print 'cpu' field (perf script's message)", run.err().strip());
    }

    @Test
    void anUnknownFieldIsAUsageError() {
        CliRun run = CliRun.of("samples", "-F", "comm,frobs", CPU_CLOCK);
        assertEquals(ExitStatus.BAD_INPUT, run.status());
        assertTrue(run.err().startsWith("textpoke samples: unknown field 'frobs'"), run.err());
    }

    @Test
    void withoutFieldsItPrintsPerfScriptsDefaultFields() {
        // perf script's defaults for a software event: comm tid [cpu] time period event ip sym+off (dso);
        // this recording has no CPU in its samples, and its binary is gone, so no symbol.
        CliRun run = CliRun.of("samples", CPU_CLOCK);
        assertEquals(ExitStatus.OK, run.status(), run.err());
        String first = run.out().lines().findFirst().orElseThrow();
        assertEquals("        workload  9216  1599.718267915:    1000000 cpu-clock:      5559a43b3317 [unknown]"
                + " (/tmp/tmp.5mt7bjoQpu/workload)", first);
    }

    @Test
    void jsonIsOneObjectPerSample() {
        CliRun text = CliRun.of("samples", "-F", "tid,time,ip", CPU_CLOCK);
        CliRun json = CliRun.of("samples", "--json", "-F", "tid,time,ip", CPU_CLOCK);
        assertEquals(text.out().lines().count(), json.out().lines().count());
        assertTrue(json.out().lines().allMatch(l -> l.startsWith("{\"offset\":") && l.contains("\"tid\":")
                && l.contains("\"time\":") && l.contains("\"ip\":\"0x")), json.out());
    }
}
