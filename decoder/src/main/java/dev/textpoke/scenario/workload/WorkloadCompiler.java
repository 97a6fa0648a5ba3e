package dev.textpoke.scenario.workload;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Isa;
import dev.textpoke.sim.asm.AssembledCode;
import dev.textpoke.sim.asm.Label;
import dev.textpoke.sim.asm.LabelledCode;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.BranchScript;
import dev.textpoke.sim.exec.CpuStart;
import dev.textpoke.sim.exec.Vectors;
import dev.textpoke.sim.program.Program;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a {@link Workload} for one instruction set: each CPU's endless loop ({@code
 * cpu_entry_N}), the workload's functions laid out in order with each jump label's out-of-line
 * block after its function's return (as compilers place {@code unlikely()} code), and the runtime
 * a kernel has around them: the breakpoint handler, an exception handler, the cross-call IPI
 * handler, one interrupt handler per handler function, {@code ftrace_caller}, and on A64 the
 * stopper of {@code stop_machine}. Subclasses emit the instructions ({@link X86Compiler}, {@link
 * A64Compiler}).
 */
public abstract class WorkloadCompiler {
    /** The cross-call IPI's vector (x86 CALL_FUNCTION_VECTOR; the same number names arm64's IPI_CALL_FUNC here). */
    public static final int IPI_VECTOR = 0xfb;
    /** The stopper IPI of {@code stop_machine} (A64). */
    public static final int STOP_VECTOR = 0xfc;
    /** The first vector of the workload's interrupt handlers. */
    public static final int FIRST_IRQ_VECTOR = 0x20;

    protected final Workload workload;
    private final Map<String, Label> functions = new LinkedHashMap<>();
    private final List<SiteMark> marks = new ArrayList<>();
    private final List<Object[]> scripts = new ArrayList<>();
    private final Deque<Pending> outOfLine = new ArrayDeque<>();
    private String currentFunction;

    /** A site as emitted: its kind, its start, and the label each state branches to (null for a nop). */
    private record SiteMark(String key, SiteKind kind, Label at, String function, String initial,
            Map<String, Label> targets, int line) {}

    /** An out-of-line block to lay out after the function: a jump label's {@code then}. */
    private record Pending(Label start, List<Stmt> body, Label back) {}

    protected WorkloadCompiler(Workload workload) {
        this.workload = workload;
    }

    /**
     * Compiles {@code w} for {@code isa}; with {@code userSpace} (x86 only) the workload's code is
     * user code at 0x401000 and the CPUs start at CPL 3.
     *
     * @throws WorkloadException for a workload that cannot be laid out (an unknown function, a
     *     call cycle, a 2-byte jump label whose block is out of a {@code jmp rel8}'s reach)
     */
    public static BuiltProgram compile(Workload w, Isa isa, boolean userSpace) {
        checkCalls(w);
        if (userSpace && isa != Isa.X86_64) {
            throw new IllegalArgumentException("user-space workloads are compiled for x86-64");
        }
        WorkloadCompiler c = isa == Isa.X86_64 ? new X86Compiler(w, userSpace) : new A64Compiler(w);
        return c.build();
    }

    // ---- what the instruction sets provide ------------------------------------------------------

    protected abstract Isa isa();

    /** Starts laying out the workload's code (and after it, with {@link #beginRuntime}, the runtime's). */
    protected abstract void beginWorkload();

    protected abstract void beginRuntime();

    /** The assembler the code is laid out with now (labels and function symbols). */
    protected abstract LabelledCode code();

    protected Label function(String name) {
        return code().function(name);
    }

    protected Label label() {
        return code().label();
    }

    protected void bind(Label l) {
        code().bind(l);
    }

    protected abstract void work(int n);

    protected abstract void call(Label target);

    protected abstract void ret();

    protected abstract void jump(Label target);

    /** A conditional branch to {@code target}; returns a label bound at the branch itself. */
    protected abstract Label branch(Label target);

    /** A jump-label site's nop of {@code bytes} (2 or 5 on x86, ignored on A64). */
    protected abstract void siteNop(int bytes, int line);

