package dev.textpoke.code;

import java.util.Objects;

/**
 * A named address range of a base image.
 *
 * @param size the size in bytes, or 0 when the source gives none (kallsyms): such a symbol extends
 *     to the next symbol
 */
public record Symbol(String name, long address, long size) {
    public Symbol {
        Objects.requireNonNull(name, "name");
        if (size < 0) {
            throw new IllegalArgumentException("symbol " + name + " has a negative size");
        }
    }
}
