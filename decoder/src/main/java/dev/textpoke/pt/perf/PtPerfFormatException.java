package dev.textpoke.pt.perf;

import dev.textpoke.io.InputFormatException;

/**
 * The Intel PT content of a perf.data cannot be used as it is: what kind of problem, where
 * (absolute byte offset in the named input, the record or word at fault), and what exactly.
 * Tests assert on {@link #kind()} and {@link #offset()}, never on the message.
 */
public final class PtPerfFormatException extends InputFormatException {
    private static final long serialVersionUID = 1L;

    /** The problems told apart. */
    public enum Kind {
        /** No PERF_RECORD_AUXTRACE_INFO, or one of another trace type (CoreSight, BTS, ...). */
        NOT_INTEL_PT,
        /** AUXTRACE_INFO has fewer private words than the oldest perf (4.1) wrote. */
        TRUNCATED_INFO,
        /** A word of AUXTRACE_INFO has a value no decoding can use (time shift, filter length, ...). */
        BAD_INFO,
        /** No event has the PMU type that AUXTRACE_INFO names. */
        NO_PT_EVENT,
        /** An AUXTRACE record is inconsistent (payload outside the input, queue of two CPUs, ...). */
        BAD_AUXTRACE,
        /** The payload of an AUXTRACE record cannot be read again (it came from standard input). */
        UNREADABLE_PAYLOAD,
    }

    private final Kind kind;

    public PtPerfFormatException(Kind kind, String source, long offset, String problem) {
        super(source, offset, problem);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
