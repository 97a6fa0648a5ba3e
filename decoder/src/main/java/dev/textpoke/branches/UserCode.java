package dev.textpoke.branches;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageOverlapException;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.SymbolOffset;
import dev.textpoke.code.space.AddressSpaces;
import dev.textpoke.code.space.KernelSymbols;
import dev.textpoke.code.space.Location;
import dev.textpoke.code.space.Locator;
import dev.textpoke.code.space.Mapping;
import dev.textpoke.code.space.ObjectFile;
import dev.textpoke.code.space.ObjectFiles;
import dev.textpoke.code.space.SymbolIndex;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.SampleId;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user-space code of the recorded processes, for walking the ranges of their branch stacks as
 * perf's {@code brstackinsn} reads them ({@code grab_bb}: the map of the sample's thread that holds
 * the range's start, then the mapped file's bytes at {@code map_ip}): each process's mappings from
 * the MMAP, MMAP2, COMM and FORK records as they pass, and the files they map found where perf finds
 * them ({@link ObjectFiles}: perf's build-id cache, the recorded path, {@code --symfs}). A mapping's
 * code is a timeline of its own with a {@link RangeWalker} over it, whose walks name their
 * instructions with the file's symbols as perf names them ({@link Locator}). User code is not
 * patched by the kernel's text poking, so each range has one version. Not thread-safe.
 */
public final class UserCode implements AutoCloseable {
    /** A mapping larger than this is not read (its ranges are unknown code): memory stays bounded. */
    static final long MAX_MAPPING_BYTES = 1L << 30;
    /** Mappings whose walkers are kept, the least recently used dropped first. */
    private static final int WALKERS_KEPT = 64;
    /** Bytes of code the kept walkers may hold together; past it the least recently used go. */
    private static final long MAX_HELD_BYTES = 1L << 30;

    private final AddressSpaces spaces = new AddressSpaces();
    private final ObjectFiles files;
    private final Locator locator;
    private final InstructionClassifier classifier;
    /** A mapping's walker (null when its file is not on this machine) and the bytes of code it holds. */
    private record Loaded(RangeWalker walker, long bytes) {}

    private static final Loaded NOT_HERE = new Loaded(null, 0);

    /** In order of use, least recent first. */
    private final Map<Mapping, Loaded> walkers = new LinkedHashMap<>(16, 0.75f, true);
    private long held;

    /**
     * @param buildIds the BUILD_ID feature's entries (file name to build id), may be empty
     */
    public UserCode(ObjectFiles.Config files, Map<String, Bytes> buildIds, InstructionClassifier classifier) {
        this.files = new ObjectFiles(files);
        this.classifier = classifier;
        buildIds.forEach(spaces::buildId);
        this.locator = new Locator(spaces, this.files, KernelSymbols.NONE);
    }

    /** Applies a sideband record (MMAP, MMAP2, COMM, FORK; others are ignored) at its own time. */
    public void record(PerfRecord r) {
        long time = 0;
        if (r instanceof PerfRecord.KernelRecord k && k.sampleId() != null) {
            SampleId id = k.sampleId();
            time = (id.sampleType() & SampleFormat.TIME) != 0 ? Math.max(0, id.time()) : 0;
        }
        spaces.record(r, time);
    }

    /**
     * The walker of the executable file mapping that holds {@code addr} in process {@code pid} at
     * {@code time}, or null when none does or its file is not on this machine.
     */
    public RangeWalker walker(int pid, long addr, long time) {
        Mapping m = spaces.find(pid, addr, Math.max(0, time));
        if (m == null || m.kernel() || !m.executable()) {
            return null;
        }
        Loaded l = walkers.get(m);
        if (l == null) {
            l = load(m);
            walkers.put(m, l);
            held += l.bytes();
            var eldest = walkers.values().iterator();
            while ((walkers.size() > WALKERS_KEPT || held > MAX_HELD_BYTES) && walkers.size() > 1) {
                held -= eldest.next().bytes();
                eldest.remove();
            }
        }
        return l.walker();
    }

    private Loaded load(Mapping m) {
        long length = m.end() - m.start();
        if (length <= 0 || length > MAX_MAPPING_BYTES) {
            return NOT_HERE;
        }
        ObjectFile o = files.of(m);
        if (o.file() == null) {
            return NOT_HERE;
        }
        byte[] dst;
        int n;
        try {
            // What the file holds from the mapping's offset, allocated no larger than that.
            long inFile = Files.size(o.file()) - m.pgoff();
            if (inFile <= 0) {
                return NOT_HERE;
            }
            dst = new byte[(int) Math.min(length, inFile)];
            n = o.read(m.objectAddress(m.start()), dst, 0, dst.length);
        } catch (IOException e) {
            return NOT_HERE; // unreadable: its ranges are unknown code, as for perf
        }
        if (n <= 0) {
            return NOT_HERE;
        }
        // A mapping may run past the end of its file (its last page): code is what the file holds.
        Bytes code = n == dst.length ? Bytes.wrapOwned(dst) : Bytes.copyOf(dst, 0, n);
        CodeTimeline timeline;
        try {
            timeline = CodeTimeline.builder()
                    .image(new BaseImage(m.name(), List.of(new ImageSegment(m.start(), code)), List.of()))
                    .build();
        } catch (ImageOverlapException e) {
            throw new IllegalStateException("one segment cannot overlap", e);
        }
        // Named as Locator names user addresses: the file's symbol at the object address.
        WalkCode.Naming names = (addr, time) -> {
            if (!m.contains(addr)) {
                return Optional.empty();
            }
            long at = m.objectAddress(addr);
            SymbolIndex.Found f = o.symbol(at);
            return f == null ? Optional.empty() : Optional.of(new SymbolOffset(f.name(), at - f.start()));
        };
        return new Loaded(new RangeWalker(new WalkCode(timeline, new InstructionCache(timeline, classifier), names),
                classifier.isa().maxLength()), code.length());
    }

    /** The symbol of a user-space address of process {@code pid} at {@code time}, as perf names it. */
    public Optional<SymbolOffset> symbolize(int pid, long addr, long time) {
        Location l = locator.locate(pid, addr, Math.max(0, time), false);
        if (l == null || l.symbol() == null) {
            return Optional.empty();
        }
        return Optional.of(new SymbolOffset(l.symbol().name(), l.symbolOffset()));
    }

    @Override
    public void close() {
        files.close();
    }
}
