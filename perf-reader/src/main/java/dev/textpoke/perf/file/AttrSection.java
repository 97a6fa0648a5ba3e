package dev.textpoke.perf.file;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.attr.EventAttr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the file-mode attr section: {@code attrs.size / attr_size} entries, each stepped by {@code
 * attr_size}. Within an entry the attr takes its own {@code size} (any size from 64 bytes up: a
 * newer perf's fields are kept as the attr's tail, never refused, unlike perf's {@code read_attr})
 * and the ids section field follows it.
 */
public final class AttrSection {
    /** Attr sections are a few KB; this bounds what a corrupt header can make us allocate. */
    static final long MAX_SECTION = 64L << 20;

    private AttrSection() {}

    /**
     * @throws PerfFormatException {@code BAD_SIZE} when the section or an ids section lies outside
     *     the file, {@code BAD_ATTR} when an attr does not fit its entry or its size is malformed
     */
    public static List<FileAttr> read(FileChannel ch, FileHeader h, long fileSize, String source)
            throws IOException {
        FileSection s = h.attrs();
        if (!s.within(fileSize)) {
            throw new PerfFormatException(Kind.BAD_SIZE, source, 24, "attr section [" + s.offset()
                    + ", +" + Long.toUnsignedString(s.size()) + ") lies outside the " + fileSize
                    + "-byte file");
        }
        if (s.size() > MAX_SECTION) {
            throw new PerfFormatException(Kind.LIMIT, source, 24, "attr section of " + s.size()
                    + " bytes is larger than " + MAX_SECTION);
        }
        long attrSize = h.attrSize();
        if (attrSize < EventAttr.SIZE_VER0 + FileSection.BYTES) {
            throw new PerfFormatException(Kind.BAD_SIZE, source, 16, "attr_size " + Long.toUnsignedString(attrSize)
                    + " is smaller than a 64-byte attr and its 16-byte ids section");
        }
        long nr = s.size() / attrSize;
        ByteCursor all = ByteCursor.of(readFully(ch, s.offset(), (int) s.size()), h.order(), source, s.offset());
        List<FileAttr> out = new ArrayList<>((int) nr);
        for (int i = 0; i < nr; i++) {
            long entryAt = s.offset() + i * attrSize;
            try {
                ByteCursor entry = all.slice(attrSize, "attr section entry");
                EventAttr attr = EventAttr.read(entry);
                if (entry.remaining() < FileSection.BYTES) {
                    throw new PerfFormatException(Kind.BAD_ATTR, source, entryAt, "attr of "
                            + attr.size() + " bytes leaves no room for its ids section in an entry of "
                            + attrSize + " bytes");
                }
                long idsAt = entry.offset();
                FileSection ids = new FileSection(entry.u64("ids offset"), entry.u64("ids size"));
                Bytes gap = entry.immutableBytes(entry.remaining(), "attr entry gap");
                out.add(new FileAttr(entryAt, attr, ids, readIds(ch, ids, h, fileSize, source, idsAt), gap));
            } catch (PerfFormatException e) {
                throw e;
            } catch (InputFormatException e) {
                throw new PerfFormatException(Kind.BAD_ATTR, source, e.offset(), e.problem(), e);
            }
        }
        return out;
    }

    private static List<Long> readIds(FileChannel ch, FileSection ids, FileHeader h, long fileSize,
            String source, long fieldAt) throws IOException {
        if (ids.size() == 0) {
            return List.of();
        }
        if (!ids.within(fileSize) || ids.size() % 8 != 0 || ids.size() > MAX_SECTION) {
            throw new PerfFormatException(Kind.BAD_SIZE, source, fieldAt, "ids section [" + ids.offset()
                    + ", +" + Long.toUnsignedString(ids.size()) + ") lies outside the " + fileSize
                    + "-byte file or is not a whole number of u64");
        }
        ByteCursor c = ByteCursor.of(readFully(ch, ids.offset(), (int) ids.size()), h.order(), source, ids.offset());
        List<Long> out = new ArrayList<>((int) (ids.size() / 8));
        while (c.hasRemaining()) {
            out.add(c.u64("event id"));
        }
        return out;
    }

    /** Reads {@code n} bytes at {@code at}; the caller has checked they are in the file. */
    static byte[] readFully(FileChannel ch, long at, int n) throws IOException {
        byte[] out = new byte[n];
        ByteBuffer b = ByteBuffer.wrap(out);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new java.io.EOFException("file shrank while reading at " + (at + b.position()));
            }
        }
        return out;
    }
}
