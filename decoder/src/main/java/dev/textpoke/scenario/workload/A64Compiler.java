package dev.textpoke.scenario.workload;

import dev.textpoke.arm64.A64Words;
import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Isa;
import dev.textpoke.sim.asm.A64Assembler;
import dev.textpoke.sim.asm.AssembledCode;
import dev.textpoke.sim.asm.Label;
import dev.textpoke.sim.asm.LabelledCode;
import java.util.List;

/**
 * The A64 backend: kernel text at 0xffff800008010000 (an arm64 kernel's {@code _text}), jump
 * labels as {@code arch/arm64/kernel/jump_label.c} makes them ({@code nop} and {@code b}), ftrace
 * sites as the patched slot of {@code -fpatchable-function-entry} ({@code nop} and {@code bl}),
 * static calls as {@code bl}, conditionals as {@code b.ne}, and the stopper of {@code stop_machine}
 * ({@code multi_cpu_stop}: spin with IRQs masked until released, then {@code isb}).
 */
final class A64Compiler extends WorkloadCompiler {
    static final long KERNEL_BASE = 0xffff800008010000L;

    private final A64Assembler a = new A64Assembler(KERNEL_BASE);
    private int filler;

    A64Compiler(Workload w) {
        super(w);
    }

    @Override
    protected Isa isa() {
        return Isa.A64;
    }

    @Override
    protected boolean userSpace() {
        return false;
    }

    @Override
    protected void beginWorkload() {
    }

    @Override
    protected void beginRuntime() {
    }

    @Override
    protected LabelledCode code() {
        return a;
    }

    @Override
    protected void work(int n) {
        for (int i = 0; i < n; i++) {
            int r = 1 + filler % 12;
            int s = 1 + (filler + 5) % 12;
            switch (filler++ % 4) {
                case 0 -> a.add(r, s, 1 + filler % 200);
                case 1 -> a.mov(r, s);
                case 2 -> a.eor(r, r, s);
                default -> a.sub(r, r, 1 + filler % 50);
            }
        }
    }

    @Override
    protected void call(Label target) {
        a.bl(target);
    }

    @Override
    protected void ret() {
        a.ret();
    }

    @Override
    protected void jump(Label target) {
        a.b(target);
    }

    @Override
    protected Label branch(Label target) {
        Label at = a.mark();
        a.bcond(A64Assembler.Cond.NE, target);
        return at;
    }

    @Override
    protected void siteNop(int bytes, int line) {
        a.nop();
    }

    @Override
    protected void exceptionReturn() {
        a.eret();
    }

    @Override
    protected Label stopperSpin() {
        // multi_cpu_stop() runs with IRQs masked (the exception entry masked them); it spins until
        // the patcher is done, then isb() so that it fetches the new code.
        Label spin = a.mark();
        a.add(1, 1, 1);
        Label br = a.mark();
        a.bcond(A64Assembler.Cond.NE, spin);
        a.isb();
        a.eret();
        return br;
    }

    @Override
    protected List<AssembledCode> assemble() {
        return List.of(a.assemble());
    }

    @Override
    protected Bytes branchBytes(SiteKind kind, boolean call, long at, long target, int length) {
        int w = A64Words.branch(at, target, call).orElseThrow(
                () -> new IllegalStateException("a branch from 0x" + Long.toHexString(at) + " cannot reach 0x"
                        + Long.toHexString(target)));
        return word(w);
    }

    @Override
    protected Bytes nopBytes(SiteKind kind, int length) {
        return word(A64Words.NOP);
    }

    @Override
    protected SiteKind jumpLabelKind(int bytes) {
        return SiteKind.JUMP_LABEL_4;
    }

    @Override
    protected String source(List<AssembledCode> code) {
        return A64Assembler.gasSource(code.get(0));
    }

    private static Bytes word(int w) {
        return Bytes.of((byte) w, (byte) (w >>> 8), (byte) (w >>> 16), (byte) (w >>> 24));
    }
}
