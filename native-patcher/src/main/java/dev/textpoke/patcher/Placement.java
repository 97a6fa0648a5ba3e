package dev.textpoke.patcher;

/** Where patch sites sit relative to cache lines and 8-byte words (enum tp_placement). */
public enum Placement implements NativeEnum {
    /** Straddling sites and aligned controls alternate in one run. */
    MIXED("mixed", 0),
    /** x86: 5-byte sites across a 64-byte line and an 8-byte boundary, 2-byte across a line. */
    STRADDLE("straddle", 1),
    /** Every site inside one aligned 8-byte word and one line: the control. */
    ALIGNED("aligned", 2);

    private final String label;
    private final int code;

    Placement(String label, int code) {
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

    public static Placement ofLabel(String label) {
        return NativeEnum.ofLabel(Placement.class, label, "placement");
    }

    static Placement ofCode(int code) {
        return NativeEnum.ofCode(Placement.class, code, "tp_placement");
    }
}
