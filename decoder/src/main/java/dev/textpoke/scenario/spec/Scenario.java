package dev.textpoke.scenario.spec;

import dev.textpoke.scenario.workload.Workload;
import java.util.List;
import java.util.Map;

/**
 * A patching scenario as its file describes it: the workload the CPUs run, the keys and the
 * schedule that switches them, the protocols to run it under, the timing of the traces, how long
 * the machine runs (TSC ticks) and the seed of everything left to chance.
 *
 * @param file      the file as the user named it (for messages), or a made-up name
 * @param protocols the protocols to run it under by default (empty: every protocol that applies)
 * @param patcher   the CPU that patches
 * @param keys      every key of the workload, by name
 */
public record Scenario(String name, String file, String description, long seed, long duration, int patcher,
        List<String> protocols, Timing timing, Workload workload, Map<String, KeyInfo> keys,
        List<ScheduleEntry> schedule) {
    public Scenario {
        protocols = List.copyOf(protocols);
        keys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keys));
        schedule = List.copyOf(schedule);
    }

    public int cpus() {
        return workload.cpus().size();
    }
}
