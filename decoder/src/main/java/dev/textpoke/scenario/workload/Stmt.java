package dev.textpoke.scenario.workload;

import java.util.List;

/**
 * One statement of a workload function: the shapes kernel code takes around its patch sites,
 * compiled to x86-64 and to A64 alike ({@link X86Compiler}, {@link A64Compiler}). Each carries
 * the line of the scenario file it came from, for messages.
 */
public sealed interface Stmt {
    int line();

    /** {@code n} instructions that do not branch. */
    record Work(int n, int line) implements Stmt {}

    /** A direct call. */
    record Call(String function, int line) implements Stmt {}

    /** A counted loop: {@code body} runs {@code times} times (a conditional back edge). */
    record Loop(int times, List<Stmt> body, int line) implements Stmt {
        public Loop {
            body = List.copyOf(body);
        }
    }

    /** A conditional: {@code then} runs with probability {@code p}, else {@code otherwise}. */
    record If(double p, List<Stmt> then, List<Stmt> otherwise, int line) implements Stmt {
        public If {
            then = List.copyOf(then);
            otherwise = List.copyOf(otherwise);
        }
    }

    /**
     * A jump label of static key {@code key} ({@code static_branch_unlikely}): a nop while the key is
     * false, a jump to the out-of-line {@code then} (which jumps back after the site) while it is
     * true. {@code bytes} is 2 or 5 on x86 ({@code nop2}/{@code jmp rel8}, {@code nop5}/{@code jmp
     * rel32}); A64 always has one word ({@code nop}/{@code b}).
     */
    record JumpLabel(String key, int bytes, List<Stmt> then, int line) implements Stmt {
        public JumpLabel {
            then = List.copyOf(then);
        }
    }

    /**
     * An ftrace call site of key {@code key}: a nop while tracing is off, a call to {@code
     * ftrace_caller} while it is on (x86: {@code nop5}/{@code call rel32}; A64: {@code nop}/{@code
     * bl}, the patched slot of {@code -fpatchable-function-entry}).
     */
    record Ftrace(String key, int line) implements Stmt {}

    /**
     * A static call of key {@code key}: a direct call to {@code targets.get(0)}, retargeted to any of
     * {@code targets} ({@code static_call_update}; x86 {@code call rel32}, A64 {@code bl}).
     */
    record StaticCall(String key, List<String> targets, int line) implements Stmt {
        public StaticCall {
            targets = List.copyOf(targets);
        }
    }
}