    /** Returns from an interrupt or exception. */
    protected abstract void exceptionReturn();

    /** The stopper's body: spin on a branch (bound to the returned label) until released, then resynchronise. */
    protected abstract Label stopperSpin();

    /** The code (workload first, then runtime when they are separate pieces). */
    protected abstract List<AssembledCode> assemble();

    /** The site's bytes for a branch or call from {@code at} to {@code target}, as long as the site is. */
    protected abstract Bytes branchBytes(SiteKind kind, boolean call, long at, long target, int length);

    protected abstract Bytes nopBytes(SiteKind kind, int length);

    protected abstract SiteKind jumpLabelKind(int bytes);

    protected abstract String source(List<AssembledCode> code);

    protected abstract boolean userSpace();

    // ---- the layout ----------------------------------------------------------------------------------

    private BuiltProgram build() {
        for (String name : workload.functions().keySet()) {
            functions.put(name, null);
        }
        beginWorkload();
        Map<String, Label> fn = new HashMap<>();
        List<Label> entries = new ArrayList<>();
        for (int c = 0; c < workload.cpus().size(); c++) {
            Label e = function("cpu_entry_" + c);
            entries.add(e);
            call(fnLabel(fn, workload.cpus().get(c)));
            jump(e);
        }
        Label ftraceCaller = null;
        boolean anyFtrace = workload.functions().values().stream().anyMatch(f -> uses(f.body(), Stmt.Ftrace.class));
        for (Workload.Function f : workload.functions().values()) {
            currentFunction = f.name();
            Label l = fnLabel(fn, f.name());
            bindFunction(l);
            body(fn, f.body(), anyFtrace ? ftraceLabel(fn) : null);
            ret();
            while (!outOfLine.isEmpty()) {
                Pending p = outOfLine.poll();
                bind(p.start());
                body(fn, p.body(), anyFtrace ? ftraceLabel(fn) : null);
                jump(p.back());
            }
        }
        if (anyFtrace) {
            ftraceCaller = ftraceLabel(fn);
            bindFunction(ftraceCaller);
            work(3);
            ret();
        }
        beginRuntime();
        Label brk = function(isa() == Isa.X86_64 ? "asm_exc_int3" : "el1_brk");
        work(2);
        exceptionReturn();
        Label fault = function(isa() == Isa.X86_64 ? "asm_exc_page_fault" : "el1_abort");
        exceptionReturn();
        Label ipi = function(isa() == Isa.X86_64 ? "asm_sysvec_call_function" : "ipi_handler");
        work(1);
        exceptionReturn();
        Map<String, Label> irqs = new LinkedHashMap<>();
        for (Workload.Irq q : workload.interrupts()) {
            String h = q.handler() == null ? "" : q.handler();
            if (!irqs.containsKey(h)) {
                Label l = function("irq_handler_" + irqs.size());
                if (q.handler() != null) {
                    if (userSpace()) {
                        throw new WorkloadException(q.line(), "in user space an interrupt runs kernel code: its handler"
                                + " cannot call the workload's " + q.handler());
                    }
                    call(fnLabel(fn, q.handler()));
                } else {
                    work(1);
                }
                exceptionReturn();
                irqs.put(h, l);
            }
        }
        Label stopper = null;
        Label spin = null;
        if (isa() == Isa.A64) {
            stopper = function("multi_cpu_stop");
            spin = stopperSpin();
        }
        List<AssembledCode> code;
        try {
            code = assemble();
        } catch (IllegalStateException e) {
            throw new WorkloadException(lineOfFarSite(), "the code cannot be laid out: " + e.getMessage()
                    + " (a 2-byte jump label reaches 127 bytes: make it 5 bytes or its block shorter)");
        }
        Program.Builder pb = Program.builder().isa(isa());
        for (AssembledCode a : code) {
            pb.code(a);
        }
        Behaviour.Builder bb = Behaviour.builder();
        for (Object[] s : scripts) {
            bb.branch(address(code, (Label) s[0]), (BranchScript) s[1]);
        }
        pb.behaviour(bb.build());
        Map<Integer, Long> vectors = new HashMap<>();
        vectors.put(IPI_VECTOR, address(code, ipi));
        Map<String, Integer> irqVectors = new LinkedHashMap<>();
        int v = FIRST_IRQ_VECTOR;
        for (Map.Entry<String, Label> e : irqs.entrySet()) {
            vectors.put(v, address(code, e.getValue()));
            irqVectors.put(e.getKey(), v);
            v++;
        }
        if (stopper != null) {
            vectors.put(STOP_VECTOR, address(code, stopper));
        }
        pb.vectors(new Vectors(0, address(code, brk), address(code, fault), vectors));
        for (Label e : entries) {
            long a = address(code, e);
            pb.start(userSpace() ? CpuStart.user(a) : CpuStart.kernel(a));
        }
        List<PatchSite> sites = new ArrayList<>();
        for (SiteMark m : marks) {
            long at = address(code, m.at());
            Map<String, Bytes> states = new LinkedHashMap<>();
            int length = m.kind() == SiteKind.JUMP_LABEL_2 ? 2 : isa() == Isa.A64 ? 4 : 5;
            for (Map.Entry<String, Label> t : m.targets().entrySet()) {
                states.put(t.getKey(), t.getValue() == null ? nopBytes(m.kind(), length)
                        : branchBytes(m.kind(), m.kind() != SiteKind.JUMP_LABEL_2 && m.kind() != SiteKind.JUMP_LABEL_5
                                && m.kind() != SiteKind.JUMP_LABEL_4, at, address(code, t.getValue()), length));
            }
            long fnStart = address(code, fnLabel(fn, m.function()));
            sites.add(new PatchSite(m.function() + "+0x" + Long.toHexString(at - fnStart), m.key(), m.kind(), at,
                    m.function(), m.initial(), states, m.line()));
        }
        return new BuiltProgram(isa(), pb.build(), sites, IPI_VECTOR, stopper == null ? -1 : STOP_VECTOR,
                spin == null ? 0 : address(code, spin), irqVectors, source(code));
    }

