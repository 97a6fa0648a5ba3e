package dev.textpoke.scenario.workload;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Isa;
import dev.textpoke.sim.asm.AssembledCode;
import dev.textpoke.sim.asm.Assembler;
import dev.textpoke.sim.asm.Cond;
import dev.textpoke.sim.asm.Label;
import dev.textpoke.sim.asm.LabelledCode;
import dev.textpoke.sim.asm.Mem;
import dev.textpoke.sim.asm.Reg;
import java.util.ArrayList;
import java.util.List;

/**
 * The x86-64 backend: kernel text at 0xffffffff81000000 (user code at 0x401000 for a user-space
 * workload, with the runtime in the kernel), jump labels as the kernel emits them ({@code nop2} or
 * {@code nop5}, {@code arch_jump_label_transform}'s {@code jmp rel8} or {@code jmp rel32}), ftrace
 * sites as {@code nop5}/{@code call rel32}, static calls as {@code call rel32}, conditionals as
 * {@code jne rel32}.
 */
final class X86Compiler extends WorkloadCompiler {
    static final long KERNEL_BASE = 0xffffffff81000000L;
    static final long USER_BASE = 0x401000L;
    private static final Reg[] REGS = {Reg.RAX, Reg.RBX, Reg.RCX, Reg.RDX, Reg.RSI, Reg.RDI, Reg.R8, Reg.R9};

    private final boolean user;
    private final List<Assembler> pieces = new ArrayList<>();
    private Assembler a;
    private int filler;

    X86Compiler(Workload w, boolean user) {
        super(w);
        this.user = user;
    }

    @Override
    protected Isa isa() {
        return Isa.X86_64;
    }

    @Override
    protected boolean userSpace() {
        return user;
    }

    @Override
    protected void beginWorkload() {
        a = new Assembler(user ? USER_BASE : KERNEL_BASE);
        pieces.add(a);
    }

    @Override
    protected void beginRuntime() {
        if (user) {
            a.endFunction();
            a = new Assembler(KERNEL_BASE);
            pieces.add(a);
        }
    }

    @Override
    protected LabelledCode code() {
        return a;
    }

    @Override
    protected void work(int n) {
        for (int i = 0; i < n; i++) {
            Reg r = REGS[filler % REGS.length];
            Reg s = REGS[(filler + 3) % REGS.length];
            switch (filler++ % 5) {
                case 0 -> a.mov(r, s);
                case 1 -> a.add(r, 1 + filler % 100);
                case 2 -> a.lea(r, Mem.at(s, 8));
                case 3 -> a.xor(r, s);
                default -> a.inc(r);
            }
        }
    }

    @Override
    protected void call(Label target) {
        a.call(target);
    }

    @Override
    protected void ret() {
        a.ret();
    }

    @Override
    protected void jump(Label target) {
        a.jmp32(target);
    }

    @Override
    protected Label branch(Label target) {
        Label at = a.mark();
        a.jcc32(Cond.NE, target);
        return at;
    }

    @Override
    protected void siteNop(int bytes, int line) {
        if (bytes == 2) {
            a.nop2();
        } else if (bytes == 5) {
            a.nop5();
        } else {
            throw new WorkloadException(line, "an x86 jump label has 2 or 5 bytes, not " + bytes);
        }
    }

    @Override
    protected void exceptionReturn() {
        a.iretq();
    }

    @Override
    protected Label stopperSpin() {
        throw new UnsupportedOperationException("x86 patches live text without stop_machine");
    }

    @Override
    protected List<AssembledCode> assemble() {
        List<AssembledCode> out = new ArrayList<>();
        for (Assembler p : pieces) {
            out.add(p.assemble());
        }
        return out;
    }

    @Override
    protected Bytes branchBytes(SiteKind kind, boolean call, long at, long target, int length) {
        if (length == 2) {
            return Bytes.of((byte) 0xeb, (byte) (target - at - 2));
        }
        long d = target - (at + 5);
        return Bytes.of((byte) (call ? 0xe8 : 0xe9), (byte) d, (byte) (d >> 8), (byte) (d >> 16), (byte) (d >> 24));
    }

    @Override
    protected Bytes nopBytes(SiteKind kind, int length) {
        return length == 2 ? Bytes.ofHex("6690") : Bytes.ofHex("0f1f440000");
    }

    @Override
    protected SiteKind jumpLabelKind(int bytes) {
        return bytes == 2 ? SiteKind.JUMP_LABEL_2 : SiteKind.JUMP_LABEL_5;
    }

    @Override
    protected String source(List<AssembledCode> code) {
        StringBuilder s = new StringBuilder();
        for (AssembledCode c : code) {
            s.append(c.yasmSource());
        }
        return s.toString();
    }
}
