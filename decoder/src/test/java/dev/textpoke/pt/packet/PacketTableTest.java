package dev.textpoke.pt.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.io.Bytes;
import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.PtError;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every packet encoding, as byte vectors written from the SDM's packet tables (Vol. 3C, "Packet
 * Definitions"; the header bytes as libipt's {@code pt_opcodes.h} and perf's
 * {@code intel-pt-pkt-decoder.c} name them): decoded to the expected value, and that value encoded
 * back to the same bytes. Null, empty and truncated inputs first, then reserved encodings.
 */
class PacketTableTest {
    /** A vector: the bytes, and the packet they hold (after {@code context}'s packets, if any). */
    private record Vector(String context, String hex, Packet packet) {}

    private static Vector v(String hex, Packet p) {
        return new Vector("", hex, p);
    }

    private static final List<Vector> VECTORS = List.of(
            v("00", new Packet.Pad()),
            // short TNT: outcomes above bit 0, below a stop bit; oldest highest
            v("04", new Packet.Tnt(PacketType.TNT_8, 1, 0)),
            v("06", new Packet.Tnt(PacketType.TNT_8, 1, 1)),
            v("0c", new Packet.Tnt(PacketType.TNT_8, 2, 0b10)),
            v("ee", new Packet.Tnt(PacketType.TNT_8, 6, 0b110111)),
            v("80", new Packet.Tnt(PacketType.TNT_8, 6, 0)),
            v("fe", new Packet.Tnt(PacketType.TNT_8, 6, 0b111111)),
            // long TNT: 02 a3, 48-bit payload with a stop bit
            v("02a3020000000000", new Packet.Tnt(PacketType.TNT_64, 1, 0)),
            v("02a3030000000000", new Packet.Tnt(PacketType.TNT_64, 1, 1)),
            v("02a3ff0000000000", new Packet.Tnt(PacketType.TNT_64, 7, 0x7f)),
            v("02a30000000000ff", new Packet.Tnt(PacketType.TNT_64, 47, 0x7f00_0000_0000L)),
            v("02a3ffffffffffff", new Packet.Tnt(PacketType.TNT_64, 47, 0x7fff_ffff_ffffL)),
            // IP packets, every compression
            v("0d", new Packet.Ip(PacketType.TIP, IpCompression.SUPPRESSED, 0)),
            v("2d3412", new Packet.Ip(PacketType.TIP, IpCompression.UPDATE_16, 0x1234)),
            v("4d78563412", new Packet.Ip(PacketType.TIP, IpCompression.UPDATE_32, 0x12345678)),
            v("6dbc9a78563412", new Packet.Ip(PacketType.TIP, IpCompression.SEXT_48, 0x123456789abcL)),
            v("8dbc9a78563412", new Packet.Ip(PacketType.TIP, IpCompression.UPDATE_48, 0x123456789abcL)),
            v("cdf0debc9a78563412", new Packet.Ip(PacketType.TIP, IpCompression.FULL, 0x123456789abcdef0L)),
            v("11", new Packet.Ip(PacketType.TIP_PGE, IpCompression.SUPPRESSED, 0)),
            v("71000000000080", new Packet.Ip(PacketType.TIP_PGE, IpCompression.SEXT_48, 0x8000_0000_0000L)),
            v("01", new Packet.Ip(PacketType.TIP_PGD, IpCompression.SUPPRESSED, 0)),
            v("21ffff", new Packet.Ip(PacketType.TIP_PGD, IpCompression.UPDATE_16, 0xffff)),
            v("1d", new Packet.Ip(PacketType.FUP, IpCompression.SUPPRESSED, 0)),
            v("7d00d360b9ffff", new Packet.Ip(PacketType.FUP, IpCompression.SEXT_48, 0xffffb960d300L)),
            v("dd0100000000000080", new Packet.Ip(PacketType.FUP, IpCompression.FULL, 0x8000_0000_0000_0001L)),
            // MODE
            v("9900", new Packet.ModeExec(false, false, false)),
            v("9901", new Packet.ModeExec(true, false, false)),
            v("9902", new Packet.ModeExec(false, true, false)),
            v("9905", new Packet.ModeExec(true, false, true)),
            v("9903", new Packet.ModeExec(true, true, false)),
            v("9920", new Packet.ModeTsx(false, false)),
            v("9921", new Packet.ModeTsx(true, false)),
            v("9922", new Packet.ModeTsx(false, true)),
            v("9923", new Packet.ModeTsx(true, true)),
            // paging and virtualisation
            v("02430034d43f0000", new Packet.Pip(0x3fd434000L, false)),
            v("0243ffffffffffff", new Packet.Pip(0x000f_ffff_ffff_ffe0L, true)),
            v("02c8efcdab8967", new Packet.Vmcs(0x6789abcdef000L)),
            v("02f3", new Packet.Ovf()),
            // timing
            v("02031d00", new Packet.Cbr(0x1d)),
            v("02032a07", new Packet.Cbr(0x2a)), // byte 3 is reserved
            v("19e8cfd24cbc0000", new Packet.Tsc(0xbc4cd2cfe8L)),
            v("19ffffffffffffff", new Packet.Tsc(0xff_ffff_ffff_ffffL)),
            v("5948", new Packet.Mtc(0x48)),
            v("02733cb2003000", new Packet.Tma(0xb23c, 0x30)),
            v("0273ffff00ff01", new Packet.Tma(0xffff, 0x1ff)),
            v("03", new Packet.Cyc(0)),
            v("0b", new Packet.Cyc(1)),
            v("fb", new Packet.Cyc(31)),
            v("0702", new Packet.Cyc(32)),
            v("ffff02", new Packet.Cyc(31 | 0x7f << 5 | 1 << 12)),
            v("fffffffffffffffffe", new Packet.Cyc((1L << 61) - 1)),
            v("0283", new Packet.Stop()),
            v("02c3880102030405060708", new Packet.Mnt(0x0807060504030201L)),
            // PTWRITE, power, PEBS blocks, event trace, trigger
            v("021278563412", new Packet.Ptw(4, false, 0x12345678)),
            v("029278563412", new Packet.Ptw(4, true, 0x12345678)),
            v("02b20807060504030201", new Packet.Ptw(8, true, 0x0102030405060708L)),
            v("0262", new Packet.Exstop(false)),
            v("02e2", new Packet.Exstop(true)),
            v("02c2" + "01000000" + "020000f0", new Packet.Mwait(1, 0xf0000002)),
            v("0222" + "80" + "21", new Packet.Pwre(true, 2, 1)),
            v("0222" + "00" + "f0", new Packet.Pwre(false, 15, 0)),
            v("02a2" + "3f09000000", new Packet.Pwrx(3, 15, 9)),
            v("026381", new Packet.Bbp(4, 1)),
            v("02631f", new Packet.Bbp(8, 31)),
            new Vector("026381", "2c78563412", new Packet.Bip(5, 0x12345678, 4)),
            new Vector("026300", "fc0807060504030201", new Packet.Bip(31, 0x0102030405060708L, 8)),
            new Vector("0263800000", "0411223344", new Packet.Bip(0, 0x44332211, 4)), // PADs keep the block
            new Vector("0263805900", "0411223344", new Packet.Bip(0, 0x44332211, 4)), // as does an MTC
            v("0233", new Packet.Bep(false)),
            v("02b3", new Packet.Bep(true)),
            v("021301" + "03", new Packet.Cfe(false, 1, 3)),
            v("02139f" + "ff", new Packet.Cfe(true, 31, 255)),
            v("025309" + "0102030405060708", new Packet.Evd(9, 0x0807060504030201L)),
            v("02533f" + "0203040506070809", new Packet.Evd(0x3f, 0x0908070605040302L)),
            v("d90000", new Packet.Trig(false, false, 0, false, 0)),
            v("d9a0ff", new Packet.Trig(true, true, 0xff, false, 0)),
            v("d94001" + "3412", new Packet.Trig(false, false, 1, true, 0x1234)),
            v("02820282028202820282028202820282", new Packet.Psb()),
            v("0223", new Packet.Psbend()));

