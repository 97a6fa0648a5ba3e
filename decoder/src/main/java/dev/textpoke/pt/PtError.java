package dev.textpoke.pt;

/**
 * What went wrong while decoding Intel PT, in libipt's vocabulary ({@code enum pt_error_code} in
 * {@code intel-pt.h}) where it fits, so that a difference against libipt reads the same on both
 * sides. Every layer (packet, event, flow) reports one of these with the trace offset.
 */
public enum PtError {
    /** Not synchronised: no PSB seen yet where the layer needs one ({@code pte_nosync}). */
    NOSYNC,
    /** An opcode (or extended opcode) that no packet has ({@code pte_bad_opc}). */
    BAD_OPC,
    /** A known opcode with an invalid payload: reserved IP compression, TNT without stop bit,
     * reserved MODE leaf, reserved TMA bits, an oversized CYC, a broken PSB pattern
     * ({@code pte_bad_packet}). */
    BAD_PACKET,
    /** A packet where the layer above cannot use it ({@code pte_bad_context}). */
    BAD_CONTEXT,
    /** The buffer ends inside a packet ({@code pte_eos}); a clean end is not an error. */
    EOS,
    /** The trace does not answer the question the flow asks, such as a TNT bit where a TIP is
     * due ({@code pte_bad_query}). */
    BAD_QUERY,
    /** An IP is needed and none has been given since the last PSB ({@code pte_noip}). */
    NOIP,
    /** An IP is needed and the packet suppressed it ({@code pte_ip_suppressed}). */
    IP_SUPPRESSED,
    /** No code is known at the address ({@code pte_nomap}). */
    NOMAP,
    /** The bytes at the address are not an instruction ({@code pte_bad_insn}). */
    BAD_INSN,
    /** No timing packet seen yet ({@code pte_no_time}). */
    NO_TIME,
    /** No CBR seen yet ({@code pte_no_cbr}). */
    NO_CBR,
    /** A compressed return with an empty call stack ({@code pte_retstack_empty}). */
    RETSTACK_EMPTY,
    /** A compressed return where the packets say not taken ({@code pte_bad_retcomp}). */
    BAD_RETCOMP,
    /** A status update (PSB+) that does not agree with the state ({@code pte_bad_status_update}). */
    BAD_STATUS_UPDATE,
    /** An event that needs tracing enabled while it is disabled ({@code pte_no_enable}). */
    NO_ENABLE,
    /** An event the layer had to drop ({@code pte_event_ignored}). */
    EVENT_IGNORED,
    /** Packets were lost: the CPU's internal buffer overflowed ({@code pte_overflow}). */
    OVERFLOW,
    /** Trace the recording does not have: the AUX area was full (AUX TRUNCATED), bytes were lost
     * (PARTIAL), or perf did not copy them; not in libipt, which sees one buffer at a time. */
    LOST
}
