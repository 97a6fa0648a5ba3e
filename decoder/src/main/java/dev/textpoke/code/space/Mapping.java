package dev.textpoke.code.space;

import dev.textpoke.io.Bytes;

/**
 * One region of a process's (or the kernel's) address space, as an MMAP, MMAP2 or KSYMBOL record
 * announced it: {@code [start, end)} maps the object {@code name} from file offset {@code pgoff}.
 *
 * @param pid the process, or {@link AddressSpaces#KERNEL_PID} for kernel maps
 * @param name the file as the kernel named it ({@code /usr/lib/x86_64-linux-gnu/libc.so.6}),
 *     or a special name ({@code [vdso]}, {@code //anon}, {@code [kernel.kallsyms]_text}, a BPF
 *     program's name)
 * @param buildId the build id the record carried (MMAP2 with {@code PERF_RECORD_MISC_MMAP_BUILD_ID})
 *     or the BUILD_ID feature gave for the name, else null
 * @param executable whether the mapping is code ({@code PROT_EXEC}, or an MMAP without
 *     {@code PERF_RECORD_MISC_MMAP_DATA})
 * @param identity whether addresses in it are not file offsets (anonymous memory, heap, stack:
 *     perf's {@code identity__map_ip})
 * @param since the time of the record that created it
 */
public record Mapping(int pid, long start, long end, long pgoff, String name, Bytes buildId, boolean executable,
        boolean identity, long since) {

    public long length() {
        return end - start;
    }

    public boolean contains(long addr) {
        return Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, end) < 0;
    }

    /** Whether this is a kernel map (kernel text, a module, a BPF program). */
    public boolean kernel() {
        return pid == AddressSpaces.KERNEL_PID;
    }

    /**
     * The address as the mapped object sees it, as perf's {@code map__map_ip} computes it: the file
     * offset {@code addr - start + pgoff} for a user-space file, the address itself for kernel maps
     * (perf's identity map for the kernel and its modules). perf script prints this for user-space
     * call chain frames.
     */
    public long objectAddress(long addr) {
        return kernel() || identity ? addr : addr - start + pgoff;
    }

    /** A copy covering {@code [from, to)} of this one, for what remains when another overlaps it. */
    Mapping cut(long from, long to, long when) {
        return new Mapping(pid, from, to, kernel() || identity ? pgoff : pgoff + (from - start), name, buildId,
                executable, identity, when);
    }

    /** The same region in another process (a fork copies its parent's maps). */
    Mapping inProcess(int otherPid, long when) {
        return new Mapping(otherPid, start, end, pgoff, name, buildId, executable, identity, when);
    }
}
