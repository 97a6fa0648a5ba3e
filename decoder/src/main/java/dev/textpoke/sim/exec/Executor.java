package dev.textpoke.sim.exec;

import dev.textpoke.sim.code.CodeView;
import dev.textpoke.sim.code.Insn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Runs real x86-64 machine code on N simulated CPUs and reports every instruction to {@link
 * ExecutionListener}s. The code comes from a {@link CodeView} (memory as it is at each fetch);
 * what the code cannot say (conditional outcomes, indirect targets) comes from a {@link Behaviour};
 * interrupts and exceptions come at scheduled times, the INT3 handler's decisions from a {@link
 * TrapHandler}; {@code syscall}, {@code sysretq} and {@code iretq} move between user and kernel
 * code. No registers or data memory are modelled: control flow only.
 *
 * <p>Time: each CPU has its own core clock and TSC ({@link ClockConfig}, {@link CostModel}).
 * The CPUs are interleaved by time: the CPU with the smallest TSC (ties: lowest number) executes
 * next, so listeners see events in global time order and a write at time {@code t} is seen by
 * every fetch at or after {@code t}. Everything is deterministic for a seed.
 *
 * <p>The hot path allocates nothing: instructions are interned, stacks and schedules are arrays.
 * One use; not thread-safe.
 */
public final class Executor implements MachineView {
    private final CodeView code;
    private final Vectors vectors;
    private final ClockConfig clock;
    private final CostModel cost;
    private final TrapHandler traps;
    private final long endTsc;
    private final long maxInstructions;
    private final Cpu[] cpus;
    private final List<CpuStart> starts;
    private ExecutionListener out;
    private boolean ran;

    private Executor(Builder b) {
        code = b.code;
        vectors = b.vectors;
        clock = b.clock;
        cost = b.cost;
        traps = b.traps;
        endTsc = b.endTsc;
        maxInstructions = b.maxInstructions;
        starts = List.copyOf(b.starts);
        cpus = new Cpu[b.cpus];
        for (int i = 0; i < cpus.length; i++) {
            Cpu c = new Cpu(i, b.stackLimit, b.behaviour.decider(i, b.seed), clock.startTsc(),
                    clock.maxNonTurboRatio(), b.seed);
            CpuStart s = starts.get(i);
            c.ip = s.ip();
            c.user = s.user();
            c.coreRatio = b.coreRatios[i] > 0 ? b.coreRatios[i] : clock.maxNonTurboRatio();
            schedule(c, b.interrupts, b.frequencyChanges);
            cpus[i] = c;
        }
    }

    public static Builder builder(CodeView code, int cpus) {
        return new Builder(code, cpus);
    }

    private void schedule(Cpu c, List<Interrupt> interrupts, List<FrequencyChange> changes) {
        List<Interrupt> mine = new ArrayList<>();
        for (Interrupt i : interrupts) {
            if (i.cpu() == c.id) {
                mine.add(i);
            }
        }
        mine.sort(Comparator.comparingLong(Interrupt::tsc));
        c.eventTsc = new long[mine.size()];
        c.eventVector = new int[mine.size()];
        c.eventIsFault = new boolean[mine.size()];
        for (int k = 0; k < mine.size(); k++) {
            Interrupt i = mine.get(k);
            c.eventTsc[k] = i.tsc();
            c.eventVector[k] = i.vector();
            c.eventIsFault[k] = i.kind() == AsyncKind.EXCEPTION;
            long handler = c.eventIsFault[k] ? vectors.exceptionHandler() : vectors.interruptHandler(i.vector());
            if (handler == 0) {
                throw new IllegalArgumentException("no handler for " + i);
            }
        }
        List<FrequencyChange> f = new ArrayList<>();
        for (FrequencyChange ch : changes) {
            if (ch.cpu() == c.id) {
                f.add(ch);
            }
        }
        f.sort(Comparator.comparingLong(FrequencyChange::tsc));
        c.freqTsc = f.stream().mapToLong(FrequencyChange::tsc).toArray();
        c.freqRatio = f.stream().mapToInt(FrequencyChange::coreRatio).toArray();
        c.updateNextCheck();
    }

