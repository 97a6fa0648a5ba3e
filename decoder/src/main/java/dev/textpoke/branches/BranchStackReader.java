package dev.textpoke.branches;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.attr.SampleFormat;
import dev.textpoke.perf.event.Event;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.perf.record.BranchStack;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordSource;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The samples of a perf.data that carry a branch stack, one at a time, with the sideband records a
 * reader of them needs (MMAP, MMAP2, COMM, FORK, EXIT) handed to a {@link Sideband} as they pass.
 *
 * <p>A sample whose branch stack cannot be parsed (its {@code nr} runs past the record: {@code
 * BAD_BRANCH_STACK}) comes out as a {@link DamagedStack}, and reading goes on with the next record:
 * the record's size is intact, so nothing else is lost. Other damage to a sample (a field before
 * or after the stack that does not fit: its attr's layout is not the record's, as when a damaged
 * {@code sample_type} gains bits, and then no sample of the event reads right) ends the reading
 * with the exception, as does damage to the record stream itself, after everything before it was
 * returned.
 *
 * <p>Not thread-safe. Constant memory: nothing is kept between samples.
 */
public final class BranchStackReader implements AutoCloseable {
    /** The order of the samples. */
    public enum Order {
        /**
         * File order, input after input (a directory's {@code data}, then {@code data.N}), as
         * {@code perf report -D} lists records; a sample's index is its place in this order.
         */
        FILE,
        /** The order perf delivers records to its tools (FINISHED_ROUND rounds, inputs merged by time). */
        TIME
    }

    /** Receives the sideband records, parsed, in the reader's order. */
    public interface Sideband {
        void record(PerfRecord r);
    }

    private static final int SAMPLE = RecordType.SAMPLE.id();
    private static final int MMAP = RecordType.MMAP.id();
    private static final int MMAP2 = RecordType.MMAP2.id();
    private static final int COMM = RecordType.COMM.id();
    private static final int FORK = RecordType.FORK.id();
    private static final int EXIT = RecordType.EXIT.id();
    private static final int AUXTRACE_INFO = RecordType.AUXTRACE_INFO.id();

    private final PerfData data;
    private final Order order;
    private final Sideband sideband;
    private final RecordParser parser;
    private RecordSource source;
    private int input;
    private long samples;
    private long stacks;
    private boolean auxTrace;

    public BranchStackReader(PerfData data, Order order, Sideband sideband) {
        this.data = data;
        this.order = order;
        this.sideband = sideband;
        this.parser = new RecordParser(data.events());
    }

    /**
     * The next sample with a branch stack, or a damaged one; null at the end.
     *
     * @throws dev.textpoke.io.InputFormatException when the record stream is damaged (the items
     *     returned before stay valid)
     */
    public StackItem next() throws IOException {
        while (true) {
            RecordView v = nextRecord();
            if (v == null) {
                return null;
            }
            int type = v.type();
            if (type == AUXTRACE_INFO) {
                auxTrace = true;
            }
            if (type == SAMPLE) {
                long index = samples++;
                Event e = parser.eventOf(v);
                if (e != null && !e.attr().has(SampleFormat.BRANCH_STACK)) {
                    continue;
                }
                try {
                    PerfRecord.Sample s = (PerfRecord.Sample) parser.parse(v);
                    if (s.branchStack() == null) {
                        continue;
                    }
                    stacks++;
                    return sample(index, v.offset(), e, s);
                } catch (PerfFormatException ex) {
                    if (ex.kind() != PerfFormatException.Kind.BAD_BRANCH_STACK) {
                        throw ex; // not the stack's damage: one report, as samples makes it
                    }
                    stacks++;
                    return new DamagedStack(index, v.offset(), ex);
                }
            }
            if (type == MMAP || type == MMAP2 || type == COMM || type == FORK || type == EXIT) {
                PerfRecord r;
                try {
                    r = parser.parse(v);
                } catch (PerfFormatException ex) {
                    continue; // a broken map or name costs names and binaries, not the stacks
                }
                sideband.record(r);
            }
        }
    }

    /** How many samples with a branch stack (damaged ones too) were returned so far. */
    public long stacks() {
        return stacks;
    }

    /** Whether an AUXTRACE_INFO record passed: the file holds an AUX trace (Intel PT, CoreSight ETM). */
    public boolean auxTrace() {
        return auxTrace;
    }

    private static BranchSample sample(long index, long offset, Event e, PerfRecord.Sample s) {
        BranchStack b = s.branchStack();
        List<BranchEntry> entries = b.entries();
        List<Branch> branches = new ArrayList<>(entries.size());
        boolean counters = b.counters().size() == entries.size() && !entries.isEmpty();
        for (int i = 0; i < entries.size(); i++) {
            branches.add(Branch.of(entries.get(i), counters ? b.counters().get(i) : Branch.NO_COUNTER));
        }
        StackMode mode = e == null ? StackMode.ALL_BRANCHES : StackMode.of(e.attr().branchSampleType());
        long time = s.has(SampleFormat.TIME) ? s.time() : BranchSample.NO_TIME;
        return new BranchSample(index, offset, s.cpu(), s.pid(), s.tid(), time, s.ip(), s.cpumode(), mode,
                b.hasHwIdx() ? b.hwIdx() : -1, e, branches);
    }

    private RecordView nextRecord() throws IOException {
        while (true) {
            if (source == null) {
                if (order == Order.TIME) {
                    if (input > 0) {
                        return null;
                    }
                    source = data.ordered();
                } else {
                    if (input >= data.inputCount()) {
                        return null;
                    }
                    RecordReader r = data.records(input);
                    source = r;
                }
                input++;
            }
            if (source.next()) {
                return source.current();
            }
            source.close();
            source = null;
        }
    }

    @Override
    public void close() throws IOException {
        if (source != null) {
            source.close();
            source = null;
        }
    }
}
