package dev.textpoke.code;

/** An address as a symbol plus an offset: {@code "schedule+0x1f"}. */
public record SymbolOffset(String name, long offset) {
    @Override
    public String toString() {
        return offset == 0 ? name : name + "+0x" + Long.toHexString(offset);
    }
}
