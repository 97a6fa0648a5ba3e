package dev.textpoke.code.space;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.record.PerfRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who ran where: the address spaces of the processes in a perf.data and of the kernel, and the
 * command name of each thread, over time, built from the sideband records (MMAP, MMAP2, COMM,
 * FORK, EXIT, KSYMBOL) as perf's {@code machine__process_*_event} functions build them
 * (tools/perf/util/machine.c):
 *
 * <ul>
 *   <li>MMAP/MMAP2 map a file into the process {@code pid}, cutting what it overlaps; {@code pid}
 *       -1 is the kernel ({@code [kernel.kallsyms]_text}, modules);
 *   <li>FORK of a new process copies its parent's maps; a new thread shares its process's; the
 *       child takes its parent's command name;
 *   <li>COMM names a thread (an exec keeps the maps until new MMAPs replace them, as in perf);
 *   <li>KSYMBOL (un)registers kernel code: BPF programs and trampolines, each its own map.
 * </ul>
 *
 * Records are given in time order (as perf delivers them); queries may ask about any time, the
 * current one fastest. Thread 0 is {@code swapper}, a thread never named is {@code :<tid>}, as in
 * perf ({@code thread__new}). Not thread-safe.
 */
public final class AddressSpaces {
    /** The process id of kernel maps, as the kernel writes it in their MMAP records. */
    public static final int KERNEL_PID = -1;
    /** {@code PERF_RECORD_MISC_MMAP_DATA}: an MMAP of data, not code. */
    private static final int MISC_MMAP_DATA = 1 << 13;
    /** {@code PERF_RECORD_MISC_COMM_EXEC}. */
    private static final int MISC_COMM_EXEC = 1 << 13;
    /** {@code PROT_EXEC}. */
    private static final long PROT_EXEC = 4;
    /** {@code MAP_HUGETLB} (uapi asm-generic/mman.h). */
    private static final long MAP_HUGETLB = 0x40000;
    /** {@code PERF_RECORD_KSYMBOL_FLAGS_UNREGISTER}. */
    private static final int KSYMBOL_UNREGISTER = 1;

    private final Map<Integer, ProcessMaps> maps = new HashMap<>();
    private final Map<Integer, Integer> pidOfTid = new HashMap<>();
    private final Map<Integer, List<Named>> comms = new HashMap<>();
    private static final int COMM_CACHE = 64;
    private final int[] cachedTid = new int[COMM_CACHE];
    @SuppressWarnings("unchecked")
    private final List<Named>[] cachedNames = new List[COMM_CACHE];
    /**
     * Processes' maps behind a small direct-mapped cache: a -a -g pass looks up a process for
     * every user frame, and the processes of consecutive samples alternate with the CPU.
     */
    private static final int MAPS_CACHE = 64;
    private final int[] cachedPid = new int[MAPS_CACHE];
    private final ProcessMaps[] cachedMaps = new ProcessMaps[MAPS_CACHE];
    /** Build ids by file name, from the BUILD_ID feature or HEADER_BUILD_ID records. */
    private final Map<String, Bytes> buildIds = new HashMap<>();
    /**
     * The dso name of each kernel module by its short name ({@code [name]}), fixed by whichever came
     * first: the module's entry in the host's build-id table, which names it by its path, or its map.
     */
    private final Map<String, String> moduleDsos = new HashMap<>();
    /** {@link #moduleDso} by map name: fixed once the map is there. */
    private final Map<String, String> moduleDsoOfMap = new HashMap<>();
    /** Where the kernel's text map starts (its MMAP), or 0 before one was seen. */
    private long kernelTextStart;

    /** A command name and the time it was given. */
    private record Named(long since, String comm) {}

    public AddressSpaces() {
        maps.put(KERNEL_PID, new ProcessMaps());
        comms.put(0, new ArrayList<>(List.of(new Named(0, "swapper"))));
    }

    /** A build id for a file name, from the BUILD_ID feature: MMAPs of that name carry it. */
    public void buildId(String name, Bytes id) {
        buildIds.put(name, id);
    }