    private int lineOfFarSite() {
        for (SiteMark m : marks) {
            if (m.kind() == SiteKind.JUMP_LABEL_2) {
                return m.line();
            }
        }
        return 0;
    }

    private static long address(List<AssembledCode> code, Label l) {
        for (AssembledCode a : code) {
            try {
                return a.address(l);
            } catch (IllegalArgumentException e) {
                // in the other piece
            }
        }
        throw new IllegalStateException("label " + l + " is not bound");
    }

    private Label ftraceLabel(Map<String, Label> fn) {
        return fn.computeIfAbsent("ftrace_caller", n -> namedLabel(n));
    }

    private Label fnLabel(Map<String, Label> fn, String name) {
        return fn.computeIfAbsent(name, n -> namedLabel(n));
    }

    /** A named label not yet bound (a function referenced before its place). */
    private Label namedLabel(String name) {
        return code().label(name);
    }

    /** Binds {@code l} as the start of a function symbol. */
    private void bindFunction(Label l) {
        code().function(l);
    }

    private void body(Map<String, Label> fn, List<Stmt> stmts, Label ftraceCaller) {
        for (Stmt s : stmts) {
            if (s instanceof Stmt.Work w) {
                work(w.n());
            } else if (s instanceof Stmt.Call c) {
                call(fnLabel(fn, c.function()));
            } else if (s instanceof Stmt.Loop l) {
                Label head = label();
                bind(head);
                body(fn, l.body(), ftraceCaller);
                Label br = branch(head);
                scripts.add(new Object[] {br, BranchScript.loop(l.times())});
            } else if (s instanceof Stmt.If i) {
                Label otherwise = label();
                Label end = label();
                Label br = branch(otherwise);
                scripts.add(new Object[] {br, BranchScript.chance(1 - i.p())});
                body(fn, i.then(), ftraceCaller);
                jump(end);
                bind(otherwise);
                body(fn, i.otherwise(), ftraceCaller);
                bind(end);
            } else if (s instanceof Stmt.JumpLabel j) {
                Label at = label();
                Label then = label();
                Label back = label();
                bind(at);
                siteNop(j.bytes(), j.line());
                bind(back);
                Map<String, Label> t = new LinkedHashMap<>();
                t.put("false", null);
                t.put("true", then);
                marks.add(new SiteMark(j.key(), jumpLabelKind(j.bytes()), at, currentFunction, "false", t, j.line()));
                outOfLine.add(new Pending(then, j.then(), back));
            } else if (s instanceof Stmt.Ftrace f) {
                Label at = label();
                bind(at);
                siteNop(5, f.line());
                Map<String, Label> t = new LinkedHashMap<>();
                t.put("false", null);
                t.put("true", ftraceCaller);
                marks.add(new SiteMark(f.key(), SiteKind.FTRACE, at, currentFunction, "false", t, f.line()));
            } else if (s instanceof Stmt.StaticCall sc) {
                Label at = label();
                bind(at);
                call(fnLabel(fn, sc.targets().get(0)));
                Map<String, Label> t = new LinkedHashMap<>();
                for (String target : sc.targets()) {
                    t.put(target, fnLabel(fn, target));
                }
                marks.add(new SiteMark(sc.key(), SiteKind.STATIC_CALL, at, currentFunction, sc.targets().get(0), t,
                        sc.line()));
            }
        }
    }

