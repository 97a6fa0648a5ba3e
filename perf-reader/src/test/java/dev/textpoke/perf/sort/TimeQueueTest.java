package dev.textpoke.perf.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The queue against a plain sort: whatever mix of sorted runs, shuffles, equal and unsigned-large
 * timestamps is added, and however adds and polls interleave, each poll returns the smallest
 * (timestamp as unsigned, arrival) queued, which is what a stable sort of the queued records by
 * unsigned timestamp puts first.
 */
class TimeQueueTest {
    private record Queued(long time, long seq) {}

    private static final Comparator<Queued> ORDER =
            Comparator.comparing(Queued::time, Long::compareUnsigned).thenComparingLong(Queued::seq);

    @Test
    void pollsInTheOrderOfAStableSortWhateverTheRuns() {
        Random random = new Random(12);
        for (int round = 0; round < 300; round++) {
            TimeQueue queue = new TimeQueue();
            List<Queued> reference = new ArrayList<>();
            long seq = 0;
            int polled = 0;
            int shape = round % 4;
            for (int step = 0; step < 2000; step++) {
                if (random.nextInt(3) > 0) {
                    long t = switch (shape) {
                        case 0 -> random.nextInt(50); // many equal timestamps
                        case 1 -> (seq / 40) * 7 + random.nextInt(3) * (seq % 40); // short sorted runs
                        case 2 -> random.nextLong(); // above 2^63 too: compared unsigned
                        default -> seq % 97 == 0 ? 0 : 1000 + seq; // one long run with dips
                    };
                    queue.add(t, seq, seq * 3, seq * 5, -1, (int) (seq & 0xff));
                    reference.add(new Queued(t, seq));
                    seq++;
                } else if (!reference.isEmpty()) {
                    Queued expected = reference.stream().min(ORDER).orElseThrow();
                    reference.remove(expected);
                    assertEquals(expected.seq(), queue.seq(queue.peek()));
                    int slot = queue.poll();
                    assertEquals(expected.time(), queue.time(slot), "round " + round + " poll " + polled);
                    assertEquals(expected.seq(), queue.seq(slot));
                    assertEquals(expected.seq() * 3, queue.loc(slot));
                    assertEquals((int) (expected.seq() & 0xff), queue.recordSize(slot));
                    queue.free(slot);
                    polled++;
                }
                assertEquals(reference.size(), queue.size());
            }
            reference.sort(ORDER);
            for (Queued expected : reference) {
                int slot = queue.poll();
                assertEquals(expected.seq(), queue.seq(slot));
                queue.free(slot);
            }
            assertTrue(queue.isEmpty());
        }
    }
}
