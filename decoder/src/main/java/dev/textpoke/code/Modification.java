package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.Objects;

/**
 * One change of code bytes: at {@code address}, {@code oldBytes} were replaced by {@code newBytes}
 * when {@code switching} says.
 *
 * <p>The lengths differ only for out-of-line text: an old length of 0 creates text (an ftrace
 * trampoline or kprobe slot is filled), a new length of 0 releases it. In general the bytes from
 * {@code address + newBytes.length()} up to {@code address + oldBytes.length()} are no longer known
 * afterwards.
 *
 * @param cpu the CPU that made the change, or {@link #NO_CPU}
 */
public record Modification(long address, Bytes oldBytes, Bytes newBytes, Switch switching, int cpu,
        SiteKind kind) {

    public static final int NO_CPU = -1;

    public Modification {
        Objects.requireNonNull(oldBytes, "oldBytes");
        Objects.requireNonNull(newBytes, "newBytes");
        Objects.requireNonNull(switching, "switching");
        Objects.requireNonNull(kind, "kind");
        if (oldBytes.isEmpty() && newBytes.isEmpty()) {
            throw new IllegalArgumentException("a modification changes at least one byte");
        }
        int span = Math.max(oldBytes.length(), newBytes.length());
        if (Long.compareUnsigned(address + span - 1, address) < 0) {
            throw new IllegalArgumentException("modification at 0x" + Long.toHexString(address)
                    + " of " + span + " bytes runs past the end of the address space");
        }
    }

    /** The time of the change: a switch point's time, or the start of an uncertain window. */
    public long time() {
        return switching.start();
    }

    /** How many bytes from {@link #address()} the change touches. */
    public int span() {
        return Math.max(oldBytes.length(), newBytes.length());
    }
}
