package dev.textpoke.cli;

/** Exit statuses of every textpoke command. */
public final class ExitStatus {
    /** The command did what was asked and found nothing to report as a failure. */
    public static final int OK = 0;
    /** The command ran and reports a failure of what it checked (e.g. an unsafe runtime patch). */
    public static final int FINDINGS = 1;
    /** Bad usage or bad input: picocli's usage error status, and every malformed-input error. */
    public static final int BAD_INPUT = 2;
    /** A bug in textpoke (sysexits' EX_SOFTWARE). */
    public static final int INTERNAL = 70;

    private ExitStatus() {}
}
