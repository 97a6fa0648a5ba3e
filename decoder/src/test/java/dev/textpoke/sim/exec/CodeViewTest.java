package dev.textpoke.sim.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.asm.Assembler;
import dev.textpoke.sim.asm.Label;
import dev.textpoke.sim.code.CodeOverlay;
import dev.textpoke.sim.patch.MemoryWrite;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.truth.Executed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hooks protocols use to let a CPU see other code than memory: an overlay shows one CPU the
 * old bytes of a site after memory changed (a CPU that has not synchronised), or a torn mix; a
 * wrapping view sees every fetch. And {@code hlt}: a CPU waits for its next interrupt.
 */
class CodeViewTest {
    static final long K = 0xffffffff81000000L;
    static final long START = ClockConfig.defaults().startTsc();

    /** main: nop5 (site); nop; jmp main. */
    private static Program loop() {
        Assembler a = new Assembler(K);
        Label main = a.function("main");
        a.nop5().nop1().jmp8(main);
        return Program.builder().code(a.assemble()).start(CpuStart.kernel(K)).build();
    }

    private static final Bytes NOP5 = Bytes.ofHex("0f1f440000");
    private static final Bytes JMP = Bytes.ofHex("e901000000");

    @Test
    void anOverlayShowsOneCpuTheOldBytesForAWhile() {
        long write = START + 20;
        long synced = START + 60;
        SimulatedTrace t = SimulatedTrace.builder().program(loop()).cpus(2).cost(CostModel.fixed(1))
                .writes(List.of(new MemoryWrite(write, 0, K, NOP5, JMP, SiteKind.JUMP_LABEL_5)))
                .overlays(List.of(new CodeOverlay(1, K, NOP5, write, synced)))
                .maxInstructions(60).run();
        for (int cpu = 0; cpu < 2; cpu++) {
            long lastOld = 0;
            long firstNew = Long.MAX_VALUE;
            for (Executed e : t.groundTruth().instructions(cpu, CplFilter.BOTH)) {
                if (e.ip() == K) {
                    if (e.insn().byteAt(0) == 0x0f) {
                        lastOld = Math.max(lastOld, e.tsc());
                    } else {
                        firstNew = Math.min(firstNew, e.tsc());
                    }
                }
            }
            long switched = cpu == 0 ? write : synced;
            assertTrue(lastOld < switched && firstNew >= switched, "cpu " + cpu + ": old until " + lastOld
                    + ", new from " + firstNew);
        }
    }

    @Test
    void aTornOverlayDecodesTheMixedBytes() {
        // CPU 0 sees the first byte of the jmp over the old tail: e9 1f 44 00 00, a jmp elsewhere.
        Bytes torn = Bytes.ofHex("e9");
        SimulatedTrace t = SimulatedTrace.builder().program(loop()).cpus(1).cost(CostModel.fixed(1))
                .overlays(List.of(new CodeOverlay(0, K, torn, START + 2, START + 4)))
                .maxInstructions(60).allowFaults(true).run();
        List<Executed> all = t.groundTruth().instructions(0, CplFilter.BOTH);
        Executed tornAt = all.stream().filter(e -> e.insn().byteAt(0) == 0xe9).findFirst().orElseThrow();
        assertEquals(Bytes.ofHex("e91f440000"), tornAt.insn().bytes());
        assertEquals(K + 5 + 0x441f, tornAt.insn().target());
        // Where the torn jump goes there is no code.
        assertEquals(HaltReason.UNDECODABLE, t.halts().get(0));
    }

    @Test
    void aWrappingViewSeesEveryFetch() {
        List<Long> seen = new ArrayList<>();
        SimulatedTrace.builder().program(loop()).cpus(1)
                .view((base, ctx) -> (cpu, ip, tsc) -> {
                    seen.add(ip);
                    return base.fetch(cpu, ip, tsc);
                })
                .maxInstructions(9).run();
        assertEquals(List.of(K, K + 5, K + 6, K, K + 5, K + 6, K, K + 5, K + 6), seen);
    }

    @Test
    void hltWaitsForTheNextInterrupt() {
        Assembler a = new Assembler(K);
        Label main = a.function("main");
        a.nop1().hlt().jmp8(main);
        Label irq = a.function("irq");
        a.nop1().iretq();
        var code = a.assemble();
        Program p = Program.builder().code(code).vectors(0, 0, 0, Map.of(32, code.address(irq)))
                .start(CpuStart.kernel(K)).build();
        SimulatedTrace t = SimulatedTrace.builder().program(p).cost(CostModel.fixed(1))
                .interrupts(List.of(Interrupt.at(0, START + 1_000, 32))).until(START + 2_000).run();
        List<Executed> all = t.groundTruth().instructions(0, CplFilter.BOTH);
        // nop, hlt; asleep until the interrupt; its handler; back after the hlt; then asleep to the end.
        assertEquals(List.of(K, K + 1, code.address(irq), code.address(irq) + 1, K + 2, K, K + 1),
                all.stream().map(Executed::ip).toList());
        assertEquals(START + 1_000, t.groundTruth().asyncEvents(0).get(0).tsc());
        assertEquals(K + 2, t.groundTruth().asyncEvents(0).get(0).from());
        assertEquals(HaltReason.TIME_LIMIT, t.halts().get(0));
        assertEquals(START + 2_000, t.groundTruth().haltTsc(0));
    }

}
