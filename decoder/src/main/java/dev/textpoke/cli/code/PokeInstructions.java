package dev.textpoke.cli.code;

import dev.textpoke.cli.format.CodeText;
import dev.textpoke.code.AppliedModification;
import dev.textpoke.code.CodeBytes;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.Modification;
import dev.textpoke.code.SymbolOffset;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The whole instructions a modification changed, before and after it: a one-byte kprobe poke
 * {@code 89 -> cc} shows {@code mov eax, edi -> int3}, not the lone byte {@code 89} (which decodes
 * to nothing). The instruction holding the poked address is found by decoding forwards from the
 * start of its symbol in the code as it was just before the modification (its old bytes laid over
 * the model, as the kernel says they were).
 *
 * @param start the address of the first instruction shown (at or before the poked address)
 * @param before the instructions from {@code start} over the old bytes, "" when there were none
 * @param after the same over the new bytes, "" when the modification releases the text
 */
record PokeInstructions(long start, String before, String after) {
    /**
     * Farther than this from its symbol, a poke is decoded from its own address: most kernel
     * functions are shorter, and a listing of a million pokes must not decode whole images.
     */
    private static final long MAX_LEAD = 4096;
    /** Enough bytes after the poke to decode the last instruction it touches whole. */
    private static final int TAIL = 16;

    static PokeInstructions of(CodeTimeline t, InstructionClassifier c, AppliedModification a) {
        Modification m = a.modification();
        long addr = m.address();
        long time = m.time();
        LongFunction<Optional<SymbolOffset>> names = target -> t.symbolize(target, time);
        long from = t.symbolize(addr, time).filter(s -> s.offset() <= MAX_LEAD).map(s -> addr - s.offset())
                .orElse(addr);
        int lead = (int) (addr - from);
        Code model = before(t, a, from, lead + m.span() + TAIL);
        Code old = model.with(lead, m.oldBytes(), m.span());
        Code neu = model.with(lead, m.newBytes(), m.span());
        long start = holding(c, old, from, addr);
        return new PokeInstructions(start,
                CodeText.disassemble(c, old.data, old.knownPrefix(), from, start, addr + m.oldBytes().length(), names),
                CodeText.disassemble(c, neu.data, neu.knownPrefix(), from, start, addr + m.newBytes().length(), names));
    }

    /** Code from an address: its bytes, and which are known. */
    private record Code(byte[] data, boolean[] known) {
        /** This code with {@code bytes} at {@code at}, and the rest of {@code span} from there unknown. */
        Code with(int at, Bytes bytes, int span) {
            byte[] d = data.clone();
            boolean[] k = known.clone();
            for (int j = 0; j < span; j++) {
                boolean written = j < bytes.length();
                d[at + j] = written ? (byte) bytes.get(j) : 0;
                k[at + j] = written;
            }
            return new Code(d, k);
        }

        int knownPrefix() {
            int n = 0;
            while (n < known.length && known[n]) {
                n++;
            }
            return n;
        }
    }

    /**
     * The start of the instruction holding {@code addr}, decoding from {@code from}; {@code addr}
     * itself when the decoding fails before it (unknown bytes, data in text).
     */
    private static long holding(InstructionClassifier c, Code code, long from, long addr) {
        int known = code.knownPrefix();
        int at = 0;
        int target = (int) (addr - from);
        while (at < target) {
            Decoded d = at < known ? c.classify(code.data, at, known - at, from + at) : null;
            if (!(d instanceof Instruction i)) {
                return addr;
            }
            if (at + i.length() > target) {
                return from + at;
            }
            at += i.length();
        }
        return addr;
    }

    /**
     * The code of {@code [from, from + len)} just before modification {@code a}: the state at the
     * time before its own, plus the modifications of the same time applied before it.
     */
    private static Code before(CodeTimeline t, AppliedModification a, long from, int len) {
        long time = a.modification().time();
        CodeBytes earlier = t.bytes(from, len, time == Long.MIN_VALUE ? time : time - 1);
        byte[] data = earlier.bytes().toArray();
        boolean[] known = new boolean[len];
        for (int i = 0; i < len; i++) {
            known[i] = earlier.isKnown(i);
        }
        Code code = new Code(data, known);
        for (AppliedModification h : t.history(from, len)) {
            Modification m = h.modification();
            if (h.index() < a.index() && m.time() == time && time != Long.MIN_VALUE) {
                // Cut to the window [from, from + len): a same-time poke may start before it.
                long skip = Math.max(0, from - m.address());
                long at = m.address() + skip - from;
                int span = (int) Math.min(m.span() - skip, len - at);
                Bytes written = m.newBytes().slice((int) Math.min(skip, m.newBytes().length()),
                        (int) Math.min(skip + span, m.newBytes().length()));
                code = code.with((int) at, written, span);
            }
        }
        return code;
    }
}
