package dev.textpoke.sim.patch;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import dev.textpoke.sim.exec.TrapAction;
import dev.textpoke.sim.exec.TrapHandler;
import java.util.List;

/**
 * An x86 kprobe over its life (arch/x86/kernel/kprobes/core.c), on an instruction that is not a
 * branch:
 * <ul>
 * <li>the instruction is copied to an out-of-line slot followed by {@code int3}, announced as new
 * text ({@code perf_event_text_poke(slot, NULL, 0, buf, len)}, old length 0);</li>
 * <li>armed: {@code int3} written over its first byte, sync, then the TEXT_POKE
 * ({@code arch_arm_kprobe});</li>
 * <li>disarmed: the TEXT_POKE first, then the original byte written back, sync
 * ({@code arch_disarm_kprobe}).</li>
 * </ul>
 * A CPU that hits the probe traps; the handler (the program's INT3 handler code, standing for
 * {@code kprobe_int3_handler} and the pre-handler) returns into the slot, which runs the displaced
 * instruction and traps on the slot's {@code int3}; the handler then returns to the instruction
 * after the probe (since Linux 5.14 x86 kprobes single-step with that {@code int3} instead of
 * TF).
 *
 * @param syncTicks  TSC ticks one {@code text_poke_sync} takes
 * @param writeTicks TSC ticks between a write and the next step
 */
public record KprobeProtocol(long syncTicks, long writeTicks) {
    private static final Bytes INT3 = Bytes.of((byte) 0xcc);

    public static KprobeProtocol defaults() {
        return new KprobeProtocol(2000, 20);
    }

    /**
     * A kprobe on the instruction {@code insn} at {@code site}, its slot at {@code slot} (memory
     * there holds {@code slotBefore}, as long as {@code insn} plus one byte), armed at {@code armAt}
     * and disarmed at {@code disarmAt} by CPU {@code cpu}.
     */
    public PatchPlan probe(long site, Bytes insn, long slot, Bytes slotBefore, long armAt, long disarmAt,
            int cpu) {
        if (slotBefore.length() != insn.length() + 1) {
            throw new IllegalArgumentException("the slot holds the instruction and an int3");
        }
        if (disarmAt <= armAt + syncTicks) {
            throw new IllegalArgumentException("disarmed before the arming finished");
        }
        byte[] buf = new byte[insn.length() + 1];
        insn.copyTo(buf, 0);
        buf[insn.length()] = (byte) 0xcc;
        Bytes slotBytes = Bytes.wrapOwned(buf);
        long fill = armAt - syncTicks;
        List<MemoryWrite> writes = List.of(
                new MemoryWrite(fill, cpu, slot, slotBefore, slotBytes, SiteKind.TRAMPOLINE_CREATE),
                new MemoryWrite(armAt, cpu, site, insn.slice(0, 1), INT3, SiteKind.KPROBE_ARM),
                new MemoryWrite(disarmAt + writeTicks, cpu, site, INT3, insn.slice(0, 1), SiteKind.KPROBE_DISARM));
        List<Poke> pokes = List.of(
                new Poke(fill + writeTicks, cpu, slot, Bytes.EMPTY, slotBytes, SiteKind.TRAMPOLINE_CREATE),
                new Poke(armAt + syncTicks, cpu, site, insn.slice(0, 1), INT3, SiteKind.KPROBE_ARM),
                new Poke(disarmAt, cpu, site, INT3, insn.slice(0, 1), SiteKind.KPROBE_DISARM));
        long armed = armAt;
        long disarmed = disarmAt + writeTicks;
        long slotTrap = slot + insn.length();
        long resume = site + insn.length();
        TrapHandler h = (c, tsc, trapped, decider) -> {
            if (trapped.address() == site && armed <= tsc && tsc < disarmed) {
                return TrapAction.resumeAt(slot);
            }
            if (trapped.address() == slotTrap && armed <= tsc) {
                return TrapAction.resumeAt(resume);
            }
            return null;
        };
        return new PatchPlan(writes, pokes, h, List.of());
    }
}
