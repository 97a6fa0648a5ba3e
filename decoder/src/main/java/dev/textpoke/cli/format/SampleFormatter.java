package dev.textpoke.cli.format;

import dev.textpoke.code.space.Location;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.perf.tracing.TraceText;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample as {@code perf script -F} prints it (tools/perf/builtin-script.c, perf 6.1:
 * {@code perf_sample__fprintf_start}, {@code process_event}, {@code print_sample_brstack};
 * util/evsel_fprintf.c {@code sample__fprintf_sym}, {@code sample__fprintf_callchain}), or as a
 * JSON object. Differences from perf: the time always has nanoseconds (perf needs {@code --ns});
 * a user stack sampled for {@code --call-graph dwarf} is unwound with the mapped files' call frame
 * information ({@link Namer#userFrames}) but no inlined frames are added (as perf script
 * {@code --no-inline}).
 */
public final class SampleFormatter {
    /** {@code PERF_CONTEXT_MAX}: call chain entries from here up are context markers, not addresses. */
    private static final long CONTEXT_MAX = -4095L;
    /** {@code PERF_CONTEXT_KERNEL}, {@code PERF_CONTEXT_USER}, {@code PERF_CONTEXT_HV}. */
    private static final long CONTEXT_KERNEL = -128L;
    private static final long CONTEXT_USER = -512L;
    private static final long CONTEXT_HV = -32L;
    /** {@code PERF_RECORD_MISC_CPUMODE_MASK}, {@code PERF_RECORD_MISC_KERNEL}, {@code _HYPERVISOR}. */
    private static final int CPUMODE_MASK = 7;
    private static final int MISC_KERNEL = 1;
    private static final int MISC_HYPERVISOR = 3;
    /** perf's {@code branch_type_name} (util/branch.c), indexed by PERF_BR_*. */
    private static final String[] BRANCH_TYPES = {"N/A", "COND", "UNCOND", "IND", "CALL", "IND_CALL", "RET",
        "SYSCALL", "SYSRET", "COND_CALL", "COND_RET", "ERET", "IRQ", "SERROR", "NO_TX", "EXTEND_ABI"};
    /** perf's {@code branch_new_type_name}, for PERF_BR_EXTEND_ABI. */
    private static final String[] BRANCH_NEW_TYPES = {"FAULT_ALGN", "FAULT_DATA", "FAULT_INST", "ARCH_1",
        "ARCH_2", "ARCH_3", "ARCH_4", "ARCH_5"};
    private static final int BR_EXTEND_ABI = 15;

    /** Names the addresses of a sample's process at its time. */
    public interface Namer {
        /** @param kernel whether the address is a kernel-mode one (cpumode) */
        Location locate(int pid, long addr, long time, boolean kernel);

        /** The address as the mapped object sees it (a file offset in user space): what a frame prints. */
        long objectAddress(int pid, long addr, long time, boolean kernel);

        /** The address as perf's brstackoff prints it ({@code Locator#dsoAddress}). */
        default long dsoAddress(int pid, long addr, long time, boolean kernel) {
            return addr;
        }

        /**
         * The user frames unwound from the sample's user stack, innermost first, into {@code out},
         * and their {@link #objectAddress}es into {@code objects}; returns how many (0: not
         * unwound, the sampled user IP is then the one frame, as perf prints it when it cannot find
         * the sampled file).
         */
        default int userFrames(SampleFields s, long[] out, long[] objects) {
            return 0;
        }
    }

    /**
     * perf script's default frame limit ({@code PERF_MAX_STACK_DEPTH}, sysctl
     * kernel.perf_event_max_stack's default; its {@code --max-stack}).
     */
    public static final int MAX_USER_FRAMES = 127;
    /** The frames of a chain printed at most, and of a user stack unwound ({@link #maxStack(int)}). */
    private int maxStack = MAX_USER_FRAMES;
    private long[] userFrames = new long[MAX_USER_FRAMES];
    private long[] userObjects = new long[MAX_USER_FRAMES];

    private final TextBytes sb = new TextBytes();
    private int eventWidth;
    private final boolean hideCallGraph;
    private final Namer namer;
    /** The longest data_src text printed so far (perf's {@code maxlen}), and the last one made. */
    private int dataSrcWidth;
    private long lastDataSrc;
    private String lastDataSrcText;
    /** Whether any event has call chains: perf then prints comm unpadded before a chain. */
    private boolean useCallchain;

    public SampleFormatter(boolean hideCallGraph, Namer namer) {
        this.hideCallGraph = hideCallGraph;
        this.namer = namer;
    }

    /**
     * At most {@code frames} frames of a recorded chain (context markers aside) and of an unwound
     * user stack, as perf script's {@code --max-stack} (thread__resolve_callchain_sample stops there).
     */
    public void maxStack(int frames) {
        maxStack = frames;
        userFrames = new long[frames];
        userObjects = new long[frames];
    }

    /** perf right-aligns event names to the longest one's width. */
    public void eventWidth(int width) {
        eventWidth = Math.max(eventWidth, width);
    }

    /** Whether some event samples call chains (perf's {@code symbol_conf.use_callchain}). */
    public void useCallchain(boolean use) {
        useCallchain = use;
    }

    /** Where the bytes of the text go. */
    public interface Sink {
        void write(byte[] b, int off, int len);
    }

    /** Writes the perf-script-like text of one delivered sample, with its line end(s), as UTF-8. */
    public void text(Sink out, SampleFields s, EnumSet<SampleField> fields, String comm, String event,
            long period, TraceText trace, boolean pageFault) {
        build(s, fields, comm, event, period, trace, pageFault);
        out.write(sb.array(), 0, sb.length());
    }

    /** Whether the ip field prints the call chain (frames on their own lines) rather than the ip. */
    private boolean chainShown(SampleFields s, EnumSet<SampleField> fields) {
        return !hideCallGraph && useCallchain && fields.contains(SampleField.IP) && (s.hasChain || s.userRegsIp != -1);
    }

    private void build(SampleFields s, EnumSet<SampleField> fields, String comm, String event, long period,
            TraceText trace, boolean pageFault) {
        sb.reset();
        boolean chain = chainShown(s, fields);
        if (fields.contains(SampleField.COMM)) {
            if (chain) {
                sb.text(comm);
            } else {
                sb.right(comm, 16);
            }
            sb.ascii(' ');
        }
        boolean pid = fields.contains(SampleField.PID);
        boolean tid = fields.contains(SampleField.TID);
        if (pid && tid) {
            sb.decimal(s.pid, 5).ascii('/');
            int at = sb.length();
            sb.decimal(s.tid, 0);
            sb.spaces(5 - (sb.length() - at)).ascii(' ');
        } else if (pid || tid) {
            sb.decimal(pid ? s.pid : s.tid, 5).ascii(' ');
        }
        if (fields.contains(SampleField.CPU)) {
            // C's %03d: "[003]", "[-01]" for the -1 of samples without a CPU.
            int cpu = s.cpu;
            sb.ascii('[');
            if (cpu < 0) {
                sb.ascii('-').zeroPadded(-(long) cpu, 2);
            } else {
                sb.zeroPadded(cpu, 3);
            }
            sb.ascii(']').ascii(' ');
        }
        if (fields.contains(SampleField.TIME)) {
            long time = s.time;
            sb.unsigned(Long.divideUnsigned(time, 1_000_000_000L), 5).ascii('.');
            sb.zeroPadded(Long.remainderUnsigned(time, 1_000_000_000L), 9).ascii(':').ascii(' ');
        }
        if (fields.contains(SampleField.PERIOD)) {
            sb.unsigned(period, 10).ascii(' ');
        }
        if (fields.contains(SampleField.EVENT)) {
            sb.right(event, eventWidth).ascii(':').ascii(' ');
        }
        if (fields.contains(SampleField.TRACE) && trace != null) {
            sb.bytes(trace.array(), 0, trace.length());
        }
        boolean sym = fields.contains(SampleField.SYM);
        boolean symoff = sym && fields.contains(SampleField.SYMOFF);
        boolean dso = fields.contains(SampleField.DSO);
        if (fields.contains(SampleField.ADDR)) {
            sb.hex(s.addr, 16);
            if (pageFault && (sym || dso)) {
                // perf_sample__fprintf_addr: a page fault's address is named too.
                Location l = namer.locate(s.pid, s.addr, s.time, kernelMode(s.misc));
                name(l, sym, symoff, dso);
            }
        }
        if (fields.contains(SampleField.DATA_SRC)) {
            dataSrc(s.dataSrc);
        }
        if (fields.contains(SampleField.WEIGHT)) {
            sb.unsigned(s.weight, 16);
        }
        if (fields.contains(SampleField.INS_LAT)) {
            sb.unsigned(s.insLat, 16);
        }
        if (fields.contains(SampleField.IP)) {
            if (chain) {
                sb.ascii('\n');
                frames(s, sym, symoff, dso);
            } else {
                sb.ascii(' ');
                sb.hex(s.ip, 16);
                if (sym || dso) {
                    name(namer.locate(s.pid, s.ip, s.time, kernelMode(s.misc)), sym, symoff, dso);
                }
            }
        }
        if (fields.contains(SampleField.BRSTACK) && s.branches != null) {
            for (BranchEntry b : s.branches.entries()) {
                sb.text(" 0x").hex(b.from(), 0);
                branchObject(s, b.from(), dso);
                sb.text("/0x").hex(b.to(), 0);
                branchObject(s, b.to(), dso);
                branchFlags(b);
            }
        } else if (fields.contains(SampleField.BRSTACKSYM) && s.branches != null) {
            // perf_sample__fprintf_brstacksym: no space before the first entry
            for (BranchEntry b : s.branches.entries()) {
                branchEnd(s, b.from(), dso);
                sb.ascii('/');
                branchEnd(s, b.to(), dso);
                branchFlags(b);
            }
        } else if (fields.contains(SampleField.BRSTACKOFF) && s.branches != null) {
            for (BranchEntry b : s.branches.entries()) {
                sb.text(" 0x").hex(namer.dsoAddress(s.pid, b.from(), s.time, b.from() < 0), 0);
                branchObject(s, b.from(), dso);
                sb.text("/0x").hex(namer.dsoAddress(s.pid, b.to(), s.time, b.to() < 0), 0);
                branchObject(s, b.to(), dso);
                branchFlags(b);
            }
        }
        // after the frames of a call chain, on a line of their own, as perf prints them
        if (fields.contains(SampleField.PHYS_ADDR)) {
            sb.hex(s.physAddr, 16);
        }
        if (fields.contains(SampleField.DATA_PAGE_SIZE)) {
            sb.ascii(' ').text(DataSrcText.pageSize(s.dataPageSize));
        }
        if (fields.contains(SampleField.CODE_PAGE_SIZE)) {
            sb.ascii(' ').text(DataSrcText.pageSize(s.codePageSize));
        }
        sb.ascii('\n');
    }

    /**
     * perf's {@code data_src__fprintf}: the hex and the decoded text, cut where perf's buffer ends,
     * then padded to the longest printed so far in the run (so the columns after it move right
     * only when a longer text has come).
     */
    private void dataSrc(long dataSrc) {
        if (dataSrc != lastDataSrc || lastDataSrcText == null) {
            String text = String.format("%16x %s", dataSrc, DataSrcText.decode(dataSrc));
            lastDataSrcText = text.length() > DataSrcText.PERF_LINE_LIMIT
                    ? text.substring(0, DataSrcText.PERF_LINE_LIMIT) : text;
            lastDataSrc = dataSrc;
        }
        sb.text(lastDataSrcText);
        dataSrcWidth = Math.max(dataSrcWidth, lastDataSrcText.length());
        sb.spaces(dataSrcWidth - lastDataSrcText.length());
    }

    /** An entry's flags as perf's {@code print_bstack_flags} prints them, and the space after. */
    private void branchFlags(BranchEntry b) {
        sb.ascii('/').ascii(prediction(b)).ascii('/').ascii(b.inTransaction() ? 'X' : '-')
                .ascii('/').ascii(b.abort() ? 'A' : '-').ascii('/').decimal(b.cycles(), 0)
                .ascii('/').text(branchType(b)).ascii(' ');
    }

    /**
     * A branch's source or target as brstacksym names it: {@code sym+0xoff} or {@code [unknown]}
     * (perf's {@code symbol__fprintf_symname_offs}), then {@code (dso)} with the dso field. perf
     * looks it up in the sample's mode first, then in the others ({@code thread__find_symbol_fb}):
     * an address is the kernel's or user space's by its half of the address space.
     */
    private void branchEnd(SampleFields s, long addr, boolean dso) {
        Location l = namer.locate(s.pid, addr, s.time, addr < 0);
        sb.text(symbolOffset(l));
        if (dso) {
            sb.ascii('(').text(l.dso()).ascii(')');
        }
    }

    /** With the dso field, {@code (dso)} after a brstack address, as perf prints it. */
    private void branchObject(SampleFields s, long addr, boolean dso) {
        if (dso) {
            sb.ascii('(').text(namer.locate(s.pid, addr, s.time, addr < 0).dso()).ascii(')');
        }
    }

    /** {@code sym+0xoff}, the offset always, or {@code [unknown]}. */
    private static String symbolOffset(Location l) {
        return l.symbol() == null ? Location.UNKNOWN : l.symbol().name() + "+0x" + Long.toHexString(l.symbolOffset());
    }

    private static boolean kernelMode(int misc) {
        int mode = misc & CPUMODE_MASK;
        return mode == MISC_KERNEL || mode == MISC_HYPERVISOR;
    }

    /**
     * Where the chain's user part starts when perf takes it from an LBR call stack instead ({@code
     * --call-graph lbr}; machine.c, {@code resolve_lbr_callchain_sample}): the index of the chain's
     * PERF_CONTEXT_USER marker, or -1 when the chain is printed as recorded (no call stack, or no
     * user part). The user frames are then the newest entry's target and every entry's source.
     */
    private int lbrUserStart(SampleFields s) {
        if (!s.lbrCallStack || s.branches == null) {
            return -1;
        }
        for (int i = 0; i < Math.min(s.chainLength, maxStack); i++) {
            if (s.chain[i] == CONTEXT_USER) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The user frames of an LBR call stack, innermost first: the newest entry's target (the
     * function the sample is in), then each entry's source (the calls). An empty stack gives none;
     * perf 6.1 reads an entry past it then.
     */
    private int lbrFrames(SampleFields s, long[] out) {
        List<BranchEntry> e = s.branches.entries();
        if (e.isEmpty()) {
            return 0;
        }
        int n = 0;
        out[n++] = e.get(0).to();
        for (int i = 0; i < e.size() && n < out.length; i++) {
            out[n++] = e.get(i).from();
        }
        return n;
    }

    /** The frames of the call chain, one per line, as sample__fprintf_callchain prints them. */
    private void frames(SampleFields s, boolean sym, boolean symoff, boolean dso) {
        boolean kernel = false; // perf starts a chain in user mode until a context marker says otherwise
        boolean any = sym || dso;
        // with an LBR call stack, the chain as recorded up to its user part, then the call stack
        int lbr = lbrUserStart(s);
        for (int i = 0, printed = 0; i < (lbr >= 0 ? lbr : s.chainLength) && printed < maxStack; i++) {
            long ip = s.chain[i];
            if (Long.compareUnsigned(ip, CONTEXT_MAX) >= 0) {
                kernel = ip == CONTEXT_KERNEL || ip == CONTEXT_HV || (kernel && ip != CONTEXT_USER);
                continue;
            }
            frame(s, ip, kernel, any, sym, symoff, dso);
            printed++;
        }
        if (lbr >= 0) {
            int n = lbrFrames(s, userFrames);
            for (int i = 0; i < n; i++) {
                frame(s, userFrames[i], false, any, sym, symoff, dso);
            }
            return;
        }
        if (s.userRegsIp != -1) {
            int n = namer.userFrames(s, userFrames, userObjects);
            if (n == 0) {
                frame(s, s.userRegsIp, false, any, sym, symoff, dso);
            }
            for (int i = 0; i < n; i++) {
                if (any) {
                    frame(s, userFrames[i], false, true, sym, symoff, dso);
                } else {
                    frameAddress(userObjects[i]); // the mapping was found while unwinding
                }
            }
        }
    }

    private void frame(SampleFields s, long ip, boolean kernel, boolean any, boolean sym, boolean symoff,
            boolean dso) {
        // User-space frames print the address as the mapped file sees it (perf's map__map_ip).
        if (!any) {
            frameAddress(namer.objectAddress(s.pid, ip, s.time, kernel));
            return;
        }
        sb.ascii('\t');
        Location l = namer.locate(s.pid, ip, s.time, kernel);
        sb.hex(l.mapping() != null ? l.objectAddress() : ip, 16);
        int how = (sym ? 1 : 0) | (symoff ? 2 : 0) | (dso ? 4 : 0);
        int slot = System.identityHashCode(l) & (NAMED - 1);
        if (namedAt[slot] == l && namedHow[slot] == how) {
            sb.bytes(namedText[slot], 0, namedText[slot].length);
        } else {
            int from = sb.length();
            name(l, sym, symoff, dso);
            namedText[slot] = java.util.Arrays.copyOfRange(sb.array(), from, sb.length());
            namedAt[slot] = l;
            namedHow[slot] = how;
        }
        sb.ascii('\n');
    }

    /**
     * What {@link #name} wrote for the last locations named, by location (direct-mapped): a namer
     * that hands out the same location for a frame it has located before saves the writing.
     */
    private static final int NAMED = 4096;
    private final Location[] namedAt = new Location[NAMED];
    private final byte[][] namedText = new byte[NAMED][];
    private final int[] namedHow = new int[NAMED];

    /** A frame line without names: its address as the mapped object sees it. */
    private void frameAddress(long objectAddress) {
        sb.ascii('\t').hex(objectAddress, 16).ascii('\n');
    }

    /** " sym+0xoff (dso)" as __symbol__fprintf_symname_offs and map__fprintf_dsoname print them. */
    private void name(Location l, boolean sym, boolean symoff, boolean dso) {
        if (sym) {
            sb.ascii(' ');
            if (l.symbol() != null) {
                sb.text(l.symbol().name());
                if (symoff) {
                    sb.text("+0x").hex(l.symbolOffset(), 0);
                }
            } else {
                sb.text(Location.UNKNOWN);
            }
        }
        if (dso) {
            sb.ascii(' ').ascii('(').text(l.dso()).ascii(')');
        }
    }

    /** The same sample as one JSON object (schema in docs/json.md, "samples"). */
    public String json(SampleFields s, EnumSet<SampleField> fields, long offset, String comm, String event,
            long period, String trace) {
        JsonLine j = new JsonLine().put("offset", offset);
        if (fields.contains(SampleField.EVENT)) {
            j.put("event", event);
        }
        if (fields.contains(SampleField.COMM)) {
            j.put("comm", comm);
        }
        if (fields.contains(SampleField.PID)) {
            j.put("pid", s.pid);
        }
        if (fields.contains(SampleField.TID)) {
            j.put("tid", s.tid);
        }
        if (fields.contains(SampleField.CPU)) {
            j.put("cpu", s.cpu);
        }
        if (fields.contains(SampleField.TIME)) {
            j.putUnsigned("time", s.time);
        }
        if (fields.contains(SampleField.PERIOD)) {
            j.putUnsigned("period", period);
        }
        if (fields.contains(SampleField.TRACE) && trace != null) {
            j.put("trace", trace);
        }
        if (fields.contains(SampleField.ADDR)) {
            j.putHex("addr", s.addr);
        }
        if (fields.contains(SampleField.DATA_SRC)) {
            j.putHex("data_src", s.dataSrc);
            j.put("data_src_text", DataSrcText.decode(s.dataSrc));
        }
        if (fields.contains(SampleField.WEIGHT)) {
            j.putUnsigned("weight", s.weight);
        }
        if (fields.contains(SampleField.INS_LAT)) {
            j.put("ins_lat", s.insLat);
        }
        if (fields.contains(SampleField.PHYS_ADDR)) {
            j.putHex("phys_addr", s.physAddr);
        }
        if (fields.contains(SampleField.DATA_PAGE_SIZE)) {
            j.putUnsigned("data_page_size", s.dataPageSize);
        }
        if (fields.contains(SampleField.CODE_PAGE_SIZE)) {
            j.putUnsigned("code_page_size", s.codePageSize);
        }
        boolean sym = fields.contains(SampleField.SYM);
        boolean symoff = sym && fields.contains(SampleField.SYMOFF);
        boolean dso = fields.contains(SampleField.DSO);
        if (fields.contains(SampleField.IP)) {
            j.putHex("ip", s.ip);
            if (sym || dso) {
                Location l = namer.locate(s.pid, s.ip, s.time, kernelMode(s.misc));
                jsonName(j, l, sym, symoff, dso);
            }
            if (s.hasChain) {
                // As recorded, context markers included; "frames" are the frames the text prints.
                List<String> raw = new ArrayList<>(s.chainLength);
                for (int i = 0; i < s.chainLength; i++) {
                    raw.add("0x" + Long.toHexString(s.chain[i]));
                }
                j.put("callchain", raw);
            }
            if (s.hasChain || s.userRegsIp != -1) {
                j.put("frames", jsonFrames(s, sym, symoff, dso));
            }
        }
        boolean named = fields.contains(SampleField.BRSTACKSYM);
        boolean offsets = fields.contains(SampleField.BRSTACKOFF);
        if ((fields.contains(SampleField.BRSTACK) || named || offsets) && s.branches != null) {
            List<Map<String, Object>> branches = new ArrayList<>();
            for (BranchEntry b : s.branches.entries()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("from", "0x" + Long.toHexString(b.from()));
                m.put("to", "0x" + Long.toHexString(b.to()));
                if (named) {
                    m.put("from_sym", symbolOffset(namer.locate(s.pid, b.from(), s.time, b.from() < 0)));
                    m.put("to_sym", symbolOffset(namer.locate(s.pid, b.to(), s.time, b.to() < 0)));
                }
                if (offsets) {
                    m.put("from_off", "0x" + Long.toHexString(namer.dsoAddress(s.pid, b.from(), s.time, b.from() < 0)));
                    m.put("to_off", "0x" + Long.toHexString(namer.dsoAddress(s.pid, b.to(), s.time, b.to() < 0)));
                }
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

    private List<JsonLine> jsonFrames(SampleFields s, boolean sym, boolean symoff, boolean dso) {
        List<JsonLine> out = new ArrayList<>(s.chainLength + 1);
        boolean kernel = false;
        int lbr = lbrUserStart(s);
        for (int i = 0, added = 0; i < (lbr >= 0 ? lbr : s.chainLength) && added < maxStack; i++) {
            long ip = s.chain[i];
            if (Long.compareUnsigned(ip, CONTEXT_MAX) >= 0) {
                kernel = ip == CONTEXT_KERNEL || ip == CONTEXT_HV || (kernel && ip != CONTEXT_USER);
                continue;
            }
            out.add(jsonFrame(s, ip, kernel, sym, symoff, dso));
            added++;
        }
        if (lbr >= 0) {
            int n = lbrFrames(s, userFrames);
            for (int i = 0; i < n; i++) {
                out.add(jsonFrame(s, userFrames[i], false, sym, symoff, dso));
            }
            return out;
        }
        if (s.userRegsIp != -1) {
            int n = namer.userFrames(s, userFrames, userObjects);
            if (n == 0) {
                out.add(jsonFrame(s, s.userRegsIp, false, sym, symoff, dso));
            }
            for (int i = 0; i < n; i++) {
                out.add(jsonFrame(s, userFrames[i], false, sym, symoff, dso));
            }
        }
        return out;
    }

    private JsonLine jsonFrame(SampleFields s, long ip, boolean kernel, boolean sym, boolean symoff, boolean dso) {
        JsonLine f = new JsonLine().putHex("ip", ip);
        if (sym || dso) {
            jsonName(f, namer.locate(s.pid, ip, s.time, kernel), sym, symoff, dso);
        }
        return f;
    }

    private static void jsonName(JsonLine j, Location l, boolean sym, boolean symoff, boolean dso) {
        if (sym) {
            j.put("sym", l.symbol() == null ? null : l.symbol().name());
            if (symoff) {
                if (l.symbol() == null) {
                    j.putNull("symoff");
                } else {
                    j.put("symoff", l.symbolOffset());
                }
            }
        }
        if (dso) {
            j.put("dso", l.dso());
        }
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

}
