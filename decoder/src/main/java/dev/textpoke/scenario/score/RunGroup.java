package dev.textpoke.scenario.score;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stretches of one kind at one site in one protocol phase, taken together: how many, how many
 * instructions, on which CPUs, from when, and the reason the first one gave. A loop that passes a
 * site a thousand times after a decoder read it wrong makes a thousand stretches and one group.
 */
public record RunGroup(Run.Kind kind, String site, String phase, long stretches, long instructions, long firstTsc,
        List<Integer> cpus, String why) {
    public RunGroup {
        cpus = List.copyOf(cpus);
    }

    /** The groups of {@code runs}, in the order their first stretch came. */
    public static List<RunGroup> of(List<Run> runs) {
        Map<String, List<Run>> by = new LinkedHashMap<>();
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Long.compare(a.tsc(), b.tsc()));
        for (Run r : sorted) {
            by.computeIfAbsent(r.kind() + "\u0000" + r.site() + "\u0000" + r.phase(), k -> new ArrayList<>()).add(r);
        }
        List<RunGroup> out = new ArrayList<>();
        for (List<Run> g : by.values()) {
            Run first = g.get(0);
            long n = 0;
            List<Integer> cpus = new ArrayList<>();
            for (Run r : g) {
                n += r.count();
                if (!cpus.contains(r.cpu())) {
                    cpus.add(r.cpu());
                }
            }
            cpus.sort(Integer::compare);
            out.add(new RunGroup(first.kind(), first.site(), first.phase(), g.size(), n, first.tsc(), cpus, first.why()));
        }
        return out;
    }
}
