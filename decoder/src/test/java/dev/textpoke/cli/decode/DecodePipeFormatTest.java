package dev.textpoke.cli.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.TestTraces;
import dev.textpoke.perf.oracle.PerfTool;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decode} reads its input twice (the trace, then the code modifications in time order), so
 * a pipe-format file must be readable twice: it was an internal error ("a pipe-mode input can be
 * read only once", exit 70) on quipper's {@code perf.data.piped.intel_pt-4.14}. The pipe-format
 * file here is perf's own: {@code perf inject -o -} rewrites a bundled trace as a stream, which
 * must decode exactly as the directory it came from.
 */
class DecodePipeFormatTest {
    @TempDir
    Path tmp;

    @Test
    void aPipeFormatFileDecodesAsTheFileItWasMadeFrom() throws Exception {
        assumeFalse(PerfTool.offline(), "needs perf inject");
        Path dir = TestTraces.trace("pt/pokes.data");
        Path pipe = tmp.resolve("pokes.pipe.data");
        PerfTool.Result inject = PerfTool.in(tmp).runToFile(pipe, "inject", "-i", dir.toString(), "-o", "-");
        assertEquals(0, inject.status(), inject.err());
        CliRun info = CliRun.of("info", pipe.toString());
        assertTrue(info.out().contains("pipe"), info.out());

        CliRun fromDir = CliRun.of("decode", dir.toString());
        CliRun fromPipe = CliRun.of("decode", "--kcore", dir.resolve("kcore_dir").toString(), pipe.toString());
        assertEquals(0, fromDir.status(), fromDir.err());
        assertEquals(0, fromPipe.status(), fromPipe.err());
        assertEquals(fromDir.out(), fromPipe.out());
        CliRun summary = CliRun.of("decode", "--summary", "--kcore", dir.resolve("kcore_dir").toString(),
                pipe.toString());
        assertTrue(summary.out().contains("pokes applied                  62"), summary.out());
    }
}
