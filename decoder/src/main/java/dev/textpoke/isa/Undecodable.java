package dev.textpoke.isa;

/**
 * Bytes that are not an instruction the disassembler knows, or too few bytes to hold one
 * ({@code available} is how many were given).
 */
public record Undecodable(long address, int available) implements Decoded {}
