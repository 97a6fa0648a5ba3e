package dev.textpoke.branches;

import dev.textpoke.perf.record.PerfRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which binary holds an address, from the maps a perf.data announces (MMAP, MMAP2, FORK, COMM of
 * an exec), as perf keeps them: the kernel and its modules (the MMAP records perf synthesises with
 * pid -1), and each process's executable mappings. Feed it every sideband record in order
 * ({@link BranchStackReader.Sideband}); when the file has no kernel maps (a writer-made file with a
 * kcore copy), give them with {@link #kernel} and {@link #module}.
 */
public final class Binaries implements BranchStackReader.Sideband {
    /** perf's name of the kernel map and DSO. */
    public static final String KERNEL_NAME = "[kernel.kallsyms]";
    private static final int PROT_EXEC = 4;

    private record Mapping(long start, long end, Binary binary) {}

    private final Map<String, String> buildIds;
    private Mapping kernel;
    private final TreeMap<Long, Mapping> modules = new TreeMap<>(Long::compareUnsigned);
    private final Map<Integer, TreeMap<Long, Mapping>> processes = new HashMap<>();
    /** Per process and file: {@code {start, pgoff}} of its mapping with the lowest offset. */
    private final Map<Integer, Map<String, long[]>> bias = new HashMap<>();
    private final Map<String, Binary> interned = new HashMap<>();
    /** Build ids that MMAP2 records carry (perf record --buildid-mmap). */
    private final Map<String, String> mmapBuildIds = new HashMap<>();

    /** @param buildIds build ids in hex by file name (the BUILD_ID feature: perf's names for the kernel) */
    public Binaries(Map<String, String> buildIds) {
        this.buildIds = Map.copyOf(buildIds);
    }

    /** Declares the kernel's text {@code [start, end)} with {@code _text} at {@code textAddress}. */
    public void kernel(long start, long end, long textAddress) {
        kernel = new Mapping(start, end, intern(Binary.Kind.KERNEL, KERNEL_NAME, textAddress));
    }

    /** Declares a module loaded at {@code start}, {@code size} bytes. */
    public void module(String name, long start, long size) {
        String path = "[" + name + "]";
        modules.put(start, new Mapping(start, start + size, intern(Binary.Kind.MODULE, path, start)));
    }

    public boolean hasKernel() {
        return kernel != null;
    }

    @Override
    public void record(PerfRecord r) {
        if (r instanceof PerfRecord.Mmap m) {
            boolean exec = (m.header().misc() & PerfRecord.Misc.MMAP_DATA) == 0;
            map(m.pid(), m.addr(), m.len(), m.pgoff(), m.filename().text(), exec, null);
        } else if (r instanceof PerfRecord.Mmap2 m) {
            String id = m.hasBuildId() ? m.buildId().hex() : null;
            map(m.pid(), m.addr(), m.len(), m.pgoff(), m.filename().text(), (m.prot() & PROT_EXEC) != 0, id);
        } else if (r instanceof PerfRecord.Fork f && f.pid() != f.ppid()) {
            TreeMap<Long, Mapping> parent = processes.get(f.ppid());
            if (parent != null) {
                processes.put(f.pid(), new TreeMap<>(parent));
                bias.put(f.pid(), new HashMap<>(bias.getOrDefault(f.ppid(), Map.of())));
            }
        } else if (r instanceof PerfRecord.Comm c && c.exec()) {
            processes.remove(c.pid());
            bias.remove(c.pid());
        }
    }

    private void map(int pid, long addr, long len, long pgoff, String file, boolean exec, String buildId) {
        if (pid == -1) {
            if (file.startsWith(KERNEL_NAME)) {
                // perf record's kernel map: [kernel.kallsyms]_text, pgoff the symbol's address.
                String sym = file.substring(KERNEL_NAME.length());
                long text = sym.equals("_text") || sym.equals("_stext") ? pgoff : addr;
                kernel = new Mapping(addr, addr + len, intern(Binary.Kind.KERNEL, KERNEL_NAME, text));
            } else {
                modules.put(addr, new Mapping(addr, addr + len, intern(Binary.Kind.MODULE, file, addr)));
            }
            return;
        }
        // The load bias: the mapping of the lowest file offset (the lowest such mapping), less
        // that offset. simpleperf writes pgoff 0 for every mapping, so ties go to the lowest address.
        Map<String, long[]> biases = bias.computeIfAbsent(pid, p -> new HashMap<>());
        long[] first = biases.get(file);
        if (first == null || Long.compareUnsigned(pgoff, first[1]) < 0
                || (pgoff == first[1] && Long.compareUnsigned(addr, first[0]) < 0)) {
            biases.put(file, new long[] {addr, pgoff});
        }
        if (!exec) {
            return;
        }
        if (buildId != null && !buildIds.containsKey(file)) {
            mmapBuildIds.put(file, buildId);
        }
        long[] f = biases.get(file);
        long base = f[0] - f[1];
        TreeMap<Long, Mapping> maps = processes.computeIfAbsent(pid, p -> new TreeMap<>(Long::compareUnsigned));
        // A new mapping replaces what it overlaps (mmap over an old range).
        Map.Entry<Long, Mapping> e;
        while ((e = maps.floorEntry(addr + len - 1)) != null && Long.compareUnsigned(e.getValue().end(), addr) > 0) {
            maps.remove(e.getKey());
        }
        maps.put(addr, new Mapping(addr, addr + len, intern(Binary.Kind.USER, file, base)));
    }

    private Binary intern(Binary.Kind kind, String path, long base) {
        String id = buildIds.get(path);
        if (id == null) {
            id = mmapBuildIds.get(path);
        }
        if (id == null && kind == Binary.Kind.KERNEL) {
            id = buildIds.get(KERNEL_NAME);
        }
        String buildId = id == null ? "" : id;
        String key = kind + "\0" + path + "\0" + buildId + "\0" + base;
        return interned.computeIfAbsent(key, k -> new Binary(kind, path, buildId, base));
    }

    /**
     * The binary holding {@code addr} for process {@code pid}, or null. Kernel addresses (the upper
     * half) are looked up in the kernel and modules whatever the process.
     */
    public Binary of(long addr, int pid) {
        if (addr < 0) {
            Mapping k = kernel;
            if (k != null && Long.compareUnsigned(addr, k.start) >= 0 && Long.compareUnsigned(addr, k.end) < 0) {
                return k.binary;
            }
            Map.Entry<Long, Mapping> e = modules.floorEntry(addr);
            return e != null && Long.compareUnsigned(addr, e.getValue().end) < 0 ? e.getValue().binary : null;
        }
        TreeMap<Long, Mapping> maps = processes.get(pid);
        if (maps == null) {
            return null;
        }
        Map.Entry<Long, Mapping> e = maps.floorEntry(addr);
        return e != null && Long.compareUnsigned(addr, e.getValue().end) < 0 ? e.getValue().binary : null;
    }

    /** Every binary seen, for tests and listings. */
    public List<Binary> all() {
        return new ArrayList<>(interned.values());
    }
}
