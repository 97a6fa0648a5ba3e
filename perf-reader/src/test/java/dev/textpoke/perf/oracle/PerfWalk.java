package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The independent record walk of {@code traces/tools/perfwalk.py} (Python, no code shared with
 * textpoke): every record, counts per record type, and where the walk stopped if it could not
 * reach the end.
 *
 * @param records every record in walk order
 * @param counts  {@code PERF_RECORD_<NAME>} to count, compressed payloads' records included
 * @param errorAt where the walk stopped ("123" in the file, "z123" in the decompressed stream),
 *                or null when it reached the end
 */
public record PerfWalk(List<WalkedRecord> records, Map<String, Long> counts, String errorAt, String problem) {

    /**
     * One record: the input it is in ({@code data.N} of a directory, else the file name), its
     * offset there, or in the decompressed stream of that input when {@code decompressed}.
     */
    public record WalkedRecord(String input, long offset, boolean decompressed, int type, int size) {}

    public static PerfWalk of(Path perfData) throws IOException, InterruptedException {
        Path script = TraceFiles.traces().resolve("tools/perfwalk.py");
        // Debian's python3, where scripts/ensure-deps installs python3-zstandard (another python3
        // may come first on the PATH).
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, script.toString(), "--records", perfData.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("perfwalk.py did not finish on " + perfData);
        }
        assertEquals(0, p.exitValue(), "perfwalk.py failed on " + perfData);
        List<WalkedRecord> records = new ArrayList<>();
        Map<String, Long> counts = new TreeMap<>();
        String errorAt = null;
        String problem = null;
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("ERROR ")) {
                String[] parts = line.split(" ", 3);
                errorAt = parts[1];
                problem = parts[2];
            } else if (line.startsWith("PERF_RECORD_")) {
                String[] parts = line.split(" ");
                counts.put(parts[0], Long.parseLong(parts[1]));
            } else {
                // "<input> <offset or z<offset>> <type> <size>"; the input name may contain spaces.
                String[] parts = line.split(" ");
                int n = parts.length;
                String where = parts[n - 3];
                boolean z = where.startsWith("z");
                records.add(new WalkedRecord(String.join(" ", List.of(parts).subList(0, n - 3)),
                        Long.parseLong(z ? where.substring(1) : where), z,
                        Integer.parseInt(parts[n - 2]), Integer.parseInt(parts[n - 1])));
            }
        }
        return new PerfWalk(List.copyOf(records), counts, errorAt, problem);
    }
}
