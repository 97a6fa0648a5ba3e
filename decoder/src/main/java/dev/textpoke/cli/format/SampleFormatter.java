package dev.textpoke.cli.format;

import dev.textpoke.perf.record.BranchEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample as {@code perf script -F} prints it (tools/perf/builtin-script.c, perf 6.1:
 * {@code perf_sample__fprintf_start}, {@code process_event}, {@code print_sample_brstack}), or as a
 * JSON object. Differences from perf: the time always has nanoseconds (perf needs {@code --ns}),
 * and call chain frames are addresses, never offsets into the mapped file (perf prints those for
 * user-space frames in a known map).
 */
public final class SampleFormatter {
    /** {@code PERF_CONTEXT_MAX}: call chain entries from here up are context markers, not addresses. */
    private static final long CONTEXT_MAX = -4095L;
    /** perf's {@code branch_type_name} (util/branch.c), indexed by PERF_BR_*. */
    private static final String[] BRANCH_TYPES = {"N/A", "COND", "UNCOND", "IND", "CALL", "IND_CALL", "RET",
        "SYSCALL", "SYSRET", "COND_CALL", "COND_RET", "ERET", "IRQ", "SERROR", "NO_TX", "EXTEND_ABI"};
    /** perf's {@code branch_new_type_name}, for PERF_BR_EXTEND_ABI. */
    private static final String[] BRANCH_NEW_TYPES = {"FAULT_ALGN", "FAULT_DATA", "FAULT_INST", "ARCH_1",
        "ARCH_2", "ARCH_3", "ARCH_4", "ARCH_5"};
    private static final int BR_EXTEND_ABI = 15;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final EnumSet<SampleField> fields;
    private final StringBuilder sb = new StringBuilder(256);
    private char[] chars = new char[256];
    private int eventWidth;
    private final boolean hideCallGraph;
    private boolean printMissing;

    public SampleFormatter(EnumSet<SampleField> fields, boolean hideCallGraph) {
        this.fields = fields;
        this.hideCallGraph = hideCallGraph;
    }

    /** perf right-aligns event names to the longest one's width. */
    public void eventWidth(int width) {
        eventWidth = Math.max(eventWidth, width);
    }

    /**
     * Print the fields asked for even where the samples lack them, with the values a sample has
     * then (cpu -1, addr 0), as perf script does for the events it does not check.
     */
    public void printMissing() {
        printMissing = true;
    }

    /** Whether field {@code f} is printed for a sample of this sample_type. */
    private boolean shows(SampleField f, long sampleType) {
        return fields.contains(f) && (printMissing || f.needs() == 0 || (sampleType & f.needs()) != 0);
    }

