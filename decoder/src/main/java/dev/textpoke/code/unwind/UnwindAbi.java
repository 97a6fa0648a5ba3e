package dev.textpoke.code.unwind;

/**
 * What the unwinder needs of an architecture: how perf's sampled user registers map to DWARF
 * register columns, and the rules that hold before any CIE's instructions. Only x86-64 is
 * unwound; other machines keep the sampled IP as their one user frame.
 */
public enum UnwindAbi {
    /**
     * x86-64 (System V psABI figure 3.36 numbering). The initial rules are elfutils'
     * backends/x86_64_cfi.c {@code abi_cfi}: rbx, rbp, r12-r15 and the return address column keep
     * their values; rsp is the CFA.
     */
    X86_64(17, 7, 6, 16,
            // DWARF column -> perf's PERF_REG_X86_* (arch/x86/include/uapi/asm/perf_regs.h):
            // rax dx cx bx si di bp sp r8..r15 ip
            new int[] {0, 3, 2, 1, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 8}) {
        @Override
        public UnwindRow.Builder initialRules() {
            UnwindRow.Builder b = new UnwindRow.Builder();
            for (int reg : new int[] {3, 6, 12, 13, 14, 15, 16}) {
                b.sameValue(reg);
            }
            return b.valOffset(7, 0);
        }
    };

    /** How many DWARF columns the unwinder carries from frame to frame (libdw's {@code frame_nregs}). */
    final int registers;
    final int stackPointer;
    final int framePointer;
    final int programCounter;
    private final int[] perfRegister;

    UnwindAbi(int registers, int stackPointer, int framePointer, int programCounter, int[] perfRegister) {
        this.registers = registers;
        this.stackPointer = stackPointer;
        this.framePointer = framePointer;
        this.programCounter = programCounter;
        this.perfRegister = perfRegister;
    }

    /** The rules before a CIE's instructions (a fresh builder each time). */
    public abstract UnwindRow.Builder initialRules();

    /**
     * Fills {@code out} (one value per DWARF column, {@link #registers} of them) from a perf
     * register dump; false unless every column is in it (perf's unwinder needs them all).
     *
     * @param mask   the attr's {@code sample_regs_user}
     * @param values the dumped values, one per bit of the mask in bit order
     */
    public boolean fromPerf(long mask, long[] values, int count, long[] out) {
        for (int c = 0; c < registers; c++) {
            int bit = perfRegister[c];
            if ((mask >>> bit & 1) == 0) {
                return false;
            }
            int i = Long.bitCount(mask & ((1L << bit) - 1));
            if (i >= count) {
                return false;
            }
            out[c] = values[i];
        }
        return true;
    }
}
