package dev.textpoke.cli;

/**
 * A blocking step run to its end whatever interrupts the calling thread meanwhile: the interrupt
 * is kept for the caller (the thread's flag is set again afterwards), neither lost nor obeyed.
 * For the hand-overs between a command's thread and its helper threads, which must finish (the
 * lines handed over are printed, a helper is waited for before what it uses is closed).
 */
public final class Uninterruptibly {
    private Uninterruptibly() {}

    /** A step that may block; {@code X} is what else it may throw. */
    @FunctionalInterface
    public interface Step<T, X extends Exception> {
        T run() throws InterruptedException, X;
    }

    /** A step with no result. */
    @FunctionalInterface
    public interface Action {
        void run() throws InterruptedException;
    }

    /** Runs {@code step} until it completes without being interrupted, and returns its result. */
    public static <T, X extends Exception> T get(Step<T, X> step) throws X {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return step.run();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs {@code action} until it completes without being interrupted. */
    public static void run(Action action) {
        Uninterruptibly.<Void, RuntimeException>get(() -> {
            action.run();
            return null;
        });
    }
}
