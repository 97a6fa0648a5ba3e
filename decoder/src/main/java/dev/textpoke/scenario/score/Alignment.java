package dev.textpoke.scenario.score;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a decode against what ran. Both are sequences of instructions (address and bytes); they
 * are walked together: equal instructions are right (or ambiguous, when the decoder marked them
 * so); where they part, the nearest place at which they agree again for {@link #ANCHOR}
 * instructions (the fewest instructions skipped on both sides together, within {@link #REACH}) ends
 * the stretch: the decoded instructions skipped are wrong, the executed ones skipped are missed.
 * A stretch the decoder marked ambiguous is taken whole, and what ran there is the executed
 * instructions up to the next agreement. Executed instructions after the last decoded one are
 * not counted (they ran after the trace's last packet).
 */
public final class Alignment {
    /** Instructions that must agree for the two sequences to be back in step. */
    static final int ANCHOR = 8;
    /** How far ahead, on either side, an agreement is looked for. */
    static final int REACH = 4096;
    /** Executed instructions shown to the attribution before a stretch. */
    static final int CONTEXT = 16;

    private final List<Truth> truth;
    private final List<Decoded> decoded;
    private final Map<String, List<Integer>> positions = new HashMap<>();

    private Alignment(List<Truth> truth, List<Decoded> decoded) {
        this.truth = truth;
        this.decoded = decoded;
        for (int i = 0; i < truth.size(); i++) {
            positions.computeIfAbsent(key(truth.get(i).address(), truth.get(i).hex()), k -> new ArrayList<>()).add(i);
        }
    }

    private static String key(long address, String hex) {
        return Long.toHexString(address) + ":" + hex;
    }

    /**
     * Scores CPU {@code cpu}'s decode.
     *
     * @param desyncs the decoder's desynchronisations (its mismatch reports)
     */
    public static CpuScore score(int cpu, List<Truth> truth, List<Decoded> decoded, long desyncs, Attribution why) {
        return new Alignment(truth, decoded).run(cpu, desyncs, why);
    }

    private boolean same(int t, int j) {
        Truth a = truth.get(t);
        Decoded b = decoded.get(j);
        return a.address() == b.address() && a.hex().equals(b.hex());
    }

    /** Whether the sequences agree from {@code t} and {@code j} on for ANCHOR instructions (or to the decode's end). */
    private boolean agree(int t, int j) {
        for (int k = 0; k < ANCHOR; k++) {
            if (j + k >= decoded.size()) {
                return true;
            }
            if (t + k >= truth.size() || !same(t + k, j + k)) {
                return false;
            }
        }
        return true;
    }

    /** The nearest agreement at or after (t, j): {dt, dj}, or null within the reach. */
    private int[] resync(int t, int j, boolean decodedFixed) {
        int best = Integer.MAX_VALUE;
        int[] found = null;
        int maxDj = decodedFixed ? 0 : REACH;
        for (int dj = 0; dj <= maxDj && j + dj < decoded.size() && dj < best; dj++) {
            Decoded d = decoded.get(j + dj);
            List<Integer> at = positions.get(key(d.address(), d.hex()));
            if (at == null) {
                continue;
            }
            int from = lowerBound(at, t);
            for (int p = from; p < at.size(); p++) {
                int dt = at.get(p) - t;
                if (dt > REACH || dt + dj >= best) {
                    break;
                }
                if (agree(at.get(p), j + dj)) {
                    best = dt + dj;
                    found = new int[] {dt, dj};
                    break;
                }
            }
        }
        return found;
    }

    private static int lowerBound(List<Integer> l, int v) {
        int lo = 0;
        int hi = l.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (l.get(mid) < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private CpuScore run(int cpu, long desyncs, Attribution why) {
        int t = 0;
        int j = 0;
        long correct = 0;
        long wrong = 0;
        long ambiguous = 0;
        long missed = 0;
        List<Run> runs = new ArrayList<>();
        int n = decoded.size();
        while (j < n) {
            if (decoded.get(j).ambiguous()) {
                int end = j;
                while (end < n && decoded.get(end).ambiguous()) {
                    end++;
                }
                ambiguous += end - j;
                int[] r = end < n ? resync(t, end, true) : null;
                int dt = r != null ? r[0] : Math.max(0, Math.min(truth.size() - t, end - j));
                runs.add(run(Run.Kind.AMBIGUOUS, cpu, j, t, end - j, why));
                t += dt;
                j = end;
                continue;
            }
            if (t < truth.size() && same(t, j)) {
                correct++;
                t++;
                j++;
                continue;
            }
            int[] r = resync(t, j, false);
            if (r == null) {
                // Nothing ahead agrees: this decoded instruction is wrong; look again from the next.
                runs.add(run(Run.Kind.WRONG, cpu, j, t, 1, why));
                wrong++;
                j++;
                continue;
            }
            if (r[1] > 0) {
                runs.add(run(Run.Kind.WRONG, cpu, j, t, r[1], why));
                wrong += r[1];
            }
            if (r[0] > 0) {
                runs.add(run(Run.Kind.MISSED, cpu, j, t, r[0], why));
                missed += r[0];
            }
            t += r[0];
            j += r[1];
        }
        return new CpuScore(cpu, truth.size(), n, correct, wrong, ambiguous, missed, desyncs, merge(runs));
    }

    private Run run(Run.Kind kind, int cpu, int j, int t, long count, Attribution why) {
        long tsc = t < truth.size() ? truth.get(t).tsc() : truth.isEmpty() ? 0 : truth.get(truth.size() - 1).tsc();
        long address = kind == Run.Kind.MISSED || j >= decoded.size()
                ? (t < truth.size() ? truth.get(t).address() : 0) : decoded.get(j).address();
        List<Truth> context = truth.subList(Math.max(0, t - CONTEXT), Math.min(truth.size(), t + (int) Math.min(count, 64) + 1));
        List<Decoded> mine = kind == Run.Kind.MISSED ? List.of()
                : decoded.subList(j, (int) Math.min(decoded.size(), j + Math.min(count, 64)));
        Attribution.Cause c = why.explain(kind, cpu, tsc, context, mine);
        return new Run(kind, cpu, j, t, count, tsc, address, c.site(), c.phase(), c.why());
    }

    /** Adjacent stretches of the same kind and cause become one. */
    private static List<Run> merge(List<Run> runs) {
        List<Run> out = new ArrayList<>();
        for (Run r : runs) {
            Run last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.kind() == r.kind() && last.site().equals(r.site()) && last.phase().equals(r.phase())
                    && last.decodedIndex() + (r.kind() == Run.Kind.MISSED ? 0 : last.count()) == r.decodedIndex()) {
                out.set(out.size() - 1, new Run(last.kind(), last.cpu(), last.decodedIndex(), last.truthIndex(),
                        last.count() + r.count(), last.tsc(), last.address(), last.site(), last.phase(), last.why()));
            } else {
                out.add(r);
            }
        }
        return out;
    }
}
