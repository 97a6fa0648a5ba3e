package dev.textpoke.scenario.spec;

import dev.textpoke.isa.Isa;
import dev.textpoke.scenario.workload.AsmWorkload;
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
 * @param workload  the workload as statements, or null when it is given as assembly
 * @param asm       the workload as assembly, or null
 */
public record Scenario(String name, String file, String description, long seed, long duration, int patcher,
        List<String> protocols, Timing timing, Workload workload, Map<String, KeyInfo> keys,
        List<ScheduleEntry> schedule, AsmWorkload asm) {
    public Scenario {
        protocols = List.copyOf(protocols);
        keys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keys));
        schedule = List.copyOf(schedule);
        if ((workload == null) == (asm == null)) {
            throw new IllegalArgumentException("a scenario has statements or assembly");
        }
    }

    /** A scenario of statements. */
    public Scenario(String name, String file, String description, long seed, long duration, int patcher,
            List<String> protocols, Timing timing, Workload workload, Map<String, KeyInfo> keys,
            List<ScheduleEntry> schedule) {
        this(name, file, description, seed, duration, patcher, protocols, timing, workload, keys, schedule, null);
    }

    public int cpus() {
        return workload != null ? workload.cpus().size() : asm.cpus().size();
    }

    public List<Workload.Irq> interrupts() {
        return workload != null ? workload.interrupts() : asm.interrupts();
    }

    /** Whether the workload can run on {@code isa} (statements run anywhere; assembly where it is given). */
    public boolean runsOn(Isa isa) {
        return workload != null || asm.sources().containsKey(isa);
    }
}
