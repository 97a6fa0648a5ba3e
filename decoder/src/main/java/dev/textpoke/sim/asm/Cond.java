package dev.textpoke.sim.asm;

/**
 * Condition codes of Jcc, in encoding order: {@code 70+cc} (rel8) and {@code 0F 80+cc} (rel32)
 * (Intel SDM Vol. 2, Jcc).
 */
public enum Cond {
    O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G;

    /** The 4-bit condition field. */
    public int code() {
        return ordinal();
    }

    /** The mnemonic suffix as yasm and objdump accept it ({@code jne}). */
    public String mnemonic() {
        return "j" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
