package dev.textpoke.branches;

/**
 * What kind of branch an entry records, as the kernel reports it in the entry's {@code type}
 * field ({@code PERF_BR_*}, {@code include/uapi/linux/perf_event.h}); the names are the ones perf
 * prints ({@code branch_type_name}, {@code tools/perf/util/branch.c}). x86 LBR reports a type only
 * when the event asks for it ({@code PERF_SAMPLE_BRANCH_TYPE_SAVE}); otherwise every entry is
 * {@link #UNKNOWN} and the kind comes from the code (the instruction at {@code from}, classified by {@code isa}).
 */
public enum BranchType {
    UNKNOWN("N/A"),
    COND("COND"),
    UNCOND("UNCOND"),
    IND("IND"),
    CALL("CALL"),
    IND_CALL("IND_CALL"),
    RET("RET"),
    SYSCALL("SYSCALL"),
    SYSRET("SYSRET"),
    COND_CALL("COND_CALL"),
    COND_RET("COND_RET"),
    ERET("ERET"),
    IRQ("IRQ"),
    SERROR("SERROR"),
    NO_TX("NO_TX"),
    /** The type is in {@code new_type} ({@link NewBranchType}). */
    EXTEND_ABI("EXTEND_ABI");

    private static final BranchType[] BY_VALUE = values();
    private final String perfName;

    BranchType(String perfName) {
        this.perfName = perfName;
    }

    /** The type of a 4-bit {@code type} field. */
    public static BranchType of(int value) {
        return BY_VALUE[value & 0xf];
    }

    /** The field's value. */
    public int value() {
        return ordinal();
    }

    /** How perf names it. */
    public String perfName() {
        return perfName;
    }
}
