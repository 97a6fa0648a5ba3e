package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The independent record walk of {@code traces/tools/perfwalk.py} (Python, no code shared with
 * textpoke): counts per record type, and where the walk stopped if it could not reach the end.
 *
 * @param counts  {@code PERF_RECORD_<NAME>} to count, compressed payloads' records included
 * @param errorAt where the walk stopped ("123" in the file, "z123" in the decompressed stream),
 *                or null when it reached the end
 */
public record PerfWalk(Map<String, Long> counts, String errorAt, String problem) {

    public static PerfWalk of(Path perfData) throws IOException, InterruptedException {
        Path script = TraceFiles.traces().resolve("tools/perfwalk.py");
        Process p = new ProcessBuilder("python3", script.toString(), perfData.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("perfwalk.py did not finish on " + perfData);
        }
        assertEquals(0, p.exitValue(), "perfwalk.py failed on " + perfData);
        Map<String, Long> counts = new TreeMap<>();
        String errorAt = null;
        String problem = null;
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("ERROR ")) {
                String[] parts = line.split(" ", 3);
                errorAt = parts[1];
                problem = parts[2];
            } else if (!line.isBlank()) {
                String[] parts = line.split(" ");
                counts.put(parts[0], Long.parseLong(parts[1]));
            }
        }
        return new PerfWalk(counts, errorAt, problem);
    }
}
