package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Collects base images, modifications and run-time regions, in any order, and builds the {@link
 * CodeTimeline} over them. Not thread-safe; one use.
 */
public final class TimelineBuilder {
    private final List<BaseImage> images = new ArrayList<>();
    private final PokeLog pokes = new PokeLog();
    private final List<Region> regions = new ArrayList<>();
    private final List<RegionEvent> regionEvents = new ArrayList<>();
    private SiteClassifier classifier = new X86SiteClassifier();

    private record RegionEvent(boolean register, String name, RegionType type, long address,
            long length, long time, Optional<Bytes> content) {}

    TimelineBuilder() {}

    /** Adds a base image: its bytes hold for every time until a change says otherwise. */
    public TimelineBuilder image(BaseImage image) {
        images.add(Objects.requireNonNull(image));
        return this;
    }

    /** Adds a modification whose kind of site is known. */
    public TimelineBuilder modification(Modification m) {
        pokes.add(m);
        return this;
    }

    /**
     * Adds a modification from a PERF_RECORD_TEXT_POKE: a switch point at the record's time (the
     * x86 INT3 protocol), its kind of site named by the {@link #classifier} when built.
     */
    public TimelineBuilder textPoke(long address, Bytes oldBytes, Bytes newBytes, long time, int cpu) {
        // Validates like any modification.
        new Modification(address, oldBytes, newBytes, Switch.point(time), cpu, SiteKind.OTHER);
        pokes.add(address, oldBytes, newBytes, Switch.point(time), cpu, PokeLog.UNCLASSIFIED);
        return this;
    }

    /** Adds a run-time region whose whole lifetime is known. */
    public TimelineBuilder region(Region region) {
        regions.add(Objects.requireNonNull(region));
        return this;
    }

    /**
     * A region appeared at {@code time} (a KSYMBOL record without the unregister flag), with its
     * bytes when the trace has them (a BPF program's JIT image).
     */
    public TimelineBuilder regionRegistered(String name, RegionType type, long address, long length,
            long time, Optional<Bytes> content) {
        regionEvents.add(new RegionEvent(true, name, type, address, length, time, content));
        return this;
    }

    /**
     * A region went at {@code time} (a KSYMBOL record with {@code PERF_RECORD_KSYMBOL_FLAGS_UNREGISTER}).
     * Without an earlier registration it existed since before the trace.
     */
    public TimelineBuilder regionUnregistered(String name, RegionType type, long address, long length,
            long time) {
        regionEvents.add(new RegionEvent(false, name, type, address, length, time, Optional.empty()));
        return this;
    }

    /** How modifications added with {@link #textPoke} are classified; x86-64 by default. */
    public TimelineBuilder classifier(SiteClassifier c) {
        classifier = Objects.requireNonNull(c);
        return this;
    }

    /**
     * Replays every change in time order and returns the timeline.
     *
     * @throws ImageOverlapException when two base images claim the same address
     */
    public CodeTimeline build() throws ImageOverlapException {
        SegmentIndex base = new SegmentIndex(images);
        List<Region> all = new ArrayList<>(regions);
        all.addAll(pairRegionEvents());
        RegionIndex regionIndex = new RegionIndex(all);
        Symbolizer symbolizer = new Symbolizer(new SymbolTable(images), regionIndex);
        Replay.Result replayed = new Replay(pokes, all, base, regionIndex, symbolizer, classifier).run();
        return new CodeTimeline(images, base, all, symbolizer, replayed);
    }

    /** Pairs registrations and unregistrations by address, in time order. */
    private List<Region> pairRegionEvents() {
        List<RegionEvent> events = new ArrayList<>(regionEvents);
        events.sort(Comparator.comparingLong(RegionEvent::time));
        Map<Long, RegionEvent> live = new HashMap<>();
        List<Region> out = new ArrayList<>();
        for (RegionEvent e : events) {
            RegionEvent open = live.remove(e.address());
            if (open != null) {
                out.add(close(open, e.time()));
            } else if (!e.register()) {
                out.add(new Region(e.name(), e.type(), e.address(), e.length(), Long.MIN_VALUE,
                        e.time(), Optional.empty()));
            }
            if (e.register()) {
                live.put(e.address(), e);
            }
        }
        live.values().stream().sorted(Comparator.comparingLong(RegionEvent::time))
                .forEach(open -> out.add(close(open, Long.MAX_VALUE)));
        return out;
    }

    private static Region close(RegionEvent open, long to) {
        return new Region(open.name(), open.type(), open.address(), open.length(), open.time(), to,
                open.content());
    }
}
