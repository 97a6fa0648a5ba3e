package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.oracle.MiniJson;
import dev.textpoke.perf.oracle.PerfScriptOutput;
import dev.textpoke.perf.oracle.PerfScriptOutput.ScriptBranch;
import dev.textpoke.perf.oracle.PerfScriptOutput.ScriptSample;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import dev.textpoke.perf.oracle.TraceFiles.PerfVerdict;
import dev.textpoke.perf.record.RecordReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The entries {@code textpoke branches --json} reads from every real branch-stack file in {@code
 * ../shared/external-traces} that perf 6.1 reads (quipper's {@code branch-4.14}, the {@code
 * callgraph_and_branch} files, Zen 4's {@code branch_stack_spec}, arm64's ETM-synthesised {@code
 * branch_stack_hw_index}, perfparser's LBR call-stack file):
 * <ul>
 *   <li>equal {@code perf script -F brstack} on every sample (from, to, prediction, in_tx, abort,
 *       cycles, type), matched by time, thread and ip since perf prints in time order and textpoke in
 *       file order; offline, perf's committed {@code *.script-brstack.txt};
 *   <li>equal {@code perf report -D}'s raw entries, in file order, the flags perf 6.1 prints there
 *       too, and for a call-stack mode stack its addresses (perf script prints no brstack for it);
 *   <li>for quipper's files with a {@code .pb_text}, equal quipper's dump of every entry, including
 *       the speculation field and hw_idx, which perf 6.1 prints nowhere.
 * </ul>
 */
class RealStacksOracleTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws IOException {
        perf = PerfTool.in(tmp);
    }

    /** The external files perf reads that have an event sampling BRANCH_STACK. */
    static Stream<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        for (TraceFiles.External e : TraceFiles.externals()) {
            if (e.verdict() == PerfVerdict.READS && hasBranchStacks(e.path())) {
                out.add(e.path());
            }
        }
        assertTrue(out.size() >= 6, "real branch-stack files: " + out);
        return out.stream();
    }

    static boolean hasBranchStacks(Path file) throws IOException {
        try (PerfData d = PerfData.open(file)) {
            if (d.format() == PerfData.Format.PIPE) {
                try (RecordReader r = d.records()) {
                    while (r.next()) {
                        // pipe mode: HEADER_ATTR records bring the events
                    }
                }
            }
            for (Event e : d.events().events()) {
                if (e.attr().has(SampleFormat.BRANCH_STACK)) {
                    return true;
                }
            }
        }
        return false;
    }

    static List<Map<String, Object>> branches(Path file) {
        CliRun run = CliRun.of("branches", "--json", file.toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        return run.out().lines().map(MiniJson::object).toList();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> entries(Map<String, Object> sample) {
        return (List<Map<String, Object>>) sample.get("entries");
    }

    static long hex(Object s) {
        return Long.parseUnsignedLong(((String) s).substring(2), 16);
    }

    /**
     * perf's {@code get_branch_type}: empty for UNKNOWN, else the type's (or new type's) name. The
     * new type is named only for EXTEND_ABI (it is a field of its own only then).
     */
    static String perfType(Map<String, Object> e) {
        String t = (String) e.get("type");
        if (!t.equals("EXTEND_ABI")) {
            assertNull(e.get("new_type"), e.toString());
        }
        return t.equals("N/A") ? "" : t.equals("EXTEND_ABI") ? (String) e.get("new_type") : t;
    }

    @ParameterizedTest
    @MethodSource("files")
    void entriesEqualPerf(Path file) throws Exception {
        List<Map<String, Object>> ours = branches(file);
        assertFalse(ours.isEmpty());
        // perf script -F brstack, by (time, tid, ip): perf prints in time order, textpoke in file order.
        PerfScriptOutput script = script(file);
        Map<String, ArrayDeque<Map<String, Object>>> byKey = new HashMap<>();
        for (Map<String, Object> s : ours) {
            long time = (Long) s.get("time");
            if (script.microseconds()) {
                time = time / 1000 * 1000;
            }
            byKey.computeIfAbsent(time + "/" + s.get("tid") + "/" + hex(s.get("ip")), k -> new ArrayDeque<>()).add(s);
        }
        int compared = 0;
        for (ScriptSample p : script.samples()) {
            if (p.brstack() == null || p.brstack().isEmpty()) {
                continue;
            }
            String key = p.time() + "/" + p.tid() + "/" + p.ip();
            ArrayDeque<Map<String, Object>> q = byKey.get(key);
            assertNotNull(q, file.getFileName() + ": no sample " + key);
            Map<String, Object> s = q.poll();
            assertNotNull(s, file.getFileName() + ": too few samples " + key);
            List<Map<String, Object>> e = entries(s);
            assertEquals(p.brstack().size(), e.size(), key);
            for (int i = 0; i < e.size(); i++) {
                ScriptBranch b = p.brstack().get(i);
                Map<String, Object> x = e.get(i);
                String pred = (Boolean) x.get("predicted") ? "P" : (Boolean) x.get("mispred") ? "M" : "-";
                assertEquals(List.of(b.from(), b.to(), b.prediction(), b.inTx(), b.abort(), (long) b.cycles(), b.type()),
                        List.of(hex(x.get("from")), hex(x.get("to")), pred, x.get("in_tx"), x.get("abort"),
                                x.get("cycles"), perfType(x)), file.getFileName() + " " + key + " entry " + i);
            }
            compared++;
        }
        if (!file.getFileName().toString().equals("perf.lbr.data")) {
            assertTrue(compared > 0, "samples compared");
        }
        if (!PerfTool.offline()) {
            assertEqualsReportD(file, ours);
        }
    }

    private static PerfScriptOutput script(Path file) throws Exception {
        Set<String> fields = new LinkedHashSet<>(List.of("comm", "tid", "pid", "time", "event", "ip", "brstack"));
        if (PerfTool.offline()) {
            String relative = TraceFiles.externalTraces().relativize(file).toString();
            List<String> lines = Files.readAllLines(TraceFiles.externalPerfOutputs()
                    .resolve(relative.replace('/', '_') + ".script-brstack.txt"), StandardCharsets.ISO_8859_1);
            if (lines.stream().anyMatch(l -> l.matches("^.*?\\s\\d+/\\d+\\s+\\[-?\\d+\\].*"))) {
                fields.add("cpu");
            }
            return PerfScriptOutput.parse(lines, fields);
        }
        PerfTool.Result r = perf.run("script", "--no-itrace", "--ns", "--hide-call-graph", "-F",
                String.join(",", fields), "-i", file.toString());
        assertEquals(0, r.status(), r.err());
        return PerfScriptOutput.parse(r.out(), fields);
    }

    private static final Pattern SAMPLE = Pattern.compile("^(?:\\S+ )*(0x[0-9a-f]+) \\[0x[0-9a-f]+\\]: PERF_RECORD_SAMPLE.*");
    private static final Pattern STACK = Pattern.compile("^\\.\\.\\. branch (stack|callstack): nr:(\\d+)$");
    private static final Pattern ENTRY = Pattern.compile(
            "^\\.\\.\\.\\.\\. +\\d+: ([0-9a-f]{16}) -> ([0-9a-f]{16}) (\\d+) cycles (.)(.)(.)(.) ([0-9a-f]+) (.*)$");
    private static final Pattern CALLSTACK_ENTRY = Pattern.compile("^\\.\\.\\.\\.\\. +\\d+: ([0-9a-f]{16})$");

    /**
     * perf report -D, in file order: per sample record with a stack, the raw entries ({@code from ->
     * to cycles MPAT reserved type}), or for a call stack {@code e[0].to, e[0].from, e[1].from...}.
     */
    private static void assertEqualsReportD(Path file, List<Map<String, Object>> ours) throws Exception {
        PerfTool.Result r = perf.run(line -> line.startsWith(".....") || line.startsWith("... branch")
                || line.contains("PERF_RECORD_SAMPLE"), "report", "-D", "-i", file.toString());
        assertEquals(0, r.status(), r.err());
        Map<Long, List<String>> perfs = new HashMap<>();
        Long offset = null;
        List<String> current = null;
        for (String line : r.out()) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches()) {
                offset = Long.parseLong(m.group(1).substring(2), 16);
                current = null;
                continue;
            }
            Matcher st = STACK.matcher(line);
            if (st.matches() && offset != null) {
                current = new ArrayList<>();
                current.add(st.group(1) + " " + st.group(2));
                perfs.put(offset, current);
                continue;
            }
            if (current != null && line.startsWith(".....")) {
                Matcher e = ENTRY.matcher(line);
                Matcher c = CALLSTACK_ENTRY.matcher(line);
                if (e.matches()) {
                    current.add(Long.parseUnsignedLong(e.group(1), 16) + "->" + Long.parseUnsignedLong(e.group(2), 16)
                            + " " + e.group(3) + " " + (e.group(4) + e.group(5) + e.group(6) + e.group(7)).replace(' ', '.')
                            + " " + e.group(9).trim());
                } else if (c.matches()) {
                    current.add(Long.toString(Long.parseUnsignedLong(c.group(1), 16)));
                } else {
                    current = null;
                }
            }
        }
        int compared = 0;
        for (Map<String, Object> s : ours) {
            List<String> p = perfs.get((Long) s.get("offset"));
            assertNotNull(p, file.getFileName() + ": perf report -D has no branch stack at " + s.get("offset"));
            List<Map<String, Object>> e = entries(s);
            List<String> mine = new ArrayList<>();
            if ("call_stack".equals(s.get("mode"))) {
                mine.add("callstack " + (e.size() + 1));
                if (!e.isEmpty()) {
                    mine.add(Long.toString(hex(e.get(0).get("to"))));
                }
                e.forEach(x -> mine.add(Long.toString(hex(x.get("from")))));
            } else {
                mine.add("stack " + e.size());
                for (Map<String, Object> x : e) {
                    String flags = ((Boolean) x.get("mispred") ? "M" : ".") + ((Boolean) x.get("predicted") ? "P" : ".")
                            + ((Boolean) x.get("abort") ? "A" : ".") + ((Boolean) x.get("in_tx") ? "T" : ".");
                    mine.add(hex(x.get("from")) + "->" + hex(x.get("to")) + " " + x.get("cycles") + " " + flags + " "
                            + perfType(x));
                }
            }
            assertEquals(p, mine, file.getFileName() + " sample at " + s.get("offset"));
            compared++;
        }
        assertEquals(perfs.size(), compared, file.getFileName() + ": samples with a stack");
    }

    /** quipper's dump of a sample: its time and ip, each entry, and hw_idx when it has one. */
    record Quipper(long time, long ip, List<List<Long>> entries, Long hwIdx) {}

    private static final Pattern FIELD = Pattern.compile("^\\s*(\\w+): (.*)$");

    static List<Quipper> quipper(Path pbText) throws IOException {
        List<Quipper> out = new ArrayList<>();
        Long time = null;
        Long ip = null;
        Long hw = null;
        boolean noHw = false;
        List<List<Long>> entries = null;
        List<Long> entry = null;
        for (String line : Files.readAllLines(pbText)) {
            String t = line.trim();
            if (t.equals("sample_event {")) {
                entries = new ArrayList<>();
                time = null;
                ip = null;
                hw = null;
                noHw = false;
            } else if (entries != null && t.equals("branch_stack {")) {
                entry = new ArrayList<>();
            } else if (entry != null && t.equals("}")) {
                entries.add(entry);
                entry = null;
            } else if (entries != null && entry == null && t.equals("}")) {
                out.add(new Quipper(time == null ? -1 : time, ip == null ? 0 : ip, entries, noHw ? null : hw));
                entries = null;
            } else if (entries != null) {
                Matcher m = FIELD.matcher(line);
                if (m.matches()) {
                    String v = m.group(2);
                    long n = v.equals("true") ? 1 : v.equals("false") ? 0 : Long.parseUnsignedLong(v);
                    if (entry != null) {
                        entry.add(n);
                    } else {
                        switch (m.group(1)) {
                            case "sample_time_ns" -> time = n;
                            case "ip" -> ip = n;
                            case "no_hw_idx" -> noHw = n == 1;
                            case "branch_stack_hw_idx" -> hw = n;
                            default -> { }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Zen 4's speculation bits, arm64's hw_idx and every flag, against quipper's protobuf dump. */
    @ParameterizedTest
    @ValueSource(strings = {"perf.data.branch-4.14", "perf.data.branch_stack_spec", "perf.data.branch_stack_hw_index"})
    void entriesEqualQuipper(String name) throws Exception {
        Path dir = TraceFiles.externalTraces().resolve("perf_data_converter/src/quipper/testdata");
        List<Quipper> q = quipper(dir.resolve(name + ".pb_text"));
        List<Map<String, Object>> ours = branches(dir.resolve(name));
        int k = 0;
        for (Map<String, Object> s : ours) {
            long ip = hex(s.get("ip"));
            long time = (Long) s.get("time");
            while (k < q.size() && !(q.get(k).time() == time && q.get(k).ip() == ip)) {
                k++;
            }
            assertTrue(k < q.size(), name + ": quipper has no sample at " + time + " ip " + Long.toHexString(ip));
            Quipper x = q.get(k++);
            List<Map<String, Object>> e = entries(s);
            assertEquals(x.entries().size(), e.size(), name + " at " + time);
            for (int i = 0; i < e.size(); i++) {
                Map<String, Object> m = e.get(i);
                // from, to, mispredicted, predicted, in_transaction, abort, cycles, type, spec
                List<Long> mine = List.of(hex(m.get("from")), hex(m.get("to")), bool(m.get("mispred")),
                        bool(m.get("predicted")), bool(m.get("in_tx")), bool(m.get("abort")), (Long) m.get("cycles"),
                        (long) BranchType.valueOf(typeName(m)).value(), (long) spec(m));
                assertEquals(x.entries().get(i), mine, name + " at " + time + " entry " + i);
            }
            assertEquals(x.hwIdx(), s.get("hw_idx"), name + " at " + time + ": hw_idx");
        }
        assertTrue(ours.size() >= 5, name + ": samples compared");
    }

    private static long bool(Object b) {
        return (Boolean) b ? 1 : 0;
    }

    private static String typeName(Map<String, Object> m) {
        String t = (String) m.get("type");
        return t.equals("N/A") ? "UNKNOWN" : t;
    }

    private static int spec(Map<String, Object> m) {
        return BranchSpec.valueOf(((String) m.get("spec")).equals("N/A") ? "NA" : (String) m.get("spec")).ordinal();
    }
}
