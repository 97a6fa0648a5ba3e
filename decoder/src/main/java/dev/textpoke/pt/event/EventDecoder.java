package dev.textpoke.pt.event;

import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.PtError;
import dev.textpoke.pt.packet.IpCompression;
import dev.textpoke.pt.packet.LastIp;
import dev.textpoke.pt.packet.PacketDecoder;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.pt.time.PacketClock;

/**
 * The middle layer of Intel PT decoding, over a {@link PacketDecoder}: it expands compressed IPs
 * against the last IP, keeps time from the timing packets ({@link PacketClock}), reads a PSB+ as
 * one status, binds FUPs to the packets that announce them (PTWRITE, EXSTOP, BEP, CFE with their
 * IP bit; MWAIT and PWRE; MODE.TSX), and hands the flow decoder only what changes the flow
 * ({@link EventType}). As libipt's event decoder ({@code pt_event_decoder.c}) sits between its
 * packet and block decoders.
 *
 * <p>Errors: a packet that cannot be decoded gives {@link EventType#ERROR} with its {@link
 * #errorKind()} and offset; the next call resynchronises at the following PSB. Synchronisation at
 * the start is the same: events begin at the first PSB of the buffer.
 *
 * <p>Speculative decoding saves and restores the whole state with {@link #save} and {@link
 * #restore}; {@link #nextTimingTime()} looks ahead without moving.
 */
public final class EventDecoder {
    /** What a {@link EventType#FUP_EVENT} binds to. */
    public enum Binding { NONE, PTWRITE, EXSTOP, BEP, CFE, MWAIT, PWRE, TSX }

    private PacketDecoder packets;
    private byte[] data;
    private int begin;
    private int end;
    private final LastIp lastIp = new LastIp();
    private final PacketClock clock;
    private final PacketClock scratchClock;

    private boolean needSync = true;
    private boolean lastWasCyc;
    private Binding pending = Binding.NONE;
    /** What the pending FUP-bound event carries: PTWRITE's payload, MWAIT's hints, MODE.TSX's bits. */
    private long pendingPayload;
    /** The PWRE that follows a pending MWAIT ({@link #power()}'s packing). */
    private int pendingPower;
    private boolean abortPending;
    private int execMode = 1;        // CS.L: 64-bit until MODE.Exec says otherwise
    private int txBits;
    private long cr3;
    /** The last PIP's non-root bit: the code runs in a VMX guest. */
    private boolean nonRoot;

    // The current event.
    private EventType type;
    private long offset;
    private long ip;
    private boolean suppressed;
    private long tntBits;
    private int tntCount;
    private long payload;
    private int power;
    private Binding binding = Binding.NONE;
    private boolean txAbort;
    private boolean psbHasIp;
    private boolean psbCbrChanged;
    private PtError errorKind;

    // The clock as it was just before the last PSB (where a unit of work can start).
    private PacketClock.State psbClock;

    // Lookahead cache.
    private long lookaheadFrom = -1;
    private long lookaheadTime;

    public EventDecoder(byte[] data, int begin, int end, PacketClock clock) {
        this.clock = clock;
        this.scratchClock = clock.copy();
        setBuffer(data, begin, end);
    }

    /**
     * Continues with another buffer. The caller resets the clock ({@link PacketClock#reposition})
     * when the buffer does not continue the previous one; the decoder resynchronises at a PSB.
     */
    public void setBuffer(byte[] data, int begin, int end) {
        this.data = data;
        this.begin = begin;
        this.end = end;
        this.packets = new PacketDecoder(data, begin, end);
        needSync = true;
        lookaheadFrom = -1;
    }

    public PacketClock clock() {
        return clock;
    }

