package dev.textpoke.sim.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.RandomProgram;
import dev.textpoke.sim.program.RandomProgramConfig;
import dev.textpoke.sim.program.Site;
import dev.textpoke.sim.truth.GroundTruth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The patching protocols against the kernel's contract (arch/x86/kernel/alternative.c,
 * kprobes/core.c): a CPU executing a site runs the old instruction before the site's TEXT_POKE time
 * and the new one after, or traps on the {@code int3}; a trap happens only while the {@code int3}
 * is in memory; the handler resumes where the new instruction would have gone (the jump's target,
 * past a nop, into the called function); a kprobe runs the displaced instruction out of line and
 * resumes after the probe.
 */
class PatchingTest {
    static final long START = ClockConfig.defaults().startTsc();

    @Test
    void int3ProtocolWritesInThreePhasesAndAnnouncesBetween() {
        Site s = new Site("s", SiteKind.JUMP_LABEL_5, 0x1000, Bytes.ofHex("0f1f440000"), Bytes.ofHex("e910000000"), 0x1015);
        Site t = new Site("t", SiteKind.JUMP_LABEL_2, 0x2000, Bytes.ofHex("6690"), Bytes.ofHex("eb06"), 0x2008);
        Int3Protocol p = new Int3Protocol(1000, 10, 0xfb);
        PatchPlan plan = p.batch(List.of(Patch.enable(s), Patch.enable(t)), 5000, 1, 3);
        List<MemoryWrite> w = plan.writes();
        assertEquals(List.of(
                new MemoryWrite(5000, 1, 0x1000, Bytes.ofHex("0f"), Bytes.ofHex("cc"), SiteKind.JUMP_LABEL_5),
                new MemoryWrite(5010, 1, 0x2000, Bytes.ofHex("66"), Bytes.ofHex("cc"), SiteKind.JUMP_LABEL_2),
                new MemoryWrite(6020, 1, 0x1001, Bytes.ofHex("1f440000"), Bytes.ofHex("10000000"), SiteKind.JUMP_LABEL_5),
                new MemoryWrite(6040, 1, 0x2001, Bytes.ofHex("90"), Bytes.ofHex("06"), SiteKind.JUMP_LABEL_2),
                new MemoryWrite(7060, 1, 0x1000, Bytes.ofHex("cc"), Bytes.ofHex("e9"), SiteKind.JUMP_LABEL_5),
                new MemoryWrite(7070, 1, 0x2000, Bytes.ofHex("cc"), Bytes.ofHex("eb"), SiteKind.JUMP_LABEL_2)), w);
        assertEquals(List.of(new Poke(6030, 1, 0x1000, s.initial(), s.alternate(), SiteKind.JUMP_LABEL_5),
                new Poke(6050, 1, 0x2000, t.initial(), t.alternate(), SiteKind.JUMP_LABEL_2)), plan.pokes());
        // Three syncs, each an IPI to the two other CPUs.
        assertEquals(6, plan.interrupts().size());
        assertEquals(List.of(5020L, 5020L, 6060L, 6060L, 7080L, 7080L),
                plan.interrupts().stream().map(dev.textpoke.sim.exec.Interrupt::tsc).toList());
    }

    @Test
    void theKernelsContractHoldsOnRandomProgramsUnderRandomFlips() {
        int traps = 0;
        int kprobeHits = 0;
        for (long seed = 1; seed <= 8; seed++) {
            Program p = RandomProgram.generate(RandomProgramConfig.defaults().withCpus(3, 1).withSites(6, 6, 8, 4), seed);
            long end = START + 400_000;
            Int3Protocol int3 = Int3Protocol.defaults().withIpis(RandomProgram.CALL_FUNCTION_VECTOR);
            List<PatchPlan> plans = Flips.random(p, int3, KprobeProtocol.defaults(), START + 1000, end, 12, 0, 3, seed);
            SimulatedTrace.Builder b = SimulatedTrace.builder().program(p).seed(seed).until(end);
            plans.forEach(b::patches);
            SimulatedTrace t = b.run();
            int[] counts = check(t);
            traps += counts[0];
            kprobeHits += counts[1];
        }
        assertTrue(traps > 0, "some CPU hit an int3 of the INT3 protocol");
        assertTrue(kprobeHits > 0, "some CPU hit a kprobe");
    }

