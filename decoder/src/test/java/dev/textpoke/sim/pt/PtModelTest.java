package dev.textpoke.sim.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.asm.AssembledCode;
import dev.textpoke.sim.asm.Assembler;
import dev.textpoke.sim.asm.Cond;
import dev.textpoke.sim.asm.Label;
import dev.textpoke.sim.asm.Reg;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.BranchScript;
import dev.textpoke.sim.exec.ClockConfig;
import dev.textpoke.sim.exec.CostModel;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.CpuStart;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.program.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The PT model on hand-worked programs: the exact flow packets the SDM's rules give (TNT for
 * conditional branches and compressed returns, TIP for the rest, FUP+TIP for interrupts,
 * TIP.PGE/PGD for the CPL filter, PSB+ at the start, FUP+TIP.PGD at the end), decoded by
 * pt-packets' decoder.
 */
class PtModelTest {
    static final long K = 0xffffffff81000000L;
    static final long U = 0x401000L;
    static final PtConfig NO_TIMING = PtConfig.PERF_DEFAULT.withTiming(false, false, 0, false, 0);

    /** main: mov rcx,3; loop: add; dec; jne loop; call f; jmp main; f: nop; ret; irq: nop; iretq. */
    static final class Loop {
        final long main;
        final long jmp;
        final long irq;
        final long loop;
        final Program program;

        Loop() {
            Assembler a = new Assembler(K);
            Label lmain = a.function("main");
            a.mov(Reg.RCX, 3);
            Label lloop = a.mark();
            a.add(Reg.RAX, 1).dec(Reg.RCX);
            Label jne = a.mark();
            a.jcc8(Cond.NE, lloop);
            Label f = a.label("f");
            a.call(f);
            Label ljmp = a.mark();
            a.jmp32(lmain);
            a.function(f);
            a.nop1().ret();
            Label lirq = a.function("irq");
            a.nop1().iretq();
            AssembledCode c = a.assemble();
            main = c.address(lmain);
            jmp = c.address(ljmp);
            irq = c.address(lirq);
            loop = c.address(lloop);
            program = Program.builder().code(c).vectors(0, 0, 0, Map.of(32, irq)).start(CpuStart.kernel(main))
                    .behaviour(Behaviour.builder().branch(c.address(jne), BranchScript.loop(3)).build()).build();
        }
    }

    private static SimulatedTrace run(Program p, PtModelConfig cfg, long insns, List<Interrupt> irqs) {
        return SimulatedTrace.builder().program(p).pt(cfg).logAllPackets(true).cost(CostModel.fixed(1))
                .interrupts(irqs).maxInstructions(insns).run();
    }

    private static List<String> flow(SimulatedTrace t, int cpu) {
        return Packets.flow(t.pt(cpu).bytes().toArray());
    }

    private static String hex(long a) {
        return Long.toHexString(a);
    }

    @Test
    void compressedReturnsAreTntBitsAndTheTraceEndsWithFupAndPgd() {
        Loop p = new Loop();
        SimulatedTrace t = run(p.program, PtModelConfig.defaults(CplFilter.KERNEL).withPt(NO_TIMING), 28, List.of());
        // Two passes of 14 instructions: jne T T N, ret compressed (T), twice.
        assertEquals(List.of("PSB", "MODE_EXEC", "PSBEND", "TIP_PGE " + hex(p.main), "TNT TTNTTT", "TNT NT",
                "FUP " + hex(p.main), "TIP_PGD"), flow(t, 0));
    }

    @Test
    void withoutReturnCompressionEveryReturnIsATip() {
        Loop p = new Loop();
        SimulatedTrace t = run(p.program, PtModelConfig.defaults(CplFilter.KERNEL)
                .withPt(NO_TIMING.withReturnCompression(false)), 28, List.of());
        assertEquals(List.of("PSB", "MODE_EXEC", "PSBEND", "TIP_PGE " + hex(p.main), "TNT TTN", "TIP " + hex(p.jmp),
                "TNT TTN", "TIP " + hex(p.jmp), "FUP " + hex(p.main), "TIP_PGD"), flow(t, 0));
    }

    @Test
    void longTntHoldsUpTo47Outcomes() {
        Loop p = new Loop();
        SimulatedTrace t = run(p.program, PtModelConfig.defaults(CplFilter.KERNEL).withPt(NO_TIMING).withLongTnt(true),
                14 * 13, List.of());
        List<String> f = flow(t, 0);
        // 13 passes of 4 outcomes: 47 in one long TNT, then the last 5.
        assertEquals("TNT " + "TTNT".repeat(11) + "TTN", f.get(4));
        assertEquals("TNT TTTNT", f.get(5));
        assertEquals(PacketType.TNT_64, Packets.decode(t.pt(0).bytes().toArray()).stream()
                .filter(d -> d.text().startsWith("TNT")).findFirst().orElseThrow().type());
    }

