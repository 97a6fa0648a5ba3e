package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed {@code traces/branches} files are what their generator makes, and their sha256 is recorded. */
class BranchTraceFixtureTest {
    @TempDir
    Path tmp;

    @Test
    void theCommittedTraceIsTheGeneratorsAndItsSumsHold() throws Exception {
        Path committed = TraceFiles.traces().resolve("branches");
        BranchTraceGenerator.main(new String[] {tmp.toString()});
        for (String line : Files.readAllLines(committed.resolve("SHA256SUMS"))) {
            String[] f = line.split("\\s+", 2);
            byte[] bytes = Files.readAllBytes(committed.resolve(f[1]));
            assertEquals(f[0], HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), f[1]);
            assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve(f[1])), f[1] + " regenerated");
        }
        assertEquals(4, Files.readAllLines(committed.resolve("SHA256SUMS")).size());
        assertEquals(List.of("data", "kcore_dir"), Files.list(committed.resolve("flips.data"))
                .map(p -> p.getFileName().toString()).sorted().toList());
    }
}
