package dev.textpoke.cli;

/** Exit statuses of every textpoke command. */
public final class ExitStatus {
    /** The command did what was asked and found nothing to report as a failure. */
    public static final int OK = 0;
    /** The command ran and reports a failure of what it checked (e.g. an unsafe runtime patch). */
    public static final int FINDINGS = 1;
    /**
     * Bad usage or bad input: picocli's usage error status, every malformed-input error, and damage
     * reported after what could be read (a truncated feature section, a cut record).
     */
    public static final int BAD_INPUT = 2;
    /** A bug in textpoke (sysexits' EX_SOFTWARE). */
    public static final int INTERNAL = 70;
    /** Standard output could not be written for another reason than a closed pipe (sysexits' EX_IOERR). */
    public static final int OUTPUT_ERROR = 74;
    /**
     * The reader of standard output went away ({@code | head}): what a shell reports for perf, which
     * SIGPIPE kills (128 + 13). textpoke stops at once and says nothing.
     */
    public static final int CLOSED_OUTPUT = 141;

    private ExitStatus() {}
}
