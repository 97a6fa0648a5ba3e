package dev.textpoke.code.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.Section;
import dev.textpoke.io.InputFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged call frame information is an {@link InputFormatException} naming the file offset, or
 * rules that cannot be evaluated, never an unchecked exception: damaged copies of the C library's
 * {@code .eh_frame} are read and every row of what is left is computed and applied.
 */
class CallFrameDamageTest {
    private static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

    @Test
    void damagedSectionsFailWithAnOffsetOrGiveRulesThatCanBeApplied() throws Exception {
        byte[] original;
        long fileOffset;
        long address;
        try (ElfFile elf = ElfFile.open(LIBC)) {
            Section s = elf.section(".eh_frame").orElseThrow();
            ByteBuffer b = elf.contents(s);
            original = new byte[b.remaining()];
            b.get(original);
            fileOffset = s.offset();
            address = s.addr();
        }
        Random random = new Random(12);
        int refused = 0;
        int rows = 0;
        StackUnwinder unwinder = new StackUnwinder(UnwindAbi.X86_64);
        long[] regs = new long[UnwindRow.REGISTERS];
        ByteBuffer stack = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4096; i += 8) {
            stack.putLong(i, 0x7fff0000L + random.nextInt(4096));
        }
        long[] frames = new long[64];
        for (int round = 0; round < 300; round++) {
            byte[] damaged = original.clone();
            // a window of the section, at most 2 KB: most damage falls in a few entries
            int from = random.nextInt(damaged.length - 2048);
            int flips = 1 + random.nextInt(8);
            for (int k = 0; k < flips; k++) {
                damaged[from + random.nextInt(2048)] = (byte) random.nextInt(256);
            }
            ByteBuffer section = ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN);
            CallFrameTable table;
            try {
                table = CallFrameTable.read(section, "libc", fileOffset, address, 8, true);
            } catch (InputFormatException e) {
                assertTrue(e.offset() >= fileOffset && e.offset() <= fileOffset + damaged.length, e.getMessage());
                refused++;
                continue;
            }
            for (int f = 0; f < table.size(); f += 1 + random.nextInt(40)) {
                long pc = table.start(f);
                UnwindRow row;
                try {
                    row = table.row(f, pc, UnwindAbi.X86_64.initialRules());
                } catch (InputFormatException e) {
                    assertTrue(e.offset() >= fileOffset, e.getMessage());
                    continue;
                }
                rows++;
                regs[7] = 0x7fff0000L;
                regs[16] = pc;
                unwinder.unwind(regs, stack, 0, 4096, new CodeLookup() {
                    @Override
                    public int whatIsAt(long a) {
                        return MAPPED;
                    }

                    @Override
                    public UnwindRow rowAt(long a) {
                        return row;
                    }
                }, frames, frames.length);
            }
        }
        assertTrue(refused > 0 && rows > 1000, "refused " + refused + ", rows " + rows);
    }

    /** The PLT's CFA expression (rsp + 8, plus 8 once the stub has pushed its index) gives the PLT's CFA. */
    @Test
    void thePltExpressionGivesTheStubsCfa() throws Exception {
        // DW_OP_breg7 (rsp) 8; DW_OP_breg16 (rip) 0; DW_OP_lit15; DW_OP_and; DW_OP_lit11; DW_OP_ge;
        // DW_OP_lit3; DW_OP_shl; DW_OP_plus: GCC's and binutils' .eh_frame for .plt (x86-64)
        byte[] expr = {0x77, 8, (byte) 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22};
        ByteBuffer b = ByteBuffer.wrap(expr);
        DwarfExpression e = new DwarfExpression();
        long[] regs = new long[UnwindRow.REGISTERS];
        long[] out = new long[1];
        long known = (1L << 17) - 1;
        regs[7] = 0x1000;
        for (int low = 0; low < 16; low++) {
            regs[16] = 0x1020 + low;
            assertTrue(e.eval(b, (long) expr.length, regs, known, (a, o) -> false, false, 0, 0, false, out));
            assertEquals(0x1000 + 8 + (low >= 11 ? 8 : 0), out[0], "rip & 15 = " + low);
        }
        assertTrue(!e.eval(b, (long) expr.length, regs, 0, (a, o) -> false, false, 0, 0, false, out),
                "without the registers there is no value");
    }
}
