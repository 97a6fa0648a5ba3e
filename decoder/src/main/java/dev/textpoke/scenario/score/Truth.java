package dev.textpoke.scenario.score;

/** One instruction a CPU executed, as the ground truth has it: address, bytes (hex) and time. */
public record Truth(long address, String hex, long tsc) {}
