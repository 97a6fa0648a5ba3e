package dev.textpoke.perf.oracle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of {@code perf report -D} (perf 6.1), parsed: one {@link DumpedRecord} per record perf
 * processed, and the "Aggregated stats" counts.
 *
 * <p>Per record perf prints (tools/perf/util/session.c, {@code dump_event}, {@code dump_sample}):
 * <pre>
 * 0x&lt;offset&gt;@&lt;source&gt; [0x&lt;size&gt;]: event: &lt;type&gt;
 * . hex dump lines
 * [&lt;cpu&gt; ][&lt;time&gt; ]0x&lt;offset&gt; [0x&lt;size&gt;]: PERF_RECORD_&lt;NAME&gt;...
 * ... FP chain: nr:N          (samples with a call chain; then ".....  i: &lt;hex&gt;" lines)
 * ... branch stack: nr:N      (then ".....  i: &lt;from&gt; -&gt; &lt;to&gt; &lt;cycles&gt; cycles ...")
 * </pre>
 * Records perf synthesises itself (its CoreSight decoder's HEADER_ATTRs) have the source
 * {@code (null)}, and "Aggregated stats" counts them. COMPRESSED records get no line of their own, only a count in the stats; the
 * records inside them are printed with offsets into perf's decompression buffer.
 */
public record PerfReportDump(List<DumpedRecord> records, Map<String, Long> aggregatedStats) {

    private static final Pattern EVENT = Pattern.compile("^(0x[0-9a-f]+|0)@(.*) \\[0x([0-9a-f]+)\\]: event: (\\d+)$");
    private static final Pattern RECORD = Pattern.compile("^((?:-?\\d+ )*)(0x[0-9a-f]+|0) \\[0x([0-9a-f]+)\\]: PERF_RECORD_([A-Z0-9_]+)(.*)$");
    private static final Pattern SAMPLE = Pattern.compile(
            "^\\(IP, 0x([0-9a-f]+)\\): (-?\\d+)/(-?\\d+): 0x([0-9a-f]+) period: (\\d+) addr: (0x[0-9a-f]+|0)");
    private static final Pattern CHAIN = Pattern.compile("^\\.\\.\\. FP chain: nr:(\\d+)$");
    private static final Pattern BRANCHES = Pattern.compile("^\\.\\.\\. branch stack: nr:(\\d+)$");
    private static final Pattern ENTRY = Pattern.compile("^\\.\\.\\.\\.\\. +\\d+: ([0-9a-f]+)(?: -> ([0-9a-f]+) +(\\d+) cycles +(.*))?$");
    private static final Pattern READ = Pattern.compile("^\\.+ id ([0-9a-f]+), value ([0-9a-f]+)");
    private static final Pattern STAT = Pattern.compile("^ *([A-Z_0-9]+) events: +(\\d+)");

    /** One record as perf listed it. {@code sample} is set for PERF_RECORD_SAMPLE lines. */
    public record DumpedRecord(long offset, String source, int size, int type, String name,
            String line, DumpedSample sample) {
        /** Made by perf, not read from the input. */
        public boolean synthesized() {
            return source.equals("(null)");
        }
    }

    /**
     * What perf printed for a sample. {@code cpu} and {@code time} are null when perf printed no
     * such prefix; {@code period} and {@code addr} are perf's values even when the sample type
     * has no PERIOD or ADDR (perf then prints the attr's period, and 0). {@code callchain} is the
     * raw chain, PERF_CONTEXT markers included; {@code branches} the raw branch stack.
     */
    public record DumpedSample(Long cpu, Long time, int misc, int pid, int tid, long ip, long period,
            long addr, List<Long> callchain, List<DumpedBranch> branches, List<DumpedRead> reads) {}

    /** A counter value of a sample's READ field ({@code ... sample_read:} lines). */
    public record DumpedRead(long id, long value) {}

    /** A branch stack entry as {@code perf report -D} prints it. */
    public record DumpedBranch(long from, long to, int cycles, String flags) {}

    public static PerfReportDump parse(List<String> lines) {
        Parser p = new Parser();
        lines.forEach(p::line);
        p.flush();
        return new PerfReportDump(Collections.unmodifiableList(p.records), Collections.unmodifiableMap(p.stats));
    }

    /** Line-by-line state: the record being read, and the list (chain or branches) being filled. */
    private static final class Parser {
        final List<DumpedRecord> records = new ArrayList<>();
        final Map<String, Long> stats = new TreeMap<>();
        Matcher event;
        String name;
        String recordLine;
        DumpedSample sample;
        List<Long> chain;
        List<DumpedBranch> branches;
        List<DumpedRead> reads;
        boolean inChain;
        boolean inBranches;
        boolean inStats;

        void line(String line) {
            if (inStats) {
                Matcher s = STAT.matcher(line);
                if (!s.find()) {
                    inStats = false; // "<event> stats:" sections repeat SAMPLE counts per event
                } else if (!s.group(1).equals("TOTAL")) {
                    stats.put(s.group(1), Long.parseLong(s.group(2)));
                }
                return;
            }
            if (line.startsWith("Aggregated stats:")) {
                flush();
                // With an AUX area decoder the line goes on: "(excludes AUX area (e.g. instruction
                // trace) decoded / synthesized events)", meaning the samples it synthesises; the
                // HEADER_ATTRs it synthesises are counted all the same.
                inStats = true;
                return;
            }
            Matcher e = EVENT.matcher(line);
            if (e.matches()) {
                flush();
                event = e;
                return;
            }
            Matcher r = RECORD.matcher(line);
            if (r.matches() && event != null && name == null) {
                name = r.group(4);
                recordLine = line;
                if (name.equals("SAMPLE")) {
                    sample = sample(r.group(1), r.group(5));
                }
                return;
            }
            if (sample == null) {
                return;
            }
            Matcher entry = ENTRY.matcher(line);
            Matcher read = READ.matcher(line);
            if (read.find()) {
                if (reads == null) {
                    reads = new ArrayList<>();
                }
                reads.add(new DumpedRead(Long.parseUnsignedLong(read.group(1), 16),
                        Long.parseUnsignedLong(read.group(2), 16)));
            } else if (CHAIN.matcher(line).matches()) {
                chain = new ArrayList<>();
                inChain = true;
                inBranches = false;
            } else if (BRANCHES.matcher(line).matches()) {
                branches = new ArrayList<>();
                inBranches = true;
                inChain = false;
            } else if (inChain && entry.matches() && entry.group(2) == null) {
                chain.add(Long.parseUnsignedLong(entry.group(1), 16));
            } else if (inBranches && entry.matches() && entry.group(2) != null) {
                branches.add(new DumpedBranch(Long.parseUnsignedLong(entry.group(1), 16),
                        Long.parseUnsignedLong(entry.group(2), 16), Integer.parseInt(entry.group(3)),
                        entry.group(4).trim()));
            } else {
                inChain = false;
                inBranches = false;
            }
        }

        void flush() {
            if (event != null) {
                DumpedSample s = sample == null ? null : new DumpedSample(sample.cpu(), sample.time(),
                        sample.misc(), sample.pid(), sample.tid(), sample.ip(), sample.period(),
                        sample.addr(), chain == null ? null : List.copyOf(chain),
                        branches == null ? null : List.copyOf(branches), reads == null ? null : List.copyOf(reads));
                records.add(new DumpedRecord(hex(event.group(1)), event.group(2),
                        Integer.parseInt(event.group(3), 16), Integer.parseInt(event.group(4)), name,
                        recordLine, s));
            }
            event = null;
            name = null;
            recordLine = null;
            sample = null;
            chain = null;
            branches = null;
            reads = null;
            inChain = false;
            inBranches = false;
        }
    }

    private static DumpedSample sample(String prefix, String rest) {
        Matcher m = SAMPLE.matcher(rest);
        if (!m.find()) {
            throw new IllegalArgumentException("unexpected perf sample line: PERF_RECORD_SAMPLE" + rest);
        }
        // The prefix is "<cpu> <time> " with PERF_SAMPLE_CPU, else "<time> " (evlist__print_tstamp).
        String[] numbers = prefix.isBlank() ? new String[0] : prefix.trim().split(" ");
        Long cpu = numbers.length == 2 ? Long.parseLong(numbers[0]) : null;
        Long time = numbers.length >= 1 ? Long.parseUnsignedLong(numbers[numbers.length - 1]) : null;
        return new DumpedSample(cpu, time, Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), Long.parseUnsignedLong(m.group(4), 16),
                Long.parseUnsignedLong(m.group(5)), hex(m.group(6)), null, null, null);
    }

    private static long hex(String s) {
        return s.equals("0") ? 0 : Long.parseUnsignedLong(s.substring(2), 16);
    }

    /** The samples, in the order perf listed them. */
    public List<DumpedRecord> samples() {
        return records.stream().filter(r -> r.sample() != null && !r.synthesized()).toList();
    }

    /**
     * Records per type name, counted as perf's "Aggregated stats" count them, less the records
     * perf synthesised itself: what a reader of the input should count.
     */
    public Map<String, Long> countsOfInputRecords() {
        Map<String, Long> counts = new TreeMap<>(aggregatedStats);
        for (DumpedRecord r : records) {
            if (r.synthesized() && r.name() != null) {
                counts.merge(r.name(), -1L, Long::sum);
            }
        }
        counts.values().removeIf(v -> v == 0);
        return counts;
    }
}
