package dev.textpoke.elf;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The bytes of one ELF file, read on demand: a file on disk (read through its channel, so a large
 * vmlinux is never loaded whole) or a buffer already in memory (a decompressed module). Every read
 * is checked against the size first.
 */
public abstract sealed class ElfSource implements Closeable {
    /** Regions up to this size are copied to the heap; larger ones are memory-mapped. */
    private static final int COPY_LIMIT = 1 << 20;

    private final String name;
    private final long size;

    private ElfSource(String name, long size) {
        this.name = name;
        this.size = size;
    }

    /** The input as the user named it; used in every error. */
    public final String name() {
        return name;
    }

    public final long size() {
        return size;
    }

    /**
     * {@code length} bytes at {@code offset}, as a buffer of its own (position 0, native to the
     * caller: set the byte order you need). Fails with {@link ElfFormatException.Kind#OUT_OF_BOUNDS}
     * naming {@code reportAt} (the offset of the field that named the region) when the region does not
     * lie inside the file.
     */
    public final ByteBuffer read(long offset, long length, long reportAt, String what)
            throws ElfFormatException {
        checkRange(offset, length, reportAt, what);
        if (length > Integer.MAX_VALUE - 8) {
            throw new ElfFormatException(name, reportAt, ElfFormatException.Kind.TOO_LARGE,
                    what + " is " + length + " bytes, more than one buffer can hold");
        }
        try {
            return readChecked(offset, (int) length);
        } catch (IOException e) {
            throw new ElfFormatException(name, offset, ElfFormatException.Kind.OUT_OF_BOUNDS,
                    "cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /** Throws unless {@code [offset, offset + length)} lies inside the file. */
    public final void checkRange(long offset, long length, long reportAt, String what)
            throws ElfFormatException {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new ElfFormatException(name, reportAt, ElfFormatException.Kind.OUT_OF_BOUNDS,
                    what + " at offset " + Long.toUnsignedString(offset) + " of "
                            + Long.toUnsignedString(length) + " bytes lies outside the file of "
                            + size + " bytes");
        }
    }

    abstract ByteBuffer readChecked(long offset, int length) throws IOException;

    /** A file read through {@code channel}, which this source closes. */
    public static ElfSource of(FileChannel channel, String name) throws IOException {
        return new Channel(channel, name, channel.size());
    }

    /** Bytes already in memory (for example a decompressed module). */
    public static ElfSource of(ByteBuffer bytes, String name) {
        return new Buffer(bytes.slice(), name);
    }

    private static final class Channel extends ElfSource {
        private final FileChannel channel;

        Channel(FileChannel channel, String name, long size) {
            super(name, size);
            this.channel = channel;
        }

        @Override
        ByteBuffer readChecked(long offset, int length) throws IOException {
            if (length > COPY_LIMIT) {
                return channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
            }
            ByteBuffer out = ByteBuffer.allocate(length);
            while (out.hasRemaining()) {
                int n = channel.read(out, offset + out.position());
                if (n < 0) {
                    throw new IOException("the file ended early (was it truncated while reading?)");
                }
            }
            return out.flip();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final class Buffer extends ElfSource {
        private final ByteBuffer bytes;

        Buffer(ByteBuffer bytes, String name) {
            super(name, bytes.remaining());
            this.bytes = bytes;
        }

        @Override
        ByteBuffer readChecked(long offset, int length) {
            return bytes.slice((int) offset, length).asReadOnlyBuffer();
        }

        @Override
        public void close() {}
    }
}
