package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.PerfWalk;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12, point 3 ("Truncated features"): a file cut inside its feature sections was read as
 * fine (exit 0, {@code info} listing the lost features); a file left by a killed perf record (data
 * size 0) was reported at a garbage offset. Now the first prints everything it could read, then
 * one line naming the first feature table entry whose section lies past the end, and exits 2; the
 * second is read to its end as perf reads it, with a warning.
 */
class TruncatedFeaturesTest {
    private static final Path SOURCE = TestTraces.trace("recorded/callchain-fp.data");

    @TempDir
    Path tmp;

    /** The first table entry (from the header's own bytes) whose section ends past {@code size}. */
    private static long firstEntryPastEnd(byte[] file, long size) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long table = b.getLong(40) + b.getLong(48); // data.offset + data.size
        int features = 0;
        for (int i = 0; i < 4; i++) {
            features += Long.bitCount(b.getLong(72 + 8 * i));
        }
        for (int i = 0; i < features; i++) {
            long at = table + 16L * i;
            if (b.getLong((int) at) + b.getLong((int) at + 8) > size) {
                return at;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @CsvSource({"100, dump", "100, samples", "100, info", "3000, dump", "3000, samples", "3000, info"})
    void aCutFeatureSectionIsDamageAfterWhatCouldBeRead(int cut, String command) throws Exception {
        byte[] whole = Files.readAllBytes(SOURCE);
        Path cutFile = tmp.resolve("cut-" + cut + ".data");
        Files.write(cutFile, Arrays.copyOf(whole, whole.length - cut));
        long entry = firstEntryPastEnd(whole, whole.length - cut);
        assertTrue(entry > 0);
        CliRun run = CliRun.of(command, cutFile.toString());
        assertEquals(ExitStatus.BAD_INPUT, run.status(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("textpoke: " + cutFile + ": at byte " + entry + " (0x" + Long.toHexString(entry) + "): "),
                err);
        if (!command.equals("info")) {
            // the records are all there: the same output as for the whole file
            assertEquals(CliRun.of(command, SOURCE.toString()).out(), run.out());
        } else {
            String features = run.out().lines().filter(l -> l.startsWith("# features")).findFirst().orElseThrow();
            assertFalse(features.contains("pmu_caps"), "a feature past the end is not listed as present: " + features);
            assertTrue(features.contains("hostname"), features);
        }
    }

    /**
     * The commands that read a perf.data directory's code and trace (pokes, decode, branches,
     * profile, dump --pt) report a cut feature section the same way: their whole output, then the
     * one line, status 2.
     */
    @ParameterizedTest
    @CsvSource({"pokes, pokes/pokes.data", "decode --summary, pt/pokes.data", "decode, pt/kernel.data",
        "branches --summary, branches/flips.data", "profile --format autofdo, branches/flips.data",
        "dump --pt, pt/pokes.data"})
    void aCutFeatureSectionOfADirectoryIsDamageAfterTheOutput(String command, String trace) throws Exception {
        Path source = TestTraces.trace(trace);
        Path dir = tmp.resolve("cut.data");
        Files.createDirectories(dir);
        try (var files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = dir.resolve(source.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
        byte[] whole = Files.readAllBytes(source.resolve("data"));
        Files.write(dir.resolve("data"), Arrays.copyOf(whole, whole.length - 100));
        long entry = firstEntryPastEnd(whole, whole.length - 100);
        assertTrue(entry > 0);
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        CliRun run = CliRun.of(concat(args, dir.toString()));
        assertEquals(ExitStatus.BAD_INPUT, run.status(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("textpoke: " + dir.resolve("data") + ": at byte " + entry + " (0x"
                + Long.toHexString(entry) + "): "), err);
        assertEquals(CliRun.of(concat(args, source.toString())).out(), run.out());
    }

    private static String[] concat(List<String> args, String file) {
        List<String> all = new ArrayList<>(args);
        all.add(file);
        return all.toArray(String[]::new);
    }

    /**
     * What perf record leaves when it is killed: the header written at the start (data size 0,
     * feature bits set) and the records, no feature table. perf 6.1 warns and then reads nothing
     * (session.c returns before the first record when the size is 0); textpoke reads the records
     * to the end of the file: every record the independent walk finds, the same samples as the
     * complete file has.
     */
    @ParameterizedTest
    @ValueSource(strings = {"samples", "dump", "info"})
    void aDataSizeOfZeroIsReadToTheEndWithAWarning(String command) throws Exception {
        byte[] whole = Files.readAllBytes(SOURCE);
        ByteBuffer b = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        long dataEnd = b.getLong(40) + b.getLong(48);
        byte[] killed = Arrays.copyOf(whole, (int) dataEnd);
        ByteBuffer.wrap(killed).order(ByteOrder.LITTLE_ENDIAN).putLong(48, 0);
        Path file = tmp.resolve("killed.data");
        Files.write(file, killed);
        CliRun run = CliRun.of(command, file.toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        assertEquals("textpoke: warning: " + file + ": at byte 48 (0x30): the data size is 0 (perf record did not"
                + " finish?): the records are read to the end of the file, and the 20 features the header lists were"
                + " never written", run.err().strip());
        if (command.equals("samples")) {
            PerfTool.Result perf = PerfTool.in(tmp).run("script", "--ns", "-i", file.toString());
            assertTrue(perf.err().contains("data size field is 0"), "perf warns too: " + perf.err());
            String fields = "comm,tid,time,period,event,ip";
            assertEquals(CliRun.of("samples", "-F", fields, SOURCE.toString()).out(),
                    CliRun.of("samples", "-F", fields, file.toString()).out());
        }
        if (command.equals("dump")) {
            // the walk of the complete file: the killed copy holds the same data section
            assertEquals(PerfWalk.of(SOURCE).records().size(), run.out().lines().count(), "every record the walk finds");
        }
    }
}
