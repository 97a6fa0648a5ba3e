package dev.textpoke.scenario.protocol;

import dev.textpoke.isa.Isa;
import java.util.List;

/**
 * A way of patching live code, as the kernel (or a user-space patcher) does it: the stores it makes
 * and when, what it announces, how it synchronises the other CPUs, what its breakpoint handler
 * does, and so what another CPU may execute at a site while it is patched (each implementation
 * writes that guarantee down with its source).
 */
public sealed interface Protocol permits X86Int3, X86Naive, Arm64Nosync, Arm64StopMachine, Arm64Brk, UserInt3 {
    /** The name scenario files and the command line use, e.g. {@code x86-int3}. */
    String name();

    /** The instruction set it patches. */
    Isa isa();

    /** Whether it patches user-space code (the workload runs at CPL 3). */
    default boolean userSpace() {
        return false;
    }

    /** What another CPU may execute at a site while it is patched, and the source that says so. */
    String guarantee();

    /** The plan for a setup's batches. */
    Applied apply(Setup setup);

    /** Every protocol, with default timing, in the order tables list them. */
    static List<Protocol> all() {
        return List.of(X86Int3.defaults(), X86Naive.defaults(), UserInt3.withMembarrier(), UserInt3.withoutMembarrier(),
                Arm64Nosync.defaults(), Arm64StopMachine.defaults(), Arm64Brk.defaults());
    }

    /** The protocol named {@code name}, or null. */
    static Protocol byName(String name) {
        for (Protocol p : all()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** The names of every protocol, for messages. */
    static List<String> names() {
        return all().stream().map(Protocol::name).toList();
    }
}
