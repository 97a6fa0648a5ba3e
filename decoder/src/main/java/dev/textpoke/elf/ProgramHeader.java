package dev.textpoke.elf;

/**
 * One program header ({@code Elf32_Phdr} / {@code Elf64_Phdr}): a segment of the file and where it
 * is loaded. A {@code PT_LOAD} segment maps {@code filesz} bytes from {@code offset} to {@code
 * vaddr}; the rest up to {@code memsz} is zero.
 */
public record ProgramHeader(int index, int type, int flags, long offset, long vaddr, long paddr,
        long filesz, long memsz, long align) {

    public static final int PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4;
    /** {@code p_flags} bits. */
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;

    public boolean isLoad() {
        return type == PT_LOAD;
    }

    public boolean isExecutable() {
        return (flags & PF_X) != 0;
    }

    /** Whether {@code address} falls in {@code [vaddr, vaddr + memsz)}. */
    public boolean containsAddress(long address) {
        return Long.compareUnsigned(address - vaddr, memsz) < 0;
    }
}
