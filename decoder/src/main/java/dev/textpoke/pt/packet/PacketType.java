package dev.textpoke.pt.packet;

/**
 * Every Intel PT packet of the SDM (Vol. 3C, "Intel Processor Trace", section "Trace Packets
 * and Data Types"), with its header bytes and size. Opcodes as libipt ({@code pt_opcodes.h}) and
 * perf ({@code intel-pt-pkt-decoder.c}) decode them; {@code x} marks payload bits in the header.
 */
public enum PacketType {
    /** {@code 00}, 1 byte: padding. */
    PAD,
    /** {@code xxxxxxx0} (not 00 or 02), 1 byte: 1 to 6 conditional-branch outcomes and a stop bit. */
    TNT_8,
    /** {@code 02 A3}, 8 bytes: 1 to 47 outcomes and a stop bit in a 48-bit payload. */
    TNT_64,
    /** {@code xxx01101}, 1 to 9 bytes: target IP of an indirect branch, return or far transfer. */
    TIP,
    /** {@code xxx10001}: packet generation enabled, with the IP where tracing resumes. */
    TIP_PGE,
    /** {@code xxx00001}: packet generation disabled, with the target IP (or none). */
    TIP_PGD,
    /** {@code xxx11101}: flow update, the source IP of an asynchronous event or a status IP. */
    FUP,
    /** {@code 99 000xxxxx}, 2 bytes: execution mode (CS.L, CS.D, IF) of the next target. */
    MODE_EXEC,
    /** {@code 99 001xxxxx}, 2 bytes: transaction state (InTX, TXAbort). */
    MODE_TSX,
    /** {@code 02 43}, 8 bytes: paging information, CR3[51:5] and the VMX non-root bit. */
    PIP,
    /** {@code 02 C8}, 7 bytes: VMCS pointer bits 51:12. */
    VMCS,
    /** {@code 02 F3}, 2 bytes: the CPU's internal buffer overflowed; packets were lost. */
    OVF,
    /** {@code 02 03}, 4 bytes: core-to-bus ratio. */
    CBR,
    /** {@code 19}, 8 bytes: the low 7 bytes of the TSC. */
    TSC,
    /** {@code 59}, 2 bytes: eight bits of the crystal clock counter (CTC[N+7:N]). */
    MTC,
    /** {@code 02 73}, 7 bytes: CTC[15:0] and the fast counter[8:0] at the preceding TSC. */
    TMA,
    /** {@code xxxxxx11}, 1 byte and up: core cycles since the last CYC. */
    CYC,
    /** {@code 02 83}, 2 bytes: TraceStop, tracing stopped by an address-range stop. */
    STOP,
    /** {@code 02 C3 88}, 11 bytes: maintenance, a model-specific 64-bit payload. */
    MNT,
    /** {@code 02 xxx10010}, 6 or 10 bytes: PTWRITE operand, 4 or 8 bytes, with an IP bit. */
    PTW,
    /** {@code 02 62} / {@code 02 E2} (with IP), 2 bytes: execution stopped (C-state, ...). */
    EXSTOP,
    /** {@code 02 C2}, 10 bytes: MWAIT hints and extensions. */
    MWAIT,
    /** {@code 02 22}, 4 bytes: power entry (requested C-state, hardware-initiated bit). */
    PWRE,
    /** {@code 02 A2}, 7 bytes: power exit (last and deepest C-state, wake reason). */
    PWRX,
    /** {@code 02 63}, 3 bytes: block begin (PEBS via PT): the type and the size of its BIPs. */
    BBP,
    /** {@code xxxxx100} inside a block, 5 or 9 bytes: block item, an ID and a 4- or 8-byte value. */
    BIP,
    /** {@code 02 33} / {@code 02 B3} (with IP), 2 bytes: block end. */
    BEP,
    /** {@code 02 13}, 4 bytes: control-flow event (event trace): type, vector, IP bit. */
    CFE,
    /** {@code 02 53}, 11 bytes: event data (event trace): type and a 64-bit payload. */
    EVD,
    /** {@code D9}, 3 or 5 bytes: trigger (trigger tracing): bit vector, IP bit, instruction count. */
    TRIG,
    /** {@code 02 82} repeated 8 times, 16 bytes: stream boundary, the synchronisation point. */
    PSB,
    /** {@code 02 23}, 2 bytes: end of the PSB+ status block. */
    PSBEND;

    /** TIP, TIP.PGE, TIP.PGD or FUP: a packet with a compressed IP payload. */
    public boolean carriesIp() {
        return this == TIP || this == TIP_PGE || this == TIP_PGD || this == FUP;
    }
}
