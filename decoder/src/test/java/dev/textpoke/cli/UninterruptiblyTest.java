package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/** A blocking step interrupted meanwhile still completes, and the interrupt is there afterwards. */
class UninterruptiblyTest {
    @Test
    void anInterruptedStepIsRunAgainAndTheInterruptKept() {
        int[] tries = {0};
        Thread.currentThread().interrupt();
        int got = Uninterruptibly.get(() -> {
            tries[0]++;
            Thread.sleep(1); // throws at once while the flag is set
            return 7;
        });
        assertEquals(7, got);
        assertEquals(2, tries[0]);
        assertTrue(Thread.interrupted(), "the interrupt is the caller's again");
    }

    @Test
    void aHandOverWaitsForItsTakerThroughInterrupts() throws Exception {
        BlockingQueue<String> q = new ArrayBlockingQueue<>(1);
        q.put("full");
        Thread taker = new Thread(() -> {
            Uninterruptibly.run(() -> Thread.sleep(50));
            q.poll();
        });
        taker.start();
        Thread.currentThread().interrupt();
        Uninterruptibly.run(() -> q.put("mine"));
        assertTrue(Thread.interrupted());
        Uninterruptibly.run(taker::join);
        assertEquals("mine", q.poll());
    }

    @Test
    void anUninterruptedStepLeavesTheFlagAloneAndItsOtherFailuresPass() {
        assertEquals("x", Uninterruptibly.get(() -> "x"));
        assertFalse(Thread.currentThread().isInterrupted());
        assertThrows(IOException.class, () -> Uninterruptibly.<String, IOException>get(() -> {
            throw new IOException("no");
        }));
    }
}
