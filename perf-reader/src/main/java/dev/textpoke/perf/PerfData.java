package dev.textpoke.perf;

import dev.textpoke.io.ByteWindow;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.event.EventSet;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.feature.Features;
import dev.textpoke.perf.file.AttrSection;
import dev.textpoke.perf.file.FileAttr;
import dev.textpoke.perf.file.FileHeader;
import dev.textpoke.perf.file.FileSection;
import dev.textpoke.perf.file.Magic;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.sort.MergedRecords;
import dev.textpoke.perf.sort.OrderedRecords;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An opened perf.data: a file (header, attrs, features; records in the data section), a pipe-mode
 * stream (records only, metadata among them; from a file or standard input), or a directory
 * ({@code perf record --threads}/{@code --kcore}: {@code data} plus {@code data.N} record files,
 * and {@code kcore_dir/}).
 *
 * <p>Opening reads the header and the attr section; features are read when first asked for;
 * records are read by {@link RecordReader}s, one per input, with constant memory.
 *
 * <p>Not thread-safe. Close it to release the file channels.
 */
public final class PerfData implements Closeable {
    /** How the perf.data is laid out. */
    public enum Format {
        /** A regular perf.data file ({@code PERFILE2}/{@code PERFFILE} header, attr and feature sections). */
        FILE,
        /** A pipe-mode stream ({@code perf record -o -}), read from a file or standard input. */
        PIPE,
        /** A perf.data directory: {@code data} and {@code data.N} files. */
        DIRECTORY,
    }

    /** Name of standard input as a perf.data argument. */
    public static final String STDIN = "-";
    private static final int PIPE_HEADER = 16;
    /** Window of each data.N reader: a directory's readers are all open at once (one per CPU or thread). */
    private static final int PART_WINDOW = 512 << 10;
    private static final Pattern DATA_N = Pattern.compile("data\\.(\\d+)");

    private final Format format;
    private final String source;
    private final ByteOrder order;
    private final FileHeader header;
    private final List<FileAttr> fileAttrs;
    private final EventSet events = new EventSet();
    private final Features features;
    private final FileChannel channel;
    private final long fileSize;
    private final List<Path> dataFiles;
    private final Path kcoreDir;
    private final List<PerfFormatException> warnings = new ArrayList<>();
    private final List<PerfFormatException> notes = new ArrayList<>();
    private ByteWindow pipeWindow;
    private boolean pipeTaken;

    private PerfData(Format format, String source, ByteOrder order, FileHeader header, List<FileAttr> attrs,
            FileChannel channel, long fileSize, ByteWindow pipeWindow, List<Path> dataFiles, Path kcoreDir) {
        this.format = format;
        this.source = source;
        this.order = order;
        this.header = header;
        this.fileAttrs = List.copyOf(attrs);
        this.channel = channel;
        this.fileSize = fileSize;
        this.pipeWindow = pipeWindow;
        this.dataFiles = List.copyOf(dataFiles);
        this.kcoreDir = kcoreDir;
        this.features = new Features(source, order, this::loadSection);
        for (FileAttr a : attrs) {
            events.add(a.attr(), a.ids(), null);
        }
    }

    /**
     * Opens {@code path}: a perf.data file (file or pipe format, told apart by its header as perf
     * does), a perf.data directory, or {@code "-"} for a pipe-mode stream on standard input.
     *
     * @throws PerfFormatException {@code BAD_MAGIC}, {@code TRUNCATED}, {@code BAD_SIZE},
     *     {@code BAD_ATTR} when the header or attr section is broken, {@code BAD_FEATURE} when
     *     the feature table is
     * @throws java.nio.file.NoSuchFileException when there is no such file
     */
    public static PerfData open(String path) throws IOException {
        if (STDIN.equals(path)) {
            return openStream(System.in, "(stdin)");
        }
        if (path.isEmpty()) {
            // Path.of("") is the current directory: an empty argument must not read ./data.
            throw new java.nio.file.NoSuchFileException(path);
        }
        return open(Path.of(path));
    }

