package dev.textpoke.sim.exec;

/**
 * A CPU's stack as far as control flow goes: return addresses pushed by calls, interrupt frames
 * (where {@code iretq} resumes, the CPL and IF to restore) and the user return address a {@code
 * syscall} saves in RCX. One array of values and one of kinds; no objects per frame.
 */
final class CallStack {
    static final byte CALL = 0;
    static final byte SYSCALL = 1;
    /** An interrupt frame; bit 2 = the interrupted code ran at CPL 3, bit 3 = it had IF set. */
    static final byte INTERRUPT = 2;
    static final byte USER_BIT = 4;
    static final byte IF_BIT = 8;

    private final int limit;
    private long[] values = new long[64];
    private byte[] kinds = new byte[64];
    private int depth;

    CallStack(int limit) {
        this.limit = limit;
    }

    /** Pushes; false when the stack is full. */
    boolean push(byte kind, long value) {
        if (depth == values.length) {
            if (depth >= limit) {
                return false;
            }
            values = java.util.Arrays.copyOf(values, Math.min(limit, depth * 2));
            kinds = java.util.Arrays.copyOf(kinds, values.length);
        }
        values[depth] = value;
        kinds[depth++] = kind;
        return true;
    }

    /** The kind of the top frame with the flag bits dropped, or -1 when empty. */
    int topKind() {
        return depth == 0 ? -1 : kinds[depth - 1] & 3;
    }

    byte topFlags() {
        return kinds[depth - 1];
    }

    long pop() {
        return values[--depth];
    }

    int depth() {
        return depth;
    }
}
