package dev.textpoke.perf.tracing;

/**
 * One field of a tracepoint's format ({@code field:TYPE NAME; offset:O; size:S; signed:0|1;}),
 * with the properties libtraceevent derives from its declaration (tools/lib/traceevent/
 * event-parse.c, {@code event_read_fields}).
 *
 * @param type the C type as written, array brackets and {@code __data_loc} included
 * @param arrayLength the declared element count of a fixed array, 0 otherwise
 * @param elementSize the size of one element: {@code size / arrayLength} for an array
 */
public record FormatField(String type, String name, int offset, int size, boolean signed, boolean array,
        int arrayLength, int elementSize) {

    /** An array of chars (or u8/s8): printed as text. */
    public boolean isString() {
        return array && (type.contains("char") || type.contains("u8") || type.contains("s8"));
    }

    /** {@code __data_loc}: a u32 holding the offset (low 16 bits) and length (high 16 bits) of the data. */
    public boolean isDynamic() {
        return type.startsWith("__data_loc") || isRelative();
    }

    /** {@code __rel_loc}: as {@code __data_loc}, with the offset counted from the end of this field. */
    public boolean isRelative() {
        return type.startsWith("__rel_loc");
    }

    /** A pointer type. */
    public boolean isPointer() {
        return !array && type.endsWith("*");
    }

    /** The type mentions {@code long} (libtraceevent prints such values in hex in its fallback). */
    public boolean isLong() {
        return type.contains("long");
    }
}
