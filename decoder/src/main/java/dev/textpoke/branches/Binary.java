package dev.textpoke.branches;

/**
 * A binary whose code a profile counts: the kernel, a module, or a file mapped by a process.
 * Addresses are counted at their load addresses; {@link #relative} gives them relative to the
 * binary's ELF as profile converters expect (simpleperf's {@code inject}: the address minus the
 * first loadable address of the ELF):
 *
 * <ul>
 *   <li>the kernel: relative to its {@code _text} (where vmlinux's first PT_LOAD starts, on x86-64
 *       and arm64), at its run-time address (the kernel MMAP's reference symbol, or kallsyms);
 *   <li>a module: relative to where the module's text was loaded (the {@code .text} the loader
 *       placed first);
 *   <li>a user-space file: relative to its load bias (the start of its mapping with the lowest file
 *       offset, less that offset), which is {@code vaddr - first PT_LOAD vaddr} for executables and
 *       shared objects alike.
 * </ul>
 *
 * @param path    the file, or perf's name for the kernel ({@code [kernel.kallsyms]}) and modules
 *                ({@code [name]}) when no file is known
 * @param buildId the build id in hex, empty when unknown
 * @param base    the load address that {@link #relative} subtracts
 */
public record Binary(Kind kind, String path, String buildId, long base) {
    public enum Kind {
        KERNEL,
        MODULE,
        USER
    }

    public long relative(long address) {
        return address - base;
    }
}
