package dev.textpoke.sim.truth;

import dev.textpoke.sim.code.Insn;

/**
 * One instruction a CPU executed: the {@code index}-th of that CPU's (from 0, counting every
 * privilege level), at {@code tsc}, the bytes it ran ({@code insn}), at CPL 3 when {@code user}.
 */
public record Executed(int cpu, long index, long tsc, Insn insn, boolean user) {
    public long ip() {
        return insn.address();
    }
}