    /**
     * A kernel object of the host's build-id table (the BUILD_ID feature, or a pipe's HEADER_BUILD_ID
     * record as it arrives). perf makes a dso of each entry, named by the entry's path; the map an
     * MMAP later makes for a module finds that dso by the module's short name and keeps its name
     * (machine.c, {@code machine__findnew_module_dso}): the module is then printed by its path. A
     * module whose map came first, or that the table lacks, is {@code [name]}.
     */
    public void kernelObject(String name) {
        if (!name.startsWith("[") && ModuleNames.isModule(name)) {
            moduleDsos.putIfAbsent(ModuleNames.shortName(name), name);
        }
    }

    /** The dso perf names a kernel module's map after (see {@link #kernelObject}). */
    public String moduleDso(String mapName) {
        return moduleDsoOfMap.computeIfAbsent(mapName, n -> {
            String shortName = ModuleNames.shortName(n);
            return moduleDsos.getOrDefault(shortName, shortName);
        });
    }

    /** Applies a sideband record delivered at {@code time}; other records are ignored. */
    public void record(PerfRecord r, long time) {
        if (r instanceof PerfRecord.Mmap m) {
            mmap(m.pid(), m.addr(), m.len(), m.pgoff(), m.filename().text(), null,
                    (m.header().misc() & MISC_MMAP_DATA) == 0 ? PROT_EXEC : 0, 0, time);
        } else if (r instanceof PerfRecord.Mmap2 m) {
            mmap(m.pid(), m.addr(), m.len(), m.pgoff(), m.filename().text(), m.hasBuildId() ? m.buildId() : null,
                    m.prot(), m.flags(), time);
        } else if (r instanceof PerfRecord.Comm c) {
            comm(c.pid(), c.tid(), c.comm().text(), (c.header().misc() & MISC_COMM_EXEC) != 0, time);
        } else if (r instanceof PerfRecord.Fork f) {
            fork(f.pid(), f.ppid(), f.tid(), f.ptid(), time);
        } else if (r instanceof PerfRecord.Ksymbol k) {
            ksymbol(k.addr(), k.len(), k.name().text(), (k.flags() & KSYMBOL_UNREGISTER) != 0, time);
        }
    }

    /**
     * Maps {@code [start, start + len)} of process {@code pid} (-1: the kernel) to a file, as perf's
     * {@code map__new} does (tools/perf/util/map.c): anonymous memory ({@code //anon}, {@code
     * /dev/zero}, {@code /anon_hugepage}, MAP_HUGETLB) and memory of no file ({@code [stack},
     * {@code [heap]}, {@code /SYSV}) keep their addresses, and executable such memory (JIT code)
     * is named after its symbol map, {@code /tmp/perf-PID.map}; the vDSO's offset is 0.
     *
     * @param prot {@code PROT_*} of the mapping ({@code PROT_EXEC} for an MMAP of code)
     * @param flags {@code MAP_*} of the mapping
     */
    public void mmap(int pid, long start, long len, long pgoff, String name, Bytes buildId, long prot, long flags,
            long time) {
        if (len == 0) {
            return;
        }
        long end = start + len;
        if (Long.compareUnsigned(end, start) <= 0) {
            end = -1L; // to the top of the address space
        }
        boolean exec = (prot & PROT_EXEC) != 0;
        boolean anon = name.equals("//anon") || name.startsWith("/dev/zero") || name.startsWith("/anon_hugepage")
                || (flags & MAP_HUGETLB) != 0;
        boolean noFile = name.startsWith("[stack") || name.startsWith("/SYSV") || name.equals("[heap]");
        String n = (anon || noFile) && exec && pid != KERNEL_PID ? "/tmp/perf-" + pid + ".map" : name;
        if (pid == KERNEL_PID && name.startsWith(KernelSymbols.KERNEL_DSO)) {
            kernelTextStart = start;
        } else if (pid == KERNEL_PID && ModuleNames.isModule(name)) {
            String shortName = ModuleNames.shortName(name);
            moduleDsos.putIfAbsent(shortName, shortName);
        }
        Bytes id = buildId != null ? buildId : buildIds.get(n);
        long offset = name.equals("[vdso]") ? 0 : pgoff;
        process(pid).insert(new Mapping(pid, start, end, offset, n, id, exec, anon || noFile, time));
    }

