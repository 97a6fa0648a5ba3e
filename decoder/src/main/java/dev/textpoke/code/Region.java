package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.Objects;
import java.util.Optional;

/**
 * Code that exists for part of the trace only, announced at run time (a KSYMBOL record): {@code
 * [address, address + length)} from time {@code from} (inclusive) to {@code to} (exclusive). Its
 * bytes are {@code content} when the trace carries them (a BPF program's JIT image), otherwise
 * unknown until modifications fill them; after {@code to} they are unknown again.
 *
 * @param from {@link Long#MIN_VALUE} when the region existed before the trace began
 * @param to {@link Long#MAX_VALUE} when the trace never saw it go
 */
public record Region(String name, RegionType type, long address, long length, long from, long to,
        Optional<Bytes> content) {

    public Region {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(content, "content");
        if (length <= 0 || Long.compareUnsigned(address + length - 1, address) < 0) {
            throw new IllegalArgumentException("region " + name + " at 0x" + Long.toHexString(address)
                    + " has a bad length " + length);
        }
        if (to < from) {
            throw new IllegalArgumentException("region " + name + " ends before it begins");
        }
        if (content.isPresent() && content.get().length() != length) {
            throw new IllegalArgumentException("region " + name + " has " + content.get().length()
                    + " bytes of content for a length of " + length);
        }
    }

    public boolean contains(long addr) {
        return Long.compareUnsigned(addr - address, length) < 0;
    }

    public boolean aliveAt(long time) {
        return from <= time && time < to;
    }
}