    @Test
    void anInterruptIsFupWithTheNextIpAndTipWithTheHandler() {
        Loop p = new Loop();
        long start = ClockConfig.defaults().startTsc();
        // Cost 1 per instruction: the interrupt comes before instruction 2 (the dec at loop + 4).
        SimulatedTrace t = run(p.program, PtModelConfig.defaults(CplFilter.KERNEL).withPt(NO_TIMING), 16,
                List.of(Interrupt.at(0, start + 2, 32)));
        assertEquals(List.of("PSB", "MODE_EXEC", "PSBEND", "TIP_PGE " + hex(p.main), "FUP " + hex(p.loop + 4),
                "TIP " + hex(p.irq), "TIP " + hex(p.loop + 4), "TNT TTNT", "FUP " + hex(p.main), "TIP_PGD"), flow(t, 0));
    }

    /** user: nop; syscall; jmp user. Kernel: entry: nop; sysretq. */
    private static Program syscalls() {
        Assembler k = new Assembler(K);
        Label entry = k.function("entry_SYSCALL_64");
        k.nop1().sysretq();
        AssembledCode kc = k.assemble();
        Assembler u = new Assembler(U);
        Label top = u.function("user_main");
        u.nop1().syscall().jmp8(top);
        AssembledCode uc = u.assemble();
        return Program.builder().code(kc).code(uc).vectors(kc.address(entry), 0, 0, Map.of())
                .start(CpuStart.user(U)).build();
    }

    @Test
    void theCplFilterGivesPgeAndPgdAtKernelEntryAndExit() {
        Program p = syscalls();
        PtModelConfig base = PtModelConfig.defaults(CplFilter.KERNEL).withPt(NO_TIMING);
        assertEquals(List.of("PSB", "MODE_EXEC", "PSBEND", "TIP_PGE " + hex(K), "TIP_PGD", "TIP_PGE " + hex(K),
                "TIP_PGD"), flow(run(p, base, 10, List.of()), 0));
        assertEquals(List.of("PSB", "MODE_EXEC", "PSBEND", "TIP_PGE " + hex(U), "TIP_PGD", "TIP_PGE " + hex(U + 3),
                "TIP_PGD", "TIP_PGE " + hex(U + 3), "FUP " + hex(U), "TIP_PGD"),
                flow(run(p, base.withFilter(CplFilter.USER), 10, List.of()), 0));
        assertEquals(List.of("PSB", "MODE_EXEC", "PSBEND", "TIP_PGE " + hex(U), "TIP " + hex(K), "TIP " + hex(U + 3),
                "TIP " + hex(K), "TIP " + hex(U + 3), "FUP " + hex(U), "TIP_PGD"),
                flow(run(p, base.withFilter(CplFilter.BOTH), 10, List.of()), 0));
    }

    @Test
    void aPsbComesEveryPeriodWithAFupAtTheCurrentInstruction() {
        Loop p = new Loop();
        SimulatedTrace t = run(p.program, PtModelConfig.defaults(CplFilter.KERNEL).withPsbBytes(256), 100_000, List.of());
        List<Packets.Decoded> d = Packets.decode(t.pt(0).bytes().toArray());
        List<Integer> psbs = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            if (d.get(i).type() == PacketType.PSB) {
                psbs.add(i);
            }
        }
        assertTrue(psbs.size() > 10);
        for (int k = 1; k < psbs.size(); k++) {
            int i = psbs.get(k);
            int gap = d.get(i).offset() - d.get(psbs.get(k - 1)).offset();
            assertTrue(gap >= 256 && gap < 256 + 64, "PSB period " + gap + " at " + d.get(i).offset() + ": "
                    + d.subList(psbs.get(k - 1), i + 1).stream().map(Packets.Decoded::text).toList());
            assertEquals(PacketType.MODE_EXEC, d.get(i + 1).type());
            assertEquals(PacketType.FUP, d.get(i + 2).type());
            assertEquals(PacketType.TSC, d.get(i + 3).type());
            assertEquals(PacketType.TMA, d.get(i + 4).type());
            assertEquals(PacketType.CBR, d.get(i + 5).type());
            assertEquals(PacketType.PSBEND, d.get(i + 6).type());
        }
    }
}
