package dev.textpoke.code.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.SymbolOffset;
import dev.textpoke.io.InputFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code perf archive} of a recording made here: its kernel's symbols are this kernel's
 * ({@code /proc/kallsyms}, the oracle).
 */
class PerfArchiveTest {
    @TempDir
    Path tmp;

    private void perf(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("perf"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("PERF_CONFIG", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
    }

    @Test
    void theKernelSymbolsOfARealArchiveAreThisKernels() throws Exception {
        perf("record", "-q", "-e", "cpu-clock", "-F", "5000", "-o", "rec.data", "--", "sh", "-c",
                "for i in 1 2 3 4 5 6; do ls / > /dev/null; done");
        perf("archive", "rec.data");
        List<BaseImage> images = PerfArchive.load(tmp.resolve("rec.data.tar.bz2"), Optional.empty());
        assertEquals(1, images.size());
        CodeTimeline t = CodeTimeline.builder().image(images.get(0)).build();
        long schedule = -1;
        for (String line : Files.readAllLines(Path.of("/proc/kallsyms"))) {
            String[] f = line.split("\\s+");
            if (f.length == 3 && f[2].equals("schedule") && f[1].equalsIgnoreCase("t")) {
                schedule = Long.parseUnsignedLong(f[0], 16);
            }
        }
        assertTrue(schedule != -1);
        assertEquals(Optional.of(new SymbolOffset("schedule", 3)), t.symbolize(schedule + 3, 0));
        // kallsyms holds no code: the bytes are a gap.
        assertTrue(t.bytes(schedule, 4, 0).noneKnown());
    }

    @Test
    void aFileThatIsNoArchiveIsBadInput() throws Exception {
        Path bad = tmp.resolve("bad.tar.bz2");
        Files.writeString(bad, "not bzip2");
        assertThrows(InputFormatException.class, () -> PerfArchive.load(bad, Optional.empty()));
    }
}
