package dev.textpoke.pt.packet;

import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.PtError;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Decodes the Intel PT packets of one buffer (an AUXTRACE buffer or part of one), one at a time,
 * in the manner of libipt's packet decoder ({@code pt_pkt_decoder}): {@link #next()} decodes the
 * packet at the position and exposes its fields through accessors, without creating objects;
 * {@link #packet()} materialises it when a value is wanted.
 *
 * <p>Offsets are from {@code begin}. Decoding starts at {@code begin} and needs no PSB (as perf's
 * dump does); a caller that wants libipt's behaviour calls {@link #syncForward()} first.
 *
 * <p>Errors: {@link #next()} throws {@link PtDecodeException} with the offset of the packet at
 * fault and one of {@link PtError#BAD_OPC} (no packet has this opcode), {@link
 * PtError#BAD_PACKET} (a reserved or impossible payload) or {@link PtError#EOS} (the buffer ends
 * inside the packet). The position stays at that packet; the caller reports the error and calls
 * {@link #syncForward()}. Nothing else escapes on any input, and every call returns in time
 * linear in the bytes it looks at.
 *
 * <p>Where libipt and perf differ on damaged or reserved encodings, this decoder follows libipt
 * (docs/intel-pt.md lists the differences): a TMA with non-zero reserved bits, a long TNT without
 * a stop bit and a CYC longer than 9 bytes are BAD_PACKET; MODE.Exec with CS.L and CS.D both set,
 * and MODE.TSX with both bits set, are accepted. Packets libipt 2.x does not know are decoded as
 * the SDM and perf define them: BBP, BIP (only inside a block, as perf reads it: after a BBP until
 * a packet that ends the block context), BEP, and TRIG (as libipt's current source reads it).
 *
 * <p>Not thread-safe; one decoder per buffer and thread. The buffer must not change while decoded.
 */
public final class PacketDecoder {
    private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Eight bytes of a PSB, {@code 02 82 02 82 02 82 02 82}, read little-endian. */
    private static final long PSB_HALF = 0x8202_8202_8202_8202L;
    private static final int PSB_SIZE = 16;

    private final byte[] buf;
    private final int begin;
    private final int end;
    private final String source;

    /** Start of the current packet. */
    private int pos;
    /** Where {@link #next()} decodes. */
    private int next;
    /** The last PSB decoded or synchronised to, or -1. */
    private int sync = -1;
    /** BIP payload size inside a PEBS block (4 or 8), 0 outside. */
    private int blockBipSize;

    private PacketType type;
    private int size;
    private long payload;
    private IpCompression ipc;
    private int field1;
    private int field2;
    private boolean flag1;
    private boolean flag2;

    /** A decoder of {@code data[begin, end)}, named "PT buffer" in messages. */
    public PacketDecoder(byte[] data, int begin, int end) {
        this(data, begin, end, "PT buffer");
    }

    /**
     * A decoder of {@code data[begin, end)}.
     *
     * @param source how messages name the buffer (a file and an AUXTRACE record, for example)
     */
    public PacketDecoder(byte[] data, int begin, int end, String source) {
        if (begin < 0 || end < begin || end > data.length) {
            throw new IllegalArgumentException("[" + begin + ", " + end + ") is not inside " + data.length + " bytes");
        }
        this.buf = data;
        this.begin = begin;
        this.end = end;
        this.source = source;
        this.pos = begin;
        this.next = begin;
    }

    /** Bytes in the buffer ({@code end - begin}). */
    public long length() {
        return end - begin;
    }

    /**
     * Decodes the packet at the position and moves past it.
     *
     * @return its type, or null at the end of the buffer
     * @throws PtDecodeException BAD_OPC, BAD_PACKET or EOS, with the packet's offset; the
     *     position stays at the packet
     */
    public PacketType next() throws PtDecodeException {
        int p = next;
        pos = p;
        if (p >= end) {
            type = null;
            size = 0;
            return null;
        }
        int b = buf[p] & 0xff;
        if (blockBipSize != 0 && (b & 7) == 4) {
            return bip(p, b);
        }
        if ((b & 1) == 0) {
            if (b > 2) {
                // short TNT: bits 7:1 hold the outcomes below a stop bit
                int v = b >>> 1;
                int n = 31 - Integer.numberOfLeadingZeros(v);
                field1 = n;
                payload = v & ~(1 << n);
                blockBipSize = 0;
                return done(p, PacketType.TNT_8, 1);
            }
            if (b == 0) {
                return done(p, PacketType.PAD, 1);
            }
            return ext(p);
        }
        if ((b & 2) != 0) {
            return cyc(p, b);
        }
        switch (b & 0x1f) {
            case 0x0d:
                return ip(p, b, PacketType.TIP);
            case 0x11:
                return ip(p, b, PacketType.TIP_PGE);
            case 0x01:
                return ip(p, b, PacketType.TIP_PGD);
            case 0x1d:
                return ip(p, b, PacketType.FUP);
            case 0x19:
                switch (b) {
                    case 0x99:
                        return mode(p);
                    case 0x19:
                        need(p, 8, "TSC");
                        payload = (long) LE64.get(buf, p) >>> 8;
                        return done(p, PacketType.TSC, 8);
                    case 0x59:
                        need(p, 2, "MTC");
                        payload = buf[p + 1] & 0xff;
                        return done(p, PacketType.MTC, 2);
                    case 0xd9:
                        return trig(p);
                    default:
                        throw badOpcode(p, b);
                }
            default:
                throw badOpcode(p, b);
        }
    }

    private PacketType ext(int p) throws PtDecodeException {
        need(p, 2, "extended packet");
        int e = buf[p + 1] & 0xff;
        switch (e) {
            case 0xa3: {
                need(p, 8, "long TNT");
                long v = le48(p + 2);
                if (v <= 1) {
                    throw error(PtError.BAD_PACKET, p, "long TNT without outcomes (no stop bit above bit 0)");
                }
                int n = 63 - Long.numberOfLeadingZeros(v);
                field1 = n;
                payload = v & ~(1L << n);
                blockBipSize = 0;
                return done(p, PacketType.TNT_64, 8);
            }
            case 0x82:
                need(p, PSB_SIZE, "PSB");
                if ((long) LE64.get(buf, p) != PSB_HALF || (long) LE64.get(buf, p + 8) != PSB_HALF) {
                    throw error(PtError.BAD_PACKET, p, "PSB pattern broken");
                }
                sync = p;
                blockBipSize = 0;
                return done(p, PacketType.PSB, PSB_SIZE);
            case 0x23:
                blockBipSize = 0;
                return done(p, PacketType.PSBEND, 2);
            case 0x43: {
                need(p, 8, "PIP");
                long v = le48(p + 2);
                flag1 = (v & 1) != 0;
                payload = v >>> 1 << 5;
                blockBipSize = 0;
                return done(p, PacketType.PIP, 8);
            }
            case 0x03:
                need(p, 4, "CBR");
                payload = buf[p + 2] & 0xff;
                return done(p, PacketType.CBR, 4);
            case 0x73: {
                need(p, 7, "TMA");
                int fc = (short) LE16.get(buf, p + 5) & 0xffff;
                if (buf[p + 4] != 0 || fc > 0x1ff) {
                    throw error(PtError.BAD_PACKET, p, "TMA with reserved bits set");
                }
                field1 = (short) LE16.get(buf, p + 2) & 0xffff;
                field2 = fc;
                return done(p, PacketType.TMA, 7);
            }
            case 0xf3:
                blockBipSize = 0;
                return done(p, PacketType.OVF, 2);
            case 0x83:
                blockBipSize = 0;
                return done(p, PacketType.STOP, 2);
            case 0xc8:
                need(p, 7, "VMCS");
                payload = (((int) LE32.get(buf, p + 2) & 0xffff_ffffL) | (buf[p + 6] & 0xffL) << 32) << 12;
                blockBipSize = 0;
                return done(p, PacketType.VMCS, 7);
            case 0xc3:
                need(p, 3, "extended packet");
                if ((buf[p + 2] & 0xff) != 0x88) {
                    throw error(PtError.BAD_OPC, p, "no packet has opcode 02 c3 " + hex2(buf[p + 2]));
                }
                need(p, 11, "MNT");
                payload = (long) LE64.get(buf, p + 3);
                return done(p, PacketType.MNT, 11);
            case 0x62:
            case 0xe2:
                flag1 = e == 0xe2;
                return done(p, PacketType.EXSTOP, 2);
            case 0xc2:
                need(p, 10, "MWAIT");
                field1 = (int) LE32.get(buf, p + 2);
                field2 = (int) LE32.get(buf, p + 6);
                blockBipSize = 0;
                return done(p, PacketType.MWAIT, 10);
            case 0x22:
                need(p, 4, "PWRE");
                flag1 = (buf[p + 2] & 0x80) != 0;
                field1 = (buf[p + 3] & 0xf0) >>> 4;
                field2 = buf[p + 3] & 0x0f;
                return done(p, PacketType.PWRE, 4);
            case 0xa2: {
                need(p, 7, "PWRX");
                int v = (short) LE16.get(buf, p + 2) & 0xffff;
                field1 = v;
                return done(p, PacketType.PWRX, 7);
            }
            case 0x63: {
                need(p, 3, "BBP");
                int v = buf[p + 2] & 0xff;
                field1 = (v & 0x80) != 0 ? 4 : 8;
                field2 = v & 0x1f;
                blockBipSize = field1;
                return done(p, PacketType.BBP, 3);
            }
            case 0x33:
            case 0xb3:
                flag1 = e == 0xb3;
                blockBipSize = 0;
                return done(p, PacketType.BEP, 2);
            case 0x13: {
                need(p, 4, "CFE");
                int v = buf[p + 2] & 0xff;
                flag1 = (v & 0x80) != 0;
                field1 = v & 0x1f;
                field2 = buf[p + 3] & 0xff;
                blockBipSize = 0;
                return done(p, PacketType.CFE, 4);
            }
            case 0x53:
                need(p, 11, "EVD");
                field1 = buf[p + 2] & 0x3f;
                payload = (long) LE64.get(buf, p + 3);
                blockBipSize = 0;
                return done(p, PacketType.EVD, 11);
            default:
                if ((e & 0x1f) == 0x12) {
                    return ptw(p, e);
                }
                throw error(PtError.BAD_OPC, p, "no packet has opcode 02 " + hex2(e));
        }
    }

    private PacketType ip(int p, int b, PacketType t) throws PtDecodeException {
        switch (b >>> 5) {
            case 0:
                ipc = IpCompression.SUPPRESSED;
                payload = 0;
                break;
            case 1:
                need(p, 3, t.name());
                ipc = IpCompression.UPDATE_16;
                payload = (short) LE16.get(buf, p + 1) & 0xffffL;
                break;
            case 2:
                need(p, 5, t.name());
                ipc = IpCompression.UPDATE_32;
                payload = (int) LE32.get(buf, p + 1) & 0xffff_ffffL;
                break;
            case 3:
                need(p, 7, t.name());
                ipc = IpCompression.SEXT_48;
                payload = le48(p + 1);
                break;
            case 4:
                need(p, 7, t.name());
                ipc = IpCompression.UPDATE_48;
                payload = le48(p + 1);
                break;
            case 6:
                need(p, 9, t.name());
                ipc = IpCompression.FULL;
                payload = (long) LE64.get(buf, p + 1);
                break;
            default:
                throw error(PtError.BAD_PACKET, p, t + " with reserved IP compression " + (b >>> 5));
        }
        if (t != PacketType.FUP) {
            blockBipSize = 0;
        }
        return done(p, t, 1 + ipc.payloadBytes());
    }

    private PacketType mode(int p) throws PtDecodeException {
        need(p, 2, "MODE");
        int v = buf[p + 1] & 0xff;
        PacketType t = switch (v >>> 5) {
            case 0 -> PacketType.MODE_EXEC;
            case 1 -> PacketType.MODE_TSX;
            default -> throw error(PtError.BAD_PACKET, p, "MODE with reserved leaf " + (v >>> 5));
        };
        field1 = v & 0x1f;
        blockBipSize = 0;
        return done(p, t, 2);
    }

    /** CYC as libipt reads it ({@code pt_pkt_read_cyc}): at most 9 bytes, 61 payload bits. */
    private PacketType cyc(int p, int b) throws PtDecodeException {
        long value = b >>> 3;
        boolean more = (b & 4) != 0;
        int shift = 5;
        int q = p + 1;
        while (more) {
            if (q >= end) {
                throw error(PtError.EOS, p, "the buffer ends inside a CYC packet");
            }
            int x = buf[q++] & 0xff;
            more = (x & 1) != 0;
            long bits = (long) (x >>> 1) << shift;
            shift += 7;
            if (shift > 64) {
                throw error(PtError.BAD_PACKET, p, "CYC packet longer than 9 bytes");
            }
            value |= bits;
        }
        payload = value;
        return done(p, PacketType.CYC, q - p);
    }

    private PacketType ptw(int p, int e) throws PtDecodeException {
        int n = switch ((e >>> 5) & 3) {
            case 0 -> 4;
            case 1 -> 8;
            default -> throw error(PtError.BAD_PACKET, p, "PTW with reserved payload size " + ((e >>> 5) & 3));
        };
        need(p, 2 + n, "PTW");
        field1 = n;
        flag1 = (e & 0x80) != 0;
        payload = n == 4 ? (int) LE32.get(buf, p + 2) & 0xffff_ffffL : (long) LE64.get(buf, p + 2);
        blockBipSize = 0;
        return done(p, PacketType.PTW, 2 + n);
    }

    private PacketType bip(int p, int b) throws PtDecodeException {
        int n = blockBipSize;
        need(p, 1 + n, "BIP");
        field1 = b >>> 3;
        field2 = n;
        payload = n == 4 ? (int) LE32.get(buf, p + 1) & 0xffff_ffffL : (long) LE64.get(buf, p + 1);
        return done(p, PacketType.BIP, 1 + n);
    }

    /** TRIG as libipt's source reads it ({@code pt_pkt_read_trig}). */
    private PacketType trig(int p) throws PtDecodeException {
        need(p, 3, "TRIG");
        int v = buf[p + 1] & 0xff;
        boolean icntValid = (v & 0x40) != 0;
        int n = icntValid ? 5 : 3;
        need(p, n, "TRIG");
        flag1 = (v & 0x80) != 0;
        flag2 = (v & 0x20) != 0;
        field1 = buf[p + 2] & 0xff;
        field2 = icntValid ? (short) LE16.get(buf, p + 3) & 0xffff : -1;
        blockBipSize = 0;
        return done(p, PacketType.TRIG, n);
    }

    private PacketType done(int p, PacketType t, int n) {
        type = t;
        size = n;
        next = p + n;
        return t;
    }

    private long le48(int at) {
        return ((int) LE32.get(buf, at) & 0xffff_ffffL) | ((short) LE16.get(buf, at + 4) & 0xffffL) << 32;
    }

    private void need(int p, int n, String what) throws PtDecodeException {
        if (end - p < n) {
            throw error(PtError.EOS, p, "the buffer ends inside a " + what + " packet (" + n + " bytes, "
                    + (end - p) + " left)");
        }
    }

    private PtDecodeException badOpcode(int p, int b) {
        return error(PtError.BAD_OPC, p, "no packet has opcode " + hex2(b));
    }

    private static String hex2(int b) {
        String h = Integer.toHexString(b & 0xff);
        return h.length() == 1 ? "0" + h : h;
    }

    private PtDecodeException error(PtError kind, int p, String problem) {
        type = null;
        size = 0;
        next = p;
        return new PtDecodeException(source, p - begin, kind, problem);
    }

    /**
     * Moves to the next PSB: the first run of at least eight {@code 02 82} pairs ending at or
     * after 16 bytes past the position less 15 (so a PSB partly swallowed by a misread packet is
     * found again), taken at the run's end, as libipt's {@code pt_pkt_sync_forward} does. At the
     * PSB last synchronised to, it looks past that one.
     *
     * @return the PSB's offset, now the position; -1 when no PSB follows (the position is kept)
     */
    public long syncForward() {
        int p = next;
        if (p == sync) {
            p += PSB_SIZE;
        }
        int start = Math.max(begin, p - (PSB_SIZE - 1));
        int found = findPsb(start);
        if (found < 0) {
            return -1;
        }
        sync = found;
        moveTo(found);
        return found - begin;
    }

    /** The first PSB starting at or after {@code from}, moved to the end of its run of pairs. */
    private int findPsb(int from) {
        for (int i = from; i <= end - PSB_SIZE; i++) {
            if (buf[i] == 0x02 && buf[i + 1] == (byte) 0x82
                    && (long) LE64.get(buf, i) == PSB_HALF && (long) LE64.get(buf, i + 8) == PSB_HALF) {
                int j = i + PSB_SIZE;
                while (j + 2 <= end && buf[j] == 0x02 && buf[j + 1] == (byte) 0x82) {
                    j += 2;
                }
                return j - PSB_SIZE;
            }
        }
        return -1;
    }

    /**
     * Continues at {@code offset}, which the caller knows to be a packet boundary (a PSB found
     * before, or a position saved with {@link #nextOffset()}). Outside a PEBS block.
     *
     * @throws IllegalArgumentException when the offset is outside the buffer
     */
    public void syncSet(long offset) {
        if (offset < 0 || offset > end - begin) {
            throw new IllegalArgumentException("offset " + offset + " is outside the " + (end - begin) + "-byte buffer");
        }
        int p = begin + (int) offset;
        sync = p;
        moveTo(p);
    }

    private void moveTo(int p) {
        pos = p;
        next = p;
        type = null;
        size = 0;
        blockBipSize = 0;
    }

    /** Offset of the current packet (or of the position, before the first packet and after a sync). */
    public long offset() {
        return pos - begin;
    }

    /** Offset where {@link #next()} decodes: after the current packet, or at a packet at fault. */
    public long nextOffset() {
        return next - begin;
    }

    /** Offset of the last PSB decoded or synchronised to, or -1. */
    public long syncOffset() {
        return sync < 0 ? -1 : sync - begin;
    }

    /** Type of the current packet; null before the first, at the end, after an error or a sync. */
    public PacketType type() {
        return type;
    }

    /** Size of the current packet in bytes. */
    public int size() {
        return size;
    }

    /** IP packets: the compression. */
    public IpCompression ipc() {
        return ipc;
    }

    /** IP packets: the payload as written (the low 0, 16, 32, 48 or 64 bits), not expanded. */
    public long ipPayload() {
        return payload;
    }

    /** TNT: number of outcomes. */
    public int tntCount() {
        return field1;
    }

    /** TNT: outcomes in wire order, the oldest in bit {@code tntCount() - 1}, the newest in bit 0, 1 = taken. */
    public long tntBits() {
        return payload;
    }

    /**
     * The main payload: TSC bits 55:0; MTC CTC byte; CBR ratio; CYC cycles; PTW, MNT and EVD
     * payloads; BIP value; PIP CR3; VMCS pointer.
     */
    public long payload() {
        return payload;
    }

    /** TMA: CTC[15:0]. */
    public int tmaCtc() {
        return field1;
    }

    /** TMA: fast counter bits 8:0. */
    public int tmaFc() {
        return field2;
    }

    /** MODE: 0 for MODE.Exec, 1 for MODE.TSX. */
    public int modeLeaf() {
        return type == PacketType.MODE_TSX ? 1 : 0;
    }

    /** MODE: bits 4:0 (Exec: IF 2, CS.D 1, CS.L 0; TSX: TXAbort 1, InTX 0). */
    public int modeBits() {
        return field1;
    }

    /** PIP: CR3 with bits 51:5 from the packet. */
    public long pipCr3() {
        return payload;
    }

    /** PIP: the VMX non-root bit. */
    public boolean pipNr() {
        return flag1;
    }

    /** VMCS: the pointer, bits 51:12. */
    public long vmcsBase() {
        return payload;
    }

    /** PTW: payload size in bytes (4 or 8). */
    public int ptwSize() {
        return field1;
    }

    /** PTW: whether a FUP with the PTWRITE's IP follows. */
    public boolean ptwIp() {
        return flag1;
    }

    /** PTW, EXSTOP, BEP, CFE, TRIG: the IP bit (a FUP follows). */
    public boolean ipBit() {
        return flag1;
    }

    /** MWAIT: EAX hints (unsigned). */
    public int mwaitHints() {
        return field1;
    }

    /** MWAIT: ECX extensions (unsigned). */
    public int mwaitExtensions() {
        return field2;
    }

    /** PWRE: hardware-initiated (byte 2 bit 7). */
    public boolean pwreHw() {
        return flag1;
    }

    /** PWRE: resolved thread C-state. */
    public int pwreState() {
        return field1;
    }

    /** PWRE: resolved thread sub C-state. */
    public int pwreSubState() {
        return field2;
    }

    /** PWRX: last core C-state. */
    public int pwrxLastState() {
        return (field1 >>> 4) & 0xf;
    }

    /** PWRX: deepest core C-state. */
    public int pwrxDeepestState() {
        return field1 & 0xf;
    }

    /** PWRX: wake reason bits (0 interrupt, 1 timer deadline, 2 store to monitored address, 3 hardware). */
    public int pwrxWakeReason() {
        return (field1 >>> 8) & 0xf;
    }

    /** BBP: BIP size in bytes (4 or 8). */
    public int bbpBipSize() {
        return field1;
    }

    /** BBP: block type. */
    public int bbpType() {
        return field2;
    }

    /** BIP: item ID. */
    public int bipId() {
        return field1;
    }

    /** BIP: value size in bytes. */
    public int bipSize() {
        return field2;
    }

    /** CFE: event type. */
    public int cfeType() {
        return field1;
    }

    /** CFE: vector. */
    public int cfeVector() {
        return field2;
    }

    /** EVD: data type. */
    public int evdType() {
        return field1;
    }

    /** TRIG: trigger bit vector. */
    public int trigTrbv() {
        return field1;
    }

    /** TRIG: more triggers than the vector shows. */
    public boolean trigMult() {
        return flag2;
    }

    /** TRIG: the instruction count, or -1 when the packet has none. */
    public int trigIcnt() {
        return field2;
    }

    /**
     * The current packet as a value.
     *
     * @throws IllegalStateException when there is no current packet
     */
    public Packet packet() {
        if (type == null) {
            throw new IllegalStateException("no current packet");
        }
        return switch (type) {
            case PAD -> new Packet.Pad();
            case TNT_8, TNT_64 -> new Packet.Tnt(type, field1, payload);
            case TIP, TIP_PGE, TIP_PGD, FUP -> new Packet.Ip(type, ipc, payload);
            case MODE_EXEC -> new Packet.ModeExec((field1 & 1) != 0, (field1 & 2) != 0, (field1 & 4) != 0);
            case MODE_TSX -> new Packet.ModeTsx((field1 & 1) != 0, (field1 & 2) != 0);
            case PIP -> new Packet.Pip(payload, flag1);
            case VMCS -> new Packet.Vmcs(payload);
            case OVF -> new Packet.Ovf();
            case CBR -> new Packet.Cbr((int) payload);
            case TSC -> new Packet.Tsc(payload);
            case MTC -> new Packet.Mtc((int) payload);
            case TMA -> new Packet.Tma(field1, field2);
            case CYC -> new Packet.Cyc(payload);
            case STOP -> new Packet.Stop();
            case MNT -> new Packet.Mnt(payload);
            case PTW -> new Packet.Ptw(field1, flag1, payload);
            case EXSTOP -> new Packet.Exstop(flag1);
            case MWAIT -> new Packet.Mwait(field1, field2);
            case PWRE -> new Packet.Pwre(flag1, field1, field2);
            case PWRX -> new Packet.Pwrx(pwrxLastState(), pwrxDeepestState(), pwrxWakeReason());
            case BBP -> new Packet.Bbp(field1, field2);
            case BIP -> new Packet.Bip(field1, payload, field2);
            case BEP -> new Packet.Bep(flag1);
            case CFE -> new Packet.Cfe(flag1, field1, field2);
            case EVD -> new Packet.Evd(field1, payload);
            case TRIG -> new Packet.Trig(flag1, flag2, field1, field2 >= 0, Math.max(field2, 0));
            case PSB -> new Packet.Psb();
            case PSBEND -> new Packet.Psbend();
        };
    }
}
