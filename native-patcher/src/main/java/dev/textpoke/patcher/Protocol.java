package dev.textpoke.patcher;

import java.util.List;

/**
 * The cross-modification protocols (enum tp_protocol). Their names are fixed: they appear in
 * commands, JSON and documentation.
 */
public enum Protocol implements NativeEnum {
    /** Byte-wise plain stores of the new instruction. */
    NAIVE("naive", 0),
    /** One aligned store covering the site; arm64 adds the local cache maintenance. */
    ATOMIC("atomic", 1),
    /** x86 INT3 three-phase protocol without cross-CPU synchronisation. */
    INT3("int3", 2),
    /** x86 INT3 protocol with membarrier(PRIVATE_EXPEDITED_SYNC_CORE) after each phase. */
    INT3_SYNC("int3-sync", 3),
    /** x86: the code page is made writable and not executable while it is written. */
    MPROTECT("mprotect", 4),
    /** int3-sync over every site at once: three barriers per batch. */
    BATCH("batch", 5),
    /** arm64 BRK two-phase protocol without membarrier. */
    BRK("brk", 6),
    /** arm64 BRK protocol with membarrier(PRIVATE_EXPEDITED_SYNC_CORE) after each phase. */
    BRK_SYNC("brk-sync", 7);

    private static final List<Protocol> X86_64 = List.of(NAIVE, ATOMIC, INT3, INT3_SYNC, MPROTECT, BATCH);
    private static final List<Protocol> AARCH64 = List.of(BRK, BRK_SYNC, NAIVE, ATOMIC);

    private final String label;
    private final int code;

    Protocol(String label, int code) {
        this.label = label;
        this.code = code;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public int code() {
        return code;
    }

    /** The protocols of an architecture, in the order {@code patcher compare} runs them. */
    public static List<Protocol> of(Arch arch) {
        return arch == Arch.X86_64 ? X86_64 : AARCH64;
    }

    public boolean runsOn(Arch arch) {
        return of(arch).contains(this);
    }

    /** The placement a race uses when none is asked for: atomic needs aligned sites. */
    public Placement defaultPlacement() {
        return this == ATOMIC ? Placement.ALIGNED : Placement.MIXED;
    }

    public static Protocol ofLabel(String label) {
        return NativeEnum.ofLabel(Protocol.class, label, "protocol");
    }

    static Protocol ofCode(int code) {
        return NativeEnum.ofCode(Protocol.class, code, "tp_protocol");
    }
}
