package dev.textpoke.perf.write;

import static dev.textpoke.perf.write.KernelRecordBodies.exactly;

import dev.textpoke.perf.record.CpuMapData;
import dev.textpoke.perf.record.EventUpdateData;
import dev.textpoke.perf.record.PerfRecord;

/**
 * Bodies of perf's own records ({@code enum perf_user_event_type},
 * tools/lib/perf/include/perf/event.h): the inverse of {@code UserRecordParser}. Fixed-size string
 * fields (THREAD_MAP comm, AUXTRACE_ERROR msg, BPF_METADATA names) must be as long as the struct
 * says; the encoder does not pad or cut them.
 */
final class UserRecordBodies {
    private static final int BUILD_ID_AREA = 24;
    private static final int THREAD_COMM = 16;
    private static final int AUXTRACE_ERROR_MSG = 64;
    private static final int METADATA_KEY = 64;
    private static final int METADATA_VALUE = 256;

    private UserRecordBodies() {}

    static void write(ByteOutput o, PerfRecord record) {
        if (record instanceof PerfRecord.HeaderAttr r) {
            o.bytes(AttrEncoder.encode(r.attr(), o.order())).u64s(r.ids());
        } else if (record instanceof PerfRecord.HeaderEventType r) {
            o.u64(r.eventId()).bytes(r.name().field());
        } else if (record instanceof PerfRecord.HeaderTracingData r) {
            o.u32(r.size()).bytes(r.inline());
        } else if (record instanceof PerfRecord.HeaderBuildId r) {
            o.u32(r.pid()).bytes(exactly(r.buildIdArea(), BUILD_ID_AREA, "HEADER_BUILD_ID build_id"))
                    .bytes(r.filename().field());
        } else if (record instanceof PerfRecord.FinishedRound r) {
            o.bytes(r.tail());
        } else if (record instanceof PerfRecord.FinishedInit r) {
            o.bytes(r.tail());
        } else if (record instanceof PerfRecord.IdIndex r) {
            idIndex(o, r);
        } else if (record instanceof PerfRecord.AuxtraceInfo r) {
            o.u32(r.auxType()).u32(r.reserved()).u64s(r.priv());
        } else if (record instanceof PerfRecord.Auxtrace r) {
            o.u64(r.size()).u64(r.offset()).u64(r.reference()).u32(r.idx()).u32(r.tid()).u32(r.cpu())
                    .u32(r.reserved()).bytes(r.tail());
        } else if (record instanceof PerfRecord.AuxtraceError r) {
            auxtraceError(o, r);
        } else if (record instanceof PerfRecord.ThreadMap r) {
            o.u64(r.entries().size());
            r.entries().forEach(e -> o.u64(e.pid()).bytes(exactly(e.comm().field(), THREAD_COMM, "THREAD_MAP comm")));
            o.bytes(r.tail());
        } else if (record instanceof PerfRecord.CpuMap r) {
            cpuMap(o, r.data());
            o.bytes(r.tail());
        } else if (record instanceof PerfRecord.StatConfig r) {
            o.u64(r.entries().size());
            r.entries().forEach(e -> o.u64(e.tag()).u64(e.value()));
            o.bytes(r.tail());
        } else if (record instanceof PerfRecord.Stat r) {
            o.u64(r.id()).u32(r.cpu()).u32(r.thread()).u64(r.value()).u64(r.enabled()).u64(r.running())
                    .bytes(r.tail());
        } else if (record instanceof PerfRecord.StatRound r) {
            o.u64(r.roundType()).u64(r.time()).bytes(r.tail());
        } else if (record instanceof PerfRecord.EventUpdate r) {
            o.u64(r.updateType()).u64(r.id());
            eventUpdate(o, r.data());
            o.bytes(r.tail());
        } else if (record instanceof PerfRecord.TimeConv r) {
            timeConv(o, r);
        } else if (record instanceof PerfRecord.HeaderFeature r) {
            o.u64(r.featureId()).bytes(r.data());
        } else if (record instanceof PerfRecord.Compressed r) {
            o.bytes(r.data());
        } else if (record instanceof PerfRecord.Compressed2 r) {
            o.u64(r.data().length()).bytes(r.data()).bytes(r.pad());
        } else if (record instanceof PerfRecord.BpfMetadata r) {
            o.bytes(r.progName().field()).u64(r.entries().size());
            r.entries().forEach(e -> o.bytes(exactly(e.key().field(), METADATA_KEY, "BPF_METADATA key"))
                    .bytes(exactly(e.value().field(), METADATA_VALUE, "BPF_METADATA value")));
            o.bytes(r.tail());
        } else if (record instanceof PerfRecord.SchedstatCpu r) {
            o.u64(r.timestamp()).u32(r.cpu()).u16(r.version()).bytes(r.counters());
        } else if (record instanceof PerfRecord.SchedstatDomain r) {
            o.u64(r.timestamp()).u32(r.cpu()).u16(r.version()).bytes(r.counters());
        } else if (record instanceof PerfRecord.Unknown r) {
            o.bytes(r.body());
        } else {
            throw new IllegalArgumentException("no encoder for " + record.getClass().getSimpleName());
        }
    }

