package dev.textpoke.scenario.spec;

import dev.textpoke.io.InputFormatException;

/**
 * A scenario file that cannot be run as written: the file, the line (and byte offset) of the value
 * at fault, what kind of problem, and what is wrong. The message is one line: {@code
 * FILE:LINE: problem}. Tests assert on {@link #kind()} and {@link #line()}.
 */
public final class ScenarioFileException extends InputFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Kind {
        /** Not JSON. */
        SYNTAX,
        /** A key the format does not have (at that place). */
        UNKNOWN_KEY,
        /** A key the format needs is missing. */
        MISSING_KEY,
        /** A value of the wrong type or out of range. */
        BAD_VALUE,
        /** A name (function, key, label, protocol) that nothing defines. */
        UNKNOWN_NAME,
        /** The assembler refused the code. */
        BAD_ASSEMBLY,
        /** A site is not an instruction its kind patches (a nop or jump of its size, a call). */
        NOT_PATCHABLE,
        /** Schedule entries out of time order, or a batch that starts before the previous one ended. */
        SCHEDULE_ORDER,
        /** The workload cannot be laid out or run (a call cycle, a jump out of reach). */
        BAD_WORKLOAD
    }

    private final String file;
    private final int line;
    private final Kind kind;

    public ScenarioFileException(String file, long offset, int line, Kind kind, String problem) {
        super(file, offset, problem);
        this.file = file;
        this.line = line;
        this.kind = kind;
    }

    public int line() {
        return line;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String getMessage() {
        return file + ":" + line + ": " + problem();
    }
}
