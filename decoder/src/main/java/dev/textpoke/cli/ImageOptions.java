package dev.textpoke.cli;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.image.ElfImages;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.code.image.PerfArchive;
import dev.textpoke.code.image.RawImage;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The base images of the code timeline: {@code --kcore}, {@code --vmlinux}, {@code --image}. */
final class ImageOptions {
    @Option(names = "--kcore", paramLabel = "DIR",
            description = "A kcore copy (perf record --kcore's kcore_dir: kcore, kallsyms, modules).")
    Path kcore;

    @Option(names = "--vmlinux", paramLabel = "ELF",
            description = "A kernel image: its executable segments and symbols (not the running kernel's"
                    + " patched text: pokes will not match where boot-time patching changed it).")
    Path vmlinux;

    @Option(names = "--archive", paramLabel = "TAR",
            description = "A perf archive tarball (perf.data.tar.bz2): the kernel's kcore copy, image or"
                    + " kallsyms from its build-id cache.")
    Path archive;

    @Option(names = "--image", paramLabel = "ADDR:FILE",
            description = "Raw bytes loaded at a hex address (repeatable).")
    List<String> images = new ArrayList<>();

    /** The images asked for; with none, the kcore_dir beside the perf.data when there is one. */
    List<BaseImage> load(PerfData data) throws IOException {
        List<BaseImage> out = new ArrayList<>();
        if (kcore != null) {
            out.add(KcoreDir.load(kcore).image());
        }
        if (vmlinux != null) {
            out.add(ElfImages.vmlinux(vmlinux));
        }
        if (archive != null) {
            out.addAll(PerfArchive.load(archive, java.util.Optional.empty()));
        }
        for (String spec : images) {
            try {
                out.add(RawImage.load(spec));
            } catch (IllegalArgumentException e) {
                throw new InputFormatException("--image " + spec, -1, e.getMessage());
            }
        }
        if (out.isEmpty() && data.kcoreDir().isPresent()) {
            out.add(KcoreDir.load(data.kcoreDir().get()).image());
        }
        return out;
    }
}
