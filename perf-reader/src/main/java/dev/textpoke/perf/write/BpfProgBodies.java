package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.attr.BitFields;
import dev.textpoke.perf.feature.BpfProgArray;
import dev.textpoke.perf.feature.BpfProgramInfo;
import dev.textpoke.perf.feature.BpfProgramInfo.Field;
import dev.textpoke.perf.feature.Feature;
import java.nio.ByteOrder;

/**
 * One program of BPF_PROG_INFO as perf writes it ({@code write_bpf_prog_info}): {@code struct
 * perf_bpil {u32 info_len; u32 data_len; u64 arrays; struct bpf_prog_info info; u8
 * data[data_len]}}, the struct laid out by {@link Field}'s offsets (fields past info_len left
 * out), and the data rebuilt from the arrays at the offsets the struct gives, zero elsewhere.
 */
final class BpfProgBodies {
    private BpfProgBodies() {}

    static void write(ByteOutput o, Feature.BpfProg p) {
        BpfProgramInfo info = p.info();
        if (BpfProgramInfo.tailStart(info.infoLen()) + info.tail().length() != info.infoLen()) {
            throw new IllegalArgumentException("bpf_prog_info of info_len " + info.infoLen() + " with a tail of "
                    + info.tail().length() + " bytes");
        }
        o.u32(info.infoLen()).u32(p.dataLen()).u64(p.arrays());
        o.bytes(struct(info, o.order())).bytes(data(p, o.order()));
    }

    private static byte[] struct(BpfProgramInfo info, ByteOrder order) {
        ByteOutput s = new ByteOutput(order, BpfProgramInfo.SIZE);
        s.zeros((int) info.infoLen());
        for (Field f : Field.values()) {
            if (!info.has(f.offset(), f.size())) {
                continue;
            }
            long v = info.get(f);
            if (f == Field.GPL_COMPATIBLE && order == ByteOrder.BIG_ENDIAN) {
                v = BitFields.toBigEndian(v, BpfProgramInfo.GPL_FIELDS) >>> 32;
            }
            if (f.size() == 8) {
                s.u64At(f.offset(), v);
            } else {
                s.u32At(f.offset(), v);
            }
        }
        byte[] out = s.toArray();
        if (info.has(BpfProgramInfo.TAG_OFFSET, BpfProgramInfo.TAG_SIZE)) {
            KernelRecordBodies.exactly(info.tag(), BpfProgramInfo.TAG_SIZE, "bpf_prog_info tag")
                    .copyTo(out, BpfProgramInfo.TAG_OFFSET);
        }
        if (info.has(BpfProgramInfo.NAME_OFFSET, BpfProgramInfo.NAME_SIZE)) {
            KernelRecordBodies.exactly(info.name().field(), BpfProgramInfo.NAME_SIZE, "bpf_prog_info name")
                    .copyTo(out, BpfProgramInfo.NAME_OFFSET);
        }
        info.tail().copyTo(out, BpfProgramInfo.tailStart(info.infoLen()));
        return out;
    }

    private static byte[] data(Feature.BpfProg p, ByteOrder order) {
        if (p.dataLen() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bpf_prog_info data of " + p.dataLen() + " bytes");
        }
        ByteOutput d = new ByteOutput(order, (int) p.dataLen());
        for (BpfProgArray a : BpfProgArray.values()) {
            Object v = p.array(a);
            if (!a.in(p.arrays()) || v == null) {
                continue;
            }
            long offset = a.offset(p.info());
            long bytes = a.byteLength(p.info());
            if (offset < 0 || offset > p.dataLen() || bytes > p.dataLen() - offset) {
                throw new IllegalArgumentException(a + " of " + bytes + " bytes at " + offset + " outside data_len "
                        + p.dataLen());
            }
            ByteOutput one = new ByteOutput(order, (int) bytes);
            if (v instanceof U64s u) {
                for (int k = 0; k < u.size(); k++) {
                    if (a.elements() == BpfProgArray.Elements.U32) {
                        one.u32(u.get(k));
                    } else {
                        one.u64(u.get(k));
                    }
                }
            } else {
                one.bytes((Bytes) v);
            }
            if (one.size() != bytes) {
                throw new IllegalArgumentException(a + " holds " + one.size() + " bytes, the struct says " + bytes);
            }
            d.place((int) offset, one.toArray());
        }
        d.zeros((int) p.dataLen() - d.size());
        return d.toArray();
    }
}
