package dev.textpoke.sim.pt;

import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.packet.LastIp;
import dev.textpoke.pt.packet.Packet;
import dev.textpoke.pt.packet.PacketDecoder;
import dev.textpoke.pt.packet.PacketType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A stream decoded by pt-packets' {@link PacketDecoder} into short strings for assertions: IP
 * packets with their full IP (last-IP expanded), TNT as its outcomes oldest first ({@code TNT
 * TTN}), timing packets with their payload in hex.
 */
final class Packets {
    private Packets() {}

    static final Set<PacketType> TIMING = Set.of(PacketType.TSC, PacketType.TMA, PacketType.MTC, PacketType.CYC,
            PacketType.CBR);

    record Decoded(int offset, PacketType type, String text, Packet packet) {}

    static List<Decoded> decode(byte[] bytes) {
        PacketDecoder d = new PacketDecoder(bytes, 0, bytes.length);
        LastIp last = new LastIp();
        List<Decoded> out = new ArrayList<>();
        try {
            PacketType t;
            while ((t = d.next()) != null) {
                Packet p = d.packet();
                String text;
                if (p instanceof Packet.Ip ip) {
                    if (ip.ipc() == dev.textpoke.pt.packet.IpCompression.SUPPRESSED) {
                        text = t.name();
                    } else {
                        text = t.name() + " " + Long.toHexString(last.update(ip.ipc(), ip.payload()));
                    }
                } else if (p instanceof Packet.Tnt tnt) {
                    StringBuilder s = new StringBuilder("TNT ");
                    for (int i = tnt.count() - 1; i >= 0; i--) {
                        s.append((tnt.bits() >>> i & 1) != 0 ? 'T' : 'N');
                    }
                    text = s.toString();
                } else if (p instanceof Packet.Mtc m) {
                    text = "MTC " + Integer.toHexString(m.ctc());
                } else if (p instanceof Packet.Cyc c) {
                    text = "CYC " + Long.toHexString(c.cycles());
                } else if (p instanceof Packet.Tsc c) {
                    text = "TSC " + Long.toHexString(c.tsc());
                } else if (p instanceof Packet.Tma m) {
                    text = "TMA " + Integer.toHexString(m.ctc()) + " " + Integer.toHexString(m.fc());
                } else if (p instanceof Packet.Cbr c) {
                    text = "CBR " + Integer.toHexString(c.ratio());
                } else {
                    text = t.name();
                }
                if (t == PacketType.PSB) {
                    last.reset();
                }
                out.add(new Decoded(d.offset() == 0 && out.isEmpty() ? 0 : (int) d.offset(), t, text, p));
            }
        } catch (PtDecodeException e) {
            throw new AssertionError("our own stream does not decode: " + e.getMessage(), e);
        }
        return out;
    }

    /** The packets as strings, timing packets left out. */
    static List<String> flow(byte[] bytes) {
        return decode(bytes).stream().filter(p -> !TIMING.contains(p.type())).map(Decoded::text).toList();
    }
}