    private static boolean uses(List<Stmt> body, Class<? extends Stmt> kind) {
        for (Stmt s : body) {
            if (kind.isInstance(s)) {
                return true;
            }
            if (s instanceof Stmt.Loop l && uses(l.body(), kind)
                    || s instanceof Stmt.If i && (uses(i.then(), kind) || uses(i.otherwise(), kind))
                    || s instanceof Stmt.JumpLabel j && uses(j.then(), kind)) {
                return true;
            }
        }
        return false;
    }

    /** Refuses calls to unknown functions and call cycles (the machine's stack would overflow). */
    private static void checkCalls(Workload w) {
        Map<String, List<Object[]>> calls = new HashMap<>();
        for (Workload.Function f : w.functions().values()) {
            List<Object[]> out = new ArrayList<>();
            collectCalls(f.body(), out);
            for (Object[] c : out) {
                if (!w.functions().containsKey((String) c[0])) {
                    throw new WorkloadException((Integer) c[1], "call to " + c[0] + ", which is not a function of the workload");
                }
            }
            calls.put(f.name(), out);
        }
        for (int c = 0; c < w.cpus().size(); c++) {
            if (!w.functions().containsKey(w.cpus().get(c))) {
                throw new WorkloadException(0, "cpu " + c + " runs " + w.cpus().get(c) + ", which is not a function");
            }
        }
        Set<String> done = new HashSet<>();
        for (String f : w.functions().keySet()) {
            cycle(f, calls, new ArrayList<>(), done, w);
        }
    }

    private static void cycle(String f, Map<String, List<Object[]>> calls, List<String> path, Set<String> done,
            Workload w) {
        if (done.contains(f)) {
            return;
        }
        if (path.contains(f)) {
            throw new WorkloadException(w.functions().get(f).line(), "function " + f + " calls itself through "
                    + String.join(" -> ", path.subList(path.indexOf(f), path.size())) + ": the machine's stack would overflow");
        }
        path.add(f);
        for (Object[] c : calls.get(f)) {
            cycle((String) c[0], calls, path, done, w);
        }
        path.remove(path.size() - 1);
        done.add(f);
    }

    private static void collectCalls(List<Stmt> body, List<Object[]> out) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Call c) {
                out.add(new Object[] {c.function(), c.line()});
            } else if (s instanceof Stmt.StaticCall sc) {
                for (String t : sc.targets()) {
                    out.add(new Object[] {t, sc.line()});
                }
            } else if (s instanceof Stmt.Loop l) {
                collectCalls(l.body(), out);
            } else if (s instanceof Stmt.If i) {
                collectCalls(i.then(), out);
                collectCalls(i.otherwise(), out);
            } else if (s instanceof Stmt.JumpLabel j) {
                collectCalls(j.then(), out);
            }
        }
    }
}
