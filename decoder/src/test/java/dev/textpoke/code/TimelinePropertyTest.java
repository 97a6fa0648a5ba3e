package dev.textpoke.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.OldBytesCheck.Outcome;
import dev.textpoke.io.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * For random base images, regions and modifications, every query of the timeline equals a naive
 * re-application of all changes from the start ({@link NaiveReplay}), whatever the order in which
 * the queries come: forwards in time, backwards, at random. Seeded, so a failure names its seed.
 */
class TimelinePropertyTest {
    private static final int CASES = 400;
    private static final int WINDOW = 1536;
    private static final int QUERIES = 300;

    private record Case(long windowBase, List<BaseImage> images, List<Modification> added,
            List<Region> regions) {}

    @Test
    void bytesEqualNaiveReplayForwardsBackwardsAndAtRandom() throws Exception {
        for (long seed = 1; seed <= CASES; seed++) {
            Random rnd = new Random(seed);
            Case c = randomCase(rnd);
            CodeTimeline t = build(c);
            NaiveReplay naive = new NaiveReplay(c.windowBase(), WINDOW, c.images(), c.added(), c.regions());
            List<Long> times = queryTimes(rnd, naive);
            List<Long> forwards = new ArrayList<>(times);
            Collections.sort(forwards);
            List<Long> backwards = new ArrayList<>(forwards);
            Collections.reverse(backwards);
            for (List<Long> order : List.of(forwards, backwards, times)) {
                for (long time : order) {
                    int len = 1 + rnd.nextInt(40);
                    long addr = c.windowBase() + rnd.nextInt(WINDOW - len);
                    WindowSide side = rnd.nextBoolean() ? WindowSide.NEW : WindowSide.OLD;
                    CodeBytes expected = naive.bytes(addr, len, time, side);
                    String where = "seed " + seed + ": 0x" + Long.toHexString(addr) + "+" + len
                            + " at " + time + " " + side;
                    assertEquals(expected, t.bytes(addr, len, time, side), where);
                    byte[] dest = new byte[len + 3];
                    int lead = t.read(addr, time, side, dest, 3, len);
                    assertEquals(expected.knownPrefix(), lead, where);
                    assertEquals(expected.bytes(), Bytes.copyOf(dest, 3, len), where);
                }
            }
        }
    }

    @Test
    void oldBytesChecksEqualNaiveReplay() throws Exception {
        for (long seed = 1; seed <= CASES; seed++) {
            Random rnd = new Random(seed);
            Case c = randomCase(rnd);
            CodeTimeline t = build(c);
            NaiveReplay naive = new NaiveReplay(c.windowBase(), WINDOW, c.images(), c.added(), c.regions());
            List<Modification> inOrder = naive.modifications();
            assertEquals(inOrder.size(), t.modificationCount(), "seed " + seed);
            for (int i = 0; i < inOrder.size(); i++) {
                Modification m = inOrder.get(i);
                AppliedModification applied = t.modification(i);
                String where = "seed " + seed + " modification " + i;
                assertEquals(m, applied.modification(), where);
                assertEquals(i, applied.index(), where);
                Outcome expected;
                if (m.oldBytes().isEmpty()) {
                    int n = m.newBytes().length();
                    expected = naive.imageCovers(m.address(), n)
                            || naive.regionCovers(m.address(), n, m.time()) ? Outcome.MATCHED : Outcome.NOT_COVERED;
                } else {
                    CodeBytes model = naive.before(i, m.address(), m.oldBytes().length());
                    expected = outcome(model, m.oldBytes());
                    assertEquals(model, applied.check().model(), where);
                }
                assertEquals(expected, applied.check().outcome(), where);
            }
        }
    }

