package dev.textpoke.arm64;

import java.util.List;

/**
 * The two answers for a patch: whether a CPU racing with the store executes either the old or the
 * new instruction ({@code tearSafe}; the broken rules otherwise), and what synchronisation makes
 * the new instruction visible ({@code visibility}).
 */
public record Verdict(Patch patch, CmodxProfile profile, List<Finding> findings) {
    public Verdict {
        findings = List.copyOf(findings);
    }

    public boolean tearSafe() {
        return findings.isEmpty();
    }

    public Visibility visibility() {
        return patch.visibility();
    }

    /**
     * Whether this verdict fails the run: a runtime patch, made while other CPUs may execute the
     * site (not under stop_machine), that is not tear-safe.
     */
    public boolean failsRun() {
        return patch.runtime() && patch.visibility().concurrentExecution() && !tearSafe();
    }

    /** The first broken rule's name, or null when tear-safe. */
    public String rule() {
        return findings.isEmpty() ? null : findings.get(0).rule().id();
    }
}
