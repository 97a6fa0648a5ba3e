package dev.textpoke.pt.flow;

import dev.textpoke.isa.Instruction;
import dev.textpoke.pt.PtError;
import dev.textpoke.pt.event.EventDecoder;
import dev.textpoke.pt.event.EventType;
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
     * @param maxCandidates how many candidate runs one uncertain switch may cost before the time
     *     estimate decides alone
     */
    public record Config(boolean returnCompression, LongUnaryOperator tscToPerfTime, boolean cycTiming,
            int maxCandidates) {
        public static Config of(boolean returnCompression, LongUnaryOperator tscToPerfTime) {
            return new Config(returnCompression, tscToPerfTime, false, 256);
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
    /** Flow events a pair of surviving candidates may run past their horizon to tell themselves apart. */
    static final int MAX_EXTENSION_EVENTS = 64;
    /** Events a candidate runs when no timing packet ends the uncertain window. */
    static final int MAX_CANDIDATE_EVENTS = 4096;

    private final EventDecoder events;
    private final CodeBlocks code;
    private final Config config;
    private final FlowSink out;
    private FlowSink sink;
    private final State s = new State();
    /** The mode the decoder was in when the events ended (to resume with the next chunk). */
    private Mode modeAtEnd = Mode.NO_IP;
    /** Candidate runs left in the current (outermost) speculation; -1 outside speculation. */
    private int budget = -1;

    public FlowDecoder(EventDecoder events, CodeBlocks code, Config config, FlowSink sink) {
        this.events = events;
        this.code = code;
        this.config = config;
        this.out = sink;
        this.sink = sink;
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
            tau = o.tau;
            lo = o.lo;
            prevEventTime = o.prevEventTime;
            now = o.now;
            declineOnce = o.declineOnce;
            blocksWithoutPacket = o.blocksWithoutPacket;
            stack.copyFrom(o.stack);
        }

        /** Whether two candidates would go on identically from here (the events position aside). */
        boolean sameFlow(State o) {
            return mode == o.mode && ip == o.ip && tntBits == o.tntBits && tntLeft == o.tntLeft
                    && target == o.target && fupIp == o.fupIp && stack.sameAs(o.stack);
        }
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
                handle(events.next());
                return s.mode != Mode.END;
            }
        }
    }

    // ---- events -------------------------------------------------------------------------------

    private void handle(EventType t) {
        switch (t) {
            case END -> {
                modeAtEnd = s.mode;
                s.mode = Mode.END;
                return;
            }
            case ERROR -> {
                report(events.errorKind(), "undecodable packet; resynchronising at the next PSB");
                s.stack.clear();
                s.mode = Mode.NO_IP;
                return;
            }
            case TNT, TIP, TIP_PGE, TIP_PGD, FUP, FUP_EVENT, PSB -> flowEvent();
            default -> { }
        }
        switch (t) {
            case TNT -> onTnt();
            case TIP -> onTip();
            case TIP_PGE -> onPge();
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
            case MODE_EXEC -> {
                if ((events.payload() & 1) == 0) {
                    report(PtError.BAD_CONTEXT, "the code switches to 16- or 32-bit mode, which is not decoded");
                }
            }
            case STOP -> {
                s.mode = s.mode == Mode.IDLE || s.mode == Mode.AWAIT_TIP ? Mode.DISABLED : s.mode;
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
        }
        // Without an IP (or with tracing off) TNT bits cannot be placed: perf and libipt skip them.
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
                BranchKind kind = s.fupAbort ? BranchKind.TX_ABORT : BranchKind.HW_INT;
                sink.branch(kind, s.fupIp, suppressed ? 0 : target, s.now);
                resumeAt(target, suppressed);
            }
            case NO_IP -> {
                if (!suppressed) {
                    resumeAt(target, false);
                }
            }
            default -> { }
        }
    }

    private void onPge() {
        long target = events.ip();
        boolean suppressed = events.ipSuppressed();
        if (s.mode == Mode.AWAIT_TIP) {
            missingTip();
        }
        if (s.mode == Mode.IDLE) {
            report(PtError.BAD_CONTEXT, "TIP.PGE while tracing is on");
        }
        s.afterOverflow = false;
        if (suppressed) {
            s.mode = Mode.NO_IP;
            return;
        }
        sink.branch(BranchKind.TRACE_BEGIN, 0, target, s.now);
        s.ip = target;
        s.mode = Mode.IDLE;
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
                sink.branch(BranchKind.TRACE_END, s.fupIp, suppressed ? 0 : target, s.now);
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
            s.mode = Mode.WALK_FUP_EVENT;
        } else if (s.mode == Mode.NO_IP) {
            s.afterOverflow = false;
            s.ip = ip;
            s.mode = Mode.IDLE;
        }
    }

    private void onPsb() {
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
        Block b = code.at(s.ip, s.tau);
        if (s.declineOnce) {
            s.declineOnce = false;
        } else if (b.validTo() != Long.MAX_VALUE && b.validTo() <= upperBound()) {
            speculate(b.validTo());
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
                    sink.branch(BranchKind.JCC, jcc.address(), jcc.target(), s.now);
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
                sink.branch(BranchKind.RETURN, b.endAddress(), to, s.now);
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
        sink.branch(kind, last.address(), events.ip(), s.now);
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
            case DIRECT_JUMP, DIRECT_CALL, LIMIT -> {
                straight(b);
                return;
            }
            case CONDITIONAL -> {
                emit(b, n - 1);
                mismatch(b.endAddress(), PtError.BAD_QUERY, "a conditional branch where the trace has a TIP");
                return;
            }
            case RETURN -> {
                kind = BranchKind.RETURN;
                if (!s.stack.isEmpty()) {
                    s.stack.pop();
                }
            }
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
        long to = s.targetSuppressed ? 0 : s.target;
        if (s.disableAfterBranch) {
            sink.branch(BranchKind.TRACE_END, b.endAddress(), to, s.now);
            s.ip = to;
            s.mode = Mode.DISABLED;
            return;
        }
        sink.branch(kind, b.endAddress(), to, s.now);
        resumeAt(s.target, s.targetSuppressed);
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
            case WALK_FUP -> s.mode = Mode.AWAIT_TIP;
            default -> s.mode = Mode.IDLE;
        }
    }

    /** A block that ends in a branch needing no trace: run it and go on. */
    private void straight(Block b) {
        emit(b, b.count());
        switch (b.end()) {
            case DIRECT_JUMP -> {
                Instruction j = b.last();
                sink.branch(BranchKind.JMP, j.address(), j.target(), s.now);
                s.ip = j.target();
            }
            case DIRECT_CALL -> {
                Instruction c = b.last();
                // CALL to the next instruction (getting the IP) pushes nothing that a RET uses.
                if (c.target() != c.next()) {
                    s.stack.push(c.next());
                }
                sink.branch(BranchKind.CALL, c.address(), c.target(), s.now);
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

    /** One way the flow could have gone from an uncertain visit. */
    private record Candidate(boolean newVersion, State state, SpeculationLog log) {}

    /**
     * At a block whose bytes change at {@code switchTime}, inside the current instruction's time
     * bounds: decodes on with the old and with the new code, each to where the bounds have passed
     * the switch, and keeps what the packets agree with.
     */
    private void speculate(long switchTime) {
        long horizon = upperBound();
        long estimate = estimate(horizon);
        boolean outermost = budget < 0;
        if (outermost) {
            budget = config.maxCandidates();
        }
        if (budget < 2) {
            // Out of candidates: the time estimate decides, and says so.
            boolean newer = estimate >= switchTime;
            sink.placement(new Placement(switchTime, s.ip, events.offset(), newer, false, false));
            decide(newer, switchTime);
            if (outermost) {
                budget = -1;
            }
            return;
        }
        budget -= 2;
        long at = events.offset();
        State base = new State();
        save(base);
        FlowSink parent = sink;
        Candidate old = run(base, false, switchTime, horizon);
        Candidate neu = run(base, true, switchTime, horizon);
        sink = parent;
        Candidate[] survivors = separate(old, neu);
        boolean preferNew = estimate >= switchTime;
        Candidate winner;
        boolean byPackets = survivors.length == 1;
        if (survivors.length == 1) {
            winner = survivors[0];
        } else if (survivors.length == 2) {
            // Both reproduce the packets: the time estimate chooses, and the difference is ambiguous.
            winner = survivors[0].newVersion() == preferNew ? survivors[0] : survivors[1];
            Candidate other = winner == survivors[0] ? survivors[1] : survivors[0];
            winner.log().markDifferences(other.log());
        } else {
            // Neither does (damaged trace, wrong code): the time estimate chooses; its errors stand.
            winner = preferNew ? neu : old;
        }
        boolean beforeTimestamp = winner.newVersion() && base.now < switchTime;
        sink.placement(new Placement(switchTime, base.ip, at, winner.newVersion(), byPackets,
                beforeTimestamp));
        winner.log().replay(sink);
        load(winner.state());
        if (outermost) {
            budget = -1;
        }
    }

    private void decide(boolean newer, long switchTime) {
        if (newer) {
            s.tau = Math.max(s.tau, switchTime);
        } else {
            s.declineOnce = true;
        }
    }

    /** Runs one candidate from {@code base} until every event's lower bound has reached the horizon. */
    private Candidate run(State base, boolean newer, long switchTime, long horizon) {
        load(base);
        SpeculationLog log = new SpeculationLog();
        sink = log;
        decide(newer, switchTime);
        runTo(horizon, log);
        State end = new State();
        save(end);
        return new Candidate(newer, end, log);
    }

    /**
     * Steps until an event whose lower bound has reached the horizon (its instructions ran after
     * the switch whichever way the candidate went), a failure, the end, or {@link
     * #MAX_CANDIDATE_EVENTS} flow events when no timing packet bounds the window.
     */
    private void runTo(long horizon, SpeculationLog log) {
        int eventsLeft = MAX_CANDIDATE_EVENTS;
        while (!log.failed() && s.mode != Mode.END) {
            boolean fetching = !isWalking(s.mode);
            if (!step()) {
                return;
            }
            if (fetching && (s.lo >= horizon && horizon != Long.MAX_VALUE || --eventsLeft == 0)) {
                return;
            }
        }
    }

    private static boolean isWalking(Mode m) {
        return switch (m) {
            case WALK_TNT, WALK_TIP, WALK_FUP, WALK_FUP_EVENT, WALK_PSB -> true;
            default -> false;
        };
    }

    /**
     * The candidates that agree with the packets. Two that both agree but are in different states
     * at their horizon are run on, one flow event at a time, until one fails or they meet.
     */
    private Candidate[] separate(Candidate a, Candidate b) {
        boolean okA = !a.log().failed();
        boolean okB = !b.log().failed();
        if (okA != okB) {
            return new Candidate[] {okA ? a : b};
        }
        if (!okA) {
            return new Candidate[0];
        }
        Candidate x = a;
        Candidate y = b;
        for (int i = 0; i < MAX_EXTENSION_EVENTS && !x.state().sameFlow(y.state())
                && x.state().mode != Mode.END; i++) {
            x = extend(x);
            y = extend(y);
            if (x.log().failed() != y.log().failed()) {
                return new Candidate[] {x.log().failed() ? y : x};
            }
            if (x.log().failed()) {
                return new Candidate[0];
            }
        }
        // Keep the extended runs: what was decoded past the horizon belongs to them.
        return new Candidate[] {x, y};
    }

    /** Runs a surviving candidate on to its next flow event, logging into the same log. */
    private Candidate extend(Candidate c) {
        load(c.state());
        sink = c.log();
        do {
            if (!step()) {
                break;
            }
        } while (isWalking(s.mode) && !c.log().failed());
        State end = new State();
        save(end);
        return new Candidate(c.newVersion(), end, c.log());
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
