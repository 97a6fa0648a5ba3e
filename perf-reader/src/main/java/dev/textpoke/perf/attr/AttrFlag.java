package dev.textpoke.perf.attr;

/**
 * The bit-fields of {@code perf_event_attr}'s flags word (u64 at offset 40), in the little-endian
 * bit numbering the kernel uses on little-endian machines. A byte-swapped file stores them with the
 * bits of every byte reversed; {@link EventAttr} undoes that when it reads the file.
 */
public enum AttrFlag {
    DISABLED(0), INHERIT(1), PINNED(2), EXCLUSIVE(3), EXCLUDE_USER(4), EXCLUDE_KERNEL(5),
    EXCLUDE_HV(6), EXCLUDE_IDLE(7), MMAP(8), COMM(9), FREQ(10), INHERIT_STAT(11),
    ENABLE_ON_EXEC(12), TASK(13), WATERMARK(14),
    /** Two bits: skid constraint 0..3. */
    PRECISE_IP(15, 2),
    MMAP_DATA(17), SAMPLE_ID_ALL(18), EXCLUDE_HOST(19), EXCLUDE_GUEST(20),
    EXCLUDE_CALLCHAIN_KERNEL(21), EXCLUDE_CALLCHAIN_USER(22), MMAP2(23), COMM_EXEC(24),
    USE_CLOCKID(25), CONTEXT_SWITCH(26), WRITE_BACKWARD(27), NAMESPACES(28), KSYMBOL(29),
    BPF_EVENT(30), AUX_OUTPUT(31), CGROUP(32), TEXT_POKE(33), BUILD_ID(34), INHERIT_THREAD(35),
    REMOVE_ON_EXEC(36), SIGTRAP(37), DEFER_CALLCHAIN(38), DEFER_OUTPUT(39);

    private final int bit;
    private final int width;

    AttrFlag(int bit) {
        this(bit, 1);
    }

    AttrFlag(int bit, int width) {
        this.bit = bit;
        this.width = width;
    }

    public int bit() {
        return bit;
    }

    /** This field's value in {@code flags}. */
    public long get(long flags) {
        return flags >>> bit & ((1L << width) - 1);
    }

    /** The name perf prints for the field ({@code sample_id_all}). */
    public String perfName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
