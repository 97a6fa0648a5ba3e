package dev.textpoke.pt.perf;

import dev.textpoke.perf.attr.AttrFlag;
import dev.textpoke.perf.attr.EventAttr;
import java.util.List;

/**
 * An intel_pt event of a recording: its attr (whose type is AUXTRACE_INFO's pmu_type), the ids
 * of its instances (one per CPU or thread), and the PT configuration its attr.config gives.
 *
 * @param name the event's name from EVENT_DESC (e.g. {@code intel_pt//k}), or "" when unknown
 */
public record PtEvent(String name, EventAttr attr, List<Long> ids, PtConfig config) {
    public PtEvent {
        ids = List.copyOf(ids);
        name = name == null ? "" : name;
    }

    /** Whether kernel code is traced (not {@code exclude_kernel}). */
    public boolean tracesKernel() {
        return attr.flag(AttrFlag.EXCLUDE_KERNEL) == 0;
    }

    /** Whether user code is traced (not {@code exclude_user}). */
    public boolean tracesUser() {
        return attr.flag(AttrFlag.EXCLUDE_USER) == 0;
    }
}
