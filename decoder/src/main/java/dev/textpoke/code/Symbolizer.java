package dev.textpoke.code;

import java.util.Optional;

/** Symbol+offset at a time: a live run-time region by its name first, else the images' symbols. */
final class Symbolizer {
    private final SymbolTable symbols;
    private final RegionIndex regions;

    Symbolizer(SymbolTable symbols, RegionIndex regions) {
        this.symbols = symbols;
        this.regions = regions;
    }

    Optional<SymbolOffset> at(long addr, long time) {
        Optional<Region> r = regions.at(addr, time);
        if (r.isPresent()) {
            return Optional.of(new SymbolOffset(r.get().name(), addr - r.get().address()));
        }
        return symbols.lookup(addr);
    }

    Optional<Region> region(long addr, long time) {
        return regions.at(addr, time);
    }
}
