package dev.textpoke.branches;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.SymbolOffset;
import dev.textpoke.isa.InstructionCache;
import java.util.Optional;

/**
 * The code a walk was read from: the kernel's timeline, or one mapping of a process ({@link
 * UserCode}); a decoder over it, and how its addresses are named (the timeline's symbols, or the
 * mapped file's as perf names them). What prints a walk reads and names its instructions here.
 */
public record WalkCode(CodeTimeline timeline, InstructionCache cache, Naming names) {
    /** The symbol and offset of an address at a time, as the code's owner names it. */
    @FunctionalInterface
    public interface Naming {
        Optional<SymbolOffset> at(long addr, long time);
    }

    /** Code named by the timeline's own symbols and regions. */
    public static WalkCode of(CodeTimeline timeline, InstructionCache cache) {
        return new WalkCode(timeline, cache, timeline::symbolize);
    }
}
