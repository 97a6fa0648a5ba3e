package dev.textpoke.code.space;

/**
 * Where an address of a process (or the kernel) was at a time: its mapping, the object mapped
 * there, and the symbol covering it; what perf script prints as {@code ip sym+off (dso)}.
 *
 * @param address the address asked about
 * @param mapping the mapping holding it, or null
 * @param object the object mapped there (a file, the kernel, a BPF program), or null when unknown
 * @param symbol the symbol covering it, or null
 * @param objectAddress the address as the object sees it ({@link Mapping#objectAddress}): what
 *     symbols are indexed by and perf script prints for user-space frames
 * @param dso the name perf prints for the object: the mapped file, {@code [kernel.kallsyms]},
 *     {@code [module]}, a BPF program's name, or {@code [unknown]}
 */
public record Location(long address, Mapping mapping, ObjectFile object, SymbolIndex.Found symbol,
        long objectAddress, String dso) {
    /** perf's name for what it cannot name. */
    public static final String UNKNOWN = "[unknown]";

    /** The offset into the symbol, in the object's addresses. */
    public long symbolOffset() {
        return symbol == null ? 0 : objectAddress - symbol.start();
    }
}
