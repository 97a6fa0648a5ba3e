package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.TraceFiles.External;
import dev.textpoke.perf.oracle.TraceFiles.PerfVerdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code textpoke dump --counts} against perf: for every recording in {@code traces/} and every
 * external perf.data perf 6.1 reads, the counts equal those of {@code perf report -D} (its
 * "Aggregated stats", less the records perf synthesises itself, see {@link PerfReportDump}), run
 * here. The files perf 6.1 refuses or stops on are read to the end and their counts equal the
 * independent walk ({@code traces/tools/perfwalk.py}) and, where it gives complete counts, the
 * MANIFEST.
 *
 * <p>perf is required ({@code ./run-tests} installs it). With {@code -Dtextpoke.perf.offline=true}
 * perf's committed outputs stand in for it: {@code traces/expected/NAME.report-D.txt} for the
 * recordings, {@code _debian-perf-6.1-outputs/header-only-and-record-counts.txt} for the
 * external files (see {@link CommittedPerfCounts} for how those differ).
 */
class RecordCountsOracleTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws IOException {
        perf = PerfTool.in(tmp);
    }

    /** Every perf.data in traces/; offline, only the recordings have perf's outputs committed. */
    static Stream<Path> recordings() {
        return (PerfTool.offline() ? TraceFiles.recordings() : TraceFiles.allTraces()).stream();
    }

    static Stream<External> readByPerf() {
        return TraceFiles.externals().stream().filter(e -> e.verdict() == PerfVerdict.READS);
    }

    static Stream<External> refusedByPerf() {
        return TraceFiles.externals().stream().filter(e -> e.verdict() == PerfVerdict.REFUSES_OR_STOPS);
    }

    /** What {@code textpoke dump --counts} prints: {@code PERF_RECORD_<NAME> <count>} lines. */
    static Map<String, Long> textpokeCounts(CliRun run) {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : run.out().split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.split(" ");
                assertEquals(2, parts.length, "not a count line: " + line);
                assertEquals(null, counts.put(parts[0], Long.parseLong(parts[1])), "type listed twice: " + line);
            }
        }
        return counts;
    }

    static Map<String, Long> prefixed(Map<String, Long> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put("PERF_RECORD_" + k, v));
        return out;
    }

    static CliRun countsOf(Path file) {
        return CliRun.of("dump", "--counts", file.toString());
    }

    @ParameterizedTest
    @MethodSource("recordings")
    void recordingCountsEqualPerfs(Path recording) throws Exception {
        CliRun run = countsOf(recording);
        assertEquals(ExitStatus.OK, run.status(), run.err());
        PerfReportDump dump = PerfTool.offline()
                ? PerfReportDump.parse(Files.readAllLines(TraceFiles.expected(recording, "report-D.txt")))
                : perf.reportDump(recording);
        Map<String, Long> textpoke = textpokeCounts(run);
        assertEquals(prefixed(dump.countsOfInputRecords()), textpoke);
        assertEquals(PerfWalk.of(recording).counts(), textpoke);
    }

    @ParameterizedTest
    @MethodSource("readByPerf")
    void externalCountsEqualPerfs(External file) throws Exception {
        CliRun run = countsOf(file.path());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        Map<String, Long> textpoke = textpokeCounts(run);
        if (!PerfTool.offline()) {
            assertEquals(prefixed(perf.reportDump(file.path()).countsOfInputRecords()), textpoke);
            return;
        }
        Map<String, Long> committed = new TreeMap<>(CommittedPerfCounts.load().get(file.relative()));
        Map<String, Long> walk = PerfWalk.of(file.path()).counts();
        Map<String, Long> expected = new TreeMap<>(textpoke);
        // COMPRESSED has no line in perf's dump, and perf's CoreSight decoder lists two HEADER_ATTRs
        // it made itself (the walk finds none in the file).
        expected.remove("PERF_RECORD_COMPRESSED");
        if (!walk.containsKey("PERF_RECORD_ATTR")) {
            committed.remove("PERF_RECORD_ATTR");
        }
        assertEquals(committed, expected);
    }

    @ParameterizedTest
    @MethodSource("refusedByPerf")
    void filesPerfRefusesAreReadToTheEndAndCountedAsTheIndependentWalk(External file) throws Exception {
        PerfWalk walk = PerfWalk.of(file.path());
        CliRun run = countsOf(file.path());
        Map<String, Long> textpoke = textpokeCounts(run);
        assertEquals(walk.counts(), textpoke);
        if (walk.errorAt() == null) {
            assertEquals(ExitStatus.OK, run.status(), run.err());
            if (file.countsComplete() && !file.manifestCounts().isEmpty() && file.verdict() == PerfVerdict.REFUSES_OR_STOPS
                    && !file.manifestCounts().containsKey("ATTR")) {
                // "Plain walk:" counts of the MANIFEST, made independently of both.
                assertEquals(prefixed(file.manifestCounts()), textpoke);
            }
        } else {
            // Really broken (the corrupt quipper file): what comes before the damage is counted,
            // then one line names the file and the offset the walk stopped at.
            assertEquals(ExitStatus.BAD_INPUT, run.status());
            String err = run.err().strip();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("textpoke: " + file.path() + ": at byte " + walk.errorAt() + " "), err);
        }
        // Where perf stopped part-way, it still counted what it read; textpoke reads at least that.
        file.manifestCounts().forEach((type, n) -> {
            if (!type.equals("ATTR") && !type.equals("FEATURE")) {
                assertTrue(textpoke.getOrDefault("PERF_RECORD_" + type, 0L) >= n,
                        type + ": perf read " + n + ", textpoke " + textpoke.get("PERF_RECORD_" + type));
            }
        });
    }
}
