package dev.textpoke.perf.event;

import dev.textpoke.perf.attr.BranchSampleType;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.sample.SampleLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of a perf.data (perf's {@code evlist}) and the mapping from a record to the event
 * that produced it, exactly as perf's {@code evlist__event2evsel} does it:
 *
 * <ol>
 *   <li>one event: it, whatever the record says;
 *   <li>a non-sample record when the first event lacks {@code sample_id_all}: the first event;
 *   <li>otherwise the id at the first event's id position: {@code id_pos} u64s after the header of
 *       a sample, {@code is_pos} u64s back from the end of other records (IDENTIFIER puts it at a
 *       fixed place for every layout, which is why perf record adds it when there are several
 *       events);
 *   <li>id 0 (synthesized records): the first event; an id no event has: none.
 * </ol>
 *
 * <p>In file mode the set is complete when the file is opened; in pipe mode it grows as
 * HEADER_ATTR records are read.
 */
public final class EventSet {
    private final List<Event> events = new ArrayList<>();
    /** Ids to the index of their event in {@link #events} (the first event to claim an id keeps it). */
    private final IdIndex byId = new IdIndex();
    /** The last id looked up and its event: consecutive records mostly come from one event. */
    private long lastId = SampleLayout.NONE_ID;
    private Event lastEvent;
    private List<long[]> groups = List.of();

    /** Adds an event (file attr section, HEADER_ATTR record) and indexes its ids. */
    public Event add(EventAttr attr, List<Long> ids, String name) {
        Event e = new Event(events.size(), attr, ids, name);
        events.add(e);
        lastId = SampleLayout.NONE_ID;
        lastEvent = null;
        for (Long id : ids) {
            byId.putIfAbsent(id, e.index());
        }
        applyGroups();
        return events.get(e.index());
    }

    /** Names events from EVENT_DESC or EVENT_UPDATE; ids pick the event. */
    public void setName(long id, String name) {
        Event e = byId(id);
        if (e != null) {
            replace(e.withName(name));
        }
    }

    /** Names the event at {@code index}. */
    public void setNameAt(int index, String name) {
        if (index >= 0 && index < events.size()) {
            replace(events.get(index).withName(name));
        }
    }

    /**
     * Records groups (GROUP_DESC: leader index and member count per group), which decide where
     * events' branch counters are: a BRANCH_STACK sample carries counters when any member of its
     * event's group asks for them (perf's {@code evsel__has_branch_counters}).
     */
    public void setGroups(List<long[]> leaderAndMembers) {
        groups = List.copyOf(leaderAndMembers);
        applyGroups();
    }

    private void applyGroups() {
        int[] leader = new int[events.size()];
        for (int i = 0; i < leader.length; i++) {
            leader[i] = i;
        }
        for (long[] g : groups) {
            for (long m = g[0]; m < g[0] + g[1] && m < leader.length; m++) {
                if (g[0] >= 0) {
                    leader[(int) m] = (int) g[0];
                }
            }
        }
        boolean[] counters = new boolean[events.size()];
        for (Event e : events) {
            if ((e.attr().branchSampleType() & BranchSampleType.COUNTERS) != 0) {
                counters[leader[e.index()]] = true;
            }
        }
        for (Event e : events) {
            boolean c = counters[leader[e.index()]];
            if (e.leader() != leader[e.index()] || e.layout().branchCounters() != c) {
                replace(e.withLeader(leader[e.index()], c));
            }
        }
    }

    private void replace(Event e) {
        lastId = SampleLayout.NONE_ID;
        lastEvent = null;
        events.set(e.index(), e);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public int size() {
        return events.size();
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    public Event get(int index) {
        return events.get(index);
    }

    public Event first() {
        return events.isEmpty() ? null : events.get(0);
    }

    /** The event with this id, or null. */
    public Event byId(long id) {
        int i = byId.get(id);
        return i < 0 ? null : events.get(i);
    }

    /** Whether the first event has {@code sample_id_all} (perf's {@code evlist__sample_id_all}). */
    public boolean sampleIdAll() {
        return !events.isEmpty() && events.get(0).layout().sampleIdAll();
    }

    /**
     * The event of the record at {@code start} of {@code b} ({@code type}, {@code size} from its
     * header), or null when its id names no event. Perf user records have no event: null.
     */
    public Event eventOf(ByteBuffer b, int start, int type, int size) {
        if (events.isEmpty() || type >= 64 || type <= 0) {
            return null;
        }
        Event first = events.get(0);
        if (events.size() == 1) {
            return first;
        }
        if (type != SAMPLE && !first.layout().sampleIdAll()) {
            return first;
        }
        long id = idOf(first.layout(), b, start, type, size);
        if (id == SampleLayout.NONE_ID) {
            return null;
        }
        if (id == 0) {
            return first;
        }
        if (id != lastId) {
            lastEvent = byId(id);
            lastId = id;
        }
        return lastEvent;
    }

    private static final int SAMPLE = 9;

    /**
     * The timestamp of the record at {@code start} read in place with its event's layout (perf's
     * {@code evlist__parse_sample_timestamp}), or {@link SampleLayout#NONE} when it has none: a
     * perf user record, no TIME, no sample_id_all, or an id that names no event.
     */
    public long timeOf(ByteBuffer b, int start, int type, int size) {
        Event e = eventOf(b, start, type, size);
        return e == null ? SampleLayout.NONE : e.layout().time(b, start, type, size);
    }

    private static long idOf(SampleLayout l, ByteBuffer b, int start, int type, int size) {
        int words = (size - 8) >> 3;
        if (type == SAMPLE) {
            int pos = l.idPos();
            if (pos < 0 || pos >= words) {
                return SampleLayout.NONE_ID;
            }
            return b.getLong(start + 8 + 8 * pos);
        }
        int pos = l.isPos();
        if (pos < 0 || pos > words) {
            return SampleLayout.NONE_ID;
        }
        return b.getLong(start + 8 + 8 * (words - pos));
    }

    /** The largest trailer of all events (perf's {@code id_hdr_size} assumes they agree). */
    public int maxTrailerSize() {
        int m = 0;
        for (Event e : events) {
            m = Math.max(m, e.layout().trailerSize());
        }
        return m;
    }

    /** An attr-only lookup for tests and tools: the event at {@code index}'s attr. */
    public EventAttr attr(int index) {
        return events.get(index).attr();
    }
}
