package dev.textpoke.code.unwind;

import java.nio.ByteBuffer;

/**
 * Unwinds a sampled user stack (perf record {@code --call-graph dwarf}: the user registers and a
 * copy of the stack from the stack pointer up) with the call frame information of the mapped
 * files, giving the frames perf script prints for it. perf 6.1 unwinds with libunwind (Debian's
 * build; tools/perf/util/unwind-libunwind-local.c) or elfutils' libdw (unwind-libdw.c); both
 * apply the same DWARF rules, and this follows them:
 *
 * <ul>
 *   <li>the first frame is the sampled IP; a caller's frame is its return address minus one (so
 *       that it names the call), unless a signal trampoline's frame (CIE augmentation 'S') is
 *       involved, whose addresses are not return addresses;
 *   <li>a frame's rules come from the description covering its pc (minus one for callers), run
 *       over the ABI's initial rules; without one, the frame pointer chain is followed one step
 *       (elfutils' {@code x86_64_unwind});
 *   <li>unwinding ends at a frame whose return address rule is undefined ({@code _start},
 *       thread starts), at a frame in a mapped file that is not on this machine (perf cannot
 *       load its module), when a read leaves the sampled stack, or after {@code maxFrames}.
 * </ul>
 *
 * <p>Memory outside the sampled stack is not read (perf would read it from the mapped file; no
 * compiler's call frame rules need it). Not thread-safe: one per pass.
 */
public final class StackUnwinder {
    private final UnwindAbi abi;
    private final DwarfExpression expressions = new DwarfExpression();
    private final long[] regs = new long[UnwindRow.REGISTERS];
    private final long[] next = new long[UnwindRow.REGISTERS];
    private final long[] word = new long[1];
    private ByteBuffer stack;
    private int stackAt;
    private long stackStart;
    private long stackSize;
    private final DwarfExpression.Memory memory = this::read;

    /** The registers the frame-pointer step sets. */
    private final int[] framePointerRegisters;
    private final long abiMask;

    public StackUnwinder(UnwindAbi abi) {
        this.abi = abi;
        this.framePointerRegisters = new int[] {abi.framePointer, abi.stackPointer};
        this.abiMask = (1L << abi.registers) - 1;
    }

    /**
     * Unwinds one sample.
     *
     * @param registers the DWARF columns' values ({@link UnwindAbi#fromPerf})
     * @param stackBytes the sampled stack: {@code stackSize} bytes at {@code stackOffset}, which
     *                   hold the memory from the sampled stack pointer up
     * @param out        receives the frames' addresses, innermost first
     * @return how many frames were found; 0 when the first frame's file is not on this machine
     */
    public int unwind(long[] registers, ByteBuffer stackBytes, int stackOffset, long stackSize, CodeLookup code,
            long[] out, int maxFrames) {
        System.arraycopy(registers, 0, regs, 0, abi.registers);
        long known = abiMask;
        stack = stackBytes;
        stackAt = stackOffset;
        this.stackSize = stackSize;
        stackStart = regs[abi.stackPointer];
        long pc = regs[abi.programCounter];
        boolean initial = true;
        boolean signal = false; // this frame was reached through a signal trampoline's rules
        int n = 0;
        while (n < maxFrames && n < out.length) {
            long lookupPc = initial || signal ? pc : pc - 1;
            int what = code.whatIsAt(lookupPc);
            if (what == CodeLookup.NO_FILE) {
                break;
            }
            UnwindRow row = what == CodeLookup.MAPPED ? code.rowAt(lookupPc) : null;
            // the caller's registers: computed into next[], then those that changed copied to regs[]
            long nextKnown;
            boolean nextSignal = false;
            boolean undefinedReturn = false;
            int[] changed;
            if (row != null) {
                nextKnown = applyRow(row, known);
                changed = row.ruleRegisters;
                nextSignal = row.signalFrame;
                int ra = row.raRegister;
                boolean carried = ra < abi.registers;
                undefinedReturn = carried && row.kinds[ra] == UnwindRow.UNDEFINED;
                if (!undefinedReturn && carried && (nextKnown >>> ra & 1) != 0) {
                    next[abi.programCounter] = (row.sameMask >>> ra & 1) != 0 ? regs[ra] : next[ra];
                    nextKnown |= 1L << abi.programCounter;
                } else {
                    nextKnown &= ~(1L << abi.programCounter); // libdw: the pc is not known, an error
                }
            } else {
                nextKnown = framePointerStep(known);
                changed = framePointerRegisters;
            }
            boolean unwound = (nextKnown >>> abi.programCounter & 1) != 0;
            boolean activation = initial || signal || unwound && nextSignal;
            out[n++] = activation ? pc : pc - 1;
            if (!unwound || undefinedReturn) {
                break;
            }
            for (int r : changed) {
                if (r < abi.registers) {
                    regs[r] = next[r];
                }
            }
            pc = next[abi.programCounter];
            regs[abi.programCounter] = pc;
            known = nextKnown;
            signal = nextSignal;
            initial = false;
        }
        stack = null;
        return n;
    }

