package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.feature.BpfProgArray;
import dev.textpoke.perf.feature.Feature;

/**
 * The bytes of a BPF_PROG_INFO section that cannot round-trip: perf lays a program's arrays out in
 * a {@code malloc}ed buffer, each rounded up to 8 bytes ({@code get_bpf_prog_info_linear}), and
 * the kernel fills only the arrays, so the rounding bytes hold whatever the heap held (real
 * files have pieces of strings there). The writer writes zeros. This zeroes those bytes of a
 * section read from a file, so that the rest can be compared exactly.
 */
final class BpfPadding {
    /** {@code u32 nr}, then per program {@code u32 info_len; u32 data_len; u64 arrays} before the struct. */
    private static final int NR = 4;
    private static final int PROG_HEAD = 16;

    private BpfPadding() {}

    static Bytes zeroed(Bytes section, Feature.BpfProgInfo parsed) {
        byte[] b = section.toArray();
        int at = NR;
        for (Feature.BpfProg p : parsed.programs()) {
            int data = at + PROG_HEAD + (int) p.info().infoLen();
            boolean[] covered = new boolean[(int) p.dataLen()];
            for (BpfProgArray a : BpfProgArray.values()) {
                if (a.in(p.arrays())) {
                    long off = a.offset(p.info());
                    for (long k = off; k < off + a.byteLength(p.info()); k++) {
                        covered[(int) k] = true;
                    }
                }
            }
            for (int k = 0; k < covered.length; k++) {
                if (!covered[k]) {
                    b[data + k] = 0;
                }
            }
            at = data + (int) p.dataLen();
        }
        return Bytes.wrapOwned(b);
    }
}
