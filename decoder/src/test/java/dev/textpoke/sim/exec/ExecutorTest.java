package dev.textpoke.sim.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.asm.AssembledCode;
import dev.textpoke.sim.asm.Assembler;
import dev.textpoke.sim.asm.Cond;
import dev.textpoke.sim.asm.Label;
import dev.textpoke.sim.asm.Reg;
import dev.textpoke.sim.code.Insn;
import dev.textpoke.sim.patch.MemoryWrite;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.truth.AsyncEvent;
import dev.textpoke.sim.truth.Executed;
import dev.textpoke.sim.truth.GroundTruth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The executor against the semantics of the programs it runs, worked out by hand from the
 * assembled addresses: instruction counts of scripted loops, the exact order of instructions
 * around interrupts, exceptions, traps and system calls, time under a fixed cost model, and memory
 * writes seen from the first fetch at or after their time.
 */
class ExecutorTest {
    static final long KERNEL = 0xffffffff81000000L;
    static final long USER = 0x401000L;
    static final long START = ClockConfig.defaults().startTsc();

    /** main: mov rcx,10; loop: add; dec; jne loop; call f; jmp main; f: nop; ret; irq: nop; nop; iretq. */
    static final class Loop {
        final long main;
        final long loop;
        final long jne;
        final long call;
        final long jmp;
        final long f;
        final long fret;
        final long irq;
        final Program program;

        Loop(int iterations) {
            Assembler a = new Assembler(KERNEL);
            Label lmain = a.function("main");
            a.mov(Reg.RCX, 10);
            Label lloop = a.mark();
            a.add(Reg.RAX, 1).dec(Reg.RCX);
            Label ljne = a.mark();
            a.jcc8(Cond.NE, lloop);
            Label lcall = a.mark();
            Label lf = a.label("f");
            a.call(lf);
            Label ljmp = a.mark();
            a.jmp32(lmain);
            a.function(lf);
            a.nop1();
            Label lret = a.mark();
            a.ret();
            Label lirq = a.function("irq");
            a.nop1().nop1().iretq();
            AssembledCode code = a.assemble();
            main = code.address(lmain);
            loop = code.address(lloop);
            jne = code.address(ljne);
            call = code.address(lcall);
            jmp = code.address(ljmp);
            f = code.address(lf);
            fret = code.address(lret);
            irq = code.address(lirq);
            program = Program.builder().code(code)
                    .vectors(0, irq, irq, Map.of(32, irq))
                    .start(CpuStart.kernel(main))
                    .behaviour(Behaviour.builder().branch(jne, BranchScript.loop(iterations)).build())
                    .build();
        }

        /** The addresses of one pass through main, worked out from the program text. */
        List<Long> pass(int iterations) {
            List<Long> ips = new ArrayList<>(List.of(main));
            for (int i = 0; i < iterations; i++) {
                ips.addAll(List.of(loop, loop + 4, jne));
            }
            ips.addAll(List.of(call, f, fret, jmp));
            return ips;
        }
    }

    private static List<Long> ips(GroundTruth t, int cpu) {
        return t.instructions(cpu, CplFilter.BOTH).stream().map(Executed::ip).toList();
    }

