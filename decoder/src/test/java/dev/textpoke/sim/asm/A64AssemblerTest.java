package dev.textpoke.sim.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.elf.ToolRun;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The A64 assembler against binutils: {@code aarch64-linux-gnu-as} assembles the source it writes,
 * linked at the same address, to the same words; and Capstone classifies each word as meant.
 */
class A64AssemblerTest {
    private static final long KERNEL = 0xffff800008010000L;

    @TempDir
    Path tmp;

    private static AssembledCode everything() {
        A64Assembler a = new A64Assembler(KERNEL);
        Label top = a.function("top");
        Label far = a.label("faraway");
        a.nop().ret().eret().wfi().isb().maskIrq().unmaskIrq().brk(4).brk(0x100);
        for (A64Assembler.Cond c : A64Assembler.Cond.values()) {
            Label near = a.mark();
            a.bcond(c, near).bcond(c, far).bcond(c, top);
        }
        for (int r = 0; r <= 30; r += 3) {
            a.cbz(r, top).cbnz(r, far).br(r).blr(r).add(r, 30 - r, 17).sub(r, r, 0xfff).mov(r, 30 - r)
                    .movz(r, 0xbeef).eor(r, r, 1).cmp(r, 5);
        }
        a.b(far).bl(top).b(top).bl(far).inst(0xd503233f);
        a.function(far);
        a.ret();
        return a.assemble();
    }

    @Test
    void binutilsAssemblesTheSourceToTheSameWords() throws Exception {
        AssembledCode code = everything();
        Files.writeString(tmp.resolve("p.s"), A64Assembler.gasSource(code));
        ToolRun.run(tmp, "aarch64-linux-gnu-as", "-o", "p.o", "p.s");
        ToolRun.run(tmp, "aarch64-linux-gnu-ld", "-Ttext=0x" + Long.toHexString(KERNEL), "-e", "top",
                "--build-id=none", "-o", "p.elf", "p.o");
        ToolRun.run(tmp, "aarch64-linux-gnu-objcopy", "-O", "binary", "--only-section=.text", "p.elf", "p.bin");
        assertArrayEquals(Files.readAllBytes(tmp.resolve("p.bin")), code.bytes());
    }

    @Test
    void capstoneClassifiesEachWordAsMeant() {
        AssembledCode code = everything();
        byte[] bytes = code.bytes();
        try (InstructionClassifier c = InstructionClassifier.open(Isa.A64)) {
            for (AssembledCode.Line line : code.lines()) {
                if (line.length() == 0) {
                    continue;
                }
                int off = (int) (line.address() - KERNEL);
                Instruction insn = assertInstanceOf(Instruction.class, c.classify(bytes, off, 4, line.address()),
                        line.text());
                String t = line.text();
                BranchClass expected = t.startsWith("b.") || t.startsWith("cb") ? BranchClass.CONDITIONAL
                        : t.startsWith("bl ") || t.startsWith("blr") ? BranchClass.CALL
                        : t.startsWith("b ") ? BranchClass.UNCONDITIONAL_DIRECT
                        : t.startsWith("br ") ? BranchClass.INDIRECT
                        : t.equals("ret") ? BranchClass.RETURN
                        : t.equals("eret") ? BranchClass.FAR_TRANSFER
                        : t.startsWith("brk") ? BranchClass.TRAP
                        : BranchClass.NONE;
                assertEquals(expected, insn.branchClass(), t);
                assertEquals(4, insn.length(), t);
            }
        }
    }

    @Test
    void refusesMisalignedOriginsUnboundLabelsAndBadRegisters() {
        assertThrows(IllegalArgumentException.class, () -> new A64Assembler(KERNEL + 2));
        A64Assembler a = new A64Assembler(KERNEL);
        a.b(a.label("nowhere"));
        assertThrows(IllegalStateException.class, a::assemble);
        assertThrows(IllegalArgumentException.class, () -> new A64Assembler(KERNEL).add(31, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new A64Assembler(KERNEL).cmp(1, 4096));
    }
}
