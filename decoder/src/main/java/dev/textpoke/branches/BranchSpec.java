package dev.textpoke.branches;

/**
 * Whether the branch was speculative, as the entry's 2-bit {@code spec} field says ({@code
 * PERF_BR_SPEC_*}, {@code include/uapi/linux/perf_event.h}; AMD Zen 4 reports it); the names are
 * perf's {@code branch_spec_desc} (tools/perf/util/branch.c).
 */
public enum BranchSpec {
    NA("N/A"),
    SPEC_WRONG_PATH("SPEC_WRONG_PATH"),
    NON_SPEC_CORRECT_PATH("NON_SPEC_CORRECT_PATH"),
    SPEC_CORRECT_PATH("SPEC_CORRECT_PATH");

    private static final BranchSpec[] BY_VALUE = values();
    private final String perfName;

    BranchSpec(String perfName) {
        this.perfName = perfName;
    }

    public static BranchSpec of(int value) {
        return BY_VALUE[value & 3];
    }

    public String perfName() {
        return perfName;
    }
}
