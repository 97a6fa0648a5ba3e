package dev.textpoke.sim.code;

import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interns {@link Insn}s by (address, bytes) and numbers them densely: the same bytes at the same
 * address are always the same {@code Insn}, however they were fetched (from the timeline, or from a
 * view that shows one CPU other bytes). Not thread-safe; one per simulation.
 */
public final class InsnTable {
    private final Map<Key, Insn> byKey = new HashMap<>();
    private final List<Insn> byId = new ArrayList<>();

    private record Key(long address, byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.address == address && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(address) * 31 + Arrays.hashCode(bytes);
        }
    }

    /**
     * The instruction at {@code address} whose bytes start at {@code code[off]}, as {@code decoded}
     * says ({@code available} bytes were known there: an undecodable instruction keeps them all).
     */
    public Insn intern(long address, byte[] code, int off, int available, Decoded decoded) {
        int len = decoded instanceof Instruction i ? i.length() : Math.min(available, 15);
        byte[] b = Arrays.copyOfRange(code, off, off + len);
        Key k = new Key(address, b);
        Insn found = byKey.get(k);
        if (found != null) {
            return found;
        }
        Insn insn = decoded instanceof Instruction i ? make(byId.size(), address, b, i)
                : new Insn(byId.size(), address, b, Op.UNDECODABLE, 0, -1, null);
        byKey.put(k, insn);
        byId.add(insn);
        return insn;
    }

    /** The instruction numbered {@code id}. */
    public Insn get(int id) {
        return byId.get(id);
    }

    /** How many distinct instructions were interned. */
    public int size() {
        return byId.size();
    }

    private static Insn make(int id, long address, byte[] b, Instruction i) {
        Op op;
        int vector = -1;
        String m = i.mnemonic();
        switch (i.branchClass()) {
            case CONDITIONAL -> op = Op.JCC;
            case UNCONDITIONAL_DIRECT -> op = Op.JMP;
            case INDIRECT -> op = Op.JMP_INDIRECT;
            case CALL -> op = i.hasTarget() ? Op.CALL : Op.CALL_INDIRECT;
            case RETURN -> op = Op.RET;
            case FAR_TRANSFER -> {
                switch (m) {
                    case "syscall" -> op = Op.SYSCALL;
                    case "sysret", "sysretq" -> op = (b[0] & 0xff) == 0x48 ? Op.SYSRET : Op.UNSUPPORTED;
                    // A64 ERET returns from an exception as iretq does.
                    case "iretq", "eret" -> op = Op.IRET;
                    case "int" -> {
                        op = Op.INT_N;
                        vector = b[b.length - 1] & 0xff;
                    }
                    default -> op = Op.UNSUPPORTED;
                }
            }
            case TRAP -> {
                // A64 BRK raises a breakpoint exception at the BRK itself, as int3 does (the kernel's
                // brk handlers play the int3 handler's part: arch/arm64/kernel/debug-monitors.c).
                if (m.equals("int3") || m.equals("brk")) {
                    op = Op.INT3;
                    vector = 3;
                } else {
                    op = Op.UNSUPPORTED;
                }
            }
            default -> op = switch (m) {
                // A64 WFI waits for an interrupt as hlt does; MSR DAIFClr/DAIFSet #2 unmask and mask
                // IRQs as sti and cli do.
                case "hlt", "wfi" -> Op.HLT;
                case "sti" -> Op.STI;
                case "cli" -> Op.CLI;
                case "msr" -> i.operands().startsWith("daifclr") ? Op.STI
                        : i.operands().startsWith("daifset") ? Op.CLI : Op.NEXT;
                default -> Op.NEXT;
            };
        }
        boolean direct = i.hasTarget() && i.branchClass() != BranchClass.NONE;
        return new Insn(id, address, b, op, direct ? i.target() : 0, vector, i);
    }
}
