package dev.textpoke.cli.format;

import dev.textpoke.branches.AddressNames;
import dev.textpoke.branches.Branch;
import dev.textpoke.branches.BranchPriv;
import dev.textpoke.branches.BranchSample;
import dev.textpoke.branches.BranchSpec;
import dev.textpoke.branches.BranchSummary;
import dev.textpoke.branches.BranchType;
import dev.textpoke.branches.RangeKind;
import dev.textpoke.branches.RangeResult;
import dev.textpoke.branches.Walk;
import dev.textpoke.branches.WalkStatus;
import dev.textpoke.branches.WalkedRange;
import dev.textpoke.branches.WalkedStack;
import dev.textpoke.code.SymbolOffset;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Instruction;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text of {@code textpoke branches}: a line per sample (comm, pid/tid, cpu, time with
 * nanoseconds, event, ip and symbol, as {@code perf script} starts one), then either its entries,
 * newest first, with the kind of branch the code at their source says and the flags the hardware
 * recorded, or with {@code --insns} the instructions of every range, oldest first, laid out as
 * {@code perf script -F brstackinsn} lays them out, with their disassembly, and a {@code #} line
 * before each range that crossed a modification, ran in other code than its sample's time had,
 * that several versions of the code explain, that none explains, or whose code is not known. Not
 * thread-safe.
 */
public final class BranchText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int KEPT = 1 << 16;

    private final AddressNames names;
    private final WalkSymbols symbols = new WalkSymbols();
    private final Map<Walk, String[]> lines = new IdentityHashMap<>();

    /** @param names names the samples' and entries' addresses (a walk's instructions are named by its code) */
    public BranchText(AddressNames names) {
        this.names = names;
    }

    /** The sample's line: {@code comm pid/tid [cpu] time: event: ip sym+off}. */
    public void header(StringBuilder sb, BranchSample s, String comm, String event) {
        pad(sb, comm, 16);
        sb.append(' ');
        padLeft(sb, Integer.toString(s.pid()), 7);
        sb.append('/');
        int at = sb.length();
        sb.append(s.tid());
        while (sb.length() - at < 7) {
            sb.append(' ');
        }
        sb.append(" [");
        if (s.cpu() < 0) {
            sb.append("-01");
        } else {
            padZero(sb, s.cpu(), 3);
        }
        sb.append("] ");
        if (s.hasTime()) {
            time(sb, s.time());
        } else {
            sb.append("-:");
        }
        sb.append(' ').append(event).append(": ");
        hex(sb, s.ip());
        long t = s.hasTime() ? s.time() : Long.MAX_VALUE;
        names.at(s.pid(), s.ip(), t).ifPresent(o -> sb.append(' ').append(o));
        sb.append('\n');
    }

    /** The entries of a walked stack, newest first, and why it was not walked if it was not. */
    public void branches(StringBuilder sb, WalkedStack w) {
        BranchSample s = w.sample();
        List<Branch> b = s.branches();
        if (s.hwIdx() != -1 || w.notWalked() != null) {
            sb.append("\t#");
            if (s.hwIdx() != -1) {
                sb.append(" hw_idx ").append(s.hwIdx());
            }
            if (w.notWalked() != null) {
                sb.append(" not walked: ").append(notWalked(w.notWalked()));
            }
            sb.append('\n');
        }
        RangeResult[] byEntry = new RangeResult[b.size()];
        for (WalkedRange r : w.ranges()) {
            if (r.kind() != RangeKind.FINAL) {
                byEntry[r.entry()] = r.result();
            }
        }
        long sampleTime = s.hasTime() ? s.time() : Long.MAX_VALUE;
        for (int i = 0; i < b.size(); i++) {
            Branch e = b.get(i);
            sb.append("\t#").append(i).append(i < 10 ? "  " : " ");
            hex(sb, e.from());
            symbol(sb, s, byEntry[i], e.from(), sampleTime);
            sb.append(" -> ");
            hex(sb, e.to());
            symbol(sb, s, byEntry[i], e.to(), sampleTime);
            sb.append("  ").append(kind(byEntry[i], e.to()));
            if (e.type() != BranchType.UNKNOWN) {
                sb.append(" [").append(e.perfTypeName()).append(']');
            }
            sb.append(' ').append(e.predicted() ? 'P' : e.mispredicted() ? 'M' : '-');
            if (e.inTransaction()) {
                sb.append(" INTX");
            }
            if (e.abort()) {
                sb.append(" ABORT");
            }
            if (e.cycles() != 0) {
                sb.append(' ').append(e.cycles()).append(" cycles");
            }
            if (e.spec() != BranchSpec.NA) {
                sb.append(' ').append(e.spec().perfName());
            }
            if (e.priv() != BranchPriv.UNKNOWN) {
                sb.append(" priv ").append(e.priv().name().toLowerCase());
            }
            if (e.hasCounter()) {
                sb.append(" counters 0x").append(Long.toHexString(e.counter()));
            }
            sb.append('\n');
        }
    }

    /**
     * The kind of branch the code at an entry's source says it is: the instruction there, or
     * {@code async} when it does not branch to the recorded target (an interrupt or exception), or
     * {@code ?} when the code is not known.
     */
    static String kind(RangeResult r, long to) {
        if (r == null || !r.walk().atEnd()) {
            return "?";
        }
        Walk w = r.walk();
        Instruction x = w.instruction(w.size() - 1);
        if (w.status(to, RangeKind.BETWEEN) == WalkStatus.ASYNC && r.status() != WalkStatus.LEFT_RANGE) {
            return "async";
        }
        return switch (x.branchClass()) {
            case CONDITIONAL -> "cond";
            case UNCONDITIONAL_DIRECT -> "jump";
            case INDIRECT -> "ind-jump";
            case CALL -> x.hasTarget() ? "call" : "ind-call";
            case RETURN -> "return";
            case FAR_TRANSFER -> "far";
            case TRAP -> "trap";
            case NONE -> "async";
        };
    }

    /** The ranges of a walked stack with their instructions, oldest first. */
    public void instructions(StringBuilder sb, WalkedStack w) {
        if (w.notWalked() != null) {
            sb.append("\t# not walked: ").append(notWalked(w.notWalked())).append('\n');
            return;
        }
        BranchSample s = w.sample();
        WalkSymbols.Sym last = null;
        int totalCycles = 0;
        for (WalkedRange r : w.ranges()) {
            RangeResult x = r.result();
            note(sb, r, s);
            Walk walk = x.walk();
            WalkSymbols.Sym[] syms = symbols.of(walk);
            String[] text = lines(walk);
            int insn = 0;
            for (int i = 0; i < walk.size(); i++) {
                long a = walk.instruction(i).address();
                if (syms[i] != null && !syms[i].equals(last) && (r.kind() != RangeKind.FINAL || i == 0)) {
                    WalkSymbols.line(sb, syms[i], a);
                    last = syms[i];
                }
                sb.append(text[i]);
                insn++;
                boolean end = a == r.end() && r.kind() != RangeKind.FINAL;
                if (end) {
                    Branch e = s.branches().get(r.entry());
                    sb.append("\t#");
                    BrstackinsnText.flagWords(sb, e);
                    if (e.cycles() != 0) {
                        totalCycles += e.cycles();
                        sb.append(' ').append(e.cycles()).append(" cycles [").append(totalCycles).append(']');
                        if (r.kind() == RangeKind.BETWEEN) {
                            sb.append(' ');
                            BrstackinsnText.ipc(sb, insn, e.cycles());
                            sb.append(" IPC");
                        }
                    }
                }
                sb.append('\n');
                if (end) {
                    break;
                }
            }
        }
    }

    /**
     * A {@code #} line before a range that is not simply the code of its sample's time: one that
     * crossed a modification (its code had several versions within its time bounds), ran in
     * another version (corrected), is ambiguous, is explained by no version, or is of unknown code.
     */
    private static void note(StringBuilder sb, WalkedRange r, BranchSample s) {
        RangeResult x = r.result();
        boolean plain = x.status().possible() && !x.crossing() && !x.corrected() && !x.ambiguous();
        if (plain) {
            return;
        }
        sb.append("\t# ");
        hex(sb, r.start());
        if (r.end() != r.start()) {
            sb.append('-');
            hex(sb, r.end());
        }
        sb.append(": ");
        if (x.inconsistent()) {
            sb.append("no version of the code explains it (").append(status(x.status())).append(')');
        } else if (x.status().unknown()) {
            sb.append(status(x.status()));
        } else if (x.ambiguous()) {
            sb.append("ambiguous: ").append(x.versions()).append(" versions of the code explain it; shown as at ");
            seconds(sb, x.walk().readTime());
        } else if (x.corrected()) {
            sb.append("ran as the code was at ");
            seconds(sb, x.walk().readTime());
        } else {
            sb.append("crossed a modification (").append(x.versions())
                    .append(" versions of its code in its time bounds); ran as the code of the sample's time");
        }
        if (x.corrected()) {
            sb.append("; the code at the sample's time (what perf shows) differs");
        }
        sb.append('\n');
    }

    /** A perf time as seconds with nanoseconds, unpadded: {@code 1.000001264}. */
    static void seconds(StringBuilder sb, long ns) {
        sb.append(Long.toUnsignedString(Long.divideUnsigned(ns, 1_000_000_000L))).append('.');
        padZero(sb, Long.remainderUnsigned(ns, 1_000_000_000L), 9);
    }

    static String status(WalkStatus s) {
        return switch (s) {
            case EXPLAINED -> "explained";
            case ASYNC -> "ends at an interrupt or exception";
            case LEFT_RANGE -> "a taken branch before its end";
            case MISALIGNED -> "instructions step over its end";
            case UNDECODABLE -> "bytes that are no instruction";
            case NO_CODE -> "code not known";
            case TOO_LONG -> "longer than 16 KiB, not walked";
            case BACKWARDS -> "ends before it starts";
            case PRIVILEGE_CHANGE -> "starts and ends at different privilege levels";
        };
    }

    private static String notWalked(WalkedStack.NotWalked n) {
        return switch (n) {
            case CALL_STACK -> "an LBR call stack, not a branch history";
            case FILTERED -> "the event records only some kinds of branch";
            case EMPTY -> "no entries";
        };
    }

    /** Per walk once: each instruction's {@code \taddress\tbytes\tdisassembly} line. */
    private String[] lines(Walk w) {
        String[] l = lines.get(w);
        if (l == null) {
            if (lines.size() >= KEPT) {
                lines.clear();
            }
            l = new String[w.size()];
            StringBuilder b = new StringBuilder(64);
            for (int i = 0; i < l.length; i++) {
                Instruction x = w.instruction(i);
                b.setLength(0);
                b.append('\t');
                BrstackinsnText.hex16(b, x.address());
                b.append('\t');
                int at = b.length();
                for (int k = 0; k < x.length(); k++) {
                    int v = w.byteAt(i, k);
                    b.append(HEX[v >> 4]).append(HEX[v & 15]).append(' ');
                }
                while (b.length() - at < 24) {
                    b.append(' ');
                }
                long time = w.readTime();
                b.append('\t').append(CodeText.text(x, a -> w.origin().names().at(a, time)));
                l[i] = b.toString();
            }
            lines.put(w, l);
        }
        return l;
    }

    /** The summary's lines. */
    public static void summary(StringBuilder sb, BranchSummary s) {
        sb.append("samples with a branch stack: ").append(s.samples());
        sb.append(" (damaged ").append(s.damagedStacks());
        sb.append(", call-stack mode ").append(s.callStackStacks());
        sb.append(", filtered ").append(s.filteredStacks());
        sb.append(", empty ").append(s.emptyStacks());
        sb.append(", with an inconsistent range ").append(s.inconsistentStacks()).append(")\n");
        sb.append("ranges: ").append(s.ranges());
        sb.append("; crossing a modification ").append(s.crossing());
        sb.append(", corrected ").append(s.corrected());
        sb.append(", ambiguous ").append(s.ambiguous());
        sb.append(", inconsistent ").append(s.inconsistent());
        sb.append(", code unknown ").append(s.unknown()).append('\n');
    }

    /**
     * An entry's address named as the code was when its branch ran, by the code its range was read
     * from (a kernel trampoline may be gone by the sample); a user-space address that code does not
     * name (another file's) by the process's files at the sample's time.
     */
    private void symbol(StringBuilder sb, BranchSample s, RangeResult range, long addr, long sampleTime) {
        entryName(names, s, range, addr, sampleTime).ifPresent(x -> sb.append(' ').append(x));
    }

    /** The name {@link #branches} gives an entry's source or target (JSON gives the same). */
    static Optional<SymbolOffset> entryName(AddressNames names, BranchSample s, RangeResult range, long addr,
            long sampleTime) {
        Optional<SymbolOffset> o = Optional.empty();
        boolean ran = range != null && range.status().possible();
        if (ran) {
            o = range.walk().origin().names().at(addr, range.walk().readTime());
        }
        if (o.isEmpty() && (!ran || addr >= 0)) {
            o = names.at(s.pid(), addr, sampleTime);
        }
        return o;
    }

    /** perf time as perf script prints it with --ns: {@code seconds.nanoseconds:}. */
    static void time(StringBuilder sb, long ns) {
        padLeft(sb, Long.toUnsignedString(Long.divideUnsigned(ns, 1_000_000_000L)), 5);
        sb.append('.');
        padZero(sb, Long.remainderUnsigned(ns, 1_000_000_000L), 9);
        sb.append(':');
    }

    static void hex(StringBuilder sb, long v) {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (v >>> shift) & 15]);
        }
    }

    private static void pad(StringBuilder sb, String s, int width) {
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        sb.append(s);
    }

    private static void padLeft(StringBuilder sb, String s, int width) {
        pad(sb, s, width);
    }

    private static void padZero(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(s);
    }
}
