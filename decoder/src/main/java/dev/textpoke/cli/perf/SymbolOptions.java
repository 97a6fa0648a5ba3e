package dev.textpoke.cli.perf;

import dev.textpoke.cli.code.MappedFileOptions;
import dev.textpoke.code.space.KernelSymbols;
import dev.textpoke.code.space.ObjectFiles;
import dev.textpoke.elf.ElfFile;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.io.Bytes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the names of addresses come from: the kernel's ({@code --kallsyms}, {@code --kcore},
 * {@code --vmlinux}, else the {@code kcore_dir} beside the perf.data, else perf's build-id cache or
 * this machine's {@code /proc/kallsyms} when it runs the recorded kernel) and user space's (the
 * mapped files, found under {@code --symfs}, by build id in perf's cache and {@code /usr/lib/debug},
 * or at their path).
 */
final class SymbolOptions {
    @Option(names = "--kallsyms", paramLabel = "FILE", description = "A /proc/kallsyms copy naming kernel addresses.")
    Path kallsyms;

    @Option(names = "--kcore", paramLabel = "DIR", description = "A kcore copy (perf record --kcore's kcore_dir):"
            + " its kallsyms names kernel addresses.")
    Path kcore;

    @Option(names = "--vmlinux", paramLabel = "ELF", description = "A kernel image whose symbols name kernel"
            + " addresses.")
    Path vmlinux;

    /** {@code --symfs} and {@code --buildid-dir}: the cache holds the recorded kernel's kallsyms too. */
    @Mixin
    MappedFileOptions mappedFiles;

    /**
     * Rejects a kernel symbol source given on the command line that cannot be read, before anything
     * is printed, as the commands that load theirs at the start do ({@code pokes}, {@code
     * branches}): the symbols themselves are read only when a sample needs them. Only the start
     * of each file is read: kallsyms' first lines, the ELF headers of the vmlinux.
     */
    void check() throws IOException {
        if (kallsyms != null) {
            KernelSymbols.checkKallsyms(kallsyms);
        }
        if (kcore != null) {
            KernelSymbols.checkKallsyms(kcore.resolve("kallsyms"));
        }
        if (vmlinux != null) {
            ElfFile.open(vmlinux).close();
        }
    }

    ObjectFiles.Config files() {
        return mappedFiles.config();
    }

    /**
     * The kernel's symbols, from the first source that is there; none when nothing is. The source is
     * chosen now (reading the perf.data's features); the returned reader reads only its file, and
     * may run on another thread.
     */
    Callable<KernelSymbols> kernel(PerfData data) throws IOException {
        if (kallsyms != null) {
            Path file = kallsyms;
            return () -> KernelSymbols.kallsyms(file);
        }
        if (kcore != null) {
            Path file = kcore.resolve("kallsyms");
            return () -> KernelSymbols.kallsyms(file);
        }
        if (vmlinux != null) {
            Path file = vmlinux;
            return () -> KernelSymbols.vmlinux(file);
        }
        if (data.kcoreDir().isPresent() && java.nio.file.Files.isRegularFile(data.kcoreDir().get().resolve("kallsyms"))) {
            Path file = data.kcoreDir().get().resolve("kallsyms");
            return () -> KernelSymbols.kallsyms(file);
        }
        String release;
        try {
            release = data.features().string(FeatureId.OSRELEASE).orElse(null);
        } catch (IOException e) {
            release = null;
        }
        Optional<Path> cached = KernelSymbols.cachedKallsyms(files().buildIdDir(), kernelBuildId(data), release);
        return cached.isPresent() ? () -> KernelSymbols.kallsyms(cached.get()) : () -> KernelSymbols.NONE;
    }

    /** The recorded kernel's build id (BUILD_ID feature, {@code [kernel.kallsyms]}), or null. */
    static Bytes kernelBuildId(PerfData data) {
        try {
            Optional<Feature.BuildIds> ids = data.features().get(FeatureId.BUILD_ID, Feature.BuildIds.class);
            if (ids.isPresent()) {
                for (Feature.BuildIdEntry e : ids.get().entries()) {
                    if (e.name().equals(KernelSymbols.KERNEL_DSO)) {
                        return e.buildId();
                    }
                }
            }
        } catch (IOException e) {
            // a damaged BUILD_ID feature: no build ids
        }
        return null;
    }
}
