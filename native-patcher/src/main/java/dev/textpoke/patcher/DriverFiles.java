package dev.textpoke.patcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.Map;

/**
 * The driver executables, which the build puts on the class path next to the library
 * ({@code linux-x86-64/textpoke-patcher}, {@code linux-aarch64/textpoke-patcher}). A class-path
 * resource cannot be executed, so each is copied once into a private temporary directory,
 * removed again by {@link #close()} (or at JVM exit).
 */
final class DriverFiles implements AutoCloseable {
    static final String DRIVER = "textpoke-patcher";

    private final Map<Arch, Path> extracted = new EnumMap<>(Arch.class);
    private Path dir;

    /** The driver for an architecture, copied out of the class path on first use. */
    Path driver(Arch arch) throws PatcherException {
        Path p = extracted.get(arch);
        if (p != null) {
            return p;
        }
        String resource = "/" + arch.resourceDir() + "/" + DRIVER;
        try (InputStream in = DriverFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PatcherException(PatcherException.Kind.NOT_BUILT, "this build has no "
                        + arch.label() + " driver (" + resource + " is not on the class path)"
                        + (arch == Arch.AARCH64
                                ? ": install gcc-aarch64-linux-gnu and libc6-dev-arm64-cross"
                                        + " (scripts/ensure-deps test) and rebuild with 'mvn package'"
                                : ": rebuild with 'mvn package'"));
            }
            if (dir == null) {
                dir = Files.createTempDirectory("textpoke-patcher-");
                dir.toFile().deleteOnExit();
            }
            Path target = dir.resolve(arch.resourceDir() + "-" + DRIVER);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().deleteOnExit();
            if (!target.toFile().setExecutable(true, true)) {
                throw new PatcherException(PatcherException.Kind.UNSUPPORTED,
                        "cannot make " + target + " executable");
            }
            extracted.put(arch, target);
            return target;
        } catch (IOException e) {
            throw new PatcherException(PatcherException.Kind.UNSUPPORTED,
                    "cannot copy the patcher driver to a temporary directory (set"
                            + " -Djava.io.tmpdir to a writable, executable place): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            for (Path p : extracted.values()) {
                Files.deleteIfExists(p);
            }
            if (dir != null) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        extracted.clear();
        dir = null;
    }
}
