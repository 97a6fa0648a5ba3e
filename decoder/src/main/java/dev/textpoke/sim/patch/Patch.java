package dev.textpoke.sim.patch;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import dev.textpoke.sim.program.Site;
import java.util.Objects;

/**
 * One instruction to replace: at {@code address}, {@code oldBytes} (what memory holds when the
 * protocol starts) by {@code newBytes} of the same length.
 */
public record Patch(long address, Bytes oldBytes, Bytes newBytes, SiteKind kind) {
    public Patch {
        Objects.requireNonNull(oldBytes, "oldBytes");
        Objects.requireNonNull(newBytes, "newBytes");
        Objects.requireNonNull(kind, "kind");
        if (oldBytes.isEmpty() || oldBytes.length() != newBytes.length()) {
            throw new IllegalArgumentException("a patch replaces an instruction by one of the same length: "
                    + oldBytes + " -> " + newBytes);
        }
    }

    /** The site switched to its alternate state. */
    public static Patch enable(Site s) {
        return new Patch(s.address(), s.initial(), s.alternate(), s.kind());
    }

    /** The site switched back to its initial state. */
    public static Patch disable(Site s) {
        return new Patch(s.address(), s.alternate(), s.initial(), s.kind());
    }

    public int length() {
        return newBytes.length();
    }
}
