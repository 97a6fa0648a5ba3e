package dev.textpoke.scenario.workload;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A patch site of a compiled workload: where it is, which key switches it, and its bytes in each
 * state of the key ({@code "false"} and {@code "true"} for jump labels and ftrace sites, a target
 * function's name for a static call).
 *
 * @param name     unique, for messages and pages: {@code function+0xoff}
 * @param function the function holding it
 * @param initial  the state the image holds
 * @param line     the scenario file line of the statement that made it
 */
public record PatchSite(String name, String key, SiteKind kind, long address, String function, String initial,
        Map<String, Bytes> states, int line) {
    public PatchSite {
        states = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(states));
    }

    /** The site's bytes in state {@code state}. */
    public Bytes bytes(String state) {
        Bytes b = states.get(state);
        if (b == null) {
            throw new IllegalArgumentException("site " + name + " has no state " + state + " (" + states.keySet() + ")");
        }
        return b;
    }

    public int length() {
        return states.get(initial).length();
    }
}
