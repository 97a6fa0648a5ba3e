package dev.textpoke.scenario;

/**
 * What one CPU did, from the ground truth: instructions it executed at the traced privilege
 * levels, breakpoint hits at patch sites (int3 or brk), executions of a site whose bytes were
 * none of its states (torn), instructions executed at a site in a state other than the one the
 * decoder's timeline gives at that time (stale), and why it stopped.
 */
public record CpuTruth(int cpu, long executed, long trapHits, long torn, long stale, String halt) {}
