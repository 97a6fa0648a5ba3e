package dev.textpoke.cli.perf;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The header summary equals what perf report --header-only says about the same file. */
class InfoCommandTest {
    private static final Path TRACES = Path.of(System.getProperty("textpoke.shared", "../../shared"), "external-traces");

    @TempDir
    Path tmp;

    private static List<String> perfHeader(Path f) throws Exception {
        Process p = new ProcessBuilder("perf", "report", "--header-only", "-i", f.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return Arrays.asList(out.split("\n"));
    }

    private static String value(List<String> lines, String key) {
        for (String l : lines) {
            if (l.startsWith("# " + key) && l.contains(" : ")) {
                return l.substring(l.indexOf(" : ") + 3).strip();
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "linux-perf-data/tests/fixtures/sleep.compressed.pipe.data",
        "perfparser/tests/auto/perfdata/vector_static_gcc/perf.data",
        "perf_data_converter/src/quipper/testdata/perf.data.intel_pt-4.14",
        "perf_data_converter/src/quipper/testdata/perf.data.armv7-3.4",
    })
    void machineAndEventsEqualPerfHeaderOnly(String file) throws Exception {
        Path f = TRACES.resolve(file);
        CliRun r = CliRun.of("info", f.toString());
        assertEquals(0, r.status(), r.err());
        List<String> ours = Arrays.asList(r.out().split("\n"));
        List<String> perf = perfHeader(f);
        for (String[] k : new String[][] {{"hostname", "hostname"}, {"os release", "os release"},
                {"perf version", "perf version"}, {"arch", "arch"}, {"nrcpus online", "nrcpus online"},
                {"nrcpus avail", "nrcpus avail"}, {"cpuid", "cpuid"}, {"total memory", "total memory"}}) {
            assertEquals(value(perf, k[0]), value(ours, k[1]), k[0] + " of " + file);
        }
        // perf ends the command line with a space.
        assertEquals(value(perf, "cmdline"), value(ours, "cmdline"));
        List<String> perfNames = new ArrayList<>();
        List<String> ourNames = new ArrayList<>();
        for (String l : perf) {
            if (l.startsWith("# event : name = ")) {
                perfNames.add(l.substring(17, l.indexOf(',')));
            }
        }
        for (String l : ours) {
            if (l.startsWith("# event : name = ")) {
                ourNames.add(l.substring(17, l.indexOf(',')));
            }
        }
        assertEquals(perfNames, ourNames, "event names of " + file);
    }

    @Test
    void aCutFileStillGetsItsSummaryThenTheErrorLine() throws Exception {
        Path f = TRACES.resolve("perfparser/tests/auto/perfdata/vector_static_gcc/perf.data");
        byte[] all = Files.readAllBytes(f);
        Path cut = tmp.resolve("cut.data");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        CliRun r = CliRun.of("info", cut.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.out().contains("# event : name = "), r.out());
        assertTrue(r.out().contains("#   PERF_RECORD_MMAP "), r.out());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    /**
     * An attr whose sample_type gained bits perf_event.h does not define: perf 6.1 says "Unknown
     * sample type" of the file-mode copy (it checks the attr in EVENT_DESC); info, after its
     * output, names the event, the unknown bits (those perf's own check, {@code sample_type & ~(PERF_SAMPLE_MAX - 1)} with 6.1's {@code
     * PERF_SAMPLE_MAX} of bit 25, finds) and the byte offset of the sample_type, in the attr section
     * and in a pipe's HEADER_ATTR record (where perf's dump of the undamaged file lists it), and
     * exits with status 2; the undamaged files give no such line.
     */
    @Test
    void unknownSampleTypeBitsAreNamedAfterTheOutput() throws Exception {
        Path traces = dev.textpoke.perf.oracle.TraceFiles.traces().resolve("recorded");
        Path file = traces.resolve("cpu-clock.data");
        byte[] b = Files.readAllBytes(file);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int attrs = (int) bb.getLong(24); // the header's attrs section: offset, size
        int attrSize = bb.getInt(attrs + 4);
        // perf checks the attr's copy in the EVENT_DESC feature: damaged alike
        int desc = indexOf(b, Arrays.copyOfRange(b, attrs, attrs + attrSize), attrs + 1);
        assertTrue(desc > attrs, "EVENT_DESC holds the attr");
        long fileAt = attrs + 24;
        for (long at : new long[] {fileAt, desc + 24}) {
            bb.putLong((int) at, bb.getLong((int) at) | 0x7e000000L);
        }
        Path damagedFile = tmp.resolve("cpu-clock.data");
        Files.write(damagedFile, b);

        Path pipe = traces.resolve("pipe.data");
        dev.textpoke.perf.oracle.PerfTool perf = dev.textpoke.perf.oracle.PerfTool.in(tmp);
        // perf's dump counts a pipe's offsets from after its 16-byte header
        long headerAttr = 16 + perf.reportDump(pipe).records().stream().filter(d -> d.type() == 64).findFirst()
                .orElseThrow().offset();
        byte[] p = Files.readAllBytes(pipe);
        java.nio.ByteBuffer pb = java.nio.ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long pipeAt = headerAttr + 8 + 24;
        pb.putLong((int) pipeAt, pb.getLong((int) pipeAt) | 0x7e000000L);
        Path damagedPipe = tmp.resolve("pipe.data");
        Files.write(damagedPipe, p);

        dev.textpoke.perf.oracle.PerfTool.Result header = perf.run("report", "--header-only", "-i",
                damagedFile.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Unknown sample type \\(0x([0-9a-f]+)\\)")
                .matcher(header.err() + String.join("\n", header.out()));
        assertTrue(m.find(), header.err());
        long unknown = Long.parseUnsignedLong(m.group(1), 16) & ~((1L << 25) - 1);
        assertEquals(0x7e000000L, unknown);

        for (Path[] f : new Path[][] {{damagedFile, file}, {damagedPipe, pipe}}) {
            long at = f[0] == damagedFile ? fileAt : pipeAt;
            for (CliRun r : List.of(CliRun.of("info", f[0].toString()), CliRun.of("info", "--json", f[0].toString()))) {
                assertEquals(ExitStatus.BAD_INPUT, r.status(), r.err());
                assertTrue(r.out().contains("cpu-clock"), r.out());
                assertEquals(1, r.err().strip().lines().count(), r.err());
                assertTrue(r.err().startsWith("textpoke: " + f[0] + ": at byte " + at + " (0x" + Long.toHexString(at)
                        + "): event cpu-clock: sample_type bits 0x" + Long.toHexString(unknown) + " are unknown"), r.err());
            }
            CliRun plain = CliRun.of("info", f[1].toString());
            assertEquals(ExitStatus.OK, plain.status(), plain.err());
            assertEquals("", plain.err());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
