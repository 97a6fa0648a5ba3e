package dev.textpoke.code.bench;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.TimelineBuilder;
import dev.textpoke.code.WindowSide;
import dev.textpoke.io.Bytes;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The code timeline's benchmark (not a test): builds a timeline of one million pokes over a 32 MB
 * image and measures build time, retained memory, and 16-byte lookups per second on one thread.
 * Run by {@code bench/timeline.sh}; prints medians over several rounds because the machine is
 * shared.
 *
 * <p>Two shapes of poke: "sites" flips 50,000 jump-label sites (2 and 5 bytes, nop and jmp)
 * twenty times each, with correct old bytes, as a long trace of a real kernel would; "scattered"
 * pokes a million different random addresses once each, the worst case for memory.
 */
public final class TimelineBenchmark {
    private static final long TEXT = 0xffffffff81000000L;
    private static final int IMAGE = 32 << 20;
    private static final int POKES = 1_000_000;
    private static final int SITES = 50_000;
    private static final int QUERIES = 1 << 22;
    private static final Bytes NOP5 = Bytes.ofHex("0f1f440000");
    private static final Bytes NOP2 = Bytes.ofHex("6690");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long lookups = args.length > 1 ? Long.parseLong(args[1]) : 20_000_000L;
        byte[] image = new byte[IMAGE];
        new SplittableRandom(1).nextBytes(image);
        SplittableRandom siteRnd = new SplittableRandom(2);
        long[] sites = new long[SITES];
        boolean[] twoByte = new boolean[SITES];
        for (int i = 0; i < SITES; i++) {
            sites[i] = TEXT + (long) i * (IMAGE / SITES) + siteRnd.nextInt(IMAGE / SITES - 8);
            twoByte[i] = siteRnd.nextInt(4) == 0;
            (twoByte[i] ? NOP2 : NOP5).copyTo(image, (int) (sites[i] - TEXT));
        }
        BaseImage base = new BaseImage("random 32 MB", List.of(new ImageSegment(TEXT, Bytes.wrapOwned(image))),
                List.of());
        System.out.printf(Locale.ROOT, "java %s, %s, max heap %d MB, %d rounds, %,d lookups per round%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().maxMemory() >> 20, rounds, lookups);
        floor(image, rounds, lookups);
        for (String shape : List.of("sites", "scattered")) {
            run(shape, base, image, sites, twoByte, rounds, lookups);
        }
    }

    private static void run(String shape, BaseImage base, byte[] image, long[] sites, boolean[] twoByte,
            int rounds, long lookups) throws Exception {
        List<Double> buildSeconds = new ArrayList<>();
        CodeTimeline timeline = null;
        long before = 0;
        for (int r = 0; r < rounds; r++) {
            timeline = null;
            before = retainedHeap();
            long t0 = System.nanoTime();
            timeline = build(shape, base, image, sites, twoByte);
            buildSeconds.add((System.nanoTime() - t0) / 1e9);
        }
        long retained = retainedHeap() - before;
        CodeTimeline.Footprint f = timeline.footprint();
        System.out.printf(Locale.ROOT, "%s: build %.3f s median (min %.3f), retained %.1f MB"
                        + " (%,d chunks, %,d versions; base image %d MB not counted)%n",
                shape, median(buildSeconds), Collections.min(buildSeconds), retained / 1e6,
                f.chunks(), f.versions(), f.baseBytes() >> 20);
        if (shape.equals("sites") && !timeline.unmatched().isEmpty()) {
            throw new AssertionError("flips with correct old bytes must all match");
        }
        lookups(shape, "uniform over 32 MB", timeline, uniformQueries(), rounds, lookups);
        lookups(shape, "decoder walk", timeline, walkQueries(shape, timeline, sites), rounds, lookups);
        lookups(shape, "at poked sites", timeline, siteQueries(shape, timeline, sites), rounds, lookups);
    }

    private static CodeTimeline build(String shape, BaseImage base, byte[] image, long[] sites,
            boolean[] twoByte) throws Exception {
        TimelineBuilder b = CodeTimeline.builder().image(base);
        SplittableRandom rnd = new SplittableRandom(3);
        if (shape.equals("sites")) {
            boolean[] on = new boolean[sites.length];
            for (int i = 0; i < POKES; i++) {
                int s = rnd.nextInt(sites.length);
                Bytes nop = twoByte[s] ? NOP2 : NOP5;
                Bytes jmp = twoByte[s] ? Bytes.of((byte) 0xeb, (byte) (s & 0x7f))
                        : Bytes.of((byte) 0xe9, (byte) s, (byte) (s >> 8), (byte) 0, (byte) 0);
                Bytes old = on[s] ? jmp : nop;
                Bytes neu = on[s] ? nop : jmp;
                on[s] = !on[s];
                b.textPoke(sites[s], old, neu, 1000L + i * 10L, i & 1);
            }
        } else {
            for (int i = 0; i < POKES; i++) {
                int off = rnd.nextInt(IMAGE - 8);
                int len = rnd.nextInt(4) == 0 ? 2 : 5;
                b.textPoke(TEXT + off, Bytes.copyOf(image, off, len), Bytes.of(new byte[len]), 1000L + i * 10L, 0);
            }
        }
        return b.build();
    }

