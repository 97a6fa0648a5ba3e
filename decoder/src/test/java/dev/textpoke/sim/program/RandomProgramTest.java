package dev.textpoke.sim.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.sim.asm.AssembledCode;
import dev.textpoke.code.SiteKind;
import dev.textpoke.elf.ToolRun;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.HaltReason;
import dev.textpoke.sim.exec.Interrupt;
import dev.textpoke.sim.truth.AsyncEvent;
import dev.textpoke.sim.truth.GroundTruth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random programs and their executions against independent facts: the bytes decode (Capstone)
 * into a program whose every executed step is a legal successor of the one before (fall-through,
 * the direct target Capstone computes, the return address of the matching call, or an
 * asynchronous branch), sites hold what they claim, and the generator is deterministic.
 */
class RandomProgramTest {
    @TempDir
    Path tmp;

    @Test
    void theSameSeedGivesTheSameProgramAndOthersDiffer() {
        RandomProgramConfig cfg = RandomProgramConfig.defaults().withCpus(3, 1);
        Program a = RandomProgram.generate(cfg, 7);
        Program b = RandomProgram.generate(cfg, 7);
        Program c = RandomProgram.generate(cfg, 8);
        assertEquals(a.segments(), b.segments());
        assertEquals(a.symbols(), b.symbols());
        assertEquals(a.sites(), b.sites());
        assertFalse(a.segments().equals(c.segments()));
    }

    @Test
    void sitesHoldTheirInitialBytesAndAlternatesDecodeToTheirTargets() {
        Program p = RandomProgram.generate(RandomProgramConfig.defaults(), 3);
        assertEquals(4 + 4 + 6 + 4, p.sites().size());
        try (InstructionClassifier c = InstructionClassifier.open(Isa.X86_64)) {
            for (Site s : p.sites()) {
                byte[] image = p.bytes(s.address(), s.initial().length()).toArray();
                assertArrayEquals(s.initial().toArray(), image, s.name());
                Instruction now = assertInstanceOf(Instruction.class, c.classify(s.initial().toArray(), s.address()));
                Instruction alt = assertInstanceOf(Instruction.class, c.classify(s.alternate().toArray(), s.address()));
                switch (s.kind()) {
                    case JUMP_LABEL_2, JUMP_LABEL_5 -> {
                        assertEquals(BranchClass.NONE, now.branchClass());
                        assertEquals(BranchClass.UNCONDITIONAL_DIRECT, alt.branchClass());
                        assertEquals(s.target(), alt.target());
                        assertEquals(s.kind() == SiteKind.JUMP_LABEL_2 ? 2 : 5, alt.length());
                    }
                    case FTRACE -> {
                        assertEquals(BranchClass.CALL, alt.branchClass());
                        assertEquals(p.symbol("ftrace_caller"), alt.target());
                        assertEquals(p.findSymbol(s.name().replace(":ftrace", "")).orElseThrow().address(), s.address());
                    }
                    case KPROBE_ARM -> {
                        assertEquals(BranchClass.NONE, now.branchClass());
                        assertEquals(s.initial().length(), now.length());
                        assertEquals(BranchClass.TRAP, alt.branchClass());
                        long page = p.symbol("kprobe_insn_page");
                        assertTrue(s.target() >= page && s.target() < page + 64, s.name());
                    }
                    default -> fail(s.kind().toString());
                }
            }
        }
    }

