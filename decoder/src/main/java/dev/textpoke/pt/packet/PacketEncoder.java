package dev.textpoke.pt.packet;

import java.util.Arrays;

/**
 * Writes Intel PT packets into a growable byte buffer: one method per packet for code that
 * generates traces (the simulator, test fixtures), and {@link #encode(Packet)} for a packet
 * value. Encodings follow the SDM's packet tables (Vol. 3C, "Packet Definitions"), byte for
 * byte as libipt's {@code pt_enc_next} and perf's decoder read them.
 *
 * <p>The encoder keeps the last IP as the hardware does (reset by {@link #psb()}, updated by
 * every IP packet with a payload), so {@link #tip(long)}, {@link #tipPge(long)}, {@link
 * #tipPgd(long)} and {@link #fup(long)} write the smallest compression that names their IP
 * ({@link LastIp#smallest}); {@link #ip(PacketType, IpCompression, long)} writes a chosen one.
 *
 * <p>Arguments a packet cannot carry are refused with {@link IllegalArgumentException}, never
 * truncated. Not thread-safe; one encoder per stream.
 */
public final class PacketEncoder {
    /** The sixteen bytes of a PSB. */
    private static final long PSB_HALF = 0x8202_8202_8202_8202L;

    private byte[] buf;
    private int len;
    private final LastIp lastIp = new LastIp();

    public PacketEncoder() {
        this(4096);
    }

