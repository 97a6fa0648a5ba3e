package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.file.FileHeader;
import dev.textpoke.perf.file.Magic;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes a perf.data that perf accepts, in file mode or pipe mode, in either byte order: any
 * attrs with their ids, any feature sections, any records (as bytes: a record's own bytes from a
 * reader, or one made by {@link RecordEncoder}), and AUXTRACE/TRACING_DATA payloads after them.
 *
 * <p>File mode ({@code perf.data-file-format.txt}): {@code struct perf_file_header} (104 bytes),
 * the id arrays, the attr section ({@code {perf_event_attr; perf_file_section ids}} per event,
 * stepped by the largest attr size), the data section, then at {@code data.offset + data.size}
 * the feature table ({@code perf_file_section} per feature bit, ascending) and the feature
 * sections. Every event must be added before the first record; the header is written last.
 *
 * <p>Pipe mode: the 16-byte pipe header ({@code u64 magic; u64 size = 16}), then HEADER_ATTR
 * records ({@code attr} then {@code u64 id[]}), HEADER_FEATURE records ({@code u64 feat_id} then
 * the section), and the records.
 */
public final class PerfWriter implements Closeable {
    private static final int HEADER_ATTR = 64;
    private static final int HEADER_FEATURE = 80;
    private static final int PIPE_HEADER = 16;

    private final WritableByteChannel out;
    private final FileChannel file;
    private final ByteOrder order;
    private final boolean pipe;
    private final List<byte[]> attrs = new ArrayList<>();
    private final List<long[]> ids = new ArrayList<>();
    private final TreeMap<Integer, Bytes> features = new TreeMap<>();
    private long position;
    private long dataStart = -1;
    private long attrSectionOffset;
    private int attrSize;
    private boolean closed;

    private PerfWriter(WritableByteChannel out, FileChannel file, ByteOrder order, boolean pipe) {
        this.out = out;
        this.file = file;
        this.order = order;
        this.pipe = pipe;
    }

    /** A file-mode perf.data at {@code path} (replaced if it exists). */
    public static PerfWriter file(Path path, ByteOrder order) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        PerfWriter w = new PerfWriter(ch, ch, order, false);
        ch.position(FileHeader.SIZE);
        w.position = FileHeader.SIZE;
        return w;
    }

    /** A pipe-mode stream on {@code out} (which this writer closes). */
    public static PerfWriter pipe(OutputStream out, ByteOrder order) throws IOException {
        PerfWriter w = new PerfWriter(Channels.newChannel(out), null, order, true);
        ByteBuffer h = buffer(PIPE_HEADER, order);
        h.putLong(MAGIC).putLong(PIPE_HEADER);
        w.write(h.flip());
        return w;
    }

    public ByteOrder order() {
        return order;
    }

    private static ByteBuffer buffer(int size, ByteOrder order) {
        return ByteBuffer.allocate(size).order(order);
    }

    /**
     * The magic, written as a u64 in the writer's order: perf writes the same number on every
     * machine, so a big-endian file starts with {@code "2ELIFREP"}, which is how readers tell its
     * order.
     */
    private static final long MAGIC = Magic.V2_LE;

    /** Adds an event: its attr and the ids of its per-CPU/per-thread instances. */
    public void event(EventAttr attr, long[] eventIds) throws IOException {
        requireOpen();
        byte[] a = AttrEncoder.encode(attr, order);
        if (pipe) {
            ByteBuffer r = recordBuffer(HEADER_ATTR, 0, a.length + 8 * eventIds.length);
            r.put(a);
            for (long id : eventIds) {
                r.putLong(id);
            }
            write(r.flip());
            return;
        }
        if (dataStart >= 0) {
            throw new IllegalStateException("file mode: every event must come before the first record");
        }
        attrs.add(a);
        ids.add(eventIds.clone());
    }

    /** Adds a feature section ({@code HEADER_*} id of {@code perf/util/header.h}). */
    public void feature(int id, Bytes section) throws IOException {
        requireOpen();
        if (id <= 0 || id >= FileHeader.FEATURE_BITS) {
            throw new IllegalArgumentException("feature id " + id + " is outside 1.." + (FileHeader.FEATURE_BITS - 1));
        }
        if (pipe) {
            ByteBuffer r = recordBuffer(HEADER_FEATURE, 0, 8 + section.length());
            r.putLong(id).put(section.toArray());
            write(r.flip());
        } else {
            features.put(id, section);
        }
    }

    private ByteBuffer recordBuffer(int type, int misc, int bodySize) {
        int size = 8 + bodySize;
        if (size > 0xffff) {
            throw new IllegalArgumentException("a record of " + size + " bytes is more than header.size holds");
        }
        ByteBuffer r = buffer(size, order);
        r.putInt(type).putShort((short) misc).putShort((short) size);
        return r;
    }

    /** Writes one record, header included, exactly as given (its bytes must be in this writer's order). */
    public void record(ByteBuffer record) throws IOException {
        requireOpen();
        startData();
        write(record.duplicate());
    }

    public void record(byte[] record) throws IOException {
        record(ByteBuffer.wrap(record));
    }

    /** Writes bytes that follow the previous record outside its header.size (AUXTRACE, TRACING_DATA). */
    public void payload(Bytes bytes) throws IOException {
        requireOpen();
        startData();
        write(ByteBuffer.wrap(bytes.toArray()));
    }

    private void startData() throws IOException {
        if (pipe || dataStart >= 0) {
            return;
        }
        // The id arrays, then the attr section, right after the header.
        attrSize = EventAttr.SIZE_VER0;
        for (byte[] a : attrs) {
            attrSize = Math.max(attrSize, a.length);
        }
        long[] idOffsets = new long[attrs.size()];
        for (int i = 0; i < attrs.size(); i++) {
            idOffsets[i] = position;
            ByteBuffer b = buffer(8 * ids.get(i).length, order);
            for (long id : ids.get(i)) {
                b.putLong(id);
            }
            write(b.flip());
        }
        attrSectionOffset = position;
        for (int i = 0; i < attrs.size(); i++) {
            ByteBuffer b = buffer(attrSize + 16, order);
            b.put(attrs.get(i)).position(attrSize);
            b.putLong(idOffsets[i]).putLong(8L * ids.get(i).length);
            write(b.flip());
        }
        dataStart = position;
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            position += out.write(b);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the writer is closed");
        }
    }

    /** File mode: writes the feature table and sections, then the header. Closes the output. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (WritableByteChannel ch = out) {
            if (pipe) {
                return;
            }
            startData();
            long dataEnd = position;
            ByteBuffer table = buffer(16 * features.size(), order);
            long at = dataEnd + 16L * features.size();
            for (Bytes f : features.values()) {
                table.putLong(at).putLong(f.length());
                at += f.length();
            }
            write(table.flip());
            for (Bytes f : features.values()) {
                write(ByteBuffer.wrap(f.toArray()));
            }
            ByteBuffer h = buffer(FileHeader.SIZE, order);
            h.putLong(MAGIC).putLong(FileHeader.SIZE).putLong(attrSize + 16L)
                    .putLong(attrSectionOffset).putLong((attrSize + 16L) * attrs.size())
                    .putLong(dataStart).putLong(dataEnd - dataStart)
                    .putLong(0).putLong(0);
            long[] bitmap = new long[FileHeader.FEATURE_BITS / 64];
            for (int id : features.keySet()) {
                bitmap[id / 64] |= 1L << (id % 64);
            }
            for (long word : bitmap) {
                h.putLong(word);
            }
            h.flip();
            while (h.hasRemaining()) {
                file.write(h, h.position());
            }
        }
    }
}
