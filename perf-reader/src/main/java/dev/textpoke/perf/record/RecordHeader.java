package dev.textpoke.perf.record;

/**
 * {@code struct perf_event_header { u32 type; u16 misc; u16 size; }}: the 8 bytes before every
 * record. {@code size} counts the header itself.
 */
public record RecordHeader(int type, int misc, int size) {
    public static final int BYTES = 8;
    static final int OFF_TYPE = 0;
    static final int OFF_MISC = 4;
    static final int OFF_SIZE = 6;

    /**
     * The header of a record built from values: the writer computes the size from the body, so it
     * is 0 here.
     */
    public static RecordHeader of(RecordType type, int misc) {
        return new RecordHeader(type.id(), misc, 0);
    }

    /** {@code PERF_RECORD_MISC_CPUMODE_MASK}: bits 0-2 of misc. */
    public int cpumode() {
        return misc & 7;
    }

    public RecordType recordType() {
        return RecordType.of(Integer.toUnsignedLong(type));
    }
}
