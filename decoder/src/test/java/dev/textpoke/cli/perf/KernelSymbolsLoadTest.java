package dev.textpoke.cli.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.space.KernelSymbols;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The kernel's symbols read once, at first use or ahead of it, with errors shown at first use. */
class KernelSymbolsLoadTest {
    @Test
    void withoutReadAheadTheSymbolsAreReadOnceAtFirstUseOnTheCallersThread() {
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Thread> readOn = new AtomicReference<>();
        KernelSymbolsLoad load = new KernelSymbolsLoad(() -> () -> {
            reads.incrementAndGet();
            readOn.set(Thread.currentThread());
            return KernelSymbols.NONE;
        });
        assertEquals(0, reads.get());
        assertSame(KernelSymbols.NONE, load.get());
        assertSame(KernelSymbols.NONE, load.get());
        assertEquals(1, reads.get());
        assertSame(Thread.currentThread(), readOn.get());
    }

    @Test
    void readAheadChoosesTheSourceHereAndReadsOnAnotherThreadOnce() {
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Thread> chosenOn = new AtomicReference<>();
        AtomicReference<Thread> readOn = new AtomicReference<>();
        KernelSymbolsLoad load = new KernelSymbolsLoad(() -> {
            chosenOn.set(Thread.currentThread());
            return () -> {
                reads.incrementAndGet();
                readOn.set(Thread.currentThread());
                return KernelSymbols.NONE;
            };
        });
        load.readAhead();
        load.readAhead();
        assertTrue(load.readingAhead());
        assertSame(Thread.currentThread(), chosenOn.get());
        assertSame(KernelSymbols.NONE, load.get());
        assertSame(KernelSymbols.NONE, load.get());
        assertEquals(1, reads.get());
        assertNotEquals(Thread.currentThread(), readOn.get());
    }

    @Test
    void aReadErrorShowsAtEveryUseAndNotWhenReadAhead() {
        IOException bad = new IOException("kallsyms: not a kallsyms line");
        KernelSymbolsLoad load = new KernelSymbolsLoad(() -> () -> {
            throw bad;
        });
        load.readAhead();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, load::get);
        assertSame(bad, e.getCause());
        assertSame(bad, assertThrows(UncheckedIOException.class, load::get).getCause());
    }

    @Test
    void anErrorInChoosingTheSourceIsDeferredToTheFirstUse() {
        IOException bad = new IOException("BUILD_ID feature damaged");
        KernelSymbolsLoad ahead = new KernelSymbolsLoad(() -> {
            throw bad;
        });
        ahead.readAhead();
        assertSame(bad, assertThrows(UncheckedIOException.class, ahead::get).getCause());
        KernelSymbolsLoad atUse = new KernelSymbolsLoad(() -> {
            throw new IllegalStateException("no");
        });
        assertEquals("no", assertThrows(IllegalStateException.class, atUse::get).getMessage());
    }
}
