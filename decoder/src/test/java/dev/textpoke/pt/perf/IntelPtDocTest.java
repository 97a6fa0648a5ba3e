package dev.textpoke.pt.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command the "Intel PT in a perf.data" section of {@code docs/intel-pt.md} shows ({@code $ }
 * lines in indented blocks) runs as shown from the repository root, and prints the lines shown
 * under it.
 */
class IntelPtDocTest {
    private static final String SECTION = "## Intel PT in a perf.data";

    /** A command, the indentation of its block, and the output lines shown under it. */
    record Example(String command, int indent, List<String> output) {}

    static List<Example> examples() throws Exception {
        List<String> lines = Files.readAllLines(TraceFiles.root().resolve("docs/intel-pt.md"));
        List<Example> out = new ArrayList<>();
        boolean in = false;
        Example current = null;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                in = line.equals(SECTION);
            }
            if (!in) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            if (indent >= 4 && line.stripLeading().startsWith("$ ")) {
                current = new Example(line.strip().substring(2), indent, new ArrayList<>());
                out.add(current);
            } else if (current != null && !line.isBlank() && indent >= current.indent()) {
                current.output().add(line.substring(current.indent()));
            } else {
                current = null;
            }
        }
        return out;
    }

    @Test
    void theShownCommandsPrintTheShownLines(@TempDir Path home) throws Exception {
        List<Example> examples = examples();
        assertEquals(3, examples.size(), examples.toString());
        for (Example e : examples) {
            ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", e.command())
                    .directory(TraceFiles.root().toFile());
            pb.environment().put("HOME", home.toString());
            pb.environment().put("LC_ALL", "C");
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), e.command());
            assertEquals(e.output(), out.lines().toList(), e.command());
        }
    }
}
