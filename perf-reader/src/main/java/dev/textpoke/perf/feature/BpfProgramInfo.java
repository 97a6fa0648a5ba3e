package dev.textpoke.perf.feature;

import dev.textpoke.io.Bytes;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.record.CString;
import java.util.Arrays;

/**
 * {@code struct bpf_prog_info} (include/uapi/linux/bpf.h) as perf stores it in the BPF_PROG_INFO
 * feature: in the writer's byte order, {@code info_len} bytes long (the struct of the perf that
 * wrote it: fields past it read as 0, bytes past the fields this reader knows are the tail), and
 * with every array pointer the kernel filled in turned into an offset into the program's data
 * ({@code bpil_addr_to_offs}, tools/perf/util/bpf-utils.c). The arrays themselves are in {@link
 * Feature.BpfProg}.
 *
 * <p>The numbers are held by {@link Field}, which is the one table of the struct's offsets; the
 * byte fields {@code tag} and {@code name} are their own components.
 *
 * @param infoLen the {@code info_len} the program was written with
 * @param values  every {@link Field}, by ordinal; {@code gpl_compatible} as its u32 bit-field word
 *                in little-endian bit numbering
 * @param tag     {@code u8 tag[8]}
 * @param name    {@code char name[16]}, as written
 * @param tail    bytes after the last field this reader knows (padding, a newer kernel's fields)
 */
public record BpfProgramInfo(long infoLen, U64s values, Bytes tag, CString name, Bytes tail) {
    /** The numeric fields, with their offset and size in the struct. */
    public enum Field {
        TYPE(0, 4), ID(4, 4), JITED_PROG_LEN(16, 4), XLATED_PROG_LEN(20, 4), JITED_PROG_INSNS(24, 8),
        XLATED_PROG_INSNS(32, 8), LOAD_TIME(40, 8), CREATED_BY_UID(48, 4), NR_MAP_IDS(52, 4), MAP_IDS(56, 8),
        IFINDEX(80, 4),
        /** {@code __u32 gpl_compatible:1; __u32 :31}: a bit-field word, see {@link #GPL_FIELDS}. */
        GPL_COMPATIBLE(84, 4),
        NETNS_DEV(88, 8), NETNS_INO(96, 8), NR_JITED_KSYMS(104, 4), NR_JITED_FUNC_LENS(108, 4),
        JITED_KSYMS(112, 8), JITED_FUNC_LENS(120, 8), BTF_ID(128, 4), FUNC_INFO_REC_SIZE(132, 4),
        FUNC_INFO(136, 8), NR_FUNC_INFO(144, 4), NR_LINE_INFO(148, 4), LINE_INFO(152, 8),
        JITED_LINE_INFO(160, 8), NR_JITED_LINE_INFO(168, 4), LINE_INFO_REC_SIZE(172, 4),
        JITED_LINE_INFO_REC_SIZE(176, 4), NR_PROG_TAGS(180, 4), PROG_TAGS(184, 8), RUN_TIME_NS(192, 8),
        RUN_CNT(200, 8), RECURSION_MISSES(208, 8), VERIFIED_INSNS(216, 4), ATTACH_BTF_OBJ_ID(220, 4),
        ATTACH_BTF_ID(224, 4);

        private final int offset;
        private final int size;

        Field(int offset, int size) {
            this.offset = offset;
            this.size = size;
        }

        public int offset() {
            return offset;
        }

        /** 4 or 8. */
        public int size() {
            return size;
        }
    }

    /** {@code u8 tag[BPF_TAG_SIZE]}. */
    public static final int TAG_OFFSET = 8;
    public static final int TAG_SIZE = 8;
    /** {@code char name[BPF_OBJ_NAME_LEN]}. */
    public static final int NAME_OFFSET = 64;
    public static final int NAME_SIZE = 16;
    /** The end of the last field this reader knows ({@code attach_btf_id}). */
    public static final int KNOWN_END = 228;
    /** {@code sizeof(struct bpf_prog_info)} with those fields: 228 padded to 8. */
    public static final int SIZE = 232;
    /** {@code {lsb, width}} of the gpl_compatible word's bit-fields. */
    public static final int[][] GPL_FIELDS = {{0, 1}, {1, 31}};

    private static final Field[] FIELDS = Field.values();

    public BpfProgramInfo {
        if (values.size() != FIELDS.length) {
            throw new IllegalArgumentException(values.size() + " values for " + FIELDS.length + " fields");
        }
        tag = tag == null ? Bytes.of(new byte[TAG_SIZE]) : tag;
        name = name == null ? new CString(Bytes.of(new byte[NAME_SIZE])) : name;
        tail = tail == null ? Bytes.EMPTY : tail;
    }

    /** A struct of the size this reader knows, all zero: start here and set fields with {@code with}. */
    public static BpfProgramInfo empty() {
        return new BpfProgramInfo(SIZE, U64s.wrapOwned(new long[FIELDS.length]), null, null,
                Bytes.of(new byte[SIZE - KNOWN_END]));
    }

    public long get(Field f) {
        return values.get(f.ordinal());
    }

    public BpfProgramInfo with(Field f, long value) {
        long[] v = values.toArray();
        v[f.ordinal()] = value;
        return new BpfProgramInfo(infoLen, U64s.wrapOwned(v), tag, name, tail);
    }

    public BpfProgramInfo withTag(Bytes newTag) {
        return new BpfProgramInfo(infoLen, values, newTag, name, tail);
    }

    /** The name, NUL-padded to its 16 bytes. */
    public BpfProgramInfo withName(String newName) {
        byte[] f = Arrays.copyOf(newName.getBytes(java.nio.charset.StandardCharsets.UTF_8), NAME_SIZE);
        return new BpfProgramInfo(infoLen, values, tag, new CString(Bytes.wrapOwned(f)), tail);
    }

    /** Whether {@code [offset, offset + size)} lies within {@code info_len}: fields past it are absent. */
    public boolean has(int offset, int size) {
        return offset + size <= infoLen;
    }

    /**
     * Where the tail starts: the end of the last known field that lies wholly within {@code
     * info_len} (the fields follow each other without gaps from offset 0).
     */
    public static int tailStart(long infoLen) {
        int end = 0;
        for (Field f : FIELDS) {
            if (f.offset + f.size <= infoLen) {
                end = Math.max(end, f.offset + f.size);
            }
        }
        if (TAG_OFFSET + TAG_SIZE <= infoLen) {
            end = Math.max(end, TAG_OFFSET + TAG_SIZE);
        }
        if (NAME_OFFSET + NAME_SIZE <= infoLen) {
            end = Math.max(end, NAME_OFFSET + NAME_SIZE);
        }
        return end;
    }

    public long type() {
        return get(Field.TYPE);
    }

    public long id() {
        return get(Field.ID);
    }

    public long jitedProgLen() {
        return get(Field.JITED_PROG_LEN);
    }

    public long loadTime() {
        return get(Field.LOAD_TIME);
    }

    public boolean gplCompatible() {
        return (get(Field.GPL_COMPATIBLE) & 1) != 0;
    }

    public long btfId() {
        return get(Field.BTF_ID);
    }

    /** The name up to its NUL. */
    public String nameText() {
        return name.text();
    }
}
