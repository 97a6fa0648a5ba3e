package dev.textpoke.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.spec.Scenario;
import dev.textpoke.scenario.spec.ScenarioFileException;
import dev.textpoke.scenario.spec.ScenarioFileException.Kind;
import dev.textpoke.scenario.spec.ScenarioParser;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scenario files with an error: {@code scenario run} prints one line naming the file and the line
 * of the value at fault, and exits with status 2; the exception carries the kind and the line.
 */
class ScenarioErrorsTest {
    @TempDir
    Path tmp;

    private Path fixture(String name) throws Exception {
        Path p = tmp.resolve(name);
        try (InputStream in = ScenarioErrorsTest.class.getResourceAsStream("/scenarios/" + name)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    @ParameterizedTest
    @CsvSource({
        "unknown-key-fail.json, 8, UNKNOWN_KEY",
        "schedule-order-fail.json, 10, SCHEDULE_ORDER",
        "syntax-fail.json, 4, SYNTAX",
        "bad-assembly-fail.json, 10, BAD_WORKLOAD",
        "bad-arm64-assembly-fail.json, 11, BAD_WORKLOAD",
        "not-patchable-fail.json, 17, BAD_WORKLOAD",
        "call-cycle-fail.json, 5, BAD_WORKLOAD",
    })
    void oneLineNamingTheFileAndLineAndStatus2(String name, int line, Kind kind) throws Exception {
        Path f = fixture(name);
        CliRun r = CliRun.of("scenario", "run", "--no-perf", "--all-protocols", f.toString());
        assertEquals(2, r.status(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("textpoke: " + f + ":" + line + ": "), lines[0]);
        ScenarioFileException e = assertThrows(ScenarioFileException.class, () -> {
            Scenario s = ScenarioParser.read(f);
            for (Protocol p : ScenarioRunner.protocols(s)) {
                ScenarioRunner.run(s, p, RunOptions.defaults());
            }
        });
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
    }
}
