package dev.textpoke.perf.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.perf.PerfFormatException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer inside the test suite: {@value #INPUTS} inputs made from small real
 * seeds (file mode, pipe mode, zstd COMPRESSED and COMPRESSED2, big-endian, tracing data, branch
 * stacks) by {@link Mutator}, each read completely ({@link ReadEverything#parseAll}: features,
 * records in perf's order, every record parsed). Every input must end
 * either normally or with the reader's {@link PerfFormatException}, within {@value
 * #SECONDS_PER_INPUT} s, allocating at most {@link #allocationLimit} bytes of heap.
 *
 * <p>A failure names the run seed and the input index; {@code -Dtextpoke.fuzz.seed=S
 * -Dtextpoke.fuzz.only=I} replays that one input, and {@code -Dtextpoke.fuzz.inputs=N} runs more.
 */
class FuzzTest {
    static final int INPUTS = 100_000;
    static final int SECONDS_PER_INPUT = 10;

    /** Seeds: small, and together covering every container variant the reader has. */
    static final List<String> SEEDS = List.of(
            "traces/recorded/cpu-clock.data",
            "traces/recorded/two-events.data",
            "traces/recorded/tracepoints.data",
            "traces/recorded/pipe.data",
            "traces/recorded/tracepoints-pipe.data",
            "traces/recorded/compressed.data",
            "traces/recorded/pipe-compressed.data",
            "traces/recorded/cpu-clock.be.data",
            "traces/recorded/pipe.be.data",
            "shared:linux-perf-data/tests/fixtures/sleep.compressed2.data",
            "shared:linux-perf-data/tests/fixtures/sleep.compressed.pipe.data",
            "shared:perf_data_converter/src/quipper/testdata/perf.data.branch-4.14",
            "shared:perf_data_converter/src/quipper/testdata/perf.data.piped.no_attr_ids-4.14",
            "shared:platform_system_extras/simpleperf/testdata/etm/perf_etm.data");

    /** Heap a single input may cost: a fixed amount for the reader's buffers, plus a multiple of its size. */
    static long allocationLimit(int inputLength) {
        return (64L << 20) + 64L * inputLength;
    }

    static List<Mutator.Seed> seeds() throws Exception {
        List<Mutator.Seed> seeds = new ArrayList<>();
        for (String s : SEEDS) {
            Path p = s.startsWith("shared:") ? TraceFiles.externalTraces().resolve(s.substring(7))
                    : TraceFiles.root().resolve(s);
            byte[] bytes = Files.readAllBytes(p);
            ByteOrder order = bytes[0] == 'P' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            int[] offsets = PerfWalk.of(p).records().stream()
                    .filter(r -> !r.decompressed()).mapToInt(r -> (int) r.offset()).toArray();
            seeds.add(new Mutator.Seed(p.getFileName().toString(), bytes, order, offsets));
        }
        return seeds;
    }

    @Test
    void mutatedInputsEndNormallyOrWithTheFormatException(@TempDir Path tmp) throws Exception {
        long runSeed = Long.getLong("textpoke.fuzz.seed", 20260101L);
        long only = Long.getLong("textpoke.fuzz.only", -1L);
        int inputs = Integer.getInteger("textpoke.fuzz.inputs", INPUTS);
        Mutator mutator = new Mutator(seeds());
        // tmpfs when there is one: 100,000 writes to a disk-backed /tmp cost more than the reads.
        Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Files.createTempDirectory(Path.of("/dev/shm"), "fuzz") : tmp;
        Path input = dir.resolve("input.data");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true); // a hung read must not keep the test JVM alive
            return t;
        });
        long formatErrors = 0;
        try {
            for (long i = only >= 0 ? only : 0; i < (only >= 0 ? only + 1 : inputs); i++) {
                byte[] bytes = mutator.input(runSeed, i);
                Files.write(input, bytes);
                String which = "input " + i + " of seed " + runSeed + " (from " + mutator.seedOf(runSeed, i)
                        + ", " + bytes.length + " bytes; replay with -Dtextpoke.fuzz.seed=" + runSeed
                        + " -Dtextpoke.fuzz.only=" + i + ")";
                Future<long[]> run = worker.submit(() -> {
                    long id = Thread.currentThread().getId();
                    long before = threads.getThreadAllocatedBytes(id);
                    java.io.IOException failure = ReadEverything.parseAll(input);
                    long allocated = threads.getThreadAllocatedBytes(id) - before;
                    if (failure != null && !(failure instanceof PerfFormatException)) {
                        throw new AssertionError("not the reader's format exception: " + failure, failure);
                    }
                    return new long[] {allocated, failure == null ? 0 : 1};
                });
                long[] result;
                try {
                    result = run.get(SECONDS_PER_INPUT, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    run.cancel(true);
                    throw new AssertionError("no end within " + SECONDS_PER_INPUT + " s: " + which);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError(which + ": " + e.getCause(), e.getCause());
                }
                if (result[0] > allocationLimit(bytes.length)) {
                    fail(which + ": allocated " + result[0] + " bytes");
                }
                formatErrors += result[1];
            }
        } finally {
            worker.shutdownNow();
            Files.deleteIfExists(input);
            if (!dir.equals(tmp)) {
                Files.deleteIfExists(dir);
            }
        }
        if (only < 0) {
            // The mutations must reach the reader's checks, and must not all be rejected up front.
            assertTrue(formatErrors > inputs / 10 && formatErrors < inputs, formatErrors + " of " + inputs + " rejected");
        }
    }
}
