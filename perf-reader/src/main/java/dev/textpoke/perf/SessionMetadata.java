package dev.textpoke.perf;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfFormatException.Kind;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.event.EventSet;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.feature.Features;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the records that describe the session, as perf processes them "right away"
 * ({@code perf_session__process_user_event}): HEADER_ATTR adds an event, HEADER_FEATURE adds a
 * feature, EVENT_UPDATE names an event. In pipe mode that is the only place the events and
 * features come from; in file mode such records are rare but applied the same way.
 */
final class SessionMetadata implements RecordReader.RecordListener {
    /** {@code struct perf_record_event_update}: u64 type, u64 id, then the payload. */
    private static final int EVENT_UPDATE_NAME = 2;
    private static final int HEADER_FEATURE_DATA = 16;

    private final EventSet events;
    private final Features features;

    SessionMetadata(EventSet events, Features features) {
        this.events = events;
        this.features = features;
    }

    @Override
    public void onRecord(RecordView r) throws IOException {
        int type = r.type();
        if (type < RecordType.USER_TYPE_START) {
            return;
        }
        try {
            if (type == RecordType.HEADER_ATTR.id()) {
                headerAttr(r);
            } else if (type == RecordType.HEADER_FEATURE.id()) {
                headerFeature(r);
            } else if (type == RecordType.EVENT_UPDATE.id()) {
                eventUpdate(r);
            }
        } catch (PerfFormatException e) {
            throw e;
        } catch (InputFormatException e) {
            long at = r.inCompressed() ? r.offset() : e.offset();
            String where = r.inCompressed() ? "in a record decompressed from the COMPRESSED record here: " : "";
            throw new PerfFormatException(type == RecordType.HEADER_ATTR.id() ? Kind.BAD_ATTR : Kind.BAD_RECORD,
                    r.source(), at, where + RecordType.displayName(type) + ": " + e.problem(), e);
        }
    }

    /** {@code struct perf_record_header_attr}: the attr ({@code attr.size} bytes), then u64 ids to the end. */
    private void headerAttr(RecordView r) throws InputFormatException {
        ByteCursor c = r.cursor();
        EventAttr attr = EventAttr.read(c);
        List<Long> ids = new ArrayList<>(c.remaining() / 8);
        while (c.remaining() >= 8) {
            ids.add(c.u64("event id"));
        }
        events.add(attr, ids, null);
    }

    private void headerFeature(RecordView r) throws IOException {
        ByteCursor c = r.cursor();
        long id = c.u64("feat_id");
        Bytes data = c.immutableBytes(c.remaining(), "feature data");
        if (id < 0 || id > Integer.MAX_VALUE) {
            return;
        }
        long dataAt = r.inCompressed() ? r.offset() : r.offset() + HEADER_FEATURE_DATA;
        features.addData((int) id, data, dataAt);
        if (id == FeatureId.GROUP_DESC.id()) {
            applyGroups(events, features);
        } else if (id == FeatureId.EVENT_DESC.id()) {
            applyEventDesc(events, features);
        }
    }

    private void eventUpdate(RecordView r) throws InputFormatException {
        ByteCursor c = r.cursor();
        long kind = c.u64("event update type");
        long id = c.u64("event id");
        if (kind == EVENT_UPDATE_NAME) {
            events.setName(id, c.cString("event name"));
        }
    }

    /** Groups from GROUP_DESC decide branch counters; a malformed GROUP_DESC leaves events ungrouped. */
    static void applyGroups(EventSet events, Features features) throws IOException {
        var g = features.get(FeatureId.GROUP_DESC, Feature.GroupDesc.class);
        if (g.isPresent()) {
            List<long[]> groups = new ArrayList<>();
            for (Feature.Group grp : g.get().groups()) {
                groups.add(new long[] {grp.leaderIndex(), grp.members()});
            }
            events.setGroups(groups);
        }
    }

    /** Names events from EVENT_DESC, matching by their first id as perf does, else by position. */
    static void applyEventDesc(EventSet events, Features features) throws IOException {
        var d = features.get(FeatureId.EVENT_DESC, Feature.EventDesc.class);
        if (d.isEmpty()) {
            return;
        }
        List<Feature.EventDescEntry> entries = d.get().events();
        for (int i = 0; i < entries.size(); i++) {
            Feature.EventDescEntry e = entries.get(i);
            if (!e.ids().isEmpty() && events.byId(e.ids().get(0)) != null) {
                events.setName(e.ids().get(0), e.name());
            } else if (i < events.size() && events.get(i).name() == null) {
                events.setNameAt(i, e.name());
            }
        }
    }
}
