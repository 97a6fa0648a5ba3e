package dev.textpoke.sim.patch;

import dev.textpoke.io.Bytes;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.exec.TrapHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * x86's breakpoint-mediated patching of live kernel text ({@code smp_text_poke_batch_finish}, formerly
 * {@code text_poke_bp_batch}, arch/x86/kernel/alternative.c), for a batch of patches:
 * <ol>
 * <li>at {@code t0} write {@code int3} over the first byte of every site; sync;</li>
 * <li>for each site write the tail (all bytes but the first) and emit its TEXT_POKE; sync;</li>
 * <li>write the first byte of every site; sync.</li>
 * </ol>
 * A sync ({@code text_poke_sync}: an IPI to every other CPU, {@code do_sync_core}) takes {@code
 * syncTicks}; with {@code ipiVector} set the other CPUs take that interrupt at each sync. A CPU
 * that fetches a site between the first and the last phase executes the {@code int3}; the handler
 * emulates the site's new instruction ({@link Emulation}). So before a site's TEXT_POKE time a CPU
 * runs the old instruction or traps, after it the new one or traps: the kernel's contract, and
 * where a decoder may switch the text.
 *
 * @param syncTicks TSC ticks one sync takes
 * @param writeTicks TSC ticks between two writes (and between a tail write and its event)
 * @param ipiVector the vector of the sync IPI, or -1 for no IPIs
 */
public record Int3Protocol(long syncTicks, long writeTicks, int ipiVector) {
    public Int3Protocol {
        if (syncTicks < 1 || writeTicks < 1) {
            throw new IllegalArgumentException("a sync and a write take time");
        }
    }

    /** Syncs of 2000 TSC ticks (under a microsecond at 2.4 GHz), writes 20 ticks apart, no IPIs. */
    public static Int3Protocol defaults() {
        return new Int3Protocol(2000, 20, -1);
    }

    /** The same timing, with the sync IPIs delivered as interrupts through {@code vector}. */
    public Int3Protocol withIpis(int vector) {
        return new Int3Protocol(syncTicks, writeTicks, vector);
    }

    /**
     * The plan for one batch started at {@code t0} by CPU {@code cpu} of {@code cpus}.
     *
     * @throws IllegalArgumentException when two patches overlap or a new instruction is one the
     *     handler does not emulate
     */
    public PatchPlan batch(List<Patch> patches, long t0, int cpu, int cpus) {
        List<MemoryWrite> writes = new ArrayList<>();
        List<Poke> pokes = new ArrayList<>();
        List<Interrupt> ipis = new ArrayList<>();
        List<Window> windows = new ArrayList<>();
        long t = t0;
        for (Patch p : patches) {
            for (Window w : windows) {
                if (p.address() < w.site + w.length && w.site < p.address() + p.length()) {
                    throw new IllegalArgumentException("patches overlap at 0x" + Long.toHexString(p.address()));
                }
            }
            writes.add(new MemoryWrite(t, cpu, p.address(), p.oldBytes().slice(0, 1), INT3, p.kind()));
            windows.add(new Window(p.address(), p.length(), Emulation.of(p.address(), p.newBytes()), t0, 0));
            t += writeTicks;
        }
        t = sync(t, cpu, cpus, ipis);
        for (Patch p : patches) {
            if (p.length() > 1) {
                writes.add(new MemoryWrite(t, cpu, p.address() + 1, p.oldBytes().slice(1, p.length()),
                        p.newBytes().slice(1, p.length()), p.kind()));
                t += writeTicks;
            }
            pokes.add(new Poke(t, cpu, p.address(), p.oldBytes(), p.newBytes(), p.kind()));
            t += writeTicks;
        }
        t = sync(t, cpu, cpus, ipis);
        for (Patch p : patches) {
            writes.add(new MemoryWrite(t, cpu, p.address(), INT3, p.newBytes().slice(0, 1), p.kind()));
            t += writeTicks;
        }
        long end = sync(t, cpu, cpus, ipis);
        List<Window> closed = windows.stream().map(w -> new Window(w.site, w.length, w.emulation, w.from, end)).toList();
        return new PatchPlan(writes, pokes, handler(closed), ipis);
    }

    /** A batch of one. */
    public PatchPlan single(Patch p, long t0, int cpu, int cpus) {
        return batch(List.of(p), t0, cpu, cpus);
    }

    private long sync(long t, int cpu, int cpus, List<Interrupt> ipis) {
        if (ipiVector >= 0) {
            for (int c = 0; c < cpus; c++) {
                if (c != cpu) {
                    ipis.add(Interrupt.at(c, t, ipiVector));
                }
            }
        }
        return t + syncTicks;
    }

    private static final Bytes INT3 = Bytes.of((byte) 0xcc);

    /** A site being patched: from its int3 write until the batch's last sync. */
    private record Window(long site, int length, Emulation emulation, long from, long to) {}

    private static TrapHandler handler(List<Window> windows) {
        return (cpu, tsc, trapped, decider) -> {
            for (Window w : windows) {
                if (w.site == trapped.address() && w.from <= tsc && tsc < w.to) {
                    return w.emulation.action(decider);
                }
            }
            return null;
        };
    }
}
