package dev.textpoke.scenario.spec;

import java.util.List;

/**
 * A key of the workload: what its sites are ({@code jump_label}, {@code ftrace}, {@code
 * static_call}), the states it may take and the one the image holds.
 */
public record KeyInfo(String key, String kind, List<String> states, String initial, int line) {
    public KeyInfo {
        states = List.copyOf(states);
    }
}
