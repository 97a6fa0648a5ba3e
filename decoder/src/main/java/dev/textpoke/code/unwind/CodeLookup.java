package dev.textpoke.code.unwind;

/** What the unwinder asks of the sampled process: what is mapped at an address, and its rules. */
public interface CodeLookup {
    /** No mapping covers the address. */
    int NOT_MAPPED = 0;
    /** A mapping covers it, but its file is not on this machine (perf's unwinder stops there). */
    int NO_FILE = 1;
    /** A file on this machine is mapped there. */
    int MAPPED = 2;

    /** Which of the above holds at {@code address}. */
    int whatIsAt(long address);

    /**
     * The unwinding rules at {@code address} (its object's {@code .eh_frame}, else {@code
     * .debug_frame}), or null when no description covers it.
     */
    UnwindRow rowAt(long address);
}
