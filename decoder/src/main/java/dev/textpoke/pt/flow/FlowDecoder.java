package dev.textpoke.pt.flow;

import dev.textpoke.isa.Instruction;
import dev.textpoke.pt.PtError;
import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.event.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * The top layer of Intel PT decoding: walks the code the CPU ran, block by block ({@link
 * CodeBlocks}), and consumes the events of an {@link EventDecoder} where the code cannot say where
 * control goes: a TNT bit at a conditional branch or compressed return, a TIP at an indirect
 * branch, uncompressed return or far transfer, a FUP and TIP at an interrupt or exception, TIP.PGE
 * and TIP.PGD where tracing starts and stops (SDM Vol. 3C, "Intel Processor Trace"; libipt's block
 * decoder; perf's {@code intel-pt-decoder.c}).
 *
 * <p><b>Code that changes.</b> The code is read as it was at a time: every instruction the events
 * report lies between two bounds, the time at the flow packet before (the hardware emits a flow
 * packet before the timing packets that follow it) and the time of the first timing packet after
 * its own flow packet. When a code modification's switch time falls between the bounds of an
 * instruction that reads the modified bytes, the timestamps cannot say which version ran: the
 * decoder tries both, each up to the point where the bounds have passed the switch, and keeps the
 * one the packets agree with (a TNT bit where the other needs a TIP, a FUP address only one
 * reaches, a PSB+ IP only one arrives at). When both agree with every packet, the instructions in
 * which they differ are reported ambiguous and the time estimate chooses (the kernel's contract:
 * before the switch the old code, after it the new). Every such decision is reported as a {@link
 * Placement}. Candidates nest: a loop that passes a site several times inside the bounds gives
 * one candidate per visit ("switch before visit j"), as the switch is monotone in time.
 *
 * <p>Errors never stop decoding: each is reported as a {@link DecodeIssue} and the decoder
 * continues at the next packet that gives an IP (or, after damaged packets, at the next PSB).
 *
 * <p>Not thread-safe; one per CPU queue and thread.
 */
public final class FlowDecoder {

    /**
     * @param returnCompression whether RETs may be compressed into TNT bits (RTIT_CTL.DisRETC clear)
     * @param tscToPerfTime converts the trace's TSC to perf time (ns); modification times are perf times
     * @param cycTiming whether CYC packets refine the time (then the clock is the time estimate)
     * @param maxCandidates how many ways the flow may be followed at once while code changes inside the
     *     time bounds; beyond that the time estimate decides and the difference is reported ambiguous
     */
    public record Config(boolean returnCompression, LongUnaryOperator tscToPerfTime, boolean cycTiming,
            int maxCandidates) {
        public static Config of(boolean returnCompression, LongUnaryOperator tscToPerfTime) {
            return new Config(returnCompression, tscToPerfTime, false, 32);
        }
    }

    /** What the decoder is doing. */
    enum Mode {
        /** No IP: waiting for a packet that gives one (after an error, an overflow, at the start). */
        NO_IP,
        /** Tracing is off: waiting for TIP.PGE or a PSB+ with an IP. */
        DISABLED,
        /** In sync with an IP: the next event says where control goes. */
        IDLE,
        /** Walking to consume the TNT bits in hand. */
        WALK_TNT,
        /** Walking to the branch that consumes the TIP (or TIP.PGD) in hand. */
        WALK_TIP,
        /** Walking to a FUP's address, where an asynchronous transfer happened. */
        WALK_FUP,
        /** The FUP's address is reached: the next TIP or TIP.PGD is where control went. */
        AWAIT_TIP,
        /** Walking to a FUP that binds to an event (PTWRITE, EXSTOP, ...): no TIP follows. */
        WALK_FUP_EVENT,
        /** Walking to the IP a PSB+ gives: straight-line code ran before the PSB. */
        WALK_PSB,
        /** The end of the trace. */
        END
    }

    /** Blocks walked without consuming a packet before the decoder gives up on a loop (perf: 10000 branches). */
    static final int MAX_BLOCKS_WITHOUT_PACKET = 1 << 20;
    /** Blocks all the candidates of one speculation may walk together. */
    static final long MAX_SPECULATIVE_BLOCKS = 1 << 22;
    /** Events one speculation may last (a PSB makes candidates meet, at the latest). */
    static final int MAX_ROUNDS = 1 << 16;

    private final EventDecoder events;
    private final CodeBlocks code;
    /** The code as 32-bit code reads it (compatibility mode), or null: then such code is read as 64-bit. */
    private CodeBlocks compat;
    private final Config config;
    private final FlowSink out;
    private FlowSink sink;
    private final State s = new State();
    /** The mode the decoder was in when the events ended (to resume with the next chunk). */
    private Mode modeAtEnd = Mode.NO_IP;
    /** Offset of the PSB after whose PSB+ the decoding stops (the next unit's start), or -1. */
    private long stopAt = -1;
    /** The ways the flow may have gone while code changes inside the time bounds; null otherwise. */
    private List<Candidate> candidates;
    /** The candidate being advanced. */
    private Candidate current;
    private int nextOrder;
    /** Blocks the candidates of the current speculation may still walk. */
    private long blockBudget;

    public FlowDecoder(EventDecoder events, CodeBlocks code, Config config, FlowSink sink) {
        this.events = events;
        this.code = code;
        this.config = config;
        this.out = sink;
        this.sink = sink;
    }

    /**
     * Reads 32-bit code (MODE.Exec with CS.L clear and CS.D set: a 64-bit kernel's compatibility
     * mode, or IA-32) from {@code compat}, the same code decoded as 32-bit instructions. Without it
     * such code is reported ({@code BAD_CONTEXT}) and read as 64-bit code.
     */
    public FlowDecoder compatCode(CodeBlocks compat) {
        this.compat = compat;
        return this;
    }

    /** The decoder's state: everything a candidate run must be able to start again from. */
    static final class State {
        Mode mode = Mode.NO_IP;
        long ip;
        boolean afterOverflow;
        long tntBits;
        int tntLeft;
        long target;
        boolean targetSuppressed;
        boolean disableAfterBranch;
        long fupIp;
        boolean fupAbort;
        EventDecoder.Binding fupBinding;
        /** Whether the code runs in 32-bit mode (the last MODE.Exec that took effect). */
        boolean compat;
        /**
         * Whether the code runs inside a TSX transaction: from a PSB+'s MODE.TSX, or from where a
         * MODE.TSX's FUP says a transaction began, until its commit or abort (perf's tx_flags).
         */
        boolean inTx;
        /**
         * Whether the code runs as a VMX guest (perf's nr), and what it will run as after the next
         * branch (next_nr: a PIP's non-root bit takes effect at the branch that follows it).
         */
        boolean nonRoot;
        boolean nextNonRoot;
        /**
         * A PSB+ was the last thing the packets said: a TIP.PGE now enables tracing after the
         * instruction whose IP the PSB+ gave (the WRMSR that set TraceEn), not while it was on.
         */
        boolean afterPsb;
        /** The bits of a MODE.Exec that takes effect at the next TIP or TIP.PGE's target, or -1. */
        int execPending = -1;
        /** What the FUP-bound event carries ({@link EventDecoder#payload}, {@link EventDecoder#power}). */
        long fupPayload;
        int fupPower;
        /** Perf time the code is read at: at least {@link #lo}, more once a switch was placed before it. */
        long tau = Long.MIN_VALUE;
        /** Lower bound (perf time) of the instructions the current event reports. */
        long lo = Long.MIN_VALUE;
        /** Perf time at the previous flow event. */
        long prevEventTime = Long.MIN_VALUE;
        /** Perf time at the current event: the time printed with its instructions. */
        long now;
        /** The next block fetch takes the old code without considering a switch (a candidate's choice). */
        boolean declineOnce;
        int blocksWithoutPacket;
        /** The PSB+ where the unit ends has been handled: stop at the next event. */
        boolean stopPending;
        final ReturnStack stack = new ReturnStack();
        final EventDecoder.Snapshot events = new EventDecoder.Snapshot();

        void copyFrom(State o) {
            mode = o.mode;
            ip = o.ip;
            afterOverflow = o.afterOverflow;
            tntBits = o.tntBits;
            tntLeft = o.tntLeft;
            target = o.target;
            targetSuppressed = o.targetSuppressed;
            disableAfterBranch = o.disableAfterBranch;
            fupIp = o.fupIp;
            fupAbort = o.fupAbort;
            fupBinding = o.fupBinding;
            compat = o.compat;
            inTx = o.inTx;
            nonRoot = o.nonRoot;
            nextNonRoot = o.nextNonRoot;
            afterPsb = o.afterPsb;
            execPending = o.execPending;
            fupPayload = o.fupPayload;
            fupPower = o.fupPower;
            tau = o.tau;
            lo = o.lo;
            prevEventTime = o.prevEventTime;
            now = o.now;
            declineOnce = o.declineOnce;
            blocksWithoutPacket = o.blocksWithoutPacket;
            stopPending = o.stopPending;
            stack.copyFrom(o.stack);
        }

        /**
         * Whether two candidates at the same point of the trace are in the same flow state (IP,
         * pending packets, call stack), whatever their times: then every way the one with the later
         * time can go on, the one with the earlier time can too (time may always move on past
         * more switches), so the earlier one stands for both.
         */
        boolean sameAs(State o) {
            return mode == o.mode && ip == o.ip && tntBits == o.tntBits && tntLeft == o.tntLeft
                    && target == o.target && targetSuppressed == o.targetSuppressed
                    && disableAfterBranch == o.disableAfterBranch && fupIp == o.fupIp && fupAbort == o.fupAbort
                    && fupBinding == o.fupBinding && fupPayload == o.fupPayload && fupPower == o.fupPower
                    && compat == o.compat && inTx == o.inTx && nonRoot == o.nonRoot
                    && nextNonRoot == o.nextNonRoot && afterPsb == o.afterPsb && execPending == o.execPending
                    && afterOverflow == o.afterOverflow && declineOnce == o.declineOnce
                    && stopPending == o.stopPending && events.nextOffset() == o.events.nextOffset()
                    && stack.sameAs(o.stack);
        }
    }

    /**
     * Stops decoding once the PSB+ at {@code offset} (in the events' buffer) has been handled and
     * the flow has walked to its IP: where the next unit of work starts ({@code DecodeUnit}).
     */
    public void stopAfterPsbAt(long offset) {
        stopAt = offset;
    }

    /**
     * Goes on after {@link #run} returned at the end of one chunk of trace, once the events have the
     * next: with the state as it was when the chunk continues the stream, else from scratch (the
     * trace between them is lost).
     */
    public void resume(boolean continues) {
        if (s.mode != Mode.END) {
            return;
        }
        if (continues) {
            s.mode = modeAtEnd;
        } else {
            s.stack.clear();
            s.mode = Mode.NO_IP;
            s.prevEventTime = Long.MIN_VALUE;
        }
    }

    /** Decodes to the end of the events. */
    public void run() {
        while (step()) {
            // one block or one event at a time
        }
    }

    /**
     * One step: walks one block, or takes one event.
     *
     * @return false at the end of the trace (of the current chunk)
     */
    public boolean step() {
        switch (s.mode) {
            case WALK_TNT, WALK_TIP, WALK_FUP, WALK_FUP_EVENT, WALK_PSB -> {
                walkBlock();
                return true;
            }
            case END -> {
                return false;
            }
            default -> {
                if (s.stopPending) {
                    modeAtEnd = s.mode;
                    s.mode = Mode.END;
                    return false;
                }
                handle(events.next());
                return s.mode != Mode.END;
            }
        }
    }

    // ---- events -------------------------------------------------------------------------------

    private void handle(EventType t) {
        if (stopAt >= 0 && t != EventType.END && events.offset() >= stopAt) {
            if (t == EventType.PSB && events.offset() == stopAt) {
                s.stopPending = true;
            } else {
                // Past the next unit's start (a resynchronisation skipped its PSB): that unit decodes it.
                modeAtEnd = s.mode;
                s.mode = Mode.END;
                return;
            }
        }
        switch (t) {
            case END -> {
                modeAtEnd = s.mode;
                s.mode = Mode.END;
                return;
            }
            case ERROR -> {
                report(events.errorKind(), "undecodable packet; resynchronising at the next PSB");
                s.stack.clear();
                s.inTx = false;
                s.mode = Mode.NO_IP;
                return;
            }
            case TNT, TIP, TIP_PGE, TIP_PGD, FUP, FUP_EVENT, PSB -> flowEvent();
            default -> { }
        }
        boolean afterPsb = s.afterPsb;
        if (t == EventType.TNT || t == EventType.TIP || t == EventType.TIP_PGE || t == EventType.TIP_PGD
                || t == EventType.FUP || t == EventType.FUP_EVENT) {
            s.afterPsb = false;
        }
        switch (t) {
            case TNT -> onTnt();
            case TIP -> onTip();
            case TIP_PGE -> onPge(afterPsb);
            case TIP_PGD -> onPgd();
            case FUP -> onFup();
            case FUP_EVENT -> onFupEvent();
            case PSB -> onPsb();
            case OVF -> {
                report(PtError.OVERFLOW, "internal buffer overflow: packets were lost");
                s.stack.clear();
                s.afterOverflow = true;
                s.mode = Mode.NO_IP;
            }
            case PIP -> s.nextNonRoot = events.nonRoot();
            case MODE_EXEC -> {
                // the mode of the next TIP's or TIP.PGE's target (SDM "MODE.Exec Packet")
                int bits = (int) events.payload();
                s.execPending = bits;
                if ((bits & 1) == 0 && ((bits & 2) == 0 || compat == null)) {
                    report(PtError.BAD_CONTEXT, (bits & 2) == 0
                            ? "the code switches to 16-bit mode, which is not decoded"
                            : "the code switches to 32-bit mode, which this decode does not read");
                }
            }
            case STOP -> {
                s.mode = s.mode == Mode.IDLE || s.mode == Mode.AWAIT_TIP ? Mode.DISABLED : s.mode;
            }
            case PTW -> traceEvent(TraceEvent.Kind.PTWRITE, events.payload(), 0, 0, 0);
            case CBR -> traceEvent(TraceEvent.Kind.CBR, 0, (int) events.payload(), 0, 0);
            case EXSTOP -> traceEvent(TraceEvent.Kind.EXSTOP, 0, 0, 0, 0);
            case PWRE -> sink.event(pwre(perfTime(events.time()), walkIp(), false, events.power()));
            case PWRX -> {
                int p = events.power();
                traceEvent(TraceEvent.Kind.PWRX, 0, p >>> 16 & 0xff, p >>> 8 & 0xff, p & 0xff);
            }
            default -> { }
        }
    }

    /**
     * An event without a FUP: it happened after the instructions the packets before it implied, so
     * it is placed where the walk stands (perf's rule); without an IP in hand, at 0.
     */
    private void traceEvent(TraceEvent.Kind kind, long payload, int a, int b, int c) {
        sink.event(new TraceEvent(kind, perfTime(events.time()), walkIp(), false, payload, a, b, c));
    }

    /** Where an event without a FUP is placed: where the walk stands, or 0 without an IP in hand. */
    private long walkIp() {
        return s.mode == Mode.IDLE ? s.ip : 0;
    }

    /** A PWRE event from its packet's bits ({@link EventDecoder#power}): hardware, C-state, sub-C-state. */
    private static TraceEvent pwre(long time, long ip, boolean ipBound, int power) {
        return new TraceEvent(TraceEvent.Kind.PWRE, time, ip, ipBound, 0, power >>> 16 & 1, power >>> 8 & 0xff,
                power & 0xff);
    }

    /** Where a FUP-bound event's IP is reached: the event, with what its packets carried. */
    private void boundEvent() {
        long time = s.now;
        switch (s.fupBinding) {
            case PTWRITE ->
                    sink.event(new TraceEvent(TraceEvent.Kind.PTWRITE, time, s.fupIp, true, s.fupPayload, 0, 0, 0));
            case EXSTOP -> sink.event(new TraceEvent(TraceEvent.Kind.EXSTOP, time, s.fupIp, true, 0, 0, 0, 0));
            // a MODE.TSX that begins (InTX set) or commits a transaction: its FUP names the first
            // instruction inside it, or the first after it
            case TSX -> {
                s.inTx = (s.fupPayload & 1) != 0;
                sink.event(new TraceEvent(TraceEvent.Kind.TRANSACTION, time, s.fupIp, true, 0,
                        s.inTx ? TraceEvent.TX_BEGIN : TraceEvent.TX_COMMIT, 0, 0));
            }
            case MWAIT, PWRE -> {
                sink.event(new TraceEvent(TraceEvent.Kind.MWAIT, time, s.fupIp, true, 0, (int) s.fupPayload,
                        (int) (s.fupPayload >>> 32), 0));
                if (s.fupBinding == EventDecoder.Binding.PWRE) {
                    sink.event(pwre(time, s.fupIp, true, s.fupPower));
                }
            }
            default -> { }
        }
    }

    /** A flow event: its instructions lie after the previous flow event's time. */
    private void flowEvent() {
        long now = perfTime(events.time());
        s.lo = s.prevEventTime;
        s.prevEventTime = now;
        s.now = now;
        if (s.tau < s.lo) {
            s.tau = s.lo;
        }
        s.blocksWithoutPacket = 0;
    }

    private void onTnt() {
        if (s.mode == Mode.AWAIT_TIP) {
            missingTip();
        }
        if (s.mode == Mode.IDLE) {
            s.tntBits = events.tntBits();
            s.tntLeft = events.tntCount();
            s.mode = Mode.WALK_TNT;
        } else if (s.mode == Mode.DISABLED) {
            // The packets contradict themselves (libipt: no enable); tracing stays off.
            report(PtError.NO_ENABLE, "TNT while tracing is disabled");
        }
        // Without an IP TNT bits cannot be placed: perf and libipt skip them.
    }

    private void onTip() {
        long target = events.ip();
        boolean suppressed = events.ipSuppressed();
        switch (s.mode) {
            case IDLE -> {
                s.target = target;
                s.targetSuppressed = suppressed;
                s.disableAfterBranch = false;
                s.mode = Mode.WALK_TIP;
            }
            case AWAIT_TIP -> {
                // An asynchronous transfer out of a guest into the host (a PIP clearing the
                // non-root bit between its FUP and TIP) is a VM exit, as perf names it.
                BranchKind kind = s.fupAbort ? BranchKind.TX_ABORT
                        : s.nonRoot && !s.nextNonRoot ? BranchKind.VMEXIT : BranchKind.HW_INT;
                asynchronous(kind, s.fupIp, suppressed ? 0 : target);
                resumeAt(target, suppressed);
            }
            case NO_IP -> {
                if (!suppressed) {
                    resumeAt(target, false);
                }
            }
            case DISABLED -> report(PtError.NO_ENABLE, "TIP while tracing is disabled");
            default -> { }
        }
    }

    private void onPge(boolean afterPsb) {
        long target = events.ip();
        boolean suppressed = events.ipSuppressed();
        if (s.mode == Mode.AWAIT_TIP) {
            missingTip();
        }
        if (s.mode == Mode.IDLE && s.ip != target && !afterPsb) {
            // Right after a PSB+ it is harmless: when a WRMSR sets TraceEn, the PSB+ gives the
            // WRMSR's IP and the TIP.PGE the next instruction's (perf takes it so); at its own IP,
            // erratum BDM70 gives a PSB+ with an IP just before the TIP.PGE that enables tracing there.
            report(PtError.BAD_CONTEXT, "TIP.PGE while tracing is on");
        }
        s.afterOverflow = false;
        if (suppressed) {
            s.mode = Mode.NO_IP;
            return;
        }
        asynchronous(BranchKind.TRACE_BEGIN, 0, target);
        s.ip = target;
        takeExecMode();
        s.mode = Mode.IDLE;
    }

    /** A pending MODE.Exec takes effect at the target just reached. */
    private void takeExecMode() {
        if (s.execPending >= 0) {
            s.compat = is32(s.execPending);
            s.execPending = -1;
        }
    }

    /** CS.L clear and CS.D set: 32-bit code. */
    private static boolean is32(int execBits) {
        return (execBits & 1) == 0 && (execBits & 2) != 0;
    }

    private void onPgd() {
        long target = events.ip();
        boolean suppressed = events.ipSuppressed();
        switch (s.mode) {
            case IDLE -> {
                // Tracing stops at the next branch, which leaves the traced region or context.
                s.target = target;
                s.targetSuppressed = suppressed;
                s.disableAfterBranch = true;
                s.mode = Mode.WALK_TIP;
            }
            case AWAIT_TIP -> {
                // An interrupt or exception into untraced code: tracing stops at the FUP's address.
                asynchronous(BranchKind.TRACE_END, s.fupIp, suppressed ? 0 : target);
                s.ip = s.fupIp;
                s.mode = Mode.DISABLED;
            }
            default -> s.mode = Mode.DISABLED;
        }
    }

    private void onFup() {
        long ip = events.ip();
        if (s.mode == Mode.AWAIT_TIP) {
            missingTip();
        }
        switch (s.mode) {
            case IDLE -> {
                s.fupIp = ip;
                s.fupAbort = events.txAbort();
                s.mode = Mode.WALK_FUP;
            }
            case NO_IP -> {
                if (s.afterOverflow) {
                    // OVF then FUP: tracing resumed at the FUP's IP; no TIP follows (SDM "OVF").
                    s.afterOverflow = false;
                    s.ip = ip;
                    s.mode = Mode.IDLE;
                } else {
                    // The source of an asynchronous transfer: its target comes next.
                    s.fupIp = ip;
                    s.fupAbort = events.txAbort();
                    s.ip = ip;
                    s.mode = Mode.AWAIT_TIP;
                }
            }
            default -> { }
        }
    }

    private void onFupEvent() {
        long ip = events.ip();
        if (s.mode == Mode.AWAIT_TIP) {
            missingTip();
        }
        if (s.mode == Mode.IDLE) {
            s.fupIp = ip;
            s.fupBinding = events.binding();
            s.fupPayload = events.payload();
            s.fupPower = events.power();
            s.mode = Mode.WALK_FUP_EVENT;
        } else if (s.mode == Mode.NO_IP) {
            s.afterOverflow = false;
            s.ip = ip;
            s.mode = Mode.IDLE;
        }
    }

    private void onPsb() {
        if (events.psbCbrChanged()) {
            traceEvent(TraceEvent.Kind.CBR, 0, events.clock().cbr(), 0, 0);
        }
        // the PSB+'s MODE.Exec is the mode at its FUP's IP, now
        s.compat = is32(events.execMode());
        s.execPending = -1;
        s.inTx = events.inTransaction();
        s.nonRoot = events.nonRoot();
        s.nextNonRoot = s.nonRoot;
        s.stack.clear();
        if (s.mode == Mode.AWAIT_TIP) {
            missingTip();
        }
        if (!events.psbHasIp()) {
            s.mode = Mode.DISABLED;
            return;
        }
        long ip = events.ip();
        s.afterOverflow = false;
        s.afterPsb = true;
        if (s.mode == Mode.IDLE) {
            // Straight-line code may have run between the last branch and the PSB: walk to its IP.
            s.fupIp = ip;
            s.mode = Mode.WALK_PSB;
        } else {
            s.ip = ip;
            s.mode = Mode.IDLE;
        }
    }

    private void missingTip() {
        report(PtError.BAD_QUERY, "FUP without the TIP that gives its target");
        s.mode = Mode.NO_IP;
    }

    private void resumeAt(long ip, boolean suppressed) {
        if (suppressed) {
            s.mode = Mode.NO_IP;
        } else {
            s.ip = ip;
            takeExecMode();
            s.mode = Mode.IDLE;
        }
    }

    // ---- walking ------------------------------------------------------------------------------

    private void walkBlock() {
        if (++s.blocksWithoutPacket > MAX_BLOCKS_WITHOUT_PACKET) {
            report(PtError.BAD_QUERY, "never-ending loop: no packet consumed in " + MAX_BLOCKS_WITHOUT_PACKET + " blocks");
            s.mode = Mode.NO_IP;
            return;
        }
        if (candidates != null && --blockBudget < 0) {
            return;
        }
        Block b = (s.compat && compat != null ? compat : code).at(s.ip, s.tau);
        if (s.declineOnce) {
            s.declineOnce = false;
        } else if (b.validTo() != Long.MAX_VALUE && b.validTo() <= upperBound()) {
            if (candidates == null) {
                speculate(b.validTo());
            } else {
                split(b.validTo());
            }
            return;
        }
        switch (s.mode) {
            case WALK_TNT -> walkTnt(b);
            case WALK_TIP -> walkTip(b);
            default -> walkToIp(b);
        }
    }

    private void walkTnt(Block b) {
        int n = b.count();
        switch (b.end()) {
            case DIRECT_JUMP, DIRECT_CALL, LIMIT -> straight(b);
            case CONDITIONAL -> {
                emit(b, n);
                boolean taken = nextBit();
                Instruction jcc = b.last();
                if (taken) {
                    taken(BranchKind.JCC, jcc.address(), jcc.target());
                    s.ip = jcc.target();
                } else {
                    s.ip = jcc.next();
                }
            }
            case RETURN -> {
                if (!config.returnCompression()) {
                    emit(b, n - 1);
                    mismatch(b.endAddress(), PtError.BAD_QUERY, "RET where the trace has a TNT bit (return compression is off)");
                    return;
                }
                if (s.stack.isEmpty()) {
                    emit(b, n - 1);
                    mismatch(b.endAddress(), PtError.RETSTACK_EMPTY, "compressed RET with an empty call stack");
                    return;
                }
                if ((s.tntBits >>> (s.tntLeft - 1) & 1) == 0) {
                    emit(b, n - 1);
                    mismatch(b.endAddress(), PtError.BAD_RETCOMP, "compressed RET with a not-taken bit");
                    return;
                }
                emit(b, n);
                nextBit();
                long to = s.stack.pop();
                taken(BranchKind.RETURN, b.endAddress(), to);
                s.ip = to;
            }
            case INDIRECT_JUMP, INDIRECT_CALL, FAR_TRANSFER -> deferredTip(b);
            case TRAP -> {
                emit(b, n - 1);
                mismatch(b.endAddress(), PtError.BAD_QUERY, b.last().mnemonic() + " reached where the trace has a TNT bit");
            }
            case UNDECODABLE -> undecodable(b);
        }
    }

    /**
     * An indirect branch while TNT bits are still in hand: its TIP may come after the TNT packet
     * that holds the bits of later branches (SDM Vol. 3C, "Deferred TIPs"; perf's {@code
     * intel_pt_walk_tnt}). The next event must be that TIP; then the bits go on.
     */
    private void deferredTip(Block b) {
        EventType t = events.next();
        if (t != EventType.TIP || events.ipSuppressed()) {
            emit(b, b.count() - 1);
            mismatch(b.endAddress(), PtError.BAD_QUERY, "an indirect branch where the trace has a TNT bit");
            handle(t);
            return;
        }
        emit(b, b.count());
        Instruction last = b.last();
        BranchKind kind = switch (b.end()) {
            case INDIRECT_CALL -> BranchKind.CALL;
            case FAR_TRANSFER -> farKind(last);
            default -> BranchKind.JMP;
        };
        if (b.end() == BlockEnd.INDIRECT_CALL) {
            s.stack.push(b.next());
        }
        taken(kind, last.address(), events.ip());
        s.ip = events.ip();
    }

    private boolean nextBit() {
        boolean taken = (s.tntBits >>> (s.tntLeft - 1) & 1) != 0;
        if (--s.tntLeft == 0) {
            s.mode = Mode.IDLE;
        }
        return taken;
    }

    private void walkTip(Block b) {
        int n = b.count();
        BranchKind kind;
        switch (b.end()) {
            case DIRECT_JUMP, DIRECT_CALL -> {
                if (disablesHere(b.last().target())) {
                    emit(b, n);
                    disable(b);
                } else {
                    straight(b);
                }
                return;
            }
            case LIMIT -> {
                straight(b);
                return;
            }
            case CONDITIONAL -> {
                if (s.disableAfterBranch && !s.targetSuppressed) {
                    // A TIP.PGD with an IP binds to the first branch, a conditional one too: it
                    // left the filtered range either way (the IP says where), and gets no TNT bit.
                    emit(b, n);
                    disable(b);
                    return;
                }
                emit(b, n - 1);
                mismatch(b.endAddress(), PtError.BAD_QUERY, "a conditional branch where the trace has a TIP");
                return;
            }
            // An uncompressed RET leaves the call stack as it is, as libipt does: the SDM does not say
            // what the hardware's own stack does then, only that a RET to its top is compressed, so
            // an uncompressed one is no evidence either way. perf pops at every RET, and loses the
            // caller's entry after a return that was not to it, such as from an ftrace trampoline
            // entered through the int3 handler.
            case RETURN -> kind = BranchKind.RETURN;
            case INDIRECT_JUMP -> kind = BranchKind.JMP;
            case INDIRECT_CALL -> {
                kind = BranchKind.CALL;
                s.stack.push(b.next());
            }
            case FAR_TRANSFER -> kind = farKind(b.last());
            case TRAP -> {
                emit(b, n - 1);
                mismatch(b.endAddress(), PtError.BAD_QUERY, b.last().mnemonic() + " reached without the FUP an exception gives");
                return;
            }
            default -> {
                undecodable(b);
                return;
            }
        }
        emit(b, n);
        if (s.disableAfterBranch) {
            disable(b);
            return;
        }
        taken(kind, b.endAddress(), s.targetSuppressed ? 0 : s.target);
        resumeAt(s.target, s.targetSuppressed);
    }

    /**
     * Whether a direct jump or call to {@code target} is where a pending TIP.PGD binds: when the
     * packet's IP is that target (the jump left the filtered range; libipt's rule). Other direct
     * branches run on, as they need no packet.
     */
    private boolean disablesHere(long target) {
        return s.disableAfterBranch && !s.targetSuppressed && s.target == target;
    }

    /** Tracing stops at {@code b}'s last instruction, a branch (a TIP.PGD). */
    private void disable(Block b) {
        long to = s.targetSuppressed ? 0 : s.target;
        taken(BranchKind.TRACE_END, b.endAddress(), to);
        s.ip = to;
        s.mode = Mode.DISABLED;
    }

    /**
     * A branch the walk took at an instruction: inside a transaction it is marked so, as perf marks
     * the branches its instruction walk reports (asynchronous ones, an abort's, a trace start's are
     * not: they are not an instruction's).
     */
    private void taken(BranchKind kind, long from, long to) {
        sink.branch(kind, from, to, s.now, s.inTx);
        s.nonRoot = s.nextNonRoot;
    }

    /** A branch no instruction took: an interrupt's, an abort's, a trace start's or end's. */
    private void asynchronous(BranchKind kind, long from, long to) {
        sink.branch(kind, from, to, s.now, false);
        s.nonRoot = s.nextNonRoot;
    }

    private static BranchKind farKind(Instruction insn) {
        String m = insn.mnemonic();
        if (m.startsWith("syscall") || m.startsWith("sysenter")) {
            return BranchKind.SYSCALL;
        }
        if (m.startsWith("sysret") || m.startsWith("sysexit")) {
            return BranchKind.SYSRET;
        }
        if (m.startsWith("iret") || m.startsWith("eret")) {
            return BranchKind.IRET;
        }
        if (m.startsWith("vmlaunch") || m.startsWith("vmresume")) {
            return BranchKind.VMENTRY;
        }
        if (m.contains("call")) {
            return BranchKind.CALL;
        }
        if (m.startsWith("ret") || m.startsWith("lret")) {
            return BranchKind.RETURN;
        }
        return BranchKind.JMP;
    }

    /** Walking to a FUP's, a bound FUP's or a PSB+'s IP: no branch may need the trace on the way. */
    private void walkToIp(Block b) {
        long goal = s.fupIp;
        int k = b.indexOf(goal);
        if (k < 0 && b.end() == BlockEnd.UNDECODABLE && b.endAddress() == goal) {
            k = b.count();
        }
        if (k >= 0) {
            emit(b, k);
            s.ip = goal;
            reached();
            return;
        }
        switch (b.end()) {
            case DIRECT_JUMP, DIRECT_CALL, LIMIT -> straight(b);
            case UNDECODABLE -> undecodable(b);
            default -> {
                emit(b, b.count() - 1);
                Mode walking = s.mode;
                String what = walking == Mode.WALK_PSB ? "the PSB+ IP" : "the FUP's IP";
                mismatch(b.endAddress(), walking == Mode.WALK_PSB ? PtError.BAD_STATUS_UPDATE : PtError.BAD_QUERY,
                        what + " " + Long.toHexString(goal) + " is not reached before a branch that needs the trace");
                // The packets still say where the flow is: continue there.
                s.ip = goal;
                s.mode = walking;
                reached();
            }
        }
    }

    private void reached() {
        switch (s.mode) {
            case WALK_FUP -> {
                if (s.fupAbort) {
                    // the instruction the transaction aborted at; the TIP to the handler follows
                    s.inTx = false;
                    sink.event(new TraceEvent(TraceEvent.Kind.TRANSACTION, s.now, s.fupIp, true, 0,
                            TraceEvent.TX_ABORT, 0, 0));
                }
                s.mode = Mode.AWAIT_TIP;
            }
            case WALK_FUP_EVENT -> {
                boundEvent();
                s.mode = Mode.IDLE;
            }
            default -> s.mode = Mode.IDLE;
        }
    }

    /** A block that ends in a branch needing no trace: run it and go on. */
    private void straight(Block b) {
        emit(b, b.count());
        switch (b.end()) {
            case DIRECT_JUMP -> {
                Instruction j = b.last();
                taken(BranchKind.JMP, j.address(), j.target());
                s.ip = j.target();
            }
            case DIRECT_CALL -> {
                Instruction c = b.last();
                // CALL to the next instruction (getting the IP) pushes nothing that a RET uses.
                if (c.target() != c.next()) {
                    s.stack.push(c.next());
                }
                taken(BranchKind.CALL, c.address(), c.target());
                s.ip = c.target();
            }
            default -> s.ip = b.next();
        }
    }

    private void undecodable(Block b) {
        emit(b, b.count());
        long at = b.endAddress();
        report(PtError.NOMAP, at, "no code known at " + Long.toHexString(at)
                + " at this time; continuing at the next packet with an IP");
        s.mode = Mode.NO_IP;
    }

    private void emit(Block b, int to) {
        if (to > 0) {
            sink.instructions(b, 0, to, s.now, false);
        }
    }

    private void mismatch(long ip, PtError kind, String detail) {
        report(kind, ip, detail);
        s.stack.clear();
        s.mode = Mode.NO_IP;
    }

    private void report(PtError kind, String detail) {
        report(kind, s.ip, detail);
    }

    private void report(PtError kind, long ip, String detail) {
        sink.issue(new DecodeIssue(kind, events.offset(), s.now, ip, detail));
    }

    // ---- time ---------------------------------------------------------------------------------

    private long perfTime(long tsc) {
        return tsc == 0 ? Long.MIN_VALUE : config.tscToPerfTime().applyAsLong(tsc);
    }

    /** Upper bound (perf time) of the current event's instructions. */
    private long upperBound() {
        long tsc = events.nextTimingTime();
        return tsc == Long.MAX_VALUE ? Long.MAX_VALUE : perfTime(tsc);
    }

    /** The best single guess of the current instruction's time, between its bounds. */
    private long estimate(long hi) {
        if (config.cycTiming() || hi == Long.MAX_VALUE || s.lo == Long.MIN_VALUE) {
            return Math.max(s.now, s.tau);
        }
        return Math.max(s.tau, s.lo + (hi - s.lo) / 2);
    }

    // ---- speculation --------------------------------------------------------------------------

    /**
     * At a block whose bytes change at {@code switchTime}, inside the current instruction's time
     * bounds: from here the decoder follows every way the flow could have gone ({@link
     * Candidate}s), all of them through the same events in lockstep, until one is left: a
     * candidate the packets contradict drops out; two that reach the same state (the same IP,
     * stack and trace position, reading the same code from then on) merge, the instructions in
     * which they differed marked ambiguous. A loop passing the site again splits again ("switch
     * before visit j"), and the candidates that switched merge as soon as their paths meet, so the
     * cost grows with the visits, not with their product.
     */
    private void speculate(long switchTime) {
        candidates = new ArrayList<>();
        blockBudget = MAX_SPECULATIVE_BLOCKS;
        Candidate root = new Candidate(nextOrder++);
        candidates.add(root);
        current = root;
        sink = root;
        split(switchTime);
        save(root.state);
        int rounds = 0;
        while (true) {
            for (int i = 0; i < candidates.size(); i++) {
                Candidate c = candidates.get(i);
                if (c.failed || c.ended) {
                    continue;
                }
                current = c;
                sink = c;
                load(c.state);
                advance(c);
                save(c.state);
            }
            rounds++;
            List<Candidate> alive = new ArrayList<>();
            for (Candidate c : candidates) {
                if (!c.failed) {
                    alive.add(c);
                }
            }
            if (alive.isEmpty()) {
                // None reproduces the packets (damaged trace, wrong code): the contract's choice, errors and all.
                commit(best(candidates), List.of());
                return;
            }
            alive = merge(alive);
            boolean allEnded = alive.stream().allMatch(c -> c.ended);
            if (alive.size() == 1) {
                commit(alive.get(0), List.of());
                return;
            }
            if (allEnded || blockBudget < 0 || rounds >= MAX_ROUNDS || alive.size() > config.maxCandidates()) {
                // They cannot be told apart here, or not within the budget: the contract's choice,
                // its differences with the others ambiguous.
                Candidate winner = best(alive);
                List<Candidate> others = new ArrayList<>(alive);
                others.remove(winner);
                commit(winner, others);
                return;
            }
            candidates = alive;
        }
    }

    /** Splits the current candidate: a new one takes the new code from this visit on, this one keeps the old. */
    private void split(long switchTime) {
        long hi = upperBound();
        boolean preferNew = estimate(hi) >= switchTime;
        long at = events.offset();
        Candidate c = current;
        Candidate neu = c.branch(nextOrder++);
        neu.decide(new Candidate.Decision(s.now, switchTime, s.ip, at, true, s.now < switchTime), !preferNew);
        c.decide(new Candidate.Decision(s.now, switchTime, s.ip, at, false, false), preferNew);
        long tau = s.tau;
        s.tau = Math.max(tau, switchTime);
        save(neu.state);
        s.tau = tau;
        s.declineOnce = true;
        candidates.add(neu);
    }

    /** Runs a candidate through its walk and the next event (the round's step for every candidate). */
    private void advance(Candidate c) {
        while (true) {
            if (s.mode == Mode.END) {
                c.ended = true;
                return;
            }
            boolean fetching = !isWalking(s.mode);
            if (!step()) {
                c.ended = true;
                return;
            }
            if (c.failed || fetching || blockBudget < 0) {
                return;
            }
        }
    }

    /**
     * Candidates in the same flow state merge: the output of the one the time estimate prefers is
     * kept (where the others differ from it, ambiguous: all of them reproduce the packets so far,
     * and what follows fits each), and it goes on from the earliest of their times, whose ways on
     * include the others'.
     */
    private List<Candidate> merge(List<Candidate> alive) {
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : alive) {
            Candidate same = null;
            for (Candidate o : kept) {
                if (o.state.sameAs(c.state)) {
                    same = o;
                    break;
                }
            }
            if (same == null) {
                kept.add(c);
                continue;
            }
            long tau = Math.min(c.state.tau, same.state.tau);
            if (prefer(c, same)) {
                c.absorb(same);
                kept.set(kept.indexOf(same), c);
                c.state.tau = tau;
            } else {
                same.absorb(c);
                same.state.tau = tau;
            }
        }
        return kept;
    }

    private static boolean prefer(Candidate a, Candidate b) {
        return a.penalty < b.penalty || a.penalty == b.penalty && a.order < b.order;
    }

    private static Candidate best(List<Candidate> list) {
        Candidate b = list.get(0);
        for (Candidate c : list) {
            if (prefer(c, b)) {
                b = c;
            }
        }
        return b;
    }

    /** The winner's output goes to the real sink, and decoding goes on from its state. */
    private void commit(Candidate winner, List<Candidate> others) {
        for (Candidate o : others) {
            winner.absorb(o);
            if (o.ended != winner.ended || !o.state.sameAs(winner.state)) {
                winner.markAllAmbiguous();
            }
        }
        candidates = null;
        current = null;
        sink = out;
        winner.replay(out);
        load(winner.state);
    }

    private static boolean isWalking(Mode m) {
        return switch (m) {
            case WALK_TNT, WALK_TIP, WALK_FUP, WALK_FUP_EVENT, WALK_PSB -> true;
            default -> false;
        };
    }

    private void save(State into) {
        into.copyFrom(s);
        events.save(into.events);
    }

    private void load(State from) {
        s.copyFrom(from);
        events.restore(from.events);
    }
}
