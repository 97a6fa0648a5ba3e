package dev.textpoke.pt.cases;

import java.util.List;

/**
 * A decoder of a case's instruction flow, printing it in the libipt harness's {@code insn} line
 * format (ptharness.c describes it): {@link LibiptFlow} now; textpoke's own flow decoder is to
 * implement this too and run over {@link PtCase#all()} against the same expectations.
 */
@FunctionalInterface
public interface PtCaseFlow {
    /** The flow lines of a built case, decoded with the case's harness options. */
    List<String> flow(PtCase.Built built) throws Exception;
}
