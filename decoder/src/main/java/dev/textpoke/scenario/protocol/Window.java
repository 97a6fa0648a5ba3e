package dev.textpoke.scenario.protocol;

/**
 * An interval in which CPU {@code cpu} could execute either the old or the new instruction at a
 * site, as the protocol ran it (the ground truth's window: from the store to the CPU's own context
 * synchronisation).
 */
public record Window(String site, long address, int batch, int cpu, long from, long to) {}
