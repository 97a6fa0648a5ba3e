package dev.textpoke.scenario.protocol;

import dev.textpoke.arm64.A64Class;
import dev.textpoke.arm64.A64Words;
import dev.textpoke.sim.exec.TrapAction;

/**
 * What a breakpoint handler does in place of the word being written, for a brk-mediated arm64
 * scheme in the image of x86's {@code smp_text_poke_int3_handler} (which emulates the new
 * instruction): a NOP resumes after the site, a B at its target, a BL at its target with the link
 * set to the word after the site.
 */
record A64Emulation(long site, int word) {
    A64Emulation {
        A64Class c = A64Class.of(word);
        if (c != A64Class.NOP && c != A64Class.B && c != A64Class.BL) {
            throw new IllegalArgumentException(String.format("the handler emulates NOP, B and BL, not %08x", word));
        }
    }

    TrapAction action() {
        return switch (A64Class.of(word)) {
            case NOP -> TrapAction.resumeAt(site + 4);
            case B -> TrapAction.resumeAt(A64Words.target(word, site));
            default -> TrapAction.emulateCall(A64Words.target(word, site), site + 4);
        };
    }
}
