package dev.textpoke.scenario.protocol;

/**
 * A stretch of time in which a protocol had a site in one state, for one CPU or all: where a
 * decode's errors are attributed and what the page draws.
 *
 * @param cpu  the CPU it concerns, or -1 for all
 * @param name what another CPU may execute at the site then, in a few words
 */
public record Phase(String site, long address, int batch, int cpu, String name, long from, long to) {
    public boolean contains(long tsc, int c) {
        return (cpu < 0 || cpu == c) && from <= tsc && tsc < to;
    }
}
