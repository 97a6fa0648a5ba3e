package dev.textpoke.pt.packet;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random valid Intel PT packet streams, written with {@link PacketEncoder}: PSB+ headers (PSB,
 * TSC/TMA, CBR, PIP, VMCS, MODE.Exec, MODE.TSX, FUP in random order, PSBEND), then random packets
 * of the allowed types with every IP compression and random payloads, PAD runs, short and long
 * TNT, PEBS blocks (BBP, BIPs of the BBP's size, BEP), and a new PSB+ now and then. Seeded: the
 * same seed gives the same stream.
 */
public final class RandomPackets {
    /** Every type. */
    public static final Set<PacketType> ALL = EnumSet.allOf(PacketType.class);

    private final SplittableRandom rnd;
    private final Set<PacketType> allowed;
    private final PacketType[] bodyTypes;

    public RandomPackets(long seed, Set<PacketType> allowed) {
        this.rnd = new SplittableRandom(seed);
        this.allowed = EnumSet.copyOf(allowed);
        this.bodyTypes = allowed.stream()
                .filter(t -> t != PacketType.PSB && t != PacketType.PSBEND && t != PacketType.BIP && t != PacketType.BEP)
                .toArray(PacketType[]::new);
    }

    /** A stream of about {@code packets} packets, starting with a PSB+. */
    public byte[] stream(int packets) {
        PacketEncoder e = new PacketEncoder(packets * 4);
        psbPlus(e);
        for (int i = 0; i < packets; i++) {
            int dice = rnd.nextInt(1000);
            if (dice < 8 && allowed.contains(PacketType.PSB)) {
                psbPlus(e);
            } else if (dice < 30 && allowed.contains(PacketType.PAD)) {
                e.pad(1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 40));
            } else {
                PacketType t = bodyTypes[rnd.nextInt(bodyTypes.length)];
                if (t == PacketType.BBP) {
                    block(e);
                } else {
                    e.encode(packet(t));
                }
            }
        }
        return e.toByteArray();
    }

    /** PSB, the status packets in random order, PSBEND. */
    public void psbPlus(PacketEncoder e) {
        e.psb();
        List<PacketType> status = List.of(PacketType.TSC, PacketType.CBR, PacketType.PIP, PacketType.VMCS,
                PacketType.MODE_EXEC, PacketType.MODE_TSX, PacketType.FUP, PacketType.PAD, PacketType.MTC,
                PacketType.CYC);
        int n = rnd.nextInt(status.size() + 1);
        for (int i = 0; i < n; i++) {
            PacketType t = status.get(rnd.nextInt(status.size()));
            if (!allowed.contains(t)) {
                continue;
            }
            if (t == PacketType.TSC && allowed.contains(PacketType.TMA)) {
                e.encode(packet(PacketType.TSC));
                e.encode(packet(PacketType.TMA));
            } else if (t == PacketType.FUP) {
                e.fup(ip());
            } else {
                e.encode(packet(t));
            }
        }
        if (allowed.contains(PacketType.PSBEND)) {
            e.psbend();
        }
    }

    /** BBP, BIPs of its size with PAD and timing packets between them, BEP. */
    private void block(PacketEncoder e) {
        int size = rnd.nextBoolean() ? 4 : 8;
        e.bbp(size, rnd.nextInt(32));
        int items = rnd.nextInt(6);
        for (int i = 0; i < items; i++) {
            if (allowed.contains(PacketType.BIP)) {
                e.bip(rnd.nextInt(32), bits(size * 8), size);
            }
            switch (rnd.nextInt(6)) {
                case 0 -> e.pad(1 + rnd.nextInt(3));
                case 1 -> e.encode(packet(PacketType.MTC));
                case 2 -> e.encode(packet(PacketType.CYC));
                default -> { }
            }
        }
        if (allowed.contains(PacketType.BEP)) {
            e.bep(rnd.nextBoolean());
        }
    }

    /** A random packet of type {@code t} with random, valid fields. */
    public Packet packet(PacketType t) {
        return switch (t) {
            case PAD -> new Packet.Pad();
            case TNT_8 -> {
                int n = 1 + rnd.nextInt(6);
                yield new Packet.Tnt(t, n, bits(n));
            }
            case TNT_64 -> {
                int n = 1 + rnd.nextInt(47);
                yield new Packet.Tnt(t, n, bits(n));
            }
            case TIP, TIP_PGE, TIP_PGD, FUP -> {
                IpCompression[] all = IpCompression.values();
                IpCompression ipc = all[rnd.nextInt(all.length)];
                yield new Packet.Ip(t, ipc, rnd.nextLong() & ipc.payloadMask());
            }
            case MODE_EXEC -> {
                // CS.L with CS.D is reserved (SDM), not a valid mix
                boolean csl = rnd.nextBoolean();
                yield new Packet.ModeExec(csl, !csl && rnd.nextBoolean(), rnd.nextBoolean());
            }
            case MODE_TSX -> {
                // InTX with TXAbort is reserved (SDM)
                boolean intx = rnd.nextBoolean();
                yield new Packet.ModeTsx(intx, !intx && rnd.nextBoolean());
            }
            case PIP -> new Packet.Pip(bits(47) << 5, rnd.nextBoolean());
            case VMCS -> new Packet.Vmcs(bits(40) << 12);
            case OVF -> new Packet.Ovf();
            case CBR -> new Packet.Cbr(rnd.nextInt(256));
            case TSC -> new Packet.Tsc(bits(56));
            case MTC -> new Packet.Mtc(rnd.nextInt(256));
            case TMA -> new Packet.Tma(rnd.nextInt(1 << 16), rnd.nextInt(1 << 9));
            case CYC -> new Packet.Cyc(bits(1 + rnd.nextInt(61)));
            case STOP -> new Packet.Stop();
            case MNT -> new Packet.Mnt(rnd.nextLong());
            case PTW -> {
                int size = rnd.nextBoolean() ? 4 : 8;
                yield new Packet.Ptw(size, rnd.nextBoolean(), bits(size * 8));
            }
            case EXSTOP -> new Packet.Exstop(rnd.nextBoolean());
            case MWAIT -> new Packet.Mwait(rnd.nextInt(), rnd.nextInt());
            case PWRE -> new Packet.Pwre(rnd.nextBoolean(), rnd.nextInt(16), rnd.nextInt(16));
            case PWRX -> new Packet.Pwrx(rnd.nextInt(16), rnd.nextInt(16), rnd.nextInt(16));
            case BBP -> new Packet.Bbp(rnd.nextBoolean() ? 4 : 8, rnd.nextInt(32));
            case BIP -> new Packet.Bip(rnd.nextInt(32), bits(32), 4);
            case BEP -> new Packet.Bep(rnd.nextBoolean());
            case CFE -> new Packet.Cfe(rnd.nextBoolean(), rnd.nextInt(32), rnd.nextInt(256));
            case EVD -> new Packet.Evd(rnd.nextInt(64), rnd.nextLong());
            case TRIG -> {
                boolean icnt = rnd.nextBoolean();
                yield new Packet.Trig(rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextInt(256), icnt,
                        icnt ? rnd.nextInt(1 << 16) : 0);
            }
            case PSB -> new Packet.Psb();
            case PSBEND -> new Packet.Psbend();
        };
    }

    /** A random IP: user space, kernel space, or anywhere. */
    public long ip() {
        return switch (rnd.nextInt(3)) {
            case 0 -> 0x400000L + rnd.nextInt(1 << 24);
            case 1 -> 0xffffffff81000000L + rnd.nextInt(1 << 24);
            default -> rnd.nextLong();
        };
    }

    /** Random bits 0 .. n-1, with small values often. */
    private long bits(int n) {
        long v = rnd.nextInt(4) == 0 ? rnd.nextInt(16) : rnd.nextLong();
        return n >= 64 ? v : v & ((1L << n) - 1);
    }

    /** The random source, for callers that damage streams. */
    public SplittableRandom random() {
        return rnd;
    }
}
