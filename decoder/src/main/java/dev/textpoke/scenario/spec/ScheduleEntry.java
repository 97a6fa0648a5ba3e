package dev.textpoke.scenario.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of the patching schedule: at {@code at} ticks after the start, the keys in {@code set}
 * take their new states ({@code "true"}/{@code "false"}, or a static call's target), in one batch.
 */
public record ScheduleEntry(long at, Map<String, String> set, int line) {
    public ScheduleEntry {
        set = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(set));
    }
}
