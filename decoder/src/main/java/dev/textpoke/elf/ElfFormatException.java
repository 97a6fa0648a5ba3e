package dev.textpoke.elf;

import dev.textpoke.io.InputFormatException;

/**
 * Malformed ELF input: an {@link InputFormatException} that also says which kind of damage was
 * found, so that tests and callers can tell a truncated file from a bad symbol table without
 * reading the message.
 */
public final class ElfFormatException extends InputFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Kind {
        /** The first bytes are neither ELF nor a compression format we read. */
        NOT_ELF,
        /** {@code EI_CLASS}, {@code EI_DATA} or {@code EI_VERSION} holds a value ELF does not define. */
        BAD_IDENT,
        /** A header field is inconsistent (entry sizes too small, string table index out of range). */
        BAD_HEADER,
        /** A table or region named by the file lies (partly) outside the file. */
        OUT_OF_BOUNDS,
        /** A section's link, info or entry size does not fit its type. */
        BAD_SECTION,
        /** A name's offset is outside its string table, or the string is not terminated. */
        BAD_STRING,
        /** A symbol names a section that does not exist. */
        BAD_SYMBOL,
        /** A relocation names a symbol that does not exist. */
        BAD_RELOCATION,
        /** A note's sizes run past the end of its section or segment. */
        BAD_NOTE,
        /** The compressed stream is corrupt or truncated. */
        BAD_COMPRESSION,
        /** A size exceeds what we are willing to hold in memory (an option may raise the limit). */
        TOO_LARGE,
    }

    private final Kind kind;

    public ElfFormatException(String source, long offset, Kind kind, String problem) {
        super(source, offset, problem);
        this.kind = kind;
    }

    public ElfFormatException(String source, long offset, Kind kind, String problem, Throwable cause) {
        super(source, offset, problem, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
