package dev.textpoke.cli.perf;

import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.feature.FeatureId;
import java.io.IOException;

/** What depends on the recording machine's architecture (the ARCH feature). */
public final class PerfArch {
    /** {@code PERF_REG_X86_IP} (arch/x86/include/uapi/asm/perf_regs.h). */
    static final int X86_IP = 8;
    /** {@code PERF_REG_ARM64_PC} (arch/arm64/include/uapi/asm/perf_regs.h). */
    private static final int ARM64_PC = 32;

    private PerfArch() {}

    /** The bit of the instruction pointer in a register dump's mask, or -1 for an architecture not known here. */
    public static int ipRegister(PerfData data) {
        String arch;
        try {
            arch = data.features().string(FeatureId.ARCH).orElse("x86_64");
        } catch (IOException e) {
            arch = "x86_64";
        }
        return switch (arch) {
            case "x86_64" -> X86_IP;
            case "aarch64", "arm64" -> ARM64_PC;
            default -> -1;
        };
    }
}
