package dev.textpoke.cli.format;

import dev.textpoke.pt.packet.LastIp;
import dev.textpoke.pt.packet.PacketDecoder;
import dev.textpoke.pt.packet.PacketType;
import java.util.Locale;

/**
 * Intel PT packets as text and JSON for {@code dump --pt}.
 *
 * <p>The text lines are laid out as {@code perf report -D} prints a packet (perf's
 * {@code intel_pt_dump} and {@code intel_pt_pkt_desc}, perf 6.1): a dot, the offset in 8 hex
 * digits, the packet's bytes padded to 16 columns, its description. As perf does, PAD bytes that
 * follow a packet shorter than 8 bytes are shown with it, up to 8 bytes in all
 * ({@code intel_pt_get_packet}), so that the two dumps can be compared line for line. Packets perf
 * 6.1 does not decode (TRIG) and reserved encodings we accept (MODE with both bits set) get
 * descriptions in the same style.
 */
public final class PtPacketText {
    /** perf shows PAD bytes with the preceding packet up to this many bytes. */
    private static final int FOLD = 8;

    private PtPacketText() {}

    /**
     * How many bytes perf shows on the line of the current packet: its size plus the PAD bytes
     * that follow it, up to 8 in all.
     */
    public static int foldedSize(PacketDecoder d, byte[] buf, int begin, int end) {
        int at = begin + (int) d.offset();
        int n = d.size();
        while (n < FOLD && at + n < end && buf[at + n] == 0) {
            n++;
        }
        return n;
    }

    /** The perf-style line of the current packet, showing {@code shown} bytes of it (see {@link #foldedSize}). */
    public static String line(PacketDecoder d, byte[] buf, int begin, int shown) {
        StringBuilder sb = new StringBuilder(100);
        prefix(sb, d.offset(), buf, begin + (int) d.offset(), shown);
        return sb.append(' ').append(description(d, buf, begin)).toString();
    }

    /** A line for a decode error at {@code offset}: the byte there, what is wrong, where decoding resumes. */
    public static String errorLine(long offset, byte[] buf, int begin, int end, String problem, long resync) {
        StringBuilder sb = new StringBuilder(120);
        prefix(sb, offset, buf, begin + (int) offset, begin + offset < end ? 1 : 0);
        sb.append(" Bad packet! ").append(problem);
        if (resync >= 0) {
            sb.append(String.format(Locale.ROOT, "; resync at PSB %08x", resync));
        } else {
            sb.append("; no PSB follows");
        }
        return sb.toString();
    }

