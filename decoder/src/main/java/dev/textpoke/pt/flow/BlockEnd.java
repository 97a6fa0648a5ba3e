package dev.textpoke.pt.flow;

/**
 * How a {@link Block} ends: what the decoder needs from the trace, or from the code, to know where
 * control goes next. The classes follow the Intel SDM's "Packet Generation" rules (Vol. 3C,
 * "Intel Processor Trace", table "Packet generation under different enable conditions"):
 * conditional branches and compressed returns take a TNT bit; indirect branches, uncompressed
 * returns and far transfers take a TIP; direct branches take nothing.
 */
public enum BlockEnd {
    /** Jcc, JrCXZ, LOOPcc: one TNT bit. */
    CONDITIONAL,
    /** RET: a TNT bit when compressed (the target is the top of the call stack), else a TIP. */
    RETURN,
    /** JMP r/m: a TIP. */
    INDIRECT_JUMP,
    /** CALL r/m: a TIP; pushes the return address. */
    INDIRECT_CALL,
    /** CALL rel32: no packet; pushes the return address. */
    DIRECT_CALL,
    /** JMP rel8/rel32: no packet. */
    DIRECT_JUMP,
    /** SYSCALL, SYSRET, IRET, far JMP/CALL/RET, VMLAUNCH...: a TIP, TIP.PGD or TIP.PGE. */
    FAR_TRANSFER,
    /**
     * INT3, INT1, INT n, UD2...: the CPU raises an exception there and the trace says so with a
     * FUP (the instruction's own address) and a TIP; the instruction itself never completes.
     */
    TRAP,
    /** Bytes that are not an instruction, or not known at this time (a gap): decoding stops. */
    UNDECODABLE,
    /** The block was cut at its length limit; control falls through to {@link Block#next()}. */
    LIMIT;

    /** Whether this end consumes a TNT bit or a TIP from the trace (RETURN: one or the other). */
    public boolean needsTrace() {
        return this == CONDITIONAL || this == RETURN || this == INDIRECT_JUMP || this == INDIRECT_CALL
                || this == FAR_TRANSFER;
    }
}
