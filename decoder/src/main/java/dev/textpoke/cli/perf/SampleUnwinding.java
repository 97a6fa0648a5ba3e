package dev.textpoke.cli.perf;

import dev.textpoke.cli.format.SampleFields;
import dev.textpoke.code.space.AddressSpaces;
import dev.textpoke.code.space.ObjectFiles;
import dev.textpoke.code.space.UserStacks;
import dev.textpoke.code.unwind.UnwindAbi;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.record.Regs;

/**
 * The unwinding of {@code --call-graph dwarf} samples for {@code samples}: the sample's user
 * registers as DWARF columns, its stack, and the process's mappings at its time (perf's {@code
 * thread__resolve_callchain_unwind}). Recordings of machines other than x86-64, and 32-bit
 * processes, are not unwound.
 */
final class SampleUnwinding {
    private final UserStacks stacks;
    private final long[] columns = new long[64];

    private SampleUnwinding(UserStacks stacks) {
        this.stacks = stacks;
    }

    /** For a recording of an x86-64 machine; null otherwise. */
    static SampleUnwinding of(PerfData data, AddressSpaces spaces, ObjectFiles files) {
        return PerfArch.ipRegister(data) == PerfArch.X86_IP
                ? new SampleUnwinding(new UserStacks(spaces, files, UnwindAbi.X86_64)) : null;
    }

    /** The sample's user frames into {@code out}, and what perf prints for each into {@code objects}. */
    int frames(SampleFields s, long[] out, long[] objects) {
        if (!s.hasUserStack() || s.userRegsAbi() != Regs.ABI_64
                || !stacks.abi().fromPerf(s.userRegsMask(), s.userRegs(), s.userRegsCount(), columns)) {
            return 0;
        }
        int n = stacks.frames(s.pid(), s.time(), columns, s.userStack(), s.userStackOffset(), s.userStackSize(), out,
                out.length);
        stacks.objectAddresses(out, n, objects);
        return n;
    }
}
