package dev.textpoke.pt;

import dev.textpoke.io.InputFormatException;

/**
 * An Intel PT decode error: its {@link PtError kind} and the trace offset at which it was found
 * (from the start of the decoded buffer). Decoders throw it for the packet at fault and stay at
 * that packet; the caller reports it and resynchronises (for the packet layer, at the next PSB).
 * It is never fatal, and no other exception escapes a decoder on bad input. It carries no stack
 * trace.
 */
public final class PtDecodeException extends InputFormatException {
    private static final long serialVersionUID = 1L;

    private final PtError kind;

    /**
     * @param source  the trace as the user would name it (a file and buffer), for the message
     * @param offset  trace offset of the packet at fault, from the start of the buffer
     * @param kind    what is wrong
     * @param problem what is wrong, in a few words
     */
    public PtDecodeException(String source, long offset, PtError kind, String problem) {
        super(source, offset, kind + ": " + problem);
        this.kind = kind;
    }

    public PtError kind() {
        return kind;
    }

    /**
     * No stack trace: the exception describes the input, not the code, and a damaged trace may
     * raise one per resynchronisation, so its cost stays that of the message.
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
