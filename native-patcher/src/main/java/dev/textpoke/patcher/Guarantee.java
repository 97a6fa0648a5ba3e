package dev.textpoke.patcher;

/** What a protocol promises executors on an architecture (enum tp_guarantee). */
public enum Guarantee implements NativeEnum {
    /** Nothing: torn executions may happen (x86 leaves unserialised cross-modification model-specific). */
    NONE("none", 0),
    /** Never a torn instruction; old code may still run after the patch returned. */
    UNTORN("untorn", 1),
    /** Never torn, and no old code after the patch and its barrier returned. */
    UNTORN_FRESH("untorn-fresh", 2);

    private final String label;
    private final int code;

    Guarantee(String label, int code) {
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

    /** Whether executions with these counts break the promise. */
    public boolean violatedBy(long torn, long stale) {
        return switch (this) {
            case NONE -> false;
            case UNTORN -> torn > 0;
            case UNTORN_FRESH -> torn > 0 || stale > 0;
        };
    }

    static Guarantee ofCode(int code) {
        return NativeEnum.ofCode(Guarantee.class, code, "tp_guarantee");
    }
}
