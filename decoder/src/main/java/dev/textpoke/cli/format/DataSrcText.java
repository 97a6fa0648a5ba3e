package dev.textpoke.cli.format;

/**
 * A sample's {@code data_src} ({@code union perf_mem_data_src}, uapi perf_event.h) as perf 6.1's
 * {@code perf script} spells it (util/mem-events.c, {@code perf_script__meminfo_scnprintf}):
 * {@code |OP LOAD|LVL L1 or L1 hit|SNP None|TLB L1 or L2 hit|LCK No|BLK  N/A}. Checked against
 * perf 6.1 on every value of each field (SamplesMemoryFieldsTest). Quirks of 6.1 kept: the old
 * level bits and the level number are both printed, joined by "or"; a hops value names its
 * distance instead of the level bits; hops 5 to 7, past the end of perf's table, print as
 * {@code (null)}; level numbers 1 to 8 print as {@code L1} to {@code L8}.
 */
public final class DataSrcText {
    private DataSrcText() {}

    /** perf writes the hex and the decoded text into a buffer of 100 bytes: what is past 99 is lost. */
    public static final int PERF_LINE_LIMIT = 99;

    private static final String[] LEVELS = {"N/A", "HIT", "MISS", "L1", "LFB/MAB", "L2", "L3", "Local RAM",
        "Remote RAM (1 hop)", "Remote RAM (2 hops)", "Remote Cache (1 hop)", "Remote Cache (2 hops)", "I/O",
        "Uncached"};
    /** perf 6.1's names of PERF_MEM_LVLNUM_*; null: printed as {@code L<n>}. */
    private static final String[] LEVEL_NUMBERS = {null, null, null, null, null, null, null, null, null, "CXL", "I/O",
        "Any cache", "LFB/MAB", "RAM", "PMEM", "N/A"};
    private static final String[] HOPS = {"N/A", "core, same node", "node, same socket", "socket, same board",
        "board", "(null)", "(null)", "(null)"};
    private static final String[] SNOOPS = {"N/A", "None", "Hit", "Miss", "HitM"};
    private static final String[] SNOOPX = {"Fwd", "Peer"};
    private static final String[] TLBS = {"N/A", "HIT", "MISS", "L1", "L2", "Walker", "Fault"};

    private static final int LVL_HIT = 1 << 1;
    private static final int LVL_MISS = 1 << 2;
    private static final int TLB_HIT = 1 << 1;
    private static final int TLB_MISS = 1 << 2;

    /** The decoded text, whole (perf's line cuts it at {@link #PERF_LINE_LIMIT} characters with the hex). */
    public static String decode(long dataSrc) {
        StringBuilder b = new StringBuilder(96);
        b.append("|OP ").append(op(bits(dataSrc, 0, 5)));
        b.append("|LVL ");
        level(b, dataSrc);
        b.append("|SNP ");
        snoop(b, bits(dataSrc, 19, 5), bits(dataSrc, 38, 2));
        b.append("|TLB ");
        tlb(b, bits(dataSrc, 26, 7));
        b.append("|LCK ").append(lock(bits(dataSrc, 24, 2)));
        b.append("|BLK ");
        block(b, bits(dataSrc, 40, 3));
        return b.toString();
    }

    private static int bits(long v, int shift, int width) {
        return (int) (v >>> shift) & ((1 << width) - 1);
    }

    private static String op(int op) {
        if ((op & 1) != 0) {
            return "N/A";
        } else if ((op & 2) != 0) {
            return "LOAD";
        } else if ((op & 4) != 0) {
            return "STORE";
        } else if ((op & 8) != 0) {
            return "PFETCH";
        } else if ((op & 16) != 0) {
            return "EXEC";
        }
        return "No";
    }

    private static void level(StringBuilder b, long dataSrc) {
        int lvl = bits(dataSrc, 5, 14);
        int number = bits(dataSrc, 33, 4);
        int hops = bits(dataSrc, 43, 3);
        int start = b.length();
        if (bits(dataSrc, 37, 1) != 0) {
            b.append("Remote ");
        }
        boolean printed = false;
        if (hops != 0) {
            // perf 6.1 names the distance and leaves the level bits out
            b.append(HOPS[hops]).append(' ');
        } else {
            printed = joined(b, lvl & ~(LVL_HIT | LVL_MISS), LEVELS);
        }
        if (number != 0) {
            if (printed) {
                b.append(" or ");
            }
            b.append(LEVEL_NUMBERS[number] != null ? LEVEL_NUMBERS[number] : "L" + number);
        }
        if (b.length() == start) {
            b.append("N/A");
        }
        hitMiss(b, (lvl & LVL_HIT) != 0, (lvl & LVL_MISS) != 0);
    }

    /** The names of the set bits joined by " or "; whether any was. */
    private static boolean joined(StringBuilder b, int mask, String[] names) {
        boolean any = false;
        for (int i = 0; i < names.length && mask >>> i != 0; i++) {
            if ((mask >>> i & 1) != 0) {
                if (any) {
                    b.append(" or ");
                }
                b.append(names[i]);
                any = true;
            }
        }
        return any;
    }

    private static void hitMiss(StringBuilder b, boolean hit, boolean miss) {
        if (hit) {
            b.append(" hit");
        }
        if (miss) {
            b.append(" miss");
        }
    }

    private static void snoop(StringBuilder b, int snoop, int snoopx) {
        int start = b.length();
        boolean any = joined(b, snoop, SNOOPS);
        if (snoopx != 0) {
            if (any) {
                b.append(" or ");
            }
            joined(b, snoopx, SNOOPX);
        }
        if (b.length() == start) {
            b.append("N/A");
        }
    }

    private static void tlb(StringBuilder b, int tlb) {
        if (!joined(b, tlb & ~(TLB_HIT | TLB_MISS), TLBS)) {
            b.append("N/A");
        }
        hitMiss(b, (tlb & TLB_HIT) != 0, (tlb & TLB_MISS) != 0);
    }

    private static String lock(int lock) {
        if ((lock & 1) != 0) {
            return "N/A";
        }
        return (lock & 2) != 0 ? "Yes" : "No";
    }

    /** Each word after a space, as perf prints them: {@code "|BLK "} then {@code " N/A"}. */
    private static void block(StringBuilder b, int blk) {
        if (blk == 0 || (blk & 1) != 0) {
            b.append(" N/A");
            return;
        }
        if ((blk & 2) != 0) {
            b.append(" Data");
        }
        if ((blk & 4) != 0) {
            b.append(" Addr");
        }
    }

    /**
     * The text of a page size as perf's {@code get_page_size_name}: {@code N/A} for 0, else the
     * size in the largest of B, K, M, G that leaves more than 1 of the next ({@code 4K}, {@code
     * 2M}, but {@code 1024B}, {@code 1024M}: perf divides while the quotient is above 1).
     */
    public static String pageSize(long size) {
        if (size == 0) {
            return "N/A";
        }
        long n = size;
        int unit = 0;
        while (Long.compareUnsigned(Long.divideUnsigned(n, 1024), 1) > 0 && unit < 3) {
            n = Long.divideUnsigned(n, 1024);
            unit++;
        }
        return Long.toUnsignedString(n) + "BKMG".charAt(unit);
    }
}
