package dev.textpoke.perf.tracing;

import java.util.List;

/**
 * A tracepoint's format, from the tracing data perf records ({@code
 * /sys/kernel/tracing/events/SYSTEM/NAME/format}): its id, fields and {@code print fmt}.
 *
 * @param commonFields the {@code common_*} fields every event starts with
 * @param fields the event's own fields
 * @param print the parsed {@code print fmt}, or null when it could not be parsed (then, as
 *     libtraceevent, the text is {@code [FAILED TO PARSE]} and every field as {@code name=value})
 */
public record EventFormat(String system, String name, long id, List<FormatField> commonFields,
        List<FormatField> fields, String printFormat, PrintFormat print) {

    public EventFormat {
        commonFields = List.copyOf(commonFields);
        fields = List.copyOf(fields);
    }

    /** {@code system:name}, as perf names the event. */
    public String qualifiedName() {
        return system + ":" + name;
    }

    /** A field by name, common fields included, or null. */
    public FormatField field(String n) {
        for (FormatField f : fields) {
            if (f.name().equals(n)) {
                return f;
            }
        }
        for (FormatField f : commonFields) {
            if (f.name().equals(n)) {
                return f;
            }
        }
        return null;
    }
}
