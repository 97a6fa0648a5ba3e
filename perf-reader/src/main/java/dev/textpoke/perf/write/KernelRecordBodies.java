package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.PerfRecord.KernelRecord;
import dev.textpoke.perf.record.SampleId;

/**
 * Bodies of the kernel's records ({@code enum perf_event_type}, include/uapi/linux/perf_event.h)
 * with their {@code sample_id} trailer: the inverse of {@code KernelRecordParser}. String fields
 * and tails are written as they are held, padding included.
 */
final class KernelRecordBodies {
    private static final int BUILD_ID_AREA = 20;
    private static final int BPF_TAG = 8;

    private KernelRecordBodies() {}

    static void write(ByteOutput o, KernelRecord record) {
        if (record instanceof PerfRecord.Mmap r) {
            o.u32(r.pid()).u32(r.tid()).u64(r.addr()).u64(r.len()).u64(r.pgoff()).bytes(r.filename().field());
        } else if (record instanceof PerfRecord.Lost r) {
            o.u64(r.id()).u64(r.lost());
        } else if (record instanceof PerfRecord.Comm r) {
            o.u32(r.pid()).u32(r.tid()).bytes(r.comm().field());
        } else if (record instanceof PerfRecord.Exit r) {
            o.u32(r.pid()).u32(r.ppid()).u32(r.tid()).u32(r.ptid()).u64(r.time());
        } else if (record instanceof PerfRecord.Fork r) {
            o.u32(r.pid()).u32(r.ppid()).u32(r.tid()).u32(r.ptid()).u64(r.time());
        } else if (record instanceof PerfRecord.Throttle r) {
            o.u64(r.time()).u64(r.id()).u64(r.streamId());
        } else if (record instanceof PerfRecord.Unthrottle r) {
            o.u64(r.time()).u64(r.id()).u64(r.streamId());
        } else if (record instanceof PerfRecord.Read r) {
            o.u32(r.pid()).u32(r.tid());
            if (r.values() != null) {
                SampleBodies.readValues(o, r.values());
            }
        } else if (record instanceof PerfRecord.Mmap2 r) {
            mmap2(o, r);
        } else if (record instanceof PerfRecord.Aux r) {
            o.u64(r.auxOffset()).u64(r.auxSize()).u64(r.flags());
        } else if (record instanceof PerfRecord.ItraceStart r) {
            o.u32(r.pid()).u32(r.tid());
        } else if (record instanceof PerfRecord.LostSamples r) {
            o.u64(r.lost());
        } else if (record instanceof PerfRecord.SwitchCpuWide r) {
            o.u32(r.nextPrevPid()).u32(r.nextPrevTid());
        } else if (record instanceof PerfRecord.Namespaces r) {
            o.u32(r.pid()).u32(r.tid()).u64(r.links().size());
            r.links().forEach(l -> o.u64(l.dev()).u64(l.ino()));
        } else if (record instanceof PerfRecord.Ksymbol r) {
            o.u64(r.addr()).u32(r.len()).u16(r.ksymType()).u16(r.flags()).bytes(r.name().field());
        } else if (record instanceof PerfRecord.BpfEvent r) {
            o.u16(r.bpfType()).u16(r.flags()).u32(r.id()).bytes(exactly(r.tag(), BPF_TAG, "BPF_EVENT tag"));
        } else if (record instanceof PerfRecord.Cgroup r) {
            o.u64(r.id()).bytes(r.path().field());
        } else if (record instanceof PerfRecord.TextPoke r) {
            o.u64(r.addr()).u16(u16(r.oldBytes().length(), "old_len")).u16(u16(r.newBytes().length(), "new_len"))
                    .bytes(r.oldBytes()).bytes(r.newBytes());
        } else if (record instanceof PerfRecord.AuxOutputHwId r) {
            o.u64(r.hwId());
        } else if (record instanceof PerfRecord.CallchainDeferred r) {
            o.u64(r.cookie()).u64(r.ips().size()).u64s(r.ips());
        } else if (!(record instanceof PerfRecord.Switch)) {
            throw new IllegalArgumentException("no encoder for " + record.getClass().getSimpleName());
        }
        o.bytes(record.tail());
        if (record.sampleId() != null) {
            trailer(o, record.sampleId());
        }
    }

    /** MMAP2: device and inode, or with misc MMAP_BUILD_ID the build id, in the same 24 bytes. */
    private static void mmap2(ByteOutput o, PerfRecord.Mmap2 r) {
        o.u32(r.pid()).u32(r.tid()).u64(r.addr()).u64(r.len()).u64(r.pgoff());
        if (r.hasBuildId()) {
            o.u8(r.buildIdSize()).u8(r.buildIdReserved1()).u16(r.buildIdReserved2())
                    .bytes(exactly(r.buildIdArea(), BUILD_ID_AREA, "MMAP2 build_id"));
        } else {
            o.u32(r.maj()).u32(r.min()).u64(r.ino()).u64(r.inoGeneration());
        }
        o.u32(r.prot()).u32(r.flags()).bytes(r.filename().field());
    }

    /** {@code struct sample_id}: TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER, those the sample_type selects. */
    static void trailer(ByteOutput o, SampleId s) {
        long t = s.sampleType();
        if ((t & SampleFormat.TID) != 0) {
            o.u32(s.pid()).u32(s.tid());
        }
        if ((t & SampleFormat.TIME) != 0) {
            o.u64(s.time());
        }
        if ((t & SampleFormat.ID) != 0) {
            o.u64(s.id());
        }
        if ((t & SampleFormat.STREAM_ID) != 0) {
            o.u64(s.streamId());
        }
        if ((t & SampleFormat.CPU) != 0) {
            o.u32(s.cpu()).u32(s.cpuReserved());
        }
        if ((t & SampleFormat.IDENTIFIER) != 0) {
            o.u64(s.identifier());
        }
    }

    static Bytes exactly(Bytes b, int n, String what) {
        if (b.length() != n) {
            throw new IllegalArgumentException(what + " is " + n + " bytes, not " + b.length());
        }
        return b;
    }

    static int u16(int n, String what) {
        if (n > 0xffff) {
            throw new IllegalArgumentException(what + " of " + n + " does not fit in a u16");
        }
        return n;
    }
}
