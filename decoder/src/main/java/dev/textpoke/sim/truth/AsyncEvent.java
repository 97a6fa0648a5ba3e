package dev.textpoke.sim.truth;

import dev.textpoke.sim.exec.AsyncKind;

/**
 * An asynchronous branch a CPU took: from {@code from} to the handler at {@code to}, at {@code
 * tsc}, after {@code instructionsBefore} of its instructions.
 */
public record AsyncEvent(int cpu, long tsc, long from, long to, AsyncKind kind, boolean user,
        long instructionsBefore) {}
