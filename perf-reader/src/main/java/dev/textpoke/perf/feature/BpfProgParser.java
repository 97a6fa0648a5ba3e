package dev.textpoke.perf.feature;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.attr.BitFields;
import dev.textpoke.perf.feature.BpfProgramInfo.Field;
import dev.textpoke.perf.record.CString;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;

/**
 * One program of BPF_PROG_INFO: {@code struct perf_bpil {u32 info_len; u32 data_len; u64 arrays;
 * struct bpf_prog_info info; u8 data[data_len]}} (tools/perf/util/bpf-utils.h), the struct read
 * field by field ({@link Field}) and each array of {@code arrays} read from the data at the offset
 * the struct gives. An array that does not lie within the data is a format error.
 */
final class BpfProgParser {
    private BpfProgParser() {}

    static Feature.BpfProg parse(ByteCursor c) throws InputFormatException {
        long infoLen = c.u32("info_len");
        long dataLen = c.u32("data_len");
        long arrays = c.u64("arrays");
        BpfProgramInfo info = info(c.slice(infoLen, "bpf_prog_info"), infoLen);
        ByteCursor data = c.slice(dataLen, "bpf_prog_info data");
        Map<BpfProgArray, Object> values = new EnumMap<>(BpfProgArray.class);
        for (BpfProgArray a : BpfProgArray.values()) {
            if (a.in(arrays)) {
                values.put(a, array(data, a, info));
            }
        }
        return Feature.BpfProg.of(arrays, info, dataLen, values);
    }

    /** The struct: every field that lies within info_len; fields past it are 0. */
    private static BpfProgramInfo info(ByteCursor i, long infoLen) throws InputFormatException {
        Field[] fields = Field.values();
        long[] v = new long[fields.length];
        for (Field f : fields) {
            if (f.offset() + f.size() <= infoLen) {
                i.seek(f.offset());
                v[f.ordinal()] = f.size() == 8 ? i.u64(name(f)) : i.u32(name(f));
            }
        }
        if (i.order() == ByteOrder.BIG_ENDIAN) {
            // A big-endian compiler puts gpl_compatible:1 at the top of its u32.
            v[Field.GPL_COMPATIBLE.ordinal()] = BitFields.fromBigEndian(v[Field.GPL_COMPATIBLE.ordinal()] << 32,
                    BpfProgramInfo.GPL_FIELDS);
        }
        Bytes tag = null;
        if (BpfProgramInfo.TAG_OFFSET + BpfProgramInfo.TAG_SIZE <= infoLen) {
            tag = i.seek(BpfProgramInfo.TAG_OFFSET).immutableBytes(BpfProgramInfo.TAG_SIZE, "tag");
        }
        CString name = null;
        if (BpfProgramInfo.NAME_OFFSET + BpfProgramInfo.NAME_SIZE <= infoLen) {
            name = new CString(i.seek(BpfProgramInfo.NAME_OFFSET).immutableBytes(BpfProgramInfo.NAME_SIZE, "name"));
        }
        int tailAt = BpfProgramInfo.tailStart(infoLen);
        Bytes tail = i.seek(tailAt).immutableBytes(infoLen - tailAt, "bpf_prog_info tail");
        return new BpfProgramInfo(infoLen, U64s.wrapOwned(v), tag, name, tail);
    }

    private static String name(Field f) {
        return f.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static Object array(ByteCursor data, BpfProgArray a, BpfProgramInfo info) throws InputFormatException {
        long offset = a.offset(info);
        long bytes = a.byteLength(info);
        String what = a.name().toLowerCase(java.util.Locale.ROOT);
        if (offset < 0 || offset > data.remaining() + data.position() || bytes > data.position() + data.remaining() - offset) {
            throw data.seek(0).error(what + " of " + bytes + " bytes at offset " + Long.toUnsignedString(offset)
                    + " lies outside the program's " + (data.position() + data.remaining()) + " bytes of data");
        }
        data.seek((int) offset);
        int n = (int) a.count(info);
        switch (a.elements()) {
            case U32 -> {
                long[] v = new long[n];
                for (int k = 0; k < n; k++) {
                    v[k] = data.u32(what);
                }
                return U64s.wrapOwned(v);
            }
            case U64 -> {
                long[] v = new long[n];
                for (int k = 0; k < n; k++) {
                    v[k] = data.u64(what);
                }
                return U64s.wrapOwned(v);
            }
            default -> {
                return data.immutableBytes(bytes, what);
            }
        }
    }
}