    @Test
    void nullBufferIsRefused() {
        assertThrows(NullPointerException.class, () -> new PacketDecoder(null, 0, 0));
    }

    @Test
    void boundsOutsideTheArrayAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PacketDecoder(new byte[4], 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new PacketDecoder(new byte[4], 0, 5));
        assertThrows(IllegalArgumentException.class, () -> new PacketDecoder(new byte[4], -1, 2));
    }

    @Test
    void emptyBufferHasNoPacketsAndNoSync() throws Exception {
        PacketDecoder d = new PacketDecoder(new byte[0], 0, 0);
        assertNull(d.next());
        assertNull(d.next());
        assertEquals(-1, d.syncForward());
        assertThrows(IllegalStateException.class, d::packet);
        // an empty range inside a larger array
        PacketDecoder inner = new PacketDecoder(Bytes.ofHex("0282028202820282028202820282028202").toArray(), 3, 3);
        assertNull(inner.next());
        assertEquals(-1, inner.syncForward());
    }

    @Test
    void everyTruncatedPacketIsEosAtItsOffset() {
        for (Vector vec : VECTORS) {
            byte[] ctx = Bytes.ofHex(vec.context()).toArray();
            byte[] pkt = Bytes.ofHex(vec.hex()).toArray();
            for (int cut = 1; cut < pkt.length; cut++) {
                byte[] data = new byte[ctx.length + cut];
                System.arraycopy(ctx, 0, data, 0, ctx.length);
                System.arraycopy(pkt, 0, data, ctx.length, cut);
                PtDecodeException e = assertThrows(PtDecodeException.class, () -> decodeAll(data),
                        vec.hex() + " cut to " + cut);
                assertEquals(PtError.EOS, e.kind(), vec.hex() + " cut to " + cut);
                assertEquals(ctx.length, e.offset(), vec.hex() + " cut to " + cut);
            }
        }
    }

    @Test
    void everyVectorDecodesToItsPacketAndEncodesBack() throws Exception {
        Set<PacketType> seen = EnumSet.noneOf(PacketType.class);
        for (Vector vec : VECTORS) {
            byte[] ctx = Bytes.ofHex(vec.context()).toArray();
            byte[] pkt = Bytes.ofHex(vec.hex()).toArray();
            byte[] data = new byte[ctx.length + pkt.length + 2];
            System.arraycopy(ctx, 0, data, 1, ctx.length);
            System.arraycopy(pkt, 0, data, 1 + ctx.length, pkt.length);
            // decode from inside a larger array: offsets are from `begin`
            PacketDecoder d = new PacketDecoder(data, 1, data.length - 1);
            PacketType t = null;
            while (d.nextOffset() < ctx.length) {
                t = d.next();
            }
            t = d.next();
            assertEquals(vec.packet().type(), t, vec.hex());
            assertEquals(ctx.length, d.offset(), vec.hex());
            assertEquals(pkt.length, d.size(), vec.hex());
            assertEquals(ctx.length + pkt.length, d.nextOffset(), vec.hex());
            assertEquals(vec.packet(), d.packet(), vec.hex());
            assertNull(d.next(), vec.hex());
            seen.add(t);

            PacketEncoder e = new PacketEncoder();
            e.raw(ctx);
            e.encode(vec.packet());
            // the encoder writes the reserved CBR byte as 0
            String expected = vec.hex().startsWith("0203") ? vec.hex().substring(0, 6) + "00" : vec.hex();
            assertEquals(vec.context() + expected, Bytes.wrapOwned(e.toByteArray()).hex(), vec.packet().toString());
        }
        assertEquals(EnumSet.allOf(PacketType.class), seen, "a vector for every packet type");
    }

    @Test
    void fieldAccessorsAgreeWithThePacketValue() throws Exception {
        byte[] data = Bytes.ofHex("7d00d360b9ffff" + "ee" + "02733cb2003000" + "9905" + "02430134d43f0000"
                + "029278563412" + "d94001" + "3412").toArray();
        PacketDecoder d = new PacketDecoder(data, 0, data.length);
        d.next();
        assertEquals(IpCompression.SEXT_48, d.ipc());
        assertEquals(0xffffb960d300L, d.ipPayload());
        d.next();
        assertEquals(6, d.tntCount());
        assertEquals(0b110111, d.tntBits());
        d.next();
        assertEquals(0xb23c, d.tmaCtc());
        assertEquals(0x30, d.tmaFc());
        d.next();
        assertEquals(0, d.modeLeaf());
        assertEquals(5, d.modeBits());
        d.next();
        assertEquals(0x3fd434000L, d.pipCr3());
        assertEquals(true, d.pipNr());
        d.next();
        assertEquals(4, d.ptwSize());
        assertEquals(true, d.ptwIp());
        assertEquals(0x12345678, d.payload());
        d.next();
        assertEquals(1, d.trigTrbv());
        assertEquals(0x1234, d.trigIcnt());
        assertNull(d.next());
    }

    /** Reserved and unknown encodings: the error kind, at the packet's offset, as libipt reports them. */
    @Test
    void reservedEncodingsAreErrorsAtTheirOffset() {
        String[][] bad = {
            // opcode byte, then what follows
            {"09", "BAD_OPC"}, {"05", "BAD_OPC"}, {"39", "BAD_OPC"}, {"c9", "BAD_OPC"},
            {"0204", "BAD_OPC"}, {"02ff", "BAD_OPC"}, {"02c3000000", "BAD_OPC"},
            {"ad000000000000", "BAD_PACKET"}, // TIP, IPBytes 101
            {"ed0000000000000000", "BAD_PACKET"}, // TIP, IPBytes 111
            {"9940", "BAD_PACKET"}, {"99e0", "BAD_PACKET"}, // MODE, reserved leaves
            {"02a3000000000000", "BAD_PACKET"}, {"02a3010000000000", "BAD_PACKET"}, // no outcome
            {"0273000001000000".substring(0, 14), "BAD_PACKET"}, // TMA reserved byte 4
            {"02730000000002", "BAD_PACKET"}, // TMA FC bit 9
            {"025200000000000000000000", "BAD_PACKET"}, {"027200000000000000000000", "BAD_PACKET"}, // PTW size
            {"0282028202820282028202820282 0283".replace(" ", ""), "BAD_PACKET"}, // PSB pattern
            {"07ffffffffffffffff01", "BAD_PACKET"}, // CYC of 10 bytes
        };
        for (String[] b : bad) {
            byte[] data = Bytes.ofHex("0000" + b[0]).toArray();
            PtDecodeException e = assertThrows(PtDecodeException.class, () -> decodeAll(data), b[0]);
            assertEquals(PtError.valueOf(b[1]), e.kind(), b[0]);
            assertEquals(2, e.offset(), b[0]);
        }
    }

    @Test
    void bipOutsideABlockIsTnt() throws Exception {
        // 0x2c is BIP ID 5 inside a block, a short TNT outside one
        assertEquals(List.of(new Packet.Tnt(PacketType.TNT_8, 4, 0b0110)), decodeAll(Bytes.ofHex("2c").toArray()));
        // a TNT ends the block context; a BEP does too
        assertEquals(List.of(new Packet.Bbp(4, 0), new Packet.Tnt(PacketType.TNT_8, 1, 1),
                new Packet.Tnt(PacketType.TNT_8, 4, 0b0110)), decodeAll(Bytes.ofHex("026380062c").toArray()));
        assertEquals(List.of(new Packet.Bbp(4, 0), new Packet.Bep(false), new Packet.Tnt(PacketType.TNT_8, 4, 0b0110)),
                decodeAll(Bytes.ofHex("02638002332c").toArray()));
    }

    @Test
    void anErrorKeepsThePositionUntilASync() throws Exception {
        byte[] data = Bytes.ofHex("0609" + "02820282028202820282028202820282" + "0223").toArray();
        PacketDecoder d = new PacketDecoder(data, 0, data.length);
        assertEquals(PacketType.TNT_8, d.next());
        assertEquals(1, assertThrows(PtDecodeException.class, d::next).offset());
        assertEquals(1, assertThrows(PtDecodeException.class, d::next).offset());
        assertEquals(1, d.nextOffset());
        assertEquals(2, d.syncForward());
        assertEquals(PacketType.PSB, d.next());
        assertEquals(PacketType.PSBEND, d.next());
        assertNull(d.next());
    }

    static List<Packet> decodeAll(byte[] data) throws PtDecodeException {
        PacketDecoder d = new PacketDecoder(data, 0, data.length);
        List<Packet> out = new ArrayList<>();
        while (d.next() != null) {
            out.add(d.packet());
        }
        return out;
    }

    @Test
    void vectorsAreDistinct() {
        List<String> all = VECTORS.stream().map(x -> x.context() + "/" + x.hex()).toList();
        assertEquals(all.size(), Set.copyOf(all).size());
        assertArrayEquals(new byte[] {2, (byte) 0x82}, Bytes.ofHex("0282").toArray());
    }
}
