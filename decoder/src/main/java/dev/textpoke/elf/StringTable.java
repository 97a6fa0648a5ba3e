package dev.textpoke.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A string table section ({@code SHT_STRTAB}): NUL-terminated names looked up by offset. */
final class StringTable {
    private final ByteBuffer data;
    private final String source;
    private final long fileOffset;

    StringTable(ByteBuffer data, String source, long fileOffset) {
        this.data = data;
        this.source = source;
        this.fileOffset = fileOffset;
    }

    /** The string at {@code offset}; {@code reportAt} is the file offset of the field that named it. */
    String get(long offset, long reportAt) throws ElfFormatException {
        int limit = data.limit();
        if (offset < 0 || offset >= limit) {
            if (offset == 0 && limit == 0) {
                return ""; // an empty table still answers the empty name
            }
            throw new ElfFormatException(source, reportAt, ElfFormatException.Kind.BAD_STRING,
                    "name offset " + offset + " is outside the string table at file offset "
                            + fileOffset + " (" + limit + " bytes)");
        }
        int start = (int) offset;
        int end = start;
        if (data.hasArray()) {
            // the common case, scanned without a bounds-checked get per byte: a library's debug
            // file has some 10,000 names, read while the program is still starting
            byte[] a = data.array();
            int base = data.arrayOffset();
            while (end < limit && a[base + end] != 0) {
                end++;
            }
            if (end < limit) {
                return new String(a, base + start, end - start, StandardCharsets.UTF_8);
            }
        } else {
            while (end < limit && data.get(end) != 0) {
                end++;
            }
        }
        if (end == limit) {
            throw new ElfFormatException(source, reportAt, ElfFormatException.Kind.BAD_STRING,
                    "name at offset " + offset + " of the string table at file offset " + fileOffset
                            + " is not NUL-terminated");
        }
        byte[] bytes = new byte[end - start];
        data.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
