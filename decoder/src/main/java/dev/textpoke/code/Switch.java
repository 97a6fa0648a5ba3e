package dev.textpoke.code;

/**
 * When a modification takes effect, as far as the architecture and the kernel let anyone know.
 *
 * <p>The state of code at time {@code t} includes every modification whose switch has happened by
 * {@code t}: a {@link Point} at {@code time <= t}, a {@link Window} with {@code end <= t}. Inside a
 * window ({@code start <= t < end}) a CPU may be running either the old or the new bytes, and the
 * timeline lets both be queried ({@link WindowSide}).
 */
public sealed interface Switch permits Switch.Point, Switch.Window {

    /** The first time at which the new bytes may be executing. */
    long start();

    /** The first time from which only the new bytes are executing. */
    long end();

    /** Whether both the old and the new bytes may be executing at {@code time}. */
    default boolean inFlightAt(long time) {
        return start() <= time && time < end();
    }

    static Point point(long time) {
        return new Point(time);
    }

    static Window window(long start, long end) {
        return new Window(start, end);
    }

    /**
     * A single switch time. x86's INT3 protocol gives one: before the TEXT_POKE event's timestamp a
     * CPU runs the old instruction or traps on the INT3, after it the new instruction or the INT3
     * (comment in {@code arch/x86/kernel/alternative.c}, {@code smp_text_poke_batch_finish}).
     */
    record Point(long time) implements Switch {
        @Override
        public long start() {
            return time;
        }

        @Override
        public long end() {
            return time;
        }
    }

    /**
     * An interval in which the architecture names no single switch time, e.g. an arm64 {@code
     * aarch64_insn_patch_text_nosync} store up to the end of its cache maintenance.
     */
    record Window(long start, long end) implements Switch {
        public Window {
            if (end <= start) {
                throw new IllegalArgumentException("an uncertain window needs start < end, got ["
                        + start + ", " + end + ")");
            }
        }
    }
}
