package dev.textpoke.scenario.score;

/**
 * One instruction a decoder reported: its address and bytes (hex, no spaces), whether it was
 * marked ambiguous, and the time it was reported with (TSC).
 */
public record Decoded(long address, String hex, boolean ambiguous, long tsc) {}
