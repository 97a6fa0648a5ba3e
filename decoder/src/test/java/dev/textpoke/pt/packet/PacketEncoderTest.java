package dev.textpoke.pt.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.io.Bytes;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The encoder against byte vectors written from the SDM's packet tables (Vol. 3C, "Packet Definitions"). */
class PacketEncoderTest {

    private static void bytes(String hex, Consumer<PacketEncoder> write) {
        PacketEncoder e = new PacketEncoder(16);
        write.accept(e);
        assertEquals(hex, Bytes.wrapOwned(e.toByteArray()).hex());
    }

    @Test
    void emptyEncoderHasNoBytes() {
        assertEquals(0, new PacketEncoder().size());
        assertArrayEquals(new byte[0], new PacketEncoder().toByteArray());
    }

    @Test
    void fixedPackets() {
        bytes("00", PacketEncoder::pad);
        bytes("000000", e -> e.pad(3));
        bytes("02820282028202820282028202820282", PacketEncoder::psb);
        bytes("0223", PacketEncoder::psbend);
        bytes("02f3", PacketEncoder::ovf);
        bytes("0283", PacketEncoder::stop);
        bytes("0262", e -> e.exstop(false));
        bytes("02e2", e -> e.exstop(true));
        bytes("0233", e -> e.bep(false));
        bytes("02b3", e -> e.bep(true));
    }

