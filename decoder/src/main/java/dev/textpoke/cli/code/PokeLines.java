package dev.textpoke.cli.code;

import dev.textpoke.cli.format.PerfTime;
import dev.textpoke.code.AppliedModification;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.Modification;
import dev.textpoke.code.OldBytesCheck;
import java.util.Objects;

/**
 * The text lines of {@code textpoke pokes}, in columns as perf script aligns its own (fixed
 * widths, names padded to the widest of the listing): time, cpu, address, symbol, kind of site,
 * whether the old bytes matched, and the instructions before and after. A line fits in 160
 * columns (the instructions are cut with "..." when they would not); {@code --wide} adds the
 * bytes and why old bytes did not match, at any length.
 */
final class PokeLines {
    static final int WIDTH = 160;
    /** Symbols longer than this push the columns after them to the right instead of widening all lines. */
    private static final int MAX_SYMBOL = 40;

    private final CodeTimeline t;
    private final boolean wide;
    private final int timeWidth;
    private final int symbolWidth;
    private final int kindWidth;

    PokeLines(CodeTimeline t, boolean wide) {
        this.t = t;
        this.wide = wide;
        int sw = 1;
        int kw = 1;
        int tw = 1;
        for (AppliedModification a : t.modifications()) {
            tw = Math.max(tw, PerfTime.format(a.modification().time()).length());
            sw = Math.max(sw, Objects.requireNonNullElse(PokesCommand.symbol(t, a.modification()), "-").length());
            kw = Math.max(kw, a.modification().kind().label().length());
        }
        this.symbolWidth = Math.min(sw, MAX_SYMBOL);
        this.kindWidth = kw;
        this.timeWidth = tw;
    }

    String text(PokeInstructions insns, AppliedModification a) {
        Modification m = a.modification();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%" + timeWidth + "s [%03d] %16x %-" + symbolWidth + "s %-" + kindWidth + "s ",
                PerfTime.format(m.time()), m.cpu(), m.address(),
                Objects.requireNonNullElse(PokesCommand.symbol(t, m), "-"), m.kind().label()));
        OldBytesCheck k = a.check();
        sb.append(switch (k.outcome()) {
            case MATCHED -> "ok        ";
            case NOT_COVERED -> "uncovered ";
            case MISMATCHED -> "MISMATCH  ";
        });
        String instructions = orDash(insns.before()) + " -> " + orDash(insns.after());
        if (insns.start() != m.address()) {
            instructions = "at " + Long.toHexString(insns.start()) + ": " + instructions;
        }
        String tail = k.outcome() == OldBytesCheck.Outcome.MISMATCHED ? "  (model has " + k.model() + ")" : "";
        if (wide) {
            sb.append(orDash(m.oldBytes().spacedHex())).append(" -> ").append(orDash(m.newBytes().spacedHex()))
                    .append("  ").append(instructions);
            if (k.outcome() == OldBytesCheck.Outcome.MISMATCHED) {
                sb.append("  (model has ").append(k.model()).append(": ").append(k.cause().orElseThrow().description())
                        .append(')');
            }
            return sb.toString();
        }
        int room = WIDTH - sb.length() - tail.length();
        if (instructions.length() > room) {
            instructions = instructions.substring(0, Math.max(0, room - 4)) + " ...";
        }
        return sb.append(instructions).append(tail).toString();
    }

    /** The text, or "-" when it is empty. */
    private static String orDash(String hex) {
        return hex.isEmpty() ? "-" : hex;
    }
}
