package dev.textpoke.cli.code;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.image.ElfImages;
import dev.textpoke.code.image.KallsymsTable;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.code.image.PerfArchive;
import dev.textpoke.code.image.RawImage;
import dev.textpoke.cli.CommandError;
import dev.textpoke.perf.PerfData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The base images of the code timeline: {@code --kcore}, {@code --vmlinux}, {@code --archive},
 * {@code --image}, {@code --module} (with {@code --kallsyms}). A mixin of every command that reads
 * kernel code (the {@code code} and {@code branches} families).
 */
public final class ImageOptions {
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

    @Option(names = "--module", paramLabel = "KO[@ADDR]",
            description = "A kernel module (.ko, .ko.xz, .ko.zst) with its text at a hex address, or where the"
                    + " modules file beside --kallsyms says; its relocations are applied, resolved from"
                    + " --kallsyms, and places that cannot be resolved are unknown (repeatable).")
    List<String> modules = new ArrayList<>();

    @Option(names = "--kallsyms", paramLabel = "FILE",
            description = "A /proc/kallsyms copy (e.g. kcore_dir/kallsyms) for --module's relocations, and its"
                    + " text symbols for naming addresses.")
    Path kallsyms;

    /**
     * The kcore copy in use: {@code --kcore}, or with no image option the {@code kcore_dir} beside
     * the perf.data.
     */
    public java.util.Optional<Path> kcoreDir(PerfData data) {
        if (kcore != null) {
            return java.util.Optional.of(kcore);
        }
        boolean none = vmlinux == null && archive == null && images.isEmpty() && modules.isEmpty() && kallsyms == null;
        return none ? data.kcoreDir() : java.util.Optional.empty();
    }

    /** The images asked for; with none, the kcore_dir beside the perf.data when there is one. */
    public List<BaseImage> load(PerfData data) throws IOException {
        List<BaseImage> out = new ArrayList<>();
        KallsymsTable symbols = kallsyms == null ? null : KallsymsTable.load(kallsyms);
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
                throw new CommandError("--image " + spec + ": " + e.getMessage());
            }
        }
        for (String spec : modules) {
            out.add(module(spec, symbols));
        }
        if (kallsyms != null && kcore == null) {
            // Names only (no bytes): the kernel's functions that module code calls and jumps to.
            out.add(new BaseImage(kallsyms.toString(), List.of(), symbols.textSymbols()));
        }
        if (out.isEmpty() && data.kcoreDir().isPresent()) {
            out.add(KcoreDir.load(data.kcoreDir().get()).image());
        }
        return out;
    }

    /** @param symbols the --kallsyms file, or null */
    private BaseImage module(String spec, KallsymsTable symbols) throws IOException {
        int at = spec.lastIndexOf('@');
        Path ko = Path.of(at < 0 ? spec : spec.substring(0, at));
        if (!java.nio.file.Files.exists(ko)) {
            throw new java.nio.file.NoSuchFileException(ko.toString());
        }
        // The kernel's name of a module: the file name without .ko*, dashes as underscores.
        String name = ko.getFileName().toString().replaceFirst("\\.ko(\\.xz|\\.zst)?$", "").replace('-', '_');
        long address;
        if (at >= 0) {
            try {
                address = Long.parseUnsignedLong(spec.substring(at + 1).replaceFirst("^0x", ""), 16);
            } catch (NumberFormatException e) {
                throw new CommandError("--module " + spec + ": not a hex address: " + spec.substring(at + 1));
            }
        } else {
            Path list = kallsyms == null ? null : kallsyms.resolveSibling("modules");
            if (list == null || !java.nio.file.Files.exists(list)) {
                throw new CommandError("--module " + spec + ": no load address: give KO@ADDR, or --kallsyms"
                        + " with a modules file beside it");
            }
            address = KcoreDir.modules(list).stream().filter(m -> m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new CommandError(list + ": no module " + name + " (for --module " + spec + ")"))
                    .address();
        }
        return ElfImages.module(ko, address, symbols == null ? n -> java.util.OptionalLong.empty()
                : n -> symbols.address(n, name));
    }
}
