package dev.textpoke.sim.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.code.Symbol;
import dev.textpoke.elf.ToolRun;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembler against two independent oracles: yasm assembles the yasm source the assembler
 * writes to the same bytes, and Capstone decodes every instruction to the length and branch class
 * the assembler meant (with the direct targets at the labels).
 */
class AssemblerTest {
    private static final long KERNEL = 0xffffffff81000000L;

    @TempDir
    Path tmp;

    /** Every instruction form, over every register, at a kernel and a user address. */
    private static AssembledCode everything(long origin) {
        Assembler a = new Assembler(origin);
        Label top = a.function("top");
        Label table = a.label("table");
        Label far = a.label("faraway");
        a.nop1().nop2().nop5().int3().syscall().sysretq().iretq().hlt().ret();
        for (Cond c : Cond.values()) {
            Label near = a.mark();
            a.jcc8(c, near).jcc32(c, far).jcc32(c, top);
        }
        Label near = a.mark();
        a.jmp8(near).jmp32(far).call(top).call(far).loop(near).jmp32(top);
        for (Reg r : Reg.values()) {
            a.jmp(r).call(r).push(r).pop(r).inc(r).dec(r);
            a.mov(r, Reg.values()[(r.ordinal() + 3) % 16]).mov(r, 7).mov(r, -70000);
            a.add(r, 4).add(r, 1000).sub(r, -3).cmp(r, 0x12345).add(r, Reg.R9).xor(r, r).test(r, Reg.RDX);
            a.cmp(r, Reg.R12);
            a.lea(r, Mem.at(r, 8)).lea(r, Mem.at(r, 0)).lea(r, Mem.at(r, -0x1000)).load(r, Mem.at(Reg.RSP, 16));
            if (r != Reg.RSP) {
                a.jmp(Mem.table(table, r, 8)).call(Mem.at(Reg.RBX, r, 4, 0x20)).lea(r, Mem.at(Reg.R13, r, 2, 0));
            }
        }
        a.jmp(Mem.rip(table)).call(Mem.rip(far)).jmp(Mem.at(Reg.RBP, 0)).call(Mem.at(Reg.R12, 0));
        a.function(far);
        a.ret();
        a.align(8, 0xcc);
        a.bind(table);
        a.quad(top).quad(far).quad(0x1122334455667788L);
        a.bytes(1, 2, 3);
        return a.assemble();
    }

    @Test
    void yasmAssemblesTheSourceToTheSameBytes() throws Exception {
        for (long origin : new long[] {KERNEL, 0x401000L}) {
            AssembledCode code = everything(origin);
            Path src = tmp.resolve("p.asm");
            Files.writeString(src, code.yasmSource());
            Path bin = tmp.resolve("p.bin");
            ToolRun.run(tmp, "yasm", "-f", "bin", "-o", bin.toString(), src.toString());
            assertArrayEquals(Files.readAllBytes(bin), code.bytes(), "yasm disagrees at origin " + origin);
        }
    }

    @Test
    void capstoneDecodesEachLineToItsLengthAndBranchClass() {
        AssembledCode code = everything(KERNEL);
        byte[] bytes = code.bytes();
        long far = code.symbols().stream().filter(s -> s.name().equals("faraway")).findFirst().orElseThrow().address();
        try (InstructionClassifier c = InstructionClassifier.open(Isa.X86_64)) {
            int checked = 0;
            for (AssembledCode.Line line : code.lines()) {
                if (line.length() == 0 || line.text().startsWith("db ") || line.text().startsWith("dq ")) {
                    continue;
                }
                int off = (int) (line.address() - KERNEL);
                Instruction insn = assertInstanceOf(Instruction.class,
                        c.classify(bytes, off, bytes.length - off, line.address()), line.text());
                assertEquals(line.length(), insn.length(), line.text());
                String t = line.text();
                BranchClass expected = t.startsWith("jmp short") || t.startsWith("jmp near")
                        ? BranchClass.UNCONDITIONAL_DIRECT
                        : t.startsWith("jmp") ? BranchClass.INDIRECT
                        : t.startsWith("call") ? BranchClass.CALL
                        : t.startsWith("j") || t.startsWith("loop") ? BranchClass.CONDITIONAL
                        : t.equals("ret") ? BranchClass.RETURN
                        : t.equals("syscall") || t.equals("o64 sysret") || t.equals("iretq") ? BranchClass.FAR_TRANSFER
                        : t.equals("int3") ? BranchClass.TRAP
                        : BranchClass.NONE;
                assertEquals(expected, insn.branchClass(), t);
                if (t.endsWith(" faraway")) {
                    assertEquals(far, insn.target(), t);
                } else if (t.endsWith(" top")) {
                    assertEquals(KERNEL, insn.target(), t);
                }
                checked++;
            }
            long data = code.lines().stream().filter(l -> l.text().startsWith("db ") || l.text().startsWith("dq ")).count();
            assertEquals(code.starts().size() - data, checked);
        }
    }

    @Test
    void symbolsSpanTheirFunctions() {
        AssembledCode code = everything(KERNEL);
        List<Symbol> s = code.symbols();
        assertEquals(2, s.size());
        assertEquals(new Symbol("top", KERNEL, s.get(1).address() - KERNEL), s.get(0));
        assertEquals(KERNEL + code.length(), s.get(1).address() + s.get(1).size());
    }

    @Test
    void refusesUnboundLabelsAndShortBranchesOutOfRange() {
        Assembler a = new Assembler(KERNEL);
        a.jmp8(a.label("nowhere"));
        assertThrows(IllegalStateException.class, a::assemble);

        Assembler b = new Assembler(KERNEL);
        Label l = b.mark();
        for (int i = 0; i < 130; i++) {
            b.nop1();
        }
        b.jcc8(Cond.E, l);
        assertThrows(IllegalStateException.class, b::assemble);

        Assembler c = new Assembler(KERNEL);
        Label twice = c.mark();
        assertThrows(IllegalStateException.class, () -> c.bind(twice));
    }
}
