package dev.textpoke.elf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Opens an ELF file that may be compressed the way distributions ship kernel modules
 * ({@code .ko.xz}, {@code .ko.zst}, {@code .ko.gz}). The format is told by the first bytes, not the
 * file name; a compressed file is decompressed into memory, up to a limit.
 */
public final class ElfInputs {
    /** Default limit on a decompressed file: far above any module, below what would exhaust a heap. */
    public static final long DEFAULT_MAX_DECOMPRESSED = 1L << 30;

    // Magic numbers: ELF (System V gABI e_ident), xz (.xz file format 2.2.1, header magic),
    // zstd (RFC 8878 3.1.1, Magic_Number 0xFD2FB528 little-endian), gzip (RFC 1952 2.3.1, ID1 ID2).
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};

    private ElfInputs() {}

    /** The compression of a file, as told by its first bytes. */
    public enum Compression {
        NONE, XZ, ZSTD, GZIP;

        /** The format the first {@code n} bytes of {@code head} announce; null when none. */
        static Compression of(byte[] head, int n) {
            if (startsWith(head, n, ELF_MAGIC)) {
                return NONE;
            }
            if (startsWith(head, n, XZ_MAGIC)) {
                return XZ;
            }
            if (startsWith(head, n, ZSTD_MAGIC)) {
                return ZSTD;
            }
            if (startsWith(head, n, GZIP_MAGIC)) {
                return GZIP;
            }
            return null;
        }
    }

    /** Opens {@code path} with the default decompression limit. */
    public static ElfSource open(Path path) throws IOException {
        return open(path, DEFAULT_MAX_DECOMPRESSED);
    }

    /**
     * Opens {@code path}: a plain ELF file is read in place through its channel; an xz, zstd or gzip
     * file is decompressed into memory, failing with {@link ElfFormatException.Kind#TOO_LARGE} past
     * {@code maxDecompressed} bytes.
     */
    public static ElfSource open(Path path, long maxDecompressed) throws IOException {
        String name = path.toString();
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            byte[] head = new byte[8];
            int n = readHead(channel, head);
            Compression c = Compression.of(head, n);
            if (c == null) {
                throw new ElfFormatException(name, 0, ElfFormatException.Kind.NOT_ELF,
                        "not an ELF file (nor xz, zstd or gzip): starts with "
                                + HexFormat.of().formatHex(head, 0, n));
            }
            if (c == Compression.NONE) {
                return ElfSource.of(channel, name);
            }
            try (channel) {
                return decompress(Files.newInputStream(path), c, name, maxDecompressed);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static int readHead(FileChannel channel, byte[] head) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(head);
        while (b.hasRemaining() && channel.read(b, b.position()) > 0) {
            // keep reading: a short file simply has fewer bytes
        }
        return b.position();
    }

    private static ElfSource decompress(InputStream raw, Compression c, String name, long max)
            throws IOException {
        CountingStream counted = new CountingStream(raw);
        String what = name + " (" + c.name().toLowerCase(Locale.ROOT) + "-decompressed)";
        try (InputStream in = switch (c) {
                    case XZ -> new XZCompressorInputStream(counted);
                    case ZSTD -> new ZstdCompressorInputStream(counted);
                    case GZIP -> new GzipCompressorInputStream(counted, true);
                    case NONE -> throw new IllegalStateException();
                }) {
            // One byte beyond the limit is read, so that reaching the limit exactly is not an error.
            long cap = Math.min(max + 1, Integer.MAX_VALUE - 8);
            byte[] buf = new byte[(int) Math.min(1 << 16, cap)];
            int len = 0;
            while (true) {
                if (len == buf.length) {
                    if (len >= cap) {
                        throw new ElfFormatException(name, counted.count, ElfFormatException.Kind.TOO_LARGE,
                                "decompresses to more than " + max + " bytes (the limit; commands that read"
                                        + " modules raise it with --max-decompressed)");
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min(cap, (long) len * 2));
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    break;
                }
                len += n;
            }
            return ElfSource.of(ByteBuffer.wrap(buf, 0, len), what);
        } catch (ElfFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new ElfFormatException(name, counted.count, ElfFormatException.Kind.BAD_COMPRESSION,
                    "corrupt or truncated " + c.name().toLowerCase(Locale.ROOT) + " stream: "
                            + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] head, int n, byte[] magic) {
        return n >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }

    /** Counts the compressed bytes consumed, so that errors can say how far the stream was good. */
    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = super.skip(n);
            count += k;
            return k;
        }
    }
}
