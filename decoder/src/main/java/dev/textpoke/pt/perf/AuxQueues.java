package dev.textpoke.pt.perf;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.record.PerfRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The queues of Intel PT trace in a perf.data, built from its AUXTRACE records (one queue per
 * {@code idx}, as perf's {@code auxtrace_queues}), with the AUX records placed on them and the
 * gaps they reveal. The trace bytes stay in the file: {@link #map} and {@link #read} get one
 * piece at a time, so memory does not grow with the trace.
 *
 * <p>Pipe mode: the pieces' bytes are inline after their records; a pipe-mode <em>file</em> is read
 * the same way, but a stream from standard input cannot be read again ({@code
 * UNREADABLE_PAYLOAD}).
 */
public final class AuxQueues implements Closeable {
    /** perf record never has more AUX mmaps than this many; a larger {@code idx} is damage. */
    static final long MAX_QUEUES = 1 << 20;
    /** A piece that continues the one before starts at most this many bytes before its end (padding). */
    private static final int PADDING = 7;

    private final List<AuxQueue> queues;
    private final List<AuxWrite> writes;
    private final boolean perCpu;
    private final boolean snapshot;
    private final Map<String, FileChannel> channels = new HashMap<>();

    private AuxQueues(List<AuxQueue> queues, List<AuxWrite> writes, boolean perCpu, boolean snapshot) {
        this.queues = List.copyOf(queues);
        this.writes = List.copyOf(writes);
        this.perCpu = perCpu;
        this.snapshot = snapshot;
    }

    /** The queues, by number. */
    public List<AuxQueue> queues() {
        return queues;
    }

    /** The queue with this number. */
    public Optional<AuxQueue> queue(int number) {
        return queues.stream().filter(q -> q.number() == number).findFirst();
    }

    /** The queue of a CPU (per-CPU mode). */
    public Optional<AuxQueue> byCpu(int cpu) {
        return queues.stream().filter(q -> q.cpu() == cpu).findFirst();
    }

    /** The queue of a thread (per-thread mode). */
    public Optional<AuxQueue> byTid(int tid) {
        return queues.stream().filter(q -> q.tid() == tid).findFirst();
    }

    /** Whether the queues are CPUs (AUXTRACE_INFO per_cpu_mmaps) rather than threads. */
    public boolean perCpu() {
        return perCpu;
    }

    /** Whether the recording was in snapshot mode: pieces may repeat bytes of the one before. */
    public boolean snapshot() {
        return snapshot;
    }

    /** Every AUX record, placed or not ({@link AuxWrite#queue()} -1), in perf's delivery order. */
    public List<AuxWrite> writes() {
        return writes;
    }

    /** Every piece of every queue. */
    public List<AuxBuffer> buffers() {
        List<AuxBuffer> all = new ArrayList<>();
        queues.forEach(q -> all.addAll(q.buffers()));
        return all;
    }

    /**
     * A read-only, memory-mapped view of a piece's bytes (little-endian, position 0).
     *
     * @throws PtPerfFormatException {@code UNREADABLE_PAYLOAD} for a piece read from standard
     *     input, {@code BAD_AUXTRACE} for one larger than 2 GB (read it with {@link #read(AuxBuffer,
     *     long, ByteBuffer)})
     */
    public ByteBuffer map(AuxBuffer b) throws IOException {
        if (b.size() > Integer.MAX_VALUE) {
            throw new PtPerfFormatException(PtPerfFormatException.Kind.BAD_AUXTRACE, b.input(), b.recordOffset(),
                    "a piece of " + b.size() + " bytes is too large to map whole; read it in parts");
        }
        return channel(b).map(FileChannel.MapMode.READ_ONLY, b.payloadOffset(), b.size())
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A piece's bytes, copied onto the heap (for small pieces; see {@link #map}). */
    public Bytes read(AuxBuffer b) throws IOException {
        ByteBuffer m = map(b);
        byte[] a = new byte[m.remaining()];
        m.get(a);
        return Bytes.wrapOwned(a);
    }

    /**
     * Reads up to {@code dst.remaining()} bytes of a piece from {@code from}; returns how many (0
     * at its end).
     */
    public int read(AuxBuffer b, long from, ByteBuffer dst) throws IOException {
        if (from < 0 || from > b.size()) {
            throw new IndexOutOfBoundsException("offset " + from + " of a " + b.size() + "-byte piece");
        }
        int want = (int) Math.min(dst.remaining(), b.size() - from);
        ByteBuffer d = dst.duplicate();
        d.limit(d.position() + want);
        FileChannel ch = channel(b);
        while (d.hasRemaining()) {
            int n = ch.read(d, b.payloadOffset() + from + (d.position() - dst.position()));
            if (n < 0) {
                throw new PtPerfFormatException(PtPerfFormatException.Kind.BAD_AUXTRACE, b.input(),
                        b.payloadOffset() + from + (d.position() - dst.position()), "the input ends inside a piece");
            }
        }
        dst.position(dst.position() + want);
        return want;
    }

    // synchronized: queues are read by several decoding threads at once
    private synchronized FileChannel channel(AuxBuffer b) throws IOException {
        FileChannel ch = channels.get(b.input());
        if (ch != null) {
            return ch;
        }
        Path p = b.input().startsWith("(") ? null : Path.of(b.input());
        if (p == null || !Files.isRegularFile(p) || b.payloadOffset() < 0) {
            throw new PtPerfFormatException(PtPerfFormatException.Kind.UNREADABLE_PAYLOAD, b.input(),
                    b.recordOffset(), b.payloadOffset() < 0
                            ? "the piece's bytes came out of a compressed record and cannot be read again"
                            : "the piece's bytes came from a stream and cannot be read again; save it to a file first");
        }
        ch = FileChannel.open(p, StandardOpenOption.READ);
        if (b.payloadOffset() + b.size() > ch.size()) {
            ch.close();
            throw new PtPerfFormatException(PtPerfFormatException.Kind.BAD_AUXTRACE, b.input(), b.recordOffset(),
                    "the piece's " + b.size() + " bytes at " + b.payloadOffset() + " run past the end of the "
                            + ch.size() + "-byte file");
        }
        channels.put(b.input(), ch);
        return ch;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (FileChannel c : channels.values()) {
            try {
                c.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        channels.clear();
        if (first != null) {
            throw first;
        }
    }

    /** Collects AUXTRACE and AUX records in delivery order, then places them ({@link #build}). */
    static final class Builder {
        private record Piece(PerfRecord.Auxtrace r, String input, long recordOffset) {}

        private record Unplaced(long time, int cpu, int pid, int tid, long id, PerfRecord.Aux r, long recordOffset) {}

        private final TreeMap<Integer, List<Piece>> pieces = new TreeMap<>();
        private final List<Unplaced> aux = new ArrayList<>();
        private final Map<Long, Long> idToIdx = new HashMap<>();

        void idIndex(long id, long idx) {
            idToIdx.put(id, idx);
        }

        void auxtrace(PerfRecord.Auxtrace r, String input, long recordOffset) throws PtPerfFormatException {
            if (r.idx() < 0 || r.idx() >= MAX_QUEUES) {
                throw new PtPerfFormatException(PtPerfFormatException.Kind.BAD_AUXTRACE, input, recordOffset + 32,
                        "AUXTRACE idx " + r.idx() + " is not the index of an mmap");
            }
            if (r.size() < 0) {
                throw new PtPerfFormatException(PtPerfFormatException.Kind.BAD_AUXTRACE, input, recordOffset + 8,
                        "AUXTRACE size " + Long.toUnsignedString(r.size()) + " is larger than any file");
            }
            pieces.computeIfAbsent((int) r.idx(), k -> new ArrayList<>()).add(new Piece(r, input, recordOffset));
        }

        /**
         * After damage (a cut file): a piece whose bytes run past the end of its input keeps the
         * bytes there are; one with none is dropped.
         */
        void clipToInputs() {
            for (List<Piece> list : pieces.values()) {
                for (int i = list.size() - 1; i >= 0; i--) {
                    Piece p = list.get(i);
                    long have;
                    try {
                        Path path = p.input().startsWith("(") ? null : Path.of(p.input());
                        have = path == null || !Files.isRegularFile(path) ? p.r().size()
                                : Math.max(0, Files.size(path) - p.r().payloadOffset());
                    } catch (IOException e) {
                        have = p.r().size();
                    }
                    if (have == 0) {
                        list.remove(i);
                    } else if (have < p.r().size()) {
                        PerfRecord.Auxtrace r = p.r();
                        list.set(i, new Piece(new PerfRecord.Auxtrace(r.header(), have, r.offset(), r.reference(), r.idx(),
                                r.tid(), r.cpu(), r.reserved(), r.payloadOffset(), r.tail()), p.input(), p.recordOffset()));
                    }
                }
            }
            pieces.values().removeIf(List::isEmpty);
        }

        void aux(PerfRecord.Aux r, long time, int cpu, int pid, int tid, long id, long recordOffset) {
            aux.add(new Unplaced(time, cpu, pid, tid, id, r, recordOffset));
        }

        AuxQueues build(boolean perCpu, boolean snapshot) {
            Map<Integer, List<AuxBuffer>> buffers = new TreeMap<>();
            Map<Integer, int[]> owner = new HashMap<>();
            for (var e : pieces.entrySet()) {
                List<AuxBuffer> list = new ArrayList<>();
                AuxBuffer prev = null;
                for (Piece p : e.getValue()) {
                    PerfRecord.Auxtrace r = p.r();
                    boolean continues = false;
                    long overlap = 0;
                    if (prev != null) {
                        long back = prev.auxEnd() - r.offset();
                        continues = back >= 0 && back <= PADDING;
                        overlap = back > PADDING ? Math.min(back, prev.size()) : 0;
                    }
                    prev = new AuxBuffer(e.getKey(), list.size(), p.input(), p.recordOffset(), r.payloadOffset(),
                            r.size(), r.offset(), r.reference(), r.cpu(), r.tid(), continues, overlap);
                    list.add(prev);
                }
                buffers.put(e.getKey(), list);
                owner.put(e.getKey(), new int[] {list.get(0).cpu(), list.get(0).tid()});
            }
            Map<Integer, List<AuxWrite>> writes = new HashMap<>();
            List<AuxWrite> all = new ArrayList<>();
            for (Unplaced u : aux) {
                int q = queueOf(u, perCpu, owner);
                int index = q >= 0 && buffers.containsKey(q) ? holder(buffers.get(q), u.r().auxOffset(), u.r().auxSize())
                        : -1;
                AuxWrite w = new AuxWrite(u.time(), u.cpu(), u.pid(), u.tid(), u.r().auxOffset(), u.r().auxSize(),
                        u.r().flags(), q, index, u.recordOffset());
                writes.computeIfAbsent(q, k -> new ArrayList<>()).add(w);
                all.add(w);
            }
            List<AuxQueue> out = new ArrayList<>();
            for (var e : buffers.entrySet()) {
                List<AuxWrite> ws = writes.getOrDefault(e.getKey(), List.of());
                out.add(new AuxQueue(e.getKey(), owner.get(e.getKey())[0], owner.get(e.getKey())[1], e.getValue(), ws,
                        gaps(e.getValue(), ws)));
            }
            return new AuxQueues(out, all, perCpu, snapshot);
        }

        /**
         * The piece that holds the AUX range [aux, aux + size): the one whose range contains it
         * (perf reads the area up to the kernel's aux_head, which moves a whole AUX transaction at
         * a time), else one it starts in before that piece's last 8 bytes (a piece's padding is
         * not trace: a range starting there belongs to what follows), else -1.
         */
        private static int holder(List<AuxBuffer> bs, long aux, long size) {
            for (int i = bs.size() - 1; i >= 0; i--) {
                AuxBuffer b = bs.get(i);
                if (b.holds(aux) && aux + size - b.auxOffset() <= b.size()) {
                    return i;
                }
            }
            for (int i = bs.size() - 1; i >= 0; i--) {
                AuxBuffer b = bs.get(i);
                if (b.holds(aux) && b.auxEnd() - aux > PADDING) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * perf's {@code auxtrace_queues__sample_queue}: the queue of the record's event id through
         * ID_INDEX; failing that, the queue of its CPU (per-CPU mode) or thread.
         */
        private int queueOf(Unplaced u, boolean perCpu, Map<Integer, int[]> owner) {
            Long idx = idToIdx.get(u.id());
            if (idx != null && owner.containsKey(idx.intValue())) {
                return idx.intValue();
            }
            for (var e : owner.entrySet()) {
                if (perCpu ? e.getValue()[0] == u.cpu() : e.getValue()[1] == u.tid()) {
                    return e.getKey();
                }
            }
            return idx != null ? idx.intValue() : -1;
        }

        /** The gaps of one queue, in AUX area order. */
        private static List<AuxGap> gaps(List<AuxBuffer> bs, List<AuxWrite> ws) {
            List<AuxGap> gaps = new ArrayList<>();
            for (AuxWrite w : ws) {
                if (w.size() > 0 && w.buffer() < 0 && !covered(bs, w.auxOffset(), w.auxEnd())) {
                    gaps.add(gap(bs, AuxGap.Reason.NOT_RECORDED, w.auxOffset(), w.size(), w.auxEnd(), w.time()));
                }
                if (w.partial()) {
                    gaps.add(gap(bs, AuxGap.Reason.PARTIAL, w.auxOffset(), w.size(), w.auxOffset(), w.time()));
                }
                if (w.truncated()) {
                    gaps.add(gap(bs, AuxGap.Reason.TRUNCATED, w.auxEnd(), -1, w.auxEnd(), w.time()));
                }
            }
            for (int i = 1; i < bs.size(); i++) {
                AuxBuffer a = bs.get(i - 1);
                AuxBuffer b = bs.get(i);
                if (b.auxOffset() - a.auxEnd() > 0 && !explained(gaps, a.auxEnd(), b.auxOffset())) {
                    gaps.add(new AuxGap(AuxGap.Reason.DISCONTINUITY, a.auxEnd(), b.auxOffset() - a.auxEnd(), i, 0, -1));
                }
            }
            gaps.sort((x, y) -> x.auxOffset() != y.auxOffset() ? Long.compare(x.auxOffset(), y.auxOffset())
                    : Integer.compare(x.reason().ordinal(), y.reason().ordinal()));
            return gaps;
        }

        private static boolean covered(List<AuxBuffer> bs, long from, long to) {
            for (AuxBuffer b : bs) {
                if (b.auxOffset() <= from && to <= b.auxEnd()) {
                    return true;
                }
            }
            return false;
        }

        private static boolean explained(List<AuxGap> gaps, long from, long to) {
            for (AuxGap g : gaps) {
                if (g.reason() == AuxGap.Reason.NOT_RECORDED && g.auxOffset() <= from
                        && to <= g.auxOffset() + g.size()) {
                    return true;
                }
                if (g.reason() == AuxGap.Reason.TRUNCATED && g.auxOffset() == from) {
                    return true;
                }
            }
            return false;
        }

        /** A gap after which trace resumes at AUX position {@code resume}: in the piece holding it, or the next. */
        private static AuxGap gap(List<AuxBuffer> bs, AuxGap.Reason reason, long aux, long size, long resume, long time) {
            // A piece starting right there first: the piece before may hold resume in its padding.
            for (int i = 0; i < bs.size(); i++) {
                if (bs.get(i).auxOffset() == resume) {
                    return new AuxGap(reason, aux, size, i, 0, time);
                }
            }
            for (int i = bs.size() - 1; i >= 0; i--) {
                if (bs.get(i).holds(resume)) {
                    return new AuxGap(reason, aux, size, i, resume - bs.get(i).auxOffset(), time);
                }
            }
            for (int i = 0; i < bs.size(); i++) {
                if (bs.get(i).auxOffset() - resume >= 0) {
                    return new AuxGap(reason, aux, size, i, 0, time);
                }
            }
            return new AuxGap(reason, aux, size, bs.size(), 0, time);
        }
    }
}
