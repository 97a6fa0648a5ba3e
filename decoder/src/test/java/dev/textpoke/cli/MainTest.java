package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void helpListsUsageAndExitsZero() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("Usage: textpoke"), r.out());
    }

    @Test
    void unknownOptionIsAUsageErrorWithStatusTwo() {
        CliRun r = CliRun.of("--no-such-option");
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.err().contains("Unknown option"), r.err());
    }

    @Test
    void missingSubcommandIsAUsageError() {
        assertEquals(ExitStatus.BAD_INPUT, CliRun.of().status());
    }
}
