package dev.textpoke.perf.record;

import dev.textpoke.perf.attr.ReadFormat;
import java.util.List;

/**
 * What {@code read_format} describes (READ samples, READ records): non-group {@code {value;
 * [time_enabled]; [time_running]; [id]; [lost]}}, or group {@code {nr; [time_enabled];
 * [time_running]; {value; [id]; [lost]}[nr]}}. Fields the format lacks are 0.
 */
public record ReadValues(long readFormat, long timeEnabled, long timeRunning, List<ReadValue> values) {
    public ReadValues {
        values = List.copyOf(values);
    }

    public boolean group() {
        return (readFormat & ReadFormat.GROUP) != 0;
    }

    /** One counter: its value, id and lost count (0 when the format lacks them). */
    public record ReadValue(long value, long id, long lost) {}
}
