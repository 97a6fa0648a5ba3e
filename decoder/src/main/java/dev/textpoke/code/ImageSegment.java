package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.Objects;

/** Bytes of a base image loaded at an address: {@code [address, address + bytes.length())}. */
public record ImageSegment(long address, Bytes bytes) {
    public ImageSegment {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length() > 0 && Long.compareUnsigned(address + bytes.length() - 1, address) < 0) {
            throw new IllegalArgumentException("segment at 0x" + Long.toHexString(address) + " of "
                    + bytes.length() + " bytes runs past the end of the address space");
        }
    }

    /** The last address of the segment (inclusive), so that a segment may end at 2^64. */
    public long last() {
        return address + bytes.length() - 1;
    }
}
