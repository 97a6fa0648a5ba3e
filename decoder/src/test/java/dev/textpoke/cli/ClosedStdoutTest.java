package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, point 4 ("Closed stdout"): {@code textpoke dump big.data | head -1} ran on for 26 s
 * after head exited. A closed stdout ends the command at once, quietly, with the status a shell
 * reports for perf killed by SIGPIPE (141).
 */
class ClosedStdoutTest {
    @TempDir
    Path tmp;

    /** A real pipe whose reader goes away after one line, as {@code | head -1}. */
    @Test
    void dumpStopsAtOnceWhenTheReaderGoesAway() throws Exception {
        Path big = TestTraces.bigPipe(tmp.resolve("big.data"), 3000);
        // The whole dump takes seconds; measure it so that "at once" means something here.
        long fullNanos = timeFullDump(big);
        ProcessBuilder pb = new ProcessBuilder(CliProcess.command("dump", big.toString()));
        pb.redirectError(tmp.resolve("err.txt").toFile());
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertTrue(r.readLine().startsWith("0x10 "), "the first record");
        }
        long closed = System.nanoTime();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running a minute after its reader went away");
        long after = System.nanoTime() - closed;
        assertEquals(ExitStatus.CLOSED_OUTPUT, p.exitValue());
        assertEquals("", Files.readString(tmp.resolve("err.txt")), "quietly");
        assertTrue(after < fullNanos / 2, "ended " + after / 1_000_000 + " ms after the pipe closed; the whole"
                + " dump takes " + fullNanos / 1_000_000 + " ms");
    }

    /**
     * {@code decode | head}: decode runs a thread per CPU, each with a Capstone handle. The handles
     * were closed while those threads still decoded, and the JVM died in native code (status 134,
     * an hs_err file in the working directory). Three runs: it was a race, and lost every time.
     */
    @Test
    void decodeOnSeveralCpusStopsQuietly() throws Exception {
        for (int run = 0; run < 3; run++) {
            Path dir = Files.createDirectories(tmp.resolve("run" + run));
            ProcessBuilder pb = new ProcessBuilder(CliProcess.command("decode",
                    TestTraces.trace("pt/coarse-pokes.data").toString()));
            pb.directory(dir.toFile());
            pb.redirectError(dir.resolve("err.txt").toFile());
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                assertTrue(r.readLine().startsWith("[0"), "the first branch");
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running a minute after its reader went away");
            assertEquals(ExitStatus.CLOSED_OUTPUT, p.exitValue(), "run " + run);
            assertEquals("", Files.readString(dir.resolve("err.txt")), "quietly");
            try (var files = Files.list(dir)) {
                assertEquals(List.of("err.txt"), files.map(f -> f.getFileName().toString()).toList(), "no crash log");
            }
        }
    }

    private long timeFullDump(Path big) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(CliProcess.command("dump", big.toString()));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return System.nanoTime() - t0;
    }

    /** In process: the first failed write ends the command; nothing more is attempted. */
    @Test
    void theFirstFailedWriteEndsTheCommand() throws Exception {
        Path big = TestTraces.bigPipe(tmp.resolve("big.data"), 200);
        int[] writes = {0};
        OutputStream brokenAfterOneBuffer = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes[0] > 1) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        StringWriter err = new StringWriter();
        int status;
        try (PrintWriter e = new PrintWriter(err)) {
            status = Main.commandLine(StandardOutput.over(brokenAfterOneBuffer), e).execute("dump", big.toString());
        }
        assertEquals(ExitStatus.CLOSED_OUTPUT, status);
        assertEquals("", err.toString());
        assertEquals(2, writes[0], "one write after the first failure would be one too many");
    }

    @Test
    void aFullDiskIsOneLineWithItsOwnStatus() throws Exception {
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        StringWriter err = new StringWriter();
        int status;
        try (PrintWriter e = new PrintWriter(err)) {
            status = Main.commandLine(StandardOutput.over(full), e)
                    .execute("dump", TestTraces.trace("recorded/pipe.data").toString());
        }
        assertEquals(ExitStatus.OUTPUT_ERROR, status);
        assertEquals("textpoke: cannot write the output: No space left on device", err.toString().strip());
    }
}
