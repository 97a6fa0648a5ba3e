package dev.textpoke.io;

import java.io.IOException;

/**
 * The one checked exception for malformed binary input (perf.data, ELF, archives, traces).
 *
 * <p>It always says where: the input's name, the byte offset in that input at which the problem
 * was detected, and what is wrong. Callers that test for it assert on {@link #offset()} and on a
 * subclass's kind, never on the message text. Corrupt input must surface as this exception (or a
 * subclass), never as an unchecked {@code IndexOutOfBoundsException}, {@code
 * BufferUnderflowException} or {@code NegativeArraySizeException}.
 *
 * <p>The message is one line: {@code <source>: at byte <offset> (0x<hex>): <problem>}, or {@code
 * <source>: <problem>} when the offset is unknown.
 */
public class InputFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long offset;
    private final String problem;

    /**
     * @param source  the input as the user named it (a path, or e.g. "{@code perf.data (pipe)}")
     * @param offset  byte offset in that input where the problem was found, or -1 if unknown
     * @param problem what is wrong, in a few words, without the source or offset
     */
    public InputFormatException(String source, long offset, String problem) {
        this(source, offset, problem, null);
    }

    public InputFormatException(String source, long offset, String problem, Throwable cause) {
        super(format(source, offset, problem), cause);
        this.source = source;
        this.offset = offset;
        this.problem = problem;
    }

    private static String format(String source, long offset, String problem) {
        String where = offset < 0 ? "" : " at byte " + offset + " (0x" + Long.toHexString(offset) + "):";
        return source + ":" + where + " " + problem;
    }

    /** The input as the user named it. */
    public String source() {
        return source;
    }

    /** Byte offset in {@link #source()} where the problem was found; -1 when unknown. */
    public long offset() {
        return offset;
    }

    /** What is wrong, without source and offset. */
    public String problem() {
        return problem;
    }
}
