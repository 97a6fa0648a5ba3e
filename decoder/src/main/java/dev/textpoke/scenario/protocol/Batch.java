package dev.textpoke.scenario.protocol;

import java.util.List;

/**
 * The sites one schedule entry switches, patched together (the kernel batches a key's sites:
 * {@code jump_label_update} queues every entry and applies them at once).
 *
 * @param start the TSC at which the patcher starts
 * @param line  the scenario file line of the schedule entry
 */
public record Batch(int index, long start, List<SitePatch> patches, int line) {
    public Batch {
        patches = List.copyOf(patches);
    }
}
