package dev.textpoke.sim.code;

/**
 * What a CPU fetches: the instruction at an address at a time, for one CPU. The simulator's memory
 * is a {@link dev.textpoke.code.CodeTimeline} of every physical write ({@link TimelineCodeView});
 * a patching protocol that lets one CPU see something else for a while (old bytes after a write
 * another CPU has not yet synchronised with, a torn mix, a breakpoint) wraps that view: see {@link
 * OverlayCodeView}.
 *
 * <p>Called once per executed instruction, in time order per CPU; must not allocate on the common
 * path.
 */
public interface CodeView {
    /**
     * The instruction CPU {@code cpu} executes at {@code ip} when it fetches at {@code tsc}; an
     * {@link Op#UNDECODABLE} instruction where the bytes are unknown or decode to nothing.
     */
    Insn fetch(int cpu, long ip, long tsc);
}
