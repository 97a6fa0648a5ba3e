package dev.textpoke.perf.record;

import dev.textpoke.io.Bytes;

/**
 * STACK_USER: {@code u64 size; u8 data[size]; u64 dyn_size} (no dyn_size when size is 0); the
 * first {@code dynSize} bytes of {@code data} are the stack, the rest is padding.
 */
public record UserStack(long size, Bytes data, long dynSize) {}
