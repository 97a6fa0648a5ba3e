package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, point 5 ("Progress"): progress was keyed to {@code System.console()}, which needs stdin
 * and stdout on a terminal too, so {@code textpoke dump big.data > out.txt} showed none. It goes
 * to stderr whenever stderr is a terminal, and nowhere else.
 */
class ProgressTest {
    @TempDir
    Path tmp;

    /**
     * {@code script} gives the command a pseudo-terminal; stdout goes to a file and stdin is
     * {@code /dev/null}, so only stderr is the terminal, and what reaches the terminal is the
     * progress.
     */
    @Test
    void progressShowsOnAStderrTerminalWhenStdoutIsAFile() throws Exception {
        Path big = TestTraces.bigPipe(tmp.resolve("big.data"), 2000);
        Path out = tmp.resolve("out.txt");
        Path typescript = tmp.resolve("typescript");
        String inner = CliProcess.shell("dump", big.toString()) + " > '" + out + "' < /dev/null";
        Process p = new ProcessBuilder(List.of("script", "-qefc", inner, typescript.toString()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        String terminal = Files.readString(typescript, StandardCharsets.UTF_8);
        assertTrue(terminal.contains("\rdump: ") && terminal.contains("% ("), "the progress line: " + terminal);
        assertFalse(Files.readString(out).contains("dump: "), "progress never goes to stdout");
        assertTrue(Files.readString(out).startsWith("0x10 "), "the records went to the file");
    }

    /** decode shows how many units of trace it has decoded, in both output modes. */
    @Test
    void decodeShowsProgressOnAStderrTerminal() throws Exception {
        Path trace = TestTraces.root().resolve("traces/pt/pokes.data");
        for (String mode : List.of("--summary", "--insns")) {
            Path out = tmp.resolve("decode.txt");
            Path typescript = tmp.resolve("decode-typescript");
            String inner = CliProcess.shell("decode", mode, trace.toString()) + " > '" + out + "' < /dev/null";
            Process p = new ProcessBuilder(List.of("script", "-qefc", inner, typescript.toString()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            String terminal = Files.readString(typescript, StandardCharsets.UTF_8);
            assertTrue(terminal.contains("\rdecode: ") && terminal.contains("units of trace"), mode + ": " + terminal);
            assertFalse(Files.readString(out).contains("decode: "), "progress never goes to stdout");
        }
    }

    @Test
    void noProgressWhenStderrIsAFile() throws Exception {
        Path big = TestTraces.bigPipe(tmp.resolve("big.data"), 300);
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(CliProcess.command("dump", big.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals("", Files.readString(err));
    }

    @Test
    void terminalDevicesAreToldApartFromFilesAndPipes() {
        assertTrue(Terminal.isTerminalDevice("/dev/pts/3"));
        assertTrue(Terminal.isTerminalDevice("/dev/tty1"));
        assertFalse(Terminal.isTerminalDevice("pipe:[12345]"));
        assertFalse(Terminal.isTerminalDevice("/tmp/err.txt"));
        assertFalse(Terminal.isTerminalDevice("/dev/null"));
    }
}
