package dev.textpoke.code.space;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Names addresses as perf does ({@code thread__find_map}, {@code map__find_symbol}): a user-mode
 * address through its process's mapping to the mapped file's symbols, a kernel-mode one through
 * the kernel's maps (kernel text, modules, BPF programs announced by KSYMBOL) to the kernel's
 * symbols. Also the reader of user-space code for a decoder: {@link #read}.
 *
 * <p>Not thread-safe.
 */
public final class Locator {
    private final AddressSpaces spaces;
    private final ObjectFiles files;
    private final java.util.function.Supplier<KernelSymbols> kernelSource;
    private KernelSymbols kernel;
    /** The objects of the mappings located so far (a call chain alternates between a few). */
    private final Map<Mapping, ObjectFile> objects = new IdentityHashMap<>();
    /**
     * The last locations made, by address (direct-mapped): a location depends only on the mapping,
     * the address and the mode, and a profile's frames repeat the same few thousand addresses.
     * Reused, it saves the symbol lookup and lets a printer keep what it made of it.
     */
    private final Location[] recent = new Location[RECENT];
    private final boolean[] recentKernel = new boolean[RECENT];
    private static final int RECENT = 4096;

    public Locator(AddressSpaces spaces, ObjectFiles files, KernelSymbols kernel) {
        this(spaces, files, () -> kernel);
    }

    /**
     * @param kernel the kernel's symbols, asked for when a kernel address is first named (reading
     *     kallsyms costs a few hundred milliseconds, and a pass that prints no symbol needs none)
     */
    public Locator(AddressSpaces spaces, ObjectFiles files, java.util.function.Supplier<KernelSymbols> kernel) {
        this.spaces = spaces;
        this.files = files;
        this.kernelSource = kernel;
    }

    private KernelSymbols kernel() {
        if (kernel == null) {
            kernel = kernelSource.get();
        }
        return kernel;
    }

    /**
     * The address as the object mapped there sees it ({@link Mapping#objectAddress}), without
     * naming anything: what perf script prints for a call chain frame when no symbol is asked for.
     */
    public long objectAddress(int pid, long addr, long time, boolean kernelMode) {
        if (kernelMode) {
            return addr;
        }
        Mapping m = spaces.find(pid, addr, time);
        return m == null ? addr : m.objectAddress(addr);
    }

    public AddressSpaces spaces() {
        return spaces;
    }

    /**
     * Locates {@code addr} of process {@code pid} at {@code time}; {@code kernelMode} selects the
     * kernel's maps, as the sample's or the call chain entry's cpumode does in perf.
     */
    public Location locate(int pid, long addr, long time, boolean kernelMode) {
        Mapping m = spaces.find(kernelMode ? AddressSpaces.KERNEL_PID : pid, addr, time);
        if (m == null) {
            return kernelMode ? kernel(addr, null) : new Location(addr, null, null, null, addr, Location.UNKNOWN);
        }
        int slot = (int) ((addr * 0x9E3779B97F4A7C15L) >>> 52); // 12 bits: RECENT
        Location l = recent[slot];
        if (l != null && l.address() == addr && l.mapping() == m && recentKernel[slot] == kernelMode) {
            return l;
        }
        if (kernelMode) {
            l = kernel(addr, m);
        } else {
            ObjectFile o = object(m);
            long at = m.objectAddress(addr);
            l = new Location(addr, m, o, o.symbol(at), at, m.name());
        }
        recent[slot] = l;
        recentKernel[slot] = kernelMode;
        return l;
    }

    /**
     * The address as perf's {@code brstackoff} prints it: where perf loaded the object from an image
     * (a user-space file found here, a vmlinux, the kcore beside kallsyms; perf's {@code
     * adjust_symbols}) the address itself, else as the map sees it ({@code map__map_ip}): the file
     * offset in user space, the offset into the kernel's map (whose start is the MMAP's, its pgoff
     * 0) or into a module's or a KSYMBOL's; the address itself outside every map.
     */
    public long dsoAddress(int pid, long addr, long time, boolean kernelMode) {
        Location l = locate(pid, addr, time, kernelMode);
        Mapping m = l.mapping();
        if (m == null) {
            return addr;
        }
        if (!m.kernel()) {
            return l.object() != null && l.object().file() != null ? addr : l.objectAddress();
        }
        if (isKernelText(m)) {
            return kernel().fromImage() ? addr : addr - m.start();
        }
        if (isModule(m)) {
            return kernel().fromImage() ? addr : addr - m.start() + m.pgoff();
        }
        return addr - m.start();
    }

    private Location kernel(long addr, Mapping m) {
        if (m != null && !isKernelText(m)) {
            if (!isModule(m)) {
                // A KSYMBOL map (BPF program, trampoline): perf makes it its own dso and symbol.
                return new Location(addr, m, null, new SymbolIndex.Found(m.name(), m.start(), m.end(), 0), addr,
                        m.name());
            }
            return new Location(addr, m, null, kernel().find(addr), addr, spaces.moduleDso(m.name()));
        }
        SymbolIndex.Found s = kernel().find(addr);
        if (m != null) {
            return new Location(addr, m, null, s != null && s.group() == 0 ? s : null, addr, KernelSymbols.KERNEL_DSO);
        }
        if (s != null && s.group() > 0) {
            return new Location(addr, null, null, s, addr, kernel().dsoOf(s));
        }
        if (s != null && spaces.kernelTextStart() != 0 && Long.compareUnsigned(addr, spaces.kernelTextStart()) >= 0) {
            // Past the text map's end (_etext) but a kernel symbol: init text, named as perf does.
            return new Location(addr, null, null, s, addr, KernelSymbols.KERNEL_DSO);
        }
        return new Location(addr, null, null, null, addr, Location.UNKNOWN);
    }

    private static boolean isKernelText(Mapping m) {
        return m.name().startsWith(KernelSymbols.KERNEL_DSO) || m.name().startsWith("[guest.kernel");
    }

    private static boolean isModule(Mapping m) {
        return ModuleNames.isModule(m.name());
    }

    private ObjectFile object(Mapping m) {
        return objects.computeIfAbsent(m, files::of);
    }

    /**
     * Reads up to {@code length} bytes of user-space code at {@code addr} of process {@code pid} at
     * {@code time} from the file mapped there, stopping at the end of the mapping; returns how
     * many were read (0: not mapped, or the file is not on this machine).
     */
    public int read(int pid, long addr, long time, byte[] dst, int at, int length) throws java.io.IOException {
        Mapping m = spaces.find(pid, addr, time);
        if (m == null || m.kernel()) {
            return 0;
        }
        long inMap = m.end() - addr;
        int n = (int) Math.min(length, Long.compareUnsigned(inMap, length) < 0 ? inMap : length);
        return object(m).read(m.objectAddress(addr), dst, at, n);
    }
}
