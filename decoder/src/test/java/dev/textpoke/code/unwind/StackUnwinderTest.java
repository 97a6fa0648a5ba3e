package dev.textpoke.code.unwind;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The unwinder's rules where the comparison with perf on real recordings (SamplesDwarfUnwindTest)
 * does not reach: code without call frame information (one frame-pointer step, as elfutils'
 * {@code x86_64_unwind}), a signal trampoline's frame (CIE augmentation 'S': no return-address
 * adjustment around it), a caller in a file that is not on this machine, an undefined return
 * address. Hand-made stacks and rules on x86-64: rsp is column 7, rbp 6, the return address 16.
 */
class StackUnwinderTest {
    private static final long SP = 0x7000;
    private final ByteBuffer stack = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    private final Map<Long, UnwindRow> rows = new HashMap<>();
    private final Map<Long, Integer> what = new HashMap<>();

    private void word(long address, long value) {
        stack.putLong((int) (address - SP), value);
    }

    /** The usual rules of a function that has pushed nothing: CFA = rsp + 8, return address at CFA - 8. */
    private static UnwindRow leafRow(boolean signal) {
        UnwindRow.Builder b = UnwindAbi.X86_64.initialRules().cfa(7, 8);
        b.rule(16, UnwindRow.OFFSET, -8);
        return b.build(16, signal, ByteBuffer.allocate(0));
    }

    /** CFA = rsp + 8 and the return address undefined: the outermost frame. */
    private static UnwindRow outermostRow() {
        UnwindRow.Builder b = UnwindAbi.X86_64.initialRules().cfa(7, 8);
        b.rule(16, UnwindRow.UNDEFINED, 0);
        return b.build(16, false, ByteBuffer.allocate(0));
    }

    private long[] unwind(long pc, long sp, long bp) {
        long[] regs = new long[UnwindRow.REGISTERS];
        regs[16] = pc;
        regs[7] = sp;
        regs[6] = bp;
        long[] out = new long[16];
        int n = new StackUnwinder(UnwindAbi.X86_64).unwind(regs, stack, 0, stack.capacity(), new CodeLookup() {
            @Override
            public int whatIsAt(long address) {
                return what.getOrDefault(address & ~0xfffL, MAPPED);
            }

            @Override
            public UnwindRow rowAt(long address) {
                return rows.get(address);
            }
        }, out, out.length);
        return Arrays.copyOf(out, n);
    }

    @Test
    void callersAreTheirReturnAddressesMinusOneUntilTheReturnAddressIsUndefined() {
        rows.put(0x1000L, leafRow(false));
        rows.put(0x2004L, leafRow(false)); // looked up at the return address minus one
        rows.put(0x3009L, outermostRow());
        word(SP, 0x2005);
        word(SP + 8, 0x300a);
        assertArrayEquals(new long[] {0x1000, 0x2004, 0x3009}, unwind(0x1000, SP, 0));
    }

    @Test
    void withoutRulesTheFramePointerChainIsFollowed() {
        // 0x1000 has no description: rbp = SP + 0x20 holds the caller's rbp and return address
        rows.put(0x2004L, outermostRow());
        word(SP + 0x20, 0);
        word(SP + 0x28, 0x2005);
        assertArrayEquals(new long[] {0x1000, 0x2004}, unwind(0x1000, SP, SP + 0x20));
    }

    @Test
    void unmappedCodeIsAFrameAndTheFramePointerChainGoesOn() {
        what.put(0x5000L, CodeLookup.NOT_MAPPED);
        rows.put(0x2004L, outermostRow());
        word(SP + 0x20, 0);
        word(SP + 0x28, 0x2005);
        assertArrayEquals(new long[] {0x5000, 0x2004}, unwind(0x5000, SP, SP + 0x20));
    }

    @Test
    void aCallerInAFileNotOnThisMachineEndsTheChainBeforeIt() {
        rows.put(0x1000L, leafRow(false));
        what.put(0x9000L, CodeLookup.NO_FILE);
        word(SP, 0x9005);
        assertArrayEquals(new long[] {0x1000}, unwind(0x1000, SP, 0));
        assertArrayEquals(new long[0], unwind(0x9010, SP, 0), "the sampled IP's own file missing: nothing");
    }

    @Test
    void aSignalTrampolinesFramesAreNotAdjusted() {
        // the handler returns to the trampoline at 0x4000 (its first byte: no -1 for its lookup,
        // since its description says 'S'), which resumes the interrupted code at 0x3008
        rows.put(0x1000L, leafRow(false));
        rows.put(0x3fffL, leafRow(true)); // the trampoline's rules, found one byte before it
        rows.put(0x3008L, outermostRow()); // the interrupted instruction itself: no -1
        word(SP, 0x4000);
        word(SP + 8, 0x3008);
        long[] frames = unwind(0x1000, SP, 0);
        // the trampoline frame is printed unadjusted (its own FDE is a signal frame), and so is
        // the interrupted frame after it
        assertArrayEquals(new long[] {0x1000, 0x4000, 0x3008}, frames);
    }

    @Test
    void aReadOutsideTheSampledStackEndsTheChain() {
        // a frame of 4 KB: its return address lies past the 512 sampled bytes
        UnwindRow.Builder b = UnwindAbi.X86_64.initialRules().cfa(7, 0x1000);
        b.rule(16, UnwindRow.OFFSET, -8);
        rows.put(0x1000L, b.build(16, false, ByteBuffer.allocate(0)));
        assertArrayEquals(new long[] {0x1000}, unwind(0x1000, SP, 0));
    }
}
