package dev.textpoke.sim.program;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import java.util.Objects;

/**
 * A place in a program the kernel patches at run time: a jump label (2 or 5 bytes), an ftrace call
 * site, a kprobe-able instruction. {@code initial} is what the image holds; {@code alternate} is
 * the other state (the {@code jmp} of a jump label that starts as a nop, the {@code call} to the
 * trampoline of an ftrace site, the {@code int3} of a kprobe).
 *
 * @param name    a name for messages and scenario files (the function and the kind)
 * @param target  where the alternate branches to (jump label target, ftrace trampoline), or 0
 */
public record Site(String name, SiteKind kind, long address, Bytes initial, Bytes alternate, long target) {
    public Site {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(alternate, "alternate");
        if (initial.isEmpty() || alternate.isEmpty()) {
            throw new IllegalArgumentException("a site has bytes in both states");
        }
    }

    /** How many bytes from {@code address} the site spans (its longer state). */
    public int length() {
        return Math.max(initial.length(), alternate.length());
    }
}
