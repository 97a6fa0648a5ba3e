package dev.textpoke.scenario.score;

/** Says which site and protocol phase a stretch of a decode belongs to, and why it went wrong. */
@FunctionalInterface
public interface Attribution {
    /** What a cause is: the site's name (or "-"), the phase, and a reason. */
    record Cause(String site, String phase, String why) {}

    /**
     * @param kind     what the stretch is
     * @param cpu      the CPU
     * @param tsc      when what ran there began
     * @param truth    the executed instructions around the stretch (from a few before it)
     * @param decoded  the decoded instructions of the stretch
     */
    Cause explain(Run.Kind kind, int cpu, long tsc, java.util.List<Truth> truth, java.util.List<Decoded> decoded);

    static Attribution none() {
        return (k, c, t, tr, d) -> new Cause("-", "-", "");
    }
}
