package dev.textpoke.sim.code;

import dev.textpoke.io.Bytes;
import java.util.Objects;

/**
 * For a while, one CPU (or every CPU) fetches other bytes than memory holds at some addresses: the
 * old instruction after a write it has not synchronised with yet, a torn mix of old and new, a
 * breakpoint. The hook through which a patching protocol constrains what another CPU may see.
 *
 * @param cpu     the CPU that sees {@code bytes}, or {@link #ALL_CPUS}
 * @param address where {@code bytes} start
 * @param from    first time (TSC) the CPU fetches them
 * @param to      first time it fetches memory again ({@code from < to})
 */
public record CodeOverlay(int cpu, long address, Bytes bytes, long from, long to) {
    public static final int ALL_CPUS = -1;

    public CodeOverlay {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.isEmpty()) {
            throw new IllegalArgumentException("an overlay covers at least one byte");
        }
        if (to <= from) {
            throw new IllegalArgumentException("an overlay needs from < to: [" + from + ", " + to + ")");
        }
        if (cpu < ALL_CPUS) {
            throw new IllegalArgumentException("bad cpu " + cpu);
        }
    }

    /** Whether it applies to {@code c} at {@code tsc}. */
    public boolean appliesTo(int c, long tsc) {
        return (cpu == ALL_CPUS || cpu == c) && from <= tsc && tsc < to;
    }

    /** Whether it covers a byte of {@code [start, start + len)}. */
    public boolean overlaps(long start, int len) {
        long d = address - start; // modulo 2^64: small only when the ranges are near each other
        return d >= 0 ? d < len : -d < bytes.length();
    }
}
