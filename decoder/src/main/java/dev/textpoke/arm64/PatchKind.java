package dev.textpoke.arm64;

/** Where a patch comes from. */
public enum PatchKind {
    /** A static-key site of {@code __jump_table}: NOP ↔ B. */
    JUMP_LABEL("jump_label"),
    /** An ftrace patchable-function-entry site: NOP → MOV X9, LR at load; NOP ↔ BL at run time. */
    FTRACE("ftrace"),
    /** A patch given in a patches file. */
    PATCH("patch");

    private final String label;

    PatchKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
