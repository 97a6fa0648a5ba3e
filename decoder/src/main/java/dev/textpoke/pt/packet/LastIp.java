package dev.textpoke.pt.packet;

/**
 * The last IP of an Intel PT stream, which compressed IP payloads complete (SDM Vol. 3C, "IP
 * Compression"): shared by the encoder, which compresses against it, and the decoders above the
 * packet layer, which expand against it. A PSB resets it to 0; every IP packet with a payload
 * updates it; a suppressed IP leaves it as it was (libipt {@code pt_last_ip}, perf
 * {@code intel_pt_set_last_ip}).
 */
public final class LastIp {
    private long ip;
    private boolean suppressed;

    /** The last IP (0 after a PSB, before any IP payload). */
    public long ip() {
        return ip;
    }

    /** Whether the most recent IP packet suppressed its IP. */
    public boolean suppressed() {
        return suppressed;
    }

    /** Back to the state after a PSB. */
    public void reset() {
        ip = 0;
        suppressed = false;
    }

    /**
     * Applies an IP packet and returns the full IP it names (the last IP unchanged for
     * {@link IpCompression#SUPPRESSED}).
     */
    public long update(IpCompression ipc, long payload) {
        if (ipc == IpCompression.SUPPRESSED) {
            suppressed = true;
            return ip;
        }
        ip = expand(ip, ipc, payload);
        suppressed = false;
        return ip;
    }

    /** The IP that {@code payload} with compression {@code ipc} names after {@code last}. */
    public static long expand(long last, IpCompression ipc, long payload) {
        return switch (ipc) {
            case SUPPRESSED -> last;
            case UPDATE_16 -> (last & ~0xffffL) | (payload & 0xffffL);
            case UPDATE_32 -> (last & ~0xffff_ffffL) | (payload & 0xffff_ffffL);
            case SEXT_48 -> (payload << 16) >> 16;
            case UPDATE_48 -> (last & ~0xffff_ffff_ffffL) | (payload & 0xffff_ffff_ffffL);
            case FULL -> payload;
        };
    }

    /**
     * The smallest compression that names {@code ip} after {@code last}: update-16 or update-32
     * when the upper bits match, else sign-extended 48 bits when the IP is canonical for 48-bit
     * addresses (it does not depend on the last IP, as hardware prefers), else update-48 when
     * bits 63:48 match, else the full IP. Never {@link IpCompression#SUPPRESSED}.
     */
    public static IpCompression smallest(long last, long ip) {
        long diff = last ^ ip;
        if ((diff & ~0xffffL) == 0) {
            return IpCompression.UPDATE_16;
        }
        if ((diff & ~0xffff_ffffL) == 0) {
            return IpCompression.UPDATE_32;
        }
        if (((ip << 16) >> 16) == ip) {
            return IpCompression.SEXT_48;
        }
        if ((diff & ~0xffff_ffff_ffffL) == 0) {
            return IpCompression.UPDATE_48;
        }
        return IpCompression.FULL;
    }
}
