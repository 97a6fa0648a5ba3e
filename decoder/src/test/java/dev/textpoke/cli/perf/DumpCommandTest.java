package dev.textpoke.cli.perf;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpCommandTest {
    private static final Path SHARED = Path.of(System.getProperty("textpoke.shared", "../../shared"));
    private static final Path PIPE_ZSTD = SHARED.resolve("external-traces/linux-perf-data/tests/fixtures/sleep.compressed.pipe.data");
    private static final Path VECTOR = SHARED.resolve("external-traces/perfparser/tests/auto/perfdata/vector_static_gcc/perf.data");

    @TempDir
    Path tmp;

    /** perf report -D's "Aggregated stats", as PERF_RECORD_<NAME> <count> lines, sorted. */
    static List<String> perfAggregatedStats(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("perf", "report", "-D", "-i", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("Aggregated stats")) {
                in = true;
            } else if (in && line.matches("\\s*\\S+ events:\\s+\\d+.*")) {
                String[] f = line.trim().split("\\s+");
                if (!f[0].equals("TOTAL")) {
                    out.add("PERF_RECORD_" + f[0] + " " + f[2]);
                }
            } else if (in && line.endsWith("stats:")) {
                break;
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        out.sort(null);
        return out;
    }

    private static List<String> sortedLines(String s) {
        List<String> l = new ArrayList<>(Arrays.asList(s.strip().split("\n")));
        l.sort(null);
        return l;
    }

    @Test
    void countsEqualPerfReportDOnACompressedPipeFile() throws Exception {
        CliRun r = CliRun.of("dump", "--counts", PIPE_ZSTD.toString());
        assertEquals(0, r.status(), r.err());
        List<String> perf = perfAggregatedStats(PIPE_ZSTD);
        assertTrue(perf.contains("PERF_RECORD_COMPRESSED 1"), perf::toString);
        assertEquals(perf, sortedLines(r.out()));
    }

    @Test
    void countsEqualPerfReportDOnAFileModeFile() throws Exception {
        CliRun r = CliRun.of("dump", "--counts", VECTOR.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(perfAggregatedStats(VECTOR), sortedLines(r.out()));
    }

    @Test
    void aCutFilePrintsEveryRecordBeforeTheCutThenOneErrorLine() throws Exception {
        byte[] all = Files.readAllBytes(PIPE_ZSTD);
        CliRun whole = CliRun.of("dump", PIPE_ZSTD.toString());
        String[] lines = whole.out().split("\n");
        // Cut inside the 11th record: its offset is in the 11th line.
        long at = Long.decode(lines[10].substring(0, lines[10].indexOf(' ')));
        Path cut = tmp.resolve("cut.data");
        Files.write(cut, Arrays.copyOf(all, (int) at + 5));
        CliRun r = CliRun.of("dump", cut.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertEquals(String.join("\n", Arrays.copyOf(lines, 10)) + "\n", r.out());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().contains("at byte " + at + " "), r.err());
    }

    @Test
    void notAPerfFileIsOneLineAndStatusTwo() throws Exception {
        Path f = tmp.resolve("junk");
        Files.writeString(f, "hello, this is not perf data at all");
        CliRun r = CliRun.of("dump", f.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.err().contains("at byte 0"), r.err());
        assertEquals(1, r.err().strip().split("\n").length);
    }

    @Test
    void jsonHasOneObjectPerRecordWithOffsetTypeSizeAndFields() {
        CliRun text = CliRun.of("dump", PIPE_ZSTD.toString());
        CliRun json = CliRun.of("dump", "--json", PIPE_ZSTD.toString());
        assertEquals(0, json.status(), json.err());
        String[] t = text.out().split("\n");
        String[] j = json.out().split("\n");
        assertEquals(t.length, j.length);
        for (int i = 0; i < t.length; i++) {
            long offset = Long.decode(t[i].substring(0, t[i].indexOf(' ')));
            String type = t[i].split(" ")[2];
            assertTrue(j[i].startsWith("{\"offset\":" + offset + ",\"type\":\"" + type + "\",\"size\":"), j[i]);
            assertTrue(j[i].endsWith("}"), j[i]);
        }
        assertTrue(json.out().contains("\"type\":\"PERF_RECORD_SAMPLE\",\"size\":48,\"decompressed_offset\""), json.out());
        assertTrue(json.out().contains("\"comm\":\"sleep\""), json.out());
    }
}
