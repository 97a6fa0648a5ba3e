package dev.textpoke.arm64;

/**
 * What synchronisation follows a patch, i.e. when other CPUs are guaranteed to execute the new
 * instruction. This is a separate answer from tear-safety: CMODX bounds what a racing CPU may
 * execute, not when it sees the change (herdtools7 catalogue/aarch64-ifetch: SM.B+isb Allowed,
 * MP.RF+dc-dsb-ic-dsb+addr Allowed, MP.RF+cachesync+ctrlisb Forbidden).
 */
public enum Visibility {
    /** No cache maintenance: other CPUs, and this one, may run the old word indefinitely. */
    NONE("none", false),
    /**
     * Cache maintenance by the patching CPU only (DC CVAU; DSB ISH; IC IVAU; DSB ISH; ISB, as
     * {@code caches_clean_inval_pou} after {@code aarch64_insn_patch_text_nosync}): the change reaches
     * the point of unification, but another CPU needs its own context synchronisation before it must
     * fetch the new word.
     */
    LOCAL("local", false),
    /**
     * Local maintenance plus an IPI that makes every CPU take an exception ({@code kick_all_cpus_sync},
     * after each jump-label batch in arch/arm64/kernel/jump_label.c): exception return is
     * context-synchronising, so every CPU runs the new word afterwards.
     */
    IPI("ipi", true),
    /**
     * The patch is made under {@code stop_machine} ({@code aarch64_insn_patch_text}, used by kprobes):
     * no other CPU executes kernel code during the store, and all resynchronise (ISB) after.
     */
    STOP_MACHINE("stop_machine", true),
    /**
     * User space: cache maintenance then {@code membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)},
     * which guarantees a context-synchronising event on every thread of the process.
     */
    MEMBARRIER("membarrier", true);

    private final String label;
    private final boolean everyCpuSynchronised;

    Visibility(String label, boolean everyCpuSynchronised) {
        this.label = label;
        this.everyCpuSynchronised = everyCpuSynchronised;
    }

    public String label() {
        return label;
    }

    /** Whether every CPU is guaranteed to execute the new word once the patcher is done. */
    public boolean everyCpuSynchronised() {
        return everyCpuSynchronised;
    }

    /** Whether other CPUs may be executing the site while it is written (false only for stop_machine). */
    public boolean concurrentExecution() {
        return this != STOP_MACHINE;
    }

    public static Visibility parse(String s) {
        for (Visibility v : values()) {
            if (v.label.equalsIgnoreCase(s) || v.name().equalsIgnoreCase(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown visibility '" + s
                + "' (none, local, ipi, stop_machine, membarrier)");
    }
}
