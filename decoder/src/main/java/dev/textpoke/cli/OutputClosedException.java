package dev.textpoke.cli;

import java.io.IOException;

/**
 * Standard output cannot be written any more: the reader went away ({@code textpoke dump big.data |
 * head -1}) or the disk is full. Unchecked, so that it passes through {@link java.io.PrintWriter},
 * which swallows {@code IOException}s and would let the command run to its end for nobody.
 */
public final class OutputClosedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutputClosedException(IOException cause) {
        super(cause.getMessage(), cause);
    }

    /** True when the reader closed the pipe (EPIPE), which is not an error worth a message. */
    public boolean brokenPipe() {
        String m = getCause().getMessage();
        return m != null && m.contains("Broken pipe");
    }
}
