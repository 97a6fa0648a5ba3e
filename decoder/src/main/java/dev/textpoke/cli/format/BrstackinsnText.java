package dev.textpoke.cli.format;

import dev.textpoke.branches.Branch;
import dev.textpoke.branches.BranchSample;
import dev.textpoke.branches.RangeKind;
import dev.textpoke.branches.StackWalker;
import dev.textpoke.branches.Walk;
import dev.textpoke.branches.WalkCode;
import dev.textpoke.branches.WalkStatus;
import dev.textpoke.branches.WalkedRange;
import dev.textpoke.branches.WalkedStack;
import dev.textpoke.code.WindowSide;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
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
 * <p>A range from one privilege level to the other (a ring filter dropped the branch that
 * crossed) is joined with the next one, past a range's end that an instruction stepped over the
 * bytes perf read are printed on, and a final block that ends before it starts is scanned for 128
 * bytes up to a branch, as perf does. Not thread-safe.
 */
public final class BrstackinsnText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** perf's {@code MAXINSN}: the longest x86 instruction, read past a range's end. */
    private static final int MAX_INSN = 15;
    /** How far perf walks from the newest branch's target when the sample's ip lies before it. */
    private static final int MISSING_SCAN = 128;
    private final WalkSymbols symbols = new WalkSymbols();
    private final byte[] one = new byte[16];
    private final java.util.Map<Walk, Rendered> rendered = new java.util.IdentityHashMap<>();
    private static final int KEPT = 1 << 16;

    /**
     * A walk's lines, made once (walks are shared by every occurrence of a range): each
     * instruction's plain line, its line as a block's jump up to the {@code #}, its symbol and
     * symbol line.
     */
    private static final class Rendered {
        final String[] plain;
        final String[] jump;
        final WalkSymbols.Sym[] sym;
        final String[] symLine;

        Rendered(Walk w, WalkSymbols.Sym[] syms) {
            int n = w.size();
            plain = new String[n];
            jump = new String[n];
            symLine = new String[n];
            sym = syms;
            StringBuilder b = new StringBuilder(80);
            for (int i = 0; i < n; i++) {
                b.setLength(0);
                BrstackinsnText.plain(b, w, i);
                plain[i] = b.toString();
                b.setLength(0);
                b.append('\t');
                hex16(b, w.instruction(i).address());
                b.append('\t');
                int at = b.length();
                b.append("insn: ");
                for (int k = 0; k < w.instruction(i).length(); k++) {
                    int v = w.byteAt(i, k);
                    b.append(HEX[v >> 4]).append(HEX[v & 15]).append(' ');
                }
                while (b.length() - at < 30) {
                    b.append(' ');
                }
                b.append("\t#");
                jump[i] = b.toString();
                if (syms[i] != null) {
                    b.setLength(0);
                    WalkSymbols.line(b, syms[i], w.instruction(i).address());
                    symLine[i] = b.toString();
                }
            }
        }
    }

    private Rendered render(Walk w) {
        Rendered r = rendered.get(w);
        if (r == null) {
            if (rendered.size() >= KEPT) {
                rendered.clear();
            }
            r = new Rendered(w, symbols.of(w));
            rendered.put(w, r);
        }
        return r;
    }

    private final StackWalker walker;

    /**
     * A walk's code ({@link Walk#origin}) names its instructions, and decodes the sample's ip when
     * the final block cannot be walked (perf prints it alone); {@code walker} finds the code of the
     * sample's ip when the final block has no start (an empty newest entry).
     */
    public BrstackinsnText(StackWalker walker) {
        this.walker = walker;
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
        int joinedEntry = -2; // the entry whose range a joined range took in
        boolean sawFinal = false;
        for (WalkedRange r : w.ranges()) {
            Walk walk = r.result().walk();
            WalkStatus status = r.result().status();
            switch (r.kind()) {
                case OLDEST_BRANCH -> {
                    if (walk.size() > 0) {
                        sym(sb, st, render(walk).sym[0], walk.start());
                        jump(sb, st, walk, 0, b.get(r.entry()), 0);
                    } else if (status == WalkStatus.UNDECODABLE) {
                        jumpBad(sb, st, r.start(), b.get(r.entry()));
                    }
                }
                case BETWEEN -> {
                    if (r.entry() == joinedEntry) {
                        continue; // the range before it took it in
                    }
                    if (r.joined() != null) {
                        // perf: grab_bb's -ENXIO (start and end in different rings), then on to the
                        // next entry's source, whose branch ends the joined range
                        joinedEntry = r.entry() - 1;
                        Walk joined = r.joined().walk();
                        between(sb, st, joined, r.joined().status(), r.start(), b.get(joinedEntry).from(),
                                b.get(joinedEntry));
                    } else {
                        between(sb, st, walk, status, r.start(), r.end(), b.get(r.entry()));
                    }
                }
                case FINAL -> {
                    finalBlock(sb, st, r, walk, s);
                    sawFinal = true;
                }
            }
        }
        Branch newest = b.get(0);
        if (!sawFinal && newest.to() == 0 && newest.from() != s.ip() && !newest.abort()) {
            // An empty newest entry: no final block (StackWalker), but perf's grab_bb of it fails and
            // it prints the sample's instruction alone, under no symbol line (address 0 has none).
            WalkCode code = walker.codeAt(s, s.ip());
            sampleInstruction(sb, code, s.ip(), s.hasTime() ? s.time() : Long.MAX_VALUE);
        }
        sb.append('\n');
    }

    /** A range between two entries, from {@code start} to the branch of {@code e} at {@code end}. */
    private void between(StringBuilder sb, State st, Walk walk, WalkStatus status, long start, long end, Branch e) {
        if (walk.size() == 0 && status != WalkStatus.UNDECODABLE) {
            return; // perf cannot fetch the block: nothing
        }
        Rendered x = render(walk);
        int insn = 0;
        boolean jumped = false;
        for (int i = 0; i < walk.size(); i++) {
            WalkSymbols.Sym sym = x.sym[i];
            if (sym != null && sym != st.last && !sym.equals(st.last)) {
                sb.append(x.symLine[i]);
                st.last = sym;
            }
            if (walk.instruction(i).address() == end) {
                sb.append(x.jump[i]);
                flags(sb, st, e, ++insn);
                jumped = true;
                break;
            }
            sb.append(x.plain[i]);
            insn++;
        }
        if (!jumped && walk.size() > 0 && Long.compareUnsigned(walk.instruction(walk.size() - 1).next(), end) > 0) {
            pastTheEnd(sb, st, walk, start, end); // the last instruction stepped over the end
        }
        if (!jumped && walk.failure() == WalkStatus.UNDECODABLE) {
            long at = walk.size() == 0 ? start : walk.instruction(walk.size() - 1).next();
            WalkSymbols.Sym sym = symbols.at(walk.origin(), at, walk.readTime());
            sym(sb, st, sym, at);
            sb.append('\t');
            hex16(sb, at);
            sb.append("\t<bad>\n");
        }
        if (!jumped) {
            sb.append("\tmismatch of LBR data and executable\n");
        }
    }

    /**
     * After an instruction that stepped over a range's end (the code is not what the LBR saw), perf
     * prints on while the bytes it read last: {@code end - start} and one longest instruction
     * ({@code grab_bb}'s {@code MAXINSN}), an instruction cut off by their end as {@code <bad>}.
     */
    private void pastTheEnd(StringBuilder sb, State st, Walk walk, long start, long end) {
        WalkCode code = walk.origin();
        int want = (int) (end - start) + MAX_INSN;
        byte[] read = new byte[want];
        int have = code.timeline().read(start, walk.readTime(), walk.readSide(), read, 0, want);
        long a = walk.instruction(walk.size() - 1).next();
        while (a - start < have) {
            sym(sb, st, symbols.at(code, a, walk.readTime()), a);
            sb.append('\t');
            hex16(sb, a);
            sb.append('\t');
            Decoded d = code.cache().at(a, walk.readTime(), walk.readSide());
            if (!(d instanceof Instruction x) || x.next() - start > have) {
                sb.append("<bad>\n");
                return;
            }
            insnBytes(sb, read, (int) (a - start), x.length());
            sb.append('\n');
            a = x.next();
        }
    }

    /**
     * A sample's ip before its newest branch's target: the LBR missed a branch or two. perf then
     * reads {@link #MISSING_SCAN} bytes (and one longest instruction) from the target, as the code
     * is at the sample's time, and prints them up to the first branch; false when it could read none.
     */
    private boolean missingBranch(StringBuilder sb, WalkCode code, long start, long ip, long time) {
        byte[] read = new byte[MISSING_SCAN + MAX_INSN];
        int have = code.timeline().read(start, time, WindowSide.NEW, read, 0, read.length);
        if (have <= 0) {
            return false;
        }
        for (long a = start; a - start <= MISSING_SCAN;) {
            sb.append('\t');
            hex16(sb, a);
            sb.append('\t');
            Decoded d = code.cache().at(a, time, WindowSide.NEW);
            if (!(d instanceof Instruction x) || x.next() - start > have) {
                sb.append("<bad>\n");
                break;
            }
            insnBytes(sb, read, (int) (a - start), x.length());
            sb.append('\n');
            if (x.branchClass() != BranchClass.NONE && a != ip) {
                sb.append("\t... not reaching sample ...\n");
                break;
            }
            a = x.next();
        }
        return true;
    }

    private void finalBlock(StringBuilder sb, State st, WalkedRange r, Walk walk, BranchSample s) {
        long ip = s.ip();
        WalkStatus status = r.result().status();
        sym(sb, st, symbols.at(walk.origin(), r.start(), walk.readTime()), r.start());
        long time = s.hasTime() ? s.time() : Long.MAX_VALUE;
        if (status == WalkStatus.BACKWARDS && missingBranch(sb, walk.origin(), r.start(), ip, time)) {
            return;
        }
        if (walk.size() == 0 || status == WalkStatus.BACKWARDS) {
            sampleInstruction(sb, walk.origin(), ip, time); // perf prints at least that
            return;
        }
        Rendered lines = render(walk);
        for (int i = 0; i < walk.size(); i++) {
            sb.append(lines.plain[i]);
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

    /** The instruction at the sample's ip alone, as perf prints it when the final block cannot be read. */
    private void sampleInstruction(StringBuilder sb, WalkCode code, long ip, long time) {
        if (ip == 0) {
            return; // grab_bb reads nothing at 0
        }
        Decoded d = code.cache().at(ip, time);
        if (d instanceof Instruction x) {
            sb.append('\t');
            hex16(sb, ip);
            sb.append('\t');
            int n = code.timeline().read(ip, time, WindowSide.NEW, one, 0, x.length());
            insnBytes(sb, one, 0, n);
            sb.append('\n');
        } else if (d instanceof Undecodable u && u.available() > 0) {
            sb.append('\t');
            hex16(sb, ip);
            sb.append("\t<bad>\n");
        }
    }

    private static final class State {
        WalkSymbols.Sym last;
        int totalCycles;
    }

    private static void sym(StringBuilder sb, State st, WalkSymbols.Sym s, long addr) {
        if (s == null || s == st.last || s.equals(st.last)) {
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

    private void jump(StringBuilder sb, State st, Walk w, int i, Branch e, int insn) {
        sb.append(render(w).jump[i]);
        flags(sb, st, e, insn);
    }

    private void jumpBad(StringBuilder sb, State st, long addr, Branch e) {
        sb.append('\t');
        hex16(sb, addr);
        sb.append('\t');
        int at = sb.length();
        sb.append("<bad>");
        while (sb.length() - at < 30) {
            sb.append(' ');
        }
        sb.append("\t#");
        flags(sb, st, e, 0);
    }

    /** After {@code %-30s\t#}: the flags, the cycles with their running total, and the block's IPC. */
    private void flags(StringBuilder sb, State st, Branch e, int insn) {
        flagWords(sb, e);
        int c = e.cycles();
        if (c != 0) {
            st.totalCycles += c;
            sb.append(' ').append(c).append(" cycles [").append(st.totalCycles).append(']');
            if (insn != 0) {
                sb.append(' ');
                ipc(sb, insn, c);
                sb.append(" IPC");
            }
        }
        sb.append('\n');
    }

    /** The entry's flags as perf's brstackinsn prints them after the {@code #}. */
    static void flagWords(StringBuilder sb, Branch e) {
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
    }

    /** C's {@code %.2f} of the float {@code insn / cycles}: its exact value, rounded half to even. */
    static void ipc(StringBuilder sb, int insn, int cycles) {
        float f = (float) insn / cycles;
        double hundredths = (double) f * 100;
        double floor = Math.floor(hundredths);
        long r;
        if (Math.abs(hundredths - floor - 0.5) < 1e-6) {
            // Near a tie: decide on the float's exact value.
            r = new BigDecimal(f).movePointRight(2).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        } else {
            r = Math.round(hundredths);
        }
        sb.append(r / 100).append('.');
        long c = r % 100;
        if (c < 10) {
            sb.append('0');
        }
        sb.append(c);
    }

    static void hex16(StringBuilder sb, long v) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (v >>> shift) & 15]);
        }
    }
}
