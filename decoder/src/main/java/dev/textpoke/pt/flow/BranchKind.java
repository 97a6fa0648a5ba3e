package dev.textpoke.pt.flow;

/**
 * The kind of a taken branch, named as perf names its branch samples' flags ({@code perf script
 * -F flags}, {@code sample_flags} in {@code tools/perf/builtin-script.c}), so that textpoke's
 * branch lines read like perf's.
 */
public enum BranchKind {
    CALL("call"),
    RETURN("return"),
    JCC("jcc"),
    JMP("jmp"),
    INT("int"),
    IRET("iret"),
    SYSCALL("syscall"),
    SYSRET("sysret"),
    ASYNC("async"),
    HW_INT("hw int"),
    TX_ABORT("tx abrt"),
    TRACE_BEGIN("tr strt"),
    TRACE_END("tr end"),
    VMENTRY("vmentry"),
    VMEXIT("vmexit");

    private final String perfName;

    BranchKind(String perfName) {
        this.perfName = perfName;
    }

    /** As perf script prints it. */
    public String perfName() {
        return perfName;
    }
}