    /**
     * Decodes up to the next event.
     *
     * @return the event's type; {@link EventType#END} at the end of the buffer (and from then on)
     */
    public EventType next() {
        binding = Binding.NONE;
        txAbort = false;
        if (needSync) {
            if (packets.syncForward() < 0) {
                return set(EventType.END, packets.nextOffset());
            }
            needSync = false;
            pending = Binding.NONE;
            abortPending = false;
        }
        while (true) {
            PacketType t;
            try {
                t = packets.next();
            } catch (PtDecodeException e) {
                return error(e.kind(), e.offset());
            }
            if (t == null) {
                return set(EventType.END, packets.nextOffset());
            }
            boolean afterCyc = lastWasCyc;
            lastWasCyc = t == PacketType.CYC;
            switch (t) {
                case PAD, MNT, BBP, BIP, TRIG, EVD -> { }
                case TSC -> clock.tsc(packets.payload(), afterCyc);
                case TMA -> clock.tma(packets.tmaCtc(), packets.tmaFc());
                case MTC -> clock.mtc((int) packets.payload(), afterCyc);
                case CYC -> clock.cyc(packets.payload());
                case CBR -> {
                    int before = clock.cbr();
                    clock.cbr((int) packets.payload());
                    if (clock.cbr() != before) {
                        payload = clock.cbr();
                        return set(EventType.CBR, packets.offset());
                    }
                }
                case TNT_8, TNT_64 -> {
                    if (packets.tntCount() > 0) {
                        tntBits = packets.tntBits();
                        tntCount = packets.tntCount();
                        return set(EventType.TNT, packets.offset());
                    }
                }
                case TIP -> {
                    return ipEvent(EventType.TIP);
                }
                case TIP_PGE -> {
                    return ipEvent(EventType.TIP_PGE);
                }
                case TIP_PGD -> {
                    return ipEvent(EventType.TIP_PGD);
                }
                case FUP -> {
                    ipEvent(EventType.FUP);
                    if (pending != Binding.NONE) {
                        binding = pending;
                        payload = pendingPayload;
                        power = pendingPower;
                        pending = Binding.NONE;
                        type = EventType.FUP_EVENT;
                    } else {
                        txAbort = abortPending;
                    }
                    abortPending = false;
                    return type;
                }
                case PSB -> {
                    return psbPlus();
                }
                case PSBEND -> { }
                case OVF -> {
                    pending = Binding.NONE;
                    abortPending = false;
                    return set(EventType.OVF, packets.offset());
                }
                case MODE_EXEC -> {
                    execMode = packets.modeBits();
                    payload = execMode;
                    return set(EventType.MODE_EXEC, packets.offset());
                }
                case MODE_TSX -> {
                    txBits = packets.modeBits();
                    // A transaction that begins or commits binds to the FUP that follows; an abort
                    // is an asynchronous transfer: FUP, then TIP to the abort handler.
                    if ((txBits & 2) != 0) {
                        abortPending = true;
                    } else {
                        pending = Binding.TSX;
                        pendingPayload = txBits;
                    }
                }
                case PIP -> {
                    cr3 = packets.pipCr3();
                    nonRoot = packets.pipNr();
                    payload = cr3;
                    return set(EventType.PIP, packets.offset());
                }
                case VMCS -> {
                    payload = packets.vmcsBase();
                    return set(EventType.VMCS, packets.offset());
                }
                case STOP -> {
                    return set(EventType.STOP, packets.offset());
                }
                case PTW -> {
                    payload = packets.payload();
                    if (packets.ptwIp()) {
                        pending = Binding.PTWRITE;
                        pendingPayload = payload;
                    } else {
                        return set(EventType.PTW, packets.offset());
                    }
                }
                case EXSTOP -> {
                    if (packets.ipBit()) {
                        pending = Binding.EXSTOP;
                    } else {
                        return set(EventType.EXSTOP, packets.offset());
                    }
                }
                case MWAIT -> {
                    pending = Binding.MWAIT;
                    pendingPayload = (packets.mwaitHints() & 0xffffffffL) | (long) packets.mwaitExtensions() << 32;
                }
                case PWRE -> {
                    int pwre = (packets.pwreHw() ? 1 << 16 : 0) | packets.pwreState() << 8 | packets.pwreSubState();
                    if (pending == Binding.MWAIT) {
                        pending = Binding.PWRE;
                        pendingPower = pwre;
                    } else {
                        power = pwre;
                        return set(EventType.PWRE, packets.offset());
                    }
                }
                case PWRX -> {
                    power = packets.pwrxDeepestState() << 16 | packets.pwrxLastState() << 8 | packets.pwrxWakeReason();
                    return set(EventType.PWRX, packets.offset());
                }
                case BEP -> {
                    if (packets.ipBit()) {
                        pending = Binding.BEP;
                    }
                }
                case CFE -> {
                    if (packets.ipBit()) {
                        pending = Binding.CFE;
                    }
                }
            }
        }
    }

    private EventType ipEvent(EventType t) {
        IpCompression ipc = packets.ipc();
        suppressed = ipc == IpCompression.SUPPRESSED;
        ip = lastIp.update(ipc, packets.ipPayload());
        return set(t, packets.offset());
    }

