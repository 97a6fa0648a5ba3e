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

/**
 * The committed {@code traces/branches} files are what their generators make, and their sha256 is
 * recorded: {@code flips.data}, and {@code user.data} from the committed program it was recorded
 * from (whose bytes are checked by their sum: another compiler would make other code).
 */
class BranchTraceFixtureTest {
    @TempDir
    Path tmp;

    @Test
    void theCommittedTracesAreTheGeneratorsAndTheirSumsHold() throws Exception {
        Path committed = TraceFiles.traces().resolve("branches");
        BranchTraceGenerator.main(new String[] {tmp.toString()});
        UserProgramTrace.main(new String[] {tmp.toString()});
        List<String> sums = Files.readAllLines(committed.resolve("SHA256SUMS"));
        for (String line : sums) {
            String[] f = line.split("\\s+", 2);
            byte[] bytes = Files.readAllBytes(committed.resolve(f[1]));
            assertEquals(f[0], HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), f[1]);
            if (!f[1].startsWith("lbr-demo/")) {
                assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve(f[1])), f[1] + " regenerated");
            }
        }
        assertEquals(9, sums.size());
        for (String trace : List.of("flips.data", "user.data")) {
            assertEquals(List.of("data", "kcore_dir"), Files.list(committed.resolve(trace))
                    .map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
