package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.Optional;

/** Names the kind of site a modification changes, from its bytes and where it is. */
@FunctionalInterface
public interface SiteClassifier {
    /**
     * @param region the run-time region holding the address at the modification's time, if any
     * @param symbol the symbol and offset of the address at that time, if known
     * @param callee the symbol at the target of the call the new bytes (else the old) make, if they
     *     make one and it is known: where the site's own symbol is not, it can still say whose the
     *     site is (a call into an ftrace trampoline is an ftrace site)
     */
    SiteKind classify(Bytes oldBytes, Bytes newBytes, Optional<Region> region,
            Optional<SymbolOffset> symbol, Optional<SymbolOffset> callee);

    /**
     * Where the call that {@code newBytes} (else {@code oldBytes}) written at {@code address} make
     * goes, for {@code callee}; empty when they make none this instruction set's classifier reads.
     */
    default Optional<Long> callTarget(long address, Bytes oldBytes, Bytes newBytes) {
        return Optional.empty();
    }
}
