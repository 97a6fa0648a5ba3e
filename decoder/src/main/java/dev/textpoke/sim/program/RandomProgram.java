package dev.textpoke.sim.program;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import dev.textpoke.sim.asm.AssembledCode;
import dev.textpoke.sim.asm.Assembler;
import dev.textpoke.sim.asm.Cond;
import dev.textpoke.sim.asm.Label;
import dev.textpoke.sim.asm.Mem;
import dev.textpoke.sim.asm.Reg;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.BranchScript;
import dev.textpoke.sim.exec.CpuStart;
import dev.textpoke.sim.exec.TargetScript;
import dev.textpoke.sim.exec.Vectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random programs shaped like kernel code: functions with loops, if/else, early returns,
 * direct and indirect calls (through a register and through a function pointer), switches through
 * jump tables; 2- and 5-byte jump-label sites, ftrace {@code nop5} sites at function entry,
 * kprobe-able instructions with their out-of-line slots; an INT3 handler, a page-fault handler, a
 * timer and an IPI interrupt handler ending in {@code iretq}; one idle loop per CPU; optionally a
 * user-space part that enters the kernel with {@code syscall} through {@code entry_SYSCALL_64},
 * which dispatches through a system call table and returns with {@code sysretq}.
 *
 * <p>Kernel text starts at {@link #KERNEL_BASE}, user text at {@link #USER_BASE}. Functions only
 * call functions after them, so no call recursion. Every conditional branch and indirect branch has
 * a script in the program's {@link Behaviour} (loops run their drawn count; if/else draw a
 * probability or a pattern; switches and function pointers pick among their targets).
 */
public final class RandomProgram {
    public static final long KERNEL_BASE = 0xffffffff81000000L;
    public static final long USER_BASE = 0x401000L;
    /** Linux's LOCAL_TIMER_VECTOR. */
    public static final int TIMER_VECTOR = 0xec;
    /** Linux's CALL_FUNCTION_VECTOR: the IPI text_poke_sync sends. */
    public static final int CALL_FUNCTION_VECTOR = 0xfb;
    /** Bytes per kprobe slot in {@code kprobe_insn_page}. */
    public static final int KPROBE_SLOT = 16;

    private static final Reg[] REGS = {Reg.RAX, Reg.RBX, Reg.RCX, Reg.RDX, Reg.RSI, Reg.RDI, Reg.R8, Reg.R9,
        Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15};

    private final RandomProgramConfig cfg;
    private final SplittableRandom rnd;
    /** A conditional branch at {@code at} and its script, resolved once the code is assembled. */
    private record PendingBranch(Label at, BranchScript script) {}

    /** An indirect branch at {@code at} and the labels it may go to. */
    private record PendingTargets(Label at, List<Label> targets, boolean cycle) {}

    /** A patchable site at {@code at}, whose alternate goes to {@code target}. */
    private record PendingSite(SiteKind kind, String name, Label at, Label target) {}

    private final List<PendingBranch> branches = new ArrayList<>();
    private final List<PendingTargets> targets = new ArrayList<>();
    private final List<PendingSite> pendingSites = new ArrayList<>();
    private final List<Label> kprobeCandidates = new ArrayList<>();
    private final Map<Label, String> candidateOwner = new HashMap<>();
    private Assembler a;
    private boolean kernel;
    private String current = "";
    private final List<AssembledCode> pieces = new ArrayList<>();

    /** Per function: its callees and what goes after its {@code ret}. */
    private final class Fn {
        final String name;
        final List<Label> callees;
        final List<Runnable> outOfLine = new ArrayList<>();
        final List<Runnable> data = new ArrayList<>();
        int jl2;
        int jl5;

        Fn(String name, List<Label> callees) {
            this.name = name;
            this.callees = callees;
        }
    }

    private RandomProgram(RandomProgramConfig cfg, long seed) {
        this.cfg = cfg;
        this.rnd = new SplittableRandom(seed);
    }

