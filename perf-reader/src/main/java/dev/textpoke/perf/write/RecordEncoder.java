package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.record.SampleId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds record bytes as the kernel and perf lay them out ({@code include/uapi/linux/perf_event.h},
 * {@code tools/lib/perf/include/perf/event.h}): {@code struct perf_event_header {u32 type; u16
 * misc; u16 size}}, the body, and for kernel records the {@code sample_id} trailer of the attr's
 * sample_type (TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER in that order) when it has sample_id_all.
 */
public final class RecordEncoder {
    public static final int MISC_KERNEL = 1;
    private static final int TEXT_POKE = 20;
    private static final int KSYMBOL = 17;
    private static final int COMM = 3;
    private static final int SAMPLE = 9;
    private static final int FINISHED_ROUND = 68;

    private final ByteOrder order;

    public RecordEncoder(ByteOrder order) {
        this.order = order;
    }

    private ByteBuffer start(int type, int misc, int bodySize, SampleId sid) {
        int size = 8 + bodySize + (sid == null ? 0 : SampleId.size(sid.sampleType()));
        if (size > 0xffff || (size & 7) != 0) {
            throw new IllegalArgumentException("record of " + size + " bytes (must be 8-aligned, < 64 KB)");
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        return b.putInt(type).putShort((short) misc).putShort((short) size);
    }

    private byte[] finish(ByteBuffer b, SampleId sid) {
        if (sid != null) {
            long t = sid.sampleType();
            if ((t & SampleFormat.TID) != 0) {
                b.putInt(sid.pid()).putInt(sid.tid());
            }
            if ((t & SampleFormat.TIME) != 0) {
                b.putLong(sid.time());
            }
            if ((t & SampleFormat.ID) != 0) {
                b.putLong(sid.id());
            }
            if ((t & SampleFormat.STREAM_ID) != 0) {
                b.putLong(sid.streamId());
            }
            if ((t & SampleFormat.CPU) != 0) {
                b.putInt(sid.cpu()).putInt(sid.cpuReserved());
            }
            if ((t & SampleFormat.IDENTIFIER) != 0) {
                b.putLong(sid.identifier());
            }
        }
        if (b.hasRemaining()) {
            throw new IllegalStateException("record body shorter than its size");
        }
        return b.array();
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    /** TEXT_POKE: {@code u64 addr; u16 old_len; u16 new_len; u8 bytes[]}, zero-padded to 8. */
    public byte[] textPoke(long addr, Bytes oldBytes, Bytes newBytes, SampleId sid) {
        int body = align8(12 + oldBytes.length() + newBytes.length());
        ByteBuffer b = start(TEXT_POKE, MISC_KERNEL, body, sid);
        b.putLong(addr).putShort((short) oldBytes.length()).putShort((short) newBytes.length())
                .put(oldBytes.toArray()).put(newBytes.toArray());
        b.position(8 + body);
        return finish(b, sid);
    }

    /** KSYMBOL: {@code u64 addr; u32 len; u16 ksym_type; u16 flags; char name[]}, NUL-padded to 8. */
    public byte[] ksymbol(long addr, int len, int ksymType, int flags, String name, SampleId sid) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int body = 16 + align8(n.length + 1);
        ByteBuffer b = start(KSYMBOL, MISC_KERNEL, body, sid);
        b.putLong(addr).putInt(len).putShort((short) ksymType).putShort((short) flags).put(n);
        b.position(8 + body);
        return finish(b, sid);
    }

    /** COMM: {@code u32 pid, tid; char comm[]}, NUL-padded to 8. */
    public byte[] comm(int pid, int tid, String comm, int misc, SampleId sid) {
        byte[] n = comm.getBytes(StandardCharsets.UTF_8);
        int body = 8 + align8(n.length + 1);
        ByteBuffer b = start(COMM, misc, body, sid);
        b.putInt(pid).putInt(tid).put(n);
        b.position(8 + body);
        return finish(b, sid);
    }

    /**
     * SAMPLE with the fields of {@code sampleType} among IDENTIFIER, IP, TID, TIME, ID, STREAM_ID,
     * CPU and PERIOD, in the kernel's order ({@code perf_output_sample}); other bits are refused.
     */
    public byte[] sample(long sampleType, int misc, long ip, int pid, int tid, long time, long id, int cpu,
            long period) {
        long known = SampleFormat.IDENTIFIER | SampleFormat.IP | SampleFormat.TID | SampleFormat.TIME
                | SampleFormat.ID | SampleFormat.STREAM_ID | SampleFormat.CPU | SampleFormat.PERIOD;
        if ((sampleType & ~known) != 0) {
            throw new IllegalArgumentException("sample_type bits this encoder does not write: 0x"
                    + Long.toHexString(sampleType & ~known));
        }
        ByteBuffer b = start(SAMPLE, misc, 8 * Long.bitCount(sampleType), null);
        if ((sampleType & SampleFormat.IDENTIFIER) != 0) {
            b.putLong(id);
        }
        if ((sampleType & SampleFormat.IP) != 0) {
            b.putLong(ip);
        }
        if ((sampleType & SampleFormat.TID) != 0) {
            b.putInt(pid).putInt(tid);
        }
        if ((sampleType & SampleFormat.TIME) != 0) {
            b.putLong(time);
        }
        if ((sampleType & SampleFormat.ID) != 0) {
            b.putLong(id);
        }
        if ((sampleType & SampleFormat.STREAM_ID) != 0) {
            b.putLong(id);
        }
        if ((sampleType & SampleFormat.CPU) != 0) {
            b.putInt(cpu).putInt(0);
        }
        if ((sampleType & SampleFormat.PERIOD) != 0) {
            b.putLong(period);
        }
        return finish(b, null);
    }

    /** FINISHED_ROUND: a header only. */
    public byte[] finishedRound() {
        return finish(start(FINISHED_ROUND, 0, 0, null), null);
    }

    /**
     * A string feature section ({@code do_write_string} in perf's header.c): {@code u32 len}, then
     * the string with its NUL, zero-padded to {@code len}, a multiple of 64.
     */
    public Bytes stringFeature(String s) {
        byte[] n = s.getBytes(StandardCharsets.UTF_8);
        int len = (n.length + 1 + 63) & ~63;
        ByteBuffer b = ByteBuffer.allocate(4 + len).order(order);
        b.putInt(len).put(n);
        return Bytes.wrapOwned(b.array());
    }

    /** NRCPUS: {@code u32 nr_cpus_available; u32 nr_cpus_online}. */
    public Bytes nrCpusFeature(int available, int online) {
        return Bytes.wrapOwned(ByteBuffer.allocate(8).order(order).putInt(available).putInt(online).array());
    }
}
