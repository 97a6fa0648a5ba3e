package dev.textpoke.sim.truth;

import dev.textpoke.sim.code.Insn;
import dev.textpoke.sim.code.InsnTable;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.ExecutionListener;
import dev.textpoke.sim.exec.HaltReason;
import dev.textpoke.sim.exec.MachineView;
import dev.textpoke.sim.exec.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PrimitiveIterator;

/**
 * Records every instruction each CPU executed, with its time and the bytes it ran, and every
 * asynchronous branch: the reference a decode is compared with.
 *
 * <p>Compact: an instruction is one varint (its interned {@link Insn}'s id, which names the
 * address and bytes, and its privilege level) and one varint of TSC delta, typically 3-4 bytes.
 * Recording allocates only when a 1 MB chunk fills. Read back with {@link #cursor}, {@link
 * #instructions} or compared with {@link #firstDifference}.
 */
public final class GroundTruth implements ExecutionListener {
    private static final int TAG_INSN = 0;
    private static final int TAG_ASYNC = 1;

    private final InsnTable table;
    private CpuLog[] logs = new CpuLog[0];

    private static final class CpuLog {
        final ByteLog log = new ByteLog();
        final List<AsyncEvent> async = new ArrayList<>();
        long lastTsc;
        long instructions;
        long startTsc;
        long startIp;
        HaltReason halt;
        long haltTsc;
        long haltIp;
    }

    /** @param table the table the executor's code view interns instructions in */
    public GroundTruth(InsnTable table) {
        this.table = table;
    }

    @Override
    public void begin(MachineView machine) {
        logs = new CpuLog[machine.cpus()];
        for (int i = 0; i < logs.length; i++) {
            logs[i] = new CpuLog();
        }
    }

    @Override
    public void start(int cpu, long tsc, long ip, boolean user) {
        logs[cpu].startTsc = tsc;
        logs[cpu].lastTsc = tsc;
        logs[cpu].startIp = ip;
    }

    @Override
    public void instruction(int cpu, long tsc, Insn insn, int outcome, long nextIp) {
        CpuLog l = logs[cpu];
        l.log.putVarint((long) insn.id() << 2 | ((outcome & Outcome.USER) != 0 ? 2 : 0) | TAG_INSN);
        l.log.putVarint(tsc - l.lastTsc);
        l.lastTsc = tsc;
        l.instructions++;
    }

    @Override
    public void asyncBranch(int cpu, long tsc, long from, long to, AsyncKind kind, int outcome) {
        CpuLog l = logs[cpu];
        l.log.putVarint((long) l.async.size() << 2 | TAG_ASYNC);
        l.log.putVarint(tsc - l.lastTsc);
        l.lastTsc = tsc;
        l.async.add(new AsyncEvent(cpu, tsc, from, to, kind,
                (outcome & Outcome.USER) != 0, l.instructions));
    }

    @Override
    public void halt(int cpu, long tsc, long ip, HaltReason reason) {
        logs[cpu].halt = reason;
        logs[cpu].haltTsc = tsc;
        logs[cpu].haltIp = ip;
    }

    public int cpus() {
        return logs.length;
    }

    /** How many instructions CPU {@code cpu} executed. */
    public long instructionCount(int cpu) {
        return logs[cpu].instructions;
    }

    /** Why CPU {@code cpu} stopped. */
    public HaltReason haltReason(int cpu) {
        return logs[cpu].halt;
    }

    /** The TSC at which CPU {@code cpu} stopped. */
    public long haltTsc(int cpu) {
        return logs[cpu].haltTsc;
    }

    /** The IP at which CPU {@code cpu} stopped (its next instruction). */
    public long haltIp(int cpu) {
        return logs[cpu].haltIp;
    }

    public long startTsc(int cpu) {
        return logs[cpu].startTsc;
    }

    public long startIp(int cpu) {
        return logs[cpu].startIp;
    }

    /** The asynchronous branches of CPU {@code cpu}, in order. */
    public List<AsyncEvent> asyncEvents(int cpu) {
        return List.copyOf(logs[cpu].async);
    }

    /** Bytes the log of CPU {@code cpu} takes. */
    public long logBytes(int cpu) {
        return logs[cpu].log.size();
    }

    /** The instructions of CPU {@code cpu} that ran at a privilege level {@code filter} keeps. */
    public List<Executed> instructions(int cpu, CplFilter filter) {
        List<Executed> out = new ArrayList<>();
        Cursor c = cursor(cpu);
        while (c.next()) {
            if (c.isInstruction() && filter.traces(c.user())) {
                out.add(c.executed());
            }
        }
        return out;
    }

    /**
     * Compares what CPU {@code cpu} executed at the privilege levels {@code filter} keeps with the
     * instruction addresses a decoder reported for it, in order.
     *
     * @return the first difference, or empty when both streams are equal
     */
    public Optional<Mismatch> firstDifference(int cpu, CplFilter filter, PrimitiveIterator.OfLong decodedIps) {
        Cursor c = cursor(cpu);
        long n = 0;
        Executed previous = null;
        while (c.next()) {
            if (!c.isInstruction() || !filter.traces(c.user())) {
                continue;
            }
            if (!decodedIps.hasNext()) {
                return Optional.of(new Mismatch(cpu, n, c.executed(), -1, previous));
            }
            long ip = decodedIps.nextLong();
            if (ip != c.insn().address()) {
                return Optional.of(new Mismatch(cpu, n, c.executed(), ip, previous));
            }
            previous = c.executed();
            n++;
        }
        if (decodedIps.hasNext()) {
            return Optional.of(new Mismatch(cpu, n, null, decodedIps.nextLong(), previous));
        }
        return Optional.empty();
    }

    /** Reads CPU {@code cpu}'s steps in order. */
    public Cursor cursor(int cpu) {
        return new Cursor(cpu, logs[cpu]);
    }

    /** A position in one CPU's record: instructions and asynchronous branches in the order they happened. */
    public final class Cursor {
        private final int cpu;
        private final CpuLog log;
        private final ByteLog.Reader reader;
        private long tsc;
        private boolean instruction;
        private boolean user;
        private Insn insn;
        private AsyncEvent async;
        private long index = -1;

        private Cursor(int cpu, CpuLog log) {
            this.cpu = cpu;
            this.log = log;
            this.reader = log.log.reader();
            this.tsc = log.startTsc;
        }

        /** Moves to the next step; false at the end. */
        public boolean next() {
            if (!reader.hasMore()) {
                return false;
            }
            long tag = reader.varint();
            tsc += reader.varint();
            instruction = (tag & 1) == TAG_INSN;
            if (instruction) {
                insn = table.get((int) (tag >>> 2));
                user = (tag & 2) != 0;
                async = null;
                index++;
            } else {
                async = log.async.get((int) (tag >>> 2));
                insn = null;
                user = async.user();
            }
            return true;
        }

        public boolean isInstruction() {
            return instruction;
        }

        public long tsc() {
            return tsc;
        }

        /** Whether the step happened at CPL 3. */
        public boolean user() {
            return user;
        }

        /** The instruction of an instruction step. */
        public Insn insn() {
            return insn;
        }

        /** The index of the current or last instruction among the CPU's instructions. */
        public long index() {
            return index;
        }

        /** The asynchronous branch of an async step. */
        public AsyncEvent async() {
            return async;
        }

        public Executed executed() {
            return new Executed(cpu, index, tsc, insn, user);
        }
    }
}