    /** A program of the given shape; the same configuration and seed give the same program. */
    public static Program generate(RandomProgramConfig cfg, long seed) {
        return new RandomProgram(cfg, seed).build();
    }

    /** The program and the assembled pieces it was made of (kernel, then user), with their yasm source. */
    public record Generated(Program program, List<AssembledCode> code) {}

    public static Generated generateWithCode(RandomProgramConfig cfg, long seed) {
        RandomProgram r = new RandomProgram(cfg, seed);
        Program p = r.build();
        return new Generated(p, List.copyOf(r.pieces));
    }

    private Program build() {
        Program.Builder pb = Program.builder();
        // ---- kernel ----
        a = new Assembler(KERNEL_BASE);
        kernel = true;
        int n = cfg.functions();
        List<Label> fns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fns.add(a.label("kfunc_" + i));
        }
        Label ftraceCaller = a.label("ftrace_caller");
        Label kprobePage = a.label("kprobe_insn_page");
        Label syscallEntry = a.label("entry_SYSCALL_64");
        boolean user = cfg.userFunctions() > 0;

        // _stext: never executed (as startup code before the first function), so that perf's kcore
        // map names the functions after it by their own symbols.
        a.function("_stext");
        a.bytes(new byte[] {(byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc,
            (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc,
            (byte) 0xcc, (byte) 0xcc});
        // Idle loops, one per CPU.
        List<Label> loops = new ArrayList<>();
        for (int c = 0; c < cfg.cpus(); c++) {
            Label loop = a.function("cpu_idle_loop_" + c);
            loops.add(loop);
            int calls = 2 + rnd.nextInt(3);
            for (int k = 0; k < calls; k++) {
                a.call(fns.get(rnd.nextInt(Math.max(1, (n + 2) / 3))));
                filler();
            }
            a.jmp32(loop);
        }
        // Handlers.
        Label int3 = a.function("asm_exc_int3");
        filler();
        filler();
        a.iretq();
        Label pageFault = a.function("asm_exc_page_fault");
        filler();
        a.call(fns.get(n - 1 - rnd.nextInt(Math.max(1, n / 3))));
        a.iretq();
        Label timer = a.function("asm_sysvec_apic_timer_interrupt");
        a.push(Reg.RAX);
        filler();
        a.call(fns.get(n - 1 - rnd.nextInt(Math.max(1, n / 3))));
        a.pop(Reg.RAX);
        a.iretq();
        Label ipi = a.function("asm_sysvec_call_function");
        filler();
        a.iretq();
        Label sysCallTable = a.label("sys_call_table");
        List<Label> syscalls = new ArrayList<>();
        if (user) {
            a.function(syscallEntry);
            filler();
            filler();
            Label dispatch = a.mark();
            a.call(Mem.table(sysCallTable, Reg.RAX, 8));
            int nr = Math.min(4, n);
            for (int k = 0; k < nr; k++) {
                syscalls.add(fns.get(n - 1 - rnd.nextInt(Math.max(1, n / 2))));
            }
            targets.add(new PendingTargets(dispatch, List.copyOf(syscalls), false));
            filler();
            a.sysretq();
        }
        a.function(ftraceCaller);
        a.push(Reg.RBP);
        a.mov(Reg.RBP, Reg.RSP);
        filler();
        a.pop(Reg.RBP);
        a.ret();

        // Functions, with the sites spread over them.
        List<Integer> order = shuffled(n);
        java.util.Set<Integer> ftraced = new java.util.HashSet<>(order.subList(0, cfg.ftraceSites()));
        int[] jl2At = new int[n];
        int[] jl5At = new int[n];
        for (int k = 0; k < cfg.jumpLabels2(); k++) {
            jl2At[rnd.nextInt(n)]++;
        }
        for (int k = 0; k < cfg.jumpLabels5(); k++) {
            jl5At[rnd.nextInt(n)]++;
        }
        for (int i = 0; i < n; i++) {
            List<Label> callees = new ArrayList<>();
            int span = Math.min(n - i - 1, 6);
            for (int k = 1; k <= span; k++) {
                callees.add(fns.get(i + k));
            }
            Fn f = new Fn("kfunc_" + i, callees);
            f.jl2 = jl2At[i];
            f.jl5 = jl5At[i];
            a.function(fns.get(i));
            if (ftraced.contains(i)) {
                Label site = a.mark();
                a.nop5();
                pendingSites.add(new PendingSite(SiteKind.FTRACE, "kfunc_" + i + ":ftrace", site, ftraceCaller));
            }
            function(f);
        }
        a.endFunction();
        // Data: the system call table.
        a.align(8, 0xcc);
        a.bind(sysCallTable);
        for (Label s : syscalls) {
            a.quad(s);
        }
        // Out-of-line kprobe slots.
        a.align(KPROBE_SLOT, 0xcc);
        a.function(kprobePage);
        int[] page = new int[KPROBE_SLOT * Math.max(1, cfg.kprobeSites())];
        java.util.Arrays.fill(page, 0xcc);
        a.bytes(page);
        a.endFunction();
        AssembledCode kc = a.assemble();
        pb.code(kc);
        pieces.add(kc);

        // ---- user ----
        List<Label> userMains = new ArrayList<>();
        AssembledCode uc = null;
        if (user) {
            a = new Assembler(USER_BASE);
            kernel = false;
            int un = cfg.userFunctions();
            List<Label> ufns = new ArrayList<>();
            for (int i = 0; i < un; i++) {
                ufns.add(a.label("ufunc_" + i));
            }
            for (int c = 0; c < cfg.userCpus(); c++) {
                Label m = a.function("user_main_" + c);
                userMains.add(m);
                a.call(ufns.get(rnd.nextInt(un)));
                a.mov(Reg.RAX, rnd.nextInt(Math.max(1, syscalls.size())));
                a.syscall();
                filler();
                a.call(ufns.get(rnd.nextInt(un)));
                a.jmp32(m);
            }
            for (int i = 0; i < un; i++) {
                List<Label> callees = new ArrayList<>();
                for (int k = i + 1; k < Math.min(un, i + 4); k++) {
                    callees.add(ufns.get(k));
                }
                a.function(ufns.get(i));
                function(new Fn("ufunc_" + i, callees));
            }
            a.endFunction();
            uc = a.assemble();
            pb.code(uc);
            pieces.add(uc);
        }

        // ---- behaviour and sites ----
        Behaviour.Builder bb = Behaviour.builder();
        for (PendingBranch b : branches) {
            bb.branch(address(kc, uc, b.at()), b.script());
        }
        for (PendingTargets t : targets) {
            long[] addrs = new long[t.targets().size()];
            for (int i = 0; i < addrs.length; i++) {
                addrs[i] = address(kc, uc, t.targets().get(i));
            }
            bb.target(address(kc, uc, t.at()), t.cycle() ? TargetScript.cycle(addrs) : TargetScript.pick(addrs));
        }
        pb.behaviour(bb.build());
        for (PendingSite s : pendingSites) {
            SiteKind kind = s.kind();
            String name = s.name();
            long at = kc.address(s.at());
            long target = kc.address(s.target());
            switch (kind) {
                case JUMP_LABEL_2 -> pb.site(new Site(name, kind, at, Bytes.ofHex("6690"),
                        Bytes.of((byte) 0xeb, (byte) (target - at - 2)), target));
                case JUMP_LABEL_5 -> pb.site(new Site(name, kind, at, Bytes.ofHex("0f1f440000"),
                        rel32(0xe9, at, target), target));
                case FTRACE -> pb.site(new Site(name, kind, at, Bytes.ofHex("0f1f440000"),
                        rel32(0xe8, at, target), target));
                default -> throw new IllegalStateException(kind.toString());
            }
        }
        List<Integer> picks = shuffled(kprobeCandidates.size());
        long slot = kc.address(kprobePage);
        Map<Long, Integer> lengths = new HashMap<>();
        for (AssembledCode.Line l : kc.lines()) {
            if (l.length() > 0) {
                lengths.putIfAbsent(l.address(), l.length());
            }
        }
        for (int k = 0; k < Math.min(cfg.kprobeSites(), picks.size()); k++) {
            Label l = kprobeCandidates.get(picks.get(k));
            long at = kc.address(l);
            int len = lengths.get(at);
            Bytes insn = Bytes.copyOf(kc.bytes(), (int) (at - KERNEL_BASE), len);
            pb.site(new Site(candidateOwner.get(l) + ":kprobe@" + Long.toHexString(at), SiteKind.KPROBE_ARM, at,
                    insn, Bytes.of((byte) 0xcc), slot + (long) k * KPROBE_SLOT));
        }
        Map<Integer, Long> irqs = Map.of(TIMER_VECTOR, kc.address(timer), CALL_FUNCTION_VECTOR, kc.address(ipi));
        pb.vectors(new Vectors(user ? kc.address(syscallEntry) : 0, kc.address(int3), kc.address(pageFault), irqs));
        for (int c = 0; c < cfg.cpus(); c++) {
            pb.start(c < cfg.userCpus() ? CpuStart.user(uc.address(userMains.get(c)))
                    : CpuStart.kernel(kc.address(loops.get(c))));
        }
        return pb.build();
    }

    private static boolean kernelLabel(AssembledCode kc, Label l) {
        try {
            kc.address(l);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long address(AssembledCode kc, AssembledCode uc, Label l) {
        if (kernelLabel(kc, l) || uc == null) {
            return kc.address(l);
        }
        return uc.address(l);
    }

    private static Bytes rel32(int opcode, long at, long target) {
        long d = target - (at + 5);
        return Bytes.of((byte) opcode, (byte) d, (byte) (d >> 8), (byte) (d >> 16), (byte) (d >> 24));
    }

    private List<Integer> shuffled(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = l.get(i);
            l.set(i, l.get(j));
            l.set(j, t);
        }
        return l;
    }

    // ---- functions ------------------------------------------------------------------------------

    private void function(Fn f) {
        current = f.name;
        a.push(Reg.RBP);
        int statements = cfg.minStatements() + rnd.nextInt(cfg.maxStatements() - cfg.minStatements() + 1);
        // Jump labels at random places among the top-level statements.
        int[] jl2At = new int[statements + 1];
        int[] jl5At = new int[statements + 1];
        for (int k = 0; k < f.jl2; k++) {
            jl2At[rnd.nextInt(statements + 1)]++;
        }
        for (int k = 0; k < f.jl5; k++) {
            jl5At[rnd.nextInt(statements + 1)]++;
        }
        for (int s = 0; s <= statements; s++) {
            for (int k = 0; k < jl2At[s]; k++) {
                jumpLabel2(f);
            }
            for (int k = 0; k < jl5At[s]; k++) {
                jumpLabel5(f);
            }
            if (s < statements) {
                statement(f, 0);
            }
        }
        a.pop(Reg.RBP);
        a.ret();
        for (Runnable r : f.outOfLine) {
            r.run();
        }
        if (!f.data.isEmpty()) {
            a.align(8, 0xcc);
            for (Runnable r : f.data) {
                r.run();
            }
        }
    }

    private void statement(Fn f, int depth) {
        boolean nest = depth < cfg.maxDepth();
        int w = rnd.nextInt(100);
        if (w < 30) {
            filler();
            if (rnd.nextBoolean()) {
                filler();
            }
        } else if (w < 45) {
            ifThen(f, depth);
        } else if (w < 55 && nest) {
            ifElse(f, depth);
        } else if (w < 65 && nest) {
            loop(f, depth);
        } else if (w < 77 && !f.callees.isEmpty()) {
            a.call(pick(f.callees));
        } else if (w < 83 && !f.callees.isEmpty()) {
            indirectCall(f);
        } else if (w < 89 && nest) {
            switchTable(f, depth);
        } else if (w < 93) {
            earlyReturn();
        } else {
            filler();
        }
    }

    /** 1 to 4 filler instructions: short enough for a rel8 branch over it. */
    private void smallBlock() {
        int k = 1 + rnd.nextInt(4);
        for (int i = 0; i < k; i++) {
            filler();
        }
    }

    private void block(Fn f, int depth) {
        int k = 1 + rnd.nextInt(3);
        for (int i = 0; i < k; i++) {
            statement(f, depth);
        }
    }

    private void ifThen(Fn f, int depth) {
        Label skip = a.label();
        Label at = a.mark();
        boolean small = depth >= cfg.maxDepth() || rnd.nextBoolean();
        if (small) {
            a.jcc8(cond(), skip);
            smallBlock();
        } else {
            a.jcc32(cond(), skip);
            block(f, depth + 1);
        }
        a.bind(skip);
        branches.add(new PendingBranch(at, outcome()));
    }

    private void ifElse(Fn f, int depth) {
        Label other = a.label();
        Label end = a.label();
        Label at = a.mark();
        a.jcc32(cond(), other);
        block(f, depth + 1);
        a.jmp32(end);
        a.bind(other);
        block(f, depth + 1);
        a.bind(end);
        branches.add(new PendingBranch(at, outcome()));
    }

    private void loop(Fn f, int depth) {
        int iterations = 1 + rnd.nextInt(cfg.maxLoopIterations());
        a.mov(Reg.RCX, iterations);
        Label top = a.mark();
        boolean small = rnd.nextBoolean();
        if (small) {
            smallBlock();
        } else {
            block(f, depth + 1);
        }
        a.dec(Reg.RCX);
        Label at = a.mark();
        if (small) {
            a.jcc8(Cond.NE, top);
        } else {
            a.jcc32(Cond.NE, top);
        }
        branches.add(new PendingBranch(at, BranchScript.loop(iterations)));
    }

    private void indirectCall(Fn f) {
        List<Label> ts = new ArrayList<>();
        int k = 1 + rnd.nextInt(Math.min(3, f.callees.size()));
        for (int i = 0; i < k; i++) {
            ts.add(pick(f.callees));
        }
        // A function pointer in data, holding the first target; called through a register or directly.
        Label ptr = a.label();
        Label first = ts.get(0);
        f.data.add(() -> {
            a.bind(ptr);
            a.quad(first);
        });
        Label at;
        if (rnd.nextBoolean()) {
            a.load(Reg.RAX, Mem.rip(ptr));
            at = a.mark();
            a.call(Reg.RAX);
        } else {
            at = a.mark();
            a.call(Mem.rip(ptr));
        }
        targets.add(new PendingTargets(at, List.copyOf(ts), rnd.nextBoolean()));
    }

    private void switchTable(Fn f, int depth) {
        int cases = 2 + rnd.nextInt(4);
        Label table = a.label();
        Label deflt = a.label();
        Label end = a.label();
        a.cmp(Reg.RAX, cases - 1);
        Label ja = a.mark();
        a.jcc32(Cond.A, deflt);
        branches.add(new PendingBranch(ja, BranchScript.chance(0.2)));
        Label dispatch = a.mark();
        if (kernel) {
            a.jmp(Mem.table(table, Reg.RAX, 8));
        } else {
            a.lea(Reg.RDX, Mem.rip(table));
            dispatch = a.mark();
            a.jmp(Mem.at(Reg.RDX, Reg.RAX, 8, 0));
        }
        List<Label> caseLabels = new ArrayList<>();
        for (int c = 0; c < cases; c++) {
            Label l = a.mark();
            caseLabels.add(l);
            if (depth + 1 < cfg.maxDepth() && rnd.nextBoolean()) {
                statement(f, depth + 1);
            } else {
                smallBlock();
            }
            a.jmp32(end);
        }
        a.bind(deflt);
        smallBlock();
        a.bind(end);
        f.data.add(() -> {
            a.bind(table);
            for (Label l : caseLabels) {
                a.quad(l);
            }
        });
        targets.add(new PendingTargets(dispatch, List.copyOf(caseLabels), false));
    }

    private void earlyReturn() {
        Label skip = a.label();
        Label at = a.mark();
        a.jcc8(cond(), skip);
        a.pop(Reg.RBP);
        a.ret();
        a.bind(skip);
        branches.add(new PendingBranch(at, BranchScript.chance(0.1 + 0.1 * rnd.nextInt(3))));
    }

    /** {@code nop2}; a short block the enabled label jumps over. */
    private void jumpLabel2(Fn f) {
        Label site = a.mark();
        a.nop2();
        Label skip = a.label();
        smallBlock();
        a.bind(skip);
        pendingSites.add(new PendingSite(SiteKind.JUMP_LABEL_2, f.name + ":jl2#" + pendingSites.size(), site, skip));
    }

    /** {@code nop5}; the enabled label jumps to an out-of-line block that jumps back. */
    private void jumpLabel5(Fn f) {
        Label site = a.mark();
        a.nop5();
        Label join = a.mark();
        Label slow = a.label();
        f.outOfLine.add(() -> {
            a.bind(slow);
            smallBlock();
            a.jmp32(join);
        });
        pendingSites.add(new PendingSite(SiteKind.JUMP_LABEL_5, f.name + ":jl5#" + pendingSites.size(), site, slow));
    }

    private void filler() {
        Label at = a.mark();
        Reg r = pickReg();
        Reg s = pickReg();
        boolean single = true;
        switch (rnd.nextInt(11)) {
            case 0 -> a.mov(r, s);
            case 1 -> a.mov(r, rnd.nextInt(2) == 0 ? rnd.nextInt(256) : rnd.nextInt());
            case 2 -> a.add(r, rnd.nextBoolean() ? rnd.nextInt(-128, 128) : rnd.nextInt());
            case 3 -> a.sub(r, rnd.nextInt(1, 100));
            case 4 -> a.lea(r, dev.textpoke.sim.asm.Mem.at(s, rnd.nextInt(-64, 64) * 8L));
            case 5 -> a.xor(r, s);
            case 6 -> a.test(r, s);
            case 7 -> a.cmp(r, rnd.nextInt(1000));
            case 8 -> a.inc(r);
            case 9 -> a.add(r, s);
            default -> {
                a.push(r);
                a.pop(r);
                single = false;
            }
        }
        if (single && kernel) {
            kprobeCandidates.add(at);
            candidateOwner.put(at, current);
        }
    }

    private Reg pickReg() {
        return REGS[rnd.nextInt(REGS.length)];
    }

    private Cond cond() {
        return Cond.values()[rnd.nextInt(16)];
    }

    private <T> T pick(List<T> l) {
        return l.get(rnd.nextInt(l.size()));
    }

    /** An if's outcome: a probability or a short repeating pattern. */
    private BranchScript outcome() {
        if (rnd.nextInt(3) == 0) {
            StringBuilder s = new StringBuilder();
            int len = 2 + rnd.nextInt(5);
            for (int i = 0; i < len; i++) {
                s.append(rnd.nextBoolean() ? 'T' : 'N');
            }
            return BranchScript.pattern(s.toString());
        }
        return BranchScript.chance(new double[] {0.1, 0.3, 0.5, 0.7, 0.9}[rnd.nextInt(5)]);
    }
}
