package dev.textpoke.code;

import dev.textpoke.code.OldBytesCheck.MismatchCause;
import dev.textpoke.code.OldBytesCheck.Outcome;
import dev.textpoke.io.Bytes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies every change in time order over the base images, once, while a timeline is built:
 * checks each modification's old bytes against the model before writing its new bytes, names the
 * kind of site of modifications added without one, and records a version of every chunk touched.
 *
 * <p>At equal times, regions load first, then modifications in the order they were added, then
 * regions unload: a trampoline is announced before it is filled and freed before it goes.
 */
final class Replay {
    private final PokeLog added;
    private final List<Region> regions;
    private final SegmentIndex base;
    private final RegionIndex regionIndex;
    private final Symbolizer symbolizer;
    private final SiteClassifier classifier;
    private final VersionLog log;

    /** Modification row (in the order added) of each index in time order. */
    private final int[] order;
    private final Checks checks;
    private Changes building;

    /** The results: modifications in time order, their checks, the changes and the versions. */
    record Result(PokeLog pokes, Checks checks, Changes changes, Versions versions) {}

    Replay(PokeLog added, List<Region> regions, SegmentIndex base, RegionIndex regionIndex,
            Symbolizer symbolizer, SiteClassifier classifier) {
        this.added = added;
        this.regions = regions;
        this.base = base;
        this.regionIndex = regionIndex;
        this.symbolizer = symbolizer;
        this.classifier = classifier;
        this.log = new VersionLog(base);
        order = new int[added.size()];
        checks = new Checks(added.size());
    }