    /**
     * A PSB+ (PSB up to PSBEND): the last IP resets; timing, mode, CR3 and the FUP are status, not
     * flow. The FUP, when there is one, is where decoding continues; none means tracing is off.
     */
    private EventType psbPlus() {
        long psbOffset = packets.offset();
        psbClock = clock.state();
        lastIp.reset();
        psbHasIp = false;
        psbCbrChanged = false;
        pending = Binding.NONE;
        abortPending = false;
        while (true) {
            PacketType t;
            try {
                t = packets.next();
            } catch (PtDecodeException e) {
                return error(e.kind(), e.offset());
            }
            if (t == null) {
                return set(EventType.END, packets.nextOffset());
            }
            boolean afterCyc = lastWasCyc;
            lastWasCyc = t == PacketType.CYC;
            switch (t) {
                case PSBEND -> {
                    return set(EventType.PSB, psbOffset);
                }
                case TSC -> clock.tsc(packets.payload(), afterCyc);
                case TMA -> clock.tma(packets.tmaCtc(), packets.tmaFc());
                case MTC -> clock.mtc((int) packets.payload(), afterCyc);
                case CYC -> clock.cyc(packets.payload());
                case CBR -> {
                    int before = clock.cbr();
                    clock.cbr((int) packets.payload());
                    psbCbrChanged |= clock.cbr() != before;
                }
                case MODE_EXEC -> execMode = packets.modeBits();
                case MODE_TSX -> txBits = packets.modeBits();
                case PIP -> {
                    cr3 = packets.pipCr3();
                    nonRoot = packets.pipNr();
                }
                case FUP -> {
                    IpCompression ipc = packets.ipc();
                    long v = lastIp.update(ipc, packets.ipPayload());
                    if (ipc != IpCompression.SUPPRESSED) {
                        psbHasIp = true;
                        ip = v;
                    }
                }
                case OVF -> {
                    return set(EventType.OVF, packets.offset());
                }
                case PAD, MNT, VMCS, PSB -> { }
                default -> {
                    return error(PtError.BAD_CONTEXT, packets.offset());
                }
            }
        }
    }

    private EventType error(PtError kind, long at) {
        errorKind = kind;
        needSync = true;
        return set(EventType.ERROR, at);
    }

    private EventType set(EventType t, long at) {
        type = t;
        offset = at;
        return t;
    }

    /**
     * The time of the first timing packet (MTC or TSC) after the current event, in TSC ticks, or
     * {@link Long#MAX_VALUE} when none follows in this buffer: an upper bound of the time of every
     * branch the current event reports, since the hardware emits a flow packet before any timing
     * packet that follows it. Looks ahead without moving; the answer is cached per position.
     */
    public long nextTimingTime() {
        long from = packets.nextOffset();
        if (from == lookaheadFrom) {
            return lookaheadTime;
        }
        PacketDecoder ahead = new PacketDecoder(data, begin, end);
        ahead.syncSet(from);
        scratchClock.copyFrom(clock);
        boolean afterCyc = lastWasCyc;
        long before = scratchClock.timestamp();
        long result = Long.MAX_VALUE;
        try {
            PacketType t;
            while ((t = ahead.next()) != null) {
                boolean cyc = afterCyc;
                afterCyc = t == PacketType.CYC;
                if (t == PacketType.TSC) {
                    scratchClock.tsc(ahead.payload(), cyc);
                } else if (t == PacketType.TMA) {
                    scratchClock.tma(ahead.tmaCtc(), ahead.tmaFc());
                } else if (t == PacketType.MTC) {
                    scratchClock.mtc((int) ahead.payload(), cyc);
                } else {
                    continue;
                }
                if (t != PacketType.TMA && scratchClock.timestamp() != 0
                        && (t == PacketType.TSC || scratchClock.timestamp() != before)) {
                    result = scratchClock.timestamp();
                    break;
                }
            }
        } catch (PtDecodeException e) {
            // Damage ahead: no bound from this buffer.
        }
        lookaheadFrom = from;
        lookaheadTime = result;
        return result;
    }

    // ---- the current event --------------------------------------------------------------------

    public EventType type() {
        return type;
    }

    /** Offset in the buffer of the packet that made the event (the PSB for a PSB+). */
    public long offset() {
        return offset;
    }

    /** Offset of the next packet to decode. */
    public long nextOffset() {
        return packets.nextOffset();
    }

    /** TIP, TIP.PGE, TIP.PGD, FUP, FUP_EVENT: the expanded IP; PSB: the FUP's IP when {@link #psbHasIp()}. */
    public long ip() {
        return ip;
    }

