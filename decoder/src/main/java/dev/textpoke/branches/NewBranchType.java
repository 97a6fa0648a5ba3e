package dev.textpoke.branches;

/**
 * The {@code new_type} of an entry whose type is {@link BranchType#EXTEND_ABI} ({@code
 * PERF_BR_NEW_*}, {@code include/uapi/linux/perf_event.h}): faults, and five architecture-specific
 * kinds, which arm64's BRBE driver uses for FIQ, debug halt and exit, and debug instruction and data
 * exceptions ({@code PERF_BR_ARM64_*}). perf 6.1 names them as {@link #perfName()} gives
 * ({@code branch_new_type_name}) on an x86 build, as here.
 */
public enum NewBranchType {
    FAULT_ALGN("FAULT_ALGN", "alignment fault"),
    FAULT_DATA("FAULT_DATA", "data fault"),
    FAULT_INST("FAULT_INST", "instruction fault"),
    ARCH_1("ARCH_1", "arm64 FIQ"),
    ARCH_2("ARCH_2", "arm64 debug halt"),
    ARCH_3("ARCH_3", "arm64 debug exit"),
    ARCH_4("ARCH_4", "arm64 debug instruction exception"),
    ARCH_5("ARCH_5", "arm64 debug data exception"),
    /** Values 8 to 15, which no kernel defines. */
    RESERVED("", "reserved");

    private static final NewBranchType[] BY_VALUE = values();
    private final String perfName;
    private final String description;

    NewBranchType(String perfName, String description) {
        this.perfName = perfName;
        this.description = description;
    }

    /** The type of a 4-bit {@code new_type} field. */
    public static NewBranchType of(int value) {
        int v = value & 0xf;
        return v < RESERVED.ordinal() ? BY_VALUE[v] : RESERVED;
    }

    public String perfName() {
        return perfName;
    }

    public String description() {
        return description;
    }
}
