package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.PerfTool;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code textpoke profile --format brstackinsn} against {@code perf script -F brstackinsn} on
 * writer-made LBR traces with a kcore copy: where no modification falls inside a stack, the text is
 * perf's byte for byte.
 */
class PerfBrstackinsnTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws Exception {
        perf = PerfTool.in(tmp);
    }

    @Test
    void withoutModificationsTheTextIsPerfs() throws Exception {
        Path dir = new HandTrace().iterations(3).sample(0).iterations(2).sample(1).iteration().sample(0)
                .write(tmp.resolve("plain.data"));
        PerfTool.Result p = perf.run("script", "-F", "brstackinsn", "-i", dir.toString());
        assertEquals(0, p.status(), p.err());
        CliRun ours = CliRun.of("profile", "--format", "brstackinsn", dir.toString());
        assertEquals(ExitStatus.OK, ours.status(), ours.err());
        String expected = String.join("\n", p.out()) + "\n";
        assertTrue(expected.contains("insn: e8 63 ff ff ff"), expected);
        assertEquals(expected, ours.out());
    }
}
