package dev.textpoke.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate-arm64 --patches} on the hand-made cases in traces/arm64: each unsafe patch is
 * rejected with the rule its line names ({@code # expect: RULE}), the kernel's own patches pass,
 * and bad input is reported with its offset.
 */
class ValidatePatchesTest {
    static final Path TRACES = Path.of(System.getProperty("textpoke.root", ".")).resolve("traces/arm64");

    @TempDir
    Path dir;

    private static List<Map<String, Object>> objects(CliRun r, String key) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            Map<String, Object> o = JsonValue.object(line);
            if (o.containsKey(key)) {
                out.add(o);
            }
        }
        return out;
    }

    /** The rule each line of the file expects, in order. */
    private static List<String> expectations(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            int at = line.indexOf("# expect: ");
            if (at > 0 && !line.startsWith("#")) {
                out.add(line.substring(at + 10).split("\\s+")[0]);
            }
        }
        return out;
    }

    @Test
    void eachHandMadeUnsafePatchIsRejectedWithItsRule() throws IOException {
        Path file = TRACES.resolve("unsafe-patches.txt");
        CliRun r = CliRun.of("validate-arm64", "--json", "--patches", file.toString());
        assertEquals(ExitStatus.FINDINGS, r.status(), r.err());
        List<Map<String, Object>> patches = objects(r, "kind");
        List<String> expected = expectations(file);
        assertEquals(6, expected.size());
        assertEquals(expected.size(), patches.size());
        for (int i = 0; i < patches.size(); i++) {
            Map<String, Object> p = patches.get(i);
            assertEquals(false, p.get("tear_safe"), p.toString());
            assertEquals(true, p.get("runtime"));
            assertEquals("patch", p.get("kind"));
            assertEquals(expected.get(i), p.get("rule"), p.toString());
        }
        CliRun text = CliRun.of("validate-arm64", "--patches", file.toString());
        for (String rule : expected) {
            assertTrue(text.out().contains("NOT-tear-safe[" + rule + "]"), rule);
        }
    }

    @Test
    void theExtendedProfileAcceptsTheConditionalBranch() {
        CliRun r = CliRun.of("validate-arm64", "--json", "--extended", "--patches",
                TRACES.resolve("unsafe-patches.txt").toString());
        Map<String, Object> bcond = objects(r, "kind").get(1);
        assertEquals("54000080", bcond.get("new"));
        assertEquals(true, bcond.get("tear_safe"), bcond.toString());
        assertEquals("extended", bcond.get("profile"));
        assertEquals(ExitStatus.FINDINGS, r.status()); // the others stay unsafe
    }

    @Test
    void theKernelsOwnPatchesPass() {
        CliRun r = CliRun.of("validate-arm64", "--json", "--patches", TRACES.resolve("safe-patches.txt").toString());
        assertEquals(ExitStatus.OK, r.status(), r.out() + r.err());
        List<Map<String, Object>> patches = objects(r, "kind");
        assertEquals(8, patches.size());
        for (Map<String, Object> p : patches) {
            boolean exempt = p.get("visibility").equals("stop_machine") || p.get("runtime").equals(false);
            assertTrue(exempt || (Boolean) p.get("tear_safe"), p.toString());
        }
        Map<String, Object> kprobe = patches.get(5);
        assertEquals("stop_machine", kprobe.get("visibility"));
        assertEquals(false, kprobe.get("tear_safe"));
        assertEquals("cmodx.old-or-new-set", kprobe.get("rule"));
        Map<String, Object> totals = objects(r, "totals").get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) totals.get("totals");
        assertEquals(0L, t.get("runtime_not_tear_safe"));
    }

    @Test
    void aMalformedLineIsBadInputNamingFileAndOffset() throws IOException {
        Path file = dir.resolve("bad-patches-fail.txt");
        Files.writeString(file, "# ok\nffff800080010000 d503201f 14000004 ipi\nffff800080010004 d503201 14000004\n");
        CliRun r = CliRun.of("validate-arm64", "--patches", file.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.err().contains(file + ": at byte 44 "), r.err()); // "# ok\n" + the 39-byte first patch line
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    @Test
    void anUnreadableImageIsReportedAndTheOthersStillAre() throws IOException {
        Path junk = dir.resolve("junk.ko");
        Files.writeString(junk, "not an ELF file");
        Path missing = dir.resolve("missing.ko");
        CliRun r = CliRun.of("validate-arm64", "--summary-only", junk.toString(), missing.toString());
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.err().contains(junk + ": at byte 0"), r.err());
        assertTrue(r.err().contains(missing + ": no such file"), r.err());
        assertTrue(r.out().contains("total: 0 images (2 unreadable)"), r.out());
    }

    @Test
    void helpNamesTheInputsAndExitsZero() {
        CliRun r = CliRun.of("validate-arm64", "--help");
        assertEquals(ExitStatus.OK, r.status());
        assertTrue(r.out().startsWith("Usage: textpoke validate-arm64"), r.out());
        assertTrue(r.out().contains("--patches=FILE") && r.out().contains("--extended"), r.out());
    }

    @Test
    void patchesAndImagesAreExclusive() {
        CliRun r = CliRun.of("validate-arm64", "--patches", "a", "b.ko");
        assertEquals(ExitStatus.BAD_INPUT, r.status());
        assertTrue(r.err().contains("Unmatched argument") || r.err().contains("mutually exclusive"), r.err());
    }
}
