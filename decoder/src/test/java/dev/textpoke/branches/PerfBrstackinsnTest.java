package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.PerfTool;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code textpoke profile --format brstackinsn} against {@code perf script -F brstackinsn} on
 * writer-made LBR traces with a kcore copy: where no modification falls inside a stack, the text is
 * perf's byte for byte: the hand-run of the poke kernel, and a random kernel of 120 functions run
 * by the simulator on 2 CPUs with timer interrupts, its jump labels, ftrace sites and kprobes
 * patched at the INT3 protocol's own pace (no stack spans one).
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

    @Test
    void aSimulatedKernelsStacksArePerfsLineForLine() throws Exception {
        Path dir = tmp.resolve("sim.data");
        SimLbrBenchmarkTrace.main(new String[] {dir.toString(), "3000"});
        PerfTool.Result p = perf.run("script", "-F", "brstackinsn", "-i", dir.toString());
        assertEquals(0, p.status(), p.err());
        CliRun ours = CliRun.of("profile", "--format", "brstackinsn", dir.toString());
        assertEquals(ExitStatus.OK, ours.status(), ours.err());
        List<String> mine = ours.out().lines().toList();
        assertTrue(p.out().size() > 100_000, "lines: " + p.out().size());
        assertEquals(p.out().size(), mine.size());
        for (int i = 0; i < mine.size(); i++) {
            assertEquals(p.out().get(i), mine.get(i), "line " + (i + 1));
        }
    }
}
