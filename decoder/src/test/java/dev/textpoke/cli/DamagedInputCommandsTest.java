package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.branches.UserProgramTrace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on damaged input: whatever the bytes, a command ends with status 0 or 2, never
 * with an internal error (status 70), and a status-2 report is one line naming the file. The
 * reader's own corruption tests (perf-reader's {@code CorruptionTest}, {@code FuzzTest}) stop at
 * the records; these go through what the commands do with them.
 */
class DamagedInputCommandsTest {
    @TempDir
    Path tmp;

    /** Commands that read every record, each as it is run on a file. */
    private static final List<List<String>> COMMANDS = List.of(List.of("samples"), List.of("samples", "--json"),
            List.of("dump"), List.of("info"), List.of("pokes"), List.of("branches"));
    /** Damaged copies of each seed file. */
    private static final int VARIANTS = 40;

    @Test
    void aRecordTypeWithItsTopBitSetIsSkippedLikeAnyUnknownType() throws Exception {
        // A damaged type of 2^31 or more was negative as an int, and `samples` looked it up in a
        // bit set: IndexOutOfBoundsException, an internal error (found by the fuzz below).
        byte[] b = Files.readAllBytes(TestTraces.trace("recorded/cpu-clock.data"));
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) bb.getLong(40); // the data section's offset
        for (int i = 0; i < 3; i++) {
            at += bb.getShort(at + 6) & 0xffff;
        }
        bb.putInt(at, 0x82000002);
        Path f = tmp.resolve("type.data");
        Files.write(f, b);
        for (List<String> c : COMMANDS) {
            CliRun r = run(c, f);
            assertTrue(r.status() == 0 || r.status() == ExitStatus.BAD_INPUT, c + ": " + r.status() + " " + r.err());
            assertFalse(r.err().contains("internal error"), c + ": " + r.err());
        }
        assertEquals(0, run(List.of("samples"), f).status());
    }

    @Test
    void aMappedFileNameTheLocaleCannotEncodeLeavesItsCodeUnnamed() throws Exception {
        // Under the C locale the JVM encodes file names as ASCII: a mapped file with a non-ASCII
        // name (here one byte of the recorded name changed to 0xe9) was an InvalidPathException,
        // an internal error. perf prints such a file's samples with [unknown] symbols; so does this.
        byte[] b = Files.readAllBytes(TestTraces.trace("recorded/cpu-clock.data"));
        byte[] name = "/tmp/tmp.5mt7bjoQpu/workload".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int at = indexOf(b, name);
        assertTrue(at > 0, "the recording maps the workload");
        b[at + name.length - 3] = (byte) 0xe9;
        Path f = tmp.resolve("latin1-name.data");
        Files.write(f, b);
        ProcessBuilder pb = new ProcessBuilder(CliProcess.command("samples", f.toString()));
        pb.environment().put("LC_ALL", "C");
        pb.redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile());
        Process p = pb.start();
        assertEquals(0, p.waitFor(), Files.readString(tmp.resolve("err.txt")));
        List<String> lines = Files.readAllLines(tmp.resolve("out.txt"), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(lines.stream().anyMatch(l -> l.contains("[unknown] (/tmp/tmp.5mt7bjoQpu/workl")), lines.get(0));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void randomlyDamagedRecordingsEndWithStatusZeroOrTwo() throws Exception {
        Random random = new Random(20261207);
        List<Path> seeds = List.of(TestTraces.trace("recorded/cpu-clock.data"), TestTraces.trace("recorded/pipe.data"),
                TestTraces.trace("recorded/tracepoints.data"), TestTraces.trace("pokes/pokes-pipe.data"),
                TestTraces.trace("recorded/callchain-dwarf.data"));
        int runs = 0;
        for (Path seed : seeds) {
            byte[] original = Files.readAllBytes(seed);
            for (int variant = 0; variant < VARIANTS; variant++) {
                byte[] b = flipped(original, random);
                if (random.nextInt(4) == 0) {
                    b = java.util.Arrays.copyOf(b, 16 + random.nextInt(b.length - 16));
                }
                Path f = tmp.resolve(seed.getFileName() + "." + variant);
                Files.write(f, b);
                for (List<String> c : COMMANDS) {
                    CliRun r = run(c, f);
                    String what = c + " on " + seed.getFileName() + " variant " + variant;
                    assertTrue(r.status() == 0 || r.status() == ExitStatus.BAD_INPUT, what + ": " + r.status() + " "
                            + r.err());
                    assertFalse(r.err().contains("internal error"), what + ": " + r.err());
                    if (r.status() == ExitStatus.BAD_INPUT) {
                        String last = r.err().strip().lines().reduce((x, y) -> y).orElse("");
                        assertTrue(last.contains(f.toString()), what + ": the report names the file: " + r.err());
                    }
                    runs++;
                }
            }
        }
        assertEquals(seeds.size() * VARIANTS * COMMANDS.size(), runs);
    }

    /**
     * {@code decode} with its event, task and thread options on damaged copies of an Intel PT
     * recording with user code (the AUX data is most of the file, so most damage lands in the
     * packets): status 0 or 2, never an internal error.
     */
    @Test
    void damagedIntelPtRecordingsDecodeWithStatusZeroOrTwo() throws Exception {
        Random random = new Random(20261207);
        Path seed = TestTraces.trace("pt/user.data");
        byte[] original = Files.readAllBytes(seed.resolve("data"));
        int runs = 0;
        for (int variant = 0; variant < 20; variant++) {
            Path dir = tmp.resolve("user." + variant + ".data");
            Files.createDirectories(dir.resolve("kcore_dir"));
            Files.createDirectories(dir.resolve("program"));
            for (String f : List.of("kcore_dir/kcore", "kcore_dir/kallsyms", "kcore_dir/modules", "program/user.bin")) {
                Files.copy(seed.resolve(f), dir.resolve(f));
            }
            byte[] b = flipped(original, random);
            Files.write(dir.resolve("data"), b);
            for (List<String> c : List.of(
                    List.of("decode", "--ptwrite", "--power", "--transactions", "--task", "--json", "--symfs",
                            dir.toString()),
                    List.of("decode", "--insns", "--threads", "2", "--symfs", dir.toString()),
                    List.of("decode", "--summary", "--pid", "1000", "--symfs", dir.toString()))) {
                assertZeroOrTwo(run(c, dir), c + " variant " + variant);
                runs++;
            }
        }
        assertEquals(60, runs);
    }

    /**
     * {@code branches} and {@code profile} on damaged copies of a user-space LBR recording of a
     * program compiled here, whose ranges are read from the program's file: the MMAP2 and the
     * stacks damaged too. Status 0 or 2, never an internal error.
     */
    @Test
    void damagedUserSpaceBranchStacksEndWithStatusZeroOrTwo() throws Exception {
        Random random = new Random(20261207);
        UserProgramTrace.Program program = UserProgramTrace.compile(tmp);
        Path seed = tmp.resolve("user-lbr.data");
        UserProgramTrace.write(program, program.file().toString(), seed, 60, 5);
        byte[] original = Files.readAllBytes(seed.resolve("data"));
        int runs = 0;
        for (int variant = 0; variant < 30; variant++) {
            Path dir = tmp.resolve("user-lbr." + variant + ".data");
            Files.createDirectories(dir);
            byte[] b = flipped(original, random);
            Files.write(dir.resolve("data"), b);
            for (List<String> c : List.of(List.of("branches", "--insns"), List.of("branches", "--insns", "--json"),
                    List.of("profile", "--format", "brstackinsn"), List.of("profile", "--format", "autofdo"))) {
                assertZeroOrTwo(run(c, dir), c + " variant " + variant);
                runs++;
            }
        }
        assertEquals(120, runs);
    }

    /** A copy with 1 to 32 random bytes past the magic replaced by random values. */
    private static byte[] flipped(byte[] original, Random random) {
        byte[] b = original.clone();
        int flips = 1 << random.nextInt(6);
        for (int i = 0; i < flips; i++) {
            b[16 + random.nextInt(b.length - 16)] = (byte) random.nextInt(256);
        }
        return b;
    }

    private static void assertZeroOrTwo(CliRun r, String what) {
        assertTrue(r.status() == 0 || r.status() == ExitStatus.BAD_INPUT, what + ": " + r.status() + " " + r.err());
        assertFalse(r.err().contains("internal error"), what + ": " + r.err());
    }

    private static CliRun run(List<String> command, Path file) {
        List<String> args = new ArrayList<>(command);
        args.add(file.toString());
        return CliRun.of(args.toArray(String[]::new));
    }
}
