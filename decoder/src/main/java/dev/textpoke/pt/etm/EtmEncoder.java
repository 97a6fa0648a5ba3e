package dev.textpoke.pt.etm;

import dev.textpoke.io.Bytes;
import java.io.ByteArrayOutputStream;

/**
 * Writes waypoint-trace packets. The byte encodings (headers as ETMv4's where it has a fixed one;
 * payloads fixed-size and little-endian where ETMv4's are compressed):
 *
 * <pre>
 *   A-Sync       00 00 00 00 00 00 00 00 00 00 00 80
 *   TraceInfo    01 ii
 *   Overflow     05
 *   Exception    06 tt a0..a7          (type, preferred return address)
 *   Timestamp    02 t0..t7
 *   Address      9d a0..a7             (ETMv4 "Long address, 64-bit, IS0" header)
 *   Atoms        f6 | E                (format 1: one atom)
 *                d8 | b1 b0            (format 2: two atoms, the oldest in bit 0)
 *                f8 | b2 b1 b0         (format 3: three atoms)
 * </pre>
 */
public final class EtmEncoder {
    static final int TRACE_INFO = 0x01;
    static final int TIMESTAMP = 0x02;
    static final int OVERFLOW = 0x05;
    static final int EXCEPTION = 0x06;
    static final int ADDRESS = 0x9d;
    static final int ATOM1 = 0xf6;
    static final int ATOM2 = 0xd8;
    static final int ATOM3 = 0xf8;
    static final int ASYNC_ZEROS = 11;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public int size() {
        return out.size();
    }

    public Bytes bytes() {
        return Bytes.wrapOwned(out.toByteArray());
    }

    public EtmEncoder async() {
        for (int i = 0; i < ASYNC_ZEROS; i++) {
            out.write(0);
        }
        out.write(0x80);
        return this;
    }

    public EtmEncoder traceInfo(int info) {
        out.write(TRACE_INFO);
        out.write(info & 0xff);
        return this;
    }

    public EtmEncoder timestamp(long value) {
        out.write(TIMESTAMP);
        long64(value);
        return this;
    }

    public EtmEncoder address(long address) {
        out.write(ADDRESS);
        long64(address);
        return this;
    }

    public EtmEncoder exception(EtmPacket.ExceptionType type, long returnAddress) {
        out.write(EXCEPTION);
        out.write(type.number());
        long64(returnAddress);
        return this;
    }

    /** One to three atoms, the oldest in bit 0 (1 = E). */
    public EtmEncoder atoms(int count, int bits) {
        switch (count) {
            case 1 -> out.write(ATOM1 | bits & 1);
            case 2 -> out.write(ATOM2 | bits & 3);
            case 3 -> out.write(ATOM3 | bits & 7);
            default -> throw new IllegalArgumentException("1 to 3 atoms: " + count);
        }
        return this;
    }

    public EtmEncoder overflow() {
        out.write(OVERFLOW);
        return this;
    }

    public EtmEncoder encode(EtmPacket p) {
        if (p instanceof EtmPacket.Async) {
            return async();
        } else if (p instanceof EtmPacket.TraceInfo t) {
            return traceInfo(t.info());
        } else if (p instanceof EtmPacket.Timestamp t) {
            return timestamp(t.value());
        } else if (p instanceof EtmPacket.Address a) {
            return address(a.address());
        } else if (p instanceof EtmPacket.Exception e) {
            return exception(e.type(), e.returnAddress());
        } else if (p instanceof EtmPacket.Atoms a) {
            return atoms(a.count(), a.bits());
        }
        return overflow();
    }

    /** Raw bytes, for damaged traces in tests. */
    public EtmEncoder raw(int... b) {
        for (int x : b) {
            out.write(x);
        }
        return this;
    }

    private void long64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
