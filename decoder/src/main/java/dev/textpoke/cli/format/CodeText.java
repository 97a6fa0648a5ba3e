package dev.textpoke.cli.format;

import dev.textpoke.code.SymbolOffset;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/** Disassembly for listings: instructions separated by "; ", "(bad)" where none decodes. */
public final class CodeText {
    private CodeText() {}

    /**
     * The instructions that start in {@code [from, end)} of {@code code} (which starts at {@code
     * base}; only its first {@code known} bytes are known), decoded from {@code from}: the last one
     * may reach past {@code end}. Empty when {@code end <= from}.
     */
    public static String disassemble(InstructionClassifier c, byte[] code, int known, long base, long from, long end,
            LongFunction<Optional<SymbolOffset>> names) {
        List<String> out = new ArrayList<>();
        int at = (int) (from - base);
        while (base + at - end < 0) {
            Decoded d = at < known ? c.classify(code, at, known - at, base + at) : null;
            if (d instanceof Instruction i) {
                out.add(text(i, names));
                at += i.length();
            } else {
                out.add(at < known ? "(bad)" : "(unknown)");
                break;
            }
        }
        return String.join("; ", out);
    }

    /**
     * An instruction as Capstone prints it, but a direct branch's target as objdump prints it: the
     * address in hex without "0x" and its symbol, {@code jmp ffffffff81001234 <foo+0x14>}.
     */
    public static String text(Instruction i, LongFunction<Optional<SymbolOffset>> names) {
        if (!i.hasTarget()) {
            return i.text();
        }
        String hex = Long.toHexString(i.target());
        String named = hex + names.apply(i.target()).map(s -> " <" + s + ">").orElse("");
        String ops = i.operands();
        // Capstone writes the target as 0x... (x86) or #0x... (A64), last among the operands.
        int at = ops.lastIndexOf("0x" + hex);
        if (at < 0) {
            return i.text();
        }
        int from = at > 0 && ops.charAt(at - 1) == '#' ? at - 1 : at;
        return i.mnemonic() + " " + ops.substring(0, from) + named + ops.substring(at + 2 + hex.length());
    }
}
