package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.Arrays;

/**
 * Bytes of code at an address as the model knows them: each byte is either known or not (a gap:
 * no image or region covered it, or its text was released). Immutable.
 */
public final class CodeBytes {
    private final long address;
    private final byte[] data;
    private final boolean[] known;

    /** Takes ownership of both arrays; unknown bytes must be 0 in {@code data}. */
    CodeBytes(long address, byte[] data, boolean[] known) {
        this.address = address;
        this.data = data;
        this.known = known;
    }

    public long address() {
        return address;
    }

    public int length() {
        return data.length;
    }

    /** Whether the byte at {@code address() + index} is known. */
    public boolean isKnown(int index) {
        return known[index];
    }

    /** The byte at {@code address() + index} as 0..255; 0 when it is not known. */
    public int get(int index) {
        return data[index] & 0xff;
    }

    /** How many bytes from the start are known before the first gap. */
    public int knownPrefix() {
        for (int i = 0; i < known.length; i++) {
            if (!known[i]) {
                return i;
            }
        }
        return known.length;
    }

    public boolean allKnown() {
        return knownPrefix() == known.length;
    }

    public boolean noneKnown() {
        for (boolean k : known) {
            if (k) {
                return false;
            }
        }
        return true;
    }

    /** The bytes, with 0 where a byte is not known. */
    public Bytes bytes() {
        return Bytes.of(data);
    }

    /** Whether every byte is known and equal to {@code expected}. */
    public boolean matches(Bytes expected) {
        return allKnown() && expected.contentEquals(data, 0, data.length);
    }

    /** Hex with a space between bytes and {@code ??} for unknown ones: {@code "0f 1f ?? 00"}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(data.length * 3);
        for (int i = 0; i < data.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            if (known[i]) {
                sb.append(Character.forDigit((data[i] >> 4) & 0xf, 16))
                        .append(Character.forDigit(data[i] & 0xf, 16));
            } else {
                sb.append("??");
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodeBytes c && c.address == address && Arrays.equals(c.data, data)
                && Arrays.equals(c.known, known);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(address) * 31 + Arrays.hashCode(data);
    }
}
