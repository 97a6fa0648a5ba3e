package dev.textpoke.arm64;

import dev.textpoke.isa.InstructionClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Entry points: validate the patch sites of an image, or the patches of a file. */
public final class Arm64Validation {
    private Arm64Validation() {}

    /**
     * What was found in one image.
     *
     * @param crossCheck the mask-versus-Capstone comparison, or null when not asked for
     */
    public record ImageReport(String image, boolean module, List<Verdict> verdicts, int jumpLabelSites,
            int ftraceFunctions, int callOpsLiterals, int ftraceEntriesSkipped, CapstoneCrossCheck.Result crossCheck) {}

    /**
     * Reads the jump-label and ftrace sites of an arm64 vmlinux or module ({@code .ko}, {@code .ko.xz},
     * {@code .ko.zst}) and checks every transition.
     *
     * @param capstone when not null, also compares every code word's class with Capstone's
     */
    public static ImageReport validateImage(Path path, CmodxValidator validator, long maxDecompressed,
            InstructionClassifier capstone) throws IOException {
        try (Arm64Image image = Arm64Image.open(path, maxDecompressed)) {
            JumpTableSites.Result jumps = JumpTableSites.read(image);
            FtraceSites.Result ftrace = FtraceSites.read(image);
            List<Verdict> verdicts = new ArrayList<>(jumps.patches().size() + ftrace.patches().size());
            for (Patch p : jumps.patches()) {
                verdicts.add(validator.check(p));
            }
            for (Patch p : ftrace.patches()) {
                verdicts.add(validator.check(p));
            }
            CapstoneCrossCheck.Result cross = capstone == null ? null : CapstoneCrossCheck.run(image, capstone);
            return new ImageReport(path.toString(), image.isModule(), verdicts, jumps.sites(),
                    ftrace.functions(), ftrace.callOpsLiterals(), ftrace.skipped(), cross);
        }
    }

    /** Checks every patch of a patches file (see {@link PatchFile}). */
    public static List<Verdict> validatePatches(Path file, CmodxValidator validator) throws IOException {
        List<Verdict> out = new ArrayList<>();
        for (Patch p : PatchFile.read(file)) {
            out.add(validator.check(p));
        }
        return out;
    }
}