    @Test
    void aLoopOfNIterationsRunsExactlyItsInstructions() {
        for (int n : new int[] {1, 2, 10, 37}) {
            Loop p = new Loop(n);
            int perPass = 3 * n + 5;
            SimulatedTrace t = SimulatedTrace.builder().program(p.program).cost(CostModel.fixed(2))
                    .maxInstructions(4L * perPass).run();
            GroundTruth g = t.groundTruth();
            assertEquals(List.of(HaltReason.INSTRUCTION_LIMIT), t.halts());
            assertEquals(4L * perPass, g.instructionCount(0));
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                expected.addAll(p.pass(n));
            }
            assertEquals(expected, ips(g, 0));
            List<Executed> all = g.instructions(0, CplFilter.BOTH);
            for (int k = 0; k < all.size(); k++) {
                assertEquals(START + 2L * k, all.get(k).tsc(), "fixed cost: instruction k at start + 2k");
            }
            assertEquals(START + 2L * all.size(), g.haltTsc(0));
        }
    }

    @Test
    void anInterruptComesBetweenInstructionsAndIretResumesTheInterruptedOne() {
        Loop p = new Loop(3);
        // Instruction 5 starts at START + 10 (cost 2 each): the interrupt due at START + 9 comes before it.
        SimulatedTrace t = SimulatedTrace.builder().program(p.program).cost(CostModel.fixed(2))
                .interrupts(List.of(Interrupt.at(0, START + 9, 32), Interrupt.at(0, START + 12, 32)))
                .maxInstructions(30).run();
        GroundTruth g = t.groundTruth();
        List<Long> pass = p.pass(3);
        List<Long> expected = new ArrayList<>(pass.subList(0, 5));
        // The second interrupt is due inside the first handler (IF clear): it comes right after iretq.
        expected.addAll(List.of(p.irq, p.irq + 1, p.irq + 2, p.irq, p.irq + 1, p.irq + 2));
        expected.addAll(pass.subList(5, pass.size()));
        assertEquals(expected, ips(g, 0).subList(0, expected.size()));
        List<AsyncEvent> async = g.asyncEvents(0);
        assertEquals(2, async.size());
        assertEquals(new AsyncEvent(0, START + 10, pass.get(5), p.irq, AsyncKind.INTERRUPT, false, 5), async.get(0));
        assertEquals(new AsyncEvent(0, START + 16, pass.get(5), p.irq, AsyncKind.INTERRUPT, false, 8), async.get(1));
    }

    @Test
    void anExceptionReexecutesTheFaultingInstruction() {
        Loop p = new Loop(2);
        SimulatedTrace t = SimulatedTrace.builder().program(p.program).cost(CostModel.fixed(1))
                .interrupts(List.of(Interrupt.fault(0, START + 3))).maxInstructions(20).run();
        List<Long> pass = p.pass(2);
        List<Long> expected = new ArrayList<>(pass.subList(0, 3));
        expected.addAll(List.of(p.irq, p.irq + 1, p.irq + 2));
        expected.addAll(pass.subList(3, pass.size()));
        assertEquals(expected, ips(t.groundTruth(), 0).subList(0, expected.size()));
        assertEquals(AsyncKind.EXCEPTION, t.groundTruth().asyncEvents(0).get(0).kind());
        assertEquals(pass.get(3), t.groundTruth().asyncEvents(0).get(0).from());
    }

    /** user: nop; syscall; jmp user. Kernel entry: nop; sysretq. int3 handler: iretq. */
    private static Program syscalls(boolean int3InUser) {
        Assembler k = new Assembler(KERNEL);
        Label entry = k.function("entry_SYSCALL_64");
        k.nop1().sysretq();
        Label int3 = k.function("asm_exc_int3");
        k.iretq();
        AssembledCode kc = k.assemble();
        Assembler u = new Assembler(USER);
        Label top = u.function("user_main");
        u.nop1();
        if (int3InUser) {
            u.int3();
        }
        u.syscall().jmp8(top);
        AssembledCode uc = u.assemble();
        return Program.builder().code(kc).code(uc)
                .vectors(kc.address(entry), kc.address(int3), 0, Map.of())
                .start(CpuStart.user(uc.address(top))).build();
    }

    @Test
    void syscallAndSysretMoveBetweenUserAndKernel() {
        SimulatedTrace t = SimulatedTrace.builder().program(syscalls(false)).maxInstructions(10).run();
        List<Executed> all = t.groundTruth().instructions(0, CplFilter.BOTH);
        List<Long> expected = List.of(USER, USER + 1, KERNEL, KERNEL + 1, USER + 3, USER, USER + 1, KERNEL,
                KERNEL + 1, USER + 3);
        assertEquals(expected, all.stream().map(Executed::ip).toList());
        for (Executed e : all) {
            assertEquals(e.ip() > 0, e.user(), "user flag of " + e);
        }
        assertEquals(List.of(KERNEL, KERNEL + 1, KERNEL, KERNEL + 1),
                t.groundTruth().instructions(0, CplFilter.KERNEL).stream().map(Executed::ip).toList());
    }

    @Test
    void int3TrapsToTheHandlerAndIsNotAnInstruction() {
        SimulatedTrace t = SimulatedTrace.builder().program(syscalls(true)).trapHandler(TrapHandler.resumeAfter())
                .maxInstructions(6).run();
        long int3 = KERNEL + 4; // entry: nop (1), sysretq (3); then the handler
        assertEquals(List.of(USER, int3, USER + 2, KERNEL, KERNEL + 1, USER + 4), ips(t.groundTruth(), 0));
        AsyncEvent e = t.groundTruth().asyncEvents(0).get(0);
        assertEquals(new AsyncEvent(0, e.tsc(), USER + 1, int3, AsyncKind.INT3, true, 1), e);
        // Without a policy the trap is an error.
        assertThrows(IllegalStateException.class,
                () -> SimulatedTrace.builder().program(syscalls(true)).maxInstructions(6).run());
        SimulatedTrace faulted = SimulatedTrace.builder().program(syscalls(true)).maxInstructions(6)
                .allowFaults(true).run();
        assertEquals(List.of(HaltReason.UNHANDLED_TRAP), faulted.halts());
    }

    @Test
    void aWriteIsSeenByEveryFetchAtOrAfterItsTime() {
        // main: nop5 (site); nop; jmp main. At START + 25 the site becomes jmp +1, skipping the nop.
        Assembler a = new Assembler(KERNEL);
        Label main = a.function("main");
        a.nop5().nop1().jmp8(main);
        Program p = Program.builder().code(a.assemble()).start(CpuStart.kernel(KERNEL)).build();
        long when = START + 25;
        SimulatedTrace t = SimulatedTrace.builder().program(p).cpus(2).cost(CostModel.fixed(1))
                .writes(List.of(new MemoryWrite(when, 0, KERNEL, Bytes.ofHex("0f1f440000"),
                        Bytes.ofHex("e901000000"), SiteKind.JUMP_LABEL_5)))
                .maxInstructions(40).run();
        for (int cpu = 0; cpu < 2; cpu++) {
            List<Executed> all = t.groundTruth().instructions(cpu, CplFilter.BOTH);
            int jmps = 0;
            for (int i = 0; i < all.size(); i++) {
                Executed e = all.get(i);
                if (e.ip() == KERNEL) {
                    boolean jmp = e.insn().byteAt(0) == 0xe9;
                    assertEquals(e.tsc() >= when, jmp, "the site at " + e.tsc());
                    jmps += jmp ? 1 : 0;
                }
                if (e.ip() == KERNEL + 5) {
                    assertEquals(5, all.get(i - 1).insn().length(), "the nop runs only after the nop5");
                }
            }
            assertTrue(jmps > 0);
        }
    }

    @Test
    void cpusAreInterleavedInTimeOrder() {
        Loop p = new Loop(5);
        List<long[]> order = new ArrayList<>();
        ExecutionListener l = new ExecutionListener() {
            @Override
            public void instruction(int cpu, long tsc, Insn insn, int outcome, long nextIp) {
                order.add(new long[] {tsc, cpu});
            }
        };
        SimulatedTrace.builder().program(p.program).cpus(3).coreRatio(1, 48).coreRatio(2, 12)
                .listener(l).maxInstructions(500).run();
        assertEquals(1500, order.size());
        for (int i = 1; i < order.size(); i++) {
            long[] a = order.get(i - 1);
            long[] b = order.get(i);
            assertTrue(a[0] < b[0] || (a[0] == b[0] && a[1] <= b[1]), "out of order at " + i);
        }
    }

    @Test
    void theTscRunsAtTheTscRatioOverTheCoreRatio() {
        Loop p = new Loop(5);
        // Core at 48 (4.8 GHz), TSC at 24: one-cycle instructions advance the TSC by half a tick.
        SimulatedTrace t = SimulatedTrace.builder().program(p.program).cost(CostModel.fixed(1))
                .coreRatio(0, 48).frequencyChanges(List.of(new FrequencyChange(0, START + 50, 12)))
                .maxInstructions(200).run();
        List<Executed> all = t.groundTruth().instructions(0, CplFilter.BOTH);
        assertEquals(START + 50, all.get(100).tsc());
        // From there the core runs at 12: two TSC ticks per cycle.
        assertEquals(START + 50 + 2 * 99, all.get(199).tsc());
    }

    @Test
    void programErrorsHaltTheCpu() {
        Assembler a = new Assembler(KERNEL);
        a.function("main");
        a.nop1().ret();
        Program p = Program.builder().code(a.assemble()).start(CpuStart.kernel(KERNEL)).build();
        SimulatedTrace t = SimulatedTrace.builder().program(p).maxInstructions(10).allowFaults(true).run();
        assertEquals(List.of(HaltReason.STACK_MISMATCH), t.halts());
        assertEquals(KERNEL + 1, t.groundTruth().haltIp(0));
        assertFalse(t.halts().get(0).normal());

        Assembler b = new Assembler(KERNEL);
        b.function("main");
        b.jmp32(KERNEL + 0x1000);
        Program q = Program.builder().code(b.assemble()).start(CpuStart.kernel(KERNEL)).build();
        assertEquals(List.of(HaltReason.UNDECODABLE),
                SimulatedTrace.builder().program(q).maxInstructions(10).allowFaults(true).run().halts());
    }

    @Test
    void sameSeedSameRunOtherSeedOtherRun() {
        Loop p = new Loop(3);
        Behaviour coin = Behaviour.builder().branch(p.jne, BranchScript.chance(0.7)).build();
        List<Long> a = ips(SimulatedTrace.builder().program(p.program).behaviour(coin).seed(5).maxInstructions(300).run().groundTruth(), 0);
        List<Long> b = ips(SimulatedTrace.builder().program(p.program).behaviour(coin).seed(5).maxInstructions(300).run().groundTruth(), 0);
        List<Long> c = ips(SimulatedTrace.builder().program(p.program).behaviour(coin).seed(6).maxInstructions(300).run().groundTruth(), 0);
        assertEquals(a, b);
        assertFalse(a.equals(c));
    }
}
