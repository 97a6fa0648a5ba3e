package dev.textpoke.sim.etm;

import dev.textpoke.io.Bytes;

/**
 * One CPU's waypoint trace as the model emitted it.
 *
 * @param startTsc when tracing started on the CPU
 * @param endTsc   when the CPU stopped
 */
public record EtmStream(int cpu, Bytes bytes, long startTsc, long endTsc) {}