    /** {@code u64 nr; {id, idx, cpu, tid}[nr]; [{machine_pid, vcpu}[nr]]}. */
    private static void idIndex(ByteOutput o, PerfRecord.IdIndex r) {
        o.u64(r.entries().size());
        r.entries().forEach(e -> o.u64(e.id()).u64(e.idx()).u64(e.cpu()).u64(e.tid()));
        if (r.hasMachineVcpu()) {
            r.entries().forEach(e -> o.u64(e.machinePid()).u64(e.vcpu()));
        }
        o.bytes(r.tail());
    }

    private static void auxtraceError(ByteOutput o, PerfRecord.AuxtraceError r) {
        if (r.msg().field().length() > AUXTRACE_ERROR_MSG) {
            throw new IllegalArgumentException("AUXTRACE_ERROR msg of " + r.msg().field().length() + " bytes");
        }
        o.u32(r.errorType()).u32(r.code()).u32(r.cpu()).u32(r.pid()).u32(r.tid()).u32(r.fmt()).u64(r.ip())
                .u64(r.time()).bytes(r.msg().field());
        if (r.machinePid() != null || r.vcpu() != null) {
            exactly(r.msg().field(), AUXTRACE_ERROR_MSG, "AUXTRACE_ERROR msg before machine_pid");
            o.u32(r.machinePid() == null ? 0 : r.machinePid()).u32(r.vcpu() == null ? 0 : r.vcpu());
        }
        o.bytes(r.tail());
    }

    private static void timeConv(ByteOutput o, PerfRecord.TimeConv r) {
        o.u64(r.timeShift()).u64(r.timeMult()).u64(r.timeZero());
        if (r.hasCycles()) {
            o.u64(r.timeCycles()).u64(r.timeMask());
            if (r.capUserTimeZero() != null || r.capUserTimeShort() != null) {
                o.u8(r.capUserTimeZero() == null ? 0 : r.capUserTimeZero())
                        .u8(r.capUserTimeShort() == null ? 0 : r.capUserTimeShort());
            }
        }
        o.bytes(r.tail());
    }

    private static void eventUpdate(ByteOutput o, EventUpdateData d) {
        if (d instanceof EventUpdateData.Unit u) {
            o.bytes(u.unit().field());
        } else if (d instanceof EventUpdateData.Name n) {
            o.bytes(n.name().field());
        } else if (d instanceof EventUpdateData.Scale s) {
            o.u64(Double.doubleToRawLongBits(s.scale()));
        } else if (d instanceof EventUpdateData.Cpus c) {
            cpuMap(o, c.cpus());
        } else if (d instanceof EventUpdateData.Other x) {
            o.bytes(x.data());
        }
    }

    /** {@code perf_record_cpu_map_data}, packed: a u16 type, then the form's fields. */
    static void cpuMap(ByteOutput o, CpuMapData d) {
        if (d instanceof CpuMapData.Cpus c) {
            o.u16(CpuMapData.CPUS).u16(c.cpus().size());
            c.cpus().forEach(o::u16);
        } else if (d instanceof CpuMapData.Mask m) {
            if (m.longSize() != 4 && m.longSize() != 8) {
                throw new IllegalArgumentException("cpu mask long_size " + m.longSize() + " is not 4 or 8");
            }
            o.u16(CpuMapData.MASK).u16(m.words().size()).u16(m.longSize());
            if (m.longSize() == 8) {
                o.bytes(exactly(m.pad(), 4, "cpu mask padding"));
                m.words().forEach(o::u64);
            } else {
                m.words().forEach(o::u32);
            }
        } else if (d instanceof CpuMapData.Range r) {
            o.u16(CpuMapData.RANGE_CPUS).u8(r.anyCpu()).u8(r.pad()).u16(r.start()).u16(r.end());
        } else if (d instanceof CpuMapData.Other x) {
            o.u16(x.type()).bytes(x.data());
        }
    }
}
