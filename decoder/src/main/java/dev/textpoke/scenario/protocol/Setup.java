package dev.textpoke.scenario.protocol;

import dev.textpoke.scenario.workload.BuiltProgram;
import java.util.List;

/**
 * What a protocol patches: the compiled program, the batches in time order, the CPUs, which of them
 * patches, and the seed of the choices the architecture leaves open.
 */
public record Setup(BuiltProgram program, List<Batch> batches, int cpus, int patcher, long seed) {
    public Setup {
        batches = List.copyOf(batches);
    }
}