    @Test
    void yasmAssemblesTheSameKernelAndUserCode() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            RandomProgram.Generated g = RandomProgram.generateWithCode(RandomProgramConfig.defaults().withCpus(2, 1), seed);
            assertEquals(2, g.code().size());
            for (AssembledCode code : g.code()) {
                Path src = tmp.resolve("p.asm");
                Files.writeString(src, code.yasmSource());
                Path bin = tmp.resolve("p.bin");
                ToolRun.run(tmp, "yasm", "-f", "bin", "-o", bin.toString(), src.toString());
                assertArrayEquals(Files.readAllBytes(bin), code.bytes(), "seed " + seed);
            }
        }
    }

    @Test
    void everyExecutedStepIsALegalSuccessorOfTheOneBefore() {
        for (long seed = 1; seed <= 6; seed++) {
            RandomProgramConfig cfg = RandomProgramConfig.defaults().withCpus(3, seed % 3 == 0 ? 0 : 1);
            Program p = RandomProgram.generate(cfg, seed);
            List<Interrupt> irqs = new ArrayList<>();
            long start = dev.textpoke.sim.exec.ClockConfig.defaults().startTsc();
            for (int i = 1; i <= 20; i++) {
                irqs.add(Interrupt.at(i % 3, start + i * 3_000L, RandomProgram.TIMER_VECTOR));
            }
            irqs.add(Interrupt.fault(1, start + 17_777));
            SimulatedTrace t = SimulatedTrace.builder().program(p).seed(seed).interrupts(irqs)
                    .maxInstructions(20_000).run();
            for (int cpu = 0; cpu < 3; cpu++) {
                assertEquals(HaltReason.INSTRUCTION_LIMIT, t.halts().get(cpu));
                assertEquals(20_000, checkPath(t, cpu, "seed " + seed));
            }
            // Of the 21 scheduled, those due before their CPU stopped (not masked at its end) were taken.
            int taken = t.groundTruth().asyncEvents(0).size() + t.groundTruth().asyncEvents(1).size()
                    + t.groundTruth().asyncEvents(2).size();
            assertTrue(taken >= 15 && taken <= 21, "taken " + taken);
        }
    }

    private static final long ANY = Long.MIN_VALUE;
    private static final long FRAME = -1;

    /**
     * Walks the CPU's record with Capstone's decoding of memory at each step's time and a shadow
     * stack: each step must be one the previous instruction can lead to. Returns the instructions
     * checked. Traps are not expected (no patching here).
     */
    static long checkPath(SimulatedTrace t, int cpu, String what) {
        CodeTimeline memory = t.memory();
        GroundTruth g = t.groundTruth();
        GroundTruth.Cursor c = g.cursor(cpu);
        Deque<Long> stack = new ArrayDeque<>();
        long[] allowed = {g.startIp(cpu)};
        byte[] buf = new byte[15];
        long checked = 0;
        try (InstructionClassifier cl = InstructionClassifier.open(Isa.X86_64)) {
            while (c.next()) {
                if (!c.isInstruction()) {
                    AsyncEvent e = c.async();
                    String where = what + " cpu " + cpu + " " + e;
                    assertTrue(allows(allowed, e.from()), where);
                    assertTrue(e.kind() == AsyncKind.INTERRUPT || e.kind() == AsyncKind.EXCEPTION, where);
                    stack.push(e.from());
                    stack.push(FRAME);
                    allowed = new long[] {e.to()};
                    continue;
                }
                long ip = c.insn().address();
                String where = what + " cpu " + cpu + " step " + c.index() + " at " + Long.toHexString(ip);
                assertTrue(allows(allowed, ip), where + " not in " + java.util.Arrays.toString(allowed));
                int n = memory.read(ip, c.tsc(), dev.textpoke.code.WindowSide.NEW, buf, 0, 15);
                Instruction insn = assertInstanceOf(Instruction.class, cl.classify(buf, 0, n, ip), where);
                assertEquals(insn.length(), c.insn().length(), where);
                long next = insn.next();
                switch (insn.branchClass()) {
                    case NONE -> allowed = new long[] {next};
                    case CONDITIONAL -> allowed = new long[] {insn.target(), next};
                    case UNCONDITIONAL_DIRECT -> allowed = new long[] {insn.target()};
                    case CALL -> {
                        stack.push(next);
                        allowed = new long[] {insn.hasTarget() ? insn.target() : ANY};
                    }
                    case INDIRECT -> allowed = new long[] {ANY};
                    case RETURN -> allowed = new long[] {stack.pop()};
                    case FAR_TRANSFER -> {
                        if (insn.mnemonic().startsWith("iret")) {
                            assertEquals(FRAME, stack.pop(), where);
                            allowed = new long[] {stack.pop()};
                        } else if (insn.mnemonic().equals("syscall")) {
                            stack.push(next);
                            allowed = new long[] {t.program().vectors().syscallEntry()};
                        } else {
                            allowed = new long[] {stack.pop()};
                        }
                    }
                    default -> fail(where + ": " + insn.text());
                }
                checked++;
            }
        }
        return checked;
    }

    private static boolean allows(long[] allowed, long ip) {
        for (long a : allowed) {
            if (a == ANY || a == ip) {
                return true;
            }
        }
        return false;
    }
}
