package dev.textpoke.scenario.workload;

import dev.textpoke.isa.Isa;
import java.util.List;
import java.util.Map;

/**
 * A workload given as assembly source instead of statements: per instruction set the lines of a
 * program (yasm syntax for x86-64, GNU as for A64), assembled at the kernel's text address; the
 * sites, by label; the label each CPU starts at; the scripts of its conditional branches, by
 * label; and the interrupts, whose handlers call a label. The runtime (breakpoint, IPI and
 * interrupt handlers, the stopper) is added after it, as for statement workloads.
 *
 * @param sources   per instruction set, the program's lines and, for each, the scenario file line
 *                  it came from
 * @param cpus      the label each CPU starts at
 * @param branches  conditional-branch scripts by label
 */
public record AsmWorkload(Map<Isa, Source> sources, List<SiteDecl> sites, List<String> cpus,
        List<BranchDecl> branches, List<Workload.Irq> interrupts) {
    public AsmWorkload {
        sources = Map.copyOf(sources);
        sites = List.copyOf(sites);
        cpus = List.copyOf(cpus);
        branches = List.copyOf(branches);
        interrupts = List.copyOf(interrupts);
    }

    /** A program's lines, with the scenario file line of each. */
    public record Source(List<String> lines, List<Integer> fileLines) {
        public Source {
            lines = List.copyOf(lines);
            fileLines = List.copyOf(fileLines);
        }
    }

    /**
     * A site at {@code label}: a jump label ({@code kind} "jump_label", its nop jumping to {@code
     * target} when the key is true), an ftrace site ("ftrace", calling {@code target}), or a static
     * call ("static_call", calling one of {@code targets}).
     */
    public record SiteDecl(String label, String key, String kind, String target, List<String> targets, int line) {
        public SiteDecl {
            targets = List.copyOf(targets);
        }
    }

    /** A conditional branch's script: {@code loop N}, {@code chance P}, {@code pattern TTN}. */
    public record BranchDecl(String label, dev.textpoke.sim.exec.BranchScript script, int line) {}
}
