package dev.textpoke.perf.parse;

import static dev.textpoke.perf.attr.SampleFormat.CPU;
import static dev.textpoke.perf.attr.SampleFormat.ID;
import static dev.textpoke.perf.attr.SampleFormat.IDENTIFIER;
import static dev.textpoke.perf.attr.SampleFormat.STREAM_ID;
import static dev.textpoke.perf.attr.SampleFormat.TID;
import static dev.textpoke.perf.attr.SampleFormat.TIME;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.record.CString;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.PerfRecord.Misc;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.SampleId;
import dev.textpoke.perf.sample.SampleLayout;
import dev.textpoke.perf.sample.SampleParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Bodies of the kernel's records ({@code enum perf_event_type}, include/uapi/linux/perf_event.h).
 * The {@code sample_id} trailer is cut from the end first (its size is fixed by the attr), so
 * variable bodies (file names, TEXT_POKE bytes) end where it starts.
 */
final class KernelRecordParser {
    private static final int BUILD_ID_AREA = 20;
    private static final int BPF_TAG = 8;

    private KernelRecordParser() {}

    static PerfRecord parse(ByteCursor c, RecordHeader h, RecordType type, SampleLayout layout)
            throws InputFormatException {
        int trailer = layout == null ? 0 : layout.trailerSize();
        if (trailer > c.remaining()) {
            throw c.error("the body of " + c.remaining() + " bytes cannot hold the " + trailer
                    + "-byte sample_id trailer its attr asks for");
        }
        ByteCursor b = c.slice(c.remaining() - trailer, "record body");
        SampleId sid = trailer == 0 ? null : trailer(c, layout.sampleType());
        return switch (type) {
            case MMAP -> new PerfRecord.Mmap(h, b.s32("pid"), b.s32("tid"), b.u64("addr"), b.u64("len"),
                    b.u64("pgoff"), rest(b), Bytes.EMPTY, sid);
            case LOST -> new PerfRecord.Lost(h, b.u64("id"), b.u64("lost"), tail(b), sid);
            case COMM -> new PerfRecord.Comm(h, b.s32("pid"), b.s32("tid"), rest(b), Bytes.EMPTY, sid);
            case EXIT -> new PerfRecord.Exit(h, b.s32("pid"), b.s32("ppid"), b.s32("tid"), b.s32("ptid"),
                    b.u64("time"), tail(b), sid);
            case FORK -> new PerfRecord.Fork(h, b.s32("pid"), b.s32("ppid"), b.s32("tid"), b.s32("ptid"),
                    b.u64("time"), tail(b), sid);
            case THROTTLE -> new PerfRecord.Throttle(h, b.u64("time"), b.u64("id"), b.u64("stream_id"), tail(b), sid);
            case UNTHROTTLE -> new PerfRecord.Unthrottle(h, b.u64("time"), b.u64("id"), b.u64("stream_id"), tail(b), sid);
            case READ -> new PerfRecord.Read(h, b.s32("pid"), b.s32("tid"),
                    layout == null ? null : SampleParser.readValues(b, layout.readFormat()), tail(b), sid);
            case MMAP2 -> mmap2(b, h, sid);
            case AUX -> new PerfRecord.Aux(h, b.u64("aux_offset"), b.u64("aux_size"), b.u64("flags"), tail(b), sid);
            case ITRACE_START -> new PerfRecord.ItraceStart(h, b.s32("pid"), b.s32("tid"), tail(b), sid);
            case LOST_SAMPLES -> new PerfRecord.LostSamples(h, b.u64("lost"), tail(b), sid);
            case SWITCH -> new PerfRecord.Switch(h, tail(b), sid);
            case SWITCH_CPU_WIDE -> new PerfRecord.SwitchCpuWide(h, b.s32("next_prev_pid"), b.s32("next_prev_tid"),
                    tail(b), sid);
            case NAMESPACES -> namespaces(b, h, sid);
            case KSYMBOL -> new PerfRecord.Ksymbol(h, b.u64("addr"), b.u32("len"), b.u16("ksym_type"),
                    b.u16("flags"), rest(b), Bytes.EMPTY, sid);
            case BPF_EVENT -> new PerfRecord.BpfEvent(h, b.u16("type"), b.u16("flags"), b.u32("id"),
                    b.immutableBytes(BPF_TAG, "tag"), tail(b), sid);
            case CGROUP -> new PerfRecord.Cgroup(h, b.u64("id"), rest(b), Bytes.EMPTY, sid);
            case TEXT_POKE -> textPoke(b, h, sid);
            case AUX_OUTPUT_HW_ID -> new PerfRecord.AuxOutputHwId(h, b.u64("hw_id"), tail(b), sid);
            case CALLCHAIN_DEFERRED -> {
                long cookie = b.u64("cookie");
                int nr = b.count64(8, "nr");
                long[] ips = new long[nr];
                for (int i = 0; i < nr; i++) {
                    ips[i] = b.u64("ip");
                }
                yield new PerfRecord.CallchainDeferred(h, cookie, U64s.wrapOwned(ips), tail(b), sid);
            }
            default -> throw new IllegalArgumentException("not a kernel record type: " + type);
        };
    }