    @Test
    void equalVersionsAtAnAddressMeanEqualBytes() throws Exception {
        for (long seed = 1; seed <= CASES / 4; seed++) {
            Random rnd = new Random(seed);
            Case c = randomCase(rnd);
            CodeTimeline t = build(c);
            NaiveReplay naive = new NaiveReplay(c.windowBase(), WINDOW, c.images(), c.added(), c.regions());
            List<Long> times = queryTimes(rnd, naive);
            for (int a = 0; a < 20; a++) {
                long addr = c.windowBase() + rnd.nextInt(WINDOW - CodeTimeline.VERSION_SPAN);
                for (WindowSide side : WindowSide.values()) {
                    Map<Long, CodeBytes> seen = new HashMap<>();
                    for (long time : times) {
                        long v = t.version(addr, time, side);
                        CodeBytes b = naive.bytes(addr, CodeTimeline.VERSION_SPAN, time, side);
                        if (v != CodeTimeline.UNVERSIONED) {
                            CodeBytes before = seen.putIfAbsent(v, b);
                            assertTrue(before == null || before.equals(b), "seed " + seed + " version "
                                    + Long.toHexString(v) + " at 0x" + Long.toHexString(addr) + " time " + time);
                        }
                    }
                }
            }
        }
    }

    @Test
    void historyAndInFlightListTheModificationsTouchingARange() throws Exception {
        for (long seed = 1; seed <= CASES / 4; seed++) {
            Random rnd = new Random(seed);
            Case c = randomCase(rnd);
            CodeTimeline t = build(c);
            NaiveReplay naive = new NaiveReplay(c.windowBase(), WINDOW, c.images(), c.added(), c.regions());
            List<Modification> inOrder = naive.modifications();
            for (int q = 0; q < 50; q++) {
                int len = 1 + rnd.nextInt(40);
                long addr = c.windowBase() + rnd.nextInt(WINDOW - len);
                long time = rnd.nextInt(1100) - 50;
                List<Integer> touching = new ArrayList<>();
                List<Integer> flying = new ArrayList<>();
                for (int i = 0; i < inOrder.size(); i++) {
                    Modification m = inOrder.get(i);
                    if (addr - m.address() < m.span() && addr - m.address() >= 0
                            || m.address() - addr < len && m.address() - addr >= 0) {
                        touching.add(i);
                        if (m.switching().inFlightAt(time)) {
                            flying.add(i);
                        }
                    }
                }
                assertEquals(touching, t.history(addr, len).stream().map(AppliedModification::index).toList(),
                        "seed " + seed);
                assertEquals(flying, t.inFlight(addr, len, time).stream().map(AppliedModification::index).toList(),
                        "seed " + seed);
            }
        }
    }

    private static Outcome outcome(CodeBytes model, Bytes old) {
        boolean all = true;
        for (int i = 0; i < old.length(); i++) {
            if (!model.isKnown(i)) {
                all = false;
            } else if (model.get(i) != old.get(i)) {
                return Outcome.MISMATCHED;
            }
        }
        return all ? Outcome.MATCHED : Outcome.NOT_COVERED;
    }

    private static CodeTimeline build(Case c) throws ImageOverlapException {
        TimelineBuilder b = CodeTimeline.builder();
        c.images().forEach(b::image);
        c.added().forEach(b::modification);
        c.regions().forEach(b::region);
        return b.build();
    }