    private static long[][] uniformQueries() {
        SplittableRandom rnd = new SplittableRandom(4);
        long[] addr = new long[QUERIES];
        long[] time = new long[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            addr[i] = TEXT + rnd.nextInt(IMAGE - 16);
            time[i] = rnd.nextLong(0, 1000L + POKES * 10L + 1000);
        }
        return new long[][] {addr, time};
    }

    /**
     * Lookups as an instruction-flow decoder makes them: forwards by an instruction's length (1 to
     * 7 bytes), with a branch every eight instructions or so to a hot 1 MB of text (three times in
     * four) or to a poked site; time advances as the trace does.
     */
    private static long[][] walkQueries(String shape, CodeTimeline t, long[] sites) {
        SplittableRandom rnd = new SplittableRandom(6);
        long[] addr = new long[QUERIES];
        long[] time = new long[QUERIES];
        long hot = TEXT + (IMAGE / 2);
        long at = hot;
        long now = 0;
        long end = 1000L + POKES * 10L + 1000;
        for (int i = 0; i < QUERIES; i++) {
            addr[i] = at;
            time[i] = now;
            now = (now + rnd.nextInt(8)) % end;
            if (rnd.nextInt(8) == 0) {
                at = rnd.nextInt(4) != 0 ? hot + rnd.nextInt(1 << 20)
                        : shape.equals("sites") ? sites[rnd.nextInt(sites.length)] - rnd.nextInt(16)
                        : t.modification(rnd.nextInt(t.modificationCount())).modification().address();
            } else {
                at += 1 + rnd.nextInt(7);
            }
        }
        return new long[][] {addr, time};
    }

    /** The memory floor: 16-byte copies from random offsets of the image, no model at all. */
    private static void floor(byte[] image, int rounds, long lookups) {
        long[][] q = uniformQueries();
        byte[] dest = new byte[16];
        List<Double> rates = new ArrayList<>();
        long sink = 0;
        for (int r = 0; r < rounds + 1; r++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < lookups; i++) {
                int k = (int) (i & (QUERIES - 1));
                System.arraycopy(image, (int) (q[0][k] - TEXT), dest, 0, 16);
                sink += dest[k & 15];
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (r > 0) {
                rates.add(lookups / seconds);
            }
        }
        System.out.printf(Locale.ROOT, "floor: raw 16-byte copies uniform over 32 MB (no model): %.1f M/s"
                + " median (min %.1f, max %.1f)  [%d]%n", median(rates) / 1e6, Collections.min(rates) / 1e6,
                Collections.max(rates) / 1e6, sink & 1);
    }

    /** Lookups that start a few bytes before a poked address, so every one reads versions. */
    private static long[][] siteQueries(String shape, CodeTimeline t, long[] sites) {
        SplittableRandom rnd = new SplittableRandom(5);
        long[] addr = new long[QUERIES];
        long[] time = new long[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            long at = shape.equals("sites") ? sites[rnd.nextInt(sites.length)]
                    : t.modification(rnd.nextInt(t.modificationCount())).modification().address();
            addr[i] = at - rnd.nextInt(8);
            time[i] = rnd.nextLong(0, 1000L + POKES * 10L + 1000);
        }
        return new long[][] {addr, time};
    }

    private static void lookups(String shape, String where, CodeTimeline t, long[][] queries, int rounds,
            long lookups) {
        long[] addr = queries[0];
        long[] time = queries[1];
        byte[] dest = new byte[16];
        List<Double> rates = new ArrayList<>();
        long sink = 0;
        for (int r = 0; r < rounds + 1; r++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < lookups; i++) {
                int q = (int) (i & (QUERIES - 1));
                sink += t.read(addr[q], time[q], WindowSide.NEW, dest, 0, 16) + dest[q & 15];
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (r > 0) {
                rates.add(lookups / seconds);
            }
        }
        System.out.printf(Locale.ROOT, "%s: 16-byte lookups %s: %.1f M/s median (min %.1f, max %.1f)  [%d]%n",
                shape, where, median(rates) / 1e6, Collections.min(rates) / 1e6, Collections.max(rates) / 1e6,
                sink & 1);
    }

    private static long retainedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private TimelineBenchmark() {}
}