    /**
     * As {@link #open(String)} for a path. A FIFO is read as a pipe-mode stream, as perf reads
     * one; another special file (a character device) is refused by name.
     */
    public static PerfData open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return openDirectory(path);
        }
        if (!Files.isRegularFile(path) && Files.exists(path)) {
            String kind = SpecialFile.kind(path);
            if (kind.equals(SpecialFile.FIFO)) {
                return openStream(new java.io.FileInputStream(path.toFile()), path.toString());
            }
            throw new PerfFormatException(Kind.BAD_MAGIC, path.toString(), -1,
                    "not a perf.data file: a " + kind);
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return openFile(ch, path.toString(), List.of(), null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A pipe-mode stream (its first bytes are the 16-byte pipe header). */
    public static PerfData openStream(InputStream in, String name) throws IOException {
        ReadableByteChannel ch = Channels.newChannel(in);
        ByteWindow w = new ByteWindow(ByteWindow.stream(ch), 4 << 20, ByteOrder.LITTLE_ENDIAN, 0);
        w.ensure(PIPE_HEADER);
        int n = w.available();
        byte[] head = new byte[Math.min(n, PIPE_HEADER)];
        w.buffer().get(w.position(), head);
        ByteOrder order = pipeOrder(head, name);
        if (order == null && head.length == PIPE_HEADER
                && Magic.of(ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong(0)) != null) {
            // A perf.data, but not in pipe format: its sections are found by their file offsets,
            // which a stream cannot seek to. Saying the stream ends inside the header would mislead.
            throw new PerfFormatException(Kind.BAD_SIZE, name, 8, "a file-mode perf.data (its header points at"
                    + " its sections by file offset) cannot be read from a stream: give its path, or make a"
                    + " pipe-mode copy with 'perf inject -i FILE -o -'");
        }
        if (order == null) {
            FileHeader.parse(head, name); // names the problem: bad magic or truncation
            throw new PerfFormatException(Kind.BAD_SIZE, name, 8,
                    "a stream must be in pipe format (header size 16); this is a file-mode header");
        }
        w.order(order);
        w.advance(PIPE_HEADER);
        return new PerfData(Format.PIPE, name, order, null, List.of(), null, -1, w, List.of(), null);
    }

    private static PerfData openFile(FileChannel ch, String source, List<Path> dataFiles, Path kcore)
            throws IOException {
        long size = ch.size();
        byte[] head = new byte[(int) Math.min(size, FileHeader.SIZE)];
        ByteBuffer b = ByteBuffer.wrap(head);
        while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
            // read until full or EOF
        }
        ByteOrder pipe = pipeOrder(head, source);
        if (pipe != null && dataFiles.isEmpty()) {
            ByteWindow w = new ByteWindow(ByteWindow.fileRegion(ch, PIPE_HEADER, size),
                    RecordReader.windowFor(size - PIPE_HEADER), pipe, PIPE_HEADER);
            return new PerfData(Format.PIPE, source, pipe, null, List.of(), ch, size, w, List.of(), null);
        }
        FileHeader h = FileHeader.parse(head, source);
        List<FileAttr> attrs = AttrSection.read(ch, h, size, source);
        PerfData d = new PerfData(dataFiles.isEmpty() && kcore == null ? Format.FILE : Format.DIRECTORY,
                source, h.order(), h, attrs, ch, size, null, dataFiles, kcore);
        // Damage after the data (a cut file) must not hide the records: keep it as a warning.
        try {
            if (h.data().size() == 0) {
                // perf record killed before it wrote the header again: perf warns and reads the
                // records to the end (util/header.c, perf_session__read_header). The feature
                // table would start at data.offset + 0, in the records: there is none.
                d.notes.add(new PerfFormatException(Kind.BAD_SIZE, source, FileHeader.OFF_DATA_SIZE,
                        "the data size is 0 (perf record did not finish?): the records are read to the end"
                                + " of the file, and the " + h.features().size() + " features the header lists"
                                + " were never written"));
                return d;
            }
            d.readFeatureTable();
            SessionMetadata.applyEventDesc(d.events, d.features);
            SessionMetadata.applyGroups(d.events, d.features);
        } catch (PerfFormatException e) {
            d.warnings.add(e);
        }
        return d;
    }

    private static PerfData openDirectory(Path dir) throws IOException {
        Path data = dir.resolve("data");
        if (!Files.isRegularFile(data)) {
            throw new PerfFormatException(Kind.BAD_MAGIC, dir.toString(), -1,
                    "a directory, but not a perf.data directory: it has no file named data");
        }
        List<Path> parts = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> DATA_N.matcher(p.getFileName().toString()).matches())
                    .sorted((a, c) -> Long.compare(index(a), index(c)))
                    .forEach(parts::add);
        }
        Path kcore = dir.resolve("kcore_dir");
        FileChannel ch = FileChannel.open(data, StandardOpenOption.READ);
        try {
            return openFile(ch, data.toString(), parts, Files.isDirectory(kcore) ? kcore : null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static long index(Path p) {
        var m = DATA_N.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * The byte order of a pipe header ({@code {u64 magic; u64 size = 16}}), or null when the bytes
     * are not one. perf checks for it first, even for regular files.
     */
    private static ByteOrder pipeOrder(byte[] head, String source) throws PerfFormatException {
        if (head.length < PIPE_HEADER) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long magic = b.getLong(0);
        long size = b.getLong(8);
        Magic m = Magic.of(magic);
        if (m == null) {
            return null;
        }
        if (m == Magic.PERFILE2) {
            ByteOrder o = magic == Magic.V2_LE ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            long s = o == ByteOrder.LITTLE_ENDIAN ? size : Long.reverseBytes(size);
            return s == PIPE_HEADER ? o : null;
        }
        if (size == PIPE_HEADER) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        return Long.reverseBytes(size) == PIPE_HEADER ? ByteOrder.BIG_ENDIAN : null;
    }

    /** Lists the feature sections: a table of {@code perf_file_section}, one per feature bit, after the data. */
    private void readFeatureTable() throws IOException {
        List<Integer> ids = header.features();
        if (ids.isEmpty()) {
            return;
        }
        long at = header.featureTableOffset();
        long n = (long) ids.size() * FileSection.BYTES;
        if (at < 0 || at > fileSize || n > fileSize - at) {
            throw new PerfFormatException(Kind.BAD_FEATURE, source, at, "the feature table of "
                    + ids.size() + " sections at data.offset + data.size does not fit in the "
                    + fileSize + "-byte file");
        }
        ByteBuffer t = ByteBuffer.allocate((int) n).order(order);
        while (t.hasRemaining() && channel.read(t, at + t.position()) >= 0) {
            // fill
        }
        // A section that does not lie within the file is damage (a cut file, a wrong table):
        // perf skips it silently; here it is left out of the features and named once.
        List<String> outside = new ArrayList<>();
        long firstBad = -1;
        for (int i = 0; i < ids.size(); i++) {
            FileSection s = new FileSection(t.getLong(i * 16), t.getLong(i * 16 + 8));
            if (s.within(fileSize)) {
                features.addSection(ids.get(i), s, at + i * 16L);
            } else {
                outside.add(FeatureId.displayName(ids.get(i)));
                firstBad = firstBad < 0 ? at + i * 16L : firstBad;
            }
        }
        if (!outside.isEmpty()) {
            throw new PerfFormatException(Kind.BAD_FEATURE, source, firstBad, outside.size() + " of the "
                    + ids.size() + " feature sections lie past the end of the " + fileSize + "-byte file (cut?),"
                    + " and are not read: " + String.join(" ", outside));
        }
    }

    private Bytes loadSection(FileSection s) throws IOException {
        if (!s.within(fileSize) || s.size() > Integer.MAX_VALUE - 8) {
            throw new PerfFormatException(Kind.BAD_FEATURE, source, s.offset(), "feature section of "
                    + Long.toUnsignedString(s.size()) + " bytes lies outside the " + fileSize + "-byte file");
        }
        ByteBuffer b = ByteBuffer.allocate((int) s.size());
        while (b.hasRemaining() && channel.read(b, s.offset() + b.position()) >= 0) {
            // fill
        }
        return Bytes.wrapOwned(b.array());
    }

    public Format format() {
        return format;
    }

    /** The input's name (the path as given, or "(stdin)"). */
    public String source() {
        return source;
    }

    /** The byte order every multi-byte field is written in. */
    public ByteOrder order() {
        return order;
    }

    /** The file header; empty for pipe mode. */
    public Optional<FileHeader> header() {
        return Optional.ofNullable(header);
    }

    /** The file-mode attr section entries (empty in pipe mode, where HEADER_ATTR records carry them). */
    public List<FileAttr> fileAttrs() {
        return fileAttrs;
    }

    /** The events; in pipe mode only those whose HEADER_ATTR records were read so far. */
    public EventSet events() {
        return events;
    }

    /** The features; in pipe mode only those whose HEADER_FEATURE records were read so far. */
    public Features features() {
        return features;
    }

    /**
     * Damage found while opening that does not stop the records from being read: a feature table
     * or feature sections outside the file (a cut file), a malformed EVENT_DESC or GROUP_DESC. The
     * features are then missing (or events unnamed, ungrouped). A tool reports them after what it
     * could read, as damage.
     */
    public List<PerfFormatException> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * What is unusual but not damage, said as perf says it: a data size of 0 in the header (perf
     * record did not finish), for which the records are read to the end of the file.
     */
    public List<PerfFormatException> notes() {
        return List.copyOf(notes);
    }

    /** Size of the file in bytes, or -1 for standard input. */
    public long fileSize() {
        return fileSize;
    }

    /** A directory's {@code kcore_dir} (kcore, kallsyms, modules copied by {@code perf record --kcore}). */
    public Optional<Path> kcoreDir() {
        return Optional.ofNullable(kcoreDir);
    }

    /** A directory's {@code data.N} files, in index order (empty otherwise). */
    public List<Path> dataFiles() {
        return dataFiles;
    }

    /** How many record inputs there are: 1, or 1 + the {@code data.N} files of a directory. */
    public int inputCount() {
        return 1 + dataFiles.size();
    }

    /** The records of the file, pipe, or a directory's {@code data} file. */
    public RecordReader records() throws IOException {
        return records(0);
    }

    /**
     * A reader over input {@code i}: 0 is the file, pipe, or a directory's {@code data}; 1.. are
     * the {@code data.N} files. A stream (standard input) can be read once; a pipe-format file on
     * disk as often as a command needs. A file whose header says its data size is 0 (perf record
     * did not finish) is read to its end, where perf reads nothing.
     *
     * @throws IllegalStateException for a second reader over a stream
     */
    public RecordReader records(int i) throws IOException {
        RecordReader r;
        if (format == Format.PIPE) {
            if (pipeTaken) {
                if (channel == null) {
                    throw new IllegalStateException("a pipe-mode stream can be read only once");
                }
                // Read again from just after the pipe header. The session's own records (events,
                // features) were applied by the first reader: applying them again would add every
                // event twice, so this reader has no listener.
                return new RecordReader(source, ByteWindow.fileRegion(channel, PIPE_HEADER, fileSize), order,
                        PIPE_HEADER, Long.MAX_VALUE, RecordReader.windowFor(fileSize - PIPE_HEADER));
            }
            pipeTaken = true;
            r = new RecordReader(source, pipeWindow);
            pipeWindow = null;
        } else if (i == 0) {
            FileSection d = header.data();
            long start = d.offset();
            long end = d.size() == 0 ? fileSize : d.end();
            if (start < 0 || start > fileSize) {
                throw new PerfFormatException(Kind.BAD_SIZE, source, 40, "data section offset "
                        + Long.toUnsignedString(start) + " lies beyond the " + fileSize + "-byte file");
            }
            r = new RecordReader(source, ByteWindow.fileRegion(channel, start, Math.min(end, fileSize)),
                    order, start, end);
        } else {
            Path p = dataFiles.get(i - 1);
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
            long size = ch.size();
            r = new RecordReader(p.toString(), ByteWindow.fileRegion(ch, 0, size), order, 0, size,
                    Math.min(PART_WINDOW, RecordReader.windowFor(size)));
            r.onClose(ch);
        }
        r.setListener(new SessionMetadata(events, features));
        return r;
    }

    /**
     * Every record in the order perf delivers them to its tools: each input ordered by
     * FINISHED_ROUND rounds ({@link OrderedRecords}), and a directory's inputs merged by time
     * ({@link MergedRecords}).
     */
    public RecordSource ordered(OrderedRecords.Options options) throws IOException {
        if (format != Format.DIRECTORY) {
            return new OrderedRecords(records(), events, format == Format.FILE, options);
        }
        List<OrderedRecords> all = new ArrayList<>();
        for (int i = 0; i < inputCount(); i++) {
            all.add(new OrderedRecords(records(i), events, true, options));
        }
        return new MergedRecords(all);
    }

    /** {@link #ordered(OrderedRecords.Options)} with the default options. */
    public RecordSource ordered() throws IOException {
        return ordered(OrderedRecords.Options.defaults());
    }

    /** A region of the file: AUXTRACE payloads and other data the records point at. */
    public Bytes read(long offset, int length) throws IOException {
        if (channel == null || offset < 0 || length < 0 || offset > fileSize - length) {
            throw new PerfFormatException(Kind.TRUNCATED, source, offset, "cannot read " + length
                    + " bytes at " + offset + " of a " + fileSize + "-byte input");
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining() && channel.read(b, offset + b.position()) >= 0) {
            // fill
        }
        return Bytes.wrapOwned(b.array());
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
