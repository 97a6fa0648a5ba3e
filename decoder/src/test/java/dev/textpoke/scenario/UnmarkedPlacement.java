package dev.textpoke.scenario;

import dev.textpoke.scenario.score.Decoded;
import dev.textpoke.scenario.score.Truth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An oracle for a decode with ambiguous stretches that does not depend on how the scorer
 * ({@code scenario.score.Alignment}) places them: whether every run of unmarked decoded
 * instructions can be placed, in order, exactly where those instructions ran, with what ran
 * between two runs at most the ambiguous instructions between them plus a slack, the first run near
 * the CPU's start and the last ending near its end. It searches all placements (the sets of places
 * each run can end at, run after run), so in a loop, where a run fits at every pass, it finds the
 * placement if there is one; the scorer takes, stretch by stretch, the place nearest the stretch's
 * own length. It is the weaker claim where stretches are long: a run may slide to another pass of
 * a loop within a stretch's slack, so a placement shows a decode consistent with what ran, not
 * every instruction at the moment it ran (docs/scenarios.md, "scenario fuzz").
 */
final class UnmarkedPlacement {
    /** Executed instructions an ambiguous stretch may stand for beyond its own length. */
    static final int SLACK = 48;
    /** Executed instructions after the decode's end that may have run after the trace's last packet. */
    static final int TAIL = 64;

    private UnmarkedPlacement() {}

    /** Null when a placement exists, else which run has none. */
    static String problem(List<Truth> truth, List<Decoded> decoded) {
        Map<String, Integer> ids = new HashMap<>();
        int[] ran = new int[truth.size()];
        for (int i = 0; i < ran.length; i++) {
            ran[i] = ids.computeIfAbsent(truth.get(i).address() + ":" + truth.get(i).hex(), k -> ids.size());
        }
        Map<Integer, List<Integer>> at = new HashMap<>();
        for (int i = 0; i < ran.length; i++) {
            at.computeIfAbsent(ran[i], k -> new ArrayList<>()).add(i);
        }
        int[] reach = {0}; // where the next run may start from: the ends of the placements so far
        int marked = 0;
        int j = 0;
        while (j < decoded.size()) {
            if (decoded.get(j).ambiguous()) {
                marked++;
                j++;
                continue;
            }
            int end = j;
            while (end < decoded.size() && !decoded.get(end).ambiguous()) {
                end++;
            }
            int[] run = new int[end - j];
            for (int k = j; k < end; k++) {
                Integer id = ids.get(decoded.get(k).address() + ":" + decoded.get(k).hex());
                if (id == null) {
                    return "decoded instruction " + k + " never ran";
                }
                run[k - j] = id;
            }
            int allowance = marked + SLACK;
            List<Integer> ends = new ArrayList<>();
            for (int p : at.getOrDefault(run[0], List.of())) {
                if (p < reach[0] || p > reach[reach.length - 1] + allowance) {
                    continue;
                }
                int r = Arrays.binarySearch(reach, p);
                int before = r >= 0 ? reach[r] : -r - 2 >= 0 ? reach[-r - 2] : -1;
                if (before >= 0 && p - before <= allowance && p + run.length <= ran.length
                        && Arrays.equals(ran, p, p + run.length, run, 0, run.length)) {
                    ends.add(p + run.length);
                }
            }
            if (ends.isEmpty()) {
                return "decoded instructions " + j + ".." + end + " ran nowhere within " + allowance
                        + " instructions after the places the runs before them can end (" + reach[0] + ".."
                        + reach[reach.length - 1] + ")";
            }
            reach = ends.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
            marked = 0;
            j = end;
        }
        if (ran.length - reach[reach.length - 1] > marked + TAIL) {
            return "the decode ends " + (ran.length - reach[reach.length - 1]) + " instructions before what ran";
        }
        return null;
    }
}