    /**
     * Runs every CPU until it halts (at the end time, at the instruction budget, or on a program
     * error) and reports to {@code listeners} in the order given.
     *
     * @return why each CPU stopped, by CPU number
     */
    public List<HaltReason> run(List<? extends ExecutionListener> listeners) {
        if (ran) {
            throw new IllegalStateException("an executor runs once");
        }
        ran = true;
        out = listeners.size() == 1 ? listeners.get(0) : new Fanout(listeners);
        out.begin(this);
        for (Cpu c : cpus) {
            out.start(c.id, c.tsc, c.ip, c.user);
        }
        int running = cpus.length;
        while (running > 0) {
            Cpu c = null;
            Cpu other = null;
            for (Cpu x : cpus) {
                if (x.halted != null) {
                    continue;
                }
                if (c == null || x.tsc < c.tsc) {
                    other = c == null ? other : earlier(other, c);
                    c = x;
                } else {
                    other = earlier(other, x);
                }
            }
            long limitTsc = other == null ? Long.MAX_VALUE : other.tsc;
            int limitId = other == null ? Integer.MAX_VALUE : other.id;
            // Run c while it is before the next CPU in (tsc, id) order.
            do {
                step(c);
            } while (c.halted == null && (c.tsc < limitTsc || (c.tsc == limitTsc && c.id < limitId)));
            if (c.halted != null) {
                running--;
            }
        }
        out.end();
        List<HaltReason> reasons = new ArrayList<>();
        for (Cpu c : cpus) {
            reasons.add(c.halted);
        }
        return reasons;
    }

    private static Cpu earlier(Cpu a, Cpu b) {
        if (a == null) {
            return b;
        }
        return b.tsc < a.tsc || (b.tsc == a.tsc && b.id < a.id) ? b : a;
    }

    private void halt(Cpu c, HaltReason r) {
        c.halted = r;
        out.halt(c.id, c.tsc, c.ip, r);
    }

