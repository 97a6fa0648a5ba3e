package dev.textpoke.perf.record;

import dev.textpoke.io.Bytes;

/** The payload of an EVENT_UPDATE record, by its type: 0 unit, 1 scale, 2 name, 3 cpus. */
public sealed interface EventUpdateData {
    record Unit(CString unit) implements EventUpdateData {}

    record Scale(double scale) implements EventUpdateData {}

    record Name(CString name) implements EventUpdateData {}

    record Cpus(CpuMapData cpus) implements EventUpdateData {}

    record Other(Bytes data) implements EventUpdateData {}
}
