package dev.textpoke.sim.asm;

/**
 * What both assemblers (x86-64 and A64) offer for laying out code by name: labels, bound at the
 * current address, and function symbols, each running to the next function or its end. Code that
 * lays out a program for either instruction set (a scenario's workload) uses this and leaves the
 * instructions to the assembler of its set.
 */
public interface LabelledCode {
    /** A new anonymous label, not yet bound. */
    Label label();

    /** A new named label, not yet bound. */
    Label label(String name);

    /** Binds {@code l} to the current address. */
    LabelledCode bind(Label l);

    /** A new label bound here. */
    Label mark();

    /** Starts a function symbol here, ending any open one; returns a label bound at its start. */
    Label function(String name);

    /** Starts a function symbol named by {@code l} (a named label), binding it; ends any open one. */
    LabelledCode function(Label l);

    /** Ends the open function symbol, if any, at the current address. */
    LabelledCode endFunction();
}