    /** Event ids: {@code [0, P)} modifications by row, then 2r (load) and 2r+1 (unload). */
    private int[] events() {
        int p = added.size();
        int count = p;
        for (Region r : regions) {
            count += (r.content().isPresent() ? 1 : 0) + (r.to() != Long.MAX_VALUE ? 1 : 0);
        }
        int[] ids = new int[count];
        int k = 0;
        for (int i = 0; i < p; i++) {
            ids[k++] = i;
        }
        for (int r = 0; r < regions.size(); r++) {
            if (regions.get(r).content().isPresent()) {
                ids[k++] = p + 2 * r;
            }
            if (regions.get(r).to() != Long.MAX_VALUE) {
                ids[k++] = p + 2 * r + 1;
            }
        }
        IndexSort.sort(ids, (a, b) -> {
            int c = Long.compare(time(a), time(b));
            if (c != 0) {
                return c;
            }
            c = Integer.compare(priority(a), priority(b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        return ids;
    }

    private long time(int id) {
        int p = added.size();
        if (id < p) {
            return added.start(id);
        }
        Region r = regions.get((id - p) >> 1);
        return ((id - p) & 1) == 0 ? r.from() : r.to();
    }

    private int priority(int id) {
        int p = added.size();
        return id < p ? 1 : ((id - p) & 1) == 0 ? 0 : 2;
    }

    Result run() {
        int[] ids = events();
        int p = added.size();
        // While replaying, a modification's ref is its row as added; afterwards its time index.
        int[] ref = new int[ids.length];
        for (int k = 0; k < ids.length; k++) {
            int id = ids[k];
            ref[k] = id < p ? id
                    : ((id - p) & 1) == 0 ? Changes.regionLoad((id - p) >> 1)
                    : Changes.regionUnload((id - p) >> 1);
        }
        building = new Changes(ref, added, regions);
        int index = 0;
        for (int k = 0; k < ids.length; k++) {
            int id = ids[k];
            if (id < p) {
                order[index] = id;
                check(id, index);
                classify(id);
                write(added.address(id), added.span(id), added.newBytes(id), added.start(id), k);
                ref[k] = index++;
            } else {
                Region region = regions.get((id - p) >> 1);
                if (((id - p) & 1) == 0) {
                    write(region.address(), (int) region.length(), region.content().get(), region.from(), k);
                } else {
                    forget(region.address(), region.length(), region.to(), k);
                }
            }
        }
        PokeLog pokes = added.permute(order);
        findMisordered(pokes);
        Changes changes = new Changes(ref, pokes, regions);
        return new Result(pokes, checks, changes, log.freeze(changes));
    }

    private void check(int row, int index) {
        long addr = added.address(row);
        long time = added.start(row);
        if (added.oldLength(row) == 0) {
            int n = added.newLength(row);
            CodeBytes none = new CodeBytes(addr, new byte[0], new boolean[0]);
            boolean covered = base.covers(addr, n) || regionIndex.covers(addr, n, time);
            checks.set(index, covered ? Outcome.MATCHED : Outcome.NOT_COVERED, none, Checks.NO_CAUSE);
            return;
        }
        Bytes old = added.oldBytes(row);
        CodeBytes model = log.current(addr, old.length());
        Outcome result = compare(model, old);
        byte why = Checks.NO_CAUSE;
        if (result == Outcome.MISMATCHED) {
            why = (byte) (log.changedBefore(addr, old.length(), building)
                    ? MismatchCause.LOST_MODIFICATION : MismatchCause.WRONG_BASELINE).ordinal();
        }
        checks.set(index, result, model, why);
    }

    private static Outcome compare(CodeBytes model, Bytes old) {
        boolean allKnown = true;
        for (int i = 0; i < old.length(); i++) {
            if (!model.isKnown(i)) {
                allKnown = false;
            } else if (model.get(i) != old.get(i)) {
                return Outcome.MISMATCHED;
            }
        }
        return allKnown ? Outcome.MATCHED : Outcome.NOT_COVERED;
    }

    private void classify(int row) {
        if (added.isClassified(row)) {
            return;
        }
        long addr = added.address(row);
        long time = added.start(row);
        Bytes oldBytes = added.oldBytes(row);
        Bytes newBytes = added.newBytes(row);
        Optional<SymbolOffset> callee = classifier.callTarget(addr, oldBytes, newBytes)
                .flatMap(target -> symbolizer.at(target, time));
        added.classify(row, classifier.classify(oldBytes, newBytes, symbolizer.region(addr, time),
                symbolizer.at(addr, time), callee));
    }

    /** Writes {@code bytes} from {@code addr}, and forgets the rest of {@code span}. */
    private void write(long addr, int span, Bytes bytes, long time, int change) {
        byte[] src = bytes.toArray();
        long a = addr;
        int done = 0;
        while (done < span) {
            int o = (int) (a & VersionLog.OFFSET_MASK);
            int m = Math.min(VersionLog.CHUNK - o, span - done);
            int e = log.append(log.chunk(a >>> VersionLog.SHIFT), time, change);
            int w = Math.max(0, Math.min(src.length - done, m));
            if (w > 0) {
                log.write(e, o, src, done, w);
            }
            if (w < m) {
                log.forget(e, o + w, m - w);
            }
            done += m;
            a += m;
        }
    }

    /**
     * Makes {@code [addr, addr + length)} unknown from {@code time}: a region went. Only chunks that
     * hold known bytes get a version (those with versions, and those a base image covers), so the
     * cost follows what is known there, not the region's length.
     */
    private void forget(long addr, long length, long time, int change) {
        long last = addr + length - 1;
        base.forEachOverlap(addr, last, (from, to) -> {
            for (long key = from >>> VersionLog.SHIFT; ; key++) {
                log.chunk(key);
                if (key == to >>> VersionLog.SHIFT) {
                    break;
                }
            }
        });
        log.forEachChunk(addr >>> VersionLog.SHIFT, last >>> VersionLog.SHIFT, (key, c) -> {
            int e = log.append(c, time, change);
            int lo = key == addr >>> VersionLog.SHIFT ? (int) (addr & VersionLog.OFFSET_MASK) : 0;
            int hi = key == last >>> VersionLog.SHIFT ? (int) (last & VersionLog.OFFSET_MASK)
                    : VersionLog.CHUNK - 1;
            log.forget(e, lo, hi - lo + 1);
        });
    }

    /**
     * A mismatched modification whose successor at the same address expects the model's bytes and
     * leaves this one's old bytes: the two were swapped. (A lost modification could explain the
     * first as well; the successor doing exactly the missing step makes a swap the likelier story.)
     */
    private void findMisordered(PokeLog pokes) {
        if (checks.unmatchedModels.isEmpty()) {
            return;
        }
        Map<Long, Integer> nextAt = new HashMap<>();
        int[] next = new int[pokes.size()];
        for (int i = pokes.size() - 1; i >= 0; i--) {
            Integer n = nextAt.put(pokes.address(i), i);
            next[i] = n == null ? -1 : n;
        }
        byte misordered = (byte) MismatchCause.MISORDERED.ordinal();
        for (int i = 0; i < pokes.size(); i++) {
            int q = next[i];
            if (checks.outcome(i) != Outcome.MISMATCHED || q < 0) {
                continue;
            }
            if (checks.unmatchedModels.get(i).matches(pokes.oldBytes(q)) && pokes.oldEqualsNewOf(i, q)) {
                checks.cause[i] = misordered;
                // When the pair flips back (its first new bytes are the model's), the second matches.
                if (checks.outcome(q) == Outcome.MISMATCHED) {
                    checks.cause[q] = misordered;
                }
            }
        }
    }
}
