package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.cli.CliRun;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.oracle.PerfReportDump.DumpedRecord;
import dev.textpoke.perf.oracle.PerfReportDump.DumpedSample;
import dev.textpoke.perf.oracle.PerfScriptOutput.ScriptMmap;
import dev.textpoke.perf.oracle.PerfScriptOutput.ScriptSample;
import dev.textpoke.perf.oracle.TraceFiles.PerfVerdict;
import dev.textpoke.perf.record.RecordReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

/**
 * {@code textpoke samples} against perf, field by field, on every recording in {@code traces/}
 * and every external file perf 6.1 reads (the quipper files, the LBR files among them):
 *
 * <ul>
 *   <li>against {@code perf script --ns -F F} (F: what perf accepts of comm, tid, pid, cpu, time,
 *       period, event, ip, addr, brstack): every sample, in order; call chain frames equal perf's
 *       or, for user-space frames, perf's offset into the mapped file of the frame's address (from
 *       perf's own {@code --show-mmap-events}); not for DWARF-unwound or LBR call-stack chains,
 *       which perf rebuilds;
 *   <li>against {@code perf report -D}: the raw values of every sample (cpu, time, pid, tid, ip,
 *       period, addr, the raw call chain with its context markers) from {@code samples --json}.
 * </ul>
 * Big-endian copies are compared with what perf says of their little-endian originals (see
 * {@link #perfInput}). With {@code -Dtextpoke.perf.offline=true}: {@code traces/expected/} for the recordings, and the
 * committed {@code *.script-brstack.txt} of the LBR files.
 */
class SampleFieldsOracleTest {
    static final String ALL_FIELDS = "comm,tid,pid,cpu,time,period,event,ip,addr,brstack";
    private static final Pattern REFUSED = Pattern.compile("Cannot print '([a-z]+)' field");
    /** PERF_SAMPLE_BRANCH_CALL_STACK: perf folds such branch stacks into the call chain. */
    private static final long BRANCH_CALL_STACK = 1L << 11;

    @TempDir
    static Path tmp;
    static PerfTool perf;

    @BeforeAll
    static void perf() throws IOException {
        perf = PerfTool.in(tmp);
    }

    static Stream<Path> files() {
        Stream<Path> external = TraceFiles.externals().stream()
                .filter(e -> e.verdict() == PerfVerdict.READS).map(TraceFiles.External::path);
        if (PerfTool.offline()) {
            // perf's committed outputs: traces/expected/ for the recordings, and the LBR files'
            // perf script output of _debian-perf-6.1-outputs.
            external = TraceFiles.externals().stream().filter(e -> Files.exists(committedBrstack(e.path())))
                    .map(TraceFiles.External::path);
        }
        return Stream.concat((PerfTool.offline() ? TraceFiles.recordings() : TraceFiles.allTraces()).stream(), external);
    }

    static Stream<Path> filesWithDumps() {
        return PerfTool.offline() ? TraceFiles.recordings().stream() : files();
    }

    /**
     * {@code _debian-perf-6.1-outputs/<path with _ for />.script-brstack.txt}: {@code perf script
     * --hide-call-graph -F comm,pid,tid[,cpu],time,event,ip,brstack} (microseconds).
     */
    static Path committedBrstack(Path external) {
        String relative = TraceFiles.externalTraces().relativize(external).toString();
        return TraceFiles.externalPerfOutputs().resolve(relative.replace('/', '_') + ".script-brstack.txt");
    }

    /** The -F list perf accepts for a file, and its output for it. */
    record PerfScript(Set<String> fields, List<String> lines, boolean hideCallGraph) {}

