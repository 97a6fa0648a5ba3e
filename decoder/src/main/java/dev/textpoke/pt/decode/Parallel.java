package dev.textpoke.pt.decode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks {@code 0..count-1} on up to {@code threads} threads, each thread taking the next task
 * not yet taken; with one thread, in the calling thread. The first failure is rethrown once all
 * threads have stopped.
 */
final class Parallel {
    private Parallel() {}

    /** One thread's work: {@link #run} calls it with each task index the thread takes. */
    interface Task {
        void run(int index) throws IOException;
    }

    /** What each thread holds while it works (caches, files), made by the thread and closed by it. */
    interface ThreadState<S extends AutoCloseable> {
        S open() throws IOException;
    }

    /** With per-thread state: {@code work} gets the thread's state and the task index. */
    interface StatefulTask<S> {
        void run(S state, int index) throws IOException;
    }

    static void run(int count, int threads, Task task) throws IOException {
        run(count, threads, () -> () -> { }, (AutoCloseable s, int i) -> task.run(i));
    }

    static <S extends AutoCloseable> void run(int count, int threads, ThreadState<S> states, StatefulTask<S> task)
            throws IOException {
        AtomicInteger next = new AtomicInteger();
        int n = Math.max(1, Math.min(threads, count));
        List<Throwable> failures = new ArrayList<>();
        Runnable work = () -> {
            try (S s = states.open()) {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    task.run(s, i);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        if (n == 1) {
            work.run();
            return;
        }
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            Thread th = new Thread(work, "decode-" + t);
            th.setUncaughtExceptionHandler((x, e) -> {
                synchronized (failures) {
                    failures.add(e);
                }
            });
            th.start();
            running.add(th);
        }
        for (Thread th : running) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (!failures.isEmpty()) {
            Throwable f = failures.get(0);
            if (f instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IOException(f);
        }
    }
}
