package dev.textpoke.sim.pt;

import dev.textpoke.io.Bytes;
import dev.textpoke.pt.packet.IpCompression;
import dev.textpoke.pt.packet.LastIp;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.sim.code.Insn;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.ExecutionListener;
import dev.textpoke.sim.exec.HaltReason;
import dev.textpoke.sim.exec.MachineView;
import dev.textpoke.sim.exec.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Intel PT hardware of each simulated CPU, as a Skylake-class part emits packets for what the
 * executor reports (SDM Vol. 3C, chapter "Intel Processor Trace": the packet definitions and the
 * tables "Packet Generation under Different Enable Conditions"). Per CPU:
 *
 * <ul>
 * <li><b>Flow.</b> A conditional branch adds a TNT bit; a direct jump or call adds nothing; an
 * indirect jump or call gives a TIP with the target; a RET is compressed into a TNT bit 1 when
 * return compression is on and its target is the return address pushed by the corresponding CALL
 * (the top of the model's call stack, which pops), else it gives a TIP and the model forgets its
 * stack. That last rule is the model's choice where the SDM leaves the hardware's internal stack
 * unspecified and the decoders disagree (perf pops at an uncompressed RET, libipt does not): with
 * it the model's stack is always the top of both decoders' stacks, so every compressed RET decodes
 * the same in both. The call stack holds {@code returnStackDepth} entries (libipt's 64), the oldest
 * dropping out; calls to the next instruction are not pushed (decoders skip them); it is cleared at
 * each PSB (perf clears its own there, {@code intel_pt_psb}) and at an overflow. TNT packets hold
 * up to 6 outcomes (47 with {@code longTnt}) and are flushed when full and before any other
 * packet.</li>
 * <li><b>Asynchronous branches</b> (interrupt, exception, INT3, INT n): FUP with the source the
 * executor names (next IP for interrupts, current IP for exceptions and traps) and TIP with the
 * handler.</li>
 * <li><b>The CPL filter</b> ({@code //k}, {@code //u}): PacketEn follows the CPL. A far transfer
 * or asynchronous branch into untraced code gives TIP.PGD with no IP (ContextEn is 0 after it,
 * SDM table cases 10c, 11c, 12c), preceded by a FUP for an asynchronous one; one into traced code
 * gives TIP.PGE with the target (cases 10b, 11b, 12b). Between traced code a far transfer
 * (SYSCALL, SYSRET, IRET) gives a TIP. No MODE.Exec outside PSB+: every code here is 64-bit.</li>
 * <li><b>PSB+</b> when {@code psbPeriodBytes()} bytes were written since the last PSB, at the
 * next instruction boundary: PSB, MODE.Exec, FUP with the current IP (when PacketEn), TSC, TMA
 * (with MTC), CBR, PSBEND. Tracing starts with a PSB+ without FUP and a TIP.PGE when the first
 * instruction is traced (SDM case 2e); it ends with FUP (next IP) and TIP.PGD without IP when the
 * CPU halts in traced code (case 3b, TraceEn cleared).</li>
 * <li><b>Timing.</b> The TSC and the crystal clock ({@link CrystalClock}): an MTC with CTC[N+7:N]
 * at the first boundary after each crystal edge that flips CTC bit N (N = mtc_period); a gap of
 * more than 256 MTC periods (an idle CPU) gives TSC and TMA instead. A CBR on every frequency
 * change. CYC (cycle-accurate mode): before a CYC-eligible packet (TNT, TIP, TIP.PGE, TIP.PGD,
 * FUP, MTC, TSC) when at least the threshold of core cycles passed since the last CYC, with that
 * count; a TNT's CYC is taken at its first branch (a TNT's CYC times its first branch, as the SDM's
 * "Cycle Packet Semantics" and perf's decoder read it); an MTC's CYC counts up to its crystal edge,
 * which falls inside the instruction in progress (perf resets its cycle reference at an MTC or TSC
 * that follows a CYC, {@code intel_pt_calc_mtc_timestamp}).</li>
 * <li><b>Overflows</b> ({@link Overflow}): packets lost from the first boundary at the overflow's
 * time, pending TNT bits included; then OVF, and a FUP with the current IP when in traced code.</li>
 * </ul>
 *
 * <p>Every packet's offset, type and emission TSC go to a {@link PacketLog} (all packets, or
 * only PSB+, TSC, TMA, MTC, CBR and OVF: a CYC accompanies nearly every branch packet, too many
 * for a big trace's log): the start of the instruction whose boundary emitted it (a
 * TNT and its CYC: the first of its branches), or for an MTC and its CYC the crystal edge, inside
 * the instruction in progress. Emission times never decrease along the stream. The hot path
 * allocates nothing but the encoder's growth.
 */
public final class PtModel implements ExecutionListener {
    private static final int CHECKPOINT = 4096;
    private static final IpCompression[] CHOICES = {IpCompression.UPDATE_16, IpCompression.UPDATE_32,
        IpCompression.SEXT_48, IpCompression.UPDATE_48, IpCompression.FULL};

    private final PtModelConfig cfg;
    private final boolean logAll;
    private final CrystalClock crystal;
    private final int mtcPeriod;
    private final boolean mtcOn;
    private final boolean tscOn;
    private final boolean cycOn;
    private final long cycThreshold;
    private final boolean retComp;
    private final boolean branchOn;
    private final int tntMax;
    private final int psbPeriod;
    private MachineView machine;
    private State[] cpus = new State[0];

    /** One CPU's trace hardware. */
    private final class State {
        final int id;
        final PacketEncoder enc = new PacketEncoder(1 << 16);
        final PacketLog log = new PacketLog();
        final List<PtStream.LostRange> lost = new ArrayList<>();
        final long[] stack;
        final SplittableRandom rnd;
        final Overflow[] overflows;
        final IpCompression[] valid = new IpCompression[CHOICES.length];
        int nextOverflow;
        boolean overflowing;
        long overflowStart;
        long overflowEnd;

        boolean started;
        boolean ended;
        boolean packetEn;
        long tntBits;
        int tntCount;
        long tntCyc;
        long tntTsc;
        int stackTop;
        int stackSize;
        long nextMtcTick;
        long nextMtcTsc = Long.MAX_VALUE;
        long lastCyc;
        int psbAt;
        long startTsc;
        long lastTsc;
        /** The previous boundary: its TSC and core cycles, for timing an MTC between two boundaries. */
        long prevTsc;
        long prevCycles;
        long[] cpOffsets = new long[64];
        long[] cpTscs = new long[64];
        int cpCount;
        int nextCheckpoint = CHECKPOINT;

        State(int id) {
            this.id = id;
            stack = new long[cfg.returnStackDepth()];
            rnd = new SplittableRandom(cfg.seed() * 31 + id);
            overflows = cfg.overflows().stream().filter(o -> o.cpu() == id)
                    .sorted(Comparator.comparingLong(Overflow::tsc)).toArray(Overflow[]::new);
        }
    }

    /** A model that logs PSB+, TSC, TMA, MTC, CBR and OVF packets. */
    public PtModel(PtModelConfig cfg) {
        this(cfg, false);
    }

    /** @param logAll log every packet (for tests), not only PSB+, TSC, TMA, MTC, CBR and OVF */
    public PtModel(PtModelConfig cfg, boolean logAll) {
        this.cfg = cfg;
        this.logAll = logAll;
        this.crystal = cfg.crystal();
        this.mtcPeriod = cfg.pt().mtcPeriod();
        this.mtcOn = cfg.pt().mtc();
        this.tscOn = cfg.pt().tsc();
        this.cycOn = cfg.pt().cyc();
        this.cycThreshold = cfg.cycThreshold();
        this.retComp = cfg.pt().returnCompression();
        this.branchOn = cfg.pt().branch() && !cfg.pt().noTnt();
        this.tntMax = cfg.longTnt() ? 47 : 6;
        this.psbPeriod = cfg.psbPeriodBytes();
    }

    public PtModelConfig config() {
        return cfg;
    }

    /** CPU {@code cpu}'s trace. */
    public PtStream stream(int cpu) {
        State s = cpus[cpu];
        return new PtStream(cpu, Bytes.copyOf(s.enc.buffer(), 0, s.enc.size()), s.log, List.copyOf(s.lost),
                Arrays.copyOf(s.cpOffsets, s.cpCount), Arrays.copyOf(s.cpTscs, s.cpCount), s.startTsc, s.lastTsc);
    }

    public int cpus() {
        return cpus.length;
    }

    // ---- ExecutionListener ----------------------------------------------------------------------

    @Override
    public void begin(MachineView m) {
        machine = m;
        cpus = new State[m.cpus()];
        for (int i = 0; i < cpus.length; i++) {
            cpus[i] = new State(i);
        }
    }

    @Override
    public void start(int cpu, long tsc, long ip, boolean user) {
        State s = cpus[cpu];
        s.started = true;
        s.startTsc = tsc;
        s.lastTsc = tsc;
        s.lastCyc = machine.cycles(cpu);
        s.prevTsc = tsc;
        s.prevCycles = s.lastCyc;
        long tick = crystal.ctc(tsc);
        s.nextMtcTick = CrystalClock.nextMtcTick(tick, mtcPeriod);
        s.nextMtcTsc = mtcOn ? crystal.edgeTsc(s.nextMtcTick) : Long.MAX_VALUE;
        s.packetEn = false;
        psb(s, tsc, ip);
        if (traced(user)) {
            s.packetEn = true;
            cyc(s, tsc);
            ipPacket(s, PacketType.TIP_PGE, ip, tsc);
        }
    }

    @Override
    public void instruction(int cpu, long tsc, Insn insn, int outcome, long nextIp) {
        State s = cpus[cpu];
        boolean toUser = (outcome & Outcome.TO_USER) != 0;
        if (!boundary(s, tsc, insn.address())) {
            // Packets are lost, but PacketEn still follows the CPL.
            switch (insn.op()) {
                case SYSCALL, SYSRET, IRET -> s.packetEn = traced(toUser);
                default -> { }
            }
            return;
        }
        if (!s.packetEn) {
            switch (insn.op()) {
                case SYSCALL, SYSRET, IRET -> farTransfer(s, tsc, toUser, nextIp);
                default -> { }
            }
            return;
        }
        switch (insn.op()) {
            case JCC -> tnt(s, tsc, (outcome & Outcome.TAKEN) != 0);
            case CALL -> {
                // A call to the next instruction (position-independent code's idiom) does not
                // return: decoders do not push it (libipt pt_insn_proceed, perf
                // intel_pt_walk_insn), and neither does the model.
                if (insn.target() != insn.next()) {
                    push(s, insn.next());
                }
            }
            case CALL_INDIRECT -> {
                tip(s, tsc, nextIp);
                push(s, insn.next());
            }
            case JMP_INDIRECT -> tip(s, tsc, nextIp);
            case RET -> {
                if (retComp && s.stackSize > 0 && s.stack[s.stackTop] == nextIp) {
                    s.stackTop = (s.stackTop - 1 + s.stack.length) % s.stack.length;
                    s.stackSize--;
                    tnt(s, tsc, true);
                } else {
                    // Decoders differ on an uncompressed return: perf pops its stack at every
                    // RET (intel_pt_walk_insn), libipt only at a compressed one (pt_insn_proceed).
                    // Forgetting the stack keeps every later compressed RET decodable by both:
                    // the model's stack stays the top of each decoder's.
                    s.stackSize = 0;
                    tip(s, tsc, nextIp);
                }
            }
            case SYSCALL, SYSRET, IRET -> farTransfer(s, tsc, toUser, nextIp);
            default -> { }
        }
    }

    @Override
    public void asyncBranch(int cpu, long tsc, long from, long to, AsyncKind kind, int outcome) {
        State s = cpus[cpu];
        if (!boundary(s, tsc, from)) {
            s.packetEn = traced(false);
            return;
        }
        boolean after = traced(false);
        if (s.packetEn) {
            flush(s);
            cyc(s, tsc);
            ipPacket(s, PacketType.FUP, from, tsc);
            if (after) {
                ipPacket(s, PacketType.TIP, to, tsc);
            } else {
                pgdNoIp(s, tsc);
            }
        } else if (after) {
            cyc(s, tsc);
            ipPacket(s, PacketType.TIP_PGE, to, tsc);
        }
        s.packetEn = after;
    }

    @Override
    public void frequency(int cpu, long tsc, int coreRatio) {
        State s = cpus[cpu];
        if (!s.started || s.ended || !boundary(s, tsc, -1)) {
            return;
        }
        flush(s);
        int at = s.enc.size();
        s.enc.cbr(coreRatio);
        log(s, at, PacketType.CBR, tsc, coreRatio, true);
    }

    @Override
    public void halt(int cpu, long tsc, long ip, HaltReason reason) {
        State s = cpus[cpu];
        if (s.ended) {
            return;
        }
        if (boundary(s, tsc, ip) && s.packetEn) {
            flush(s);
            cyc(s, tsc);
            ipPacket(s, PacketType.FUP, ip, tsc);
            pgdNoIp(s, tsc);
        }
        if (s.overflowing) {
            s.lost.add(new PtStream.LostRange(s.overflowStart, tsc, -1));
            s.overflowing = false;
        }
        s.packetEn = false;
        s.ended = true;
        s.lastTsc = tsc;
        checkpoint(s, tsc, true);
    }

    // ---- Packets ------------------------------------------------------------------------------

    private boolean traced(boolean user) {
        return branchOn && cfg.filter().traces(user);
    }

    /**
     * What happens at an instruction boundary before the instruction's own packets: overflows,
     * MTCs, a due PSB+. False while an overflow loses packets.
     */
    private boolean boundary(State s, long tsc, long ip) {
        s.lastTsc = tsc;
        if (s.overflowing) {
            if (tsc < s.overflowEnd) {
                return false;
            }
            resolveOverflow(s, tsc, ip);
        } else if (s.nextOverflow < s.overflows.length && s.overflows[s.nextOverflow].tsc() <= tsc) {
            Overflow o = s.overflows[s.nextOverflow++];
            s.overflowing = true;
            s.overflowStart = tsc;
            s.overflowEnd = tsc + o.ticks();
            s.tntCount = 0;
            s.tntBits = 0;
            s.tntCyc = 0;
            s.stackSize = 0;
            return false;
        }
        if (tsc >= s.nextMtcTsc) {
            mtcs(s, tsc);
        }
        if (s.enc.size() - s.psbAt >= psbPeriod && ip != -1) {
            flush(s);
            psb(s, tsc, ip);
        }
        if (s.enc.size() >= s.nextCheckpoint) {
            checkpoint(s, tsc, false);
        }
        s.prevTsc = tsc;
        s.prevCycles = machine.cycles(s.id);
        return true;
    }

    private void resolveOverflow(State s, long tsc, long ip) {
        s.overflowing = false;
        int at = s.enc.size();
        s.enc.ovf();
        log(s, at, PacketType.OVF, tsc, tsc, true);
        // Decoders forget the last IP at an overflow (libipt pt_last_ip_init in its OVF handling,
        // perf intel_pt_overflow): the IP after it is compressed against zero, as after a PSB.
        s.enc.lastIp().reset();
        boolean fup = s.packetEn && ip != -1;
        s.lost.add(new PtStream.LostRange(s.overflowStart, tsc, fup ? ip : -1));
        // Time moved on without MTCs: resynchronise with TSC and TMA, then MTCs from here.
        if (tscOn) {
            timestamp(s, tsc);
        }
        s.nextMtcTick = CrystalClock.nextMtcTick(crystal.ctc(tsc), mtcPeriod);
        s.nextMtcTsc = mtcOn ? crystal.edgeTsc(s.nextMtcTick) : Long.MAX_VALUE;
        if (fup) {
            ipPacket(s, PacketType.FUP, ip, tsc);
        }
    }

    private void mtcs(State s, long tsc) {
        long due = crystal.ctc(tsc);
        if ((due - s.nextMtcTick) >> mtcPeriod > 256 && tscOn) {
            // An idle stretch: a TSC and TMA say where we are, as after a C-state exit.
            flush(s);
            timestamp(s, tsc);
        } else {
            while (s.nextMtcTick <= due) {
                flush(s);
                long edge = crystal.edgeTsc(s.nextMtcTick);
                if (cycOn) {
                    // The MTC goes out at its crystal edge, inside the instruction that began at the
                    // previous boundary; a CYC up to that moment precedes it (perf resets its cycle
                    // reference at an MTC right after a CYC, intel_pt_calc_mtc_timestamp).
                    long atEdge = s.prevCycles + (edge - s.prevTsc) * machine.coreRatio(s.id)
                            / machine.clock().maxNonTurboRatio();
                    cycAt(s, edge, Math.min(Math.max(atEdge, s.lastCyc), machine.cycles(s.id)));
                }
                int at = s.enc.size();
                s.enc.mtc((int) ((s.nextMtcTick >>> mtcPeriod) & 0xff));
                log(s, at, PacketType.MTC, edge, edge, true);
                s.nextMtcTick += 1L << mtcPeriod;
            }
        }
        s.nextMtcTick = CrystalClock.nextMtcTick(due, mtcPeriod);
        s.nextMtcTsc = crystal.edgeTsc(s.nextMtcTick);
    }

    private void timestamp(State s, long tsc) {
        // A CYC up to this boundary right before the TSC, so that cycle counts after it start here.
        cyc(s, tsc);
        int at = s.enc.size();
        s.enc.tsc(tsc);
        log(s, at, PacketType.TSC, tsc, tsc, true);
        if (mtcOn) {
            long ctc = crystal.ctc(tsc);
            at = s.enc.size();
            s.enc.tma((int) (ctc & 0xffff), crystal.fastCounter(tsc));
            log(s, at, PacketType.TMA, tsc, ctc, true);
        }
    }

    /** PSB+ at an instruction boundary: the decoder's synchronisation point. */
    private void psb(State s, long tsc, long ip) {
        s.psbAt = s.enc.size();
        s.enc.psb();
        log(s, s.psbAt, PacketType.PSB, tsc, tsc, true);
        int at = s.enc.size();
        s.enc.modeExec(64, false);
        log(s, at, PacketType.MODE_EXEC, tsc, tsc, false);
        if (s.packetEn) {
            ipPacket(s, PacketType.FUP, ip, tsc);
        }
        if (tscOn) {
            timestamp(s, tsc);
        }
        at = s.enc.size();
        s.enc.cbr(machine.coreRatio(s.id));
        log(s, at, PacketType.CBR, tsc, machine.coreRatio(s.id), true);
        at = s.enc.size();
        s.enc.psbend();
        log(s, at, PacketType.PSBEND, tsc, tsc, true);
        s.stackSize = 0;
    }

    private void farTransfer(State s, long tsc, boolean toUser, long nextIp) {
        boolean after = traced(toUser);
        if (s.packetEn && after) {
            tip(s, tsc, nextIp);
        } else if (s.packetEn) {
            flush(s);
            cyc(s, tsc);
            pgdNoIp(s, tsc);
        } else if (after) {
            cyc(s, tsc);
            ipPacket(s, PacketType.TIP_PGE, nextIp, tsc);
        }
        s.packetEn = after;
    }

    private void tip(State s, long tsc, long target) {
        flush(s);
        cyc(s, tsc);
        ipPacket(s, PacketType.TIP, target, tsc);
    }

    private void pgdNoIp(State s, long tsc) {
        int at = s.enc.size();
        s.enc.ip(PacketType.TIP_PGD, IpCompression.SUPPRESSED, 0);
        log(s, at, PacketType.TIP_PGD, tsc, tsc, logAll);
    }

    private void push(State s, long returnAddress) {
        s.stackTop = (s.stackTop + 1) % s.stack.length;
        s.stack[s.stackTop] = returnAddress;
        if (s.stackSize < s.stack.length) {
            s.stackSize++;
        }
    }

    private void tnt(State s, long tsc, boolean taken) {
        if (s.tntCount == 0) {
            s.tntTsc = tsc;
            if (cycOn) {
                long c = machine.cycles(s.id) - s.lastCyc;
                if (c >= cycThreshold) {
                    s.tntCyc = c;
                    s.lastCyc += c;
                }
            }
        }
        s.tntBits = s.tntBits << 1 | (taken ? 1 : 0);
        if (++s.tntCount == tntMax) {
            flush(s);
        }
    }

    /** Writes the pending TNT bits, preceded by the CYC taken at the first of them. */
    private void flush(State s) {
        if (s.tntCount == 0) {
            return;
        }
        if (s.tntCyc > 0) {
            int at = s.enc.size();
            s.enc.cyc(s.tntCyc);
            log(s, at, PacketType.CYC, s.tntTsc, s.tntCyc, false);
            s.tntCyc = 0;
        }
        int at = s.enc.size();
        if (s.tntCount <= 6) {
            s.enc.tnt8(s.tntBits, s.tntCount);
            log(s, at, PacketType.TNT_8, s.tntTsc, s.tntCount, logAll);
        } else {
            s.enc.tnt64(s.tntBits, s.tntCount);
            log(s, at, PacketType.TNT_64, s.tntTsc, s.tntCount, logAll);
        }
        s.tntCount = 0;
        s.tntBits = 0;
    }

    /** A CYC before a CYC-eligible packet when the threshold has passed. */
    private void cyc(State s, long tsc) {
        if (cycOn) {
            cycAt(s, tsc, machine.cycles(s.id));
        }
    }

    /** A CYC counting up to core cycle {@code now}, when the threshold has passed. */
    private void cycAt(State s, long tsc, long now) {
        long c = now - s.lastCyc;
        if (c >= cycThreshold) {
            int at = s.enc.size();
            s.enc.cyc(c);
            log(s, at, PacketType.CYC, tsc, c, false);
            s.lastCyc = now;
        }
    }

    private void ipPacket(State s, PacketType type, long ip, long tsc) {
        long last = s.enc.lastIp().ip();
        IpCompression ipc;
        if (cfg.ipChoice() == IpChoice.RANDOM) {
            int n = 0;
            for (IpCompression c : CHOICES) {
                if (LastIp.expand(last, c, ip) == ip) {
                    s.valid[n++] = c;
                }
            }
            ipc = s.valid[s.rnd.nextInt(n)];
        } else {
            ipc = LastIp.smallest(last, ip);
        }
        int at = s.enc.size();
        s.enc.ip(type, ipc, ip);
        log(s, at, type, tsc, ip, logAll || type != PacketType.TIP);
    }

    private void log(State s, int offset, PacketType type, long tsc, long value, boolean always) {
        if (always || logAll) {
            s.log.add(offset, type, tsc, value);
        }
    }

    private void checkpoint(State s, long tsc, boolean last) {
        if (s.cpCount == s.cpOffsets.length) {
            s.cpOffsets = Arrays.copyOf(s.cpOffsets, s.cpCount * 2);
            s.cpTscs = Arrays.copyOf(s.cpTscs, s.cpCount * 2);
        }
        s.cpOffsets[s.cpCount] = s.enc.size();
        s.cpTscs[s.cpCount] = tsc;
        s.cpCount++;
        if (!last) {
            s.nextCheckpoint = (s.enc.size() / CHECKPOINT + 1) * CHECKPOINT;
        }
    }
}