    /**
     * Computes the caller's registers: those a rule gives into {@link #next}, those that keep
     * their value stay in {@link #regs}; returns which are known.
     */
    private long applyRow(UnwindRow row, long known) {
        long cfa;
        if (row.cfaRegister >= 0) {
            if (row.cfaRegister >= 64 || (known >>> row.cfaRegister & 1) == 0) {
                return 0;
            }
            cfa = regs[row.cfaRegister] + row.cfaOffset;
        } else {
            if (!expressions.eval(row.expressions, row.cfaExpression, regs, known, memory, false, 0, 0, false, word)) {
                return 0;
            }
            cfa = word[0];
        }
        long result = known & row.sameMask & abiMask;
        for (int r : row.ruleRegisters) {
            if (r >= abi.registers) {
                continue;
            }
            long v;
            switch (row.kinds[r]) {
                case UnwindRow.OFFSET -> {
                    if (!read(cfa + row.values[r], word)) {
                        continue;
                    }
                    v = word[0];
                }
                case UnwindRow.VAL_OFFSET -> v = cfa + row.values[r];
                case UnwindRow.REGISTER -> {
                    int from = (int) row.values[r];
                    if (from < 0 || from >= 64 || (known >>> from & 1) == 0) {
                        continue;
                    }
                    v = regs[from];
                }
                default -> { // EXPRESSION, VAL_EXPRESSION
                    if (!expressions.eval(row.expressions, row.values[r], regs, known, memory, true, cfa, cfa, true,
                            word)) {
                        continue;
                    }
                    v = word[0];
                    if (row.kinds[r] == UnwindRow.EXPRESSION) {
                        if (!read(v, word)) {
                            continue;
                        }
                        v = word[0];
                    }
                }
            }
            next[r] = v;
            result |= 1L << r;
        }
        return result; // undefined and unspecified registers are not carried, as libdw leaves them
    }

    /**
     * One step along the frame pointer chain where no rules are known (elfutils'
     * {@code x86_64_unwind}): the caller's frame pointer and return address are saved at the frame
     * pointer; its stack pointer is just above them. Only those three are known after.
     */
    private long framePointerStep(long known) {
        int fpReg = abi.framePointer;
        if ((known >>> fpReg & 1) == 0 || regs[fpReg] == 0) {
            return 0;
        }
        long fp = regs[fpReg];
        long sp = (known >>> abi.stackPointer & 1) != 0 ? regs[abi.stackPointer] : 0;
        long previousFp = read(fp, word) ? word[0] : 0;
        if (!read(fp + 8, word)) {
            return 0;
        }
        long ret = word[0];
        if (Long.compareUnsigned(sp, fp + 16) > 0) {
            return 0; // the chain goes down the stack: a loop
        }
        next[fpReg] = previousFp;
        next[abi.stackPointer] = fp + 16;
        next[abi.programCounter] = ret;
        return 1L << fpReg | 1L << abi.stackPointer | 1L << abi.programCounter;
    }

    /** A word of the sampled stack (perf's {@code memory_read}: inside [sp, sp + dyn_size)). */
    private boolean read(long address, long[] out) {
        long off = address - stackStart;
        if (Long.compareUnsigned(off, stackSize) >= 0 || stackSize - off < 8 || address + 8 < address) {
            return false;
        }
        out[0] = stack.getLong(stackAt + (int) off); // the record's byte order is the sampled machine's
        return true;
    }
}
