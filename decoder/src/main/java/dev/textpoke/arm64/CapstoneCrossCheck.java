package dev.textpoke.arm64;

import dev.textpoke.elf.ElfFormatException;
import dev.textpoke.elf.Section;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Compares the mask classifier ({@link A64Class#of}) with Capstone's decoding of the same word, for
 * every word of every executable section of an image: two independent readings of the encoding.
 */
public final class CapstoneCrossCheck {
    /** A word the two readings classify differently. */
    public record Disagreement(String section, long offset, int word, A64Class masks, A64Class capstone,
            String text) {}

    /** Words compared, their classes by mask, and the disagreements (the first few listed). */
    public record Result(long words, Map<A64Class, Long> byClass, long disagreementCount,
            List<Disagreement> listed) {}

    private static final int MAX_LISTED = 50;

    private CapstoneCrossCheck() {}

    public static Result run(Arm64Image image, InstructionClassifier capstone) throws ElfFormatException {
        Map<A64Class, Long> counts = new EnumMap<>(A64Class.class);
        List<Disagreement> disagreements = new ArrayList<>();
        long words = 0;
        long disagreementCount = 0;
        byte[] four = new byte[4];
        for (Section s : image.elf().sections()) {
            if (!s.isExecutable() || !s.hasFileBytes() || s.size() < 4) {
                continue;
            }
            ByteBuffer b = image.elf().contents(s).order(ByteOrder.LITTLE_ENDIAN);
            for (int off = 0; off + 4 <= b.limit(); off += 4) {
                int w = b.getInt(off);
                A64Class ours = A64Class.of(w);
                four[0] = (byte) w;
                four[1] = (byte) (w >>> 8);
                four[2] = (byte) (w >>> 16);
                four[3] = (byte) (w >>> 24);
                Decoded d = capstone.classify(four, s.addr() + off);
                A64Class theirs = fromCapstone(d);
                words++;
                counts.merge(ours, 1L, Long::sum);
                if (ours != theirs) {
                    disagreementCount++;
                    if (disagreements.size() < MAX_LISTED) {
                        disagreements.add(new Disagreement(s.name(), off, w, ours, theirs,
                                d instanceof Instruction i ? i.text() : "(undecodable)"));
                    }
                }
            }
        }
        return new Result(words, counts, disagreementCount, disagreements);
    }

    /** The class Capstone's mnemonic names (Capstone 4 prints B.cond as "b.eq" and so on). */
    static A64Class fromCapstone(Decoded d) {
        if (!(d instanceof Instruction i)) {
            return A64Class.OTHER;
        }
        String m = i.mnemonic();
        if (m.startsWith("b.")) {
            return A64Class.B_COND;
        }
        return switch (m) {
            case "b" -> A64Class.B;
            case "bl" -> A64Class.BL;
            case "brk" -> A64Class.BRK;
            case "hvc" -> A64Class.HVC;
            case "isb" -> A64Class.ISB;
            case "nop" -> A64Class.NOP;
            case "smc" -> A64Class.SMC;
            case "svc" -> A64Class.SVC;
            case "cbz" -> A64Class.CBZ;
            case "cbnz" -> A64Class.CBNZ;
            case "tbz" -> A64Class.TBZ;
            case "tbnz" -> A64Class.TBNZ;
            case "hint", "yield", "wfe", "wfi", "sev", "sevl" -> A64Class.OTHER_HINT;
            default -> A64Class.OTHER;
        };
    }
}