    private static List<Long> queryTimes(Random rnd, NaiveReplay naive) {
        List<Long> times = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE));
        for (NaiveReplay.Change ch : naive.changes) {
            times.add(ch.time());
            times.add(ch.time() - 1);
            times.add(ch.end());
            times.add(ch.end() - 1);
        }
        while (times.size() < QUERIES) {
            times.add((long) rnd.nextInt(1200) - 100);
        }
        Collections.shuffle(times, rnd);
        return times.subList(0, Math.min(times.size(), QUERIES));
    }

    /** Base addresses: kernel text, just below 2^64 (unsigned arithmetic), and low addresses. */
    private static Case randomCase(Random rnd) {
        long windowBase = switch (rnd.nextInt(3)) {
            case 0 -> 0xffffffff81000000L + rnd.nextInt(4096);
            case 1 -> -WINDOW - rnd.nextInt(64);
            default -> rnd.nextInt(1 << 20);
        };
        byte[] state = new byte[WINDOW];
        boolean[] known = new boolean[WINDOW];
        List<BaseImage> images = new ArrayList<>();
        int at = rnd.nextInt(64);
        for (int i = 0, n = rnd.nextInt(4); i < n && at < WINDOW - 1; i++) {
            int len = 1 + rnd.nextInt(Math.min(600, WINDOW - at - 1));
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            System.arraycopy(b, 0, state, at, len);
            java.util.Arrays.fill(known, at, at + len, true);
            List<ImageSegment> segs = List.of(new ImageSegment(windowBase + at, Bytes.of(b)));
            images.add(new BaseImage("image" + i, segs, List.of()));
            at += len + (rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(200));
        }
        List<Region> regions = new ArrayList<>();
        for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
            int len = 1 + rnd.nextInt(300);
            long addr = windowBase + rnd.nextInt(WINDOW - len);
            long from = rnd.nextInt(8) == 0 ? Long.MIN_VALUE : rnd.nextInt(1000) - 50;
            long to = rnd.nextInt(3) == 0 ? Long.MAX_VALUE : Math.max(from, 0) + rnd.nextInt(500);
            Optional<Bytes> content = Optional.empty();
            if (rnd.nextBoolean()) {
                byte[] b = new byte[len];
                rnd.nextBytes(b);
                content = Optional.of(Bytes.of(b));
            }
            regions.add(new Region("region" + i, rnd.nextBoolean() ? RegionType.BPF : RegionType.OUT_OF_LINE,
                    addr, len, from, to, content));
        }
        List<Modification> added = new ArrayList<>();
        long time = 0;
        // A quarter of the cases pile hundreds of modifications on a few chunks (a hot site): long
        // version lists (bisected, not scanned), more than 256 distinct contents of one chunk, and
        // contents repeated from a small palette (stored once).
        boolean hot = rnd.nextInt(4) == 0;
        int hotAt = rnd.nextInt(WINDOW - 64);
        for (int i = 0, n = hot ? 300 + rnd.nextInt(400) : rnd.nextInt(160); i < n; i++) {
            time += rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(12);
            int kind = rnd.nextInt(10);
            int oldLen = kind == 0 ? 0 : 1 + rnd.nextInt(kind == 1 ? 40 : 8);
            int newLen = kind == 1 ? 0 : kind == 0 ? 1 + rnd.nextInt(40) : rnd.nextInt(6) == 0 ? 1 + rnd.nextInt(8) : oldLen;
            int span = Math.max(oldLen, newLen);
            int o = hot ? hotAt + rnd.nextInt(Math.min(48, WINDOW - span - hotAt)) : rnd.nextInt(WINDOW - span);
            byte[] old = new byte[oldLen];
            if (rnd.nextInt(10) < 7) {
                System.arraycopy(state, o, old, 0, oldLen);
            } else {
                rnd.nextBytes(old);
            }
            byte[] neu = new byte[newLen];
            if (hot && rnd.nextBoolean()) {
                java.util.Arrays.fill(neu, (byte) rnd.nextInt(3));
            } else {
                rnd.nextBytes(neu);
            }
            for (int j = 0; j < span; j++) {
                state[o + j] = j < newLen ? neu[j] : 0;
                known[o + j] = j < newLen;
            }
            Switch sw = rnd.nextInt(10) < 7 ? Switch.point(time) : Switch.window(time, time + 1 + rnd.nextInt(25));
            added.add(new Modification(windowBase + o, Bytes.of(old), Bytes.of(neu), sw, rnd.nextInt(4),
                    SiteKind.values()[rnd.nextInt(SiteKind.values().length)]));
        }
        // Some modifications arrive out of time order.
        for (int i = 1; i < added.size(); i++) {
            if (rnd.nextInt(15) == 0) {
                Collections.swap(added, i - 1, i);
            }
        }
        return new Case(windowBase, images, added, regions);
    }
}