    /** Executes one instruction, or takes one asynchronous branch, on {@code c}. */
    private void step(Cpu c) {
        if (c.tsc >= c.nextCheck && events(c)) {
            return;
        }
        if (c.tsc >= endTsc) {
            halt(c, HaltReason.TIME_LIMIT);
            return;
        }
        if (c.retired >= maxInstructions) {
            halt(c, HaltReason.INSTRUCTION_LIMIT);
            return;
        }
        long ip = c.ip;
        Insn insn = code.fetch(c.id, ip, c.tsc);
        int outcome = c.user ? Outcome.USER : 0;
        long next;
        int extra = 0;
        switch (insn.op()) {
            case NEXT -> next = insn.next();
            case JCC -> {
                if (c.decider.taken(ip, c.tsc)) {
                    next = insn.target();
                    outcome |= Outcome.TAKEN;
                } else {
                    next = insn.next();
                }
            }
            case JMP -> {
                next = insn.target();
                outcome |= Outcome.TAKEN;
            }
            case JMP_INDIRECT -> {
                next = c.decider.target(ip);
                if (next == 0) {
                    halt(c, HaltReason.NO_TARGET);
                    return;
                }
                outcome |= Outcome.TAKEN;
            }
            case CALL, CALL_INDIRECT -> {
                next = insn.op() == dev.textpoke.sim.code.Op.CALL ? insn.target() : c.decider.target(ip);
                if (next == 0) {
                    halt(c, HaltReason.NO_TARGET);
                    return;
                }
                if (!c.stack.push(CallStack.CALL, insn.next())) {
                    halt(c, HaltReason.STACK_OVERFLOW);
                    return;
                }
                outcome |= Outcome.TAKEN;
            }
            case RET -> {
                if (c.stack.topKind() != CallStack.CALL) {
                    halt(c, HaltReason.STACK_MISMATCH);
                    return;
                }
                next = c.stack.pop();
                outcome |= Outcome.TAKEN;
            }
            case SYSCALL -> {
                if (vectors.syscallEntry() == 0 || !c.stack.push(CallStack.SYSCALL, insn.next())) {
                    halt(c, vectors.syscallEntry() == 0 ? HaltReason.UNSUPPORTED_INSTRUCTION
                            : HaltReason.STACK_OVERFLOW);
                    return;
                }
                next = vectors.syscallEntry();
                c.user = false;
                c.interruptsEnabled = false;
                outcome |= Outcome.TAKEN;
                extra = cost.farTransfer();
            }
            case SYSRET -> {
                if (c.stack.topKind() != CallStack.SYSCALL) {
                    halt(c, HaltReason.STACK_MISMATCH);
                    return;
                }
                next = c.stack.pop();
                c.user = true;
                c.interruptsEnabled = true;
                outcome |= Outcome.TAKEN;
                extra = cost.farTransfer();
            }
            case IRET -> {
                if (c.stack.topKind() != CallStack.INTERRUPT) {
                    halt(c, HaltReason.STACK_MISMATCH);
                    return;
                }
                byte flags = c.stack.topFlags();
                next = c.stack.pop();
                c.user = (flags & CallStack.USER_BIT) != 0;
                c.interruptsEnabled = (flags & CallStack.IF_BIT) != 0;
                outcome |= Outcome.TAKEN;
                extra = cost.farTransfer();
            }
            case INT3 -> {
                trap(c, insn);
                return;
            }
            case INT_N -> {
                long handler = vectors.interruptHandler(insn.vector());
                if (handler == 0) {
                    halt(c, HaltReason.UNSUPPORTED_INSTRUCTION);
                    return;
                }
                async(c, ip, handler, AsyncKind.SOFTWARE_INTERRUPT, insn.next(), 0);
                return;
            }
            case HLT -> {
                next = insn.next();
                finish(c, insn, outcome, next, 0);
                idle(c);
                return;
            }
            case STI -> {
                next = insn.next();
                c.interruptsEnabled = true;
            }
            case CLI -> {
                next = insn.next();
                c.interruptsEnabled = false;
            }
            case UNSUPPORTED -> {
                halt(c, HaltReason.UNSUPPORTED_INSTRUCTION);
                return;
            }
            default -> {
                halt(c, HaltReason.UNDECODABLE);
                return;
            }
        }
        finish(c, insn, outcome, next, extra);
    }

    private void finish(Cpu c, Insn insn, int outcome, long next, int extra) {
        if (c.user) {
            outcome |= Outcome.TO_USER;
        }
        out.instruction(c.id, c.tsc, insn, outcome, next);
        c.ip = next;
        c.retired++;
        int cycles = cost.cyclesPerInstruction() + extra;
        if ((outcome & Outcome.TAKEN) != 0) {
            cycles += cost.takenBranch();
        }
        if (cost.jitter() > 0) {
            cycles += c.nextJitter(cost.jitter());
        }
        c.advance(cycles);
    }

    /** A CPU executed {@code hlt}: it waits for its next interrupt, or stops when none can come. */
    private void idle(Cpu c) {
        long wake = Long.MAX_VALUE;
        for (int k = c.nextEvent; k < c.eventTsc.length; k++) {
            if (c.eventIsFault[k] || c.interruptsEnabled) {
                wake = c.eventTsc[k];
                break;
            }
        }
        if (wake == Long.MAX_VALUE || wake >= endTsc) {
            if (endTsc == Long.MAX_VALUE) {
                halt(c, HaltReason.HLT);
            } else {
                // Asleep until the end.
                c.idleUntil(endTsc);
                halt(c, HaltReason.TIME_LIMIT);
            }
            return;
        }
        c.idleUntil(wake);
    }

