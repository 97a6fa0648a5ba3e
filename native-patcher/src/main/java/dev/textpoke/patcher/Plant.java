package dev.textpoke.patcher;

/**
 * Faults a race plants on purpose midway (enum tp_plant), so that tests can show the harness
 * detects what it claims to: a half-written instruction, a jump into foreign code, a patch
 * published as complete before it was written.
 */
public enum Plant {
    NONE(0),
    /** Site 0 holds a half-written instruction for a while: executions fault. */
    TORN_FAULT(1),
    /** Site 0 jumps into site 1's code for a while: executions return a foreign tag. */
    TORN_TAG(2),
    /** A patch of site 0 is published as complete before it is written: executions are stale. */
    STALE(3),
    /** The patcher thread itself runs a half-written site: the driver dies of SIGSEGV. */
    CRASH(4),
    /** The INT3/BRK protocols hold the trap in place until executors ran site 0: handler coverage. */
    TRAP_HOLD(5);

    private final int code;

    Plant(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
