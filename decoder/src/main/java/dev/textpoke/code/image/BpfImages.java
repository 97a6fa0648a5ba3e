package dev.textpoke.code.image;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.feature.Feature;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * BPF programs' JIT images from the BPF_PROG_INFO feature: per program, perf stores a {@code
 * struct bpf_prog_info} whose pointer fields it has turned into offsets into the data that
 * follows ({@code bpil_addr_to_offs} in {@code tools/perf/util/bpf-utils.c}). A program of several
 * functions has one kernel symbol per function ({@code jited_ksyms[i]}, {@code
 * jited_func_lens[i]}); their code follows each other in {@code jited_prog_insns}.
 */
public final class BpfImages {
    // struct bpf_prog_info (include/uapi/linux/bpf.h), offsets of the fields used.
    private static final int JITED_PROG_LEN = 16;
    private static final int JITED_PROG_INSNS = 24;
    private static final int NR_JITED_KSYMS = 104;
    private static final int NR_JITED_FUNC_LENS = 108;
    private static final int JITED_KSYMS = 112;
    private static final int JITED_FUNC_LENS = 120;
    private static final int INFO_MIN = JITED_FUNC_LENS + 8;

    /** The JIT code of one BPF function at its kernel address. */
    public record JitImage(long address, Bytes code) {}

    private BpfImages() {}

    /**
     * Every function of every program that has its JIT code in the feature; programs recorded
     * without it (an older perf, or no permission) are left out.
     *
     * @param source and {@code offset}: where the feature section is, for errors
     */
    public static List<JitImage> of(Feature.BpfProgInfo info, ByteOrder order, String source, long offset)
            throws InputFormatException {
        List<JitImage> out = new ArrayList<>();
        for (Feature.BpfProg p : info.programs()) {
            if (p.info().length() < INFO_MIN) {
                continue;
            }
            ByteCursor i = ByteCursor.of(p.info().toArray(), order, source, offset);
            long jitedLen = i.seek(JITED_PROG_LEN).u32("jited_prog_len");
            long insns = i.seek(JITED_PROG_INSNS).u64("jited_prog_insns");
            long nrKsyms = i.seek(NR_JITED_KSYMS).u32("nr_jited_ksyms");
            long nrLens = i.seek(NR_JITED_FUNC_LENS).u32("nr_jited_func_lens");
            long ksyms = i.seek(JITED_KSYMS).u64("jited_ksyms");
            long lens = i.seek(JITED_FUNC_LENS).u64("jited_func_lens");
            if (jitedLen == 0 || nrKsyms == 0 || nrKsyms != nrLens) {
                continue;
            }
            ByteCursor d = ByteCursor.of(p.data().toArray(), order, source, offset);
            Bytes code = d.seek(checked(insns, d, "jited_prog_insns")).immutableBytes(jitedLen, "jited_prog_insns");
            int at = 0;
            for (int k = 0; k < nrKsyms; k++) {
                long addr = d.seek(checked(ksyms + 8L * k, d, "jited_ksyms")).u64("jited_ksyms");
                long len = d.seek(checked(lens + 4L * k, d, "jited_func_lens")).u32("jited_func_lens");
                if (len > code.length() - at) {
                    throw new InputFormatException(source, offset, "BPF function " + k + " of " + len
                            + " bytes runs past the " + code.length() + " bytes of jited_prog_insns");
                }
                out.add(new JitImage(addr, code.slice(at, at + (int) len)));
                at += (int) len;
            }
        }
        return out;
    }

    private static int checked(long offset, ByteCursor d, String what) throws InputFormatException {
        if (offset < 0 || offset > d.remaining() + d.position()) {
            throw new InputFormatException(d.source(), d.offset(), what + " offset " + offset
                    + " lies outside the program's data");
        }
        return (int) offset;
    }
}
