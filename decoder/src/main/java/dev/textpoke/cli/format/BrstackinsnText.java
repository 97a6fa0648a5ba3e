package dev.textpoke.cli.format;

import dev.textpoke.branches.Branch;
import dev.textpoke.branches.BranchSample;
import dev.textpoke.branches.RangeKind;
import dev.textpoke.branches.Walk;
import dev.textpoke.branches.WalkStatus;
import dev.textpoke.branches.WalkedRange;
import dev.textpoke.branches.WalkedStack;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.Undecodable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * A walked stack as {@code perf script -F brstackinsn} prints it (perf 6.1, {@code
 * tools/perf/builtin-script.c}: {@code perf_sample__fprintf_brstackinsn}, {@code ip__fprintf_jump},
 * {@code ip__fprintf_sym}; instruction bytes as x86's {@code dump_insn} prints them), but with each
 * range's instructions as they were when the range ran rather than at the sample's time. Where
 * the code did not change within a stack the text is perf's, byte for byte.
 *
 * <p>Not reproduced: perf joins a range that crosses from kernel to user addresses with the next
 * one (a ring-filtered stack); past a misaligned range's end perf goes on printing up to 15 bytes
 * further; for a final block that ends before it starts perf scans 128 bytes for a branch. Those
 * print the range as unwalkable here. Not thread-safe.
 */
public final class BrstackinsnText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final WalkSymbols symbols;
    private final InstructionCache cache;
    private final CodeTimeline timeline;
    private final byte[] one = new byte[16];

    /** @param cache decodes the sample's ip when its final block cannot be walked (perf prints it alone) */
    public BrstackinsnText(CodeTimeline timeline, InstructionCache cache) {
        this.timeline = timeline;
        this.symbols = new WalkSymbols(timeline);
        this.cache = cache;
    }

    /** Appends the text of one sample (nothing for a stack without entries or ranges). */
    public void append(StringBuilder sb, WalkedStack w) {
        BranchSample s = w.sample();
        if (s.size() == 0) {
            return;
        }
        sb.append('\n');
        State st = new State();
        List<Branch> b = s.branches();
        for (WalkedRange r : w.ranges()) {
            Walk walk = r.result().walk();
            WalkStatus status = r.result().status();
            WalkSymbols.Sym[] syms = symbols.of(walk);
            switch (r.kind()) {
                case OLDEST_BRANCH -> {
                    if (walk.size() > 0) {
                        sym(sb, st, syms[0], walk.start());
                        jump(sb, st, walk, 0, b.get(r.entry()), 0);
                    } else if (status == WalkStatus.UNDECODABLE) {
                        jumpBad(sb, st, r.start(), b.get(r.entry()));
                    }
                }
                case BETWEEN -> {
                    if (walk.size() == 0 && status != WalkStatus.UNDECODABLE) {
                        continue; // perf cannot fetch the block: nothing
                    }
                    int insn = 0;
                    boolean jumped = false;
                    for (int i = 0; i < walk.size(); i++) {
                        Instruction x = walk.instruction(i);
                        sym(sb, st, syms[i], x.address());
                        if (x.address() == r.end()) {
                            jump(sb, st, walk, i, b.get(r.entry()), ++insn);
                            jumped = true;
                            break;
                        }
                        plain(sb, walk, i);
                        insn++;
                    }
                    if (!jumped && walk.failure() == WalkStatus.UNDECODABLE) {
                        long at = walk.size() == 0 ? r.start() : walk.instruction(walk.size() - 1).next();
                        WalkSymbols.Sym sym = symbols.at(at, walk.readTime());
                        sym(sb, st, sym, at);
                        sb.append('\t');
                        hex16(sb, at);
                        sb.append("\t<bad>\n");
                    }
                    if (!jumped) {
                        sb.append("\tmismatch of LBR data and executable\n");
                    }
                }
                case FINAL -> finalBlock(sb, st, r, walk, syms, s);
            }
        }
        sb.append('\n');
    }

    private void finalBlock(StringBuilder sb, State st, WalkedRange r, Walk walk, WalkSymbols.Sym[] syms,
            BranchSample s) {
        long ip = s.ip();
        WalkStatus status = r.result().status();
        sym(sb, st, symbols.at(r.start(), walk.readTime()), r.start());
        if (walk.size() == 0 || status == WalkStatus.BACKWARDS) {
            // perf prints at least the sample's instruction.
            long time = s.hasTime() ? s.time() : Long.MAX_VALUE;
            Decoded d = cache.at(ip, time);
            if (d instanceof Instruction x) {
                sb.append('\t');
                hex16(sb, ip);
                sb.append('\t');
                int n = timeline.read(ip, time, dev.textpoke.code.WindowSide.NEW, one, 0, x.length());
                insnBytes(sb, one, 0, n);
                sb.append('\n');
            } else if (d instanceof Undecodable u && u.available() > 0) {
                sb.append('\t');
                hex16(sb, ip);
                sb.append("\t<bad>\n");
            }
            return;
        }
        for (int i = 0; i < walk.size(); i++) {
            plain(sb, walk, i);
            Instruction x = walk.instruction(i);
            if (x.branchClass() != BranchClass.NONE && x.address() != ip) {
                sb.append("\t... not reaching sample ...\n");
                return;
            }
        }
        if (walk.failure() == WalkStatus.UNDECODABLE) {
            sb.append('\t');
            hex16(sb, walk.instruction(walk.size() - 1).next());
            sb.append("\t<bad>\n");
        }
    }

    private static final class State {
        WalkSymbols.Sym last;
        int totalCycles;
    }

    private static void sym(StringBuilder sb, State st, WalkSymbols.Sym s, long addr) {
        if (s == null || s.equals(st.last)) {
            return;
        }
        WalkSymbols.line(sb, s, addr);
        st.last = s;
    }

    private static void plain(StringBuilder sb, Walk w, int i) {
        sb.append('\t');
        hex16(sb, w.instruction(i).address());
        sb.append("\tinsn: ");
        int n = w.instruction(i).length();
        for (int k = 0; k < n; k++) {
            int v = w.byteAt(i, k);
            sb.append(HEX[v >> 4]).append(HEX[v & 15]).append(' ');
        }
        sb.append('\n');
    }

    private static void insnBytes(StringBuilder sb, byte[] b, int off, int n) {
        sb.append("insn: ");
        for (int k = 0; k < n; k++) {
            int v = b[off + k] & 0xff;
            sb.append(HEX[v >> 4]).append(HEX[v & 15]).append(' ');
        }
    }

    private static void jump(StringBuilder sb, State st, Walk w, int i, Branch e, int insn) {
        sb.append('\t');
        hex16(sb, w.instruction(i).address());
        sb.append('\t');
        int at = sb.length();
        sb.append("insn: ");
        int n = w.instruction(i).length();
        for (int k = 0; k < n; k++) {
            int v = w.byteAt(i, k);
            sb.append(HEX[v >> 4]).append(HEX[v & 15]).append(' ');
        }
        flags(sb, st, at, e, insn);
    }

    private static void jumpBad(StringBuilder sb, State st, long addr, Branch e) {
        sb.append('\t');
        hex16(sb, addr);
        sb.append('\t');
        int at = sb.length();
        sb.append("<bad>");
        flags(sb, st, at, e, 0);
    }

    /** {@code %-30s\t#} then the flags, the cycles with their running total, and the block's IPC. */
    private static void flags(StringBuilder sb, State st, int at, Branch e, int insn) {
        while (sb.length() - at < 30) {
            sb.append(' ');
        }
        sb.append("\t#");
        if (e.predicted()) {
            sb.append(" PRED");
        }
        if (e.mispredicted()) {
            sb.append(" MISPRED");
        }
        if (e.inTransaction()) {
            sb.append(" INTX");
        }
        if (e.abort()) {
            sb.append(" ABORT");
        }
        int c = e.cycles();
        if (c != 0) {
            st.totalCycles += c;
            sb.append(' ').append(c).append(" cycles [").append(st.totalCycles).append(']');
            if (insn != 0) {
                // C's %.2f of a float: its exact value, rounded half to even.
                float ipc = (float) insn / c;
                sb.append(' ').append(new BigDecimal(ipc).setScale(2, RoundingMode.HALF_EVEN).toPlainString())
                        .append(" IPC");
            }
        }
        sb.append('\n');
    }

    static void hex16(StringBuilder sb, long v) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (v >>> shift) & 15]);
        }
    }
}
