package dev.textpoke.cli.perf;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.format.JsonLine;
import dev.textpoke.cli.format.PtPacketText;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.parse.RecordParser;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordReader;
import dev.textpoke.perf.record.RecordType;
import dev.textpoke.perf.record.RecordView;
import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.PtError;
import dev.textpoke.pt.packet.LastIp;
import dev.textpoke.pt.packet.PacketDecoder;
import dev.textpoke.pt.packet.PacketType;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code textpoke dump --pt FILE}: every Intel PT packet of every AUXTRACE buffer, buffer after
 * buffer in file order. Text lines are laid out as {@code perf report -D} prints them (see
 * {@link PtPacketText}), under a header per buffer naming its record, CPU and size; {@code --json}
 * gives one object per packet. A decode error is a line with its offset and kind, and decoding
 * resumes at the next PSB; the command then ends with exit status 2 and a summary on stderr.
 *
 * <p>Buffers are read one at a time (at most {@link #MAX_BUFFER} bytes each, checked before
 * anything is allocated), so memory does not grow with the file.
 */
final class PtDump {
    /** The largest AUXTRACE buffer held in memory. */
    static final long MAX_BUFFER = 1L << 30;
    /** {@code PERF_AUXTRACE_INTEL_PT} in perf's {@code enum auxtrace_type}. */
    private static final long INTEL_PT = 1;

    private final PerfData data;
    private final PrintWriter out;
    private final boolean json;
    private final Map<PtError, Long> errors = new EnumMap<>(PtError.class);
    private String firstError;
    private int buffers;
    private boolean ptInfo;

    private PtDump(PerfData data, PrintWriter out, boolean json) {
        this.data = data;
        this.out = out;
        this.json = json;
    }

    /** Dumps {@code data}; returns the exit status. */
    static int run(PerfData data, PrintWriter out, PrintWriter err, boolean json) throws IOException {
        PtDump dump = new PtDump(data, out, json);
        Progress progress = Progress.onTerminal(err, "dump --pt");
        try {
            dump.walk(progress);
        } finally {
            progress.done();
            out.flush();
        }
        if (dump.buffers == 0) {
            // nothing is wrong with such a file: a note, and status 0
            err.println("textpoke dump: " + data.source() + " holds no Intel PT data" + (dump.ptInfo
                    ? ": the recording traced with Intel PT (AUXTRACE_INFO), and wrote no AUXTRACE buffer"
                    : " (no AUXTRACE records): no event of the recording traced with intel_pt; perf record -e"
                            + " intel_pt// records it"));
            err.flush();
        }
        if (dump.errors.isEmpty()) {
            return ExitStatus.OK;
        }
        StringBuilder kinds = new StringBuilder();
        dump.errors.forEach((k, n) -> kinds.append(kinds.length() == 0 ? "" : ", ").append(k).append(' ').append(n));
        long total = dump.errors.values().stream().mapToLong(Long::longValue).sum();
        err.println("textpoke: " + data.source() + ": " + total + " Intel PT decode error" + (total == 1 ? "" : "s")
                + " (" + kinds + "); the first " + dump.firstError);
        return ExitStatus.BAD_INPUT;
    }

    private void walk(Progress progress) throws IOException {
        RecordParser parser = new RecordParser(data.events());
        for (int i = 0; i < data.inputCount(); i++) {
            try (RecordReader r = data.records(i)) {
                while (r.next()) {
                    RecordView v = r.current();
                    RecordType type = v.recordType();
                    if (type == RecordType.AUXTRACE_INFO) {
                        checkIntelPt(parser.parse(v), v);
                    } else if (type == RecordType.AUXTRACE && !v.inCompressed()) {
                        PerfRecord.Auxtrace a = (PerfRecord.Auxtrace) parser.parse(v);
                        buffer(a, payload(r, v), v.offset(), v.payloadOffset(), v.source());
                        progress.update(r.position(), data.fileSize(), "bytes");
                    }
                }
            }
        }
    }

    private void checkIntelPt(PerfRecord info, RecordView v) throws PerfFormatException {
        ptInfo = true;
        if (info instanceof PerfRecord.AuxtraceInfo ai && ai.auxType() != INTEL_PT) {
            throw new PerfFormatException(PerfFormatException.Kind.BAD_RECORD, data.source(), v.offset(),
                    "AUXTRACE_INFO type " + ai.auxType() + " is not Intel PT (type 1); --pt decodes Intel PT only");
        }
    }

    private Bytes payload(RecordReader r, RecordView v) throws IOException {
        if (v.payloadSize() < 0 || v.payloadSize() > MAX_BUFFER) {
            throw new PerfFormatException(PerfFormatException.Kind.LIMIT, data.source(), v.offset(),
                    "AUXTRACE buffer of " + Long.toUnsignedString(v.payloadSize()) + " bytes is more than the "
                            + MAX_BUFFER + " dump --pt holds in memory");
        }
        // a pipe's or a directory's payload is read from the stream it follows; a file's by offset
        return data.format() == PerfData.Format.FILE ? data.read(v.payloadOffset(), (int) v.payloadSize())
                : r.readPayload(MAX_BUFFER);
    }

    /**
     * Dumps one buffer. {@code payloadOffset} is where its bytes start in {@code input} (a
     * directory's buffers may be in a file of their own): a decode error names its place there, as
     * {@code decode} does, so that the bytes can be found, and its offset in the buffer, as the
     * listing shows it.
     */
    private void buffer(PerfRecord.Auxtrace a, Bytes payload, long recordOffset, long payloadOffset, String input) {
        int index = buffers++;
        byte[] buf = payload.toArray();
        if (!json) {
            out.printf(Locale.ROOT, "AUXTRACE buffer %d (record at 0x%x): cpu %d, tid %d, idx %d, offset 0x%x,"
                    + " reference 0x%x, size %d%n", index, recordOffset, a.cpu(), a.tid(), a.idx(), a.offset(),
                    a.reference(), buf.length);
            out.printf(Locale.ROOT, ". ... Intel Processor Trace data: size %d bytes%n", buf.length);
        }
        String source = data.source() + " AUXTRACE buffer " + index + " (cpu " + a.cpu() + ")";
        PacketDecoder d = new PacketDecoder(buf, 0, buf.length, source);
        LastIp lastIp = new LastIp();
        for (;;) {
            try {
                PacketType t = d.next();
                if (t == null) {
                    break;
                }
                if (json) {
                    out.println(PtPacketText.json(d, index, a.cpu(), lastIp));
                    if (t == PacketType.PSB) {
                        lastIp.reset();
                    } else if (t.carriesIp()) {
                        lastIp.update(d.ipc(), d.ipPayload());
                    }
                } else {
                    int shown = PtPacketText.foldedSize(d, buf, 0, buf.length);
                    out.println(PtPacketText.line(d, buf, 0, shown));
                    for (int k = d.size(); k < shown; k++) {
                        d.next(); // the PADs shown with the packet
                    }
                }
            } catch (PtDecodeException e) {
                errors.merge(e.kind(), 1L, Long::sum);
                long fileOffset = payloadOffset + e.offset();
                if (firstError == null) {
                    firstError = String.format(Locale.ROOT, "at byte %d (0x%x)%s, in buffer %d (cpu %d) at PT offset"
                            + " 0x%x: %s", fileOffset, fileOffset, input.equals(data.source()) ? "" : " of " + input,
                            index, a.cpu(), e.offset(), e.problem());
                }
                long resync = d.syncForward();
                lastIp.reset();
                if (json) {
                    JsonLine j = new JsonLine().put("buffer", index).put("cpu", a.cpu()).put("offset", e.offset())
                            .put("file_offset", fileOffset).put("error", e.kind().name()).put("problem", e.problem());
                    if (resync >= 0) {
                        j.put("resync", resync);
                    } else {
                        j.putNull("resync");
                    }
                    out.println(j);
                } else {
                    out.println(PtPacketText.errorLine(e.offset(), buf, 0, buf.length, e.problem(), resync));
                }
                if (resync < 0) {
                    break;
                }
            }
        }
    }
}
