package dev.textpoke.perf.parse;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.attr.EventAttr;
import dev.textpoke.perf.record.CString;
import dev.textpoke.perf.record.CpuMapData;
import dev.textpoke.perf.record.EventUpdateData;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import java.util.ArrayList;
import java.util.List;

/** Bodies of perf's own records ({@code enum perf_user_event_type}, tools/lib/perf/include/perf/event.h). */
final class UserRecordParser {
    private static final int BUILD_ID_AREA = 24;
    private static final int THREAD_COMM = 16;
    private static final int AUXTRACE_ERROR_MSG = 64;
    private static final int METADATA_KEY = 64;
    private static final int METADATA_VALUE = 256;
    /** KSYM_NAME_LEN has been 128, 256 and 512 in the kernels and perfs that wrote BPF_METADATA. */
    private static final int[] PROG_NAME_LENGTHS = {512, 256, 128};
    private static final int EVENT_UPDATE_UNIT = 0;
    private static final int EVENT_UPDATE_SCALE = 1;
    private static final int EVENT_UPDATE_NAME = 2;
    private static final int EVENT_UPDATE_CPUS = 3;

    private UserRecordParser() {}

    static PerfRecord parse(ByteCursor b, RecordHeader h, RecordType type, long payloadOffset)
            throws InputFormatException {
        return switch (type) {
            case HEADER_ATTR -> {
                EventAttr attr = EventAttr.read(b);
                long[] ids = new long[b.remaining() / 8];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = b.u64("id");
                }
                yield new PerfRecord.HeaderAttr(h, attr, U64s.wrapOwned(ids));
            }
            case HEADER_EVENT_TYPE -> new PerfRecord.HeaderEventType(h, b.u64("event_id"), rest(b));
            case HEADER_TRACING_DATA -> new PerfRecord.HeaderTracingData(h, b.u32("size"), tail(b), payloadOffset);
            case HEADER_BUILD_ID -> new PerfRecord.HeaderBuildId(h, b.s32("pid"),
                    b.immutableBytes(BUILD_ID_AREA, "build_id"), rest(b));
            case FINISHED_ROUND -> new PerfRecord.FinishedRound(h, tail(b));
            case FINISHED_INIT -> new PerfRecord.FinishedInit(h, tail(b));
            case ID_INDEX -> idIndex(b, h);
            case AUXTRACE_INFO -> {
                long auxType = b.u32("type");
                long reserved = b.u32("reserved");
                long[] priv = new long[b.remaining() / 8];
                for (int i = 0; i < priv.length; i++) {
                    priv[i] = b.u64("priv");
                }
                yield new PerfRecord.AuxtraceInfo(h, auxType, reserved, U64s.wrapOwned(priv));
            }
            case AUXTRACE -> new PerfRecord.Auxtrace(h, b.u64("size"), b.u64("offset"), b.u64("reference"),
                    b.u32("idx"), b.s32("tid"), b.s32("cpu"), b.u32("reserved"), payloadOffset, tail(b));
            case AUXTRACE_ERROR -> auxtraceError(b, h);
            case THREAD_MAP -> {
                int nr = b.count64(8 + THREAD_COMM, "nr");
                List<PerfRecord.ThreadMapEntry> entries = new ArrayList<>(nr);
                for (int i = 0; i < nr; i++) {
                    entries.add(new PerfRecord.ThreadMapEntry(b.u64("pid"),
                            new CString(b.immutableBytes(THREAD_COMM, "comm"))));
                }
                yield new PerfRecord.ThreadMap(h, entries, tail(b));
            }
            case CPU_MAP -> new PerfRecord.CpuMap(h, cpuMap(b), tail(b));
            case STAT_CONFIG -> {
                int nr = b.count64(16, "nr");
                List<PerfRecord.StatConfigEntry> entries = new ArrayList<>(nr);
                for (int i = 0; i < nr; i++) {
                    entries.add(new PerfRecord.StatConfigEntry(b.u64("tag"), b.u64("val")));
                }
                yield new PerfRecord.StatConfig(h, entries, tail(b));
            }
            case STAT -> new PerfRecord.Stat(h, b.u64("id"), b.s32("cpu"), b.s32("thread"), b.u64("val"),
                    b.u64("ena"), b.u64("run"), tail(b));
            case STAT_ROUND -> new PerfRecord.StatRound(h, b.u64("type"), b.u64("time"), tail(b));
            case EVENT_UPDATE -> eventUpdate(b, h);
            case TIME_CONV -> timeConv(b, h);
            case HEADER_FEATURE -> new PerfRecord.HeaderFeature(h, b.u64("feat_id"), tail(b));
            case COMPRESSED -> new PerfRecord.Compressed(h, tail(b));
            case COMPRESSED2 -> {
                long dataSize = b.u64("data_size");
                Bytes data = b.immutableBytes(dataSize, "compressed data");
                yield new PerfRecord.Compressed2(h, data, tail(b));
            }
            case BPF_METADATA -> bpfMetadata(b, h);
            case SCHEDSTAT_CPU -> new PerfRecord.SchedstatCpu(h, b.u64("timestamp"), b.u32("cpu"), b.u16("version"),
                    tail(b));
            case SCHEDSTAT_DOMAIN -> new PerfRecord.SchedstatDomain(h, b.u64("timestamp"), b.u32("cpu"),
                    b.u16("version"), tail(b));
            default -> throw new IllegalArgumentException("not a user record type: " + type);
        };
    }

    private static CString rest(ByteCursor b) throws InputFormatException {
        return new CString(b.immutableBytes(b.remaining(), "string"));
    }

    private static Bytes tail(ByteCursor b) throws InputFormatException {
        return b.immutableBytes(b.remaining(), "record tail");
    }

    /** Entries {@code {id, idx, cpu, tid}}, then, when the record has room, {@code {machine_pid, vcpu}} for each. */
    private static PerfRecord idIndex(ByteCursor b, RecordHeader h) throws InputFormatException {
        int nr = b.count64(32, "nr");
        long[][] first = new long[nr][];
        for (int i = 0; i < nr; i++) {
            first[i] = new long[] {b.u64("id"), b.u64("idx"), b.u64("cpu"), b.u64("tid")};
        }
        boolean second = b.remaining() >= 16L * nr && nr > 0;
        List<PerfRecord.IdIndexEntry> entries = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            long mpid = second ? b.u64("machine_pid") : -1;
            long vcpu = second ? b.u64("vcpu") : -1;
            entries.add(new PerfRecord.IdIndexEntry(first[i][0], first[i][1], first[i][2], first[i][3], mpid, vcpu));
        }
        return new PerfRecord.IdIndex(h, entries, second, tail(b));
    }

    /**
     * Older writers and fmt below 2 stop after msg's NUL (no machine_pid, vcpu), so msg takes up to
     * 64 bytes; the oldest (fmt 0) have the message where time is, which stays as read.
     */
    private static PerfRecord auxtraceError(ByteCursor b, RecordHeader h) throws InputFormatException {
        long type = b.u32("type");
        long code = b.u32("code");
        int cpu = b.s32("cpu");
        int pid = b.s32("pid");
        int tid = b.s32("tid");
        long fmt = b.u32("fmt");
        long ip = b.u64("ip");
        long time = b.u64("time");
        CString msg = new CString(b.immutableBytes(Math.min(AUXTRACE_ERROR_MSG, b.remaining()), "msg"));
        Integer machinePid = null;
        Integer vcpu = null;
        if (b.remaining() >= 8) {
            machinePid = b.s32("machine_pid");
            vcpu = b.s32("vcpu");
        }
        return new PerfRecord.AuxtraceError(h, type, code, cpu, pid, tid, fmt, ip, time, msg, machinePid, vcpu, tail(b));
    }

    /** {@code perf_record_cpu_map_data}: a packed u16 type, then the form's fields. */
    static CpuMapData cpuMap(ByteCursor b) throws InputFormatException {
        int type = b.u16("cpu map type");
        switch (type) {
            case CpuMapData.CPUS -> {
                int nr = b.u16("nr");
                b.require(2L * nr, "cpus");
                List<Integer> cpus = new ArrayList<>(nr);
                for (int i = 0; i < nr; i++) {
                    cpus.add(b.u16("cpu"));
                }
                return new CpuMapData.Cpus(cpus);
            }
            case CpuMapData.MASK -> {
                int nr = b.u16("nr");
                int longSize = b.u16("long_size");
                if (longSize != 4 && longSize != 8) {
                    throw b.error("cpu mask long_size is " + longSize + ", not 4 or 8");
                }
                Bytes pad = longSize == 8 ? b.immutableBytes(4, "mask padding") : Bytes.EMPTY;
                b.require((long) nr * longSize, "cpu mask");
                List<Long> words = new ArrayList<>(nr);
                for (int i = 0; i < nr; i++) {
                    words.add(longSize == 8 ? b.u64("mask") : b.u32("mask"));
                }
                return new CpuMapData.Mask(longSize, pad, words);
            }
            case CpuMapData.RANGE_CPUS -> {
                return new CpuMapData.Range(b.u8("any_cpu"), b.u8("pad"), b.u16("start_cpu"), b.u16("end_cpu"));
            }
            default -> {
                return new CpuMapData.Other(type, b.immutableBytes(b.remaining(), "cpu map"));
            }
        }
    }

    private static PerfRecord eventUpdate(ByteCursor b, RecordHeader h) throws InputFormatException {
        long type = b.u64("type");
        long id = b.u64("id");
        EventUpdateData data;
        // Units and names are NUL-padded strings to the end; other forms may leave padding.
        if (type == EVENT_UPDATE_UNIT) {
            data = new EventUpdateData.Unit(rest(b));
        } else if (type == EVENT_UPDATE_NAME) {
            data = new EventUpdateData.Name(rest(b));
        } else if (type == EVENT_UPDATE_SCALE) {
            data = new EventUpdateData.Scale(Double.longBitsToDouble(b.u64("scale")));
        } else if (type == EVENT_UPDATE_CPUS) {
            data = new EventUpdateData.Cpus(cpuMap(b));
        } else {
            data = new EventUpdateData.Other(tail(b));
        }
        return new PerfRecord.EventUpdate(h, type, id, data, tail(b));
    }

    private static PerfRecord timeConv(ByteCursor b, RecordHeader h) throws InputFormatException {
        long shift = b.u64("time_shift");
        long mult = b.u64("time_mult");
        long zero = b.u64("time_zero");
        if (b.remaining() < 16) {
            return new PerfRecord.TimeConv(h, shift, mult, zero, false, 0, 0, null, null, tail(b));
        }
        long cycles = b.u64("time_cycles");
        long mask = b.u64("time_mask");
        Integer capZero = null;
        Integer capShort = null;
        if (b.remaining() >= 2) {
            capZero = b.u8("cap_user_time_zero");
            capShort = b.u8("cap_user_time_short");
        }
        return new PerfRecord.TimeConv(h, shift, mult, zero, true, cycles, mask, capZero, capShort, tail(b));
    }

    /** The program name field is KSYM_NAME_LEN bytes, which changed over time: take the one the size fits. */
    private static PerfRecord bpfMetadata(ByteCursor b, RecordHeader h) throws InputFormatException {
        int start = b.position();
        int entry = METADATA_KEY + METADATA_VALUE;
        for (int nameLen : PROG_NAME_LENGTHS) {
            b.seek(start);
            if (b.remaining() < nameLen + 8) {
                continue;
            }
            b.seek(start + nameLen);
            long nr = b.u64("nr_entries");
            if (nr >= 0 && nr <= b.remaining() / entry && b.remaining() - nr * entry < 8) {
                b.seek(start);
                CString name = new CString(b.immutableBytes(nameLen, "prog_name"));
                b.u64("nr_entries");
                List<PerfRecord.BpfMetadataEntry> entries = new ArrayList<>((int) nr);
                for (long i = 0; i < nr; i++) {
                    entries.add(new PerfRecord.BpfMetadataEntry(new CString(b.immutableBytes(METADATA_KEY, "key")),
                            new CString(b.immutableBytes(METADATA_VALUE, "value"))));
                }
                return new PerfRecord.BpfMetadata(h, name, entries, tail(b));
            }
        }
        throw b.seek(start).error("BPF_METADATA of " + b.remaining() + " bytes fits no prog_name length ("
                + "512, 256 or 128) and entry count");
    }
}
