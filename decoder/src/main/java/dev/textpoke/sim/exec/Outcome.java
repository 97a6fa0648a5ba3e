package dev.textpoke.sim.exec;

/**
 * Flags of an executed instruction or asynchronous branch, as an {@code int} so that the listener
 * callbacks allocate nothing.
 */
public final class Outcome {
    /** Control did not fall through: a taken conditional branch, any jump, call, return or far transfer. */
    public static final int TAKEN = 1;
    /** The instruction ran at CPL 3 (for an asynchronous branch: the CPU was at CPL 3 when it came). */
    public static final int USER = 2;
    /** The next instruction runs at CPL 3. */
    public static final int TO_USER = 4;

    private Outcome() {}

    public static boolean taken(int outcome) {
        return (outcome & TAKEN) != 0;
    }

    public static boolean user(int outcome) {
        return (outcome & USER) != 0;
    }

    public static boolean toUser(int outcome) {
        return (outcome & TO_USER) != 0;
    }
}
