package dev.textpoke.code.image;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.Symbol;
import dev.textpoke.io.InputFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * The kernel in a {@code perf archive} tarball ({@code perf.data.tar.bz2}): a copy of the build-id
 * cache, {@code .build-id/xx/yyyy -> ../../<name>/<build-id>}, where the running kernel is
 * {@code [kernel.kallsyms]/<build-id>/kallsyms} (symbols only) with a {@code vmlinux} or {@code
 * elf} beside it when perf had the image, and {@code [kernel.kcore]/<build-id>/<time>/kcore} when
 * recorded with {@code --kcore}. User-space binaries in the archive are not kernel code and are
 * skipped; so are modules, whose load address the archive does not give.
 */
public final class PerfArchive {
    private static final String KALLSYMS_DIR = "[kernel.kallsyms]/";
    private static final String KCORE_DIR = "[kernel.kcore]/";
    /** Entries larger than this are refused: no kernel image or kallsyms is that large. */
    private static final long MAX_ENTRY = 1L << 30;

    private PerfArchive() {}

    /**
     * The kernel images and symbols of the archive, for {@code buildId} (hex) when given, else
     * for the only kernel it holds.
     */
    public static List<BaseImage> load(Path tarball, Optional<String> buildId) throws IOException {
        Path dir = Files.createTempDirectory("textpoke-archive");
        try {
            List<String> kernels = new ArrayList<>();
            try (InputStream raw = Files.newInputStream(tarball);
                    TarArchiveInputStream tar = new TarArchiveInputStream(new BZip2CompressorInputStream(raw))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    String name = e.getName();
                    boolean kernel = name.startsWith(KALLSYMS_DIR) || name.startsWith(KCORE_DIR);
                    if (!e.isFile() || !kernel || name.contains("..")) {
                        continue;
                    }
                    if (e.getSize() > MAX_ENTRY) {
                        throw new InputFormatException(tarball.toString(), -1, name + " is " + e.getSize()
                                + " bytes, more than a kernel image can be");
                    }
                    Path out = dir.resolve(name).normalize();
                    if (!out.startsWith(dir)) {
                        continue;
                    }
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out);
                    String id = name.split("/")[1];
                    if (!kernels.contains(id)) {
                        kernels.add(id);
                    }
                }
            } catch (IOException e) {
                if (e instanceof InputFormatException) {
                    throw e;
                }
                throw new InputFormatException(tarball.toString(), -1, "not a readable perf archive (tar.bz2): "
                        + e.getMessage(), e);
            }
            String id = pick(tarball, kernels, buildId);
            return images(tarball, dir, id);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String pick(Path tarball, List<String> kernels, Optional<String> buildId)
            throws InputFormatException {
        if (buildId.isPresent()) {
            String want = buildId.get().toLowerCase(Locale.ROOT);
            return kernels.stream().filter(k -> k.startsWith(want) || want.startsWith(k)).findFirst()
                    .orElseThrow(() -> new InputFormatException(tarball.toString(), -1,
                            "holds no kernel with build id " + want + " (it has " + kernels + ")"));
        }
        if (kernels.size() != 1) {
            throw new InputFormatException(tarball.toString(), -1, kernels.isEmpty()
                    ? "holds no kernel ([kernel.kallsyms] or [kernel.kcore])"
                    : "holds " + kernels.size() + " kernels " + kernels + "; say which by build id");
        }
        return kernels.get(0);
    }

    private static List<BaseImage> images(Path tarball, Path dir, String id) throws IOException {
        List<BaseImage> out = new ArrayList<>();
        Path kallsymsDir = dir.resolve(KALLSYMS_DIR + id);
        Path kcoreDir = dir.resolve(KCORE_DIR + id);
        if (Files.isDirectory(kcoreDir)) {
            try (var s = Files.list(kcoreDir)) {
                Optional<Path> copy = s.filter(p -> Files.exists(p.resolve("kcore"))).sorted().findFirst();
                if (copy.isPresent()) {
                    BaseImage k = KcoreDir.load(copy.get()).image();
                    out.add(new BaseImage(tarball + ":" + dir.relativize(copy.get()) + "/kcore", k.segments(),
                            k.symbols()));
                    return out;
                }
            }
        }
        List<Symbol> symbols = Files.exists(kallsymsDir.resolve("kallsyms"))
                ? KcoreDir.kallsyms(kallsymsDir.resolve("kallsyms")) : List.of();
        for (String image : List.of("vmlinux", "elf")) {
            if (Files.exists(kallsymsDir.resolve(image))) {
                BaseImage v = ElfImages.vmlinux(kallsymsDir.resolve(image));
                out.add(new BaseImage(tarball + ":" + KALLSYMS_DIR + id + "/" + image, v.segments(),
                        v.symbols().isEmpty() ? symbols : v.symbols()));
                return out;
            }
        }
        out.add(new BaseImage(tarball + ":" + KALLSYMS_DIR + id + "/kallsyms", List.of(), symbols));
        return out;
    }
}