    public PacketEncoder(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Bytes written so far; the offset of the next packet. */
    public int size() {
        return len;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** The internal buffer, valid up to {@link #size()} until the next write. */
    public byte[] buffer() {
        return buf;
    }

    /** Forgets every byte written and the last IP. */
    public PacketEncoder clear() {
        len = 0;
        lastIp.reset();
        return this;
    }

    /** The last IP as the packets written so far leave it. */
    public LastIp lastIp() {
        return lastIp;
    }

    /** Any packet value. */
    public PacketEncoder encode(Packet p) {
        if (p instanceof Packet.Tnt x) {
            if (x.type() == PacketType.TNT_8) {
                tnt8(x.bits(), x.count());
            } else {
                tnt64(x.bits(), x.count());
            }
        } else if (p instanceof Packet.Pad) {
            pad();
        } else if (p instanceof Packet.Ip x) {
            ip(x.type(), x.ipc(), x.payload());
        } else if (p instanceof Packet.ModeExec x) {
            modeExec(x.csl(), x.csd(), x.iflag());
        } else if (p instanceof Packet.ModeTsx x) {
            modeTsx(x.intx(), x.abort());
        } else if (p instanceof Packet.Pip x) {
            pip(x.cr3(), x.nonRoot());
        } else if (p instanceof Packet.Vmcs x) {
            vmcs(x.base());
        } else if (p instanceof Packet.Ovf) {
            ovf();
        } else if (p instanceof Packet.Cbr x) {
            cbr(x.ratio());
        } else if (p instanceof Packet.Tsc x) {
            tsc(x.tsc());
        } else if (p instanceof Packet.Mtc x) {
            mtc(x.ctc());
        } else if (p instanceof Packet.Tma x) {
            tma(x.ctc(), x.fc());
        } else if (p instanceof Packet.Cyc x) {
            cyc(x.cycles());
        } else if (p instanceof Packet.Stop) {
            stop();
        } else if (p instanceof Packet.Mnt x) {
            mnt(x.payload());
        } else if (p instanceof Packet.Ptw x) {
            ptw(x.size(), x.ip(), x.payload());
        } else if (p instanceof Packet.Exstop x) {
            exstop(x.ip());
        } else if (p instanceof Packet.Mwait x) {
            mwait(x.hints(), x.extensions());
        } else if (p instanceof Packet.Pwre x) {
            pwre(x.hw(), x.state(), x.subState());
        } else if (p instanceof Packet.Pwrx x) {
            pwrx(x.lastState(), x.deepestState(), x.wakeReason());
        } else if (p instanceof Packet.Bbp x) {
            bbp(x.bipSize(), x.blockType());
        } else if (p instanceof Packet.Bip x) {
            bip(x.id(), x.value(), x.size());
        } else if (p instanceof Packet.Bep x) {
            bep(x.ip());
        } else if (p instanceof Packet.Cfe x) {
            cfe(x.ip(), x.eventType(), x.vector());
        } else if (p instanceof Packet.Evd x) {
            evd(x.dataType(), x.payload());
        } else if (p instanceof Packet.Trig x) {
            trig(x.ip(), x.mult(), x.trbv(), x.icntValid(), x.icnt());
        } else if (p instanceof Packet.Psb) {
            psb();
        } else if (p instanceof Packet.Psbend) {
            psbend();
        } else {
            throw new IllegalArgumentException("unknown packet " + p);
        }
        return this;
    }

    /** One PAD. */
    public PacketEncoder pad() {
        ensure(1);
        buf[len++] = 0;
        return this;
    }

    /** {@code n} PADs. */
    public PacketEncoder pad(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative PAD count " + n);
        }
        ensure(n);
        Arrays.fill(buf, len, len + n, (byte) 0);
        len += n;
        return this;
    }

    /**
     * {@code count} outcomes (1 to 47) in wire order, the oldest in bit {@code count - 1}: a short
     * TNT for up to 6, else a long one.
     */
    public PacketEncoder tnt(long bits, int count) {
        return count <= 6 ? tnt8(bits, count) : tnt64(bits, count);
    }

    /** Short TNT: 1 to 6 outcomes, a stop bit above them, shifted left by one. */
    public PacketEncoder tnt8(long bits, int count) {
        checkTnt(bits, count, 6);
        ensure(1);
        buf[len++] = (byte) ((bits | 1L << count) << 1);
        return this;
    }

    /** Long TNT: {@code 02 A3} and 1 to 47 outcomes with a stop bit in a 6-byte payload. */
    public PacketEncoder tnt64(long bits, int count) {
        checkTnt(bits, count, 47);
        ensure(8);
        buf[len++] = 0x02;
        buf[len++] = (byte) 0xa3;
        putLe(bits | 1L << count, 6);
        return this;
    }

    /** TIP to {@code ip}, in the smallest compression against the last IP. */
    public PacketEncoder tip(long ip) {
        return ip(PacketType.TIP, LastIp.smallest(lastIp.ip(), ip), ip);
    }

    /** TIP.PGE at {@code ip}, in the smallest compression against the last IP. */
    public PacketEncoder tipPge(long ip) {
        return ip(PacketType.TIP_PGE, LastIp.smallest(lastIp.ip(), ip), ip);
    }

    /** TIP.PGD to {@code ip}, in the smallest compression against the last IP. */
    public PacketEncoder tipPgd(long ip) {
        return ip(PacketType.TIP_PGD, LastIp.smallest(lastIp.ip(), ip), ip);
    }

    /** FUP at {@code ip}, in the smallest compression against the last IP. */
    public PacketEncoder fup(long ip) {
        return ip(PacketType.FUP, LastIp.smallest(lastIp.ip(), ip), ip);
    }

    /**
     * An IP packet with a chosen compression. {@code ip} is the full IP or just the payload: the
     * bits the compression carries are written ({@code ip} of a sign-extended 48-bit payload must
     * be canonical), and the last IP is updated as a decoder would update it.
     */
    public PacketEncoder ip(PacketType type, IpCompression ipc, long ip) {
        int opcode = switch (type) {
            case TIP -> 0x0d;
            case TIP_PGE -> 0x11;
            case TIP_PGD -> 0x01;
            case FUP -> 0x1d;
            default -> throw new IllegalArgumentException("not an IP packet: " + type);
        };
        if (ipc == IpCompression.SEXT_48 && ((ip << 16) >> 16) != ip && (ip >>> 48) != 0) {
            throw new IllegalArgumentException("0x" + Long.toHexString(ip) + " is not a sign-extended 48-bit IP");
        }
        int n = ipc.payloadBytes();
        ensure(1 + n);
        buf[len++] = (byte) (ipc.code() << 5 | opcode);
        putLe(ip, n);
        lastIp.update(ipc, ip & ipc.payloadMask());
        return this;
    }

    /** MODE.Exec: {@code 99}, leaf 000, bits IF (2), CS.D (1), CS.L (0). */
    public PacketEncoder modeExec(boolean csl, boolean csd, boolean iflag) {
        return mode(0, (csl ? 1 : 0) | (csd ? 2 : 0) | (iflag ? 4 : 0));
    }

    /** MODE.Exec for a code size: 64 (CS.L), 32 (CS.D) or 16. */
    public PacketEncoder modeExec(int bits, boolean iflag) {
        return switch (bits) {
            case 64 -> modeExec(true, false, iflag);
            case 32 -> modeExec(false, true, iflag);
            case 16 -> modeExec(false, false, iflag);
            default -> throw new IllegalArgumentException("code size is 16, 32 or 64, not " + bits);
        };
    }

    /** MODE.TSX: {@code 99}, leaf 001, bits TXAbort (1), InTX (0). */
    public PacketEncoder modeTsx(boolean intx, boolean abort) {
        return mode(1, (intx ? 1 : 0) | (abort ? 2 : 0));
    }

    private PacketEncoder mode(int leaf, int bits) {
        ensure(2);
        buf[len++] = (byte) 0x99;
        buf[len++] = (byte) (leaf << 5 | bits);
        return this;
    }

    /** PIP: {@code 02 43}, then CR3[51:5] in payload bits 47:1 and the non-root bit in bit 0. */
    public PacketEncoder pip(long cr3, boolean nonRoot) {
        new Packet.Pip(cr3, nonRoot);
        ensure(8);
        buf[len++] = 0x02;
        buf[len++] = 0x43;
        putLe(cr3 >>> 5 << 1 | (nonRoot ? 1 : 0), 6);
        return this;
    }

    /** VMCS: {@code 02 C8}, then the pointer's bits 51:12 in 5 bytes. */
    public PacketEncoder vmcs(long base) {
        new Packet.Vmcs(base);
        ensure(7);
        buf[len++] = 0x02;
        buf[len++] = (byte) 0xc8;
        putLe(base >>> 12, 5);
        return this;
    }

    /** OVF: {@code 02 F3}. */
    public PacketEncoder ovf() {
        return ext(0xf3);
    }

    /** CBR: {@code 02 03}, the ratio, a reserved zero byte. */
    public PacketEncoder cbr(int ratio) {
        new Packet.Cbr(ratio);
        ensure(4);
        buf[len++] = 0x02;
        buf[len++] = 0x03;
        buf[len++] = (byte) ratio;
        buf[len++] = 0;
        return this;
    }

    /** TSC: {@code 19} and TSC bits 55:0. */
    public PacketEncoder tsc(long tsc) {
        new Packet.Tsc(tsc);
        ensure(8);
        buf[len++] = 0x19;
        putLe(tsc, 7);
        return this;
    }

    /** MTC: {@code 59} and CTC[N+7:N]. */
    public PacketEncoder mtc(int ctc) {
        new Packet.Mtc(ctc);
        ensure(2);
        buf[len++] = 0x59;
        buf[len++] = (byte) ctc;
        return this;
    }

    /** TMA: {@code 02 73}, CTC[15:0], a reserved zero byte, FC[8:0] in two bytes. */
    public PacketEncoder tma(int ctc, int fc) {
        new Packet.Tma(ctc, fc);
        ensure(7);
        buf[len++] = 0x02;
        buf[len++] = 0x73;
        buf[len++] = (byte) ctc;
        buf[len++] = (byte) (ctc >>> 8);
        buf[len++] = 0;
        buf[len++] = (byte) fc;
        buf[len++] = (byte) (fc >>> 8);
        return this;
    }

    /**
     * CYC: the low 5 bits of the count in bits 7:3 of the header ({@code xxxxxE11}, E = more
     * bytes follow), then 7 bits per byte ({@code xxxxxxxE}), as few bytes as the count needs.
     */
    public PacketEncoder cyc(long cycles) {
        new Packet.Cyc(cycles);
        ensure(9);
        long rest = cycles >>> 5;
        buf[len++] = (byte) ((cycles & 0x1f) << 3 | (rest != 0 ? 4 : 0) | 3);
        while (rest != 0) {
            long next = rest >>> 7;
            buf[len++] = (byte) ((rest & 0x7f) << 1 | (next != 0 ? 1 : 0));
            rest = next;
        }
        return this;
    }

    /** TraceStop: {@code 02 83}. */
    public PacketEncoder stop() {
        return ext(0x83);
    }

    /** MNT: {@code 02 C3 88} and 8 payload bytes. */
    public PacketEncoder mnt(long payload) {
        ensure(11);
        buf[len++] = 0x02;
        buf[len++] = (byte) 0xc3;
        buf[len++] = (byte) 0x88;
        putLe(payload, 8);
        return this;
    }

    /** PTW: {@code 02}, then IP (7), payload size (6:5, 0 = 4 bytes, 1 = 8) and {@code 10010}, then the payload. */
    public PacketEncoder ptw(int size, boolean ip, long payload) {
        new Packet.Ptw(size, ip, payload);
        ensure(10);
        buf[len++] = 0x02;
        buf[len++] = (byte) ((ip ? 0x80 : 0) | (size == 8 ? 0x20 : 0) | 0x12);
        putLe(payload, size);
        return this;
    }

    /** EXSTOP: {@code 02 62}, or {@code 02 E2} when a FUP follows. */
    public PacketEncoder exstop(boolean ip) {
        return ext(ip ? 0xe2 : 0x62);
    }

    /** MWAIT: {@code 02 C2}, EAX hints and ECX extensions, 4 bytes each. */
    public PacketEncoder mwait(int hints, int extensions) {
        ensure(10);
        buf[len++] = 0x02;
        buf[len++] = (byte) 0xc2;
        putLe(hints, 4);
        putLe(extensions, 4);
        return this;
    }

    /** PWRE: {@code 02 22}, HW in bit 7 of byte 2, C-state and sub C-state in byte 3. */
    public PacketEncoder pwre(boolean hw, int state, int subState) {
        new Packet.Pwre(hw, state, subState);
        ensure(4);
        buf[len++] = 0x02;
        buf[len++] = 0x22;
        buf[len++] = (byte) (hw ? 0x80 : 0);
        buf[len++] = (byte) (state << 4 | subState);
        return this;
    }

    /** PWRX: {@code 02 A2}, last (7:4) and deepest (3:0) C-state, wake reason (3:0), two reserved bytes. */
    public PacketEncoder pwrx(int lastState, int deepestState, int wakeReason) {
        new Packet.Pwrx(lastState, deepestState, wakeReason);
        ensure(7);
        buf[len++] = 0x02;
        buf[len++] = (byte) 0xa2;
        putLe((long) lastState << 4 | deepestState | (long) wakeReason << 8, 5);
        return this;
    }

    /** BBP: {@code 02 63}, then SZ (bit 7: 1 = 4-byte BIPs) and the type (4:0). */
    public PacketEncoder bbp(int bipSize, int blockType) {
        new Packet.Bbp(bipSize, blockType);
        ensure(3);
        buf[len++] = 0x02;
        buf[len++] = 0x63;
        buf[len++] = (byte) ((bipSize == 4 ? 0x80 : 0) | blockType);
        return this;
    }

    /** BIP: the ID in bits 7:3 over {@code 100}, then the value; {@code size} must be the enclosing BBP's. */
    public PacketEncoder bip(int id, long value, int size) {
        new Packet.Bip(id, value, size);
        ensure(9);
        buf[len++] = (byte) (id << 3 | 4);
        putLe(value, size);
        return this;
    }

    /** BEP: {@code 02 33}, or {@code 02 B3} when a FUP follows. */
    public PacketEncoder bep(boolean ip) {
        return ext(ip ? 0xb3 : 0x33);
    }

    /** CFE: {@code 02 13}, IP (bit 7) and type (4:0), then the vector. */
    public PacketEncoder cfe(boolean ip, int eventType, int vector) {
        new Packet.Cfe(ip, eventType, vector);
        ensure(4);
        buf[len++] = 0x02;
        buf[len++] = 0x13;
        buf[len++] = (byte) ((ip ? 0x80 : 0) | eventType);
        buf[len++] = (byte) vector;
        return this;
    }

    /** EVD: {@code 02 53}, the type, then 8 payload bytes. */
    public PacketEncoder evd(int dataType, long payload) {
        new Packet.Evd(dataType, payload);
        ensure(11);
        buf[len++] = 0x02;
        buf[len++] = 0x53;
        buf[len++] = (byte) dataType;
        putLe(payload, 8);
        return this;
    }

    /**
     * TRIG: {@code D9}, then IP (bit 7), ICNTV (6) and MULT (5), the trigger bit vector, and the
     * 2-byte instruction count when ICNTV is set (libipt {@code pt_pkt_read_trig}).
     */
    public PacketEncoder trig(boolean ip, boolean mult, int trbv, boolean icntValid, int icnt) {
        new Packet.Trig(ip, mult, trbv, icntValid, icnt);
        ensure(5);
        buf[len++] = (byte) 0xd9;
        buf[len++] = (byte) ((ip ? 0x80 : 0) | (icntValid ? 0x40 : 0) | (mult ? 0x20 : 0));
        buf[len++] = (byte) trbv;
        if (icntValid) {
            putLe(icnt, 2);
        }
        return this;
    }

    /** PSB: {@code 02 82} eight times. Resets the last IP, as it does in a decoder. */
    public PacketEncoder psb() {
        ensure(16);
        putLe(PSB_HALF, 8);
        putLe(PSB_HALF, 8);
        lastIp.reset();
        return this;
    }

    /** PSBEND: {@code 02 23}. */
    public PacketEncoder psbend() {
        return ext(0x23);
    }

    /** Raw bytes, for damaged streams and what no packet method writes. */
    public PacketEncoder raw(byte... bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
        return this;
    }

    private PacketEncoder ext(int code) {
        ensure(2);
        buf[len++] = 0x02;
        buf[len++] = (byte) code;
        return this;
    }

    private static void checkTnt(long bits, int count, int max) {
        if (count < 1 || count > max) {
            throw new IllegalArgumentException("a TNT of this form holds 1 to " + max + " outcomes, not " + count);
        }
        if ((bits >>> count) != 0) {
            throw new IllegalArgumentException("outcome bits 0x" + Long.toHexString(bits) + " exceed " + count);
        }
    }

    private void putLe(long v, int n) {
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) len + more);
            if (want > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a PT buffer of " + want + " bytes does not fit in an array");
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }
}
