package dev.textpoke.pt.etm;

import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.PtError;

/**
 * Decodes a waypoint trace (encodings in {@link EtmEncoder}) one packet at a time. Decoding starts
 * at the first byte. A byte no packet starts with is {@link PtError#BAD_OPC}, a packet cut by the
 * end of the buffer {@link PtError#EOS}, an unknown exception number {@link PtError#BAD_PACKET};
 * the decoder stays at the packet at fault, and {@link #syncForward()} moves to the next A-Sync,
 * as an ETMv4 decoder resynchronises. Nothing but {@link PtDecodeException} escapes, and no byte
 * past the buffer is read.
 */
public final class EtmPacketDecoder {
    private final String source;
    private final byte[] buf;
    private final int end;
    private int pos;
    private int start;

    public EtmPacketDecoder(String source, byte[] buf, int from, int to) {
        if (from < 0 || to > buf.length || from > to) {
            throw new IllegalArgumentException("bad range " + from + ".." + to + " of " + buf.length);
        }
        this.source = source;
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    /** The offset of the packet last returned (or at fault). */
    public int offset() {
        return start;
    }

    /**
     * The next packet, or null at the end of the buffer.
     *
     * @throws PtDecodeException for bytes that are not a packet (the position stays at them)
     */
    public EtmPacket next() throws PtDecodeException {
        start = pos;
        if (pos >= end) {
            return null;
        }
        int h = buf[pos] & 0xff;
        if (h == 0) {
            int n = 0;
            while (pos + n < end && buf[pos + n] == 0 && n < EtmEncoder.ASYNC_ZEROS) {
                n++;
            }
            if (pos + n >= end) {
                throw new PtDecodeException(source, start, PtError.EOS, "the trace ends inside an A-Sync");
            }
            if (n != EtmEncoder.ASYNC_ZEROS || (buf[pos + n] & 0xff) != 0x80) {
                throw new PtDecodeException(source, start, PtError.BAD_PACKET, "a broken A-Sync pattern");
            }
            pos += n + 1;
            return new EtmPacket.Async();
        }
        switch (h) {
            case EtmEncoder.TRACE_INFO -> {
                need(2);
                int info = buf[pos + 1] & 0xff;
                pos += 2;
                return new EtmPacket.TraceInfo(info);
            }
            case EtmEncoder.TIMESTAMP -> {
                need(9);
                long v = long64(pos + 1);
                pos += 9;
                return new EtmPacket.Timestamp(v);
            }
            case EtmEncoder.ADDRESS -> {
                need(9);
                long a = long64(pos + 1);
                pos += 9;
                return new EtmPacket.Address(a);
            }
            case EtmEncoder.EXCEPTION -> {
                need(10);
                EtmPacket.ExceptionType t = EtmPacket.ExceptionType.of(buf[pos + 1] & 0xff);
                if (t == null) {
                    throw new PtDecodeException(source, start, PtError.BAD_PACKET,
                            "unknown exception number " + (buf[pos + 1] & 0xff));
                }
                long a = long64(pos + 2);
                pos += 10;
                return new EtmPacket.Exception(t, a);
            }
            case EtmEncoder.OVERFLOW -> {
                pos++;
                return new EtmPacket.Overflow();
            }
            default -> { }
        }
        if ((h & 0xfe) == EtmEncoder.ATOM1) {
            pos++;
            return new EtmPacket.Atoms(1, h & 1);
        }
        if ((h & 0xfc) == EtmEncoder.ATOM2) {
            pos++;
            return new EtmPacket.Atoms(2, h & 3);
        }
        if ((h & 0xf8) == EtmEncoder.ATOM3) {
            pos++;
            return new EtmPacket.Atoms(3, h & 7);
        }
        throw new PtDecodeException(source, start, PtError.BAD_OPC, String.format("no packet starts with %02x", h));
    }

    /** Moves to the next A-Sync after the current position; false when there is none. */
    public boolean syncForward() {
        for (int i = Math.max(pos, start + 1); i + EtmEncoder.ASYNC_ZEROS < end; i++) {
            boolean zeros = true;
            for (int k = 0; k < EtmEncoder.ASYNC_ZEROS && zeros; k++) {
                zeros = buf[i + k] == 0;
            }
            if (zeros && (buf[i + EtmEncoder.ASYNC_ZEROS] & 0xff) == 0x80) {
                pos = i;
                start = i;
                return true;
            }
        }
        pos = end;
        start = end;
        return false;
    }

    private void need(int n) throws PtDecodeException {
        if (end - pos < n) {
            throw new PtDecodeException(source, start, PtError.EOS, "the trace ends inside a packet");
        }
    }

    private long long64(int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (buf[at + i] & 0xff);
        }
        return v;
    }
}
