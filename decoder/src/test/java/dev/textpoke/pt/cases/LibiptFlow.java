package dev.textpoke.pt.cases;

import dev.textpoke.pt.oracle.LibiptHarness;
import java.util.List;

/** libipt's instruction flow decoder over a case, through {@code ptharness insn}. */
public final class LibiptFlow implements PtCaseFlow {
    private final LibiptHarness harness;

    public LibiptFlow(LibiptHarness harness) {
        this.harness = harness;
    }

    @Override
    public List<String> flow(PtCase.Built b) throws Exception {
        return harness.insn(b.traceFile(), b.pt().harnessOptions(), List.of(b.imageArgument()));
    }
}
