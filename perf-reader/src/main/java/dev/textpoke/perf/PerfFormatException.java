package dev.textpoke.perf;

import dev.textpoke.io.InputFormatException;

/**
 * Malformed perf.data input: what kind of damage, where (absolute byte offset in the named input),
 * and what exactly is wrong.
 *
 * <p>For a record found inside a {@code PERF_RECORD_COMPRESSED}/{@code COMPRESSED2} record the
 * offset is that of the enclosing compressed record (decompressed bytes have no file offset), and
 * the problem text says so. Tests assert on {@link #kind()} and {@link #offset()}, never on the
 * message.
 */
public final class PerfFormatException extends InputFormatException {
    private static final long serialVersionUID = 1L;

    /** The kinds of damage the reader tells apart. */
    public enum Kind {
        /** The input ends inside a structure that its sizes say is longer. */
        TRUNCATED,
        /** The first bytes are no perf.data magic ({@code PERFILE2}, {@code PERFFILE}) in either order. */
        BAD_MAGIC,
        /** A header, section or record size is impossible (too small, beyond the input, misaligned). */
        BAD_SIZE,
        /** A {@code perf_event_attr} (file attr section or {@code HEADER_ATTR}) is malformed. */
        BAD_ATTR,
        /** A feature section's content does not match its declared layout. */
        BAD_FEATURE,
        /** A record body does not match the layout of its type (counts beyond its size, ...). */
        BAD_RECORD,
        /** A sample does not match the layout its attr's {@code sample_type} prescribes. */
        BAD_SAMPLE,
        /**
         * A sample's branch stack does not fit its record (its {@code nr} runs past it, an entry is
         * cut), while the fields before it do: the stack is what is damaged, not the layout.
         */
        BAD_BRANCH_STACK,
        /** The zstd stream of COMPRESSED/COMPRESSED2 records cannot be decoded. */
        DECOMPRESSION,
        /** A configured limit (memory for ordering, decompressed chunk size) would be exceeded. */
        LIMIT,
    }

    private final Kind kind;

    public PerfFormatException(Kind kind, String source, long offset, String problem) {
        super(source, offset, problem);
        this.kind = kind;
    }

    public PerfFormatException(Kind kind, String source, long offset, String problem, Throwable cause) {
        super(source, offset, problem, cause);
        this.kind = kind;
    }

    /** Re-kinds a bounds error of {@link dev.textpoke.io.ByteCursor} as {@code kind}. */
    public static PerfFormatException of(Kind kind, InputFormatException e) {
        if (e instanceof PerfFormatException p) {
            return p;
        }
        return new PerfFormatException(kind, e.source(), e.offset(), e.problem(), e);
    }

    public Kind kind() {
        return kind;
    }
}
