package dev.textpoke.code.bench;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.perf.PerfTimeline;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.record.SampleId;
import dev.textpoke.perf.write.PerfWriter;
import dev.textpoke.perf.write.RecordEncoder;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The timeline against perf on the same file (not a test; run by {@code bench/timeline.sh}): a
 * perf.data with one million TEXT_POKE records (jump-label flips at 50,000 sites of a 32 MB image,
 * written with perf-reader's writer, FINISHED_ROUND every 10,000), read by textpoke into a checked
 * timeline, and by {@code perf script --show-text-poke-events} (which prints them) and {@code perf
 * report -D} (which parses every record). Medians of wall-clock seconds, and their ratios.
 */
public final class PerfComparisonBenchmark {
    private static final long TEXT = 0xffffffff81000000L;
    private static final int IMAGE = 32 << 20;
    private static final int POKES = 1_000_000;
    private static final int SITES = 50_000;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("textpoke-bench");
        Path file = dir.resolve("pokes-1m.data");
        byte[] image = new byte[IMAGE];
        new SplittableRandom(1).nextBytes(image);
        long[] sites = new long[SITES];
        SplittableRandom rnd = new SplittableRandom(2);
        Bytes nop5 = Bytes.ofHex("0f1f440000");
        for (int i = 0; i < SITES; i++) {
            sites[i] = TEXT + (long) i * (IMAGE / SITES) + rnd.nextInt(IMAGE / SITES - 8);
            nop5.copyTo(image, (int) (sites[i] - TEXT));
        }
        write(file, sites);
        BaseImage base = new BaseImage("random 32 MB", List.of(new ImageSegment(TEXT, Bytes.wrapOwned(image))),
                List.of());
        System.out.printf(Locale.ROOT, "file: %d TEXT_POKE records, %.1f MB%n", POKES, Files.size(file) / 1e6);
        List<Double> ours = new ArrayList<>();
        List<Double> script = new ArrayList<>();
        List<Double> dump = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            try (PerfData data = PerfData.open(file)) {
                CodeTimeline t = PerfTimeline.build(data, List.of(base));
                if (t.modificationCount() != POKES || !t.unmatched().isEmpty()) {
                    throw new AssertionError("expected " + POKES + " matching pokes");
                }
            }
            ours.add((System.nanoTime() - t0) / 1e9);
            script.add(perf(dir, "script", "-i", file.toString(), "--show-text-poke-events"));
            dump.add(perf(dir, "report", "-D", "-i", file.toString()));
        }
        double o = TimelineBenchmark.median(ours);
        double s = TimelineBenchmark.median(script);
        double d = TimelineBenchmark.median(dump);
        System.out.printf(Locale.ROOT, "textpoke (read, order, replay with old-bytes checks): %.2f s median%n", o);
        System.out.printf(Locale.ROOT, "perf script --show-text-poke-events: %.2f s median (%.1fx textpoke's time)%n", s, s / o);
        System.out.printf(Locale.ROOT, "perf report -D: %.2f s median (%.1fx textpoke's time)%n", d, d / o);
        Files.delete(file);
    }

    private static void write(Path file, long[] sites) throws Exception {
        RecordEncoder e = new RecordEncoder(ByteOrder.LITTLE_ENDIAN);
        long sampleType = SampleFormat.TID | SampleFormat.TIME | SampleFormat.CPU | SampleFormat.IDENTIFIER;
        long flags = 1L << AttrFlag.SAMPLE_ID_ALL.bit() | 1L << AttrFlag.TEXT_POKE.bit()
                | 1L << AttrFlag.KSYMBOL.bit() | 1L << AttrFlag.EXCLUDE_KERNEL.bit();
        EventAttr dummy = new EventAttr(1, EventAttr.SIZE_VER7, 9, 1, sampleType, 0, flags, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, Bytes.EMPTY);
        boolean[] on = new boolean[sites.length];
        SplittableRandom rnd = new SplittableRandom(3);
        Bytes nop5 = Bytes.ofHex("0f1f440000");
        try (PerfWriter w = PerfWriter.file(file, ByteOrder.LITTLE_ENDIAN)) {
            w.event(dummy, new long[] {1});
            w.feature(FeatureId.ARCH.id(), e.stringFeature("x86_64"));
            w.feature(FeatureId.NRCPUS.id(), e.nrCpusFeature(2, 2));
            for (int i = 0; i < POKES; i++) {
                int s = rnd.nextInt(sites.length);
                Bytes jmp = Bytes.of((byte) 0xe9, (byte) s, (byte) (s >> 8), (byte) 0, (byte) 0);
                Bytes old = on[s] ? jmp : nop5;
                Bytes neu = on[s] ? nop5 : jmp;
                on[s] = !on[s];
                w.record(e.textPoke(sites[s], old, neu, new SampleId(sampleType, 0, 0, 1000L + i * 10L, -1, -1,
                        i & 1, 0, 1)));
                if (i % 10_000 == 9_999) {
                    w.record(e.finishedRound());
                }
            }
        }
    }

    private static double perf(Path home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("perf"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PERF_CONFIG", "/dev/null");
        pb.environment().put("HOME", home.toString());
        long t0 = System.nanoTime();
        int status = pb.start().waitFor();
        if (status != 0) {
            throw new IllegalStateException("perf " + String.join(" ", args) + " exited " + status);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private PerfComparisonBenchmark() {}
}
