package dev.textpoke.pt.event;

/**
 * What the flow decoder is told by the packets, after timing packets, PAD and PSB+ have been
 * folded in by {@link EventDecoder}. Binding follows the SDM (Vol. 3C, "Packet Generation under
 * Different Enable Conditions" and the FUP/TIP descriptions) as libipt's event decoder does.
 */
public enum EventType {
    /** Taken/not-taken bits for conditional branches and compressed returns. */
    TNT,
    /** The target of an indirect branch, uncompressed return or far transfer. */
    TIP,
    /** Tracing starts (PacketEn 0 to 1) at the IP. */
    TIP_PGE,
    /** Tracing stops after the next branch (or at the FUP before it); the IP may be suppressed. */
    TIP_PGD,
    /**
     * An asynchronous transfer (interrupt, exception, INT3, TSX abort) from the IP: the flow
     * reaches it without executing it, and the next TIP or TIP.PGD is where control went.
     */
    FUP,
    /**
     * A FUP that binds to an event and is followed by no TIP: PTWRITE, EXSTOP, BEP, CFE with an
     * IP, MWAIT/PWRE, or a MODE.TSX that begins or commits a transaction. The flow reaches the IP
     * (executing the instruction there for PTWRITE) and goes on.
     */
    FUP_EVENT,
    /** A PSB+ status: time, mode and, when tracing is on, the IP at which the flow continues. */
    PSB,
    /** The CPU's internal buffer overflowed: packets were lost; a FUP or TIP.PGE follows. */
    OVF,
    /** MODE.Exec: the execution mode of the next TIP's target. */
    MODE_EXEC,
    /** PIP: a new CR3 (and the VMX non-root bit). */
    PIP,
    /** VMCS: a new VMCS pointer. */
    VMCS,
    /** TraceStop: tracing stopped at an address-range or trigger condition. */
    STOP,
    /** A PTWRITE payload without an IP. */
    PTW,
    /** Execution stopped (EXSTOP without an IP). */
    EXSTOP,
    /** Power entry without an MWAIT (PWRE with HW set: the hardware chose the C-state). */
    PWRE,
    /** Power exit (PWRX): back in C0. */
    PWRX,
    /** The core:bus ratio changed. */
    CBR,
    /** The packet layer met bytes it could not decode; the decoder resynchronises at the next PSB. */
    ERROR,
    /** The end of the buffer. */
    END
}
