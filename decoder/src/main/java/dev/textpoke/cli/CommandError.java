package dev.textpoke.cli;

/**
 * A request the input cannot satisfy, although the command line is well-formed: a field the
 * samples do not have, a symbol no image names, a module without a load address. Reported as one
 * line on stderr with exit status 2 and without the usage, which only a malformed command line
 * deserves.
 */
public final class CommandError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandError(String message) {
        super(message);
    }
}