    /** Handles due frequency changes and takes a due interrupt or exception; true when one was taken. */
    private boolean events(Cpu c) {
        while (c.nextFreq < c.freqTsc.length && c.freqTsc[c.nextFreq] <= c.tsc) {
            int ratio = c.freqRatio[c.nextFreq++];
            c.setCoreRatio(ratio);
            out.frequency(c.id, c.tsc, ratio);
        }
        boolean taken = false;
        if (c.nextEvent < c.eventTsc.length && c.eventTsc[c.nextEvent] <= c.tsc
                && c.tsc < endTsc && c.retired < maxInstructions) {
            int k = c.nextEvent;
            if (c.eventIsFault[k]) {
                c.nextEvent++;
                async(c, c.ip, vectors.exceptionHandler(), AsyncKind.EXCEPTION, c.ip, 0);
                taken = c.halted == null;
            } else if (c.interruptsEnabled) {
                c.nextEvent++;
                async(c, c.ip, vectors.interruptHandler(c.eventVector[k]), AsyncKind.INTERRUPT, c.ip, 0);
                taken = c.halted == null;
            }
        }
        c.updateNextCheck();
        // A masked interrupt stays due: check again at the next step.
        if (c.nextEvent < c.eventTsc.length && c.eventTsc[c.nextEvent] <= c.tsc) {
            c.nextCheck = c.tsc;
        }
        return taken;
    }

    /** {@code int3}: the trap handler policy says what happens. */
    private void trap(Cpu c, Insn insn) {
        TrapAction a = traps.int3(c.id, c.tsc, insn, c.decider);
        long handler = a == null ? 0 : a.handler() != 0 ? a.handler() : vectors.int3Handler();
        if (a == null || handler == 0) {
            halt(c, HaltReason.UNHANDLED_TRAP);
            return;
        }
        async(c, insn.address(), handler, AsyncKind.INT3, a.resume(), a.pushReturn());
    }

    /**
     * An asynchronous branch from {@code from} to {@code handler}: reports it, pushes the interrupt
     * frame (under it, {@code pushReturn} when not 0), and enters the handler at CPL 0 with IF clear.
     */
    private void async(Cpu c, long from, long handler, AsyncKind kind, long resume, long pushReturn) {
        int outcome = c.user ? Outcome.USER : 0;
        out.asyncBranch(c.id, c.tsc, from, handler, kind, outcome);
        byte flags = (byte) (CallStack.INTERRUPT | (c.user ? CallStack.USER_BIT : 0)
                | (c.interruptsEnabled ? CallStack.IF_BIT : 0));
        if ((pushReturn != 0 && !c.stack.push(CallStack.CALL, pushReturn)) || !c.stack.push(flags, resume)) {
            halt(c, HaltReason.STACK_OVERFLOW);
            return;
        }
        c.ip = handler;
        c.user = false;
        c.interruptsEnabled = false;
        c.advance(cost.asyncEntry() + (cost.jitter() > 0 ? c.nextJitter(cost.jitter()) : 0));
    }

    // ---- MachineView --------------------------------------------------------------------------

    @Override
    public int cpus() {
        return cpus.length;
    }

    @Override
    public long cycles(int cpu) {
        return cpus[cpu].cycles;
    }

    @Override
    public long tsc(int cpu) {
        return cpus[cpu].tsc;
    }

    @Override
    public int coreRatio(int cpu) {
        return cpus[cpu].coreRatio;
    }

    @Override
    public ClockConfig clock() {
        return clock;
    }

    @Override
    public boolean user(int cpu) {
        return cpus[cpu].user;
    }

    /** Instructions CPU {@code cpu} retired. */
    public long retired(int cpu) {
        return cpus[cpu].retired;
    }

    /** Calls several listeners in order. */
    private static final class Fanout implements ExecutionListener {
        private final ExecutionListener[] ls;

        Fanout(List<? extends ExecutionListener> listeners) {
            ls = listeners.toArray(new ExecutionListener[0]);
        }

        @Override
        public void begin(MachineView machine) {
            for (ExecutionListener l : ls) {
                l.begin(machine);
            }
        }

        @Override
        public void start(int cpu, long tsc, long ip, boolean user) {
            for (ExecutionListener l : ls) {
                l.start(cpu, tsc, ip, user);
            }
        }

        @Override
        public void instruction(int cpu, long tsc, Insn insn, int outcome, long nextIp) {
            for (ExecutionListener l : ls) {
                l.instruction(cpu, tsc, insn, outcome, nextIp);
            }
        }