    private static void prefix(StringBuilder sb, long offset, byte[] buf, int at, int shown) {
        sb.append(String.format(Locale.ROOT, ".  %08x: ", offset));
        for (int i = 0; i < shown; i++) {
            sb.append(' ').append(HEX[(buf[at + i] >> 4) & 0xf]).append(HEX[buf[at + i] & 0xf]);
        }
        for (int i = shown; i < 16; i++) {
            sb.append("   ");
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** perf's description of the current packet ({@code buf[begin...]} is the decoded buffer). */
    public static String description(PacketDecoder d, byte[] buf, int begin) {
        int at = begin + (int) d.offset();
        return switch (d.type()) {
            case PAD -> "PAD";
            case PSB -> "PSB";
            case PSBEND -> "PSBEND";
            case STOP -> "TraceSTOP";
            case OVF -> "OVF";
            case TNT_8, TNT_64 -> {
                StringBuilder sb = new StringBuilder("TNT ");
                for (int i = d.tntCount() - 1; i >= 0; i--) {
                    sb.append((d.tntBits() >>> i & 1) != 0 ? 'T' : 'N');
                }
                yield sb.append(" (").append(d.tntCount()).append(')').toString();
            }
            case TIP, TIP_PGE, TIP_PGD, FUP -> name(d.type())
                    + (d.ipc().payloadBytes() == 0 ? " no ip" : " 0x" + Long.toHexString(d.ipPayload()));
            case MODE_EXEC -> {
                int bits = d.modeBits();
                String size = switch (bits & 3) {
                    case 0 -> "16";
                    case 1 -> "64";
                    case 2 -> "32";
                    default -> "reserved(CS.L=1,CS.D=1)";
                };
                yield "MODE.Exec IF:" + (bits >> 2 & 1) + " " + size;
            }
            case MODE_TSX -> "MODE.TSX TXAbort:" + (d.modeBits() >> 1 & 1) + " InTX:" + (d.modeBits() & 1);
            case PIP -> "PIP 0x" + Long.toHexString(d.pipCr3() >>> 5) + " (NR=" + (d.pipNr() ? 1 : 0) + ")";
            case VMCS -> "VMCS 0x" + Long.toHexString(d.vmcsBase() >>> 12);
            case CBR -> "CBR 0x" + Integer.toHexString((buf[at + 2] & 0xff) | (buf[at + 3] & 0xff) << 8);
            case TSC -> "TSC 0x" + Long.toHexString(d.payload());
            case MTC -> "MTC 0x" + Long.toHexString(d.payload());
            case TMA -> "TMA CTC 0x" + Integer.toHexString(d.tmaCtc()) + " FC 0x" + Integer.toHexString(d.tmaFc());
            case CYC -> "CYC 0x" + Long.toHexString(d.payload());
            case MNT -> "MNT 0x" + Long.toHexString(d.payload());
            case PTW -> "PTWRITE 0x" + Long.toHexString(d.payload()) + " IP:" + (d.ptwIp() ? 1 : 0);
            case EXSTOP -> "EXSTOP IP:" + (d.ipBit() ? 1 : 0);
            case BEP -> "BEP IP:" + (d.ipBit() ? 1 : 0);
            case MWAIT -> {
                long payload = (d.mwaitHints() & 0xffff_ffffL) | (long) d.mwaitExtensions() << 32;
                yield "MWAIT 0x" + Long.toHexString(payload) + " Hints 0x" + Integer.toHexString(d.mwaitHints() & 0xff)
                        + " Extensions 0x" + Integer.toHexString(d.mwaitExtensions() & 3);
            }
            case PWRE -> {
                int payload = (buf[at + 2] & 0xff) | (buf[at + 3] & 0xff) << 8;
                yield "PWRE 0x" + Integer.toHexString(payload) + " HW:" + (d.pwreHw() ? 1 : 0) + " CState:"
                        + d.pwreState() + " Sub-CState:" + d.pwreSubState();
            }
            case PWRX -> {
                long payload = 0;
                for (int i = 4; i >= 0; i--) {
                    payload = payload << 8 | (buf[at + 2 + i] & 0xff);
                }
                yield "PWRX 0x" + Long.toHexString(payload) + " Last CState:" + d.pwrxLastState() + " Deepest CState:"
                        + d.pwrxDeepestState() + " Wake Reason 0x" + Integer.toHexString(d.pwrxWakeReason());
            }
            case BBP -> "BBP SZ " + d.bbpBipSize() + "-byte Type 0x" + Integer.toHexString(d.bbpType());
            case BIP -> String.format(Locale.ROOT, "BIP ID 0x%02x Value 0x%x", d.bipId(), d.payload());
            case CFE -> String.format(Locale.ROOT, "CFE IP:%d Type 0x%02x Vector 0x%x", d.ipBit() ? 1 : 0, d.cfeType(),
                    d.cfeVector());
            case EVD -> String.format(Locale.ROOT, "EVD Type 0x%02x Payload 0x%x", d.evdType(), d.payload());
            case TRIG -> String.format(Locale.ROOT, "TRIG IP:%d MULT:%d TRBV 0x%02x%s", d.ipBit() ? 1 : 0,
                    d.trigMult() ? 1 : 0, d.trigTrbv(), d.trigIcnt() >= 0 ? " ICNT 0x" + Integer.toHexString(d.trigIcnt()) : "");
        };
    }

    private static String name(PacketType t) {
        return switch (t) {
            case TIP -> "TIP";
            case TIP_PGE -> "TIP.PGE";
            case TIP_PGD -> "TIP.PGD";
            default -> "FUP";
        };
    }

    /**
     * The current packet as a JSON object: {@code buffer}, {@code cpu}, {@code offset}, {@code
     * type} (a {@link PacketType} name) and its fields; an IP packet also has {@code ip}, the IP
     * expanded against {@code lastIp} (which the caller updates), unless suppressed.
     */
    public static JsonLine json(PacketDecoder d, int buffer, int cpu, LastIp lastIp) {
        JsonLine j = new JsonLine().put("buffer", buffer).put("cpu", cpu).put("offset", d.offset())
                .put("type", d.type().name()).put("size", d.size());
        switch (d.type()) {
            case TNT_8, TNT_64 -> {
                StringBuilder tnt = new StringBuilder();
                for (int i = d.tntCount() - 1; i >= 0; i--) {
                    tnt.append((d.tntBits() >>> i & 1) != 0 ? 'T' : 'N');
                }
                j.put("count", d.tntCount()).put("tnt", tnt.toString());
            }
            case TIP, TIP_PGE, TIP_PGD, FUP -> {
                j.put("ipc", d.ipc().name().toLowerCase(Locale.ROOT)).putHex("payload", d.ipPayload());
                if (d.ipc().payloadBytes() == 0) {
                    j.putNull("ip");
                } else {
                    j.putHex("ip", LastIp.expand(lastIp.ip(), d.ipc(), d.ipPayload()));
                }
            }
            case MODE_EXEC -> j.put("csl", (d.modeBits() & 1) != 0).put("csd", (d.modeBits() & 2) != 0)
                    .put("if", (d.modeBits() & 4) != 0);
            case MODE_TSX -> j.put("intx", (d.modeBits() & 1) != 0).put("abort", (d.modeBits() & 2) != 0);
            case PIP -> j.putHex("cr3", d.pipCr3()).put("nr", d.pipNr());
            case VMCS -> j.putHex("base", d.vmcsBase());
            case CBR -> j.put("ratio", d.payload());
            case TSC -> j.put("tsc", d.payload());
            case MTC -> j.put("ctc", d.payload());
            case TMA -> j.put("ctc", d.tmaCtc()).put("fc", d.tmaFc());
            case CYC -> j.put("cycles", d.payload());
            case MNT -> j.putHex("payload", d.payload());
            case PTW -> j.put("payload_size", d.ptwSize()).put("ip", d.ptwIp()).putHex("payload", d.payload());
            case EXSTOP, BEP -> j.put("ip", d.ipBit());
            case MWAIT -> j.putHex("hints", d.mwaitHints() & 0xffff_ffffL).putHex("extensions",
                    d.mwaitExtensions() & 0xffff_ffffL);
            case PWRE -> j.put("hw", d.pwreHw()).put("cstate", d.pwreState()).put("sub_cstate", d.pwreSubState());
            case PWRX -> j.put("last_cstate", d.pwrxLastState()).put("deepest_cstate", d.pwrxDeepestState())
                    .put("wake_reason", d.pwrxWakeReason());
            case BBP -> j.put("bip_size", d.bbpBipSize()).put("block_type", d.bbpType());
            case BIP -> j.put("id", d.bipId()).put("value_size", d.bipSize()).putHex("value", d.payload());
            case CFE -> j.put("ip", d.ipBit()).put("event_type", d.cfeType()).put("vector", d.cfeVector());
            case EVD -> j.put("data_type", d.evdType()).putHex("payload", d.payload());
            case TRIG -> {
                j.put("ip", d.ipBit()).put("mult", d.trigMult()).put("trbv", d.trigTrbv());
                if (d.trigIcnt() >= 0) {
                    j.put("icnt", d.trigIcnt());
                } else {
                    j.putNull("icnt");
                }
            }
            default -> { }
        }
        return j;
    }
}
