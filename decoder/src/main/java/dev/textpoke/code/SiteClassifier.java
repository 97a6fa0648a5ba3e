package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.Optional;

/** Names the kind of site a modification changes, from its bytes and where it is. */
@FunctionalInterface
public interface SiteClassifier {
    /**
     * @param region the run-time region holding the address at the modification's time, if any
     * @param symbol the symbol and offset of the address at that time, if known
     */
    SiteKind classify(Bytes oldBytes, Bytes newBytes, Optional<Region> region,
            Optional<SymbolOffset> symbol);
}
