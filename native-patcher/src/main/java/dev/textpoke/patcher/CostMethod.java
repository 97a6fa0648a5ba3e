package dev.textpoke.patcher;

/** The barriers {@code patcher cost} times (enum tp_cost_method). */
public enum CostMethod implements NativeEnum {
    /** membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE). */
    SYNC_CORE("membarrier-sync-core", 0),
    /** membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED): a memory barrier, not core-serialising. */
    EXPEDITED("membarrier-expedited", 1),
    /** mprotect of a helper page read-write then none: TLB-shootdown IPIs (.NET's fallback). */
    MPROTECT("mprotect", 2),
    /** getppid(): a system call that synchronises nothing, the baseline. */
    SYSCALL("syscall", 3);

    private final String label;
    private final int code;

    CostMethod(String label, int code) {
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
}
