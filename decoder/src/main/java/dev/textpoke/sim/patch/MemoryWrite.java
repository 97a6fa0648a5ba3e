package dev.textpoke.sim.patch;

import dev.textpoke.code.Modification;
import dev.textpoke.code.SiteKind;
import dev.textpoke.code.Switch;
import dev.textpoke.io.Bytes;
import java.util.Objects;

/**
 * A physical write to code memory: at {@code tsc}, {@code oldBytes} at {@code address} become
 * {@code newBytes}, for every CPU's fetches from then on (x86 keeps instruction fetch coherent
 * with stores; a protocol that wants a CPU to keep seeing old bytes says so with a {@link
 * dev.textpoke.sim.code.CodeOverlay}). Includes the states a trace never records, such as the
 * {@code int3} of the kernel's three-phase protocol. An empty {@code oldBytes} creates text.
 *
 * @param cpu  the CPU that wrote, or {@link Modification#NO_CPU}
 * @param kind the kind of site written, for the ground truth's memory timeline
 */
public record MemoryWrite(long tsc, int cpu, long address, Bytes oldBytes, Bytes newBytes, SiteKind kind) {
    public MemoryWrite {
        Objects.requireNonNull(oldBytes, "oldBytes");
        Objects.requireNonNull(newBytes, "newBytes");
        Objects.requireNonNull(kind, "kind");
        if (newBytes.isEmpty()) {
            throw new IllegalArgumentException("a write writes at least one byte");
        }
        if (!oldBytes.isEmpty() && oldBytes.length() != newBytes.length()) {
            throw new IllegalArgumentException("a write replaces as many bytes as it writes");
        }
    }

    /** The write as a change of the memory timeline, at a switch point. */
    public Modification modification() {
        return new Modification(address, oldBytes, newBytes, Switch.point(tsc), cpu, kind);
    }
}
