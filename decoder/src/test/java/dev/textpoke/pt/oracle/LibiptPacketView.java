package dev.textpoke.pt.oracle;

import dev.textpoke.pt.PtDecodeException;
import dev.textpoke.pt.packet.PacketDecoder;
import dev.textpoke.pt.packet.PacketType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Our packet decoder driven as the harness drives libipt's ({@code ptharness packets}: sync
 * forward, decode until an error, report it, sync forward again) and printed in the harness's
 * line format, so that the two outputs compare line by line.
 *
 * <p>Deliberate differences, modelled here and listed in docs/intel-pt.md: libipt 2.0.5 knows no
 * BBP, BIP, BEP, CFE, EVD or TRIG (it reports BAD_OPC where we decode one, and the outputs are
 * compared up to there); it has no MODE.Exec IF bit; it reads the PWRE HW bit from byte 2 bit 3
 * where the SDM and perf have bit 7 (the view prints what libipt reads from the same bytes).
 */
public final class LibiptPacketView {
    /** Packets libipt 2.0.5 does not decode. */
    public static final Set<PacketType> UNKNOWN_TO_LIBIPT_2_0 =
            EnumSet.of(PacketType.BBP, PacketType.BIP, PacketType.BEP, PacketType.CFE, PacketType.EVD, PacketType.TRIG);

    private LibiptPacketView() {}

    /**
     * The lines, and whether they stop at a packet libipt 2.0.5 does not know (ending in the
     * {@code error OFFSET BAD_OPC} libipt reports there; libipt's lines after it are not modelled).
     */
    public record View(List<String> lines, boolean cut) {}

    public static View of(byte[] data) {
        PacketDecoder d = new PacketDecoder(data, 0, data.length);
        List<String> lines = new ArrayList<>();
        long sync = d.syncForward();
        while (sync >= 0) {
            lines.add("sync 0x" + Long.toHexString(sync));
            try {
                PacketType t;
                while ((t = d.next()) != null) {
                    if (UNKNOWN_TO_LIBIPT_2_0.contains(t)) {
                        lines.add("error 0x" + Long.toHexString(d.offset()) + " BAD_OPC");
                        return new View(lines, true);
                    }
                    lines.add(line(d, data));
                }
                break;
            } catch (PtDecodeException e) {
                lines.add("error 0x" + Long.toHexString(e.offset()) + " " + e.kind());
                sync = d.syncForward();
            }
        }
        lines.add("end");
        return new View(lines, false);
    }

    /** Whether libipt's lines agree with the view: equal, or equal up to the cut. */
    public static boolean agrees(View ours, List<String> libipt) {
        if (!ours.cut()) {
            return ours.lines().equals(libipt);
        }
        return libipt.size() >= ours.lines().size() && libipt.subList(0, ours.lines().size()).equals(ours.lines());
    }

    /** The current packet as the harness prints libipt's. */
    static String line(PacketDecoder d, byte[] data) {
        String at = "0x" + Long.toHexString(d.offset()) + " ";
        String size = " size=" + d.size();
        return at + switch (d.type()) {
            case PAD -> "pad" + size;
            case PSB -> "psb" + size;
            case PSBEND -> "psbend" + size;
            case STOP -> "stop" + size;
            case OVF -> "ovf" + size;
            case TIP, TIP_PGE, TIP_PGD, FUP -> name(d.type()) + size + " ipc=" + d.ipc().code() + " ip=" + hex(d.ipPayload());
            case TNT_8, TNT_64 -> (d.type() == PacketType.TNT_8 ? "tnt.8" : "tnt.64") + size + " bits=" + d.tntCount()
                    + " payload=" + hex(d.tntBits());
            case MODE_EXEC -> "mode.exec" + size + " csl=" + (d.modeBits() & 1) + " csd=" + (d.modeBits() >> 1 & 1);
            case MODE_TSX -> "mode.tsx" + size + " intx=" + (d.modeBits() & 1) + " abrt=" + (d.modeBits() >> 1 & 1);
            case PIP -> "pip" + size + " cr3=" + hex(d.pipCr3()) + " nr=" + (d.pipNr() ? 1 : 0);
            case VMCS -> "vmcs" + size + " base=" + hex(d.vmcsBase());
            case CBR -> "cbr" + size + " ratio=" + hex(d.payload());
            case TSC -> "tsc" + size + " tsc=" + hex(d.payload());
            case TMA -> "tma" + size + " ctc=" + hex(d.tmaCtc()) + " fc=" + hex(d.tmaFc());
            case MTC -> "mtc" + size + " ctc=" + hex(d.payload());
            case CYC -> "cyc" + size + " value=" + hex(d.payload());
            case MNT -> "mnt" + size + " payload=" + hex(d.payload());
            case EXSTOP -> "exstop" + size + " ip=" + (d.ipBit() ? 1 : 0);
            case MWAIT -> "mwait" + size + " hints=" + hex(d.mwaitHints() & 0xffff_ffffL) + " ext="
                    + hex(d.mwaitExtensions() & 0xffff_ffffL);
            // libipt reads HW from byte 2 bit 3 (pt_pl_pwre_hw_mask 0x8)
            case PWRE -> "pwre" + size + " state=" + d.pwreState() + " sub=" + d.pwreSubState() + " hw="
                    + ((data[(int) d.offset() + 2] & 0x08) != 0 ? 1 : 0);
            case PWRX -> "pwrx" + size + " last=" + d.pwrxLastState() + " deepest=" + d.pwrxDeepestState() + " int="
                    + (d.pwrxWakeReason() & 1) + " store=" + (d.pwrxWakeReason() >> 2 & 1) + " hw="
                    + (d.pwrxWakeReason() >> 3 & 1);
            case PTW -> "ptw" + size + " plc=" + (d.ptwSize() == 8 ? 1 : 0) + " ip=" + (d.ptwIp() ? 1 : 0) + " payload="
                    + hex(d.payload());
            default -> throw new IllegalStateException(d.type() + " is not a libipt 2.0 packet");
        };
    }

    private static String name(PacketType t) {
        return switch (t) {
            case TIP -> "tip";
            case TIP_PGE -> "tip.pge";
            case TIP_PGD -> "tip.pgd";
            default -> "fup";
        };
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
