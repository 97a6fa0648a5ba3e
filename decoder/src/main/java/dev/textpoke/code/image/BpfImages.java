package dev.textpoke.code.image;

import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.io.U64s;
import dev.textpoke.perf.feature.Feature;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * BPF programs' JIT images from the BPF_PROG_INFO feature, as the reader types it ({@link
 * Feature.BpfProg}: the struct and the arrays perf stored with it). A program of several
 * functions has one kernel symbol per function ({@code jited_ksyms[i]}, {@code
 * jited_func_lens[i]}); their code follows each other in {@code jited_prog_insns}.
 */
public final class BpfImages {
    /** The JIT code of one BPF function at its kernel address. */
    public record JitImage(long address, Bytes code) {}

    private BpfImages() {}

    /**
     * Every function of every program that has its JIT code in the feature; programs recorded
     * without it (an older perf, or no permission) are left out.
     *
     * @param order  unused since the reader decodes the struct in the file's order; kept for callers
     * @param source and {@code offset}: where the feature section is, for errors
     */
    public static List<JitImage> of(Feature.BpfProgInfo info, ByteOrder order, String source, long offset)
            throws InputFormatException {
        List<JitImage> out = new ArrayList<>();
        for (Feature.BpfProg p : info.programs()) {
            Bytes code = p.jitedProgInsns();
            U64s ksyms = p.jitedKsyms();
            U64s lens = p.jitedFuncLens();
            if (code == null || code.length() == 0 || ksyms == null || lens == null || ksyms.isEmpty()
                    || ksyms.size() != lens.size()) {
                continue;
            }
            int at = 0;
            for (int k = 0; k < ksyms.size(); k++) {
                long len = lens.get(k);
                if (len > code.length() - at) {
                    throw new InputFormatException(source, offset, "BPF function " + k + " of " + len
                            + " bytes runs past the " + code.length() + " bytes of jited_prog_insns");
                }
                out.add(new JitImage(ksyms.get(k), code.slice(at, at + (int) len)));
                at += (int) len;
            }
        }
        return out;
    }
}