    /** Writes the perf-script-like text of one delivered sample, with its line end(s). */
    public void text(Writer out, SampleFields s, String comm, String event, long period) {
        build(s, comm, event, period);
        int n = sb.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, chars.length * 2)];
        }
        sb.getChars(0, n, chars, 0);
        try {
            out.write(chars, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void build(SampleFields s, String comm, String event, long period) {
        sb.setLength(0);
        long t = s.sampleType;
        boolean chain = !hideCallGraph && shows(SampleField.IP, t) && s.hasChain;
        if (fields.contains(SampleField.COMM)) {
            if (chain) {
                sb.append(comm);
            } else {
                pad(comm, 16);
            }
            sb.append(' ');
        }
        boolean pid = shows(SampleField.PID, t);
        boolean tid = shows(SampleField.TID, t);
        if (pid && tid) {
            decimal(s.pid, 7);
            sb.append('/');
            int at = sb.length();
            sb.append(s.tid);
            for (int i = sb.length() - at; i < 7; i++) {
                sb.append(' ');
            }
            sb.append(' ');
        } else if (pid || tid) {
            decimal(pid ? s.pid : s.tid, 7);
            sb.append(' ');
        }
        if (shows(SampleField.CPU, t)) {
            // C's %03d: "[003]", "[-01]" for the -1 of samples without a CPU.
            int cpu = s.cpu;
            sb.append('[');
            if (cpu < 0) {
                sb.append('-');
            }
            int abs = Math.abs(cpu);
            for (int p = cpu < 0 ? 10 : 100; p > 1 && abs < p; p /= 10) {
                sb.append('0');
            }
            sb.append(abs).append("] ");
        }
        if (shows(SampleField.TIME, t)) {
            long time = s.time;
            decimal(Long.divideUnsigned(time, 1_000_000_000L), 5);
            sb.append('.');
            long ns = Long.remainderUnsigned(time, 1_000_000_000L);
            for (long p = 100_000_000L; p > 1 && ns < p; p /= 10) {
                sb.append('0');
            }
            sb.append(ns).append(": ");
        }
        if (fields.contains(SampleField.PERIOD)) {
            if (period < 0) {
                pad(Long.toUnsignedString(period), 10);
            } else {
                decimal(period, 10);
            }
            sb.append(' ');
        }
        if (fields.contains(SampleField.EVENT)) {
            pad(event, eventWidth);
            sb.append(": ");
        }
        if (shows(SampleField.ADDR, t)) {
            hex(s.addr, 16);
        }
        if (shows(SampleField.IP, t)) {
            if (chain) {
                sb.append('\n');
                for (int i = 0; i < s.chainLength; i++) {
                    long ip = s.chain[i];
                    if (Long.compareUnsigned(ip, CONTEXT_MAX) < 0) {
                        sb.append('\t');
                        hex(ip, 16);
                        sb.append('\n');
                    }
                }
            } else {
                sb.append(' ');
                hex(s.ip, 16);
            }
        }
        if (fields.contains(SampleField.BRSTACK) && s.branches != null) {
            for (BranchEntry b : s.branches.entries()) {
                sb.append(" 0x").append(Long.toHexString(b.from())).append("/0x").append(Long.toHexString(b.to()))
                        .append('/').append(prediction(b)).append('/').append(b.inTransaction() ? 'X' : '-')
                        .append('/').append(b.abort() ? 'A' : '-').append('/').append(b.cycles())
                        .append('/').append(branchType(b)).append(' ');
            }
        }
        sb.append('\n');
    }

    /** The same sample as one JSON object; the call chain is the raw one, context markers included. */
    public String json(SampleFields s, long offset, String comm, String event, long period) {
        long t = s.sampleType;
        JsonLine j = new JsonLine().put("offset", offset);
        if (fields.contains(SampleField.EVENT)) {
            j.put("event", event);
        }
        if (fields.contains(SampleField.COMM)) {
            j.put("comm", comm);
        }
        if (shows(SampleField.PID, t)) {
            j.put("pid", s.pid);
        }
        if (shows(SampleField.TID, t)) {
            j.put("tid", s.tid);
        }
        if (shows(SampleField.CPU, t)) {
            j.put("cpu", s.cpu);
        }
        if (shows(SampleField.TIME, t)) {
            j.putUnsigned("time", s.time);
        }
        if (fields.contains(SampleField.PERIOD)) {
            j.putUnsigned("period", period);
        }
        if (shows(SampleField.ADDR, t)) {
            j.putHex("addr", s.addr);
        }
        if (shows(SampleField.IP, t)) {
            j.putHex("ip", s.ip);
            if (s.hasChain) {
                List<String> chain = new ArrayList<>(s.chainLength);
                for (int i = 0; i < s.chainLength; i++) {
                    chain.add("0x" + Long.toHexString(s.chain[i]));
                }
                j.put("callchain", chain);
            }
        }
        if (fields.contains(SampleField.BRSTACK) && s.branches != null) {
            List<Map<String, Object>> branches = new ArrayList<>();
            for (BranchEntry b : s.branches.entries()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("from", "0x" + Long.toHexString(b.from()));
                m.put("to", "0x" + Long.toHexString(b.to()));
                m.put("mispred", b.mispredicted());
                m.put("predicted", b.predicted());
                m.put("in_tx", b.inTransaction());
                m.put("abort", b.abort());
                m.put("cycles", b.cycles());
                m.put("type", branchType(b));
                branches.add(m);
            }
            j.put("brstack", branches);
        }
        return j.toString();
    }

    /** perf's {@code mispred_str}: P predicted, M mispredicted, - neither said. */
    private static char prediction(BranchEntry b) {
        if (!b.mispredicted() && !b.predicted()) {
            return '-';
        }
        return b.predicted() ? 'P' : 'M';
    }

    /** perf's {@code get_branch_type}: empty for PERF_BR_UNKNOWN. */
    private static String branchType(BranchEntry b) {
        int type = b.branchType();
        if (type == 0) {
            return "";
        }
        if (type == BR_EXTEND_ABI) {
            int n = b.newType();
            return n < BRANCH_NEW_TYPES.length ? BRANCH_NEW_TYPES[n] : "";
        }
        return type < BRANCH_TYPES.length ? BRANCH_TYPES[type] : "";
    }

    /** A number right-aligned in {@code width} (C's {@code %7d}), without an intermediate String. */
    private void decimal(long v, int width) {
        int digits = 1;
        for (long x = v; x >= 10 || x <= -10; x /= 10) {
            digits++;
        }
        for (int i = digits + (v < 0 ? 1 : 0); i < width; i++) {
            sb.append(' ');
        }
        sb.append(v);
    }

    /** A u64 in lower-case hex right-aligned in {@code width} (C's {@code %16lx}). */
    private void hex(long v, int width) {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        for (int i = digits; i < width; i++) {
            sb.append(' ');
        }
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (v >>> shift) & 0xf]);
        }
    }

    private void pad(String s, int width) {
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        sb.append(s);
    }
}
