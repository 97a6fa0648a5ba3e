package dev.textpoke.sim.asm;

/**
 * A position in code being assembled: bound once with {@link Assembler#bind}, referenced by any
 * number of instructions before or after. Labels compare by identity; the name is for symbols and
 * messages.
 */
public final class Label {
    private final String name;

    Label(String name) {
        this.name = name;
    }

    /** The symbol name, or {@code null} for an anonymous label. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name != null ? name : "label@" + Integer.toHexString(System.identityHashCode(this));
    }
}
