package dev.textpoke.perf.feature;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.file.FileSection;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The features of one perf.data: the sections listed by the feature table of a file, or the
 * payloads of HEADER_FEATURE records of a pipe. Each is read and parsed only when asked for, then
 * kept; a feature this reader does not know stays available as bytes ({@link Feature.Unknown}).
 */
public final class Features {
    /** Reads a feature section's bytes from the file. */
    public interface SectionLoader {
        Bytes load(FileSection section) throws IOException;
    }

    private record Entry(int id, long offset, FileSection section, Bytes data) {}

    private final String source;
    private final ByteOrder order;
    private final SectionLoader loader;
    private final Map<Integer, Entry> entries = new LinkedHashMap<>();
    private final Map<Integer, FeatureParser.Parsed> parsed = new LinkedHashMap<>();
    private final Map<Integer, Bytes> loaded = new LinkedHashMap<>();

    public Features(String source, ByteOrder order, SectionLoader loader) {
        this.source = source;
        this.order = order;
        this.loader = loader;
    }

    /** Records where a file's feature section is (from the feature table); read later. */
    public void addSection(int id, FileSection section, long tableEntryOffset) {
        entries.put(id, new Entry(id, tableEntryOffset, section, null));
        parsed.remove(id);
        loaded.remove(id);
    }

    /**
     * Records a pipe's HEADER_FEATURE payload, whose first byte is at {@code dataOffset}; a later
     * one for the same id replaces it.
     */
    public void addData(int id, Bytes data, long dataOffset) {
        entries.put(id, new Entry(id, dataOffset, null, data));
        parsed.remove(id);
        loaded.remove(id);
    }

    /** Ids present, in the order of the table (ascending) or of their records. */
    public List<Integer> ids() {
        return new ArrayList<>(entries.keySet());
    }

    public boolean has(FeatureId id) {
        return entries.containsKey(id.id());
    }

    /** Where the feature was declared: its table entry, or the first payload byte of its HEADER_FEATURE record. */
    public long declaredAt(int id) {
        Entry e = entries.get(id);
        return e == null ? -1 : e.offset;
    }

    /** Absolute offset of the feature's bytes in the file, or -1 for a pipe's (in-record) feature. */
    public long dataOffset(int id) {
        Entry e = entries.get(id);
        return e == null || e.section == null ? -1 : e.section.offset();
    }

    /**
     * The feature's bytes as written.
     *
     * @throws PerfFormatException {@code BAD_SIZE} when the section lies outside the file
     */
    public Optional<Bytes> raw(int id) throws IOException {
        Entry e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        if (e.data != null) {
            return Optional.of(e.data);
        }
        Bytes b = loaded.get(id);
        if (b == null) {
            b = loader.load(e.section);
            loaded.put(id, b);
        }
        return Optional.of(b);
    }

    /**
     * The feature parsed into its typed value ({@link Feature.Unknown} for ids without a parser).
     *
     * @throws PerfFormatException {@code BAD_FEATURE} when the bytes do not match the feature's
     *     layout, at the offset of the first byte that does not
     */
    public Optional<Feature> get(int id) throws IOException {
        return parsed(id).map(FeatureParser.Parsed::feature);
    }

    /**
     * The bytes of the section after its typed value: empty, except for padding (a pipe's
     * HEADER_FEATURE records aligned to 8 by newer perfs) and fields a newer perf appended.
     * {@code get(id)} encoded, followed by these, is the section as written.
     *
     * @throws PerfFormatException as {@link #get(int)}
     */
    public Optional<Bytes> tail(int id) throws IOException {
        return parsed(id).map(FeatureParser.Parsed::tail);
    }

    private Optional<FeatureParser.Parsed> parsed(int id) throws IOException {
        FeatureParser.Parsed p = parsed.get(id);
        if (p != null) {
            return Optional.of(p);
        }
        Optional<Bytes> raw = raw(id);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Entry e = entries.get(id);
        long base = e.section != null ? e.section.offset() : e.offset;
        p = FeatureParser.parse(id, raw.get(), order, source, base, this::nrCpusAvailable);
        parsed.put(id, p);
        return Optional.of(p);
    }

    public Optional<Feature> get(FeatureId id) throws IOException {
        return get(id.id());
    }

    /** A string feature (HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID), if present. */
    public Optional<String> string(FeatureId id) throws IOException {
        Optional<Feature> f = get(id);
        return f.filter(Feature.Text.class::isInstance).map(x -> ((Feature.Text) x).value());
    }

    /** A typed feature of class {@code type}, if present and of that type. */
    public <T extends Feature> Optional<T> get(FeatureId id, Class<T> type) throws IOException {
        return get(id).filter(type::isInstance).map(type::cast);
    }

    /** NRCPUS's available count, or -1: CPU_TOPOLOGY's per-CPU arrays have that many entries. */
    private long nrCpusAvailable() {
        try {
            return get(FeatureId.NRCPUS, Feature.NrCpus.class).map(Feature.NrCpus::available).orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    static PerfFormatException bad(String source, long at, String problem) {
        return new PerfFormatException(Kind.BAD_FEATURE, source, at, problem);
    }
}