    /**
     * The file perf is asked about: for a big-endian copy ({@code NAME.be.data}) its little-endian
     * original, since perf 6.1 mis-swaps samples of big-endian pipe streams (it does not mark the
     * events of HEADER_ATTR records as swapped, so pid/tid and cpu come out exchanged and zero).
     */
    static Path perfInput(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".be.data") ? file.resolveSibling(name.replace(".be.data", ".data")) : file;
    }

    /** perf script's output per file: both tests need it, and perf takes most of their time. */
    private static final Map<Path, PerfScript> SCRIPTS = new java.util.concurrent.ConcurrentHashMap<>();

    static PerfScript perfScript(Path textpokeInput) throws Exception {
        Path file = perfInput(textpokeInput);
        PerfScript cached = SCRIPTS.get(file);
        if (cached != null) {
            return cached;
        }
        PerfScript made = runPerfScript(file);
        SCRIPTS.put(file, made);
        return made;
    }

    private static PerfScript runPerfScript(Path file) throws Exception {
        if (PerfTool.offline() && file.startsWith(TraceFiles.externalTraces())) {
            List<String> lines = Files.readAllLines(committedBrstack(file), java.nio.charset.StandardCharsets.ISO_8859_1);
            boolean cpu = lines.stream().anyMatch(l -> l.matches("^.*?\\s\\d+/\\d+\\s+\\[-?\\d+\\].*"));
            Set<String> fields = new LinkedHashSet<>(List.of("comm", "tid", "pid", "time", "event", "ip", "brstack"));
            if (cpu) {
                fields.add("cpu");
            }
            return new PerfScript(fields, lines, true);
        }
        if (PerfTool.offline()) {
            List<String> lines = Files.readAllLines(TraceFiles.expected(file, "script.txt"));
            return new PerfScript(Set.of(lines.get(0).replace("# fields: ", "").split(",")), lines, false);
        }
        List<String> fields = new ArrayList<>(Arrays.asList(ALL_FIELDS.split(",")));
        while (true) {
            PerfTool.Result r = perf.run("script", "--no-itrace", "--ns", "--show-mmap-events", "-F",
                    String.join(",", fields), "-i", file.toString());
            Matcher m = REFUSED.matcher(r.err());
            if (m.find()) {
                fields.remove(m.group(1));
                continue;
            }
            assertEquals(0, r.status(), r.err());
            return new PerfScript(new LinkedHashSet<>(fields), r.out(), false);
        }
    }

    /** Whether perf rebuilds this file's call chains (DWARF unwinding, LBR call stacks). */
    static boolean perfRebuildsCallchains(Path file) throws IOException {
        try (PerfData d = PerfData.open(file)) {
            for (int i = 0; i < d.inputCount(); i++) {
                try (RecordReader r = d.records(i)) {
                    while (r.next()) {
                        // pipe mode: the events come as records
                    }
                }
            }
            for (Event e : d.events().events()) {
                if (e.attr().has(SampleFormat.STACK_USER) || (e.attr().has(SampleFormat.BRANCH_STACK)
                        && (e.attr().branchSampleType() & BRANCH_CALL_STACK) != 0)) {
                    return true;
                }
            }
        }
        return false;
    }

    @ParameterizedTest
    @MethodSource("files")
    void samplesEqualPerfScript(Path file) throws Exception {
        PerfScript oracle = perfScript(file);
        PerfScriptOutput expected = PerfScriptOutput.parse(oracle.lines(), oracle.fields());
        List<String> args = new ArrayList<>(List.of("samples", "-F", String.join(",", oracle.fields()), file.toString()));
        if (oracle.hideCallGraph()) {
            args.add(1, "--hide-call-graph");
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(ExitStatus.OK, run.status(), run.err());
        PerfScriptOutput actual = PerfScriptOutput.parse(run.out().lines().toList(), oracle.fields());
        assertEquals(expected.samples().size(), actual.samples().size(), "samples");
        boolean chains = !perfRebuildsCallchains(file);
        for (int i = 0; i < expected.samples().size(); i++) {
            ScriptSample p = expected.samples().get(i);
            ScriptSample t = actual.samples().get(i);
            String where = file.getFileName() + " sample " + i + " at " + p.time();
            Long time = t.time() != null && expected.microseconds() ? t.time() / 1000 * 1000 : t.time();
            assertEquals(List.of(p.comm(), p.pid(), p.tid(), String.valueOf(p.cpu()), String.valueOf(p.time()),
                    String.valueOf(p.period()), String.valueOf(p.event()), String.valueOf(p.addr()), String.valueOf(p.ip())),
                    List.of(t.comm(), t.pid(), t.tid(), String.valueOf(t.cpu()), String.valueOf(time),
                    String.valueOf(t.period()), String.valueOf(t.event()), String.valueOf(t.addr()), String.valueOf(t.ip())),
                    where);
            assertEquals(p.brstack(), t.brstack(), where + ": branch stack");
            if (chains) {
                assertSameChain(p.callchain(), t.callchain(), expected.mmaps(), where);
            }
        }
    }

    /**
     * perf prints a user-space frame in a known map as its offset in the mapped file
     * ({@code map->map_ip}: address - start + pgoff), anything else as the address.
     */
    static void assertSameChain(List<Long> perfs, List<Long> ours, List<ScriptMmap> mmaps, String where) {
        if (perfs == null || ours == null) {
            assertEquals(perfs == null, ours == null, where + ": call chain present");
            return;
        }
        // both stop at perf's maximum stack depth (127 frames, --max-stack)
        int n = ours.size();
        assertEquals(n, perfs.size(), where + ": frames " + perfs + " vs " + ours);
        for (int k = 0; k < n; k++) {
            long p = perfs.get(k);
            long a = ours.get(k);
            if (p == a) {
                continue;
            }
            boolean mapped = false;
            for (ScriptMmap m : mmaps) {
                if (m.contains(a) && a - m.start() + m.pgoff() == p) {
                    mapped = true;
                    break;
                }
            }
            if (!mapped) {
                fail(where + ": frame " + k + " is 0x" + Long.toHexString(a) + ", perf prints 0x" + Long.toHexString(p)
                        + " and no mmap maps the one to the other");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("filesWithDumps")
    void rawSampleValuesEqualPerfReportD(Path file) throws Exception {
        PerfReportDump dump = PerfTool.offline()
                ? PerfReportDump.parse(Files.readAllLines(TraceFiles.expected(perfInput(file), "report-D.txt")))
                : perf.reportDump(perfInput(file));
        PerfScript oracle = perfScript(file);
        Set<String> fields = new LinkedHashSet<>(oracle.fields());
        fields.remove("brstack");
        CliRun run = CliRun.of("samples", "--json", "-F", String.join(",", fields), file.toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        List<Map<String, Object>> json = run.out().lines().map(MiniJson::object).toList();
        List<DumpedRecord> samples = dump.samples();
        int j = 0;
        for (int i = 0; i < samples.size(); i++) {
            DumpedSample d = samples.get(i).sample();
            if (d.reads() != null) {
                // One JSON object per counter that moved (none when none did), all of one sample.
                long at = j < json.size() ? (Long) json.get(j).get("offset") : -1;
                if (j < json.size() && json.get(j).get("ip") != null && hex(json.get(j).get("ip")) == d.ip()) {
                    while (j + 1 < json.size() && json.get(j + 1).get("offset").equals(at) && sameTime(json.get(j + 1), d)) {
                        j++;
                    }
                    j++;
                }
                continue;
            }
            assertTrue(j < json.size(), file.getFileName() + ": textpoke has fewer samples than perf");
            Map<String, Object> t = json.get(j++);
            String where = file.getFileName() + " sample " + i + " (" + samples.get(i).line() + ")";
            Long cpu = d.cpu();
            Long time = d.time();
            if (cpu == null && time != null && t.get("time") == null && t.get("cpu") != null) {
                cpu = time; // perf printed only the cpu (no TIME in the sample)
                time = null;
            }
            if (t.containsKey("cpu")) {
                // perf -D prints the cpu as %u (-1 is 4294967295)
                assertEquals(cpu, Integer.toUnsignedLong(((Long) t.get("cpu")).intValue()), where + ": cpu");
            }
            if (t.containsKey("time")) {
                assertEquals(time, t.get("time"), where + ": time");
            }
            assertEquals((long) d.pid(), t.get("pid"), where + ": pid");
            assertEquals((long) d.tid(), t.get("tid"), where + ": tid");
            assertEquals(d.ip(), hex(t.get("ip")), where + ": ip");
            assertEquals(d.period(), t.get("period"), where + ": period");
            assertEquals(d.addr(), t.containsKey("addr") ? hex(t.get("addr")) : 0L, where + ": addr");
            if (d.callchain() != null) {
                @SuppressWarnings("unchecked")
                List<Object> chain = (List<Object>) t.get("callchain");
                assertEquals(d.callchain(), chain == null ? null : chain.stream().map(SampleFieldsOracleTest::hex).toList(),
                        where + ": raw call chain");
            }
            if (!file.toString().contains("compressed") && samples.get(i).source().equals(file.toString())) {
                assertEquals(samples.get(i).offset(), t.get("offset"), where + ": offset");
            }
        }
        assertEquals(json.size(), j, file.getFileName() + ": textpoke has more samples than perf");
    }

    private static boolean sameTime(Map<String, Object> t, DumpedSample d) {
        return t.get("time") == null || t.get("time").equals(d.time());
    }

    static long hex(Object o) {
        String s = (String) o;
        return Long.parseUnsignedLong(s.substring(2), 16);
    }
}
