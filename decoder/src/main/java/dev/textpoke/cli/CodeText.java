package dev.textpoke.cli;

import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import java.util.ArrayList;
import java.util.List;

/** Disassembly of a few bytes for listings: instructions separated by "; ", "(bad)" where none. */
final class CodeText {
    private CodeText() {}

    static String disassemble(InstructionClassifier c, Bytes bytes, long address) {
        if (bytes.isEmpty()) {
            return "";
        }
        byte[] b = bytes.toArray();
        List<String> out = new ArrayList<>();
        int at = 0;
        while (at < b.length) {
            Decoded d = c.classify(b, at, b.length - at, address + at);
            if (d instanceof Instruction i) {
                out.add(i.text());
                at += i.length();
            } else {
                out.add("(bad)");
                break;
            }
        }
        return String.join("; ", out);
    }
}