    /** Registers (or unregisters) kernel code announced by KSYMBOL: a map of its own, named after it. */
    public void ksymbol(long addr, long len, String name, boolean unregister, long time) {
        if (len <= 0) {
            return;
        }
        ProcessMaps k = process(KERNEL_PID);
        if (unregister) {
            k.remove(addr, addr + len, time);
        } else {
            k.insert(new Mapping(KERNEL_PID, addr, addr + len, 0, name, null, true, true, time));
        }
    }

    public void comm(int pid, int tid, String comm, boolean exec, long time) {
        pidOfTid.put(tid, pid);
        comms.computeIfAbsent(tid, t -> new ArrayList<>(1)).add(new Named(time, comm));
        // An exec does not drop the old maps, as in perf: a sample taken during the execve call
        // still has the old program's frames, and the new program's MMAPs replace what they cover.
    }

    /** A new thread ({@code pid == ppid}) or a new process, which gets a copy of its parent's maps. */
    public void fork(int pid, int ppid, int tid, int ptid, long time) {
        pidOfTid.put(tid, pid);
        String parent = comm(ptid, time);
        comms.computeIfAbsent(tid, t -> new ArrayList<>(1)).add(new Named(time, parent));
        if (pid != ppid && pid != KERNEL_PID) {
            ProcessMaps child = process(pid);
            ProcessMaps from = maps.get(ppid);
            if (from != null) {
                for (Mapping m : from.currentMappings()) {
                    child.insert(m.inProcess(pid, time));
                }
            }
        }
    }

    /**
     * Where the kernel's text map starts, or 0 when no MMAP announced it. The map's MMAP ends at
     * {@code _etext}, but perf, reading the running kernel's kcore, names the kernel's symbols
     * above it too (init text: the idle task's stack ends in {@code start_kernel}).
     */
    public long kernelTextStart() {
        return kernelTextStart;
    }

    /** The mapping holding {@code addr} in process {@code pid} (-1: the kernel) at {@code time}, or null. */
    public Mapping find(int pid, long addr, long time) {
        int slot = pid & (MAPS_CACHE - 1);
        ProcessMaps p = cachedMaps[slot];
        if (p == null || cachedPid[slot] != pid) {
            p = maps.get(pid);
            if (p == null) {
                return null;
            }
            cachedPid[slot] = pid;
            cachedMaps[slot] = p;
        }
        return p.find(addr, time);
    }

    /**
     * As perf's {@code thread__find_map}: a kernel-mode address among the kernel's maps, a
     * user-mode one among the process's.
     */
    public Mapping find(int pid, long addr, long time, boolean kernelMode) {
        return find(kernelMode ? KERNEL_PID : pid, addr, time);
    }

    /** The process a thread belongs to, or the thread id itself when no record said. */
    public int pidOf(int tid) {
        return pidOfTid.getOrDefault(tid, tid);
    }

    /** The command name of a thread at {@code time}: {@code swapper} for 0, {@code :<tid>} if never named. */
    public String comm(int tid, long time) {
        // A small direct-mapped cache in front of the map: a sample pass asks for the same few
        // threads' names millions of times, and lists only grow (COMM, FORK append to them).
        int slot = tid & (COMM_CACHE - 1);
        List<Named> names;
        if (cachedTid[slot] == tid && cachedNames[slot] != null) {
            names = cachedNames[slot];
        } else {
            names = comms.get(tid);
            if (names != null) {
                cachedTid[slot] = tid;
                cachedNames[slot] = names;
            }
        }
        if (names == null || names.isEmpty()) {
            return ":" + tid;
        }
        Named last = names.get(names.size() - 1);
        if (Long.compareUnsigned(last.since(), time) <= 0) {
            return last.comm();
        }
        for (int i = names.size() - 2; i >= 0; i--) {
            if (Long.compareUnsigned(names.get(i).since(), time) <= 0) {
                return names.get(i).comm();
            }
        }
        return names.get(0).comm();
    }

    private ProcessMaps process(int pid) {
        // a process's maps, once made, stay the same object: cached entries stay right
        return maps.computeIfAbsent(pid, p -> new ProcessMaps());
    }
}