    @Test
    void tnt() {
        // short: outcomes above bit 0, a stop bit above them; the oldest outcome is the highest
        bytes("06", e -> e.tnt(0b1, 1)); // T
        bytes("04", e -> e.tnt(0b0, 1)); // N
        bytes("0a", e -> e.tnt(0b01, 2)); // N T
        bytes("ee", e -> e.tnt(0b110111, 6)); // T T N T T T
        // long: 02 A3 and 6 payload bytes, stop bit at bit `count`
        bytes("02a3ff0000000000", e -> e.tnt(0x7f, 7));
        bytes("02a3ffffffffffff", e -> e.tnt(0x7fff_ffff_ffffL, 47));
        bytes("02a3020000000000", e -> e.tnt64(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PacketEncoder().tnt(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PacketEncoder().tnt(0, 48));
        assertThrows(IllegalArgumentException.class, () -> new PacketEncoder().tnt8(0, 7));
        assertThrows(IllegalArgumentException.class, () -> new PacketEncoder().tnt(0b100, 2));
    }

    @Test
    void ipCompressions() {
        bytes("0d", e -> e.ip(PacketType.TIP, IpCompression.SUPPRESSED, 0));
        bytes("2d3412", e -> e.ip(PacketType.TIP, IpCompression.UPDATE_16, 0x1234));
        bytes("5178563412", e -> e.ip(PacketType.TIP_PGE, IpCompression.UPDATE_32, 0x12345678));
        bytes("61bc9a78563412", e -> e.ip(PacketType.TIP_PGD, IpCompression.SEXT_48, 0x123456789abcL));
        bytes("9dbc9a78563412", e -> e.ip(PacketType.FUP, IpCompression.UPDATE_48, 0x123456789abcL));
        bytes("cdf0debc9a78563412", e -> e.ip(PacketType.TIP, IpCompression.FULL, 0x123456789abcdef0L));
    }

    @Test
    void smallestCompressionAgainstTheLastIp() {
        // after a PSB the last IP is 0: a kernel address is sign-extended 48 bits
        bytes("028202820282028202820282028202827100000081ffff", e -> e.psb().tipPge(0xffffffff81000000L));
        bytes("7d00000081ffff2d1000", e -> e.fup(0xffffffff81000000L).tip(0xffffffff81000010L));
        bytes("7d00000081ffff4d00000020", e -> e.fup(0xffffffff81000000L).tip(0xffffffff20000000L));
        // upper 16 bits differ from the last IP and the IP is not canonical: full
        bytes("cd0000000000000001", e -> e.tip(0x0100_0000_0000_0000L));
        // bits 63:48 match a non-canonical last IP: update-48
        bytes("cd0000000000000001" + "9d000000000001",
                e -> e.tip(0x0100_0000_0000_0000L).fup(0x0100_0100_0000_0000L));
    }

    @Test
    void modeAndPaging() {
        bytes("9901", e -> e.modeExec(64, false));
        bytes("9902", e -> e.modeExec(32, false));
        bytes("9904", e -> e.modeExec(16, true));
        bytes("9920", e -> e.modeTsx(false, false));
        bytes("9921", e -> e.modeTsx(true, false));
        bytes("9922", e -> e.modeTsx(false, true));
        // PIP: CR3[51:5] in payload bits 47:1, NR in bit 0
        bytes("0243" + "0134d43f0000", e -> e.pip(0x3fd434000L, true)); // quipper's PIP payload 0x3fd43400 >> 1 << 5
        bytes("02c8" + "5634120000", e -> e.vmcs(0x12345_6000L));
        assertThrows(IllegalArgumentException.class, () -> new PacketEncoder().pip(0x1001, false));
        assertThrows(IllegalArgumentException.class, () -> new PacketEncoder().vmcs(0x800));
    }

    @Test
    void timing() {
        bytes("19e8cfd24cbc0000", e -> e.tsc(0xbc4cd2cfe8L)); // quipper's first TSC
        bytes("5948", e -> e.mtc(0x48));
        bytes("02733cb20030" + "00", e -> e.tma(0xb23c, 0x30)); // quipper's first TMA
        bytes("0273ffff00ff01", e -> e.tma(0xffff, 0x1ff));
        bytes("02031d00", e -> e.cbr(0x1d));
        bytes("03", e -> e.cyc(0));
        bytes("fb", e -> e.cyc(31));
        bytes("0702", e -> e.cyc(32)); // low 5 bits 0, more; then 1 << 1
        bytes("ffff02", e -> e.cyc(31 | 0x7f << 5 | 1 << 12));
        assertThrows(IllegalArgumentException.class, () -> new PacketEncoder().tma(0, 0x200));
        assertThrows(IllegalArgumentException.class, () -> new PacketEncoder().tsc(1L << 56));
        assertThrows(IllegalArgumentException.class, () -> new PacketEncoder().cyc(1L << 61));
    }

    @Test
    void powerEventsAndBlocks() {
        bytes("02c3880102030405060708", e -> e.mnt(0x0807060504030201L));
        bytes("02127856341200000000".substring(0, 12), e -> e.ptw(4, false, 0x12345678));
        bytes("02b2" + "0807060504030201", e -> e.ptw(8, true, 0x0102030405060708L));
        bytes("02c2" + "01000000" + "02000000", e -> e.mwait(1, 2));
        bytes("022280" + "21", e -> e.pwre(true, 2, 1));
        bytes("02a2" + "3f01000000", e -> e.pwrx(3, 15, 1));
        bytes("026381", e -> e.bbp(4, 1));
        bytes("026302", e -> e.bbp(8, 2));
        bytes("2c" + "78563412", e -> e.bip(5, 0x12345678, 4));
        bytes("021381" + "0e", e -> e.cfe(true, 1, 14));
        bytes("025309" + "0102030405060708", e -> e.evd(9, 0x0807060504030201L));
        bytes("d9a005", e -> e.trig(true, true, 5, false, 0));
        bytes("d94001" + "3412", e -> e.trig(false, false, 1, true, 0x1234));
    }

    @Test
    void encodeTakesEveryPacketValue() {
        Packet[] packets = {
            new Packet.Psb(), new Packet.Ip(PacketType.FUP, IpCompression.SEXT_48, 0x1000),
            new Packet.ModeExec(true, false, true), new Packet.Psbend(), Packet.Tnt.of(3, 0b101),
            Packet.Tnt.of(20, 0xabcde), new Packet.Tsc(5), new Packet.Tma(1, 2), new Packet.Mtc(3),
            new Packet.Cyc(12345), new Packet.Cbr(40), new Packet.Pip(0x1000, false), new Packet.Vmcs(0x2000),
            new Packet.Ovf(), new Packet.Stop(), new Packet.Mnt(7), new Packet.Ptw(8, true, 9),
            new Packet.Exstop(true), new Packet.Mwait(1, 2), new Packet.Pwre(false, 1, 2),
            new Packet.Pwrx(1, 2, 3), new Packet.Bbp(8, 3), new Packet.Bip(1, 2, 8), new Packet.Bep(true),
            new Packet.Cfe(false, 3, 4), new Packet.Evd(5, 6), new Packet.Trig(false, true, 7, true, 8),
            new Packet.ModeTsx(true, true), new Packet.Pad(),
        };
        PacketEncoder viaValues = new PacketEncoder();
        for (Packet p : packets) {
            viaValues.encode(p);
        }
        PacketEncoder direct = new PacketEncoder().psb().ip(PacketType.FUP, IpCompression.SEXT_48, 0x1000)
                .modeExec(true, false, true).psbend().tnt(0b101, 3).tnt(0xabcde, 20).tsc(5).tma(1, 2).mtc(3)
                .cyc(12345).cbr(40).pip(0x1000, false).vmcs(0x2000).ovf().stop().mnt(7).ptw(8, true, 9)
                .exstop(true).mwait(1, 2).pwre(false, 1, 2).pwrx(1, 2, 3).bbp(8, 3).bip(1, 2, 8).bep(true)
                .cfe(false, 3, 4).evd(5, 6).trig(false, true, 7, true, 8).modeTsx(true, true).pad();
        assertArrayEquals(direct.toByteArray(), viaValues.toByteArray());
        java.util.EnumSet<PacketType> covered = java.util.EnumSet.noneOf(PacketType.class);
        for (Packet p : packets) {
            covered.add(p.type());
        }
        assertEquals(java.util.EnumSet.complementOf(java.util.EnumSet.of(PacketType.TIP, PacketType.TIP_PGE,
                PacketType.TIP_PGD)), covered, "every packet type (the IP packets share one record)");
    }

    @Test
    void growsPastItsInitialCapacity() {
        PacketEncoder e = new PacketEncoder(1);
        for (int i = 0; i < 1000; i++) {
            e.psb();
        }
        assertEquals(16_000, e.size());
        assertEquals(0x02, e.toByteArray()[15_998]);
    }
}
