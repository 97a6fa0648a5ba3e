package dev.textpoke.patcher;

/** A race or measurement that could not run, with a one-line message saying why. */
public final class PatcherException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, so that callers can choose an exit status. */
    public enum Kind {
        /** The request is invalid (a value out of range, a protocol the placement excludes). */
        INVALID,
        /** This machine, kernel or sandbox cannot run it (too few CPUs, no SYNC_CORE, seccomp, no qemu). */
        UNSUPPORTED,
        /** The native artifacts for the architecture were not built. */
        NOT_BUILT,
        /** The driver process crashed, hung or wrote garbage. */
        CHILD_FAILED,
        /** A bug in the patcher. */
        INTERNAL
    }

    // enum tp_error_code values (textpoke_patcher.h).
    private static final int TP_INVALID = 2;
    private static final int TP_BAD_PROTOCOL = 3;
    private static final int TP_BAD_PLACEMENT = 4;
    private static final int TP_FEW_CPUS = 6;
    private static final int TP_AFFINITY = 7;
    private static final int TP_NO_MEMBARRIER = 8;
    private static final int TP_NO_SYNC_CORE = 9;
    private static final int TP_MEMBARRIER_PERM = 10;
    private static final int TP_SECCOMP = 11;
    private static final int TP_MEMBARRIER_FAILED = 12;
    private static final int TP_MAPPING = 13;
    private static final int TP_TOO_BIG = 17;
    private static final int TP_SCHED = 18;

    private final Kind kind;
    private final int nativeError;

    public PatcherException(Kind kind, String message) {
        this(kind, 0, message);
    }

    private PatcherException(Kind kind, int nativeError, String message) {
        super(message);
        this.kind = kind;
        this.nativeError = nativeError;
    }

    public Kind kind() {
        return kind;
    }

    /** The enum tp_error_code behind it (positive), or 0. */
    public int nativeError() {
        return nativeError;
    }

    /** True when only protocols needing membarrier are affected: others can still run. */
    public boolean concernsMembarrierOnly() {
        return nativeError >= TP_NO_MEMBARRIER && nativeError <= TP_MEMBARRIER_FAILED;
    }

    /**
     * True when another protocol may still run: this one needs a membarrier the environment
     * refuses, or cannot patch the sites as placed.
     */
    public boolean concernsOneProtocol() {
        return concernsMembarrierOnly() || nativeError == TP_BAD_PROTOCOL
                || nativeError == TP_BAD_PLACEMENT;
    }

    static PatcherException fromNative(int code, String errstr, String detail) {
        int c = Math.abs(code);
        Kind kind = switch (c) {
            case TP_INVALID, TP_BAD_PROTOCOL, TP_BAD_PLACEMENT, TP_TOO_BIG -> Kind.INVALID;
            case TP_FEW_CPUS, TP_AFFINITY, TP_NO_MEMBARRIER, TP_NO_SYNC_CORE, TP_MEMBARRIER_PERM,
                    TP_SECCOMP, TP_MEMBARRIER_FAILED, TP_MAPPING, TP_SCHED -> Kind.UNSUPPORTED;
            default -> Kind.INTERNAL;
        };
        String message = detail == null || detail.isEmpty() ? errstr : detail;
        return new PatcherException(kind, c, message);
    }
}