    /** Checks every CPU's record; returns {protocol traps, kprobe hits}. */
    static int[] check(SimulatedTrace t) {
        Program p = t.program();
        Map<Long, Site> sites = new HashMap<>();
        Map<Long, Site> slots = new HashMap<>();
        for (Site s : p.sites()) {
            sites.put(s.address(), s);
            if (s.kind() == SiteKind.KPROBE_ARM) {
                slots.put(s.target() + s.initial().length(), s);
            }
        }
        Map<Long, List<Poke>> pokesAt = new HashMap<>();
        for (Poke k : t.pokes()) {
            pokesAt.computeIfAbsent(k.address(), a -> new ArrayList<>()).add(k);
        }
        long int3Handler = p.vectors().int3Handler();
        int traps = 0;
        int kprobes = 0;
        for (int cpu = 0; cpu < t.cpus(); cpu++) {
            GroundTruth.Cursor c = t.groundTruth().cursor(cpu);
            // After an INT3: where the handler's iretq must resume.
            Deque expect = new Deque();
            while (c.next()) {
                if (!c.isInstruction()) {
                    var e = c.async();
                    if (expect.afterIret) {
                        // An interrupt pending at the iretq comes before the resumed instruction.
                        long want = expect.pop();
                        if (want != -1) {
                            assertEquals(want, e.from(), "resumed after the trap handler: " + e);
                        }
                        expect.afterIret = false;
                    }
                    if (e.kind() == AsyncKind.INT3) {
                        Site site = sites.get(e.from());
                        Site slotOf = slots.get(e.from());
                        assertEquals(int3Handler, e.to());
                        if (slotOf != null) {
                            expect.push(slotOf.address() + slotOf.initial().length());
                            kprobes++;
                        } else {
                            assertNotNull(site, "an int3 only at a site: " + e);
                            if (site.kind() == SiteKind.KPROBE_ARM) {
                                expect.push(site.target());
                            } else {
                                // Memory must hold the int3 then: between a protocol's first and last phase.
                                assertEquals(0xcc, t.memory().bytes(site.address(), 1, e.tsc()).get(0), e.toString());
                                Poke poke = latestAnnouncedOrNext(pokesAt.get(site.address()), e.tsc());
                                expect.push(resume(site, poke.newBytes()));
                                traps++;
                            }
                        }
                    } else {
                        expect.push(-1);
                    }
                    continue;
                }
                long ip = c.insn().address();
                if (expect.afterIret) {
                    long want = expect.pop();
                    if (want != -1) {
                        assertEquals(want, ip, "resumed after the trap handler at tsc " + c.tsc());
                    }
                    expect.afterIret = false;
                }
                if (c.insn().op() == dev.textpoke.sim.code.Op.IRET) {
                    expect.afterIret = expect.depth() > 0;
                }
                Site s = sites.get(ip);
                if (s != null && s.kind() != SiteKind.KPROBE_ARM) {
                    // The executed bytes are the state the latest poke at or before this time announced.
                    Bytes ran = c.insn().bytes();
                    Bytes announced = s.initial();
                    for (Poke k : pokesAt.getOrDefault(ip, List.of())) {
                        if (k.tsc() <= c.tsc()) {
                            announced = k.newBytes();
                        }
                    }
                    assertEquals(announced, ran, "cpu " + c.executed() + " ran other bytes than announced");
                }
            }
        }
        return new int[] {traps, kprobes};
    }

    /** The poke of the batch a trap at {@code tsc} belongs to: the first one at or after the trap, else the last before. */
    private static Poke latestAnnouncedOrNext(List<Poke> pokes, long tsc) {
        Poke before = null;
        for (Poke k : pokes) {
            if (k.tsc() >= tsc) {
                // A trap before the announcement belongs to this batch if no earlier batch's int3 is still there;
                // batches of one site never overlap, so the nearest poke after is its batch unless one before is closer.
                if (before == null || tsc - before.tsc() > 4 * Int3Protocol.defaults().syncTicks() + 64) {
                    return k;
                }
                return before;
            }
            before = k;
        }
        return before;
    }

    /** Where the handler resumes when it emulates {@code insn} at the site. */
    private static long resume(Site site, Bytes insn) {
        int b0 = insn.get(0);
        if (b0 == 0xe9 || b0 == 0xeb || b0 == 0xe8) {
            return site.target();
        }
        return site.address() + insn.length();
    }

    /** A stack of expected resume addresses, one per pending handler (-1: any). */
    private static final class Deque {
        private final java.util.ArrayDeque<Long> d = new java.util.ArrayDeque<>();
        boolean afterIret;

        void push(long v) {
            d.push(v);
        }

        long pop() {
            if (d.isEmpty()) {
                fail("iretq without a handler");
            }
            return d.pop();
        }

        int depth() {
            return d.size();
        }
    }
}
