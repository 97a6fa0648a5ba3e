package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input on the command line: exit status 2, one line on stderr naming the file, the byte
 * offset and the problem, no stack trace; and what could be read before the damage is printed
 * first: exactly the records the independent walk finds before it.
 */
class BadInputCliTest {
    private static final Pattern ERROR = Pattern.compile("^textpoke: (.+): at byte (\\d+) \\(0x([0-9a-f]+)\\): \\S.*$");

    @TempDir
    Path tmp;

    /** Checks the one error line and returns the offset it names. */
    static long oneLineError(CliRun run, Path file) {
        assertEquals(ExitStatus.BAD_INPUT, run.status(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        Matcher m = ERROR.matcher(err);
        assertTrue(m.matches(), err);
        assertEquals(file.toString(), m.group(1));
        assertEquals(Long.parseLong(m.group(2)), Long.parseLong(m.group(3), 16));
        return Long.parseLong(m.group(2));
    }

    /** The recording cut in the middle of a record some way into its data. */
    private Path cutMidRecord(String recording, double fraction) throws Exception {
        Path src = TraceFiles.traces().resolve("recorded").resolve(recording);
        List<PerfWalk.WalkedRecord> records = PerfWalk.of(src).records().stream().filter(r -> !r.decompressed()).toList();
        PerfWalk.WalkedRecord r = records.get((int) (records.size() * fraction));
        Path cut = tmp.resolve("cut-" + recording);
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(src), (int) (r.offset() + r.size() / 2)));
        return cut;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu-clock.data", "pipe.data", "compressed.data", "pipe-compressed.data", "cpu-clock.be.data"})
    void dumpPrintsEveryRecordBeforeACutThenOneLine(String recording) throws Exception {
        Path cut = cutMidRecord(recording, 0.6);
        PerfWalk walk = PerfWalk.of(cut);
        CliRun run = CliRun.of("dump", cut.toString());
        long at = oneLineError(run, cut);
        assertEquals(walk.errorAt(), Long.toString(at));
        assertEquals(walk.records().size(), run.out().lines().count(), "one line per record before the cut");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu-clock.data", "pipe.data", "compressed.data", "pipe-compressed.data", "cpu-clock.be.data"})
    void dumpCountsCountEveryRecordBeforeACut(String recording) throws Exception {
        Path cut = cutMidRecord(recording, 0.3);
        PerfWalk walk = PerfWalk.of(cut);
        CliRun run = CliRun.of("dump", "--counts", cut.toString());
        assertEquals(walk.errorAt(), Long.toString(oneLineError(run, cut)));
        assertEquals(walk.counts(), RecordCountsOracleTest.textpokeCounts(run));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu-clock.data", "pipe.data", "compressed.data", "pipe-compressed.data", "cpu-clock.be.data"})
    void samplesPrintsEverySampleBeforeACutThenOneLine(String recording) throws Exception {
        Path cut = cutMidRecord(recording, 0.95);
        PerfWalk walk = PerfWalk.of(cut);
        assertTrue(walk.counts().getOrDefault("PERF_RECORD_SAMPLE", 0L) > 0, "a cut after some samples");
        CliRun run = CliRun.of("samples", "--json", cut.toString());
        assertEquals(walk.errorAt(), Long.toString(oneLineError(run, cut)));
        assertEquals((long) walk.counts().getOrDefault("PERF_RECORD_SAMPLE", 0L), run.out().lines().count(),
                "every sample before the cut, even those still waiting to be ordered");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump", "dump --counts", "dump --json", "samples", "info"})
    void wrongMagicIsOneLineAtByteZero(String command) throws Exception {
        Path bad = tmp.resolve("not-perf.data");
        byte[] b = Files.readAllBytes(TraceFiles.traces().resolve("recorded/cpu-clock.data"));
        System.arraycopy("NOTPERF!".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 8);
        Files.write(bad, b);
        String[] args = (command + " " + bad).split(" ");
        CliRun run = CliRun.of(args);
        assertEquals(0, oneLineError(run, bad));
        assertEquals("", run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump", "dump --counts", "samples", "info"})
    void aCorruptRecordSizeIsOneLineAtThatRecord(String command) throws Exception {
        Path src = TraceFiles.externalTraces().resolve("perf_data_converter/src/quipper/testdata/perf.data.piped.corrupted.zero_size_sample-3.2");
        CliRun run = CliRun.of((command + " " + src).split(" "));
        assertEquals(PerfWalk.of(src).errorAt(), Long.toString(oneLineError(run, src)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump", "dump --counts", "samples", "info"})
    void aMissingFileIsOneLine(String command) {
        Path missing = tmp.resolve("no-such.data");
        CliRun run = CliRun.of((command + " " + missing).split(" "));
        assertEquals(ExitStatus.BAD_INPUT, run.status());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(missing.toString()), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }
}
