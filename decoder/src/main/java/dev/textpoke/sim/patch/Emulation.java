package dev.textpoke.sim.patch;

import dev.textpoke.io.Bytes;
import dev.textpoke.sim.exec.Decider;
import dev.textpoke.sim.exec.TrapAction;

/**
 * What the kernel's INT3 handler does in place of an instruction being written: it emulates the
 * <em>new</em> instruction (arch/x86/kernel/alternative.c: {@code text_poke_loc_init} decodes the
 * new opcode, {@code smp_text_poke_int3_handler} emulates it with {@code int3_emulate_jmp},
 * {@code int3_emulate_call}, {@code int3_emulate_jcc}; a NOP is emulated as a jump to the next
 * instruction). Recognised: {@code jmp rel8/rel32}, {@code call rel32}, {@code jcc rel32} (6 bytes,
 * the kernel's {@code 0f 8x}), and the nops of 1 to 8 bytes {@code x86_nops} holds (their first
 * byte {@code 90}, {@code 66 90}, {@code 0f 1f}).
 */
public final class Emulation {
    private final long site;
    private final int length;
    private final Kind kind;
    private final long target;

    private enum Kind { JMP, CALL, JCC, NOP }

    private Emulation(long site, int length, Kind kind, long target) {
        this.site = site;
        this.length = length;
        this.kind = kind;
        this.target = target;
    }

    /**
     * The emulation of {@code insn} at {@code site}.
     *
     * @throws IllegalArgumentException for an instruction the kernel's handler does not emulate
     */
    public static Emulation of(long site, Bytes insn) {
        int n = insn.length();
        int b0 = insn.get(0);
        if (b0 == 0xe9 && n == 5) {
            return new Emulation(site, n, Kind.JMP, site + n + rel32(insn, 1));
        }
        if (b0 == 0xeb && n == 2) {
            return new Emulation(site, n, Kind.JMP, site + n + (byte) insn.get(1));
        }
        if (b0 == 0xe8 && n == 5) {
            return new Emulation(site, n, Kind.CALL, site + n + rel32(insn, 1));
        }
        if (b0 == 0x0f && n == 6 && (insn.get(1) & 0xf0) == 0x80) {
            return new Emulation(site, n, Kind.JCC, site + n + rel32(insn, 2));
        }
        boolean nop = b0 == 0x90 || (b0 == 0x66 && n >= 2) || (b0 == 0x0f && n >= 3 && insn.get(1) == 0x1f);
        if (nop && n <= 8) {
            return new Emulation(site, n, Kind.NOP, site + n);
        }
        throw new IllegalArgumentException("the INT3 handler does not emulate " + insn.spacedHex());
    }

    private static long rel32(Bytes b, int at) {
        return (int) (b.get(at) | b.get(at + 1) << 8 | b.get(at + 2) << 16 | b.get(at + 3) << 24);
    }

    /** The handler's action for a CPU that trapped on the site. */
    public TrapAction action(Decider decider) {
        return switch (kind) {
            case JMP, NOP -> TrapAction.resumeAt(target);
            case CALL -> TrapAction.emulateCall(target, site + length);
            case JCC -> TrapAction.resumeAt(decider.taken(site) ? target : site + length);
        };
    }
}
