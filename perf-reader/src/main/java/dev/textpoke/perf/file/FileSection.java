package dev.textpoke.perf.file;

/**
 * {@code struct perf_file_section { u64 offset; u64 size; }}: a region of the file. Values are
 * unsigned; {@link #end()} saturates instead of wrapping.
 */
public record FileSection(long offset, long size) {
    public static final FileSection EMPTY = new FileSection(0, 0);
    /** Bytes one section takes on disk. */
    public static final int BYTES = 16;

    /** First byte after the section, or {@code Long.MAX_VALUE} when offset + size overflows. */
    public long end() {
        long e = offset + size;
        return offset < 0 || size < 0 || e < 0 ? Long.MAX_VALUE : e;
    }

    /** Whether the section lies within a file of {@code fileSize} bytes. */
    public boolean within(long fileSize) {
        return offset >= 0 && size >= 0 && end() <= fileSize;
    }
}
