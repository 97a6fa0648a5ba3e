package dev.textpoke.isa;

/** What the bytes at an address decode to: an {@link Instruction} or {@link Undecodable} bytes. */
public sealed interface Decoded permits Instruction, Undecodable {
    long address();
}
