package dev.textpoke.branches;

import dev.textpoke.code.SymbolOffset;
import java.util.Optional;

/**
 * Names an address of a sampled process at a time: a kernel address with the code timeline's
 * symbols, a user-space one with the symbols of the file mapped there ({@link UserCode}).
 */
@FunctionalInterface
public interface AddressNames {
    Optional<SymbolOffset> at(int pid, long addr, long time);
}
