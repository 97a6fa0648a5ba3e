package dev.textpoke.perf.event;

import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.sample.SampleLayout;
import java.util.List;

/**
 * One event of a perf.data (perf's {@code evsel}): its attr, the ids the kernel gave its
 * instances, and its name when the file says it (EVENT_DESC, EVENT_UPDATE).
 *
 * @param index  position in the file's attr list, from 0
 * @param leader index of its group leader (itself when it is in no group)
 * @param layout where the fields of its samples and trailers are, computed once from the attr
 */
public record Event(int index, EventAttr attr, List<Long> ids, String name, int leader, SampleLayout layout) {
    public Event {
        ids = List.copyOf(ids);
    }

    public Event(int index, EventAttr attr, List<Long> ids, String name) {
        this(index, attr, ids, name, index, SampleLayout.of(attr));
    }

    public Event withName(String newName) {
        return new Event(index, attr, ids, newName, leader, layout);
    }

    public Event withIds(List<Long> newIds) {
        return new Event(index, attr, newIds, name, leader, layout);
    }

    Event withLeader(int newLeader, boolean branchCounters) {
        return new Event(index, attr, ids, name, newLeader, layout.withBranchCounters(branchCounters));
    }

    /**
     * Cheap, and consistent with the record's equality (equal events have equal indexes): tools
     * keep events in hash sets per sample, where hashing the whole attr and id list would cost
     * more than the sample.
     */
    @Override
    public int hashCode() {
        return Integer.hashCode(index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && e.index == index && e.leader == leader && e.attr.equals(attr)
                && e.ids.equals(ids) && java.util.Objects.equals(e.name, name) && e.layout.equals(layout);
    }

    /** The name, or a generic one made from the attr's type and config. */
    public String displayName() {
        if (name != null && !name.isEmpty()) {
            return name;
        }
        return "type " + attr.type() + " config 0x" + Long.toHexString(attr.config());
    }
}
