package dev.textpoke.scenario.workload;

import dev.textpoke.isa.Isa;
import dev.textpoke.sim.program.Program;
import java.util.List;
import java.util.Map;

/**
 * A workload compiled for one instruction set: the simulator's {@link Program} (code, symbols,
 * vectors, where each CPU starts, the scripts of its loops and conditionals), its patch sites, the
 * assembler source it is equivalent to, and the runtime the protocols use.
 *
 * @param ipiVector      the vector of the cross-call IPI (x86 {@code CALL_FUNCTION_VECTOR};
 *                       arm64 {@code IPI_CALL_FUNC}), whose handler only returns
 * @param stopVector     the vector of the stopper IPI of {@code stop_machine}, or -1
 * @param stopSpin       the address of the stopper's spin-loop branch (its script says how long
 *                       it spins), or 0
 * @param irqVectors     the vector of each interrupt handler, by the workload function it calls
 *                       ({@code ""} for the handler that only returns)
 * @param source         the program as assembler source (yasm for x86-64, GNU as for A64)
 */
public record BuiltProgram(Isa isa, Program program, List<PatchSite> sites, int ipiVector, int stopVector,
        long stopSpin, Map<String, Integer> irqVectors, String source) {
    public BuiltProgram {
        sites = List.copyOf(sites);
        irqVectors = Map.copyOf(irqVectors);
    }

    /** The sites switched by {@code key}, in address order. */
    public List<PatchSite> sitesOf(String key) {
        return sites.stream().filter(s -> s.key().equals(key)).toList();
    }

    /** The site at {@code address}, or null. */
    public PatchSite siteAt(long address) {
        for (PatchSite s : sites) {
            if (s.address() == address) {
                return s;
            }
        }
        return null;
    }
}
