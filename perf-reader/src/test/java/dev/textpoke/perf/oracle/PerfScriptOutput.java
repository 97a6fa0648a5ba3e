package dev.textpoke.perf.oracle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of {@code perf script --ns --show-mmap-events -F FIELDS} (perf 6.1), parsed, for
 * FIELDS drawn from {@code comm,tid,pid,cpu,time,period,event,ip,addr,brstack}.
 *
 * <p>Times may have nine digits after the point ({@code --ns}) or six (perf's default).
 *
 * <p>perf prints a sample as {@code comm pid/tid [cpu] sec.nsec: period event: addr ip brstack}
 * on one line (tools/perf/builtin-script.c, {@code process_event}), except that with a call chain
 * the ip is replaced by one line per frame ({@code \t<hex>}), then the branch stack on a line of
 * its own, then an empty line. Frames in a user-space map are printed as offsets into the mapped
 * file ({@code map->map_ip}), kernel frames and frames outside any map as addresses
 * (util/evsel_fprintf.c, {@code sample__fprintf_callchain}). {@code textpoke samples} prints the
 * same layout (with raw addresses), so this parser reads both.
 */
public record PerfScriptOutput(List<ScriptSample> samples, List<ScriptMmap> mmaps, boolean microseconds) {

    private static final Pattern HEAD = Pattern.compile(
            "^\\s*(.*?)\\s+(-?\\d+)/(-?\\d+)\\s+(?:\\[(-?\\d+)\\]\\s+)?(?:(\\d+)\\.(\\d{9}|\\d{6}):\\s+)?(.*)$");
    private static final Pattern PERIOD_EVENT = Pattern.compile("^(?:(\\d+) +)?(\\S.*?):(?: (.*))?$");
    private static final Pattern MMAP = Pattern.compile(
            "^PERF_RECORD_MMAP2? (-?\\d+)/(-?\\d+): \\[(0x[0-9a-f]+|0)\\((0x[0-9a-f]+|0)\\) @ (0x[0-9a-f]+|0)(?: [^\\]]*)?\\]: \\S+ (.*)$");
    private static final Pattern BRANCH = Pattern.compile(
            "0x([0-9a-f]+)/0x([0-9a-f]+)/([MP-])/([X-])/([A-])/(\\d+)/(\\S*)");
    private static final Pattern HEX = Pattern.compile("^[0-9a-f]+$");

    /**
     * One sample. Fields perf did not print are null. {@code callchain} holds the printed frames
     * (null when perf printed the ip inline); {@code brstack} is null without the brstack field.
     */
    public record ScriptSample(String comm, int pid, int tid, Integer cpu, Long time, Long period,
            String event, Long addr, Long ip, List<Long> callchain, List<ScriptBranch> brstack) {}

    /** A branch as {@code brstack} prints it: from/to/(M|P|-)/(X|-)/(A|-)/cycles/type. */
    public record ScriptBranch(long from, long to, String prediction, boolean inTx, boolean abort,
            int cycles, String type) {}

    /** An MMAP or MMAP2 event as {@code --show-mmap-events} prints it. */
    public record ScriptMmap(int pid, int tid, long start, long length, long pgoff, String filename) {
        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0
                    && Long.compareUnsigned(address - start, length) < 0;
        }
    }

    public static PerfScriptOutput parse(List<String> lines, Set<String> fields) {
        List<ScriptSample> samples = new ArrayList<>();
        List<ScriptMmap> mmaps = new ArrayList<>();
        boolean microseconds = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher h = HEAD.matcher(line);
            if (!h.matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + ": not a perf script sample: " + line);
            }
            String rest = h.group(7);
            microseconds |= h.group(6) != null && h.group(6).length() == 6;
            if (rest.startsWith("PERF_RECORD_MMAP")) {
                Matcher m = MMAP.matcher(rest);
                if (!m.matches()) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": unexpected mmap line: " + line);
                }
                mmaps.add(new ScriptMmap(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        hex(m.group(3)), hex(m.group(4)), hex(m.group(5)), m.group(6)));
                continue;
            }
            Long period = null;
            String event = null;
            if (fields.contains("event")) {
                Matcher pe = PERIOD_EVENT.matcher(rest);
                if (!pe.matches()) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": no event name: " + line);
                }
                period = pe.group(1) == null ? null : Long.parseUnsignedLong(pe.group(1));
                event = pe.group(2);
                rest = pe.group(3) == null ? "" : pe.group(3);
            }
            List<Long> hex = new ArrayList<>();
            List<ScriptBranch> brstack = fields.contains("brstack") ? new ArrayList<>() : null;
            tokens(rest, hex, brstack);
            // A call chain follows on lines starting with a tab, then maybe the branch stack.
            List<Long> chain = null;
            if (i + 1 < lines.size() && lines.get(i + 1).startsWith("\t")) {
                chain = new ArrayList<>();
                while (i + 1 < lines.size() && lines.get(i + 1).startsWith("\t")) {
                    String frame = lines.get(++i).trim();
                    int space = frame.indexOf(' ');
                    chain.add(Long.parseUnsignedLong(space < 0 ? frame : frame.substring(0, space), 16));
                }
                if (i + 1 < lines.size() && lines.get(i + 1).startsWith(" 0x")) {
                    tokens(lines.get(++i), new ArrayList<>(), brstack);
                }
            }
            Long addr = fields.contains("addr") && !hex.isEmpty() ? hex.remove(0) : null;
            Long ip = fields.contains("ip") && chain == null && !hex.isEmpty() ? hex.remove(0) : null;
            if (!hex.isEmpty()) {
                throw new IllegalArgumentException("line " + (i + 1) + ": unexpected values " + hex + ": " + line);
            }
            samples.add(new ScriptSample(h.group(1), Integer.parseInt(h.group(2)), Integer.parseInt(h.group(3)),
                    h.group(4) == null ? null : Integer.valueOf(h.group(4)),
                    h.group(5) == null ? null : nanoseconds(h.group(5), h.group(6)),
                    period, event, addr, ip, chain, brstack));
        }
        return new PerfScriptOutput(Collections.unmodifiableList(samples), Collections.unmodifiableList(mmaps), microseconds);
    }

    /** perf's {@code %#x}: "0" or "0x..." . */
    private static long hex(String s) {
        return s.equals("0") ? 0 : Long.parseUnsignedLong(s.substring(2), 16);
    }

    /** sec.nsec (--ns) or sec.usec (perf's default; then the last three digits are unknown: 0). */
    private static long nanoseconds(String seconds, String fraction) {
        long f = Long.parseLong(fraction);
        return Long.parseLong(seconds) * 1_000_000_000L + (fraction.length() == 6 ? f * 1000 : f);
    }

    private static void tokens(String text, List<Long> hex, List<ScriptBranch> brstack) {
        for (String token : text.trim().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            Matcher b = BRANCH.matcher(token);
            if (b.matches() && brstack != null) {
                brstack.add(new ScriptBranch(Long.parseUnsignedLong(b.group(1), 16),
                        Long.parseUnsignedLong(b.group(2), 16), b.group(3), b.group(4).equals("X"),
                        b.group(5).equals("A"), Integer.parseInt(b.group(6)), b.group(7)));
            } else if (HEX.matcher(token).matches()) {
                hex.add(Long.parseUnsignedLong(token, 16));
            } else {
                throw new IllegalArgumentException("unexpected token '" + token + "' in: " + text);
            }
        }
    }
}
