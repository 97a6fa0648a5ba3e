package dev.textpoke.arm64;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ElfFormatException;
import dev.textpoke.elf.ElfHeader;
import dev.textpoke.elf.ElfSymbol;
import dev.textpoke.elf.Relocation;
import dev.textpoke.elf.RelocationSection;
import dev.textpoke.elf.Section;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An arm64 kernel image as the validator sees it: a linked vmlinux (absolute addresses) or a
 * relocatable module (addresses relative to the module region each section is loaded into, see
 * {@link ModuleLayout}). It reads instruction words, resolves relocations to places, and names the
 * function around a place.
 */
final class Arm64Image implements Closeable {
    /** An address: absolute when {@code region} is null, else relative to a module region. */
    record Place(ModuleLayout.Region region, long address, int section) {
        boolean sameRegion(Place o) {
            return region == o.region;
        }

        String regionName() {
            return region == null ? null : region.name();
        }
    }

    private record Function(Place place, long size, String name) {}

    private final Path path;
    private final ElfFile elf;
    private final List<ElfSymbol> symbols;
    private final ModuleLayout layout;
    private final Map<Integer, Map<Long, Relocation>> relocationsBySection = new HashMap<>();
    private List<Function> functions;
    private Map<String, ElfSymbol> byName;

    private Arm64Image(Path path, ElfFile elf) throws ElfFormatException {
        this.path = path;
        this.elf = elf;
        if (elf.header().machine() != ElfHeader.EM_AARCH64 || !elf.header().is64()) {
            throw new ElfFormatException(elf.name(), 18, ElfFormatException.Kind.BAD_HEADER,
                    "not an ELF64 AArch64 file (e_machine " + elf.header().machine() + ")");
        }
        this.symbols = elf.symbols();
        this.layout = isModule() ? ModuleLayout.of(elf, symbols) : null;
    }

    static Arm64Image open(Path path, long maxDecompressed) throws IOException {
        ElfFile elf = ElfFile.open(path, maxDecompressed);
        try {
            return new Arm64Image(path, elf);
        } catch (IOException | RuntimeException e) {
            elf.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    ElfFile elf() {
        return elf;
    }

    List<ElfSymbol> symbols() {
        return symbols;
    }

    /** A relocatable object (a .ko) rather than a linked vmlinux. */
    boolean isModule() {
        return elf.header().type() == ElfHeader.ET_REL;
    }

    ModuleLayout layout() {
        return layout;
    }

    /** The place of byte {@code offset} of section {@code index}; null when the section is not loaded. */
    Place place(int index, long offset) {
        if (layout == null) {
            Section s = elf.sections().get(index);
            return new Place(null, s.addr() + offset, index);
        }
        ModuleLayout.Placement p = layout.placement(index);
        return p == null ? null : new Place(p.region(), p.offset() + offset, index);
    }

    /** The section of a linked image that holds {@code address} in the file; -1 if none. */
    int sectionAt(long address) {
        for (Section s : elf.sections()) {
            if (s.isAlloc() && s.hasFileBytes() && Long.compareUnsigned(address - s.addr(), s.size()) < 0) {
                return s.index();
            }
        }
        return -1;
    }

    /** The 32-bit instruction word at {@code offset} of a section (A64 code is always little-endian). */
    int word(int section, long offset) throws ElfFormatException {
        Section s = elf.sections().get(section);
        ByteBuffer b = elf.read(s.offset() + offset, 4, "instruction word in " + s.name());
        return b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    /** The relocations that apply to a section, by offset. */
    Map<Long, Relocation> relocations(int section) throws ElfFormatException {
        Map<Long, Relocation> m = relocationsBySection.get(section);
        if (m == null) {
            m = new HashMap<>();
            for (RelocationSection rs : elf.relocationsFor(section)) {
                for (Relocation r : elf.relocations(rs)) {
                    m.put(r.offset(), r);
                }
            }
            relocationsBySection.put(section, m);
        }
        return m;
    }

    /** S + A of a relocation as a place; null when the symbol is not defined in this image. */
    Place resolve(Relocation r) {
        ElfSymbol s = symbol(r.symbol());
        if (s == null || !s.inSection()) {
            return null;
        }
        return place(s.section(), s.value() + r.addend());
    }

    ElfSymbol symbol(int index) {
        return index >= 0 && index < symbols.size() ? symbols.get(index) : null;
    }

    /** {@code "name+0xoff"} for the function holding {@code p}, or null. */
    String symbolize(Place p) {
        List<Function> fs = functions();
        int lo = 0;
        int hi = fs.size() - 1;
        Function best = null;
        Comparator<Place> order = placeOrder();
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Function f = fs.get(mid);
            if (order.compare(f.place(), p) <= 0) {
                best = f;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best == null || best.place().region() != p.region()) {
            return null;
        }
        long off = p.address() - best.place().address();
        return off == 0 ? best.name() : best.name() + "+0x" + Long.toHexString(off);
    }

    /** The function symbol starting exactly at {@code p}, or null. */
    String functionAt(Place p) {
        String s = symbolize(p);
        return s != null && !s.contains("+0x") ? s : null;
    }

    /** The first defined symbol with this name, or null. */
    ElfSymbol symbolNamed(String name) {
        if (byName == null) {
            byName = new HashMap<>();
            for (ElfSymbol s : symbols) {
                if (s.isDefined()) {
                    byName.putIfAbsent(s.name(), s);
                }
            }
        }
        return byName.get(name);
    }

    private List<Function> functions() {
        if (functions == null) {
            List<Function> fs = new ArrayList<>();
            for (ElfSymbol s : symbols) {
                if (s.isFunction() && s.inSection()) {
                    Place p = layout == null ? new Place(null, s.value(), s.section()) : place(s.section(), s.value());
                    if (p != null) {
                        fs.add(new Function(p, s.size(), s.name()));
                    }
                }
            }
            fs.sort(Comparator.comparing(Function::place, placeOrder()));
            functions = fs;
        }
        return functions;
    }

    private static Comparator<Place> placeOrder() {
        return Comparator.comparing((Place p) -> p.region() == null ? -1 : p.region().ordinal())
                .thenComparing(Place::address, Long::compareUnsigned);
    }

    @Override
    public void close() throws IOException {
        elf.close();
    }
}