        @Override
        public void asyncBranch(int cpu, long tsc, long from, long to, AsyncKind kind, int outcome) {
            for (ExecutionListener l : ls) {
                l.asyncBranch(cpu, tsc, from, to, kind, outcome);
            }
        }

        @Override
        public void frequency(int cpu, long tsc, int coreRatio) {
            for (ExecutionListener l : ls) {
                l.frequency(cpu, tsc, coreRatio);
            }
        }

        @Override
        public void halt(int cpu, long tsc, long ip, HaltReason reason) {
            for (ExecutionListener l : ls) {
                l.halt(cpu, tsc, ip, reason);
            }
        }

        @Override
        public void end() {
            for (ExecutionListener l : ls) {
                l.end();
            }
        }
    }

    /** Configures an {@link Executor}. */
    public static final class Builder {
        private final CodeView code;
        private final int cpus;
        private final List<CpuStart> starts = new ArrayList<>();
        private final int[] coreRatios;
        private Vectors vectors = Vectors.none();
        private Behaviour behaviour = Behaviour.coinTosses();
        private ClockConfig clock = ClockConfig.defaults();
        private CostModel cost = CostModel.defaults();
        private TrapHandler traps = TrapHandler.none();
        private List<Interrupt> interrupts = List.of();
        private List<FrequencyChange> frequencyChanges = List.of();
        private long seed;
        private long endTsc = Long.MAX_VALUE;
        private long maxInstructions = Long.MAX_VALUE;
        private int stackLimit = 1 << 16;

        private Builder(CodeView code, int cpus) {
            if (cpus < 1 || cpus > 256) {
                throw new IllegalArgumentException("1 to 256 CPUs: " + cpus);
            }
            this.code = Objects.requireNonNull(code);
            this.cpus = cpus;
            this.coreRatios = new int[cpus];
        }

        /** Where each CPU starts, by CPU number; fewer than the CPUs are repeated round-robin. */
        public Builder starts(List<CpuStart> s) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("at least one start");
            }
            starts.clear();
            for (int i = 0; i < cpus; i++) {
                starts.add(s.get(i % s.size()));
            }
            return this;
        }

        public Builder vectors(Vectors v) {
            vectors = Objects.requireNonNull(v);
            return this;
        }

        public Builder behaviour(Behaviour b) {
            behaviour = Objects.requireNonNull(b);
            return this;
        }

        public Builder clock(ClockConfig c) {
            clock = Objects.requireNonNull(c);
            return this;
        }

        /** CPU {@code cpu}'s core ratio at the start (default: the TSC's ratio). */
        public Builder coreRatio(int cpu, int ratio) {
            if (ratio < 1 || ratio > 255) {
                throw new IllegalArgumentException("core ratio must be 1..255: " + ratio);
            }
            coreRatios[cpu] = ratio;
            return this;
        }

        public Builder cost(CostModel m) {
            cost = Objects.requireNonNull(m);
            return this;
        }

        public Builder trapHandler(TrapHandler h) {
            traps = Objects.requireNonNull(h);
            return this;
        }

        public Builder interrupts(List<Interrupt> list) {
            interrupts = List.copyOf(list);
            return this;
        }

        public Builder frequencyChanges(List<FrequencyChange> list) {
            frequencyChanges = List.copyOf(list);
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** CPUs stop when their TSC reaches {@code tsc}. */
        public Builder until(long tsc) {
            endTsc = tsc;
            return this;
        }

        /** Each CPU stops after {@code n} instructions. */
        public Builder maxInstructions(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative instruction budget");
            }
            maxInstructions = n;
            return this;
        }

        /** Frames (calls, interrupts, syscalls) a CPU's stack holds before it halts. */
        public Builder stackLimit(int n) {
            stackLimit = Math.max(64, n);
            return this;
        }

        public Executor build() {
            if (starts.isEmpty()) {
                throw new IllegalStateException("no start address");
            }
            if (endTsc == Long.MAX_VALUE && maxInstructions == Long.MAX_VALUE) {
                throw new IllegalStateException("set an end time or an instruction budget");
            }
            return new Executor(this);
        }
    }
}
