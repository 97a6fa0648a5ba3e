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
 * instructions up to the nearest place at which what ran agrees with every decoded instruction
 * between it and the next ambiguous stretch ({@link #alongside}). Of the executed instructions
 * after the last decoded one, all but the last {@link #TAIL} (which may have run after the trace's
 * last packet) are missed.
 */
public final class Alignment {
    /** Instructions that must agree for the two sequences to be back in step. */
    static final int ANCHOR = 8;
    /** How far ahead, on either side, an agreement is looked for. */
    static final int REACH = 4096;
    /**
     * How many executed instructions beyond its own length an ambiguous stretch may stand for (and
     * how far on either side of that length the fallbacks of {@link #alongside} look), and how many
     * decoded instructions after it are compared at most.
     */
    static final int NEAR = 48;
    static final int LONG_ANCHOR = 2048;
    /** Places compared per search, and decoded instructions counted wrong at once when nothing agrees. */
    static final int BUDGET = 1 << 16;
    static final int SKIP = 16;
    /** Instructions that must agree far ahead, and how many places are tried there. */
    static final int FAR_ANCHOR = 32;
    static final int FAR_TRIES = 64;
    /** Executed instructions after the last decoded one that may have run after the trace's last packet. */
    static final int TAIL = 64;
    /** Executed instructions shown to the attribution before a stretch. */
    static final int CONTEXT = 16;
    /**
     * How far (TSC ticks) what ran may lie before a decoded instruction's time, and after the next
     * later time in the decode, and still be timely: a decoder reports the time of the last timing
     * packet (the ETM decoder exactly; the Intel PT decoder from its clock, a few ticks either way).
     */
    static final long EARLY = 64;
    static final long LATE = 4;

    private final List<Truth> truth;
    private final List<Decoded> decoded;
    private final Map<String, List<Integer>> positions = new HashMap<>();
    /** For each decoded instruction, the next later time the decode reports (Long.MAX_VALUE: none). */
    private final long[] nextTime;

    private Alignment(List<Truth> truth, List<Decoded> decoded) {
        this.truth = truth;
        this.decoded = decoded;
        this.nextTime = new long[decoded.size()];
        long next = Long.MAX_VALUE;
        for (int j = decoded.size() - 1; j >= 0; j--) {
            long tsc = decoded.get(j).tsc();
            nextTime[j] = next > tsc ? next : Long.MAX_VALUE; // times that go back (a resync) bound nothing
            if (j > 0 && decoded.get(j - 1).tsc() < tsc) {
                next = tsc;
            }
        }
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

    /**
     * How many executed instructions an ambiguous stretch of {@code length} decoded ones stands for.
     * The evidence is the decoded instructions after the stretch up to the next ambiguous one (the
     * gap; at most {@link #LONG_ANCHOR}): what comes after that is the next stretch's to place, and
     * its reading may differ from what ran. Tried in order of nearness to {@code length}:
     * <ol>
     * <li>any count up to {@code length} + {@link #NEAR} after which what ran agrees with the whole
     *     gap, at the time the decoder gives the gap's first instruction ({@link #timely}): a
     *     stretch can stand for far fewer instructions than it has (a loop read with more passes
     *     than ran), and in a loop through the site a short gap fits every pass, where only the
     *     time tells them apart (measuring agreement past the gap, into the next stretch's
     *     reading, once moved placements a pass or two on, and a decode with nothing wrong scored
     *     wrong);
     * <li>a count within {@link #NEAR} of {@code length} that agrees with the whole gap, whatever
     *     the time;
     * <li>the count within {@link #NEAR} that agrees longest, when that is an anchor or the rest of
     *     the decode (a loop read with another iteration count comes back in step only at its
     *     exit);
     * <li>the nearest agreement further on.
     * </ol>
     */
    private int alongside(int t, int j, int length) {
        int gap = 0;
        while (j + gap < decoded.size() && gap < LONG_ANCHOR && !decoded.get(j + gap).ambiguous()) {
            gap++;
        }
        int agreeing = -1;
        int best = -1;
        int bestLen = -1;
        for (int delta = 0; delta <= length + NEAR; delta++) {
            for (int dt : new int[] {length + delta, length - delta}) {
                if (dt < 0 || t + dt > truth.size() || (delta > NEAR && dt > length)) {
                    continue;
                }
                int len = agreement(t + dt, j, gap);
                if (len == gap && timely(t + dt, j)) {
                    return dt;
                }
                if (delta <= NEAR) {
                    if (len == gap && agreeing < 0) {
                        agreeing = dt;
                    }
                    if (len > bestLen) {
                        bestLen = len;
                        best = dt;
                    }
                }
                if (delta == 0) {
                    break;
                }
            }
        }
        if (agreeing >= 0) {
            return agreeing;
        }
        if (bestLen >= ANCHOR || (bestLen >= 0 && j + bestLen >= decoded.size())) {
            return best;
        }
        int[] r = resync(t, j, true);
        return r != null ? r[0] : Math.max(0, Math.min(truth.size() - t, length));
    }

    /** Whether executed instruction {@code t} ran within the time the decode gives instruction {@code j}. */
    private boolean timely(int t, int j) {
        if (t >= truth.size()) {
            return true;
        }
        long ran = truth.get(t).tsc();
        long from = decoded.get(j).tsc();
        return ran >= from - EARLY && (nextTime[j] == Long.MAX_VALUE || ran <= nextTime[j] + LATE);
    }

    /** How many instructions the sequences agree for from {@code t} and {@code j} (at most {@code max}). */
    private int agreement(int t, int j, int max) {
        int k = 0;
        while (k < max && j + k < decoded.size() && t + k < truth.size() && same(t + k, j + k)) {
            k++;
        }
        return k;
    }

    /** Whether the sequences agree from {@code t} and {@code j} on for {@code n} instructions (or to the decode's end). */
    private boolean agree(int t, int j, int n) {
        for (int k = 0; k < n; k++) {
            if (j + k >= decoded.size()) {
                return true;
            }
            if (t + k >= truth.size() || !same(t + k, j + k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The nearest agreement at or after (t, j): {dt, dj}, or null. Looked for within growing reaches
     * (most stretches end within a few instructions), then, for a decode that skipped far ahead (a
     * resynchronisation after lost trace), at the first later place where the next decoded
     * instructions agree with what ran for {@link #FAR_ANCHOR} instructions.
     */
    private int[] resync(int t, int j, boolean decodedFixed) {
        for (int reach : new int[] {16, 128, 1024, REACH}) {
            int[] r = search(t, j, decodedFixed ? 0 : reach, reach);
            if (r != null) {
                return r;
            }
        }
        for (int dj = 0; dj <= (decodedFixed ? 0 : FAR_TRIES) && j + dj < decoded.size(); dj++) {
            Decoded d = decoded.get(j + dj);
            List<Integer> at = positions.get(key(d.address(), d.hex()));
            if (at == null) {
                continue;
            }
            for (int p = lowerBound(at, t + REACH), k = 0; p < at.size() && k < FAR_TRIES; p++, k++) {
                if (agree(at.get(p), j + dj, FAR_ANCHOR)) {
                    return new int[] {at.get(p) - t, dj};
                }
            }
        }
        return null;
    }

    /** The agreement with the fewest instructions skipped, {@code dj <= maxDj} and {@code dt <= maxDt}. */
    private int[] search(int t, int j, int maxDj, int maxDt) {
        int best = Integer.MAX_VALUE;
        int[] found = null;
        int budget = BUDGET;
        for (int dj = 0; dj <= maxDj && j + dj < decoded.size() && dj < best && budget > 0; dj++) {
            Decoded d = decoded.get(j + dj);
            List<Integer> at = positions.get(key(d.address(), d.hex()));
            if (at == null) {
                continue;
            }
            for (int p = lowerBound(at, t); p < at.size(); p++) {
                int dt = at.get(p) - t;
                if (dt > maxDt || dt + dj >= best || --budget < 0) {
                    break;
                }
                if (agree(at.get(p), j + dj, ANCHOR)) {
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
                int dt = end < n ? alongside(t, end, end - j) : Math.max(0, Math.min(truth.size() - t, end - j));
                runs.add(run(Run.Kind.AMBIGUOUS, cpu, j, t, end - j, dt, why));
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
                // Nothing ahead agrees: these decoded instructions are wrong; look again after them.
                int k = 1;
                while (k < SKIP && j + k < n && !decoded.get(j + k).ambiguous()) {
                    k++;
                }
                runs.add(run(Run.Kind.WRONG, cpu, j, t, k, 0, why));
                wrong += k;
                j += k;
                continue;
            }
            if (r[1] > 0) {
                runs.add(run(Run.Kind.WRONG, cpu, j, t, r[1], 0, why));
                wrong += r[1];
            }
            if (r[0] > 0) {
                runs.add(run(Run.Kind.MISSED, cpu, j, t, r[0], r[0], why));
                missed += r[0];
            }
            t += r[0];
            j += r[1];
        }
        // What ran after the decode ended, beyond what can run after the last packet, was not decoded.
        if (truth.size() - t > TAIL) {
            runs.add(run(Run.Kind.MISSED, cpu, n, t, truth.size() - t - TAIL, truth.size() - t - TAIL, why));
            missed += truth.size() - t - TAIL;
        }
        return new CpuScore(cpu, truth.size(), n, correct, wrong, ambiguous, missed, desyncs, merge(runs));
    }

    private Run run(Run.Kind kind, int cpu, int j, int t, long count, long truthCount, Attribution why) {
        long tsc = t < truth.size() ? truth.get(t).tsc() : truth.isEmpty() ? 0 : truth.get(truth.size() - 1).tsc();
        long address = kind == Run.Kind.MISSED || j >= decoded.size()
                ? (t < truth.size() ? truth.get(t).address() : 0) : decoded.get(j).address();
        List<Truth> context = truth.subList(Math.max(0, t - CONTEXT), Math.min(truth.size(), t + (int) Math.min(count, 64) + 1));
        List<Decoded> mine = kind == Run.Kind.MISSED ? List.of()
                : decoded.subList(j, (int) Math.min(decoded.size(), j + Math.min(count, 64)));
        Attribution.Cause c = why.explain(kind, cpu, tsc, context, mine);
        return new Run(kind, cpu, j, t, count, truthCount, tsc, address, c.site(), c.phase(), c.why());
    }

    /** Adjacent stretches of the same kind and cause become one. */
    private static List<Run> merge(List<Run> runs) {
        List<Run> out = new ArrayList<>();
        for (Run r : runs) {
            Run last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.kind() == r.kind() && last.site().equals(r.site()) && last.phase().equals(r.phase())
                    && last.decodedIndex() + (r.kind() == Run.Kind.MISSED ? 0 : last.count()) == r.decodedIndex()
                    && last.truthIndex() + last.truthCount() == r.truthIndex()) {
                out.set(out.size() - 1, new Run(last.kind(), last.cpu(), last.decodedIndex(), last.truthIndex(),
                        last.count() + r.count(), last.truthCount() + r.truthCount(), last.tsc(), last.address(), last.site(),
                        last.phase(), last.why()));
            } else {
                out.add(r);
            }
        }
        return out;
    }
}
