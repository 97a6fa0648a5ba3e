package dev.textpoke.sim.exec;

/**
 * Asynchronous transfers: control goes to a handler although the code at the source says nothing
 * about it. Intel PT reports each as a FUP with the source followed by a TIP with the handler; the
 * source ({@code from}) is where the decoder stops walking, and differs by kind (SDM Vol. 3C, "FUP
 * Cases and IP Payload"): the instruction that would have executed next for an interrupt, the
 * faulting instruction for an exception, the trapping instruction for INT3 and INT n.
 */
public enum AsyncKind {
    /** An external interrupt between two instructions; {@code from} is the next IP; iret resumes there. */
    INTERRUPT,
    /** A fault on the instruction at {@code from}, which has not executed; iret re-executes it. */
    EXCEPTION,
    /** {@code int3} at {@code from}; where iret resumes is the trap handler's decision. */
    INT3,
    /** {@code int n} at {@code from}; iret resumes after it. */
    SOFTWARE_INTERRUPT,
}
