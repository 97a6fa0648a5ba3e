package dev.textpoke.sim.program;

/**
 * The shape of a {@link RandomProgram}.
 *
 * @param functions         kernel functions (each may call functions after it: the call graph is a DAG)
 * @param minStatements     statements per function body, at least
 * @param maxStatements     statements per function body, at most
 * @param maxLoopIterations iterations of a loop, at most (each loop draws its count)
 * @param maxDepth          nesting of ifs, loops and switches
 * @param jumpLabels2       2-byte jump-label sites ({@code nop2}, alternate {@code jmp rel8} over a short block)
 * @param jumpLabels5       5-byte jump-label sites ({@code nop5}, alternate {@code jmp rel32} to an out-of-line block)
 * @param ftraceSites       functions starting with an ftrace {@code nop5} (alternate {@code call ftrace_caller})
 * @param kprobeSites       instructions marked as kprobe-able, each with its own out-of-line slot
 * @param userFunctions     user-space functions (0: no user part, no system calls)
 * @param cpus              kernel idle loops, one per CPU (each calls its own choice of functions)
 * @param userCpus          of those CPUs, how many start in user space instead (needs user functions)
 */
public record RandomProgramConfig(int functions, int minStatements, int maxStatements, int maxLoopIterations,
        int maxDepth, int jumpLabels2, int jumpLabels5, int ftraceSites, int kprobeSites, int userFunctions,
        int cpus, int userCpus) {
    public RandomProgramConfig {
        if (functions < 1 || minStatements < 1 || maxStatements < minStatements || maxLoopIterations < 1
                || maxDepth < 0 || jumpLabels2 < 0 || jumpLabels5 < 0 || ftraceSites < 0 || ftraceSites > functions
                || kprobeSites < 0 || userFunctions < 0 || cpus < 1 || userCpus < 0 || userCpus > cpus
                || (userCpus > 0 && userFunctions == 0)) {
            throw new IllegalArgumentException("bad random program configuration: " + this);
        }
    }

    /** A kernel of 40 functions with 4+4 jump labels, 6 ftrace sites, 4 kprobe sites; a user part of 8 functions; 2 CPUs, both in the kernel. */
    public static RandomProgramConfig defaults() {
        return new RandomProgramConfig(40, 3, 10, 6, 2, 4, 4, 6, 4, 8, 2, 0);
    }

    /** Kernel only, no sites: the plainest programs. */
    public static RandomProgramConfig kernelOnly(int functions, int cpus) {
        return new RandomProgramConfig(functions, 3, 10, 6, 2, 0, 0, 0, 0, 0, cpus, 0);
    }

    public RandomProgramConfig withCpus(int n, int user) {
        return new RandomProgramConfig(functions, minStatements, maxStatements, maxLoopIterations, maxDepth,
                jumpLabels2, jumpLabels5, ftraceSites, kprobeSites, userFunctions, n, user);
    }

    public RandomProgramConfig withSites(int jl2, int jl5, int ftrace, int kprobes) {
        return new RandomProgramConfig(functions, minStatements, maxStatements, maxLoopIterations, maxDepth,
                jl2, jl5, ftrace, kprobes, userFunctions, cpus, userCpus);
    }

    public RandomProgramConfig withUserFunctions(int n) {
        return new RandomProgramConfig(functions, minStatements, maxStatements, maxLoopIterations, maxDepth,
                jumpLabels2, jumpLabels5, ftraceSites, kprobeSites, n, cpus, userCpus);
    }
}
