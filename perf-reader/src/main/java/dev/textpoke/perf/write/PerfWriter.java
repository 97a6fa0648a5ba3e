package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.feature.Features;
import dev.textpoke.perf.file.FileHeader;
import dev.textpoke.perf.file.Magic;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
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
 * Writes a perf.data that perf reads, in file mode, pipe mode or as the {@code data.N} record file
 * of a directory ({@link PerfDirectoryWriter}), in either byte order: events (attr and ids),
 * feature sections, records and the payloads after AUXTRACE and TRACING_DATA records. Typed values
 * ({@link PerfRecord}, {@link Feature}) are encoded by {@link RecordEncoder} and {@link
 * FeatureEncoder}; bytes can be written as they are (a record of a type this library does not
 * know, a feature it has no parser for).
 *
 * <p>File mode ({@code perf.data-file-format.txt}): {@code struct perf_file_header} (104 bytes),
 * the id arrays, the attr section ({@code {perf_event_attr; perf_file_section ids}} per event,
 * stepped by the largest attr size), the data section, then at {@code data.offset + data.size}
 * the feature table ({@code perf_file_section} per feature bit, ascending) and the sections.
 * Every event must be added before the first record; features may come at any time; the header
 * is written by {@link #close()}. An AUXTRACE feature (the index of AUXTRACE records) is written
 * with the offsets the AUXTRACE records got in this file.
 *
 * <p>Pipe mode: the 16-byte pipe header ({@code u64 magic; u64 size = 16}), then everything as
 * records in the order given: HEADER_ATTR ({@code attr} then {@code u64 id[]}), HEADER_FEATURE
 * ({@code u64 feat_id} then the section; padded to 8 bytes, as perf does since 6.12, when the
 * feature is given as a value alone), the records.
 *
 * <p>Compression ({@link Options#compression()}): kernel records (types below 64, what perf
 * reads from its ring buffers) go through one zstd stream into COMPRESSED or COMPRESSED2 records
 * ({@link RecordCompressor}); perf's own records are written plain, after what was compressed
 * before them. The writer then writes the COMPRESSED feature perf needs to decompress (in pipe
 * mode as a HEADER_FEATURE record before the first COMPRESSED record).
 */
public final class PerfWriter implements Closeable {
    /** How kernel records are written. */
    public enum Compression {
        NONE,
        /** PERF_RECORD_COMPRESSED (81): zstd bytes to the end of the record. */
        COMPRESSED,
        /** PERF_RECORD_COMPRESSED2 (83, perf 6.16): {@code u64 data_size}, zstd bytes, padding to 8. */
        COMPRESSED2
    }

    /**
     * @param compression how kernel records are written
     * @param level       the zstd level (perf's {@code -z} uses 1)
     */
    public record Options(Compression compression, int level) {
        public static final Options DEFAULT = new Options(Compression.NONE, 1);

        public static Options compressed(Compression kind, int level) {
            return new Options(kind, level);
        }
    }

    private enum Mode { FILE, PIPE, RECORDS }

    private static final int PIPE_HEADER = 16;
    /** {@code struct perf_record_compressed2}: header and data_size before the zstd bytes. */
    private static final int COMPRESSED2_HEAD = 16;
    /** {@code PERF_COMP_ZSTD}, and the COMPRESSED feature version perf writes. */
    private static final int COMP_ZSTD = 1;
    private static final int COMP_VERSION = 1;

    /**
     * The magic, written as a u64 in the writer's order: perf writes the same number on every
     * machine, so a big-endian file starts with {@code "2ELIFREP"}, which is how readers tell its
     * order.
     */
    private static final long MAGIC = Magic.V2_LE;

    private final WritableByteChannel out;
    private final FileChannel file;
    private final ByteOrder order;
    private final Mode mode;
    private final Options options;
    private final RecordEncoder records;
    private final FeatureEncoder featureEncoder;
    private final RecordCompressor compressor;
    private final List<byte[]> attrs = new ArrayList<>();
    private final List<long[]> ids = new ArrayList<>();
    private final TreeMap<Integer, Bytes> features = new TreeMap<>();
    /** File offsets of the AUXTRACE records written, and their sizes, for the AUXTRACE index. */
    private final List<long[]> auxtrace = new ArrayList<>();
    private boolean compressedFeatureSent;
    /** The AUXTRACE index's layout: perf's (with a count) unless simpleperf's was given. */
    private boolean auxtraceIndexCounted = true;
    private long position;
    private long dataStart = -1;
    private long attrSectionOffset;
    private int attrSize;
    private boolean closed;

    private PerfWriter(WritableByteChannel out, FileChannel file, ByteOrder order, Mode mode, Options options) {
        this.out = out;
        this.file = file;
        this.order = order;
        this.mode = mode;
        this.options = options;
        this.records = new RecordEncoder(order);
        this.featureEncoder = new FeatureEncoder(order);
        this.compressor = options.compression() == Compression.NONE ? null : new RecordCompressor(options.level());
    }

    /** A file-mode perf.data at {@code path} (replaced if it exists). */
    public static PerfWriter file(Path path, ByteOrder order) throws IOException {
        return file(path, order, Options.DEFAULT);
    }

    public static PerfWriter file(Path path, ByteOrder order, Options options) throws IOException {
        FileChannel ch = open(path);
        PerfWriter w = new PerfWriter(ch, ch, order, Mode.FILE, options);
        ch.position(FileHeader.SIZE);
        w.position = FileHeader.SIZE;
        return w;
    }

    /** A pipe-mode stream on {@code out} (which this writer closes). */
    public static PerfWriter pipe(OutputStream out, ByteOrder order) throws IOException {
        return pipe(out, order, Options.DEFAULT);
    }

    public static PerfWriter pipe(OutputStream out, ByteOrder order, Options options) throws IOException {
        PerfWriter w = new PerfWriter(Channels.newChannel(out), null, order, Mode.PIPE, options);
        ByteBuffer h = ByteBuffer.allocate(PIPE_HEADER).order(order);
        h.putLong(MAGIC).putLong(PIPE_HEADER);
        w.write(h.flip());
        return w;
    }

    /** Records only, from offset 0: a directory's {@code data.N}. */
    static PerfWriter recordFile(Path path, ByteOrder order, Options options) throws IOException {
        FileChannel ch = open(path);
        PerfWriter w = new PerfWriter(ch, ch, order, Mode.RECORDS, options);
        w.dataStart = 0;
        return w;
    }

    private static FileChannel open(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    public ByteOrder order() {
        return order;
    }

    public Options options() {
        return options;
    }

    /** Whether this writes a pipe-mode stream. */
    public boolean isPipe() {
        return mode == Mode.PIPE;
    }

    /** Whether a feature with this id was added (file mode; a pipe's are written at once). */
    public boolean hasFeature(int id) {
        return features.containsKey(id);
    }

    /** Whether this writer compresses kernel records. */
    public boolean compresses() {
        return compressor != null;
    }

    /** Adds an event: its attr and the ids of its per-CPU/per-thread instances. */
    public void event(EventAttr attr, long[] eventIds) throws IOException {
        requireOpen();
        if (mode == Mode.PIPE) {
            record(new PerfRecord.HeaderAttr(RecordHeader.of(RecordType.HEADER_ATTR, 0), attr,
                    dev.textpoke.io.U64s.of(eventIds)));
            return;
        }
        if (mode == Mode.RECORDS) {
            throw new IllegalStateException("a data.N file holds records only: events go to the directory's data");
        }
        if (dataStart >= 0) {
            throw new IllegalStateException("file mode: every event must come before the first record");
        }
        attrs.add(AttrEncoder.encode(attr, order));
        ids.add(eventIds.clone());
    }

    /**
     * Adds a feature from its value. In pipe mode the HEADER_FEATURE record is padded to 8 bytes.
     * A second feature with the same id replaces the first (file mode).
     */
    public void feature(Feature f) throws IOException {
        noteLayout(f);
        feature(f.id(), featureEncoder.encode(f), Bytes.EMPTY, true);
    }

    /** Adds a feature from its value followed by {@code tail} (the bytes a reader found after it). */
    public void feature(Feature f, Bytes tail) throws IOException {
        noteLayout(f);
        feature(f.id(), featureEncoder.encode(f), tail, false);
    }

    private void noteLayout(Feature f) {
        if (f instanceof Feature.AuxtraceIndex a) {
            auxtraceIndexCounted = a.counted();
        }
    }

    /** Adds a feature section given as bytes ({@code HEADER_*} id of {@code perf/util/header.h}). */
    public void feature(int id, Bytes section) throws IOException {
        feature(id, section, Bytes.EMPTY, false);
    }

    /** @param align8 pad a pipe's HEADER_FEATURE record to 8 bytes */
    private void feature(int id, Bytes section, Bytes tail, boolean align8) throws IOException {
        requireOpen();
        if (id <= 0 || id >= FileHeader.FEATURE_BITS) {
            throw new IllegalArgumentException("feature id " + id + " is outside 1.." + (FileHeader.FEATURE_BITS - 1));
        }
        Bytes all = tail.isEmpty() ? section : concat(section, tail);
        switch (mode) {
            case PIPE -> pipeFeature(id, all, align8);
            case FILE -> features.put(id, all);
            case RECORDS -> throw new IllegalStateException("a data.N file holds records only");
        }
    }

    /**
     * In a pipe, perf reads a feature from its HEADER_FEATURE record's bytes, except those its
     * readers take from the file descriptor ({@code process_tracing_data}, {@code
     * process_build_id}, {@code process_auxtrace} in tools/perf/util/header.c), which perf itself
     * never writes as such records: the tracing data goes after a HEADER_TRACING_DATA record
     * ({@code perf_event__synthesize_tracing_data}), each build id in a HEADER_BUILD_ID record,
     * and the AUXTRACE index, file offsets, has no place in a pipe.
     */
    private void pipeFeature(int id, Bytes section, boolean align8) throws IOException {
        if (id == FeatureId.TRACING_DATA.id()) {
            int aligned = (section.length() + 7) & ~7;
            record(new PerfRecord.HeaderTracingData(RecordHeader.of(RecordType.HEADER_TRACING_DATA, 0), aligned,
                    Bytes.of(new byte[4]), -1));
            payload(aligned == section.length() ? section : concat(section, Bytes.of(new byte[aligned - section.length()])));
        } else if (id == FeatureId.BUILD_ID.id()) {
            Features parsed = new Features("(build ids to write)", order, x -> Bytes.EMPTY);
            parsed.addData(id, section, 0);
            Feature.BuildIds ids = parsed.get(FeatureId.BUILD_ID, Feature.BuildIds.class).orElseThrow();
            for (Feature.BuildIdEntry e : ids.entries()) {
                record(new PerfRecord.HeaderBuildId(new RecordHeader(RecordType.HEADER_BUILD_ID.id(), e.misc(), 0),
                        e.pid(), e.data(), new dev.textpoke.perf.record.CString(e.filename())));
            }
        } else if (id != FeatureId.AUXTRACE.id()) {
            int pad = align8 ? (8 - section.length() % 8) % 8 : 0;
            record(new PerfRecord.HeaderFeature(RecordHeader.of(RecordType.HEADER_FEATURE, 0), id,
                    pad == 0 ? section : concat(section, Bytes.of(new byte[pad]))));
        }
    }

    private static Bytes concat(Bytes a, Bytes b) {
        byte[] all = new byte[a.length() + b.length()];
        a.copyTo(all, 0);
        b.copyTo(all, a.length());
        return Bytes.wrapOwned(all);
    }

    /** Writes a record from its value; kernel records are compressed when the options say so. */
    public void record(PerfRecord r) throws IOException {
        writeRecord(records.encode(r), RecordEncoder.type(r));
    }

    /** Writes one record, header included, exactly as given (its bytes must be in this writer's order). */
    public void record(ByteBuffer record) throws IOException {
        ByteBuffer b = record.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        record(bytes);
    }

    public void record(byte[] record) throws IOException {
        if (record.length < RecordHeader.BYTES) {
            throw new IllegalArgumentException("a record of " + record.length + " bytes has no header");
        }
        writeRecord(record, ByteBuffer.wrap(record).order(order).getInt(0));
    }

    private void writeRecord(byte[] bytes, int type) throws IOException {
        requireOpen();
        startData();
        if (compressor != null && type > 0 && type < RecordType.USER_TYPE_START) {
            compressor.write(bytes, this::writeCompressed);
            return;
        }
        flushCompressed();
        writePlain(bytes, type);
    }

    private void writePlain(byte[] bytes, int type) throws IOException {
        if (type == RecordType.AUXTRACE.id()) {
            auxtrace.add(new long[] {position, bytes.length});
        }
        write(ByteBuffer.wrap(bytes));
    }

    private void flushCompressed() throws IOException {
        if (compressor != null) {
            compressor.flush(this::writeCompressed);
        }
    }

    private void writeCompressed(byte[] zstd) throws IOException {
        if (mode == Mode.PIPE && !compressedFeatureSent) {
            compressedFeatureSent = true;
            Bytes f = featureEncoder.encode(compressedFeature());
            writePlain(records.encode(new PerfRecord.HeaderFeature(RecordHeader.of(RecordType.HEADER_FEATURE, 0),
                    FeatureId.COMPRESSED.id(), f)), RecordType.HEADER_FEATURE.id());
        }
        PerfRecord r = options.compression() == Compression.COMPRESSED
                ? new PerfRecord.Compressed(RecordHeader.of(RecordType.COMPRESSED, 0), Bytes.wrapOwned(zstd))
                : new PerfRecord.Compressed2(RecordHeader.of(RecordType.COMPRESSED2, 0), Bytes.wrapOwned(zstd),
                        Bytes.of(new byte[(8 - (COMPRESSED2_HEAD + zstd.length) % 8) % 8]));
        writePlain(records.encode(r), RecordEncoder.type(r));
    }

    /**
     * {@code {u32 version, type, level, ratio, mmap_len}}: perf decompresses each record into
     * mmap_len bytes (plus what the previous one left over), which one piece fills at most.
     */
    private Feature.Compressed compressedFeature() {
        long ratio = compressor.compressedBytes() == 0 ? 0
                : Math.round((double) compressor.uncompressedBytes() / compressor.compressedBytes());
        return new Feature.Compressed(COMP_VERSION, COMP_ZSTD, options.level(), ratio, RecordCompressor.PIECE);
    }

    /** Writes bytes that follow the previous record outside its header.size (AUXTRACE, TRACING_DATA). */
    public void payload(Bytes bytes) throws IOException {
        requireOpen();
        startData();
        flushCompressed();
        write(ByteBuffer.wrap(bytes.toArray()));
    }

    private void startData() throws IOException {
        if (mode != Mode.FILE || dataStart >= 0) {
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
            ByteBuffer b = ByteBuffer.allocate(8 * ids.get(i).length).order(order);
            for (long id : ids.get(i)) {
                b.putLong(id);
            }
            write(b.flip());
        }
        attrSectionOffset = position;
        for (int i = 0; i < attrs.size(); i++) {
            ByteBuffer b = ByteBuffer.allocate(attrSize + 16).order(order);
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

    /**
     * Writes what is pending (compressed records; in file mode the feature table, the sections and
     * the header), then closes the output.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try (WritableByteChannel ch = out; RecordCompressor z = compressor) {
            startData();
            flushCompressed();
            closed = true;
            if (mode == Mode.FILE) {
                finishFile();
            }
        } finally {
            closed = true;
        }
    }

    private void finishFile() throws IOException {
        long dataEnd = position;
        if (compressor != null) {
            features.put(FeatureId.COMPRESSED.id(), featureEncoder.encode(compressedFeature()));
        }
        if (features.containsKey(FeatureId.AUXTRACE.id())) {
            List<Feature.AuxtraceIndexEntry> index = new ArrayList<>();
            for (long[] a : auxtrace) {
                index.add(new Feature.AuxtraceIndexEntry(a[0], a[1]));
            }
            features.put(FeatureId.AUXTRACE.id(),
                    featureEncoder.encode(new Feature.AuxtraceIndex(index, auxtraceIndexCounted)));
        }
        ByteBuffer table = ByteBuffer.allocate(16 * features.size()).order(order);
        long at = dataEnd + 16L * features.size();
        for (Bytes f : features.values()) {
            table.putLong(at).putLong(f.length());
            at += f.length();
        }
        write(table.flip());
        for (Bytes f : features.values()) {
            write(ByteBuffer.wrap(f.toArray()));
        }
        ByteBuffer h = ByteBuffer.allocate(FileHeader.SIZE).order(order);
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
