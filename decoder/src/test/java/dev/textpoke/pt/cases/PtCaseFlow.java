package dev.textpoke.pt.cases;

import java.util.List;

/**
 * A decoder of a case's instruction flow, as lines: {@link LibiptFlow} in the libipt harness's
 * {@code insn} format (ptharness.c describes it), {@link TextpokeFlow} in that format's projection
 * onto what both decoders report.
 */
@FunctionalInterface
public interface PtCaseFlow {
    /** The flow lines of a built case, decoded with the case's harness options. */
    List<String> flow(PtCase.Built built) throws Exception;
}