    /** The trailer's fields in the kernel's order: TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER. */
    static SampleId trailer(ByteCursor c, long t) throws InputFormatException {
        int pid = -1;
        int tid = -1;
        if ((t & TID) != 0) {
            pid = c.s32("sample_id pid");
            tid = c.s32("sample_id tid");
        }
        long time = (t & TIME) != 0 ? c.u64("sample_id time") : -1;
        long id = (t & ID) != 0 ? c.u64("sample_id id") : -1;
        long stream = (t & STREAM_ID) != 0 ? c.u64("sample_id stream_id") : -1;
        int cpu = -1;
        int res = 0;
        if ((t & CPU) != 0) {
            cpu = c.s32("sample_id cpu");
            res = c.s32("sample_id res");
        }
        long identifier = (t & IDENTIFIER) != 0 ? c.u64("sample_id identifier") : -1;
        return new SampleId(t, pid, tid, time, id, stream, cpu, res, identifier);
    }

    private static CString rest(ByteCursor b) throws InputFormatException {
        return new CString(b.immutableBytes(b.remaining(), "string"));
    }

    private static Bytes tail(ByteCursor b) throws InputFormatException {
        return b.immutableBytes(b.remaining(), "record tail");
    }

    private static PerfRecord mmap2(ByteCursor b, RecordHeader h, SampleId sid) throws InputFormatException {
        int pid = b.s32("pid");
        int tid = b.s32("tid");
        long addr = b.u64("addr");
        long len = b.u64("len");
        long pgoff = b.u64("pgoff");
        long maj = 0;
        long min = 0;
        long ino = 0;
        long gen = 0;
        int idSize = 0;
        int res1 = 0;
        int res2 = 0;
        Bytes area = Bytes.EMPTY;
        if ((h.misc() & Misc.MMAP_BUILD_ID) != 0) {
            idSize = b.u8("build_id_size");
            res1 = b.u8("res1");
            res2 = b.u16("res2");
            area = b.immutableBytes(BUILD_ID_AREA, "build_id");
        } else {
            maj = b.u32("maj");
            min = b.u32("min");
            ino = b.u64("ino");
            gen = b.u64("ino_generation");
        }
        long prot = b.u32("prot");
        long flags = b.u32("flags");
        return new PerfRecord.Mmap2(h, pid, tid, addr, len, pgoff, maj, min, ino, gen, idSize, res1, res2, area,
                prot, flags, rest(b), Bytes.EMPTY, sid);
    }

    private static PerfRecord namespaces(ByteCursor b, RecordHeader h, SampleId sid) throws InputFormatException {
        int pid = b.s32("pid");
        int tid = b.s32("tid");
        int nr = b.count64(16, "nr_namespaces");
        List<PerfRecord.NamespaceLink> links = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            links.add(new PerfRecord.NamespaceLink(b.u64("dev"), b.u64("ino")));
        }
        return new PerfRecord.Namespaces(h, pid, tid, links, tail(b), sid);
    }

    private static PerfRecord textPoke(ByteCursor b, RecordHeader h, SampleId sid) throws InputFormatException {
        long addr = b.u64("addr");
        int oldLen = b.u16("old_len");
        int newLen = b.u16("new_len");
        Bytes oldBytes = b.immutableBytes(oldLen, "old bytes");
        Bytes newBytes = b.immutableBytes(newLen, "new bytes");
        return new PerfRecord.TextPoke(h, addr, oldBytes, newBytes, tail(b), sid);
    }
}