    /** TIP, TIP.PGE, TIP.PGD: whether the IP was suppressed (out of context). */
    public boolean ipSuppressed() {
        return suppressed;
    }

    public long tntBits() {
        return tntBits;
    }

    public int tntCount() {
        return tntCount;
    }

    /**
     * MODE_EXEC: the mode bits; PIP: CR3; VMCS: the pointer; PTW: the payload; CBR: the ratio;
     * FUP_EVENT bound to PTWRITE: its payload, to MWAIT or PWRE: the MWAIT's hints (low 32 bits) and
     * extensions (high 32 bits), to TSX: the MODE.TSX bits (InTX in bit 0).
     */
    public long payload() {
        return payload;
    }

    /**
     * PWRE, and FUP_EVENT bound to PWRE: HW in bit 16, the C-state in bits 8-15, the sub-C-state in
     * bits 0-7; PWRX: the deepest C-state in bits 16-23, the last in bits 8-15, the wake reason in
     * bits 0-7.
     */
    public int power() {
        return power;
    }

    /** PSB: whether its CBR changed the core:bus ratio (then {@link #clock()} has the new one). */
    public boolean psbCbrChanged() {
        return psbCbrChanged;
    }

    /** FUP_EVENT: what the FUP binds to. */
    public Binding binding() {
        return binding;
    }

    /** FUP: whether it reports a transaction abort rather than an interrupt or exception. */
    public boolean txAbort() {
        return txAbort;
    }

    /** PSB: whether the status has an IP (tracing is on). */
    public boolean psbHasIp() {
        return psbHasIp;
    }

    /** ERROR: what the packet layer found. */
    public PtError errorKind() {
        return errorKind;
    }

    /**
     * PSB: whether the PSB+'s MODE.TSX has InTX set (the code at its IP runs inside a transaction);
     * without a MODE.TSX there, the last one read says.
     */
    public boolean inTransaction() {
        return (txBits & 1) != 0;
    }

    /** The execution mode bits of the last MODE.Exec (bit 0 CS.L: 64-bit). */
    public int execMode() {
        return execMode;
    }

    /** PSB: the clock just before the PSB packet, from which a decode starting at the PSB continues. */
    public PacketClock.State psbClock() {
        return psbClock;
    }

    /** The last CR3 from a PIP. */
    public long cr3() {
        return cr3;
    }

    /** PIP, PSB: whether the last PIP set the VMX non-root bit (the code after it is a guest's). */
    public boolean nonRoot() {
        return nonRoot;
    }

    /** The time now, in TSC ticks (0 before the first timing packet). */
    public long time() {
        return clock.timestamp();
    }

    // ---- speculation --------------------------------------------------------------------------

    /** Everything {@link #restore} needs to continue from here. */
    public static final class Snapshot {
        long nextOffset;
        long lastIp;
        boolean needSync;
        boolean lastWasCyc;
        Binding pending;
        long pendingPayload;
        int pendingPower;
        boolean abortPending;
        int execMode;
        int txBits;
        long cr3;
        boolean nonRoot;
        PacketClock clock;

        /** Where the events continue in the buffer: equal for decoders at the same point of the trace. */
        public long nextOffset() {
            return nextOffset;
        }
    }

    public void save(Snapshot s) {
        s.nextOffset = packets.nextOffset();
        s.lastIp = lastIp.ip();
        s.needSync = needSync;
        s.lastWasCyc = lastWasCyc;
        s.pending = pending;
        s.pendingPayload = pendingPayload;
        s.pendingPower = pendingPower;
        s.abortPending = abortPending;
        s.execMode = execMode;
        s.txBits = txBits;
        s.cr3 = cr3;
        s.nonRoot = nonRoot;
        if (s.clock == null) {
            s.clock = clock.copy();
        } else {
            s.clock.copyFrom(clock);
        }
    }

    public void restore(Snapshot s) {
        packets.syncSet(s.nextOffset);
        lastIp.reset();
        lastIp.update(IpCompression.FULL, s.lastIp);
        needSync = s.needSync;
        lastWasCyc = s.lastWasCyc;
        pending = s.pending;
        pendingPayload = s.pendingPayload;
        pendingPower = s.pendingPower;
        abortPending = s.abortPending;
        execMode = s.execMode;
        txBits = s.txBits;
        cr3 = s.cr3;
        nonRoot = s.nonRoot;
        clock.copyFrom(s.clock);
    }
}
