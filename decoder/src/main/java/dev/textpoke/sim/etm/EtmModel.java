package dev.textpoke.sim.etm;

import dev.textpoke.pt.etm.EtmEncoder;
import dev.textpoke.pt.etm.EtmPacket;
import dev.textpoke.sim.code.Insn;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.ExecutionListener;
import dev.textpoke.sim.exec.HaltReason;
import dev.textpoke.sim.exec.MachineView;
import dev.textpoke.sim.exec.Outcome;

/**
 * The waypoint-trace unit of each simulated A64 CPU (ETMv4-style; packets in {@link
 * dev.textpoke.pt.etm.EtmPacket}): every branch instruction is a waypoint and gives an atom, E when
 * taken and N when not (ETMv4: "all branches are waypoints", B included); a taken indirect branch
 * (BR, BLR, RET, ERET) gives its target address after the atom; an exception (IRQ, BRK) gives its
 * type and preferred return address (the next instruction for an IRQ, the BRK itself) and the
 * handler's address. Atoms are gathered up to three per packet. A timestamp is requested every
 * {@link EtmModelConfig#timestampCycles()} core cycles and emitted before the next timed element,
 * with that element's time; an A-Sync, trace info, timestamp and the address of the next element's
 * instruction follow every {@link EtmModelConfig#syncBytes()} bytes. No packet ever says that code
 * changed.
 */
public final class EtmModel implements ExecutionListener {
    private final EtmModelConfig config;
    private MachineView machine;
    private Unit[] units = new Unit[0];

    private static final class Unit {
        final EtmEncoder out = new EtmEncoder();
        int atoms;
        int bits;
        long nextTimestampCycles;
        int lastSync;
        long startTsc;
        long endTsc;
    }

    public EtmModel(EtmModelConfig config) {
        this.config = config;
    }

    @Override
    public void begin(MachineView m) {
        machine = m;
        units = new Unit[m.cpus()];
        for (int i = 0; i < units.length; i++) {
            units[i] = new Unit();
        }
    }

    @Override
    public void start(int cpu, long tsc, long ip, boolean user) {
        Unit u = units[cpu];
        u.startTsc = tsc;
        sync(cpu, u, tsc, ip);
    }

    @Override
    public void instruction(int cpu, long tsc, Insn insn, int outcome, long nextIp) {
        boolean indirect;
        switch (insn.op()) {
            case JCC, JMP, CALL -> indirect = false;
            case JMP_INDIRECT, CALL_INDIRECT, RET, IRET -> indirect = true;
            default -> {
                return;
            }
        }
        Unit u = units[cpu];
        beforeElement(cpu, u, tsc, insn.address());
        boolean taken = (outcome & Outcome.TAKEN) != 0;
        u.bits |= (taken ? 1 : 0) << u.atoms;
        u.atoms++;
        if (u.atoms == 3 || (taken && indirect)) {
            flush(u);
        }
        if (taken && indirect) {
            u.out.address(nextIp);
        }
        u.endTsc = tsc;
    }

    @Override
    public void asyncBranch(int cpu, long tsc, long from, long to, AsyncKind kind, int outcome) {
        Unit u = units[cpu];
        beforeElement(cpu, u, tsc, from);
        flush(u);
        EtmPacket.ExceptionType type = switch (kind) {
            case INTERRUPT -> EtmPacket.ExceptionType.IRQ;
            case INT3, SOFTWARE_INTERRUPT -> EtmPacket.ExceptionType.BREAKPOINT;
            default -> EtmPacket.ExceptionType.FAULT;
        };
        u.out.exception(type, from);
        u.out.address(to);
        u.endTsc = tsc;
    }

    @Override
    public void halt(int cpu, long tsc, long ip, HaltReason reason) {
        Unit u = units[cpu];
        flush(u);
        u.endTsc = tsc;
    }

    /** CPU {@code cpu}'s trace. */
    public EtmStream stream(int cpu) {
        Unit u = units[cpu];
        flush(u);
        return new EtmStream(cpu, u.out.bytes(), u.startTsc, u.endTsc);
    }

    private void beforeElement(int cpu, Unit u, long tsc, long ip) {
        if (u.out.size() - u.lastSync >= config.syncBytes()) {
            flush(u);
            sync(cpu, u, tsc, ip);
            return;
        }
        if (config.timestampCycles() > 0 && machine.cycles(cpu) >= u.nextTimestampCycles) {
            flush(u);
            u.out.timestamp(tsc);
            u.nextTimestampCycles = machine.cycles(cpu) + config.timestampCycles();
        }
    }

    private void sync(int cpu, Unit u, long tsc, long ip) {
        u.lastSync = u.out.size();
        u.out.async().traceInfo(0).timestamp(tsc).address(ip);
        u.nextTimestampCycles = machine.cycles(cpu) + config.timestampCycles();
    }

    private static void flush(Unit u) {
        if (u.atoms > 0) {
            u.out.atoms(u.atoms, u.bits);
            u.atoms = 0;
            u.bits = 0;
        }
    }
}
