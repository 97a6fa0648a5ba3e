package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.oracle.MiniJson;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries {@code 0 -> 0}, the slots an LBR not yet refilled leaves empty (quipper's {@code
 * perf.data.branch-4.14} has a sample with 29 of them): {@code branches} lists them, as {@code perf
 * script -F brstack} does, but no range starts or ends at one, as perf's {@code grab_bb} reads
 * nothing for {@code !start || !end} and joins no such range with the next: the brstackinsn text is
 * perf's, the instructions of {@code --insns} (text and JSON) are perf's, and the summary counts the
 * ranges perf's rule leaves, counted from perf's own entries.
 */
class EmptyEntriesTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;
    static Path padded;
    static Path plain;
    private static final Pattern INSN = Pattern.compile("^\\t([0-9a-f]{16})\\t.*");
    private static final Pattern ENTRY = Pattern.compile("0x([0-9a-f]+)/0x([0-9a-f]+)/");

    @BeforeAll
    static void traces() throws Exception {
        perf = PerfTool.in(tmp);
        padded = run(11, tmp.resolve("padded.data"));
        plain = run(0, tmp.resolve("plain.data"));
    }

    /**
     * The hand-run with samples of 5 and 1 real entries, then {@code empty} empty ones, and a stack
     * of empty entries alone.
     */
    private static Path run(int empty, Path dir) throws Exception {
        return new HandTrace().iterations(3).sampleWithEmptyEntries(0, 5, empty).iteration()
                .sampleWithEmptyEntries(1, 1, empty).iteration().sampleWithEmptyEntries(0, 0, empty + 1)
                .iteration().sample(1).write(dir);
    }

    @Test
    void brstackinsnIsPerfs() throws Exception {
        PerfTool.Result p = perf.run("script", "-F", "brstackinsn", "-i", padded.toString());
        assertEquals(0, p.status(), p.err());
        CliRun ours = CliRun.of("profile", "--format", "brstackinsn", padded.toString());
        assertEquals(ExitStatus.OK, ours.status(), ours.err());
        assertEquals(String.join("\n", p.out()) + "\n", ours.out());
    }

    /**
     * Per sample, the instructions of {@code --insns} (text and JSON) are those perf's brstackinsn
     * walks; but for the stack of empty entries alone, where perf prints the sample's instruction
     * by itself, and there is no range.
     */
    @Test
    void insnsAreTheInstructionsPerfWalks() throws Exception {
        PerfTool.Result p = perf.run("script", "-F", "ip,brstackinsn", "-i", padded.toString());
        assertEquals(0, p.status(), p.err());
        List<List<String>> expected = perSample(p.out());
        assertEquals(4, expected.size());
        assertEquals(List.of("ffffffff810000a8"), expected.get(2), "the stack of empty entries");
        expected.set(2, List.of());
        assertTrue(expected.get(0).size() > 10 && !expected.get(1).isEmpty(), expected.toString());

        CliRun text = CliRun.of("branches", "--insns", padded.toString());
        assertEquals(ExitStatus.OK, text.status(), text.err());
        assertFalse(text.out().contains("\t# 0"), text.out());
        assertEquals(expected, perSample(text.out().lines().toList()));

        CliRun json = CliRun.of("branches", "--insns", "--json", padded.toString());
        assertEquals(ExitStatus.OK, json.status(), json.err());
        List<List<String>> ips = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            ips.add(new ArrayList<>());
        }
        for (String line : json.out().lines().toList()) {
            Map<String, Object> o = MiniJson.object(line);
            ips.get(((Long) o.get("sample")).intValue()).add(String.format("%016x", hex(o.get("ip"))));
        }
        assertEquals(expected, ips);
    }

    /** The padding changes no count of the AutoFDO profile: its ranges and branches are the real entries'. */
    @Test
    void autofdoIsThatOfTheRealEntries() {
        CliRun a = CliRun.of("profile", "--format", "autofdo", padded.toString());
        CliRun b = CliRun.of("profile", "--format", "autofdo", plain.toString());
        assertEquals(ExitStatus.OK, a.status(), a.err());
        assertEquals(b.out(), a.out());
    }

    @Test
    void branchesListsTheEmptyEntriesAsPerfDoes() throws Exception {
        PerfTool.Result p = perf.run("script", "-F", "brstack", "-i", padded.toString());
        assertEquals(0, p.status(), p.err());
        List<List<long[]>> stacks = stacks(p.out());
        CliRun json = CliRun.of("branches", "--json", padded.toString());
        assertEquals(ExitStatus.OK, json.status(), json.err());
        List<Map<String, Object>> samples = json.out().lines().map(MiniJson::object).toList();
        assertEquals(stacks.size(), samples.size());
        int empty = 0;
        for (int s = 0; s < samples.size(); s++) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> entries = (List<Map<String, Object>>) samples.get(s).get("entries");
            assertEquals(stacks.get(s).size(), entries.size());
            for (int i = 0; i < entries.size(); i++) {
                assertEquals(stacks.get(s).get(i)[0], hex(entries.get(i).get("from")));
                assertEquals(stacks.get(s).get(i)[1], hex(entries.get(i).get("to")));
                empty += stacks.get(s).get(i)[0] == 0 ? 1 : 0;
            }
        }
        assertEquals(11 + 11 + 12, empty);
    }

    /** quipper's file: the summary's ranges are those perf's grab_bb leaves of perf's own entries. */
    @Test
    void aRealFilesSummaryCountsNoRangeAtZero() throws Exception {
        Path file = TraceFiles.externalTraces().resolve("perf_data_converter/src/quipper/testdata/perf.data.branch-4.14");
        PerfTool.Result p = perf.run("script", "-F", "ip,brstack", "-i", file.toString());
        assertEquals(0, p.status(), p.err());
        long ranges = 0;
        int zeros = 0;
        for (String line : p.out()) {
            String[] f = line.trim().split("\\s+", 2);
            long ip = Long.parseUnsignedLong(f[0], 16);
            List<long[]> e = entries(f[1]);
            int n = e.size();
            ranges += e.get(n - 1)[0] != 0 ? 1 : 0;
            for (int i = n - 2; i >= 0; i--) {
                ranges += e.get(i + 1)[1] != 0 && e.get(i)[0] != 0 ? 1 : 0;
            }
            ranges += e.get(0)[0] != ip && e.get(0)[1] != 0 ? 1 : 0;
            for (long[] x : e) {
                zeros += x[0] == 0 ? 1 : 0;
            }
        }
        assertEquals(29, zeros);
        CliRun summary = CliRun.of("branches", "--summary", "--json", file.toString());
        assertEquals(ExitStatus.OK, summary.status(), summary.err());
        assertEquals(ranges, MiniJson.object(summary.out().trim()).get("ranges"));
        CliRun insns = CliRun.of("branches", "--insns", file.toString());
        assertEquals(ExitStatus.OK, insns.status(), insns.err());
        assertFalse(insns.out().contains("\t# 0"), insns.out());
    }

    /** The instruction addresses of each sample: a line not indented by a tab starts a sample. */
    private static List<List<String>> perSample(List<String> lines) {
        List<List<String>> out = new ArrayList<>();
        for (String l : lines) {
            if (!l.isBlank() && !l.startsWith("\t")) {
                out.add(new ArrayList<>());
                continue;
            }
            Matcher m = INSN.matcher(l);
            if (m.matches()) {
                out.get(out.size() - 1).add(m.group(1));
            }
        }
        return out;
    }

    private static List<List<long[]>> stacks(List<String> lines) {
        List<List<long[]>> out = new ArrayList<>();
        for (String l : lines) {
            if (!l.isBlank()) {
                out.add(entries(l));
            }
        }
        return out;
    }

    private static List<long[]> entries(String brstack) {
        List<long[]> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(brstack);
        while (m.find()) {
            out.add(new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)});
        }
        return out;
    }

    private static long hex(Object s) {
        return Long.parseUnsignedLong(((String) s).substring(2), 16);
    }
}
