package dev.textpoke.perf.attr;

/** Joins the names of set bits with {@code |}, as perf prints bit masks. */
final class BitNames {
    private BitNames() {}

    static String join(long bits, String[] names) {
        StringBuilder sb = new StringBuilder();
        long unknown = 0;
        for (int b = 0; b < 64; b++) {
            if ((bits >>> b & 1) == 0) {
                continue;
            }
            if (b < names.length) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(names[b]);
            } else {
                unknown |= 1L << b;
            }
        }
        if (unknown != 0) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append("0x").append(Long.toHexString(unknown));
        }
        return sb.toString();
    }
}
