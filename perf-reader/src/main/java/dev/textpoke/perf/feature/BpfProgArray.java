package dev.textpoke.perf.feature;

import dev.textpoke.perf.feature.BpfProgramInfo.Field;

/**
 * The arrays perf fetches with a program's {@code bpf_prog_info} ({@code enum perf_bpil_array} and
 * {@code bpil_array_desc} in tools/perf/util/bpf-utils.c): bit {@code ordinal()} of the program's
 * {@code arrays} says it is in the data; the struct gives its offset there, its element count and
 * its element size (fixed, or a record size field). perf lays them out in this order, each
 * rounded up to 8 bytes.
 */
public enum BpfProgArray {
    JITED_INSNS(Field.JITED_PROG_INSNS, Field.JITED_PROG_LEN, null, 1, Elements.BYTES),
    XLATED_INSNS(Field.XLATED_PROG_INSNS, Field.XLATED_PROG_LEN, null, 1, Elements.BYTES),
    MAP_IDS(Field.MAP_IDS, Field.NR_MAP_IDS, null, 4, Elements.U32),
    JITED_KSYMS(Field.JITED_KSYMS, Field.NR_JITED_KSYMS, null, 8, Elements.U64),
    JITED_FUNC_LENS(Field.JITED_FUNC_LENS, Field.NR_JITED_FUNC_LENS, null, 4, Elements.U32),
    /** {@code struct bpf_func_info {u32 insn_off, type_id}} records, kept as bytes. */
    FUNC_INFO(Field.FUNC_INFO, Field.NR_FUNC_INFO, Field.FUNC_INFO_REC_SIZE, 0, Elements.BYTES),
    /** {@code struct bpf_line_info {u32 insn_off, file_name_off, line_off, line_col}} records, kept as bytes. */
    LINE_INFO(Field.LINE_INFO, Field.NR_LINE_INFO, Field.LINE_INFO_REC_SIZE, 0, Elements.BYTES),
    /** JIT addresses of the line info records ({@code rec_size} 8), kept as bytes. */
    JITED_LINE_INFO(Field.JITED_LINE_INFO, Field.NR_JITED_LINE_INFO, Field.JITED_LINE_INFO_REC_SIZE, 0, Elements.BYTES),
    /** The tags of the program's functions, 8 bytes each. */
    PROG_TAGS(Field.PROG_TAGS, Field.NR_PROG_TAGS, null, BpfProgramInfo.TAG_SIZE, Elements.BYTES);

    /** How an array's elements are held: bytes as written, u32 numbers or u64 numbers. */
    public enum Elements { BYTES, U32, U64 }

    private final Field pointer;
    private final Field count;
    private final Field recordSize;
    private final int fixedSize;
    private final Elements elements;

    BpfProgArray(Field pointer, Field count, Field recordSize, int fixedSize, Elements elements) {
        this.pointer = pointer;
        this.count = count;
        this.recordSize = recordSize;
        this.fixedSize = fixedSize;
        this.elements = elements;
    }

    /** How the elements are held in {@link Feature.BpfProg}: {@code Bytes}, {@code U32s} or {@code U64s}. */
    public Elements elements() {
        return elements;
    }

    /** This array's bit in {@code perf_bpil.arrays}. */
    public long bit() {
        return 1L << ordinal();
    }

    public boolean in(long arrays) {
        return (arrays & bit()) != 0;
    }

    /** The field holding the array's offset in the data. */
    public Field pointerField() {
        return pointer;
    }

    public Field countField() {
        return count;
    }

    /** The record size field, or null when elements have a fixed size. */
    public Field recordSizeField() {
        return recordSize;
    }

    public long offset(BpfProgramInfo info) {
        return info.get(pointer);
    }

    public long count(BpfProgramInfo info) {
        return info.get(count);
    }

    public long elementSize(BpfProgramInfo info) {
        return recordSize == null ? fixedSize : info.get(recordSize);
    }

    /** Bytes the array takes: count times element size (u32 times u32, so it cannot overflow a long). */
    public long byteLength(BpfProgramInfo info) {
        return count(info) * elementSize(info);
    }
}
