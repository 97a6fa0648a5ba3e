package dev.textpoke.pt.packet;

/**
 * The IPBytes field (bits 7:5 of a TIP, TIP.PGE, TIP.PGD or FUP header): how the payload
 * combines with the last IP (SDM Vol. 3C, "IP Compression"; libipt {@code enum
 * pt_ip_compression}, {@code pt_last_ip_update_ip}; perf {@code intel_pt_calc_ip}). Codes 5 and
 * 7 are reserved and decode as {@code BAD_PACKET}.
 */
public enum IpCompression {
    /** 000: no payload; the IP is out of context. The last IP is kept. */
    SUPPRESSED(0, 0),
    /** 001: bits 15:0 replace those of the last IP. */
    UPDATE_16(1, 2),
    /** 010: bits 31:0 replace those of the last IP. */
    UPDATE_32(2, 4),
    /** 011: bits 47:0, sign-extended from bit 47. */
    SEXT_48(3, 6),
    /** 100: bits 47:0 replace those of the last IP; bits 63:48 are kept. */
    UPDATE_48(4, 6),
    /** 110: the whole 64-bit IP. */
    FULL(6, 8);

    private static final IpCompression[] BY_CODE = {
        SUPPRESSED, UPDATE_16, UPDATE_32, SEXT_48, UPDATE_48, null, FULL, null
    };

    private final int code;
    private final int payloadBytes;

    IpCompression(int code, int payloadBytes) {
        this.code = code;
        this.payloadBytes = payloadBytes;
    }

    /** The IPBytes value in the header (0, 1, 2, 3, 4 or 6). */
    public int code() {
        return code;
    }

    /** Payload bytes after the header: 0, 2, 4, 6, 6 or 8. */
    public int payloadBytes() {
        return payloadBytes;
    }

    /** The compression with this IPBytes value, or null for the reserved values 5 and 7 (and any other). */
    public static IpCompression ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The payload bits this compression carries: the low 0, 16, 32, 48, 48 or 64 bits. */
    public long payloadMask() {
        return payloadBytes == 8 ? -1L : (1L << (payloadBytes * 8)) - 1;
    }
}
