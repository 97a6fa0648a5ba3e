package dev.textpoke.pt.etm;

import dev.textpoke.code.AppliedModification;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.Modification;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.PtError;
import dev.textpoke.pt.flow.AmbiguousSpans;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BlockEnd;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.CodeBlocks;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.flow.Placement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decodes a waypoint trace ({@link EtmTrace}) of A64 code over a {@link CodeTimeline}, in the
 * image of the Intel PT flow decoder ({@code pt.flow.FlowDecoder}): it walks the same {@link
 * Block}s from the same {@link CodeBlocks} and reports to the same {@link FlowSink}; the trace is
 * consumed element by element (an atom at every branch, an address after every taken indirect
 * branch, an exception at its return address, an A-Sync's address after straight-line code).
 *
 * <p><b>Code that changes.</b> Every element's instructions lie between two time bounds ({@link
 * EtmTrace#lo}, {@link EtmTrace#hi}). Where a modification of a word the walk reads may have
 * taken effect between them, the decoder walks that word once per version that could have been
 * there: for a switch point, the old version before its time and the new one after (time only goes
 * forward, so choosing the new version moves the decoder's own time to the switch); for an
 * uncertain window ({@link dev.textpoke.code.Switch.Window}: arm64's nosync store up to the end of
 * its synchronisation), either version at any visit inside it, independently (the architecture
 * allows a later fetch to see an older value: herdtools7 {@code coFF}). Each version is a
 * candidate, and the candidates consume the same elements in lockstep: one the trace contradicts
 * (an N atom at an unconditional branch, a BRK where an atom is due, an exception's return address
 * not reached before a waypoint, an address where none is due) is dropped; two that reach the same
 * state (address, mode, and the same code from then on) merge, and the instructions in which they
 * differed are reported ambiguous. Each choice is reported as a {@link Placement}: {@code
 * byPackets} when the trace alone decided it.
 *
 * <p>Not thread-safe; one per trace.
 */
public final class WaypointDecoder {
    /** Bytes a block may span: {@code BlockCache}'s 64 instructions of 4 bytes. */
    private static final int SPAN = 64 * 4;
    /** Blocks one element's walk may take before the decoder gives up on a loop. */
    private static final int MAX_STEPS = 1 << 16;

    /**
     * @param maxCandidates readings followed at once; beyond that the time estimate decides, and what
     *     the chosen reading decodes is ambiguous until the next A-Sync puts the decoder back in step
     */
    public record Config(int maxCandidates) {
        /**
         * 256 readings: a loop that passes a site every few instructions visits it dozens of times
         * between two timestamps, and each visit is a reading of a switch point ("switch before visit
         * j"), until the waypoints contradict all but one.
         */
        public static Config defaults() {
            return new Config(256);
        }
    }

    private enum Mode { NO_IP, IDLE, AWAIT_ADDRESS }

    private enum Goal { NONE, ATOM, TO_ADDRESS }

    private final EtmTrace trace;
    private final CodeTimeline timeline;
    private final CodeBlocks blocks;
    private final InstructionClassifier classifier;
    private final FlowSink out;
    private final Config config;
    private final String source;
    /** Modifications by the aligned word they touch, in order of their start. */
    private final TreeMap<Long, List<Modification>> wordMods = new TreeMap<>(Long::compareUnsigned);
    /** Every switch start and end: between two of them no code changes. */
    private final long[] boundaries;
    private final Map<Long, Map<Integer, Instruction>> words = new HashMap<>();
    private int nextOrder;
    private long emitted;

    public WaypointDecoder(String source, EtmTrace trace, CodeTimeline timeline, CodeBlocks blocks,
            InstructionClassifier classifier, Config config, FlowSink sink) {
        this.source = source;
        this.trace = trace;
        this.timeline = timeline;
        this.blocks = blocks;
        this.classifier = classifier;
        this.config = config;
        this.out = sink;
        TreeSet<Long> times = new TreeSet<>();
        for (AppliedModification am : timeline.modifications()) {
            Modification m = am.modification();
            long first = m.address() & ~3L;
            long last = m.address() + Math.max(m.oldBytes().length(), m.newBytes().length());
            for (long w = first; Long.compareUnsigned(w, last) < 0; w += 4) {
                wordMods.computeIfAbsent(w, x -> new ArrayList<>()).add(m);
            }
            times.add(m.switching().start());
            times.add(m.switching().end());
        }
        for (List<Modification> l : wordMods.values()) {
            l.sort((a, b) -> Long.compare(a.switching().start(), b.switching().start()));
        }
        boundaries = times.stream().mapToLong(Long::longValue).toArray();
    }

    // ---- candidates ---------------------------------------------------------------------------

    sealed interface Entry permits Run, Br, Iss, Dec {}

    record Run(Block block, int from, int to, long time) implements Entry {}

    record Br(BranchKind kind, long from, long to, long time) implements Entry {}

    record Iss(DecodeIssue issue) implements Entry {}

    /** A version chosen for the word at {@code ip} while the modification switching at {@code switchTime} was pending. */
    record Dec(long time, long switchTime, long ip, long offset, boolean newVersion) implements Entry {}

    /** Output since the last commit; {@code count} is the instructions decoded up to and with this entry. */
    record Node(Node prev, Entry entry, long count) {}

    /** One word version a walk may read: its bytes and the decoder's time once it is chosen. */
    private record Option(byte[] bytes, long tau, boolean newVersion, long switchTime) {}

    private static final class Cand {
        final int order;
        int k = -1;
        Mode mode = Mode.NO_IP;
        long ip;
        long tau = Long.MIN_VALUE;
        Goal goal = Goal.NONE;
        long goalAddress;
        boolean goalSync;
        int goalBit;
        BranchKind pendingKind;
        long pendingFrom;
        Option forced;
        boolean failed;
        int penalty;
        Node log;
        long count;
        boolean undecided;
        /** Chosen by the estimate among more readings than were followed: ambiguous until the next A-Sync. */
        boolean guessing;
        final AmbiguousSpans ambiguous = new AmbiguousSpans();
        final Set<Dec> contested = Collections.newSetFromMap(new IdentityHashMap<>());

        Cand(int order) {
            this.order = order;
        }

        Cand fork(int order) {
            Cand c = new Cand(order);
            c.k = k;
            c.mode = mode;
            c.ip = ip;
            c.tau = tau;
            c.goal = goal;
            c.goalAddress = goalAddress;
            c.goalSync = goalSync;
            c.goalBit = goalBit;
            c.pendingKind = pendingKind;
            c.pendingFrom = pendingFrom;
            c.penalty = penalty;
            c.log = log;
            c.count = count;
            c.undecided = undecided;
            c.guessing = guessing;
            c.ambiguous.add(ambiguous);
            c.contested.addAll(contested);
            return c;
        }

        void add(Entry e, long instructions) {
            count += instructions;
            log = new Node(log, e, count);
        }
    }

    /** Decodes the whole trace into the sink. */
    public void run() {
        List<Cand> cands = new ArrayList<>();
        Cand root = new Cand(nextOrder++);
        root.count = emitted;
        cands.add(root);
        for (int k = 0; k < trace.size(); k++) {
            for (int i = 0; i < cands.size(); i++) {
                Cand c = cands.get(i);
                if (!c.failed) {
                    process(c, k, cands);
                }
            }
            List<Cand> alive = new ArrayList<>();
            for (Cand c : cands) {
                if (!c.failed) {
                    alive.add(c);
                }
            }
            if (alive.isEmpty()) {
                // None reproduces the trace: the time estimate's choice, its errors and all.
                Cand b = best(cands);
                b.failed = false;
                alive.add(b);
            }
            alive = merge(alive);
            if (alive.size() > config.maxCandidates()) {
                Cand b = best(alive);
                for (Cand o : alive) {
                    if (o != b) {
                        absorb(b, o);
                    }
                }
                markAllAmbiguous(b);
                b.guessing = true;
                alive = new ArrayList<>(List.of(b));
            }
            if (alive.size() == 1) {
                commit(alive.get(0));
            }
            cands = alive;
        }
        Cand b = best(cands);
        for (Cand o : cands) {
            if (o != b) {
                absorb(b, o);
                markAllAmbiguous(b);
            }
        }
        commit(b);
    }

    private void process(Cand c, int k, List<Cand> cands) {
        if (c.k == k && c.forced != null) {
            // A candidate forked during this element's walk: it goes on from the fork.
            walk(c, k, cands);
            return;
        }
        if (c.k == k) {
            return;
        }
        c.k = k;
        EtmTrace.Kind kind = trace.kind(k);
        if (EtmTrace.timed(kind)) {
            c.tau = Math.max(c.tau, trace.lo(k));
        }
        long v = trace.value(k);
        switch (kind) {
            case ATOM -> {
                switch (c.mode) {
                    case IDLE -> {
                        c.goal = Goal.ATOM;
                        c.goalBit = (int) v;
                        walk(c, k, cands);
                    }
                    case AWAIT_ADDRESS -> mismatch(c, k, c.pendingFrom, PtError.BAD_QUERY,
                            "an atom where the target of an indirect branch or exception is due");
                    default -> { }
                }
            }
            case ADDRESS -> {
                switch (c.mode) {
                    case AWAIT_ADDRESS -> {
                        c.add(new Br(c.pendingKind, c.pendingFrom, v, time(c, k)), 0);
                        c.ip = v;
                        c.mode = Mode.IDLE;
                    }
                    case NO_IP -> {
                        c.ip = v;
                        c.mode = Mode.IDLE;
                    }
                    default -> mismatch(c, k, c.ip, PtError.BAD_QUERY, "an address where no indirect branch is due");
                }
            }
            case EXCEPTION -> {
                BranchKind bk = trace.exceptionType(k) == EtmPacket.ExceptionType.BREAKPOINT ? BranchKind.INT
                        : BranchKind.HW_INT;
                switch (c.mode) {
                    case IDLE -> {
                        c.goal = Goal.TO_ADDRESS;
                        c.goalAddress = v;
                        c.goalSync = false;
                        c.pendingKind = bk;
                        walk(c, k, cands);
                    }
                    default -> {
                        c.pendingKind = bk;
                        c.pendingFrom = v;
                        c.ip = v;
                        c.mode = Mode.AWAIT_ADDRESS;
                    }
                }
            }
            case SYNC -> {
                // An A-Sync's address puts a guessed reading back in step (or contradicts it).
                c.guessing = false;
                if (c.mode == Mode.IDLE) {
                    c.goal = Goal.TO_ADDRESS;
                    c.goalAddress = v;
                    c.goalSync = true;
                    walk(c, k, cands);
                } else {
                    c.ip = v;
                    c.mode = Mode.IDLE;
                }
            }
            case OVERFLOW -> {
                c.add(new Iss(new DecodeIssue(PtError.OVERFLOW, trace.offset(k), time(c, k), c.ip,
                        "trace unit overflow: elements were lost")), 0);
                c.mode = Mode.NO_IP;
            }
            case ERROR -> {
                PtDecodeException e = errorAt(k);
                c.add(new Iss(new DecodeIssue(e == null ? PtError.BAD_PACKET : e.kind(), trace.offset(k), time(c, k),
                        0, "undecodable trace; resynchronising at the next A-Sync")), 0);
                c.mode = Mode.NO_IP;
            }
        }
    }

    private PtDecodeException errorAt(int k) {
        for (PtDecodeException e : trace.errors()) {
            if (e.offset() == trace.offset(k)) {
                return e;
            }
        }
        return null;
    }

    private long time(Cand c, int k) {
        return c.tau == Long.MIN_VALUE ? 0 : c.tau;
    }

    // ---- walking -------------------------------------------------------------------------------

    private void walk(Cand c, int k, List<Cand> cands) {
        long hi = trace.hi(k);
        for (int steps = 0; steps < MAX_STEPS; steps++) {
            if (c.goal == Goal.TO_ADDRESS && c.ip == c.goalAddress && c.forced == null) {
                // The instruction at an exception's return address did not execute: no version to choose.
                reached(c);
                c.goal = Goal.NONE;
                return;
            }
            Block b;
            if (c.forced != null) {
                b = single(c, c.forced, k);
                c.forced = null;
            } else if (pending(c.ip, c.tau, hi)) {
                List<Option> options = options(c.ip, c.tau, hi);
                if (options.size() <= 1) {
                    // Code ahead may change within the bounds: one instruction at a time up to it.
                    Option o = options.isEmpty() ? current(c.ip, c.tau) : options.get(0);
                    b = o == null ? blocks.at(c.ip, c.tau) : single(c, o, k);
                } else {
                    long estimate = estimate(c, k);
                    for (int j = 1; j < options.size(); j++) {
                        Cand n = c.fork(nextOrder++);
                        n.forced = options.get(j);
                        choose(n, options.get(j), estimate, options.size() > 1, k);
                        cands.add(n);
                    }
                    b = single(c, options.get(0), k);
                    choose(c, options.get(0), estimate, options.size() > 1, k);
                }
            } else {
                b = blocks.at(c.ip, c.tau);
            }
            if (step(c, b, k)) {
                c.goal = Goal.NONE;
                return;
            }
        }
        mismatch(c, k, c.ip, PtError.BAD_QUERY, "never-ending walk: no waypoint in " + MAX_STEPS + " blocks");
    }

    /** Records the choice of a version (a placement when there was a choice). */
    private void choose(Cand c, Option o, long estimate, boolean choice, int k) {
        if (!choice) {
            return;
        }
        boolean preferNew = estimate >= o.switchTime();
        if (o.newVersion() != preferNew) {
            c.penalty++;
        }
        c.add(new Dec(estimate, o.switchTime(), c.ip, trace.offset(k), o.newVersion()), 0);
    }

    private Block single(Cand c, Option o, int k) {
        c.tau = Math.max(c.tau, o.tau());
        int word = (o.bytes()[0] & 0xff) | (o.bytes()[1] & 0xff) << 8 | (o.bytes()[2] & 0xff) << 16
                | (o.bytes()[3] & 0xff) << 24;
        Instruction insn = words.computeIfAbsent(c.ip, a -> new HashMap<>()).get(word);
        if (insn == null) {
            Decoded d = classifier.classify(o.bytes(), 0, 4, c.ip);
            if (!(d instanceof Instruction i)) {
                return blocks.at(c.ip, c.tau);
            }
            insn = i;
            words.get(c.ip).put(word, insn);
        }
        return Block.single(insn, o.bytes(), c.tau);
    }

    /** Walks one block towards the goal; true when the goal is reached (or the walk failed). */
    private boolean step(Cand c, Block b, int k) {
        int n = b.count();
        long time = time(c, k);
        if (c.goal == Goal.TO_ADDRESS) {
            int idx = indexOf(b, c.goalAddress);
            if (idx >= 0) {
                emit(c, b, idx, time);
                c.ip = c.goalAddress;
                reached(c);
                return true;
            }
            if (b.end() == BlockEnd.LIMIT) {
                emit(c, b, n, time);
                c.ip = b.next();
                return false;
            }
            if (b.end() == BlockEnd.UNDECODABLE) {
                return undecodable(c, b, k, time);
            }
            emit(c, b, n - 1, time);
            mismatch(c, k, b.endAddress(), c.goalSync ? PtError.BAD_STATUS_UPDATE : PtError.BAD_QUERY,
                    (c.goalSync ? "the A-Sync address " : "the exception's return address ")
                            + Long.toHexString(c.goalAddress) + " is not reached before a waypoint");
            return true;
        }
        boolean e = c.goalBit != 0;
        switch (b.end()) {
            case LIMIT -> {
                emit(c, b, n, time);
                c.ip = b.next();
                return false;
            }
            case CONDITIONAL -> {
                emit(c, b, n, time);
                Instruction last = b.last();
                if (e) {
                    c.add(new Br(BranchKind.JCC, last.address(), last.target(), time), 0);
                    c.ip = last.target();
                } else {
                    c.ip = last.next();
                }
                return true;
            }
            case DIRECT_JUMP, DIRECT_CALL -> {
                if (!e) {
                    emit(c, b, n - 1, time);
                    mismatch(c, k, b.endAddress(), PtError.BAD_QUERY, "an N atom at an unconditional branch");
                    return true;
                }
                emit(c, b, n, time);
                Instruction last = b.last();
                c.add(new Br(b.end() == BlockEnd.DIRECT_CALL ? BranchKind.CALL : BranchKind.JMP, last.address(),
                        last.target(), time), 0);
                c.ip = last.target();
                return true;
            }
            case INDIRECT_JUMP, INDIRECT_CALL, RETURN, FAR_TRANSFER -> {
                if (!e) {
                    emit(c, b, n - 1, time);
                    mismatch(c, k, b.endAddress(), PtError.BAD_QUERY, "an N atom at an unconditional branch");
                    return true;
                }
                emit(c, b, n, time);
                c.pendingFrom = b.endAddress();
                c.pendingKind = switch (b.end()) {
                    case INDIRECT_CALL -> BranchKind.CALL;
                    case RETURN -> BranchKind.RETURN;
                    case FAR_TRANSFER -> BranchKind.IRET;
                    default -> BranchKind.JMP;
                };
                c.mode = Mode.AWAIT_ADDRESS;
                return true;
            }
            case TRAP -> {
                emit(c, b, n - 1, time);
                mismatch(c, k, b.endAddress(), PtError.BAD_QUERY,
                        b.last().mnemonic() + " reached where the trace has an atom");
                return true;
            }
            default -> {
                return undecodable(c, b, k, time);
            }
        }
    }

    private boolean undecodable(Cand c, Block b, int k, long time) {
        emit(c, b, b.count(), time);
        c.add(new Iss(new DecodeIssue(PtError.NOMAP, trace.offset(k), time, b.endAddress(),
                "no code known at " + Long.toHexString(b.endAddress()) + " at this time")), 0);
        c.mode = Mode.NO_IP;
        c.failed = true;
        return true;
    }

    private void reached(Cand c) {
        if (c.goalSync) {
            c.mode = Mode.IDLE;
        } else {
            c.pendingFrom = c.goalAddress;
            c.mode = Mode.AWAIT_ADDRESS;
        }
    }

    private static int indexOf(Block b, long ip) {
        if (b.count() == 0) {
            return b.endAddress() == ip ? 0 : -1;
        }
        for (int i = 0; i < b.count(); i++) {
            if (b.instruction(i).address() == ip) {
                return i;
            }
        }
        return -1;
    }

    private static void emit(Cand c, Block b, int to, long time) {
        if (to > 0) {
            c.add(new Run(b, 0, to, time), to);
        }
    }

    private void mismatch(Cand c, int k, long ip, PtError kind, String detail) {
        c.add(new Iss(new DecodeIssue(kind, trace.offset(k), time(c, k), ip, detail)), 0);
        c.mode = Mode.NO_IP;
        c.failed = true;
    }

    // ---- versions --------------------------------------------------------------------------------

    /** Whether a modification of the bytes a block at {@code ip} may span can take effect in {@code [tau, hi]}. */
    private boolean pending(long ip, long tau, long hi) {
        long to = ip + SPAN;
        Map<Long, List<Modification>> near = Long.compareUnsigned(to, ip) > 0 ? wordMods.subMap(ip & ~3L, true, to, false)
                : wordMods.tailMap(ip & ~3L, true);
        for (List<Modification> l : near.values()) {
            for (Modification m : l) {
                if (m.switching().end() > tau && m.switching().start() <= hi) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The versions the word at {@code ip} may have had at some time in {@code [tau, hi]}: state 0
     * before its first modification, state i after the i-th; state i is there at time t when the
     * i-th has started by t and the (i+1)-th has not ended. Empty when the word is not modified.
     */
    private List<Option> options(long ip, long tau, long hi) {
        List<Modification> mods = wordMods.get(ip & ~3L);
        List<Option> opts = new ArrayList<>();
        if (mods == null) {
            return opts;
        }
        for (Modification m : mods) {
            if (m.address() != ip || m.oldBytes().length() != 4 || m.newBytes().length() != 4) {
                // Not one whole word: read the timeline as it is at tau.
                return List.of();
            }
        }
        int n = mods.size();
        long firstPending = Long.MAX_VALUE;
        for (Modification m : mods) {
            if (m.switching().end() > tau) {
                firstPending = Math.min(firstPending, m.switching().start());
            }
        }
        for (int i = 0; i <= n; i++) {
            long from = i == 0 ? Long.MIN_VALUE : mods.get(i - 1).switching().start();
            long until = i == n ? Long.MAX_VALUE : mods.get(i).switching().end();
            long t = Math.max(tau, from);
            if (t > hi || t >= until) {
                continue;
            }
            byte[] bytes = (i == 0 ? mods.get(0).oldBytes() : mods.get(i - 1).newBytes()).toArray();
            boolean isNew = i > 0 && mods.get(i - 1).switching().start() >= firstPending;
            Option o = new Option(bytes, t, isNew, firstPending);
            boolean dup = false;
            for (int j = 0; j < opts.size() && !dup; j++) {
                // The same bytes reachable earlier: the earlier time allows everything the later does.
                dup = Arrays.equals(opts.get(j).bytes(), bytes);
            }
            if (!dup) {
                opts.add(o);
            }
        }
        return opts;
    }

    /** The word at {@code ip} as it is at {@code tau}, or null where it is not known. */
    private Option current(long ip, long tau) {
        byte[] w = new byte[4];
        if (timeline.read(ip, tau, dev.textpoke.code.WindowSide.NEW, w, 0, 4) < 4) {
            return null;
        }
        return new Option(w, tau, false, Long.MIN_VALUE);
    }

    private long estimate(Cand c, int k) {
        long lo = trace.lo(k);
        long hi = trace.hi(k);
        if (lo == Long.MIN_VALUE || hi == Long.MAX_VALUE) {
            return c.tau;
        }
        return Math.max(c.tau, lo + (hi - lo) / 2);
    }

    // ---- merging and committing -----------------------------------------------------------------

    private List<Cand> merge(List<Cand> alive) {
        List<Cand> kept = new ArrayList<>();
        for (Cand c : alive) {
            Cand same = null;
            for (Cand o : kept) {
                if (sameState(o, c)) {
                    same = o;
                    break;
                }
            }
            if (same == null) {
                kept.add(c);
            } else if (prefer(c, same)) {
                absorb(c, same);
                kept.set(kept.indexOf(same), c);
            } else {
                absorb(same, c);
            }
        }
        return kept;
    }

    private boolean sameState(Cand a, Cand b) {
        if (a.mode != b.mode || a.forced != null || b.forced != null) {
            return false;
        }
        if (a.mode != Mode.NO_IP && a.ip != b.ip) {
            return false;
        }
        if (a.mode == Mode.AWAIT_ADDRESS && (a.pendingFrom != b.pendingFrom || a.pendingKind != b.pendingKind)) {
            return false;
        }
        return epoch(a.tau) == epoch(b.tau);
    }

    /** How many switch boundaries lie at or before {@code tau}: equal epochs read the same code from then on. */
    private int epoch(long tau) {
        int i = Arrays.binarySearch(boundaries, tau);
        return i >= 0 ? i + 1 : -i - 1;
    }

    private static boolean prefer(Cand a, Cand b) {
        return a.penalty < b.penalty || a.penalty == b.penalty && a.order < b.order;
    }

    private static Cand best(List<Cand> list) {
        Cand b = list.get(0);
        for (Cand c : list) {
            if (prefer(c, b)) {
                b = c;
            }
        }
        return b;
    }

    /** {@code other} fits the same trace: what {@code keep} decoded differently since they parted is ambiguous. */
    private static void absorb(Cand keep, Cand other) {
        Set<Node> mine = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node x = keep.log; x != null; x = x.prev()) {
            mine.add(x);
        }
        Node ancestor = other.log;
        while (ancestor != null && !mine.contains(ancestor)) {
            ancestor = ancestor.prev();
        }
        List<Entry> ours = since(keep.log, ancestor);
        List<Instruction> a = instructions(ours);
        List<Instruction> b = instructions(since(other.log, ancestor));
        long base = keep.count - a.size();
        keep.ambiguous.absorb(other.ambiguous, base, a, b);
        if (other.guessing) {
            // other was chosen by the estimate among readings that were not followed: any of them
            // may differ from keep anywhere since the parting
            keep.ambiguous.add(base, base + a.size());
            keep.guessing = true;
        }
        keep.undecided = true;
        for (Entry e : ours) {
            if (e instanceof Dec d) {
                keep.contested.add(d);
            }
        }
    }

    private static void markAllAmbiguous(Cand c) {
        c.undecided = true;
        List<Entry> all = since(c.log, null);
        c.ambiguous.add(c.count - instructions(all).size(), Long.MAX_VALUE);
        for (Entry e : all) {
            if (e instanceof Dec d) {
                c.contested.add(d);
            }
        }
    }

    private static List<Entry> since(Node head, Node ancestor) {
        List<Entry> out = new ArrayList<>();
        for (Node x = head; x != null && x != ancestor; x = x.prev()) {
            out.add(x.entry());
        }
        Collections.reverse(out);
        return out;
    }

    private static List<Instruction> instructions(List<Entry> entries) {
        List<Instruction> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e instanceof Run r) {
                for (int i = r.from(); i < r.to(); i++) {
                    out.add(r.block().instruction(i));
                }
            }
        }
        return out;
    }

    /** The one candidate left: its output goes to the sink, and its log starts again. */
    private void commit(Cand c) {
        List<Entry> entries = since(c.log, null);
        long at = c.count - instructions(entries).size();
        if (c.guessing) {
            c.ambiguous.add(at, Long.MAX_VALUE);
            c.undecided = true;
        }
        long first = at;
        for (Entry e : entries) {
            if (e instanceof Run r) {
                int i = r.from();
                while (i < r.to()) {
                    boolean inside = c.ambiguous.contains(at);
                    long stop = c.ambiguous.boundaryAfter(at);
                    int j = (int) Math.min(r.to(), i + Math.max(1, stop - at));
                    out.instructions(r.block(), i, j, r.time(), inside);
                    at += j - i;
                    i = j;
                }
            } else if (e instanceof Br b) {
                out.branch(b.kind(), b.from(), b.to(), b.time(), false);
            } else if (e instanceof Iss is) {
                out.issue(is.issue());
            } else if (e instanceof Dec d) {
                out.placement(new Placement(d.time(), d.switchTime(), d.ip(), d.offset(), d.newVersion(), !c.contested.contains(d),
                        false));
            }
        }
        if (c.undecided) {
            out.undecided(at - first);
        }
        emitted = at;
        c.log = null;
        c.ambiguous.clear();
        c.contested.clear();
        c.undecided = false;
        c.penalty = 0;
    }

    /** The trace's name, for messages. */
    public String source() {
        return source;
    }
}
