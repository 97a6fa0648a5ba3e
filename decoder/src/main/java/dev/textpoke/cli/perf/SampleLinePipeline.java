package dev.textpoke.cli.perf;

import dev.textpoke.cli.Uninterruptibly;
import dev.textpoke.cli.format.SampleField;
import dev.textpoke.cli.format.SampleFields;
import dev.textpoke.cli.format.SampleFormatter;
import dev.textpoke.perf.tracing.EventFormat;
import dev.textpoke.perf.tracing.PrintFormat;
import dev.textpoke.perf.tracing.TraceText;
import dev.textpoke.perf.tracing.TracingData;
import java.util.EnumSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lines of a sample pass formatted and written on a thread of their own, in the order they
 * were given, while the command's thread reads and orders the next records: on a tracepoint
 * recording the reading and the printing (the tracepoint's text above all) take about the same
 * time. Measured on two cores: a 3.2 GB tracepoint recording took 6.0 s instead of 8.0; a 164 MB
 * one, whose time is mostly start-up and the JIT's warm-up, gained nothing measurable.
 *
 * <p>Only lines that are a function of what is handed over go this way: the sample's fields (each
 * sample is read into a holder of its own, reused once its batch is printed), the command and
 * event names, and the tracepoint's raw data with its format. A line that names addresses (ip,
 * addr, brstack: symbols and dsos come from the process maps at the sample's time, which the
 * command's thread changes as it reads) is not {@link #pure}; {@code samples} then ends the
 * pipeline with {@link #finish} and prints from there on in its own thread. The formatter's
 * settings that change during a pass (the event column's width, whether chains are printed) go
 * with each line, so every line is printed exactly as the command's thread would have printed it.
 *
 * <p>Samples go over in batches: waking a sleeping thread for each line would cost more than the
 * line. At most {@link #BATCHES} batches exist, so memory does not grow with the input.
 */
final class SampleLinePipeline {
    /** Samples per hand-over. */
    static final int SAMPLES = 4096;
    /** Batches: one filled, one printed, one waiting. */
    static final int BATCHES = 3;
    /** The fields a pure line may print. */
    private static final EnumSet<SampleField> PURE = EnumSet.of(SampleField.COMM, SampleField.TID, SampleField.PID,
            SampleField.CPU, SampleField.TIME, SampleField.PERIOD, SampleField.EVENT, SampleField.TRACE);

    /** One batch of samples, one line each. */
    private static final class Batch {
        final SampleFields[] samples = new SampleFields[SAMPLES];
        final TracingData[] tracing = new TracingData[SAMPLES];
        final EventFormat[] formats = new EventFormat[SAMPLES];
        @SuppressWarnings("unchecked")
        final EnumSet<SampleField>[] fields = new EnumSet[SAMPLES];
        final String[] comms = new String[SAMPLES];
        final String[] events = new String[SAMPLES];
        final long[] periods = new long[SAMPLES];
        final boolean[] pageFaults = new boolean[SAMPLES];
        final int[] eventWidths = new int[SAMPLES];
        final boolean[] callchains = new boolean[SAMPLES];
        int size;
        final boolean end;

        Batch(boolean end) {
            this.end = end;
        }
    }

    private static final Batch END = new Batch(true);

    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES + 1);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final Thread thread;
    private final int ipRegister;
    private volatile Throwable failure;
    private Batch filling = new Batch(false);
    private boolean finished;

    // The printing thread's own.
    private final SampleFormatter formatter;
    private final SampleFormatter.Sink sink;
    private final PrintFormat.FunctionNames functions;
    private final TraceText trace = new TraceText();

    /**
     * @param formatter a formatter for this pipeline's thread alone
     * @param sink where the lines go; only this pipeline's thread writes there until {@link #finish}
     * @param functions names kernel functions for the tracepoints' text; called from this pipeline's thread
     * @param ipRegister for the sample holders ({@link SampleFields#ipRegister})
     */
    SampleLinePipeline(SampleFormatter formatter, SampleFormatter.Sink sink, PrintFormat.FunctionNames functions,
            int ipRegister) {
        this.formatter = formatter;
        this.sink = sink;
        this.functions = functions;
        this.ipRegister = ipRegister;
        for (int i = 1; i < BATCHES; i++) {
            free.add(new Batch(false));
        }
        thread = new Thread(this::print, "textpoke-sample-lines");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether a line of these fields may go through the pipeline. */
    static boolean pure(EnumSet<SampleField> fields) {
        return PURE.containsAll(fields);
    }

    /** The holder to read the next sample into; {@link #add} hands it over. */
    SampleFields next() {
        if (filling.size == SAMPLES) {
            handOver();
        }
        SampleFields s = filling.samples[filling.size];
        if (s == null) {
            s = new SampleFields();
            s.ipRegister(ipRegister);
            filling.samples[filling.size] = s;
        }
        return s;
    }

    /**
     * Hands over the sample last given by {@link #next}, to be printed with these fields.
     *
     * @param format the tracepoint's format when its text is printed, else null
     * @param eventWidth the event column's width for this line
     * @param callchain whether chains are printed (SampleFormatter's useCallchain) for this line
     */
    void add(EnumSet<SampleField> fields, String comm, String event, long period, TracingData tracing,
            EventFormat format, boolean pageFault, int eventWidth, boolean callchain) {
        Batch b = filling;
        int i = b.size;
        b.fields[i] = fields;
        b.comms[i] = comm;
        b.events[i] = event;
        b.periods[i] = period;
        b.tracing[i] = tracing;
        b.formats[i] = format;
        b.pageFaults[i] = pageFault;
        b.eventWidths[i] = eventWidth;
        b.callchains[i] = callchain;
        b.size = i + 1;
    }

    /**
     * Prints what was handed over and ends the pipeline's thread; the sink is the caller's again.
     * Rethrows what failed in printing (a closed standard output above all).
     */
    void finish() {
        close();
        Throwable t = failure;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /** As {@link #finish}, without rethrowing: after the command's own failure, what it handed over is printed. */
    void close() {
        if (finished) {
            return;
        }
        finished = true;
        if (filling.size > 0) {
            put(filling);
        }
        put(END);
        Uninterruptibly.run(thread::join);
    }

    private void handOver() {
        rethrowFailure();
        put(filling);
        Batch next;
        try {
            while ((next = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
                if (!thread.isAlive()) {
                    rethrowFailure();
                    throw new IllegalStateException("the thread printing samples ended");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while printing samples", e);
        }
        filling = next;
        rethrowFailure();
    }

    /** A failure in printing ends the pass as soon as the command's thread sees it. */
    private void rethrowFailure() {
        if (failure != null) {
            finish();
        }
    }

    private void put(Batch b) {
        Uninterruptibly.run(() -> full.put(b));
    }

    /** The pipeline's thread: prints batch after batch until the end; after a failure, only returns them. */
    private void print() {
        try {
            while (true) {
                Batch b = full.take();
                if (b.end) {
                    return;
                }
                if (failure == null) {
                    try {
                        print(b);
                    } catch (Throwable t) {
                        failure = t;
                    }
                }
                java.util.Arrays.fill(b.comms, 0, b.size, null);
                java.util.Arrays.fill(b.tracing, 0, b.size, null);
                java.util.Arrays.fill(b.formats, 0, b.size, null);
                b.size = 0;
                free.put(b);
            }
        } catch (InterruptedException e) {
            failure = e;
        }
    }

    private void print(Batch b) {
        for (int i = 0; i < b.size; i++) {
            formatter.eventWidth(b.eventWidths[i]);
            formatter.useCallchain(b.callchains[i]);
            SampleFields s = b.samples[i];
            TraceText text = null;
            if (b.formats[i] != null) {
                trace.reset();
                b.tracing[i].text(trace, b.formats[i], s.raw(), functions);
                text = trace;
            }
            formatter.text(sink, s, b.fields[i], b.comms[i], b.events[i], b.periods[i], text, b.pageFaults[i]);
        }
    }
}
