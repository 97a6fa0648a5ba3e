package dev.textpoke.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link CodeTimeline#changeTimes}: between consecutive change times the bytes of a range are the
 * same on both sides of windows, and the times are exactly the edges of the modifications and
 * region lifetimes that touch the range, computed here from the list of changes (the oracle), for
 * random histories of points, windows and a region.
 */
class ChangeTimesTest {
    private static final long TEXT = 0xffffffff81000000L;
    private static final long REGION = 0xffffffffc0000000L;

    @Test
    void timesAreTheEdgesOfTheChangesTouchingTheRangeAndBytesHoldBetween() throws Exception {
        Random rnd = new Random(11);
        for (int round = 0; round < 40; round++) {
            byte[] text = new byte[256];
            rnd.nextBytes(text);
            TimelineBuilder b = CodeTimeline.builder().image(new BaseImage("k", List.of(new ImageSegment(TEXT,
                    Bytes.of(text))), List.of()));
            byte[] model = text.clone();
            List<long[]> edges = new ArrayList<>(); // address, span, start, end
            long time = 10;
            for (int i = 0; i < 12; i++) {
                int at = rnd.nextInt(250);
                int len = 1 + rnd.nextInt(5);
                byte[] nb = new byte[len];
                rnd.nextBytes(nb);
                Bytes old = Bytes.copyOf(model, at, len);
                System.arraycopy(nb, 0, model, at, len);
                time += 1 + rnd.nextInt(20);
                Switch sw = rnd.nextInt(4) == 0 ? Switch.window(time, time + 1 + rnd.nextInt(15)) : Switch.point(time);
                b.modification(new Modification(TEXT + at, old, Bytes.of(nb), sw, 0, SiteKind.OTHER));
                edges.add(new long[] {TEXT + at, len, sw.start(), sw.end()});
                time = sw.end();
            }
            b.regionRegistered("bpf_prog", RegionType.BPF, REGION, 32, 50, Optional.of(Bytes.of(new byte[32])));
            b.regionUnregistered("bpf_prog", RegionType.BPF, REGION, 32, 120);
            edges.add(new long[] {REGION, 32, 50, 50});
            edges.add(new long[] {REGION, 32, 120, 120});
            CodeTimeline t = b.build();
            for (int q = 0; q < 30; q++) {
                long base = rnd.nextBoolean() ? TEXT : REGION;
                long addr = base + rnd.nextInt(base == TEXT ? 240 : 28);
                int len = 1 + rnd.nextInt(16);
                TreeSet<Long> expected = new TreeSet<>();
                for (long[] e : edges) {
                    boolean touches = addr < e[0] + e[1] && e[0] < addr + len;
                    if (touches) {
                        expected.add(e[2]);
                        expected.add(e[3]);
                    }
                }
                long[] times = t.changeTimes(addr, len);
                assertArrayEquals(expected.stream().mapToLong(Long::longValue).toArray(), times,
                        "range 0x" + Long.toHexString(addr) + "+" + len);
                assertEquals(times.length > 0, t.everChanged(addr, len));
                long[] cut = new long[times.length + 2];
                cut[0] = Long.MIN_VALUE + 1;
                System.arraycopy(times, 0, cut, 1, times.length);
                cut[cut.length - 1] = Long.MAX_VALUE;
                for (int k = 0; k + 1 < cut.length; k++) {
                    long from = cut[k];
                    long to = Math.max(from, cut[k + 1] - 1);
                    for (WindowSide side : WindowSide.values()) {
                        assertEquals(t.bytes(addr, len, from, side), t.bytes(addr, len, to, side),
                                "bytes between change times " + from + " and " + to + " on " + side);
                    }
                }
            }
        }
    }

    @Test
    void nothingChangesOutsideEveryChange() throws Exception {
        CodeTimeline t = CodeTimeline.builder().image(new BaseImage("k", List.of(new ImageSegment(TEXT,
                Bytes.of(new byte[64]))), List.of()))
                .textPoke(TEXT + 40, Bytes.ofHex("0000"), Bytes.ofHex("eb06"), 100, 0).build();
        assertArrayEquals(new long[0], t.changeTimes(TEXT, 40));
        assertFalse(t.everChanged(TEXT, 40));
        assertArrayEquals(new long[] {100}, t.changeTimes(TEXT + 39, 2));
        assertTrue(t.everChanged(TEXT + 41, 1));
        assertEquals(0, Arrays.stream(t.changeTimes(TEXT, 0)).count());
    }

    @Test
    void anAddressSeveralSymbolsShareIsNamedAsPerfNamesIt() throws Exception {
        // perf fixes kallsyms symbols' ends before dropping duplicates (symbols__fixup_end, then
        // symbols__fixup_duplicate): of several at one address only the last listed has a length,
        // and choose_best_symbol keeps it. Of sized ones: fewer leading underscores, longer name.
        CodeTimeline t = CodeTimeline.builder().image(new BaseImage("k", List.of(new ImageSegment(TEXT,
                Bytes.of(new byte[64]))), List.of(new Symbol("_text", TEXT, 0), new Symbol("_stext", TEXT, 0),
                new Symbol("do_sys_open", TEXT, 0), new Symbol("do_it2", TEXT + 16, 0), new Symbol("_it", TEXT + 16, 0),
                new Symbol("__sized", TEXT + 32, 8), new Symbol("sized_too", TEXT + 32, 8), new Symbol("plain", TEXT + 32, 0))))
                .build();
        assertEquals("do_sys_open+0x4", t.symbolize(TEXT + 4, 0).orElseThrow().toString());
        assertEquals("_it", t.symbolize(TEXT + 16, 0).orElseThrow().toString());
        assertEquals("sized_too+0x1", t.symbolize(TEXT + 33, 0).orElseThrow().toString());
    }
}
